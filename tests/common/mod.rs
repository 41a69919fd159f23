//! Shared test helpers. `tui`: the app on ratatui's TestBackend (keys in,
//! screen text out). Here: a real terminal for end-to-end tests — a private
//! tmux server running a clean shell in a temp folder (also the tutor's
//! NETTUTOR_HOME and working directory); keys go in with send-keys, the screen
//! comes back with capture-pane. And [`skip`], the one way a test says it cannot
//! run here.
#![allow(dead_code, clippy::unwrap_used)]

pub mod class;
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
    /// Processes the test found under the panes (see [`Tmux::watch`]).
    watched: std::cell::RefCell<Vec<i32>>,
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
        let t = Tmux {
            socket,
            dir,
            watched: std::cell::RefCell::default(),
        };
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
            .args(t.shell())
            .status()
            .unwrap();
        assert!(status.success());
        Some(t)
    }

    /// The clean shell every window runs: no environment but PATH, the
    /// tutor's home, a UTF-8 locale and the terminal type.
    fn shell(&self) -> Vec<String> {
        vec![
            "env".into(),
            "-i".into(),
            format!("PATH={}", std::env::var("PATH").unwrap_or_default()),
            format!("NETTUTOR_HOME={}", self.dir.path().display()),
            "LANG=C.UTF-8".into(),
            "TERM=xterm-256color".into(),
            "bash".into(),
            "--norc".into(),
            "--noprofile".into(),
        ]
    }

    /// A second window `name` (the same size, shell and folder), opened in
    /// the background: `main` still names the first. Address it as
    /// `main:NAME` in [`Tmux::send_to`], [`Tmux::screen_of`], [`Tmux::wait_in`].
    pub fn open_window(&self, name: &str) {
        let dir = self.dir.path().display().to_string();
        let mut args = vec!["new-window", "-d", "-t", "main", "-n", name, "-c", &dir];
        let shell = self.shell();
        args.extend(shell.iter().map(String::as_str));
        self.tmux(&args);
        assert!(
            self.tmux(&["list-windows", "-t", "main", "-F", "#{window_name}"])
                .lines()
                .any(|w| w == name),
            "window {name} opened"
        );
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
        self.send_to("main", keys);
    }

    /// [`Tmux::send`] into window `target` (`main:NAME`).
    pub fn send_to(&self, target: &str, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", target, k]);
            sleep(Duration::from_millis(60));
        }
    }

    /// Types `text` literally (no key-name interpretation).
    pub fn type_text(&self, text: &str) {
        self.type_text_in("main", text);
    }

    pub fn type_text_in(&self, target: &str, text: &str) {
        self.tmux(&["send-keys", "-t", target, "-l", text]);
    }

    pub fn type_line(&self, line: &str) {
        self.type_line_in("main", line);
    }

    pub fn type_line_in(&self, target: &str, line: &str) {
        self.type_text_in(target, line);
        self.tmux(&["send-keys", "-t", target, "Enter"]);
    }

    pub fn screen(&self) -> String {
        self.screen_of("main")
    }

    pub fn screen_of(&self, target: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-t", target])
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
        self.wait_until("main", limit, |s| s.contains(text), text)
    }

    /// Waits up to 10 s until window `target`'s screen contains `text`.
    pub fn wait_in(&self, target: &str, text: &str) -> String {
        self.wait_until(target, Duration::from_secs(10), |s| s.contains(text), text)
            .0
    }

    /// Waits up to `limit` until `ok` holds for window `target`'s screen
    /// (`what` names the wait in the failure); returns the screen and how
    /// long it took.
    pub fn wait_until(
        &self,
        target: &str,
        limit: Duration,
        ok: impl Fn(&str) -> bool,
        what: &str,
    ) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let screen = self.screen_of(target);
            if ok(&screen) {
                return (screen, start.elapsed());
            }
            assert!(
                start.elapsed() < limit,
                "'{what}' never appeared in {target}; screen:\n{screen}"
            );
            sleep(Duration::from_millis(30));
        }
    }

    /// The next whole frame of window `main` after `before`: waits up to
    /// `limit` for its screen to change (None when it does not), then until
    /// the frame is complete — the tutor (`pid`) is back waiting for its next
    /// event, so all it drew has been written to the terminal, and two
    /// captures in a row agree, so tmux has read it all. A frame is written in
    /// pieces; on a loaded machine the tutor can be held mid-frame for as long
    /// as any "stands still" wait, so a still screen alone proves nothing.
    pub fn next_frame(&self, pid: i32, before: &str, limit: Duration) -> Option<String> {
        let start = Instant::now();
        let mut now = loop {
            let screen = self.screen();
            if screen != before {
                break screen;
            }
            if start.elapsed() > limit {
                return None;
            }
            sleep(Duration::from_millis(5));
        };
        let whole = start.elapsed() + Duration::from_secs(30);
        loop {
            while !waiting_for_event(pid) {
                assert!(alive(pid), "the tutor ended; screen:\n{now}");
                sleep(Duration::from_millis(2));
            }
            let again = self.screen();
            if again == now {
                return Some(now);
            }
            assert!(
                start.elapsed() < whole,
                "the screen never stood still; last:\n{again}"
            );
            now = again;
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

    /// Remembers `pid` so that [`Drop`] makes sure it is gone even when the
    /// test ended the server itself; returns it.
    pub fn watch(&self, pid: i32) -> i32 {
        self.watched.borrow_mut().push(pid);
        pid
    }

    /// The tutor's pid (the shell's only child).
    pub fn tutor_pid(&self) -> String {
        let shell = self.tmux(&["display-message", "-p", "-t", "main", "#{pane_pid}"]);
        let out = Command::new("pgrep")
            .args(["-P", shell.trim()])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if let Ok(n) = pid.parse() {
            self.watch(n);
        }
        pid
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
    /// Runs however the test ends (a failed assertion unwinds through here):
    /// the server goes, and whatever ran in its panes with it — what outlives
    /// the server by more than a few seconds is killed, so a failing test
    /// leaves no tutor behind.
    fn drop(&mut self) {
        let panes = self.tmux(&["list-panes", "-a", "-F", "#{pane_pid}"]);
        let mut pids = self.watched.take();
        for pane in panes.split_whitespace().filter_map(|p| p.parse().ok()) {
            pids.push(pane);
            pids.extend(descendants(pane));
        }
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        for pid in pids {
            if !wait_gone(pid, Duration::from_secs(5)) {
                // SAFETY: a plain kill(2) of a process this test started.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }
}

/// Every process below `pid` (children, their children, …), from /proc.
pub fn descendants(pid: i32) -> Vec<i32> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid …: comm may hold spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<i32>().ok());
        if let Some(ppid) = ppid {
            parent_of.push((child, ppid));
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(
            parent_of
                .iter()
                .filter(|&&(_, pp)| pp == p)
                .map(|&(c, _)| c),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// Whether process `pid`'s main thread is asleep waiting for an event (in a
/// futex: the tutor's event channel) — not running, runnable or blocked
/// writing to its terminal. Where the kernel does not say what a thread waits
/// in (`wchan` reads "0"), asleep is taken as waiting.
pub fn waiting_for_event(pid: i32) -> bool {
    let asleep = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            == Some("S")
    });
    let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default();
    asleep && (wchan.contains("futex") || wchan.trim() == "0" || wchan.is_empty())
}

/// Whether process `pid` is still there (and not a zombie waiting for its parent).
pub fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// Waits until process `pid` has ended, at most `limit`; true when it did.
/// Event-based: poll on a pidfd (readable when the process exits); where the
/// kernel has no pidfd, /proc is looked at every 20 ms instead.
pub fn wait_gone(pid: i32, limit: Duration) -> bool {
    let start = Instant::now();
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd >= 0 {
        let fd = fd as i32;
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        loop {
            let left = limit.saturating_sub(start.elapsed());
            let ms = i32::try_from(left.as_millis()).unwrap_or(i32::MAX);
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
            if ready != 0 || left.is_zero() {
                break;
            }
        }
        // SAFETY: closing the descriptor opened above.
        unsafe {
            libc::close(fd);
        }
    }
    // A zombie counts as gone (its parent, the shell, may not have reaped it
    // yet); also the fallback without pidfd.
    while alive(pid) {
        if start.elapsed() >= limit {
            return false;
        }
        sleep(Duration::from_millis(20));
    }
    true
}
