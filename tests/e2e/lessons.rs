//! End to end: the real binary in a real terminal (tmux). Keys go in with
//! send-keys, the screen comes back with capture-pane. Skipped, with a printed
//! reason, where tmux is not installed.

use crate::common;

use common::Tmux;

use std::path::Path;
use std::process::Command;

#[test]
fn a_student_reads_the_first_lesson_in_both_languages_and_quits() {
    let Some(t) = Tmux::start("read") else { return };
    t.run_tutor("--lang en");
    let home = t.wait_for("Lessons");
    assert!(
        home.contains("Handshake") && home.contains("Subnet"),
        "{home}"
    );
    assert!(t.alternate_on(), "the tutor uses the alternate screen");
    t.send(&["1", "Enter"]);
    t.wait_for("step 1/");
    t.send(&["Space"]);
    t.wait_for("step 2/");
    t.send(&["PageUp"]);
    t.wait_for("step 1/");
    t.send(&["L"]);
    let zh = t.wait_for("第 1/");
    assert!(zh.contains("网络基础"), "the Chinese lesson title:\n{zh}");
    t.send(&["?"]);
    t.wait_for("按键 — 课程");
    t.send(&["Escape"]);
    t.send(&["q"]);
    t.assert_terminal_restored();
    // Progress was saved atomically where NETTUTOR_HOME points.
    let progress = std::fs::read_to_string(t.file("progress.json")).unwrap();
    assert!(progress.contains("\"basics\""), "{progress}");
}

#[test]
fn resize_below_the_minimum_asks_to_enlarge_then_recovers() {
    let Some(t) = Tmux::start("resize") else {
        return;
    };
    t.run_tutor("--lang en");
    t.wait_for("Lessons");
    t.tmux(&["resize-window", "-t", "main", "-x", "50", "-y", "12"]);
    t.wait_for("Please enlarge the terminal to at least 60×18");
    t.tmux(&["resize-window", "-t", "main", "-x", "100", "-y", "30"]);
    t.wait_for("Lessons");
    t.send(&["q"]);
    t.assert_terminal_restored();
}

fn signal_restores_the_terminal(signal: &str) {
    let Some(t) = Tmux::start(&format!("sig{signal}")) else {
        return;
    };
    t.run_tutor("--lang en");
    t.wait_for("Lessons");
    t.send(&["1", "Enter"]);
    t.wait_for("step 1/");
    let pid = t.tutor_pid();
    assert!(!pid.is_empty(), "found the tutor's pid");
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .unwrap();
    assert!(status.success());
    t.assert_terminal_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal("TERM");
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores_the_terminal("HUP");
}

#[test]
fn a_corrupt_progress_file_is_moved_aside_and_the_tutor_starts() {
    let Some(t) = Tmux::start("corrupt") else {
        return;
    };
    std::fs::write(t.file("progress.json"), "{ this is not json").unwrap();
    t.run_tutor("--lang en");
    let screen = t.wait_for("corrupt");
    assert!(screen.contains("Lessons"), "the tutor started:\n{screen}");
    // Moved aside at the first save (opening a lesson), not merely by reading.
    t.send(&["1", "Enter"]);
    t.wait_for("step 1/");
    t.send(&["q"]);
    t.assert_terminal_restored();
    let moved = std::fs::read_dir(t.dir())
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("progress.json.corrupt-")
        });
    assert!(moved, "the corrupt file is kept aside, not lost");
    assert!(
        !Path::new(&t.file("progress.json")).exists()
            || std::fs::read_to_string(t.file("progress.json"))
                .unwrap()
                .starts_with('{')
    );
}
