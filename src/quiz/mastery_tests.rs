use super::*;
use crate::i18n::Text;
use crate::lesson::QuestionKind;
use chrono::{DateTime, Utc};

fn question(id: &str) -> Question {
    Question {
        id: id.into(),
        topic: Topic::Osi,
        concepts: vec!["osi.layers".into()],
        prompt: Text::new("p", "p"),
        kind: QuestionKind::TrueFalse { correct: true },
        explanation: Text::new("e", "e"),
        panel: None,
    }
}

fn day(n: i64) -> DateTime<Utc> {
    // Noon UTC, `n` days after a fixed date: local "today" is the same day
    // in every time zone within ±11 h.
    DateTime::from_timestamp(1_796_126_400 + n * 86_400, 0).unwrap()
}

#[test]
fn missed_questions_come_back_the_next_day_and_known_ones_days_later() {
    let mut m = Mastery::default();
    let (known, missed) = (question("known"), question("missed"));
    m.record_at(&known, true, day(0));
    m.record_at(&missed, false, day(0));
    m.finish_quiz();
    // Answered today: nothing is due again today, however many quizzes run.
    for _ in 0..5 {
        m.finish_quiz();
    }
    assert!(m.due_at(day(0)).is_empty(), "{:?}", m.due_at(day(0)));
    assert_eq!(m.due_today(day(0)), 0);
    // The miss is due tomorrow; the known one is not.
    assert_eq!(m.due_at(day(1)), vec!["missed".to_string()]);
    assert_eq!(m.due_today(day(1)), 1);
    let next = m.next_review(day(1)).unwrap();
    assert!(next > day(1), "the known card waits longer: {next}");
    let wait = crate::quiz::review::days_until(next, day(1));
    assert!(wait >= 1, "{wait}");
    // Far enough ahead, both are due, the missed (box 1) first.
    assert_eq!(
        m.due_at(day(60)),
        vec!["missed".to_string(), "known".to_string()]
    );
}

#[test]
fn a_store_written_before_day_scheduling_loads_and_keeps_the_quiz_count_rule() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    std::fs::write(
        store.path(),
        r#"{"last_lesson":"osi","last_step":1,"mastery":{"quizzes":4,
            "questions":{"old.due":{"box":1,"seen":1,"correct":0,"due":4},
                         "old.later":{"box":4,"seen":3,"correct":3,"due":12}},
            "concepts":{},"topics":{"osi":["old.due","old.later"]}}}"#,
    )
    .unwrap();
    let (mut m, warnings) = Mastery::load_with_warnings(&store);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(m.due_at(day(0)), vec!["old.due".to_string()]);
    assert_eq!(m.due_today(day(0)), 1);
    // The next answer schedules it by days, and that is what is saved.
    m.record_at(&question("old.due"), true, day(0));
    m.save(&store).unwrap();
    let back = Mastery::load(&store);
    let review = back.questions["old.due"].review.clone().unwrap();
    assert!(review.due > day(1), "{review:?}");
    assert!(back.questions["old.later"].review.is_none());
    assert!(back.due_at(day(0)).is_empty());
}

#[test]
fn a_broken_schedule_in_the_file_makes_the_card_due_not_the_file_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let mut m = Mastery::default();
    m.record_at(&question("q"), true, day(0));
    m.save(&store).unwrap();
    let text = std::fs::read_to_string(store.path()).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["mastery"]["questions"]["q"]["review"]["stability"] = serde_json::json!(-3.0);
    std::fs::write(store.path(), json.to_string()).unwrap();
    let (back, warnings) = Mastery::load_with_warnings(&store);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(back.questions["q"].review.is_none());
    assert_eq!(back.questions["q"].seen, 1, "the rest of the card is kept");
}

#[test]
fn section_round_trips_through_the_store_keeping_other_fields() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let progress = Progress {
        last_lesson: Some("osi".into()),
        last_step: 2,
        ..Progress::default()
    };
    store.save(&progress).unwrap();
    let mut m = Mastery::load(&store);
    assert_eq!(m, Mastery::default());
    m.record(&question("q1"), false);
    m.finish_quiz();
    assert_eq!(m.save(&store).unwrap(), None);
    let (back, warning) = store.load();
    assert!(warning.is_none());
    assert_eq!(back.last_lesson.as_deref(), Some("osi"));
    assert_eq!(Mastery::from_progress(&back), m);
    let bars = m.by_topic(chrono::Utc::now());
    assert_eq!(bars.len(), 1);
    assert_eq!(bars[0].topic, Topic::Osi);
    assert_eq!(bars[0].seen, 1);
}

#[test]
fn one_malformed_card_is_skipped_and_out_of_range_values_are_clamped() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    std::fs::write(
        store.path(),
        r#"{"mastery":{"quizzes":3,
            "questions":{"bad":{"box":"five","seen":1,"correct":1,"due":0},
                         "zero":{"box":0,"seen":2,"correct":9,"due":0},
                         "high":{"box":200,"seen":4294967295,"correct":1,"due":0}},
            "topics":{"osi":["bad","zero","high"]}}}"#,
    )
    .unwrap();
    let (mut m, warnings) = Mastery::load_with_warnings(&store);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("questions.bad"), "{warnings:?}");
    assert!(!m.questions.contains_key("bad"));
    assert_eq!(m.questions["zero"].level, 1);
    assert_eq!(m.questions["zero"].correct, 2, "no more right than seen");
    assert_eq!(m.questions["high"].level, TOP_BOX);
    // The bar is a share, never "3188%".
    let bar = m.by_topic(chrono::Utc::now())[0];
    assert!((0.0..=1.0).contains(&bar.strength), "{}", bar.strength);
    // Counters saturate instead of overflowing.
    m.record(&question("high"), true);
    assert_eq!(m.questions["high"].seen, u32::MAX);
}

#[test]
fn two_instances_saving_to_one_store_both_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let mut a = Mastery::load(&store);
    let mut b = Mastery::load(&store);
    for _ in 0..10 {
        a.record(&question("q1"), true);
        a.save(&store).unwrap();
        b.record(&question("q1"), false);
        b.save(&store).unwrap();
    }
    let disk = Mastery::load(&store);
    assert_eq!(disk.questions["q1"].seen, 20);
    assert_eq!(disk.questions["q1"].correct, 10);
    assert_eq!(disk.concepts["osi.layers"].seen, 20);
    assert_eq!(disk, b, "the last saver holds what was written");
}

/// The bars come from FSRS (stability × retrievability): a question answered
/// right at growing intervals is known better than one answered right once,
/// which beats one just missed; and a known card weakens while it is not
/// reviewed.
#[test]
fn mastery_is_fsrs_stability_times_retrievability() {
    let one_topic = |answers: &[(bool, i64)], id: &str| {
        let mut m = Mastery::default();
        let q = question(id);
        for &(right, at) in answers {
            m.record_at(&q, right, day(at));
        }
        m
    };
    let now = day(30);
    let strong = one_topic(&[(true, 0), (true, 3), (true, 12), (true, 30)], "s");
    let once = one_topic(&[(true, 30)], "o");
    let missed = one_topic(&[(true, 0), (false, 30)], "m");
    let [s, o, m] = [&strong, &once, &missed].map(|x| x.by_topic(now)[0].strength);
    assert!(s > o && o > m, "strong {s}, once {o}, missed {m}");
    assert!(m < 0.4, "just missed: {m}");
    assert!(s > 0.6, "four spaced reviews: {s}");
    assert!(s - m > 0.3, "the bar shows the difference: {s} vs {m}");
    // Not reviewed for 60 days: the same card is weaker.
    let later = strong.by_topic(day(90))[0].strength;
    assert!(later < s, "{later} after 60 idle days vs {s}");
    assert!((0.0..=1.0).contains(&later));
}
