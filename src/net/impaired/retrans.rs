//! Retransmissions read from a capture on the sender's side of one TCP
//! connection (every segment the sender sent, every segment it received).
//!
//! - A **retransmission** is a segment of the sender that starts below the
//!   highest sequence number it had sent (SYN and FIN count one each).
//! - A **duplicate ACK** (RFC 5681, 2): from the receiver, no data, no SYN,
//!   FIN or RST, the same acknowledgment number and window as the previous
//!   ACK, while data is outstanding.
//! - A retransmission starts a **recovery episode** unless one is running; an
//!   episode lasts until the cumulative ACK passes what was sent when it began
//!   (RFC 6582's recovery point). Its kind is decided by its first
//!   retransmission, and every retransmission in it has that kind:
//!   - `timeout` — the sender heard nothing for at least the minimum RTO
//!     (Linux: 200 ms) since the receiver's last segment and this segment's
//!     previous transmission: the retransmission timer fired. A timeout always
//!     starts a new episode (the kernel's loss state).
//!   - `fast` — after three or more duplicate ACKs (fast retransmit).
//!   - `early` — neither: fewer than three duplicate ACKs and no timeout —
//!     Linux's RACK reordering timer or a tail-loss probe (RFC 8985).

use serde::Serialize;

/// One TCP segment of the connection as captured at the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub ts_ns: u64,
    /// Sent by the sender (else received from the receiver).
    pub from_sender: bool,
    pub seq: u32,
    pub ack: u32,
    /// TCP flags as on the wire (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10).
    pub flags: u8,
    /// Payload bytes.
    pub len: u32,
    /// The advertised window field, unscaled.
    pub window: u16,
}

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const ACK: u8 = 0x10;

impl Segment {
    /// Sequence space the segment occupies (payload, plus one for SYN and FIN).
    pub fn seq_len(&self) -> u64 {
        u64::from(self.len) + u64::from(self.flags & SYN != 0) + u64::from(self.flags & FIN != 0)
    }

    fn is_pure_ack(&self) -> bool {
        self.flags & ACK != 0 && self.len == 0 && self.flags & (SYN | FIN | RST) == 0
    }
}

/// How a retransmission came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Timeout,
    Fast,
    Early,
}

/// One retransmitted segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retransmission {
    pub ts_ns: u64,
    /// Relative to the sender's initial sequence number (the SYN is 0).
    pub seq: u64,
    pub len: u32,
    pub kind: Kind,
    /// Duplicate ACKs in a row the sender had received for the current ACK.
    pub dup_acks: u32,
    /// How long the sender had heard nothing (see the module's comment), µs.
    pub silence_us: u64,
}

/// One recovery episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Episode {
    pub kind: Kind,
    pub start_ns: u64,
    /// Retransmissions in it (the first included).
    pub retransmissions: u32,
}

/// What the capture shows about the connection's recovery.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// Segments the sender sent that occupy sequence space (first sends and resends).
    pub segments_sent: u32,
    pub retransmissions: Vec<Retransmission>,
    pub duplicate_acks: u32,
    pub timeouts: u32,
    pub fast: u32,
    pub early: u32,
    /// The recovery episodes, oldest first: each begins with a retransmission
    /// (a timeout that fires, three duplicate ACKs, or an early resend).
    pub episodes: Vec<Episode>,
    /// Highest sequence number acknowledged, relative (SYN is 0).
    pub acked: u64,
}

/// The sender's state as the capture reveals it.
#[derive(Default)]
struct Tracker {
    isn: Option<u32>,
    /// One past the highest sequence number sent, relative.
    high: u64,
    last_ack: Option<u64>,
    last_window: u16,
    dup_acks: u32,
    last_heard_ns: Option<u64>,
    /// When each starting sequence number was last sent.
    sent_at: std::collections::HashMap<u64, u64>,
    /// The running episode: its kind and recovery point.
    episode: Option<(Kind, u64)>,
}

impl Tracker {
    fn relative(&self, n: u32) -> u64 {
        u64::from(n.wrapping_sub(self.isn.unwrap_or(n)))
    }
}

/// Classifies the retransmissions of one connection, segments oldest first.
/// `min_rto_ns`: the shortest retransmission timeout (Linux's `TCP_RTO_MIN`,
/// 200 ms).
pub fn classify(segments: &[Segment], min_rto_ns: u64) -> Analysis {
    let mut t = Tracker::default();
    let mut out = Analysis::default();
    for s in segments {
        if s.from_sender {
            if t.isn.is_none() {
                t.isn = Some(s.seq);
            }
            if s.seq_len() == 0 {
                continue;
            }
            out.segments_sent += 1;
            let seq = t.relative(s.seq);
            let end = seq + s.seq_len();
            if seq < t.high {
                let previous = t.sent_at.get(&seq).copied();
                let since = [t.last_heard_ns, previous]
                    .into_iter()
                    .flatten()
                    .max()
                    .unwrap_or(s.ts_ns);
                let silence = s.ts_ns.saturating_sub(since);
                let begins = match t.episode {
                    _ if silence >= min_rto_ns => Some(Kind::Timeout),
                    Some(_) => None,
                    None if t.dup_acks >= 3 => Some(Kind::Fast),
                    None => Some(Kind::Early),
                };
                if let Some(kind) = begins {
                    t.episode = Some((kind, t.high));
                    out.episodes.push(Episode {
                        kind,
                        start_ns: s.ts_ns,
                        retransmissions: 0,
                    });
                }
                let kind = t.episode.map_or(Kind::Early, |(kind, _)| kind);
                if let Some(e) = out.episodes.last_mut() {
                    e.retransmissions += 1;
                }
                match kind {
                    Kind::Timeout => out.timeouts += 1,
                    Kind::Fast => out.fast += 1,
                    Kind::Early => out.early += 1,
                }
                out.retransmissions.push(Retransmission {
                    ts_ns: s.ts_ns,
                    seq,
                    len: s.len,
                    kind,
                    dup_acks: t.dup_acks,
                    silence_us: silence / 1000,
                });
            }
            t.sent_at.insert(seq, s.ts_ns);
            t.high = t.high.max(end);
        } else {
            t.last_heard_ns = Some(s.ts_ns);
            if s.flags & ACK == 0 || t.isn.is_none() {
                continue;
            }
            let ack = t.relative(s.ack);
            match t.last_ack {
                Some(last) if ack > last => {
                    t.dup_acks = 0;
                    t.last_ack = Some(ack);
                }
                Some(last)
                    if ack == last
                        && s.is_pure_ack()
                        && s.window == t.last_window
                        && t.high > ack =>
                {
                    t.dup_acks += 1;
                    out.duplicate_acks += 1;
                }
                Some(_) => {}
                None => t.last_ack = Some(ack),
            }
            t.last_window = s.window;
            out.acked = out.acked.max(ack);
            if t.episode.is_some_and(|(_, point)| ack >= point) {
                t.episode = None;
            }
        }
    }
    out
}
