//! Loading and checking lesson folders: the built-in lessons, and generated big
//! folders (500 lessons × 20 steps, 40,000 questions, 16,000 errors) that show the
//! loader stays linear. `cargo bench --bench lessons`
//!
//! `NETTUTOR_BENCH_FOLDERS=DIR cargo bench --bench lessons` also writes the generated
//! folders under DIR, to time the whole process, e.g.
//! `hyperfine 'nettutor lessons check DIR/errors-16k'`.

#[path = "common/big_folder.rs"]
mod big_folder;

use nettutor::lesson::{LessonSet, LessonSource};

fn main() {
    if let Some(dir) = std::env::var_os("NETTUTOR_BENCH_FOLDERS")
        && let Err(e) = big_folder::write_all(std::path::Path::new(&dir))
    {
        eprintln!("cannot write the generated folders: {e}");
        std::process::exit(1);
    }
    divan::main();
}

fn check(files: &[(String, String)]) -> usize {
    match LessonSet::from_files("bench", files.to_vec()) {
        Ok(set) => set.lessons.len() + set.questions.len(),
        Err(errors) => errors.0.len(),
    }
}

#[divan::bench(sample_count = 20)]
fn built_in_lessons() -> usize {
    LessonSet::load(&LessonSource::Embedded).map_or(0, |set| set.lessons.len())
}

#[divan::bench(sample_count = 5)]
fn lessons_500_by_20_steps(bencher: divan::Bencher) {
    let files = big_folder::lessons(500, 20);
    bencher.bench(|| check(&files));
}

#[divan::bench(sample_count = 5)]
fn questions_40k(bencher: divan::Bencher) {
    let files = big_folder::question_bank(40_000, false);
    bencher.bench(|| check(&files));
}

#[divan::bench(sample_count = 5)]
fn questions_40k_half_duplicates(bencher: divan::Bencher) {
    let files = big_folder::question_bank(40_000, true);
    bencher.bench(|| check(&files));
}

#[divan::bench(sample_count = 5)]
fn errors_16k(bencher: divan::Bencher) {
    let files = big_folder::many_errors(16_000);
    bencher.bench(|| check(&files));
}
