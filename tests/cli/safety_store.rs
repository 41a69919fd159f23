//! The progress store against real processes: two plain quizzes at once on one
//! home, and a quiz killed (SIGKILL, SIGTERM, SIGINT) after five answers.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

fn quiz(home: &Path, count: usize, seed: u64) -> Child {
    Command::new(BIN)
        .args(["quiz", "--plain", "--count", &count.to_string()])
        .args(["--seed", &seed.to_string()])
        .env("NETTUTOR_HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The answers counted in the store: the sum of `seen` over question cards.
fn answers_in_store(home: &Path) -> u64 {
    let text = std::fs::read_to_string(home.join("progress.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    json["mastery"]["questions"].as_object().map_or(0, |cards| {
        cards.values().filter_map(|c| c["seen"].as_u64()).sum()
    })
}

#[test]
fn two_plain_quizzes_at_once_count_every_answer() {
    let home = tempfile::tempdir().unwrap();
    let per_quiz = 200;
    let mut children: Vec<Child> = (0..2)
        .map(|i| quiz(home.path(), per_quiz, 10 + i))
        .collect();
    // Both get all their answers at once and race each other to the store.
    let answers = "a\n".repeat(per_quiz);
    let writers: Vec<_> = children
        .iter_mut()
        .map(|c| {
            let mut input = c.stdin.take().unwrap();
            let answers = answers.clone();
            std::thread::spawn(move || input.write_all(answers.as_bytes()))
        })
        .collect();
    for w in writers {
        w.join().unwrap().unwrap();
    }
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(&format!("/{per_quiz}\n")),
            "finished: {stdout}"
        );
    }
    assert_eq!(answers_in_store(home.path()), 2 * per_quiz as u64);
    let text = std::fs::read_to_string(home.path().join("progress.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["mastery"]["quizzes"], 2, "both quizzes finished");
}

/// Lines of the child's stdout, read in a thread so waiting is time-bound.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Answers five questions one at a time, waiting for each verdict.
fn answer_five(input: &mut ChildStdin, lines: &mpsc::Receiver<String>, total: usize) {
    for n in 1..=5 {
        input.write_all(b"a\n").unwrap();
        input.flush().unwrap();
        // The next question's header appears after the answer was saved.
        let want = format!("[{}/{total}]", n + 1);
        loop {
            let line = lines
                .recv_timeout(Duration::from_secs(30))
                .expect("the quiz goes on");
            if line.starts_with(&want) {
                break;
            }
        }
    }
}

#[test]
fn a_killed_quiz_keeps_the_answers_already_given() {
    for signal in [libc::SIGKILL, libc::SIGTERM, libc::SIGINT] {
        let home = tempfile::tempdir().unwrap();
        let mut child = quiz(home.path(), 10, 7);
        let lines = lines_of(&mut child);
        let mut input = child.stdin.take().unwrap();
        answer_five(&mut input, &lines, 10);
        let pid = i32::try_from(child.id()).unwrap();
        // SAFETY: kill on our own child's pid.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let status = child.wait().unwrap();
        assert!(!status.success(), "signal {signal}");
        assert_eq!(
            answers_in_store(home.path()),
            5,
            "after signal {signal} the store is valid JSON and holds the 5 answers"
        );
        let temps: Vec<_> = std::fs::read_dir(home.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(temps.is_empty(), "no temp file left: {temps:?}");
    }
}

#[test]
fn a_corrupt_store_is_reported_by_progress_and_moved_aside_by_a_quiz() {
    let home = tempfile::tempdir().unwrap();
    let progress = home.path().join("progress.json");
    std::fs::write(&progress, "{\"mastery\": [truncated").unwrap();
    let out = Command::new(BIN)
        .args(["quiz", "--progress"])
        .env("NETTUTOR_HOME", home.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success());
    assert!(stderr.contains("corrupt"), "{stderr}");
    assert!(progress.exists(), "a read-only command moves nothing");
    let mut child = quiz(home.path(), 2, 1);
    child.stdin.take().unwrap().write_all(b"a\nb\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("corrupt") && stderr.contains("moved it to"),
        "{stderr}"
    );
    let backups = std::fs::read_dir(home.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .count();
    assert_eq!(backups, 1);
    assert_eq!(answers_in_store(home.path()), 2);
}

#[test]
fn an_unreadable_store_is_never_replaced() {
    let home = tempfile::tempdir().unwrap();
    let progress = home.path().join("progress.json");
    std::os::unix::fs::symlink("/dev/zero", &progress).unwrap();
    let mut child = quiz(home.path(), 2, 1);
    child.stdin.take().unwrap().write_all(b"a\nb\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the quiz runs without saving: {stderr}"
    );
    assert!(stderr.contains("character device"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "warned once: {stderr}");
    assert!(stderr.contains("not saving"), "{stderr}");
    assert_eq!(
        std::fs::read_link(&progress).unwrap(),
        Path::new("/dev/zero")
    );
}
