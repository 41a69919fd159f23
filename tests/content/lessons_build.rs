//! The build-time check of the shipped lessons (build.rs → `build/lessons.rs`)
//! is the program's own checker, compiled into the build script: on every
//! broken fixture folder it reports what `--lessons DIR` reports, file:line
//! and message; the data it writes decodes to exactly the set the checker
//! makes of `lessons/` at run time; and the built-in set is that set.

#[path = "../../build/lessons.rs"]
mod checker;

use std::fs;
use std::path::{Path, PathBuf};

use nettutor::lesson::{LessonSet, LessonSource};

fn shipped_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

/// `lessons/` checked at run time, as a teacher's folder is.
fn shipped_at_run_time() -> LessonSet {
    LessonSet::load(&LessonSource::Dir(shipped_dir())).expect("the shipped lessons are valid")
}

#[test]
fn the_built_in_set_is_what_the_checker_makes_of_the_lessons_folder() {
    let built_in = LessonSet::embedded().expect("decodes");
    let parsed = shipped_at_run_time();
    assert!(parsed.lessons.len() >= 40 && parsed.questions.len() >= 40);
    assert!(!parsed.glossary.terms.is_empty() && !parsed.curriculum.concepts.is_empty());
    // Field by field first, for a readable failure; then the whole.
    assert_eq!(built_in.curriculum, parsed.curriculum);
    assert_eq!(built_in.glossary, parsed.glossary);
    assert_eq!(built_in.lessons.len(), parsed.lessons.len());
    for (a, b) in built_in.lessons.iter().zip(&parsed.lessons) {
        assert_eq!(a, b, "lesson {}", b.id);
    }
    assert_eq!(built_in.questions, parsed.questions);
}

#[test]
fn what_the_build_writes_decodes_to_the_run_time_set() {
    let (structure, texts) = checker::generate(&shipped_dir(), "lessons").unwrap();
    let decoded = LessonSet::decode(&structure, &texts).unwrap();
    let parsed = shipped_at_run_time();
    assert_eq!(decoded.lessons, parsed.lessons);
    assert_eq!(decoded.questions, parsed.questions);
    assert_eq!(decoded.glossary, parsed.glossary);
    assert_eq!(decoded.curriculum, parsed.curriculum);
    // Texts written once however often they recur (ids, concept names).
    let total: usize = fs::read_dir(shipped_dir())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len() as usize)
        .sum();
    assert!(
        texts.len() < total,
        "{} bytes of text for {total} of TOML",
        texts.len()
    );
    // Cut short anywhere, the data is an error, never a panic or a partial set.
    for cut in [0, 1, structure.len() / 2, structure.len() - 1] {
        assert!(
            LessonSet::decode(&structure[..cut], &texts).is_err(),
            "cut at {cut}"
        );
    }
}

/// `dir` as a lesson folder beside the shipped curriculum and glossary (unless
/// it brings its own), so the build's check — which gets no built-in fallback —
/// and the run-time one see the same files.
fn folder_with_catalogs(dir: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["curriculum.toml", "glossary.toml"] {
        fs::copy(shipped_dir().join(name), tmp.path().join(name)).unwrap();
    }
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    tmp
}

#[test]
fn on_every_broken_fixture_the_build_reports_what_the_program_reports() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad_lessons");
    let mut compared = 0;
    let mut panel_args = 0;
    for entry in fs::read_dir(fixtures).unwrap() {
        let tmp = folder_with_catalogs(&entry.unwrap().path());
        let label = tmp.path().display().to_string();
        let at_run_time: Vec<String> = LessonSet::load(&LessonSource::Dir(tmp.path().into()))
            .expect_err("a broken fixture")
            .0
            .iter()
            .map(ToString::to_string)
            .collect();
        match checker::generate(tmp.path(), &label) {
            Err(at_build) => {
                assert_eq!(at_build, at_run_time, "{label}");
                compared += 1;
            }
            // The one check the build leaves to decoding: a panel's argument.
            Ok(_) => {
                assert!(
                    at_run_time.iter().all(|e| e.contains("panel")),
                    "{at_run_time:?}"
                );
                panel_args += 1;
            }
        }
    }
    assert!(
        compared >= 8 && panel_args >= 1,
        "{compared} compared, {panel_args} panel args"
    );
}

#[test]
fn a_broken_shipped_lesson_stops_the_build_with_file_and_line() {
    let tmp = folder_with_catalogs(&shipped_dir());
    let name = "02-osi.toml";
    let path = tmp.path().join(name);
    let text = fs::read_to_string(&path).unwrap();
    // Take the Chinese out of the first step title.
    let at = text.find("[[steps]]").unwrap();
    let title = at + text[at..].find("title").unwrap();
    let line = text[..title].matches('\n').count() + 1;
    let end = title + text[title..].find('\n').unwrap();
    let broken = format!(
        "{}title = {{ en = \"Broken\" }}{}",
        &text[..title],
        &text[end..]
    );
    fs::write(&path, broken).unwrap();
    let errors = checker::generate(tmp.path(), "lessons").expect_err("the build stops");
    assert_eq!(
        errors,
        [format!(
            "lessons/{name}:{line}: step 1: title has no Chinese translation (add `zh = \"…\"`)"
        )]
    );
}
