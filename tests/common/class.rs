//! A class in tests: the quiz the binary builds for a seed, well-formed wrong
//! answers, a headless `class host` as a child (its `listening` line and its
//! JSON events as they come) and `class join --plain` students, every wait
//! bounded.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use nettutor::lesson::question::letter;
use nettutor::lesson::{LessonSet, Question, QuestionKind};
use nettutor::quiz::session::{QuizSpec, build};

use super::run::BIN;

/// The questions the binary builds for `--topic topics --count count --seed seed`.
pub fn quiz(topics: &str, count: usize, seed: u64) -> Vec<Question> {
    let set = LessonSet::embedded().unwrap();
    let topics = nettutor::quiz::parse_topics(&[topics.to_string()]).unwrap();
    build(
        &QuizSpec {
            topics,
            count,
            seed,
        },
        &set.questions,
        &[],
    )
}

/// A well-formed wrong answer, where the question has an obvious one.
pub fn wrong(q: &Question) -> Option<String> {
    match &q.kind {
        QuestionKind::Choice { options, correct } => (0..options.len())
            .find(|i| i != correct)
            .map(|i| letter(i).to_string()),
        QuestionKind::TrueFalse { correct } => Some((!correct).to_string()),
        QuestionKind::Order { .. } | QuestionKind::FillIn { .. } => None,
    }
}

fn command(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("NETTUTOR_HOME", home)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    cmd
}

/// A headless host running as a child.
pub struct HostProc {
    pub child: Child,
    pub addr: String,
    pub code: String,
    lines: Receiver<String>,
    /// Every stdout line so far (after `listening`).
    pub seen: Vec<String>,
}

impl HostProc {
    /// `nettutor class host --headless ARGS` in `home`; waits (≤ 20 s) for its
    /// `listening ADDR:PORT code CODE` line.
    pub fn start(home: &Path, args: &[&str]) -> HostProc {
        let mut all = vec!["class", "host", "--headless", "--lang", "en"];
        all.extend_from_slice(args);
        let mut child = command(home, &all)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("the host printed no 'listening' line");
        let words: Vec<&str> = first.split(' ').collect();
        assert!(
            words.len() == 4 && words[0] == "listening" && words[2] == "code",
            "{first}"
        );
        HostProc {
            addr: words[1].to_string(),
            code: words[3].to_string(),
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next stdout line within `limit` (None at its end or the limit).
    pub fn line(&mut self, limit: Duration) -> Option<String> {
        let line = self.lines.recv_timeout(limit).ok()?;
        self.seen.push(line.clone());
        Some(line)
    }

    /// Lines until one contains `text` (panics after `limit`); that line.
    pub fn wait_for(&mut self, text: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.line(left) {
                Some(line) if line.contains(text) => return line,
                Some(_) => {}
                None => panic!(
                    "no host line with {text:?} within {limit:?}; so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Waits (≤ `limit`) for the host to exit; all its remaining lines.
    pub fn finish(mut self, limit: Duration) -> Vec<String> {
        let deadline = Instant::now() + limit;
        while let Some(_line) = self.line(deadline.saturating_duration_since(Instant::now())) {}
        let status = wait_bounded(&mut self.child, deadline);
        assert!(status.is_some_and(|s| s.success()), "host: {status:?}");
        std::mem::take(&mut self.seen)
    }
}

impl Drop for HostProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for `child` until `deadline`; kills it after that (None).
pub fn wait_bounded(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `class join --plain` student as a child with `input` on stdin.
pub struct Student {
    child: Child,
    out: std::thread::JoinHandle<String>,
}

impl Student {
    pub fn join(home: &Path, host: &HostProc, name: &str, input: &str) -> Student {
        let mut child = command(
            home,
            &[
                "class", "join", &host.addr, "--code", &host.code, "--name", name, "--plain",
                "--lang", "en",
            ],
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.as_bytes().to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let mut stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            let mut e = String::new();
            let _ = stderr.read_to_string(&mut e);
            if !e.is_empty() {
                s.push_str("\n[stderr]\n");
                s.push_str(&e);
            }
            s
        });
        Student { child, out }
    }

    /// Exit code (-1 when killed at the deadline) and output.
    pub fn finish(mut self, deadline: Instant) -> (i32, String) {
        let status = wait_bounded(&mut self.child, deadline);
        let out = self.out.join().unwrap();
        (status.and_then(|s| s.code()).unwrap_or(-1), out)
    }
}
