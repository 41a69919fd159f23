//! Plain mode end to end: the real binary, answers piped into stdin, the score
//! line asserted; results files; the same seed giving the same quiz; mastery
//! written to the progress store.

use crate::common::run::{last_line, nettutor_in};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Runs `nettutor quiz --plain ARGS` with `input` on stdin, in its own home.
fn quiz(home: &Path, args: &[&str], input: &str) -> (i32, String, String) {
    let args: Vec<&str> = ["quiz", "--plain"].iter().chain(args).copied().collect();
    nettutor_in(home, &args, input)
}

fn results(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn rows(path: &Path) -> Vec<Value> {
    results(path)["questions"].as_array().unwrap().clone()
}

const N: usize = 16;

#[test]
fn empty_answers_score_zero_and_results_replay_to_full_marks() {
    let home = tempfile::tempdir().unwrap();
    let first = home.path().join("first.json");
    let count = N.to_string();
    let args = [
        "--seed",
        "4242",
        "--count",
        &count,
        "--results",
        first.to_str().unwrap(),
    ];
    let (code, out, err) = quiz(home.path(), &args, &"\n".repeat(N));
    assert_eq!(code, 0, "{err}");
    assert_eq!(last_line(&out), format!("score: 0/{N}"), "{out}");

    let header = results(&first);
    assert_eq!(header["format"], "nettutor-results");
    assert_eq!(header["version"], 2);
    assert_eq!(header["seed"], 4242);
    assert_eq!(header["score"], 0);
    assert_eq!(header["total"], N);
    assert_eq!(header["exam"], false);
    assert_eq!(header["student"], "");
    let (started, ended) = (
        header["started"].as_str().unwrap(),
        header["ended"].as_str().unwrap(),
    );
    // RFC 3339 UTC, and the end is not before the start.
    assert!(started.ends_with('Z') && started.len() == 20, "{started}");
    assert!(ended >= started, "{started} .. {ended}");
    let rows1 = rows(&first);
    assert_eq!(rows1.len(), N);
    for row in &rows1 {
        let obj = row.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "answer",
                "answer_value",
                "concepts",
                "correct",
                "correct_answer",
                "instance_id",
                "question",
                "question_id",
                "seconds"
            ]
        );
        assert_eq!(obj["correct"], Value::Bool(false));
        assert_eq!(obj["answer"], Value::String(String::new()));
        assert!(!obj["concepts"].as_array().unwrap().is_empty());
    }

    // Pipe the right answers from the first run: same seed, full marks.
    let answers: String = rows1
        .iter()
        .map(|r| format!("{}\n", r["correct_answer"].as_str().unwrap()))
        .collect();
    let second = home.path().join("second.csv");
    let args = [
        "--seed",
        "4242",
        "--count",
        &count,
        "--results",
        second.to_str().unwrap(),
    ];
    let (code, out, err) = quiz(home.path(), &args, &answers);
    assert_eq!(code, 0, "{err}");
    assert_eq!(last_line(&out), format!("score: {N}/{N}"), "{out}");
    let csv = std::fs::read_to_string(&second).unwrap();
    assert!(
        csv.starts_with(
            "student,seed,exam,started,ended,question_id,instance_id,concepts,question,answer,answer_value,correct_answer,correct,seconds\n"
        ),
        "{csv}"
    );
    // Each record ends with `,correct,seconds` on its last line.
    let right = csv
        .lines()
        .filter(|l| l.rsplit(',').nth(1) == Some("true"))
        .count();
    assert_eq!(right, N, "{csv}");
}

#[test]
fn same_seed_same_quiz_other_seed_other_quiz() {
    let home = tempfile::tempdir().unwrap();
    let run = |seed: &str, name: &str| {
        let path = home.path().join(format!("{name}.json"));
        let (code, out, err) = quiz(
            home.path(),
            &[
                "--seed",
                seed,
                "--count",
                "12",
                "--results",
                path.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(code, 0, "{err}");
        let questions: Vec<String> = rows(&path)
            .iter()
            .map(|r| r["question"].as_str().unwrap().to_string())
            .collect();
        (out, questions)
    };
    let (out_a, a) = run("7", "a");
    let (out_b, b) = run("7", "b");
    let (_, c) = run("8", "c");
    assert_eq!(a, b);
    assert_eq!(out_a, out_b, "the printed quiz is identical too");
    assert_ne!(a, c);
}

#[test]
fn end_of_input_ends_the_quiz_and_unanswered_count_wrong() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("r.json");
    let (code, out, _) = quiz(
        home.path(),
        &[
            "--seed",
            "99",
            "--count",
            "6",
            "--results",
            path.to_str().unwrap(),
        ],
        "\n",
    );
    assert_eq!(code, 0);
    assert!(out.contains("End of input"), "{out}");
    assert_eq!(last_line(&out), "score: 0/6");
    // One line answered the first question; the second met the end of input.
    assert!(out.contains("[2/6]") && !out.contains("[3/6]"), "{out}");
    assert_eq!(rows(&path).len(), 6);
    // The review keys the two questions the student saw, never the four an
    // early end of input left unasked: stopping early is no answer key.
    let review = out.split("Review your mistakes:").nth(1).unwrap_or("");
    assert_eq!(review.matches("the answer is").count(), 2, "{out}");
    assert!(out.contains("4 questions were not asked"), "{out}");
}

#[test]
fn unreadable_answers_say_why_and_count_wrong() {
    let home = tempfile::tempdir().unwrap();
    // The subnet topic's authored fill-in: mask 255.255.240.0 → /20; binary
    // topic: octets. A garbage line gets a reason, not a bare "wrong".
    let (code, out, _) = quiz(
        home.path(),
        &["--seed", "1", "--count", "4", "--topic", "binary"],
        "zz\nzz\nzz\nzz\n",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("Not a binary number") || out.contains("Not a number"),
        "{out}"
    );
    assert!(out.contains("(counted wrong)"), "{out}");
    assert_eq!(last_line(&out), "score: 0/4");
}

#[test]
fn chinese_plain_mode_keeps_the_score_line() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, _) = quiz(
        home.path(),
        &[
            "--lang", "zh", "--seed", "3", "--count", "2", "--topic", "osi",
        ],
        "\n\n",
    );
    assert_eq!(code, 0);
    assert!(out.contains("没有作答"), "{out}");
    assert_eq!(last_line(&out), "score: 0/2");
}

#[test]
fn bad_options_are_clear_errors() {
    let home = tempfile::tempdir().unwrap();
    let (code, _, err) = quiz(home.path(), &["--topic", "subnet,dns"], "");
    assert_ne!(code, 0);
    assert!(err.contains("unknown topic 'dns'"), "{err}");
    let (code, _, err) = quiz(home.path(), &["--count", "0"], "");
    assert_ne!(code, 0);
    assert!(err.contains("count"), "{err}");
    let (code, _, err) = quiz(home.path(), &["--results", "out.txt"], "");
    assert_ne!(code, 0);
    assert!(err.contains(".json or .csv"), "{err}");
}

#[test]
fn mastery_is_stored_and_shown_as_bars() {
    let home = tempfile::tempdir().unwrap();
    let (code, _, _) = quiz(
        home.path(),
        &["--seed", "5", "--count", "3", "--topic", "ports"],
        "\n\n\n",
    );
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(home.path().join("progress.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["mastery"]["quizzes"], Value::from(1));
    assert!(
        v["mastery"]["concepts"]["addr.port"]["seen"]
            .as_u64()
            .unwrap()
            >= 3,
        "{text}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(["quiz", "--progress"])
        .env("NETTUTOR_HOME", home.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains("ports") && out.contains('░') && out.contains("0/3"),
        "{out}"
    );
}

#[test]
fn a_time_limit_ends_the_quiz() {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args([
            "quiz",
            "--plain",
            "--seed",
            "2",
            "--count",
            "3",
            "--time-limit",
            "1",
        ])
        .env("NETTUTOR_HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Keep stdin open without answering: only the time limit can end it.
    let stdin = child.stdin.take().unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains("Time is up"), "{out}");
    assert_eq!(last_line(&out), "score: 0/3");
}
