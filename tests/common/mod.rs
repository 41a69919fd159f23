//! Shared test helpers. `tui`: the app on ratatui's TestBackend (keys in,
//! screen text out). Here: a real terminal for end-to-end tests — a private
//! tmux server running a clean shell in a temp folder (also the tutor's
//! NETTUTOR_HOME and working directory); keys go in with send-keys, the screen
//! comes back with capture-pane. And [`skip`], the one way a test says it cannot
//! run here.
#![allow(dead_code, clippy::unwrap_used)]

pub mod run;
pub mod tui;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// True under `CI=true` (or `CI=1`): there a missing tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A test cannot run here (`reason`: what is missing). Under CI this panics;
/// otherwise the reason is written straight to the process's stderr, which
/// cargo's output capture does not swallow, so it shows in `cargo test` output
/// even when the test passes. The caller returns after this.
pub fn skip(test: &str, reason: &str) {
    assert!(!in_ci(), "{test}: {reason} (required under CI=true)");
    skip_here(test, reason);
}

/// Like [`skip`] but not a failure under CI: for what CI cannot be expected to
/// have (root or CAP_NET_RAW, an IPv6 loopback).
pub fn skip_here(test: &str, reason: &str) {
    let line = format!("SKIPPED {test}: {reason}\n");
    print!("{line}");
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Whether `tool` runs (`tool arg` succeeds); when not, [`skip`]s `test`.
pub fn have(test: &str, tool: &str, arg: &str) -> bool {
    let found = Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        skip(test, &format!("{tool} is not installed"));
    }
    found
}

pub struct Tmux {
    socket: String,
    dir: tempfile::TempDir,
}

impl Tmux {
    /// A 100x30 window with an interactive shell, or None (with a printed
    /// reason) when tmux is missing.
    pub fn start(name: &str) -> Option<Tmux> {
        if !have(name, "tmux", "-V") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let socket = format!("nettutor-e2e-{name}-{}", std::process::id());
        let t = Tmux { socket, dir };
        let status = Command::new("tmux")
            .args([
                "-L",
                &t.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "main",
            ])
            .args(["-x", "100", "-y", "30", "-c"])
            .arg(t.dir.path())
            .args(["env", "-i"])
            .arg(format!(
                "PATH={}",
                std::env::var("PATH").unwrap_or_default()
            ))
            .arg(format!("NETTUTOR_HOME={}", t.dir.path().display()))
            .args([
                "LANG=C.UTF-8",
                "TERM=xterm-256color",
                "bash",
                "--norc",
                "--noprofile",
            ])
            .status()
            .unwrap();
        assert!(status.success());
        Some(t)
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Presses keys (tmux key names), pausing between them as a person would.
    pub fn send(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "main", k]);
            sleep(Duration::from_millis(60));
        }
    }

    /// Types `text` literally (no key-name interpretation).
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "main", "-l", text]);
    }

    pub fn type_line(&self, line: &str) {
        self.type_text(line);
        self.tmux(&["send-keys", "-t", "main", "Enter"]);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "main"])
    }

    pub fn alternate_on(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "main", "#{alternate_on}"])
            .trim()
            == "1"
    }

    /// Waits up to 10 s until the screen contains `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_within(text, Duration::from_secs(10)).0
    }

    /// Waits up to `limit` until the screen contains `text`; returns the screen
    /// and how long it took.
    pub fn wait_within(&self, text: &str, limit: Duration) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return (screen, start.elapsed());
            }
            assert!(
                start.elapsed() < limit,
                "'{text}' never appeared; screen:\n{screen}"
            );
            sleep(Duration::from_millis(30));
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the tutor from the shell, recording the tty settings before and after
    /// and the exit status (see [`Tmux::assert_terminal_restored`]).
    pub fn run_tutor(&self, args: &str) {
        let bin = env!("CARGO_BIN_EXE_nettutor");
        let d = self.dir.path().display();
        self.type_line(&format!(
            "stty -g > {d}/before; '{bin}' {args}; echo EXIT=$?; stty -g > {d}/after; echo FIN\"\"ISHED"
        ));
    }

    /// [`Tmux::run_tutor`] with `env` (e.g. `NAME=value`, or empty) set for the
    /// tutor; the exit status also goes to the file `status`.
    pub fn run_tutor_env(&self, env: &str, args: &str) {
        let bin = env!("CARGO_BIN_EXE_nettutor");
        let d = self.dir.path().display();
        self.type_line(&format!(
            "stty -g > {d}/before; {env} '{bin}' {args}; echo EXIT=$? | tee {d}/status; stty -g > {d}/after; echo FIN\"\"ISHED"
        ));
    }

    /// The tutor's pid (the shell's only child).
    pub fn tutor_pid(&self) -> String {
        let shell = self.tmux(&["display-message", "-p", "-t", "main", "#{pane_pid}"]);
        let out = Command::new("pgrep")
            .args(["-P", shell.trim()])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The tutor ended with status 0, left the alternate screen, and the tty
    /// settings (raw mode off, echo on) are what they were before it started.
    pub fn assert_terminal_restored(&self) {
        let screen = self.wait_for("FINISHED");
        assert!(screen.contains("EXIT=0"), "clean exit status:\n{screen}");
        assert!(!self.alternate_on(), "left the alternate screen");
        let before = std::fs::read_to_string(self.file("before")).unwrap();
        let after = std::fs::read_to_string(self.file("after")).unwrap();
        assert_eq!(before, after, "tty settings restored");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}
