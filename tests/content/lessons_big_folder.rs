//! Big generated lesson folders load completely and report every problem at its
//! own line (the loader is linear; the bench `lessons` times it).

#[path = "../../benches/common/big_folder.rs"]
mod big_folder;

use nettutor::lesson::LessonSet;

#[test]
fn a_hundred_lessons_of_twenty_steps_load() {
    let set = LessonSet::from_files("big", big_folder::lessons(100, 20)).expect("valid");
    assert_eq!(set.lessons.len(), 100);
    assert!(set.lessons.iter().all(|l| l.steps.len() == 20));
    assert_eq!(set.lessons[99].id, "gen-99");
}

#[test]
fn ten_thousand_distinct_questions_load() {
    let set =
        LessonSet::from_files("big", big_folder::question_bank(10_000, false)).expect("valid");
    assert_eq!(set.questions.len(), 10_000);
}

#[test]
fn every_repeated_question_id_is_reported_at_its_second_occurrence() {
    let files = big_folder::question_bank(4_000, true);
    let bank = &files
        .iter()
        .find(|(n, _)| n == "gen-bank-000.toml")
        .expect("bank")
        .1;
    let errors = LessonSet::from_files("big", files.clone())
        .expect_err("duplicates")
        .0;
    assert_eq!(errors.len(), 2_000);
    // gen.q7 is written twice; the error points at the last line that says so.
    let line_of_last = bank
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "id = \"gen.q7\"")
        .map(|(i, _)| i + 1)
        .last()
        .expect("written");
    let error = errors
        .iter()
        .find(|e| e.message.contains("'gen.q7'"))
        .expect("gen.q7 reported");
    assert_eq!(error.line, line_of_last);
    assert_eq!(error.file, "gen-bank-000.toml");
    assert!(
        error.message.contains("also in gen-bank-000.toml"),
        "{error}"
    );
}

#[test]
fn four_thousand_errors_each_name_their_line() {
    let files = big_folder::many_errors(4_000);
    let texts = files.clone();
    let errors = LessonSet::from_files("big", files).expect_err("errors").0;
    assert_eq!(errors.len(), 4_000);
    for (s, error) in errors.iter().enumerate().step_by(397) {
        // Errors come in file and line order, step s in file s / PER_FILE.
        let (name, text) = &texts[s / big_folder::PER_FILE];
        let wanted = format!("concepts = [\"no.such.concept-{s}\"]");
        let line = text.lines().position(|l| l == wanted).expect("written") + 1;
        assert_eq!(&error.file, name);
        assert_eq!(error.line, line, "{error}");
        assert!(error.message.contains(&format!("no.such.concept-{s}'")));
    }
}
