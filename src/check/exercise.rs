//! The validated exercise model (`check::parse` turns raw files into it).
//!
//! An exercise is a protocol (transport, framing, how the right answer follows
//! from a request) plus named properties, each one of the checker's fixed
//! adversarial moves with its parameters.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::i18n::Text;

pub use super::parse::{Known, parse_exercise};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Tcp,
    Udp,
}

/// How messages are cut out of the byte stream (or carried by datagrams).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// A 4-byte big-endian length, then that many bytes.
    LengthPrefixed,
    /// Text ending with `\n`.
    Line,
    /// One message per UDP datagram.
    Datagram,
    /// One request per TCP connection: the client ends it by shutting down its
    /// sending side (FIN), the server ends its answer by closing.
    UntilClose,
}

/// How the right answer follows from a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reply {
    /// The same text, upper-cased.
    Upper,
    /// `echo: ` and the line.
    EchoLine,
    /// The request is a strftime format; the answer is the current local time in it.
    Strftime,
    /// The request is a Unix timestamp (seconds, decimals allowed); the answer is
    /// that moment in local time as `%Y-%m-%d %H:%M:%S`.
    LocalTime,
}

/// The checker's fixed set of adversarial moves, with their parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// Each message in its own write, each answered before the next.
    Exchange { messages: Vec<String> },
    /// The messages' bytes in pieces of `piece` bytes, `pause` apart.
    Pieces {
        messages: Vec<String>,
        piece: usize,
        pause: Duration,
    },
    /// All messages glued into one write.
    Glue { messages: Vec<String> },
    /// One message of `size` bytes (over UDP: one datagram).
    Large { size: usize },
    /// Send the messages, then shut down our sending side: the answers still come,
    /// then the server closes.
    HalfClose { messages: Vec<String> },
    /// Send the first `cut` bytes of a message, then reset (SO_LINGER 0); a new
    /// client is then served.
    Reset { message: String, cut: usize },
    /// Send the first `cut` bytes of a message, then go silent with the connection
    /// open; a second client is served meanwhile.
    Vanish { message: String, cut: usize },
    /// `clients` connect first, then each sends; all answered within `within`.
    ClientsAtOnce {
        clients: usize,
        messages: Vec<String>,
        within: Duration,
    },
    /// `clients` one after another, each leaving before the next connects.
    OneAfterAnother {
        clients: usize,
        messages: Vec<String>,
    },
    /// Send the messages, then `word`: the server answers, then closes.
    Goodbye { messages: Vec<String>, word: String },
    /// A request that is not UTF-8; the server then still answers the probe.
    BadUtf8,
    /// A datagram of `size` bytes; the server then still answers the probe.
    Oversize { size: usize },
    /// Two sockets send in turn; each gets its own answer.
    SecondAddress { messages: Vec<String> },
    /// Connect, send nothing, leave; the server then still answers the probe.
    Nothing,
    /// A request an evaluating server would compute into `marker`; the answer must
    /// not contain it.
    EvalMarker { expression: String, marker: String },
    /// `count` requests in a row, all answered.
    Repeat { count: usize, messages: Vec<String> },
    /// Requests a careless parser chokes on (each from a fresh client; any answer,
    /// or none, will do); the server then still answers the probe.
    OddRequests { messages: Vec<String> },
}

/// The move names as written in exercise files.
pub const MOVES: &[&str] = &[
    "exchange",
    "pieces",
    "glue",
    "large",
    "half-close",
    "reset",
    "vanish",
    "clients-at-once",
    "one-after-another",
    "goodbye",
    "bad-utf8",
    "oversize",
    "second-address",
    "nothing",
    "eval-marker",
    "repeat",
    "odd-requests",
];

/// One named property of an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub name: String,
    pub action: Move,
    /// Counted in the verdict without `--strict`.
    pub required: bool,
    pub concept: String,
    pub lesson: String,
    pub about: Text,
    pub hint: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub id: String,
    pub order: i64,
    pub transport: Transport,
    pub framing: Framing,
    pub reply: Reply,
    pub lesson: String,
    pub probe: String,
    pub example: Option<String>,
    pub title: Text,
    pub protocol: Text,
    pub properties: Vec<Property>,
    pub file: String,
}

impl Exercise {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}
