use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use super::*;
use crate::quiz::results::{FORMAT, ResultRow, Results, VERSION};

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_796_000_000 + secs)
}

fn session(kind: SessionKind, questions: usize) -> NewSession {
    NewSession {
        kind,
        seed: 7,
        topics: vec!["subnet".into(), "tcp".into()],
        questions,
        started: at(0),
        sitting: None,
    }
}

fn answer(
    student: &str,
    position: usize,
    instance: &str,
    given: &str,
    correct: bool,
) -> RecordedAnswer {
    RecordedAnswer {
        student: student.into(),
        position,
        question_id: item_of(instance).into(),
        instance_id: instance.into(),
        question: format!("question {instance}"),
        answer: given.into(),
        answer_value: given.into(),
        correct_answer: "right".into(),
        correct,
        time_ms: 1000,
    }
}

fn item_of(instance: &str) -> &str {
    crate::quiz::identity::item_id(instance)
}

fn answers_in(book: &GradeBook) -> i64 {
    book.connection()
        .query_row("SELECT count(*) FROM answers", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_new_book_has_the_latest_schema_and_keeps_what_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.sqlite3");
    {
        let mut book = GradeBook::open(&path).unwrap();
        assert_eq!(book.version().unwrap(), schema::latest());
        let s = book.begin_session(&session(SessionKind::Exam, 3)).unwrap();
        assert!(
            book.record_answer(s, &answer("ada", 0, "q.a", "b", true))
                .unwrap()
        );
        assert!(
            book.record_answer(s, &answer("ada", 1, "q.b", "c", false))
                .unwrap()
        );
        book.finish_session(s, at(60)).unwrap();
    }
    // A second process (a new connection) sees all of it.
    let book = GradeBook::open(&path).unwrap();
    let sessions = book.sessions().unwrap();
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(
        (s.kind.as_str(), s.seed.as_str(), s.topics.as_str()),
        ("exam", "7", "subnet,tcp")
    );
    assert_eq!(s.questions, 3);
    assert_eq!(s.started, "2026-11-30T00:53:20Z");
    assert_eq!(s.ended.as_deref(), Some("2026-11-30T00:54:20Z"));
    let (given, correct, ms): (String, bool, i64) = book
        .connection()
        .query_row(
            "SELECT answer, correct, time_ms FROM answers WHERE position = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((given.as_str(), correct, ms), ("c", false, 1000));
}

#[test]
fn an_answer_is_recorded_once_per_student_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = GradeBook::open(&dir.path().join("b.sqlite3")).unwrap();
    let s = book.begin_session(&session(SessionKind::Live, 2)).unwrap();
    assert!(
        book.record_answer(s, &answer("ada", 0, "q.a", "b", true))
            .unwrap()
    );
    // The same student at the same place again: refused, the first answer kept.
    assert!(
        !book
            .record_answer(s, &answer("ada", 0, "q.a", "c", false))
            .unwrap()
    );
    assert!(
        book.record_answer(s, &answer("bo", 0, "q.a", "c", false))
            .unwrap()
    );
    assert_eq!(answers_in(&book), 2);
    let kept: String = book
        .connection()
        .query_row(
            "SELECT answer FROM answers WHERE student = 'ada'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, "b");
    let err = book
        .record_answer(SessionId(99), &answer("ada", 0, "q.a", "b", true))
        .unwrap_err();
    assert!(
        matches!(err, GradeBookError::NoSession(SessionId(99))),
        "{err}"
    );
}

fn results_file(student: &str, rows: &[(&str, &str, bool)]) -> Results {
    Results {
        format: FORMAT.into(),
        version: VERSION,
        student: student.into(),
        seed: 11,
        topics: vec!["osi".into()],
        exam: true,
        started: "2026-12-02T01:00:00Z".into(),
        ended: "2026-12-02T01:05:00Z".into(),
        score: rows.iter().filter(|r| r.2).count(),
        total: rows.len(),
        questions: rows
            .iter()
            .map(|(instance, given, correct)| ResultRow {
                question_id: item_of(instance).into(),
                instance_id: (*instance).into(),
                concepts: vec![],
                question: "?".into(),
                answer: (*given).into(),
                answer_value: (*given).into(),
                correct_answer: "x".into(),
                correct: *correct,
                seconds: 2.5,
            })
            .collect(),
    }
}

#[test]
fn a_failure_half_way_through_a_write_leaves_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = GradeBook::open(&dir.path().join("b.sqlite3")).unwrap();
    // The third answer of the file cannot be written: the session and the two
    // answers before it were already inserted in the same transaction.
    book.connection()
        .execute_batch(
            "CREATE TRIGGER refuse AFTER INSERT ON answers WHEN NEW.instance_id = 'q.c'
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END;",
        )
        .unwrap();
    let file = results_file(
        "ada",
        &[("q.a", "a", true), ("q.b", "b", false), ("q.c", "c", true)],
    );
    let err = book.import_results(&file).unwrap_err();
    assert!(err.to_string().contains("disk says no"), "{err}");
    assert_eq!(answers_in(&book), 0);
    assert!(book.sessions().unwrap().is_empty());
    // The same for a check run: its properties and the run go together.
    book.connection()
        .execute_batch(
            "CREATE TRIGGER refuse_prop AFTER INSERT ON check_properties WHEN NEW.property = 'split'
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END;",
        )
        .unwrap();
    let run = CheckRun {
        student: "ada".into(),
        exercise: "echo-framed".into(),
        at: at(5),
        passed: 1,
        failed: 1,
        properties: vec![("basic".into(), true), ("split".into(), false)],
    };
    assert!(book.record_check(&run).is_err());
    let runs: i64 = book
        .connection()
        .query_row("SELECT count(*) FROM check_runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 0);
    // Without the trigger, the same writes go through whole.
    book.connection()
        .execute_batch("DROP TRIGGER refuse; DROP TRIGGER refuse_prop;")
        .unwrap();
    assert_eq!(book.import_results(&file).unwrap().added, 3);
    let id = book.record_check(&run).unwrap();
    let props: Vec<(String, bool)> = book
        .connection()
        .prepare(
            "SELECT property, passed FROM check_properties WHERE run_id = ?1 ORDER BY property",
        )
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(props, run.properties);
}

#[test]
fn importing_the_same_sitting_twice_adds_nothing_and_fills_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = GradeBook::open(&dir.path().join("b.sqlite3")).unwrap();
    let file = results_file("ada", &[("q.a", "a", true), ("q.b", "", false)]);
    let first = book.import_results(&file).unwrap();
    assert_eq!((first.added, first.rows), (2, 2));
    let again = book.import_results(&file).unwrap();
    assert_eq!((again.session, again.added), (first.session, 0));
    assert_eq!(answers_in(&book), 2);
    // Another student's sitting with the same seed and start is another session.
    let other = book
        .import_results(&results_file("bo", &[("q.a", "b", false)]))
        .unwrap();
    assert_ne!(other.session, first.session);
    // A quiz recorded here first (killed after one answer) and its file
    // imported later: the file adds only the missing answer.
    let mut live = session(SessionKind::Exam, 2);
    live.sitting = Some(sitting_key("cy", 11, "2026-12-02T01:00:00Z"));
    let s = book.begin_session(&live).unwrap();
    book.record_answer(s, &answer("cy", 0, "q.a", "a", true))
        .unwrap();
    let merged = book
        .import_results(&results_file(
            "cy",
            &[("q.a", "a", true), ("q.b", "d", false)],
        ))
        .unwrap();
    assert_eq!((merged.session, merged.added), (s, 1));
    assert_eq!(book.sessions().unwrap().len(), 3);
    assert_eq!(answers_in(&book), 5);
}

#[test]
fn a_version_1_book_is_brought_forward_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/gradebook-v1.sql"
    );
    Connection::open(&path)
        .unwrap()
        .execute_batch(&std::fs::read_to_string(fixture).unwrap())
        .unwrap();
    let mut book = GradeBook::open(&path).unwrap();
    assert_eq!(book.version().unwrap(), schema::latest());
    assert!(schema::latest() > 1);
    let report = book.report(None).unwrap();
    assert_eq!(report.students.len(), 1);
    let ada = &report.students[0];
    assert_eq!(
        (ada.student.as_str(), ada.correct, ada.asked),
        ("ada", 1, 2)
    );
    // The later tables work on the old file.
    let file = results_file("ada", &[("osi.arp-carrier", "a", false)]);
    assert_eq!(book.import_results(&file).unwrap().added, 1);
    assert_eq!(book.import_results(&file).unwrap().added, 0);
    let run = CheckRun {
        student: "ada".into(),
        exercise: "udp-time".into(),
        at: at(1),
        passed: 1,
        failed: 0,
        properties: vec![("basic".into(), true)],
    };
    book.record_check(&run).unwrap();
    drop(book);
    // Opening again does not migrate twice.
    assert_eq!(
        GradeBook::open(&path).unwrap().version().unwrap(),
        schema::latest()
    );
}

#[test]
fn a_newer_or_foreign_file_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let newer = dir.path().join("newer.sqlite3");
    {
        let book = GradeBook::open(&newer).unwrap();
        book.connection()
            .execute(
                "UPDATE schema_version SET version = ?1",
                [schema::latest() + 1],
            )
            .unwrap();
    }
    let before = std::fs::read(&newer).unwrap();
    let err = GradeBook::open(&newer).unwrap_err();
    assert!(
        matches!(err, GradeBookError::Newer { found, .. } if found == schema::latest() + 1),
        "{err}"
    );
    assert_eq!(std::fs::read(&newer).unwrap(), before);

    let foreign = dir.path().join("photos.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE photos (id INTEGER)")
        .unwrap();
    let err = GradeBook::open(&foreign).unwrap_err().to_string();
    assert!(err.contains("not a nettutor grade book"), "{err}");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all, just some words\n".repeat(20)).unwrap();
    let err = GradeBook::open(&text).unwrap_err().to_string();
    assert!(err.contains("notes.txt"), "{err}");
    assert_eq!(std::fs::read_to_string(&text).unwrap().len(), 39 * 20);

    let err = GradeBook::open(dir.path()).unwrap_err().to_string();
    assert!(err.contains("is a folder"), "{err}");
}

#[test]
fn the_report_counts_what_was_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = GradeBook::open(&dir.path().join("b.sqlite3")).unwrap();
    let s = book.begin_session(&session(SessionKind::Live, 2)).unwrap();
    // q.hard: 1 of 4 right; two said "10.0.0.0", one said "10.0.0.255".
    // q.easy: 3 of 3 right (dan did not answer it).
    let given = [
        ("ada", "q.hard", "right", true),
        ("bo", "q.hard", "10.0.0.0", false),
        ("cy", "q.hard", "10.0.0.0", false),
        ("dan", "q.hard", "10.0.0.255", false),
        ("ada", "q.easy", "right", true),
        ("bo", "q.easy", "right", true),
        ("cy", "q.easy", "right", true),
    ];
    for (student, instance, value, correct) in given {
        let position = usize::from(instance == "q.easy");
        book.record_answer(s, &answer(student, position, instance, value, correct))
            .unwrap();
    }
    let other = book.begin_session(&session(SessionKind::Quiz, 1)).unwrap();
    book.record_answer(other, &answer("ada", 0, "q.other", "x", false))
        .unwrap();

    let report = book.report(Some(s)).unwrap();
    assert_eq!(report.sessions.len(), 1);
    let ids: Vec<&str> = report
        .questions
        .iter()
        .map(|q| q.instance_id.as_str())
        .collect();
    assert_eq!(ids, ["q.hard", "q.easy"], "hardest first");
    let hard = &report.questions[0];
    assert_eq!((hard.answered, hard.correct), (4, 1));
    assert_eq!(hard.common_wrong, Some(("10.0.0.0".to_string(), 2)));
    assert!((hard.share_correct() - 0.25).abs() < 1e-9);
    assert_eq!(report.questions[1].common_wrong, None);
    let scores: Vec<(&str, usize, usize, u32)> = report
        .students
        .iter()
        .map(|s| (s.student.as_str(), s.correct, s.asked, s.percent()))
        .collect();
    assert_eq!(
        scores,
        [
            ("ada", 2, 2, 100),
            ("bo", 1, 2, 50),
            ("cy", 1, 2, 50),
            ("dan", 0, 2, 0)
        ]
    );
    assert_eq!(report.distribution, [1, 0, 0, 0, 0, 2, 0, 0, 0, 1]);

    // The whole book: ada also took the other quiz (2 of 3).
    let all = book.report(None).unwrap();
    let ada = all.students.iter().find(|s| s.student == "ada").unwrap();
    assert_eq!(
        (ada.sessions, ada.correct, ada.asked, ada.percent()),
        (2, 2, 3, 66)
    );
    assert!(matches!(
        book.report(Some(SessionId(42))),
        Err(GradeBookError::NoSession(_))
    ));
}

#[test]
fn two_writers_at_once_both_get_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.sqlite3");
    let mut first = GradeBook::open(&path).unwrap();
    let s = first
        .begin_session(&session(SessionKind::Live, 50))
        .unwrap();
    let threads: Vec<_> = ["ada", "bo"]
        .into_iter()
        .map(|student| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut book = GradeBook::open(&path).unwrap();
                for i in 0..50 {
                    book.record_answer(s, &answer(student, i, "q.a", "a", i % 2 == 0))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(answers_in(&first), 100);
    first.finish_session(s, at(9)).unwrap();
}
