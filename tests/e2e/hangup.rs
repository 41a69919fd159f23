//! A tutor never outlives its terminal, and a signal always ends it: closing
//! the tmux session (with and without a SIGHUP reaching the tutor), SIGTERM in
//! a panel taking text and in a lab, and a way out that stalls. Each waits for
//! the process itself to be gone (`common::wait_gone`, a pidfd), with bounds
//! generous enough for a loaded machine.

use crate::common;

use std::process::Command;
use std::time::Duration;

use common::{Tmux, alive, descendants, have, wait_gone};

/// Generous: the tutor quits in milliseconds; the bound only ends a broken run.
const GONE_WITHIN: Duration = Duration::from_secs(15);

fn pane_pid(t: &Tmux) -> i32 {
    let shell = t.tmux(&["display-message", "-p", "-t", "main", "#{pane_pid}"]);
    shell.trim().parse().unwrap()
}

/// The one process under the pane running the tutor's binary.
fn tutor_below(t: &Tmux) -> i32 {
    let bin = std::fs::canonicalize(env!("CARGO_BIN_EXE_nettutor")).unwrap();
    let found: Vec<i32> = descendants(pane_pid(t))
        .into_iter()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|e| e == bin))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one tutor process under the pane: {found:?}"
    );
    t.watch(found[0])
}

fn signal(pid: i32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_status(t: &Tmux) -> String {
    t.wait_for("FINISHED");
    std::fs::read_to_string(t.file("status"))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn closing_the_tmux_session_ends_the_tutor() {
    let Some(t) = Tmux::start("killsession") else {
        return;
    };
    t.run_tutor("--lang en");
    t.wait_for("Lessons");
    t.send(&["1", "Enter"]);
    t.wait_for("step 1/");
    let pid = tutor_below(&t);
    t.tmux(&["kill-session", "-t", "main"]);
    assert!(
        wait_gone(pid, GONE_WITHIN),
        "the tutor outlived its tmux session"
    );
}

/// The tutor in a session of its own, its standard input and output on the
/// pane's terminal: when tmux closes the terminal no SIGHUP reaches it, its
/// reads end with end-of-file. It must notice and end (it used to spin on the
/// read, a core busy, for hours).
#[test]
fn a_tutor_outside_the_terminals_session_ends_when_the_terminal_closes() {
    if !have("hangup_outside_session", "setsid", "--version") {
        return;
    }
    let Some(t) = Tmux::start("hangupnosig") else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_nettutor");
    t.type_line(&format!(
        "setsid -w '{bin}' --lang en < $(tty) > $(tty) 2> {}/stderr",
        t.dir().display()
    ));
    t.wait_for("Lessons");
    t.send(&["8"]);
    t.wait_for("Glossary");
    let pid = tutor_below(&t);
    t.tmux(&["kill-server"]);
    assert!(
        wait_gone(pid, GONE_WITHIN),
        "the tutor outlived its terminal (stdin: {:?})",
        std::fs::read_link(format!("/proc/{pid}/fd/0"))
    );
}

#[test]
fn sigterm_while_typing_a_search_ends_the_tutor_and_restores_the_terminal() {
    let Some(t) = Tmux::start("termsearch") else {
        return;
    };
    t.run_tutor_env("", "--lang en");
    t.wait_for("Lessons");
    t.send(&["1", "/"]);
    t.type_text("tcp");
    t.wait_for("tcp");
    let pid = tutor_below(&t);
    signal(pid, "TERM");
    assert!(wait_gone(pid, GONE_WITHIN), "SIGTERM ignored while typing");
    assert_eq!(wait_status(&t), "EXIT=0");
    assert!(!t.alternate_on(), "left the alternate screen");
    let before = std::fs::read_to_string(t.file("before")).unwrap();
    let after = std::fs::read_to_string(t.file("after")).unwrap();
    assert_eq!(before, after, "tty settings restored");
}

#[test]
fn sigterm_in_the_labs_panel_ends_the_tutor() {
    let Some(t) = Tmux::start("termlab") else {
        return;
    };
    t.run_tutor_env("", "--lang en");
    t.wait_for("Lessons");
    t.send(&["6", "Enter"]);
    t.wait_for("count");
    let pid = tutor_below(&t);
    signal(pid, "TERM");
    assert!(
        wait_gone(pid, GONE_WITHIN),
        "SIGTERM ignored in the labs panel"
    );
    assert_eq!(wait_status(&t), "EXIT=0");
}

/// A way out that never finishes (the test hook stalls it, as a terminal that
/// stopped reading would): the process still ends, 3 s after the signal, with
/// the status of a process killed by it.
#[test]
fn a_stalled_way_out_still_ends_after_the_grace_time() {
    let Some(t) = Tmux::start("stallquit") else {
        return;
    };
    t.run_tutor_env("NETTUTOR_TEST_STALL=quit", "--lang en");
    t.wait_for("Lessons");
    let pid = tutor_below(&t);
    signal(pid, "TERM");
    assert!(wait_gone(pid, GONE_WITHIN), "a stalled quit never ended");
    assert_eq!(wait_status(&t), "EXIT=143");
    assert!(!alive(pid));
}
