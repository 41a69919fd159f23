//! The grade book through the binary: every plain quiz and exam recorded as
//! answered (a kill mid-exam keeps every answer given, whole), `class import`
//! of offline machines' results files (twice adds nothing), and `class
//! report`'s figures and CSV against what the students actually sent.

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Command, Stdio};

use nettutor::class::gradebook::GradeBook;
use nettutor::lesson::Question;
use nettutor::quiz::correct_answer;
use nettutor::quiz::identity::{answer_value, instance_id};

use crate::common::class::{quiz, wrong};
use crate::common::run::{BIN, last_line, nettutor_in};

const SEED: u64 = 21;
const COUNT: usize = 8;

/// The quiz the binary builds for `--seed SEED --count COUNT --topic osi,tcp`.
fn the_quiz() -> Vec<Question> {
    quiz("osi,tcp", COUNT, SEED)
}

fn exam_args<'a>(db: &'a str, student: &'a str, seed: &'a str) -> Vec<&'a str> {
    vec![
        "quiz",
        "--plain",
        "--exam",
        "--lang",
        "en",
        "--topic",
        "osi,tcp",
        "--count",
        "8",
        "--seed",
        seed,
        "--student",
        student,
        "--db",
        db,
    ]
}

#[test]
fn a_class_recorded_and_imported_is_reported_as_it_answered() {
    let home = tempfile::tempdir().unwrap();
    let book_path = home.path().join("class.sqlite3");
    let db = book_path.to_str().unwrap();
    let seed = SEED.to_string();
    let quiz = the_quiz();
    assert_eq!(quiz.len(), COUNT);
    assert!(quiz.iter().filter(|q| wrong(q).is_some()).count() >= 3);
    let right: String = quiz
        .iter()
        .map(|q| correct_answer(&q.kind) + "\n")
        .collect();
    let wrong_or_right: String = quiz
        .iter()
        .map(|q| wrong(q).unwrap_or_else(|| correct_answer(&q.kind)) + "\n")
        .collect();
    // ada and bo sit the exam on this machine; cy and dan on offline ones
    // (their own data folders), writing results files brought in later.
    let (code, out, err) = nettutor_in(home.path(), &exam_args(db, "ada", &seed), &right);
    assert_eq!((code, last_line(&out)), (0, "score: 8/8"), "{err}");
    let (code, _, err) = nettutor_in(home.path(), &exam_args(db, "bo", &seed), &wrong_or_right);
    assert_eq!(code, 0, "{err}");
    let mut files = Vec::new();
    for (student, input) in [("cy", wrong_or_right.as_str()), ("dan", "")] {
        let machine = tempfile::tempdir().unwrap();
        let file = home.path().join(format!("{student}.json"));
        let own_db = machine.path().join("own.sqlite3");
        let mut args = exam_args(own_db.to_str().unwrap(), student, &seed);
        args.extend(["--results", file.to_str().unwrap()]);
        let (code, _, err) = nettutor_in(machine.path(), &args, input);
        assert_eq!(code, 0, "{err}");
        files.push(file);
    }
    let import = |files: &[std::path::PathBuf]| {
        let mut args = vec!["class", "import", "--lang", "en", "--db", db];
        args.extend(files.iter().map(|f| f.to_str().unwrap()));
        nettutor_in(home.path(), &args, "")
    };
    let (code, out, err) = import(&files);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("8 of 8 answers added").count(), 2, "{out}");
    // Importing the same files again adds nothing.
    let (code, out, err) = import(&files);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("0 of 8 answers added").count(), 2, "{out}");

    // The book holds exactly what was sent.
    let book = GradeBook::open(&book_path).unwrap();
    let report = book.report(None).unwrap();
    assert_eq!(report.sessions.len(), 4);
    assert!(
        report
            .sessions
            .iter()
            .all(|s| s.kind == "exam" && s.seed == seed && s.ended.is_some())
    );
    let n_wrong = quiz.iter().filter(|q| wrong(q).is_some()).count();
    let scores: Vec<(&str, usize, usize)> = report
        .students
        .iter()
        .map(|s| (s.student.as_str(), s.correct, s.asked))
        .collect();
    assert_eq!(
        scores,
        [
            ("ada", 8, 8),
            ("bo", 8 - n_wrong, 8),
            ("cy", 8 - n_wrong, 8),
            ("dan", 0, 8)
        ]
    );
    assert_eq!(report.questions.len(), COUNT, "one row per instance");
    for q in &quiz {
        let id = instance_id(q);
        let stat = report
            .questions
            .iter()
            .find(|s| s.instance_id == id)
            .unwrap();
        assert_eq!(stat.answered, 4, "{id}");
        match wrong(q) {
            Some(w) => {
                assert_eq!(stat.correct, 1, "{id}");
                assert_eq!(
                    stat.common_wrong,
                    Some((answer_value(&q.kind, &w), 2)),
                    "{id}"
                );
            }
            None => {
                assert_eq!(stat.correct, 3, "{id}");
                assert_eq!(stat.common_wrong, Some((String::new(), 1)), "{id}");
            }
        }
    }

    // The same figures through `class report`, and the CSV for the LMS.
    let csv = home.path().join("grades.csv");
    let args = [
        "class",
        "report",
        "--lang",
        "en",
        "--db",
        db,
        "--csv",
        csv.to_str().unwrap(),
    ];
    let (code, out, err) = nettutor_in(home.path(), &args, "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("4 sessions"), "{out}");
    let hardest = quiz.iter().find(|q| wrong(q).is_some()).unwrap();
    let w = answer_value(&hardest.kind, &wrong(hardest).unwrap());
    let row = out
        .lines()
        .find(|l| l.contains(&instance_id(hardest)))
        .unwrap();
    assert!(row.trim_start().starts_with("25%"), "{row}");
    assert!(row.contains("×2"), "{row}");
    assert!(
        row.contains(&w.chars().take(10).collect::<String>()),
        "{row} / {w}"
    );
    let percent = (8 - n_wrong) * 100 / 8;
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        format!(
            "student,percent,correct,questions,sessions\nada,100,8,8,1\nbo,{percent},{},8,1\ncy,{percent},{},8,1\ndan,0,0,8,1\n",
            8 - n_wrong,
            8 - n_wrong
        )
    );
    // The CSV is never overwritten.
    let (code, _, err) = nettutor_in(home.path(), &args, "");
    assert_ne!(code, 0);
    assert!(err.contains("already exists"), "{err}");
    // One session alone.
    let (code, out, _) = nettutor_in(
        home.path(),
        &[
            "class",
            "report",
            "--lang",
            "en",
            "--db",
            db,
            "--session",
            "1",
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("1 sessions") || out.contains("1 session"),
        "{out}"
    );
    assert!(out.contains("ada") && !out.contains("bo "), "{out}");
}

#[test]
fn a_plain_quiz_is_recorded_in_the_data_folder_by_default() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = nettutor_in(
        home.path(),
        &[
            "quiz", "--plain", "--lang", "en", "--seed", "4", "--count", "3", "--topic", "osi",
        ],
        "a\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(last_line(&out).starts_with("score: "), "{out}");
    let book = GradeBook::open(&home.path().join("gradebook.sqlite3")).unwrap();
    let sessions = book.sessions().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        (sessions[0].kind.as_str(), sessions[0].questions),
        ("quiz", 3)
    );
    // One answer given, two left unanswered when input ended: three rows.
    let rows: Vec<(i64, String)> = book
        .connection()
        .prepare("SELECT position, answer FROM answers ORDER BY position")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [(0, "a".into()), (1, String::new()), (2, String::new())]
    );
}

/// Reads the child's stdout until `count` lines equal `line`.
fn wait_for_lines(out: &mut impl BufRead, line: &str, count: usize) {
    let mut seen = 0;
    let mut buf = String::new();
    while seen < count {
        buf.clear();
        let n = out.read_line(&mut buf).unwrap();
        assert!(n > 0, "the exam ended before {count} × '{line}'");
        if buf.trim_end() == line {
            seen += 1;
        }
    }
}

#[test]
fn a_killed_exam_keeps_every_answer_given_whole() {
    let home = tempfile::tempdir().unwrap();
    let book_path = home.path().join("class.sqlite3");
    let seed = SEED.to_string();
    let quiz = the_quiz();
    let mut child = Command::new(BIN)
        .args(exam_args(book_path.to_str().unwrap(), "eve", &seed))
        .env("NETTUTOR_HOME", home.path())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for q in quiz.iter().take(3) {
        writeln!(stdin, "{}", correct_answer(&q.kind)).unwrap();
        stdin.flush().unwrap();
        // "Answer recorded." is printed after the grade book committed it.
        wait_for_lines(&mut stdout, "Answer recorded.", 1);
    }
    // Killed while it waits for the fourth answer (SIGKILL: no clean-up runs).
    child.kill().unwrap();
    child.wait().unwrap();
    let book = GradeBook::open(&book_path).unwrap();
    let sessions = book.sessions().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].ended, None, "the exam never ended");
    let rows: Vec<(i64, String, String, bool)> = book
        .connection()
        .prepare("SELECT position, instance_id, answer, correct FROM answers ORDER BY position")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected: Vec<(i64, String, String, bool)> = quiz
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, q)| (i as i64, instance_id(q), correct_answer(&q.kind), true))
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn a_check_run_is_recorded_property_by_property() {
    if !crate::check_verdicts::python3() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let book_path = home.path().join("class.sqlite3");
    let db = book_path.to_str().unwrap();
    // A program with one bug: some properties pass, one fails.
    let ((verdicts, code, _), _evidence) = crate::check_verdicts::check_args(
        "udp-chat",
        "udp_chat_empty.py",
        &["--student", "ada", "--db", db],
        &[],
    );
    assert_eq!(code, 1);
    assert!(verdicts.values().any(|v| *v) && verdicts.values().any(|v| !*v));
    let book = GradeBook::open(&book_path).unwrap();
    let (student, exercise, passed, failed, total): (String, String, i64, i64, i64) = book
        .connection()
        .query_row(
            "SELECT student, exercise, passed, failed, total FROM check_runs",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!((student.as_str(), exercise.as_str()), ("ada", "udp-chat"));
    let n_passed = verdicts.values().filter(|v| **v).count() as i64;
    assert_eq!((passed, total), (n_passed, verdicts.len() as i64));
    assert_eq!(failed, verdicts.len() as i64 - n_passed);
    let recorded: std::collections::BTreeMap<String, bool> = book
        .connection()
        .prepare("SELECT property, passed FROM check_properties")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(recorded, verdicts);
}

/// Splits the lines of a CSV file into records and fields (RFC 4180: quoted
/// fields may hold commas, doubled quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![vec![String::new()]];
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let row = rows.last_mut().unwrap();
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                row.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(String::new()),
            ('\n', false) => rows.push(vec![String::new()]),
            (c, _) => row.last_mut().unwrap().push(c),
        }
    }
    if rows.last().is_some_and(|r| r.len() == 1 && r[0].is_empty()) {
        rows.pop();
    }
    rows
}

/// Every answer of a results file made a wrong one with escape sequences in it.
fn boom(v: &mut serde_json::Value) {
    for q in v["questions"].as_array_mut().unwrap() {
        q["answer"] = "\u{1b}[2Jboom\u{7}".into();
        q["answer_value"] = "\u{1b}[2Jboom\u{7}".into();
        q["correct"] = false.into();
    }
}

#[test]
fn an_imported_file_never_puts_escapes_on_the_terminal_and_the_csv_quotes_what_it_must() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("class.sqlite3");
    let db = db.to_str().unwrap();
    // A real results file, then what a hostile or broken machine could send:
    // escape sequences in the name, the answers, the question, the topics.
    let made = home.path().join("made.json");
    let mut args = exam_args(db, "ada", "4");
    args.extend(["--results", made.to_str().unwrap()]);
    let (code, _, err) = nettutor_in(home.path(), &args, &"\n".repeat(COUNT));
    assert_eq!(code, 0, "{err}");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&made).unwrap()).unwrap();
    v["student"] = "Eve\u{1b}]0;owned\u{7}\u{1b}[2J Mallory".into();
    v["started"] = "2026-01-01T00:00:00Z".into();
    v["topics"] = serde_json::json!(["osi\u{1b}[31m"]);
    boom(&mut v);
    for q in v["questions"].as_array_mut().unwrap() {
        q["question"] = "\u{1b}[5mBlink?".into();
    }
    let hostile = home.path().join("hostile.json");
    std::fs::write(&hostile, v.to_string()).unwrap();
    // And names an LMS sheet must read as they are.
    let mut names = Vec::new();
    for (i, name) in ["Lee, Ann", "Bo \"the\" Ng", "=HYPERLINK(\"x\")"]
        .iter()
        .enumerate()
    {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&made).unwrap()).unwrap();
        v["student"] = (*name).into();
        boom(&mut v);
        v["started"] = format!("2026-01-02T00:00:0{i}Z").into();
        let file = home.path().join(format!("n{i}.json"));
        std::fs::write(&file, v.to_string()).unwrap();
        names.push(file);
    }
    let mut args = vec!["class", "import", "--lang", "en", "--db", db];
    args.push(hostile.to_str().unwrap());
    args.extend(names.iter().map(|f| f.to_str().unwrap()));
    let (code, out, err) = nettutor_in(home.path(), &args, "");
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\u{1b}'), "{out:?}");

    let csv = home.path().join("grades.csv");
    let (code, out, err) = nettutor_in(
        home.path(),
        &[
            "class",
            "report",
            "--lang",
            "en",
            "--db",
            db,
            "--csv",
            csv.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the terminal: {out:?}"
    );
    assert!(out.contains("Eve Mallory"), "{out}");
    assert!(out.contains("boom ×"), "{out}");
    assert!(out.contains("Blink?"), "{out}");
    // The CSV: a header row, then one record per student, each field as given
    // (a formula kept as text by a leading ').
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0],
        ["student", "percent", "correct", "questions", "sessions"]
    );
    let students: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    for want in [
        "ada",
        "Eve Mallory",
        "Lee, Ann",
        "Bo \"the\" Ng",
        "'=HYPERLINK(\"x\")",
    ] {
        assert!(students.contains(&want), "{want} not in {students:?}");
    }
    assert!(rows.iter().all(|r| r.len() == 5), "{rows:?}");
    assert!(!text.contains('\u{1b}'));
}
