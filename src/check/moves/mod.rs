//! The checker's adversarial moves, played against the student's program on
//! loopback. Each returns an [`Outcome`]: passed or not, and what was sent,
//! expected and received, in words the report prints.

mod stream;
mod tcp;
mod udp;

use std::net::SocketAddr;
use std::time::Duration;

use super::exercise::{Exercise, Move, Transport};
use super::log::Log;
use crate::i18n::{Lang, tf};

/// How long the checker waits for an answer before calling it missing.
pub const REPLY_WAIT: Duration = Duration::from_secs(1);

/// The student's program as the moves see it.
pub struct Peer<'a> {
    /// Always a loopback address (checked by the runner).
    pub server: SocketAddr,
    pub exercise: &'a Exercise,
    pub lang: Lang,
    pub log: &'a Log,
}

/// What one property's move found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub passed: bool,
    /// One sentence: what went wrong (empty when passed).
    pub detail: String,
    pub sent: String,
    pub expected: String,
    pub got: String,
}

impl Outcome {
    fn pass(sent: String, expected: String, got: String) -> Outcome {
        Outcome {
            passed: true,
            detail: String::new(),
            sent,
            expected,
            got,
        }
    }

    fn fail(detail: String, sent: String, expected: String, got: String) -> Outcome {
        Outcome {
            passed: false,
            detail,
            sent,
            expected,
            got,
        }
    }
}

impl Peer<'_> {
    fn say(&self, key: &str, args: &[(&str, &str)]) -> String {
        tf(self.lang, key, args)
    }

    fn client(&self, n: usize) -> String {
        self.say("check.client", &[("n", &n.to_string())])
    }

    fn wait_ms(&self) -> String {
        REPLY_WAIT.as_millis().to_string()
    }
}

/// Plays `action` against the program at `peer.server`.
pub fn play(peer: &Peer<'_>, action: &Move) -> Outcome {
    match peer.exercise.transport {
        Transport::Tcp => tcp::play(peer, action),
        Transport::Udp => udp::play(peer, action),
    }
}

/// A message of `size` bytes of printable ASCII with no line break.
pub fn large_text(size: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..size)
        .map(|i| char::from(ALPHABET[i % ALPHABET.len()]))
        .collect()
}
