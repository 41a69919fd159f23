//! `nettutor quiz --due`: only what spaced repetition has due today, and
//! "nothing is due" with the next review day.

use crate::common;

use common::run::nettutor_in;
use nettutor::lesson::LessonSet;
use nettutor::quiz::mastery::Mastery;
use nettutor::store::Store;

/// A store whose first shipped question was answered wrong `days_ago` days ago.
fn store_with_a_miss(days_ago: i64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let set = LessonSet::embedded().unwrap();
    let question = set.questions.first().unwrap().clone();
    let mut m = Mastery::load(&store);
    m.record_at(
        &question,
        false,
        chrono::Utc::now() - chrono::Duration::days(days_ago),
    );
    m.save(&store).unwrap();
    (dir, store)
}

#[test]
fn quiz_due_plain_asks_only_the_due_question_then_nothing_is_due() {
    let (dir, store) = store_with_a_miss(3);
    let before = Mastery::load(&store);
    let id = before.questions.keys().next().unwrap().clone();
    let (code, out, err) = nettutor_in(
        dir.path(),
        &["--lang", "en", "quiz", "--plain", "--due"],
        "a\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("score: "), "{out}");
    assert!(out.contains("/1"), "one question only: {out}");
    // Answered today: rescheduled by days, so asking again finds nothing due.
    let after = Mastery::load(&store);
    assert_eq!(after.questions[&id].seen, 2, "{after:?}");
    let (code, out, err) = nettutor_in(
        dir.path(),
        &["--lang", "en", "quiz", "--plain", "--due"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Nothing is due today. Next review in"),
        "{out}"
    );
    assert!(!out.contains("score:"), "{out}");
}

#[test]
fn quiz_due_with_a_seed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = nettutor_in(dir.path(), &["quiz", "--plain", "--due", "--seed", "3"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--seed"), "{err}");
}
