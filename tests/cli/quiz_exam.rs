//! `nettutor quiz --plain --exam`: nothing about correctness until the end,
//! the key never (not even to `yes ''`), a malformed answer asked again
//! without penalty (and a bounded number of times), and a results file that
//! says who, which seed, when, and what each answer was.

use std::path::Path;

use nettutor::i18n::Lang;
use nettutor::lesson::{LessonSet, Question, QuestionKind};
use nettutor::quiz::correct_answer;
use nettutor::quiz::plain::hint;
use nettutor::quiz::results::question_text;
use nettutor::quiz::session::{QuizSpec, build};
use serde_json::Value;

use crate::common::run::{last_line, nettutor_in};

/// The quiz the binary builds for `--seed seed --count count` (no due list
/// with a seed), built here from the same bank.
fn same_quiz(seed: u64, count: usize, topics: &[&str]) -> Vec<Question> {
    let set = LessonSet::embedded().unwrap();
    let topics =
        nettutor::quiz::parse_topics(&topics.iter().map(|t| t.to_string()).collect::<Vec<_>>())
            .unwrap();
    build(
        &QuizSpec {
            topics,
            count,
            seed,
        },
        &set.questions,
        &[],
    )
}

fn exam(home: &Path, args: &[&str], input: &str) -> (i32, String, String) {
    let mut all = vec!["quiz", "--plain", "--exam", "--lang", "en"];
    all.extend_from_slice(args);
    nettutor_in(home, &all, input)
}

#[test]
fn yes_empty_lines_never_see_the_key() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("exam.json");
    let (code, out, err) = exam(
        home.path(),
        &[
            "--seed",
            "5",
            "--count",
            "40",
            "--student",
            "ada",
            "--results",
            path.to_str().unwrap(),
        ],
        &"\n".repeat(10_000),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(last_line(&out), "score: 0/40", "{out}");
    assert!(out.contains("Exam mode"), "{out}");
    assert!(
        out.contains("Right: none. Wrong or not answered: 1, 2, 3"),
        "{out}"
    );
    for leak in [
        "The answer is",
        "you said",
        "Correct.",
        "Wrong.",
        "Show me",
        "Review",
    ] {
        assert!(!out.contains(leak), "'{leak}' printed in an exam:\n{out}");
    }
    let questions = same_quiz(5, 40, &[]);
    assert_eq!(questions.len(), 40);
    // What the exam shows on purpose: every question and its hint.
    let shown: String = questions
        .iter()
        .map(|q| format!("{}\n{}\n", question_text(q, Lang::En), hint(q, Lang::En)))
        .collect();
    let mut keys_checked = 0;
    for q in &questions {
        // The question was asked, its explanation never shown.
        assert!(
            out.contains(q.prompt.en.lines().next().unwrap()),
            "{}",
            q.id
        );
        for line in q.explanation.en.lines().filter(|l| l.len() > 12) {
            assert!(
                !out.contains(line),
                "explanation of {} printed:\n{out}",
                q.id
            );
        }
        // A right answer that the question itself does not show is never printed.
        let key = correct_answer(&q.kind);
        if key.len() >= 3 && !shown.contains(&key) {
            assert!(
                !out.contains(&key),
                "the key of {} ({key}) printed:\n{out}",
                q.id
            );
            keys_checked += 1;
        }
    }
    assert!(
        keys_checked >= 3,
        "only {keys_checked} keys could be looked for"
    );
    let results: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(results["exam"], true);
    assert_eq!(results["student"], "ada");
    assert_eq!(results["seed"], 5);
    assert_eq!(results["score"], 0);
    assert_eq!(results["questions"].as_array().unwrap().len(), 40);
}

#[test]
fn a_malformed_answer_is_asked_again_without_penalty() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("r.json");
    // Binary questions are fill-ins of digits: "zzz" is not a number at all.
    let questions = same_quiz(3, 2, &["binary"]);
    let mut input = String::new();
    for q in &questions {
        assert!(matches!(q.kind, QuestionKind::FillIn { .. }), "{}", q.id);
        input.push_str("zzz\n");
        input.push_str(&correct_answer(&q.kind));
        input.push('\n');
    }
    let (code, out, err) = exam(
        home.path(),
        &[
            "--seed",
            "3",
            "--count",
            "2",
            "--topic",
            "binary",
            "--results",
            path.to_str().unwrap(),
        ],
        &input,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.matches("please answer again (no penalty)").count(),
        2,
        "{out}"
    );
    assert_eq!(last_line(&out), "score: 2/2", "{out}");
    let results: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for (row, q) in results["questions"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&questions)
    {
        assert_eq!(row["answer"], correct_answer(&q.kind).as_str());
        assert_eq!(row["correct"], true);
        assert!(
            row["instance_id"]
                .as_str()
                .unwrap()
                .starts_with("gen.binary.")
        );
    }
}

#[test]
fn endless_garbage_still_ends_the_exam() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, _) = exam(
        home.path(),
        &["--seed", "3", "--count", "3", "--topic", "binary"],
        &"zzz\n".repeat(1_000),
    );
    assert_eq!(code, 0);
    assert_eq!(last_line(&out), "score: 0/3", "{out}");
    // Asked again three times per question, then counted.
    assert_eq!(out.matches("please answer again").count(), 9, "{out}");
}

#[test]
fn the_student_name_is_cleaned_before_it_is_recorded() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("r.csv");
    let (code, _, err) = exam(
        home.path(),
        &[
            "--seed",
            "1",
            "--count",
            "1",
            "--student",
            "Ada\u{1b}[2J Lovelace",
            "--results",
            path.to_str().unwrap(),
        ],
        "\n",
    );
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(&path).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.starts_with("Ada Lovelace,1,true,"), "{row}");
    assert!(!csv.contains('\u{1b}'));
}
