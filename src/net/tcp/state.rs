//! The TCP connection state machine of RFC 9293 (section 3.3.2, figure 5).
//!
//! [`TcpState::next`] answers "in state S, after event E, which state follows and
//! what does this end send?"; an event the diagram does not allow is an
//! [`InvalidTransition`] error, never a panic. The same table drives the scenarios,
//! the state-machine view and the quiz's "next state" questions.

use std::fmt;

use pnet_packet::tcp::TcpFlags;
use serde::{Deserialize, Serialize};

/// A connection state, named as in RFC 9293.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TcpState {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

impl TcpState {
    /// Every state, in the order of RFC 9293's list.
    pub const ALL: [TcpState; 11] = [
        TcpState::Closed,
        TcpState::Listen,
        TcpState::SynSent,
        TcpState::SynReceived,
        TcpState::Established,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::CloseWait,
        TcpState::Closing,
        TcpState::LastAck,
        TcpState::TimeWait,
    ];

    /// The RFC 9293 name, e.g. `SYN-SENT`.
    pub fn name(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynReceived => "SYN-RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST-ACK",
            TcpState::TimeWait => "TIME-WAIT",
        }
    }

    /// Parse an RFC name; `_` and `-` are interchangeable (`ss` prints `SYN_SENT`,
    /// `TIME_WAIT`) and `SYN-RCVD` is accepted as in the RFC's diagram.
    pub fn from_name(name: &str) -> Option<TcpState> {
        let wanted = name.trim().to_ascii_uppercase().replace('_', "-");
        let wanted = if wanted == "SYN-RCVD" || wanted == "SYN-RECV" {
            "SYN-RECEIVED".to_string()
        } else {
            wanted
        };
        TcpState::ALL.into_iter().find(|s| s.name() == wanted)
    }

    /// Whether both ends have exchanged SYNs ("synchronized states" in the RFC).
    pub fn is_synchronized(self) -> bool {
        !matches!(
            self,
            TcpState::Closed | TcpState::Listen | TcpState::SynSent | TcpState::SynReceived
        )
    }

    /// The state this end enters after `event`, and what it sends.
    pub fn next(self, event: TcpEvent) -> Result<Transition, InvalidTransition> {
        use SegmentKind as K;
        use TcpEvent as E;
        use TcpState as S;
        let (to, send) = match (self, event) {
            // CLOSED: no connection; anything but a RST is answered with a RST.
            (S::Closed, E::PassiveOpen) => (S::Listen, None),
            (S::Closed, E::ActiveOpen) => (S::SynSent, Some(K::Syn)),
            (S::Closed, E::RcvSyn) => (S::Closed, Some(K::RstAck)),
            (S::Closed, E::RcvSynAck | E::RcvAck | E::RcvData | E::RcvFin | E::RcvFinAck) => {
                (S::Closed, Some(K::Rst))
            }
            (S::Closed, E::RcvRst) => (S::Closed, None),

            (S::Listen, E::RcvSyn) => (S::SynReceived, Some(K::SynAck)),
            (S::Listen, E::Send) => (S::SynSent, Some(K::Syn)),
            (S::Listen, E::Close) => (S::Closed, None),
            (S::Listen, E::RcvRst) => (S::Listen, None),
            // Any acknowledgment reaching a listener is bad: it answers with RST.
            (S::Listen, E::RcvSynAck | E::RcvAck | E::RcvData | E::RcvFin | E::RcvFinAck) => {
                (S::Listen, Some(K::Rst))
            }

            (S::SynSent, E::RcvSynAck) => (S::Established, Some(K::Ack)),
            (S::SynSent, E::RcvSyn) => (S::SynReceived, Some(K::SynAck)),
            (S::SynSent, E::RcvRst) => (S::Closed, None),
            (S::SynSent, E::Close) => (S::Closed, None),
            (S::SynSent, E::RetransmissionTimeout) => (S::SynSent, Some(K::Syn)),

            (S::SynReceived, E::RcvAck) => (S::Established, None),
            (S::SynReceived, E::RcvData) => (S::Established, Some(K::Ack)),
            (S::SynReceived, E::Close | E::ShutdownWrite) => (S::FinWait1, Some(K::Fin)),
            (S::SynReceived, E::RcvFin | E::RcvFinAck) => (S::CloseWait, Some(K::Ack)),
            // A connection that came from LISTEN goes back there (RFC 9293 3.10.7.4).
            (S::SynReceived, E::RcvRst) => (S::Listen, None),
            (S::SynReceived, E::RetransmissionTimeout) => (S::SynReceived, Some(K::SynAck)),

            (S::Established, E::Send) => (S::Established, Some(K::Data)),
            (S::Established, E::RcvData) => (S::Established, Some(K::Ack)),
            (S::Established, E::RcvAck) => (S::Established, None),
            (S::Established, E::Close | E::ShutdownWrite) => (S::FinWait1, Some(K::Fin)),
            (S::Established, E::RcvFin | E::RcvFinAck) => (S::CloseWait, Some(K::Ack)),
            (S::Established, E::RcvRst) => (S::Closed, None),
            (S::Established, E::RetransmissionTimeout) => (S::Established, Some(K::Data)),

            (S::FinWait1, E::RcvAck) => (S::FinWait2, None),
            (S::FinWait1, E::RcvFin) => (S::Closing, Some(K::Ack)),
            (S::FinWait1, E::RcvFinAck) => (S::TimeWait, Some(K::Ack)),
            (S::FinWait1, E::RcvData) => (S::FinWait1, Some(K::Ack)),
            (S::FinWait1, E::RcvRst) => (S::Closed, None),
            (S::FinWait1, E::RetransmissionTimeout) => (S::FinWait1, Some(K::Fin)),

            (S::FinWait2, E::RcvFin | E::RcvFinAck) => (S::TimeWait, Some(K::Ack)),
            (S::FinWait2, E::RcvData) => (S::FinWait2, Some(K::Ack)),
            (S::FinWait2, E::RcvAck) => (S::FinWait2, None),
            (S::FinWait2, E::RcvRst) => (S::Closed, None),

            // The passive closer may go on sending (half close) until it closes.
            (S::CloseWait, E::Send) => (S::CloseWait, Some(K::Data)),
            (S::CloseWait, E::RcvAck) => (S::CloseWait, None),
            (S::CloseWait, E::Close | E::ShutdownWrite) => (S::LastAck, Some(K::Fin)),
            (S::CloseWait, E::RcvFin | E::RcvFinAck) => (S::CloseWait, Some(K::Ack)),
            (S::CloseWait, E::RcvRst) => (S::Closed, None),
            (S::CloseWait, E::RetransmissionTimeout) => (S::CloseWait, Some(K::Data)),

            (S::Closing, E::RcvAck) => (S::TimeWait, None),
            (S::Closing, E::RcvRst) => (S::Closed, None),
            (S::Closing, E::RetransmissionTimeout) => (S::Closing, Some(K::Fin)),

            (S::LastAck, E::RcvAck) => (S::Closed, None),
            (S::LastAck, E::RcvFin | E::RcvFinAck) => (S::LastAck, Some(K::Ack)),
            (S::LastAck, E::RcvRst) => (S::Closed, None),
            (S::LastAck, E::RetransmissionTimeout) => (S::LastAck, Some(K::Fin)),

            (S::TimeWait, E::TimeWaitTimeout) => (S::Closed, None),
            // A retransmitted FIN means our last ACK was lost: ACK again, restart 2 MSL.
            (S::TimeWait, E::RcvFin | E::RcvFinAck) => (S::TimeWait, Some(K::Ack)),
            (S::TimeWait, E::RcvAck) => (S::TimeWait, None),
            (S::TimeWait, E::RcvRst) => (S::Closed, None),

            (state, event) => return Err(InvalidTransition { state, event }),
        };
        Ok(Transition {
            from: self,
            event,
            to,
            send,
        })
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something that happens to one end: a call of its application, a segment
/// arriving, or a timer expiring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TcpEvent {
    /// `listen()` (the RFC's passive OPEN).
    PassiveOpen,
    /// `connect()` (active OPEN).
    ActiveOpen,
    /// `send()` of some bytes.
    Send,
    /// `close()`.
    Close,
    /// `shutdown(SHUT_WR)`: stop sending, keep reading.
    ShutdownWrite,
    /// A SYN without ACK arrives.
    RcvSyn,
    /// A SYN+ACK acknowledging our SYN arrives.
    RcvSynAck,
    /// A pure acknowledgment arrives; when we have an unacknowledged SYN or FIN
    /// outstanding, it acknowledges it.
    RcvAck,
    /// A segment carrying data (and an ACK) arrives.
    RcvData,
    /// A FIN arrives that does not acknowledge a FIN of ours.
    RcvFin,
    /// A FIN arrives whose ACK also covers our own FIN.
    RcvFinAck,
    /// A RST arrives.
    RcvRst,
    /// The retransmission timer (RTO) expires.
    RetransmissionTimeout,
    /// The TIME-WAIT timer (2 MSL) expires.
    TimeWaitTimeout,
}

impl TcpEvent {
    /// Every event.
    pub const ALL: [TcpEvent; 14] = [
        TcpEvent::PassiveOpen,
        TcpEvent::ActiveOpen,
        TcpEvent::Send,
        TcpEvent::Close,
        TcpEvent::ShutdownWrite,
        TcpEvent::RcvSyn,
        TcpEvent::RcvSynAck,
        TcpEvent::RcvAck,
        TcpEvent::RcvData,
        TcpEvent::RcvFin,
        TcpEvent::RcvFinAck,
        TcpEvent::RcvRst,
        TcpEvent::RetransmissionTimeout,
        TcpEvent::TimeWaitTimeout,
    ];

    /// Short language-neutral label, e.g. `rcv SYN,ACK` or `close()`.
    pub fn label(self) -> &'static str {
        match self {
            TcpEvent::PassiveOpen => "listen()",
            TcpEvent::ActiveOpen => "connect()",
            TcpEvent::Send => "send()",
            TcpEvent::Close => "close()",
            TcpEvent::ShutdownWrite => "shutdown(SHUT_WR)",
            TcpEvent::RcvSyn => "rcv SYN",
            TcpEvent::RcvSynAck => "rcv SYN,ACK",
            TcpEvent::RcvAck => "rcv ACK",
            TcpEvent::RcvData => "rcv data",
            TcpEvent::RcvFin => "rcv FIN",
            TcpEvent::RcvFinAck => "rcv FIN,ACK",
            TcpEvent::RcvRst => "rcv RST",
            TcpEvent::RetransmissionTimeout => "RTO",
            TcpEvent::TimeWaitTimeout => "2MSL",
        }
    }

    /// Whether the event is the arrival of a segment (rather than a call or a timer).
    pub fn is_arrival(self) -> bool {
        matches!(
            self,
            TcpEvent::RcvSyn
                | TcpEvent::RcvSynAck
                | TcpEvent::RcvAck
                | TcpEvent::RcvData
                | TcpEvent::RcvFin
                | TcpEvent::RcvFinAck
                | TcpEvent::RcvRst
        )
    }
}

impl fmt::Display for TcpEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The kind of segment an end sends in reaction to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SegmentKind {
    Syn,
    SynAck,
    Ack,
    /// Data with ACK and PSH.
    Data,
    /// FIN, carrying an ACK as every segment after the first SYN does.
    Fin,
    /// RST answering a segment that had an ACK (sequence number = its ACK).
    Rst,
    /// RST+ACK answering a SYN (sequence 0, ACK = the SYN's sequence + 1).
    RstAck,
}

impl SegmentKind {
    /// The header flag bits (pnet's `TcpFlags`) this kind carries.
    pub fn flags(self) -> u8 {
        match self {
            SegmentKind::Syn => TcpFlags::SYN,
            SegmentKind::SynAck => TcpFlags::SYN | TcpFlags::ACK,
            SegmentKind::Ack => TcpFlags::ACK,
            SegmentKind::Data => TcpFlags::PSH | TcpFlags::ACK,
            SegmentKind::Fin => TcpFlags::FIN | TcpFlags::ACK,
            SegmentKind::Rst => TcpFlags::RST,
            SegmentKind::RstAck => TcpFlags::RST | TcpFlags::ACK,
        }
    }
}

/// One edge of the state diagram, as taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Transition {
    pub from: TcpState,
    pub event: TcpEvent,
    pub to: TcpState,
    /// What this end sends as it takes the edge (`None`: nothing).
    pub send: Option<SegmentKind>,
}

/// An event the state diagram does not allow in that state (for example `close()`
/// on a connection that does not exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("TCP state {state} has no transition on {event}")]
pub struct InvalidTransition {
    pub state: TcpState,
    pub event: TcpEvent,
}

/// Every allowed (state, event) edge, for the state-machine view and the quiz.
pub fn all_transitions() -> impl Iterator<Item = Transition> {
    TcpState::ALL.into_iter().flat_map(|state| {
        TcpEvent::ALL
            .into_iter()
            .filter_map(move |event| state.next(event).ok())
    })
}

/// A human rendering of flag bits in Wireshark's order, e.g. `SYN,ACK` or `FIN,ACK`.
pub fn flags_label(flags: u8) -> String {
    const NAMES: [(u8, &str); 6] = [
        (TcpFlags::SYN, "SYN"),
        (TcpFlags::FIN, "FIN"),
        (TcpFlags::RST, "RST"),
        (TcpFlags::PSH, "PSH"),
        (TcpFlags::ACK, "ACK"),
        (TcpFlags::URG, "URG"),
    ];
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(",")
    }
}
