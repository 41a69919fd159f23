//! The byte log of one property: what the checker sent and received, on which
//! of its connections, and when. It is the evidence when no capture is possible,
//! and the report's readable account either way.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::wire::quoted;

/// What happened on one of the checker's sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogKind {
    Connected,
    Sent,
    Received,
    /// We shut down our sending side (FIN).
    HalfClosed,
    /// We closed the socket.
    Closed,
    /// We reset the connection (SO_LINGER 0).
    Reset,
    /// The server closed the connection (end of stream).
    PeerClosed,
    /// The server reset the connection.
    PeerReset,
}

/// One line of the byte log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Microseconds since the property started.
    pub at_us: u64,
    /// The checker's client number (1, 2, …).
    pub client: usize,
    pub kind: LogKind,
    /// How many bytes were sent or received.
    pub len: usize,
    /// The first bytes, as a quoted string.
    pub preview: String,
}

/// Keeps at most this many entries (a 100-request property has ~200).
const MAX_ENTRIES: usize = 2_000;

#[derive(Debug)]
pub struct Log {
    start: Instant,
    entries: Mutex<Vec<LogEntry>>,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            start: Instant::now(),
            entries: Mutex::new(Vec::new()),
        }
    }
}

impl Log {
    pub fn note(&self, client: usize, kind: LogKind, bytes: &[u8]) {
        let at_us = u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX);
        let preview = if bytes.is_empty() {
            String::new()
        } else {
            quoted(bytes)
        };
        if let Ok(mut entries) = self.entries.lock()
            && entries.len() < MAX_ENTRIES
        {
            entries.push(LogEntry {
                at_us,
                client,
                kind,
                len: bytes.len(),
                preview,
            });
        }
    }

    pub fn into_entries(self) -> Vec<LogEntry> {
        self.entries.into_inner().unwrap_or_default()
    }
}

/// The log as a text file: one line per event.
pub fn log_text(entries: &[LogEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        let what = match e.kind {
            LogKind::Connected => "connected",
            LogKind::Sent => "sent",
            LogKind::Received => "received",
            LogKind::HalfClosed => "shut down its sending side (FIN)",
            LogKind::Closed => "closed",
            LogKind::Reset => "reset the connection (RST)",
            LogKind::PeerClosed => "saw the server close (end of stream)",
            LogKind::PeerReset => "saw the server reset the connection",
        };
        let _ = write!(
            out,
            "{:>10.6}s  client {}  {what}",
            e.at_us as f64 / 1e6,
            e.client
        );
        if matches!(e.kind, LogKind::Sent | LogKind::Received) {
            let _ = write!(out, " {} bytes: {}", e.len, e.preview);
        }
        out.push('\n');
    }
    out
}
