//! A scenario as data: a list of [`Step`]s computed up front, so playing is moving a
//! cursor and every frame of the animation can be reproduced (and unit-tested).

use std::net::SocketAddr;
use std::time::Duration;

use pnet_packet::tcp::TcpFlags;
use serde::Serialize;

use super::state::{TcpState, Transition, flags_label};

/// Which end of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Side {
    /// The end that calls `connect()` (left lifeline).
    Client,
    /// The end that calls `listen()`/`accept()` (right lifeline).
    Server,
}

impl Side {
    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}

/// A value for each end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Ends<T> {
    pub client: T,
    pub server: T,
}

impl<T> Ends<T> {
    pub fn get(&self, side: Side) -> &T {
        match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        }
    }

    pub fn get_mut(&mut self, side: Side) -> &mut T {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }
}

/// One TCP segment with the header fields the lesson talks about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The end that sends it (the arrow's tail).
    pub from: Side,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    /// pnet `TcpFlags` bits.
    pub flags: u8,
    pub seq: u32,
    /// Acknowledgment number (0 when the ACK flag is not set).
    pub ack: u32,
    pub window: u16,
    /// The MSS option, carried by SYN and SYN+ACK.
    pub mss: Option<u16>,
    pub payload: Vec<u8>,
}

impl Segment {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// Payload length in bytes.
    pub fn len(&self) -> u32 {
        u32::try_from(self.payload.len()).unwrap_or(u32::MAX)
    }

    pub fn is_empty(&self) -> bool {
        self.payload.is_empty()
    }

    /// Sequence numbers the segment occupies: its payload, plus one each for SYN
    /// and FIN (RFC 9293 3.4: SEG.LEN counts SYN and FIN).
    pub fn seq_space(&self) -> u32 {
        self.len()
            .wrapping_add(u32::from(self.has(TcpFlags::SYN)))
            .wrapping_add(u32::from(self.has(TcpFlags::FIN)))
    }

    /// The sequence number the receiver acknowledges once it has this segment.
    pub fn next_seq(&self) -> u32 {
        self.seq.wrapping_add(self.seq_space())
    }

    /// `SYN,ACK seq=… ack=… len=… win=…` as on the arrow and in reports.
    pub fn summary(&self) -> String {
        let mut out = format!("{} seq={}", flags_label(self.flags), self.seq);
        if self.has(TcpFlags::ACK) {
            out.push_str(&format!(" ack={}", self.ack));
        }
        out.push_str(&format!(" len={} win={}", self.len(), self.window));
        if let Some(mss) = self.mss {
            out.push_str(&format!(" mss={mss}"));
        }
        out
    }
}

/// What happens to a segment on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Fate {
    /// It arrives and the receiver processes it.
    Delivered,
    /// The network loses it (the arrow stops half-way).
    Lost,
    /// It goes to a forged address where nobody answers.
    Unanswered,
    /// It arrives but the receiver discards it (e.g. its SYN queue is full).
    Dropped,
}

/// A segment on the wire during one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flight {
    pub segment: Segment,
    pub fate: Fate,
    /// Time the segment leaves its sender, from the start of the scenario.
    pub at: Duration,
    /// The frame's bytes as captured (real mode); simulated segments are built on
    /// demand with `crate::net::frame` instead.
    #[serde(skip)]
    pub captured: Option<Vec<u8>>,
}

/// When a transition happens inside a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Moment {
    /// As the step begins (an application call, a timer, a reply being sent).
    Send,
    /// When the step's segment arrives.
    Arrive,
}

/// A transition one end takes during a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Taken {
    pub side: Side,
    pub moment: Moment,
    pub transition: Transition,
}

/// The two kernel queues of a listening socket (the SYN flood scenario shows
/// them), each connection by its client's address, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Queues {
    /// `listen(fd, backlog)`.
    pub backlog: usize,
    /// `net.core.somaxconn`, the kernel's cap on any backlog.
    pub somaxconn: usize,
    /// Half-open connections in SYN-RECEIVED (半连接队列): SYN+ACK sent, the
    /// client's ACK not yet in.
    pub syn_queue: Vec<SocketAddr>,
    /// Completed connections not yet taken by `accept()` (全连接队列).
    pub accept_queue: Vec<SocketAddr>,
}

impl Queues {
    /// How many entries each queue holds: min(backlog, somaxconn). The accept
    /// queue is bounded by it, and since Linux 4.4 the SYN queue counts as full
    /// at the same number (then SYN cookies start, or new SYNs are dropped).
    pub fn limit(&self) -> usize {
        self.backlog.min(self.somaxconn)
    }
}

/// One step of the animation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Scenario time when the step begins.
    pub at: Duration,
    /// Key of the bilingual caption in `ui.toml` (`hs.cap.…`). Placeholders
    /// `{seq}`, `{ack}`, `{len}`, `{next}` are filled from the first segment.
    pub caption: &'static str,
    /// Both ends' states once the step's sending-side transitions are taken.
    pub on_send: Ends<TcpState>,
    /// Both ends' states at the end of the step.
    pub after: Ends<TcpState>,
    /// Segments on the wire (two when they cross, as in a simultaneous close).
    pub flights: Vec<Flight>,
    pub transitions: Vec<Taken>,
    pub queues: Option<Queues>,
    /// Key of a short label (`hs.note.…`) for a step without a segment, drawn
    /// between the lifelines (e.g. `bind(:8080) → EADDRINUSE`).
    pub note: Option<&'static str>,
}

impl Step {
    /// Both ends' states while the segments fly (`arrived = false`) or after.
    pub fn states(&self, arrived: bool) -> Ends<TcpState> {
        if arrived { self.after } else { self.on_send }
    }

    /// Values for the caption's placeholders.
    pub fn caption_args(&self) -> Vec<(&'static str, String)> {
        match self.flights.first() {
            Some(flight) => {
                let s = &flight.segment;
                vec![
                    ("seq", s.seq.to_string()),
                    ("ack", s.ack.to_string()),
                    ("len", s.len().to_string()),
                    ("next", s.next_seq().to_string()),
                ]
            }
            None => Vec::new(),
        }
    }
}

/// Where an end lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub addr: SocketAddr,
    pub mac: [u8; 6],
}

/// A whole scenario, simulated or captured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The scenario's name (`normal`, …) or `real`.
    pub name: String,
    pub client: Endpoint,
    pub server: Endpoint,
    /// Both ends' states before the first step.
    pub initial: Ends<TcpState>,
    pub steps: Vec<Step>,
}

impl Timeline {
    /// Both ends' states once step `index` has completed (`None`: before step 0).
    pub fn states_after(&self, index: Option<usize>) -> Ends<TcpState> {
        index
            .and_then(|i| self.steps.get(i))
            .map_or(self.initial, |step| step.after)
    }

    /// Every transition taken up to and including step `index`, in order.
    pub fn transitions_through(&self, index: usize) -> impl Iterator<Item = &Taken> {
        self.steps
            .iter()
            .take(index.saturating_add(1))
            .flat_map(|step| step.transitions.iter())
    }

    /// Every segment in order of sending, with its step index.
    pub fn flights(&self) -> impl Iterator<Item = (usize, &Flight)> {
        self.steps
            .iter()
            .enumerate()
            .flat_map(|(i, step)| step.flights.iter().map(move |f| (i, f)))
    }
}
