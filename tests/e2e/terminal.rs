//! The terminal is restored on every way out, in a real terminal (tmux): the
//! tty settings before and after are compared. SIGQUIT, a panic on a helper
//! thread and on the main thread, and SIGTERM behind thousands of queued keys.

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::Tmux;

fn kill(t: &Tmux, signal: &str) {
    let pid = t.tutor_pid();
    assert!(!pid.is_empty(), "found the tutor's pid");
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Restored tty and alternate screen left, whatever the exit status.
fn assert_restored_with(t: &Tmux, status: &str) {
    // The files, not the screen: keys the tutor left unread are echoed by the
    // shell afterwards and may scroll FINISHED away.
    let start = Instant::now();
    while std::fs::read_to_string(t.file("after"))
        .unwrap_or_default()
        .is_empty()
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the tutor never exited:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let got = std::fs::read_to_string(t.file("status")).unwrap();
    assert_eq!(got.trim(), format!("EXIT={status}"), "{}", t.screen());
    assert!(!t.alternate_on(), "left the alternate screen");
    let before = std::fs::read_to_string(t.file("before")).unwrap();
    let after = std::fs::read_to_string(t.file("after")).unwrap();
    assert_eq!(before, after, "tty settings restored");
}

#[test]
fn sigquit_restores_the_terminal() {
    let Some(t) = Tmux::start("sigquit") else {
        return;
    };
    t.run_tutor("--lang en");
    t.wait_for("Lessons");
    kill(&t, "QUIT");
    t.assert_terminal_restored();
}

#[test]
fn a_panic_on_a_helper_thread_exits_with_the_terminal_restored() {
    let Some(t) = Tmux::start("panicthread") else {
        return;
    };
    // A helper thread panics once the terminal is set up: the app must not
    // run on without it.
    t.run_tutor_env("NETTUTOR_TEST_PANIC=thread", "--lang en");
    assert_restored_with(&t, "101");
    let screen = t.screen();
    assert!(screen.contains("test panic on a helper thread"), "{screen}");
}

#[test]
fn a_panic_on_the_main_thread_restores_the_terminal() {
    let Some(t) = Tmux::start("panicmain") else {
        return;
    };
    t.run_tutor_env("NETTUTOR_TEST_PANIC=main", "--lang en");
    assert_restored_with(&t, "101");
}

#[test]
fn sigterm_is_handled_ahead_of_queued_keys() {
    let Some(t) = Tmux::start("sigqueue") else {
        return;
    };
    t.run_tutor_env("", "--lang en");
    t.wait_for("Lessons");
    // Ten thousand key presses arrive at once (not a bracketed paste), then
    // SIGTERM; keys the tutor never read are left for the shell.
    t.type_text(&"j".repeat(10_000));
    kill(&t, "TERM");
    assert_restored_with(&t, "0");
}
