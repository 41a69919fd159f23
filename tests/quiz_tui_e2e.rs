//! End to end: `nettutor quiz` in a real terminal (tmux). The plain mode's
//! results give the right answers of a seeded quiz; typed into the terminal UI
//! with the same seed they score full marks, and the results file and the
//! mastery section are written. Skipped, with a reason, without tmux.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

const ARGS: &[&str] = &[
    "quiz",
    "--seed",
    "5",
    "--count",
    "3",
    "--topic",
    "ports,tcp",
];

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for(socket: &str, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux(socket, &["capture-pane", "-p", "-t", "main"]);
        if screen.contains(needle) {
            return screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {needle:?}:\n{screen}"
        );
        sleep(Duration::from_millis(100));
    }
}

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
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip(
            "the_terminal_quiz_matches_plain_mode",
            "tmux is not installed",
        );
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let answers = right_answers(home.path());
    assert_eq!(answers.len(), 3);
    let results = home.path().join("tui.json");
    let socket = format!("nettutor-quiz-e2e-{}", std::process::id());
    let status = Command::new("tmux")
        .args([
            "-L",
            &socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "100",
            "-y",
            "30",
        ])
        .args([
            "env",
            "-i",
            &format!("NETTUTOR_HOME={}", home.path().display()),
            "LANG=C.UTF-8",
            "TERM=xterm-256color",
        ])
        .arg(env!("CARGO_BIN_EXE_nettutor"))
        .args(ARGS)
        .args(["--results", results.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let outcome = std::panic::catch_unwind(|| {
        wait_for(&socket, "Question 1 of 3");
        for (i, answer) in answers.iter().enumerate() {
            wait_for(&socket, &format!("Question {} of 3", i + 1));
            tmux(&socket, &["send-keys", "-t", "main", "-l", answer]);
            tmux(&socket, &["send-keys", "-t", "main", "Enter"]);
            wait_for(&socket, "Correct.");
            tmux(&socket, &["send-keys", "-t", "main", "Enter"]);
        }
        let screen = wait_for(&socket, "Score: 3/3 (100%)");
        assert!(screen.contains("No mistakes"), "{screen}");
        tmux(&socket, &["send-keys", "-t", "main", "p"]);
        let screen = wait_for(&socket, "Mastery per topic");
        assert!(
            screen.contains("ports") || screen.contains("tcp"),
            "{screen}"
        );
        tmux(&socket, &["send-keys", "-t", "main", "q"]);
    });
    tmux(&socket, &["kill-server"]);
    outcome.unwrap();
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r["correct"] == serde_json::Value::Bool(true)),
        "{rows:?}"
    );
    let progress = std::fs::read_to_string(home.path().join("progress.json")).unwrap();
    let progress: serde_json::Value = serde_json::from_str(&progress).unwrap();
    assert_eq!(
        progress["mastery"]["quizzes"],
        serde_json::Value::from(2),
        "plain run + terminal run"
    );
}
