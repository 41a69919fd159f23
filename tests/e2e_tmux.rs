//! End to end: the real binary in a real terminal (tmux). Keys go in with
//! send-keys, the screen comes back with capture-pane. Skipped, with a printed
//! reason, where tmux is not installed.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
    dir: tempfile::TempDir,
}

impl Tmux {
    /// A private tmux server running an interactive shell in a 100x30 window.
    fn start(name: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping: tmux is not installed");
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
                "-x",
                "100",
                "-y",
                "30",
            ])
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

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn send(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "main", k]);
            // Let the app draw between keys, as a person would.
            sleep(Duration::from_millis(60));
        }
    }

    fn type_line(&self, line: &str) {
        self.tmux(&["send-keys", "-t", "main", "-l", line]);
        self.tmux(&["send-keys", "-t", "main", "Enter"]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "main"])
    }

    fn alternate_on(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "main", "#{alternate_on}"])
            .trim()
            == "1"
    }

    /// Waits until the screen contains `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "'{text}' never appeared; screen:\n{screen}"
            );
            sleep(Duration::from_millis(50));
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the tutor from the shell, recording the tty settings before and after
    /// and the exit status.
    fn run_tutor(&self, args: &str) {
        let bin = env!("CARGO_BIN_EXE_nettutor");
        let d = self.dir.path().display();
        self.type_line(&format!(
            "stty -g > {d}/before; '{bin}' {args}; echo EXIT=$?; stty -g > {d}/after; echo FIN\"\"ISHED"
        ));
    }

    /// The tutor's pid (the shell's only child).
    fn tutor_pid(&self) -> String {
        let shell = self.tmux(&["display-message", "-p", "-t", "main", "#{pane_pid}"]);
        let out = Command::new("pgrep")
            .args(["-P", shell.trim()])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn assert_terminal_restored(&self) {
        let screen = self.wait_for("FINISHED");
        assert!(screen.contains("EXIT=0"), "clean exit status:\n{screen}");
        assert!(!self.alternate_on(), "left the alternate screen");
        let before = std::fs::read_to_string(self.file("before")).unwrap();
        let after = std::fs::read_to_string(self.file("after")).unwrap();
        assert_eq!(
            before, after,
            "tty settings (raw mode off, echo on) restored"
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

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
    t.send(&["q"]);
    t.assert_terminal_restored();
    let moved = std::fs::read_dir(t.dir.path())
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
