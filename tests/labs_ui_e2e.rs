//! End to end: the real binary in tmux runs the sticky lab from the Labs panel
//! and draws the merged sends; a long lab is stopped with Esc and the tutor
//! quits cleanly. Skipped, with a printed reason, where tmux is not installed.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
    dir: tempfile::TempDir,
}

impl Tmux {
    fn start(name: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping: tmux is not installed");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let socket = format!("nettutor-labs-{name}-{}", std::process::id());
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
            .args(["-x", "100", "-y", "30", "env", "-i"])
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

    fn send(&self, key: &str) {
        self.tmux(&["send-keys", "-t", "main", key]);
        sleep(Duration::from_millis(80));
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "main"])
    }

    fn wait_for(&self, text: &str, limit: Duration) -> (String, Duration) {
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

    fn run_tutor(&self) {
        let bin = env!("CARGO_BIN_EXE_nettutor");
        let line = format!("'{bin}' --lang en; echo EXIT=$?");
        self.tmux(&["send-keys", "-t", "main", "-l", &line]);
        self.tmux(&["send-keys", "-t", "main", "Enter"]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn sticky_lab_runs_in_a_real_terminal_and_esc_stops_a_long_lab() {
    let Some(t) = Tmux::start("sticky") else {
        return;
    };
    t.run_tutor();
    t.wait_for("Lessons", Duration::from_secs(10));
    t.send("6");
    t.wait_for("udp-boundaries", Duration::from_secs(5));
    t.send("r");
    let (screen, _) = t.wait_for("Finished in", Duration::from_secs(15));
    let send_row = screen
        .lines()
        .find(|l| l.contains("send() ×10"))
        .unwrap_or_else(|| panic!("{screen}"));
    let recv_row = screen
        .lines()
        .find(|l| l.contains("recv() ×"))
        .unwrap_or_else(|| panic!("{screen}"));
    let sends = send_row.chars().filter(|c| ['┌', '╷'].contains(c)).count();
    let recvs = recv_row.chars().filter(|c| ['└', '╵'].contains(c)).count();
    assert_eq!(sends, 10, "{screen}");
    assert!(
        recvs >= 1 && recvs < sends,
        "fewer reads than sends:\n{screen}"
    );

    // udp-loss (the sixth lab) runs for seconds; Esc stops it at once.
    for _ in 0..5 {
        t.send("Down");
    }
    t.send("r");
    t.wait_for("x/Esc stops", Duration::from_secs(5));
    t.send("Escape");
    let (screen, took) = t.wait_for("Stopped", Duration::from_secs(3));
    assert!(
        took < Duration::from_secs(1),
        "stop took {took:?}:\n{screen}"
    );
    t.send("q");
    t.wait_for("EXIT=0", Duration::from_secs(5));
}
