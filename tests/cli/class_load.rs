//! Load: two hundred `class join --plain` students against one headless
//! host on loopback, bounded in time; every answer is in the grade book.

use std::time::{Duration, Instant};

use nettutor::class::gradebook::GradeBook;
use nettutor::quiz::correct_answer;

use crate::common::class::{HostProc, Student, quiz, wrong};
use crate::common::run::last_line;

const STUDENTS: usize = 200;
const COUNT: usize = 5;

#[test]
fn two_hundred_students_every_answer_recorded() {
    let home = tempfile::tempdir().unwrap();
    let book_path = home.path().join("class.sqlite3");
    let quiz = quiz("tcp", COUNT, 77);
    assert_eq!(quiz.len(), COUNT);
    let started = Instant::now();
    let mut host = HostProc::start(
        home.path(),
        &[
            "--topic",
            "tcp",
            "--count",
            "5",
            "--seed",
            "77",
            "--expect",
            "200",
            "--lobby",
            "120",
            "--question-time",
            "60",
            "--reveal-time",
            "0.05",
            "--db",
            book_path.to_str().unwrap(),
        ],
    );
    // Odd students answer right, even ones wrong where they can.
    let expected = |i: usize| -> (String, usize) {
        let mut input = String::new();
        let mut score = 0;
        for q in &quiz {
            let right = correct_answer(&q.kind);
            let line = if i % 2 == 1 {
                right.clone()
            } else {
                wrong(q).unwrap_or_else(|| right.clone())
            };
            score += usize::from(line == right);
            input.push_str(&line);
            input.push('\n');
        }
        (input, score)
    };
    let students: Vec<(usize, Student)> = (0..STUDENTS)
        .map(|i| {
            (
                i,
                Student::join(home.path(), &host, &format!("p{i:03}"), &expected(i).0),
            )
        })
        .collect();
    let deadline = started + Duration::from_secs(60);
    for (i, s) in students {
        let (code, out) = s.finish(deadline);
        assert_eq!(code, 0, "p{i:03}:\n{out}");
        assert_eq!(
            last_line(&out),
            format!("score: {}/{COUNT}", expected(i).1),
            "p{i:03}:\n{out}"
        );
    }
    host.wait_for("\"event\":\"end\"", Duration::from_secs(30));
    let lines = host.finish(Duration::from_secs(30));
    assert_eq!(
        lines.last().unwrap(),
        &format!(
            "session 1: {STUDENTS} students, {} answers",
            STUDENTS * COUNT
        )
    );
    assert!(
        !lines.iter().any(|l| l.contains("\"event\":\"dropped\"")),
        "a student was dropped"
    );
    let elapsed = started.elapsed();
    println!("200 students × {COUNT} questions: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    let book = GradeBook::open(&book_path).unwrap();
    let rows: i64 = book
        .connection()
        .query_row("SELECT count(*) FROM answers WHERE answer != ''", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(rows, (STUDENTS * COUNT) as i64);
    let report = book.report(None).unwrap();
    assert_eq!(report.students.len(), STUDENTS);
    for s in &report.students {
        let i: usize = s.student[1..].parse().unwrap();
        assert_eq!(s.correct, expected(i).1, "{}", s.student);
    }
}
