//! End to end: `nettutor quiz` in a real terminal (tmux). The plain mode's
//! results give the right answers of a seeded quiz; typed into the terminal UI
//! with the same seed they score full marks, and the results file and the
//! mastery section are written. Skipped, with a reason, without tmux.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::Tmux;

const ARGS: &[&str] = &[
    "quiz",
    "--seed",
    "5",
    "--count",
    "3",
    "--topic",
    "ports,tcp",
];

fn right_answers(home: &Path) -> Vec<String> {
    let results = home.join("plain.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(ARGS)
        .args(["--plain", "--results", results.to_str().unwrap()])
        .env("NETTUTOR_HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\n\n\n").unwrap();
    assert!(child.wait().unwrap().success());
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(results).unwrap()).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["correct_answer"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_terminal_quiz_matches_plain_mode_and_scores_full_marks() {
    let Some(t) = Tmux::start("quiz") else {
        return;
    };
    let answers = right_answers(t.dir());
    assert_eq!(answers.len(), 3);
    let results = t.file("tui.json");
    t.run_tutor(&format!(
        "{} --results {}",
        ARGS.join(" "),
        results.display()
    ));
    t.wait_for("Question 1 of 3");
    for (i, answer) in answers.iter().enumerate() {
        t.wait_for(&format!("Question {} of 3", i + 1));
        t.type_line(answer);
        t.wait_for("Correct.");
        t.send(&["Enter"]);
    }
    let screen = t.wait_for("Score: 3/3 (100%)");
    assert!(screen.contains("No mistakes"), "{screen}");
    t.send(&["p"]);
    let screen = t.wait_for("Mastery per topic");
    assert!(
        screen.contains("ports") || screen.contains("tcp"),
        "{screen}"
    );
    t.send(&["q"]);
    t.assert_terminal_restored();
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r["correct"] == serde_json::Value::Bool(true)),
        "{rows:?}"
    );
    let progress = std::fs::read_to_string(t.file("progress.json")).unwrap();
    let progress: serde_json::Value = serde_json::from_str(&progress).unwrap();
    assert_eq!(
        progress["mastery"]["quizzes"],
        serde_json::Value::from(2),
        "plain run + terminal run"
    );
}
