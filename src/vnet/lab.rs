//! The tutor's side: [`Lab`] starts the lab process (this same binary with the
//! hidden `__vnet` subcommand), sends it requests and waits — time-bound — for
//! its replies. Dropping a `Lab` kills and reaps the process; its namespaces
//! go with it.
//!
//! `PR_SET_PDEATHSIG` fires when the *thread* that started the child ends:
//! start a `Lab` from a thread that outlives it (the main thread, or the
//! panel's worker for the whole session).

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::VnetError;
use super::capture::Frame;
use super::child::PARENT_ENV;
use super::proto::{Outcome, Params, Reply, Request};
use super::tcpinfo::Sample;
use super::watch::KernelEvent;

/// The hidden subcommand that runs [`super::child::serve`].
pub const SUBCOMMAND: &str = "__vnet";
/// Entering the user namespace takes milliseconds; a loaded machine, more.
const READY_TIMEOUT: Duration = Duration::from_secs(20);
/// The longest experiment (tcp-loss at 20 % loss) takes a few seconds.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
/// How often [`Lab::run_until`] asks whether to stop.
const STOP_POLL: Duration = Duration::from_millis(50);

/// What arrives while an experiment runs (see [`Lab::run_watching`]).
#[derive(Debug, Clone, Copy)]
pub enum Live<'a> {
    /// A change of kernel state ([`Reply::Event`]).
    Event(&'a KernelEvent),
    /// Frames just captured ([`Reply::Frames`]), in the order read.
    Frames(&'a [Frame]),
    /// `TCP_INFO` rows just sampled ([`Reply::Samples`]), oldest first.
    Samples(&'a [Sample]),
}

/// A running lab process.
pub struct Lab {
    child: Child,
    stdin: Option<ChildStdin>,
    replies: Receiver<String>,
    reader: Option<JoinHandle<()>>,
    /// From spawning the process to its "ready" (user namespace entered).
    pub started_in: Duration,
}

/// The executable [`Lab::start`] runs instead of this program's own (see
/// [`use_executable`]).
static EXECUTABLE: OnceLock<PathBuf> = OnceLock::new();

/// Makes [`Lab::start`] run `exe __vnet`: for a test harness that runs labs
/// in-process (its own executable is not nettutor). The first call wins.
pub fn use_executable(exe: &Path) {
    let _ = EXECUTABLE.set(exe.to_path_buf());
}

impl Lab {
    /// Starts the lab process from this program's own executable (or the one
    /// given to [`use_executable`]).
    pub fn start() -> Result<Lab, VnetError> {
        if let Some(exe) = EXECUTABLE.get() {
            return Lab::start_from(exe);
        }
        let exe = std::env::current_exe().map_err(|source| VnetError::Kernel {
            what: "own executable",
            source,
        })?;
        Lab::start_from(&exe)
    }

    /// Starts `exe __vnet` (tests pass the built binary).
    pub fn start_from(exe: &Path) -> Result<Lab, VnetError> {
        let begun = Instant::now();
        let mut child = Command::new(exe)
            .arg(SUBCOMMAND)
            .env(PARENT_ENV, std::process::id().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|source| VnetError::Kernel {
                what: "start the lab process",
                source,
            })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let (tx, replies) = mpsc::channel();
        let reader = stdout.map(|out| {
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            })
        });
        let mut lab = Lab {
            child,
            stdin,
            replies,
            reader,
            started_in: Duration::ZERO,
        };
        match lab.reply(READY_TIMEOUT)? {
            Reply::Ready => {}
            Reply::Refused { remedy, errno } => {
                return Err(VnetError::NoUserNamespaces { remedy, errno });
            }
            Reply::Failed { message } => return Err(VnetError::Child(message)),
            Reply::Outcome(_)
            | Reply::Event(_)
            | Reply::Frames { .. }
            | Reply::Samples { .. }
            | Reply::Held { .. }
            | Reply::Released { .. } => {
                return Err(VnetError::Child("unexpected reply before ready".into()));
            }
        }
        lab.started_in = begun.elapsed();
        Ok(lab)
    }

    fn send(&mut self, request: &Request) -> Result<(), VnetError> {
        let line = serde_json::to_string(request).map_err(|e| VnetError::Child(e.to_string()))?;
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| VnetError::Child("the lab process is closed".into()))?;
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .map_err(|source| VnetError::Kernel {
                what: "talk to the lab process",
                source,
            })
    }

    fn reply(&mut self, timeout: Duration) -> Result<Reply, VnetError> {
        match self.replies.recv_timeout(timeout) {
            Ok(line) => {
                serde_json::from_str(&line).map_err(|e| VnetError::Child(format!("bad reply: {e}")))
            }
            Err(RecvTimeoutError::Timeout) => Err(VnetError::Timeout),
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.wait().ok().map(|s| s.to_string());
                Err(VnetError::Child(format!(
                    "the lab process ended ({})",
                    status.unwrap_or_default()
                )))
            }
        }
    }

    /// Runs one experiment on a fresh network and returns what it observed.
    pub fn run(&mut self, experiment: &str) -> Result<Outcome, VnetError> {
        self.run_with(experiment, Params::default())
    }

    /// Runs one experiment with its knobs set (`tcp-loss`'s loss and seed).
    pub fn run_with(&mut self, experiment: &str, params: Params) -> Result<Outcome, VnetError> {
        self.run_watching(experiment, params, |_| {})
    }

    /// [`Lab::run_with`], handing each kernel change and each batch of
    /// captured frames to `on_live` the moment it arrives (the LAN panel shows
    /// them as they happen); the outcome carries them all too.
    pub fn run_watching(
        &mut self,
        experiment: &str,
        params: Params,
        on_live: impl FnMut(Live<'_>),
    ) -> Result<Outcome, VnetError> {
        self.run_until(experiment, params, on_live, &|| false)?
            .ok_or(VnetError::Timeout)
    }

    /// [`Lab::run_watching`], asking `stop` every poll while the experiment
    /// runs: `Ok(None)` when it said stop (drop the `Lab` then: that kills
    /// the process and its network).
    pub fn run_until(
        &mut self,
        experiment: &str,
        params: Params,
        mut on_live: impl FnMut(Live<'_>),
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<Outcome>, VnetError> {
        self.send(&Request::Run {
            experiment: experiment.to_string(),
            params,
        })?;
        let deadline = Instant::now() + RUN_TIMEOUT;
        let mut events = Vec::new();
        loop {
            if stop() {
                return Ok(None);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.reply(left.min(STOP_POLL)) {
                Ok(Reply::Event(event)) => {
                    on_live(Live::Event(&event));
                    events.push(*event);
                }
                Ok(Reply::Frames { frames }) => on_live(Live::Frames(&frames)),
                Ok(Reply::Samples { samples }) => on_live(Live::Samples(&samples)),
                Ok(Reply::Outcome(outcome)) => {
                    let mut outcome = *outcome;
                    outcome.events = events;
                    return Ok(Some(outcome));
                }
                Ok(Reply::Failed { message }) => return Err(VnetError::Child(message)),
                Ok(other) => {
                    return Err(VnetError::Child(format!("unexpected reply {other:?}")));
                }
                Err(VnetError::Timeout) if Instant::now() < deadline => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The lab process's pid (a test checks it is gone afterwards).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks the lab process to end and waits for it; returns how long it took
    /// (the namespaces are freed when it exits).
    pub fn shutdown(mut self) -> Result<Duration, VnetError> {
        let begun = Instant::now();
        let _ = self.send(&Request::Shutdown);
        self.stdin = None;
        let deadline = begun + READY_TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        Ok(begun.elapsed())
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.stdin = None;
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}
