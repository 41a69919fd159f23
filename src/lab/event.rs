//! What a running lab tells the outside world: events through a [`LabSink`], and the
//! [`Cancel`] token through which the outside world stops it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

use serde::Serialize;

use super::{LabError, LabReport};

/// Which end of a two-program exercise a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Server,
    Client,
}

/// One thing that happened during a lab, in the order it happened. Rich enough to
/// draw each lab's live picture; every text meant for people is a `ui.toml` key
/// (plus arguments), so the picture follows the language toggle.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LabEvent {
    /// A sub-experiment begins (e.g. "now the same over TCP"); `key` names it.
    Phase { key: &'static str },
    /// The sender made its `index`-th send()/sendto() call with `len` bytes.
    Sent { index: u64, len: usize },
    /// The receiver's `index`-th recv() returned `len` bytes; `preview` is the start
    /// of those bytes with control characters escaped (`\n`, `\x00`).
    Received {
        index: u64,
        len: usize,
        preview: String,
    },
    /// Datagram number `seq` reached the receiver (`received`) or is known lost.
    Datagram { seq: u64, received: bool },
    /// `done` of `total` units (sends, bytes, milliseconds…) are finished.
    Progress { done: u64, total: u64 },
    /// A numbered step of a step-by-step lab (port-in-use) and how it went.
    Step {
        index: usize,
        name: &'static str,
        ok: bool,
        error: Option<String>,
    },
    /// A line of a two-pane exercise (chat, time): written by `side` (`sent`) or
    /// read by `side` (`!sent`).
    Line {
        side: Side,
        sent: bool,
        text: String,
    },
    /// One point of a live chart: `series` ("tcp", "udp") at `elapsed_ms`.
    Sample {
        series: &'static str,
        elapsed_ms: u64,
        value: f64,
    },
    /// Client `index` of a many-client lab (concurrency) reached `stage` at
    /// `at_ms` since the clients started.
    Client {
        index: usize,
        stage: super::concurrency::ClientStage,
        at_ms: f64,
    },
    /// A remark for the log pane: `key` with `{name}` arguments.
    Log {
        key: &'static str,
        args: Vec<(&'static str, String)>,
    },
    /// The lab ended with this report (sent by [`super::spawn_lab`]).
    Finished { report: Box<LabReport> },
    /// The lab ended with this error (sent by [`super::spawn_lab`]).
    Failed { error: String, cancelled: bool },
}

impl LabEvent {
    /// A log remark without arguments.
    pub fn log(key: &'static str) -> LabEvent {
        LabEvent::Log {
            key,
            args: Vec::new(),
        }
    }

    /// A log remark with `{name}` arguments.
    pub fn log_with(key: &'static str, args: &[(&'static str, String)]) -> LabEvent {
        LabEvent::Log {
            key,
            args: args.to_vec(),
        }
    }
}

/// Where a lab sends its events. The CLI uses an `mpsc::Sender<LabEvent>` (or
/// [`NullSink`]); the TUI wraps its own application channel.
pub trait LabSink: Send + Sync {
    fn event(&self, ev: LabEvent);
}

impl LabSink for Sender<LabEvent> {
    fn event(&self, ev: LabEvent) {
        // A receiver that went away (the panel was closed) is not the lab's problem.
        let _ = self.send(ev);
    }
}

/// A sink that drops every event (headless runs that only want the report).
#[derive(Debug, Clone, Copy, Default)]
pub struct NullSink;

impl LabSink for NullSink {
    fn event(&self, _ev: LabEvent) {}
}

impl<S: LabSink + ?Sized> LabSink for Arc<S> {
    fn event(&self, ev: LabEvent) {
        (**self).event(ev);
    }
}

/// A cancellation token shared between the lab and whoever started it. Cloning
/// shares the flag. Labs check it at every loop iteration and between blocking calls
/// (each of which has a short timeout), so a cancel takes effect within ~50 ms.
///
/// A lab makes [`Cancel::child`] tokens for its own threads: cancelling a child
/// (because one thread failed) stops its siblings without touching the parent.
#[derive(Debug, Clone)]
pub struct Cancel {
    /// Own flag last; the flags of all ancestors before it.
    flags: Vec<Arc<AtomicBool>>,
}

impl Default for Cancel {
    fn default() -> Cancel {
        Cancel::new()
    }
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel {
            flags: vec![Arc::new(AtomicBool::new(false))],
        }
    }

    /// Ask the lab to stop.
    pub fn cancel(&self) {
        if let Some(own) = self.flags.last() {
            own.store(true, Ordering::SeqCst);
        }
    }

    /// Whether this token or any ancestor was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.flags.iter().any(|flag| flag.load(Ordering::SeqCst))
    }

    /// `Err(Cancelled)` once cancelled: `cancel.check()?` in every loop.
    pub fn check(&self) -> Result<(), LabError> {
        if self.is_cancelled() {
            Err(LabError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// The token's own flag, to hand to code that sets an `AtomicBool` (e.g. a
    /// signal handler: `signal_hook::flag::register(SIGINT, cancel.flag())`).
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.flags
            .last()
            .map_or_else(|| Arc::new(AtomicBool::new(false)), Arc::clone)
    }

    /// A token cancelled by this one, that can also be cancelled on its own.
    pub fn child(&self) -> Cancel {
        let mut flags = self.flags.clone();
        flags.push(Arc::new(AtomicBool::new(false)));
        Cancel { flags }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_sees_parent_cancel_but_not_the_reverse() {
        let parent = Cancel::new();
        let child = parent.child();
        child.cancel();
        assert!(child.is_cancelled());
        assert!(!parent.is_cancelled());
        let other = parent.child();
        parent.cancel();
        assert!(other.is_cancelled());
        assert!(matches!(other.check(), Err(LabError::Cancelled)));
    }

    #[test]
    fn default_token_works_like_new() {
        let token = Cancel::default();
        assert!(!token.is_cancelled());
        token.cancel();
        assert!(token.is_cancelled());
    }
}
