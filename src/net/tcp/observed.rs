//! A timeline from segments observed on the wire (the student's own connection),
//! so the animation shows the kernel's real ISNs, windows and options.

use std::net::SocketAddr;
use std::time::Duration;

use pnet_packet::tcp::TcpFlags;

use super::sim::classify_arrival;
use super::state::{TcpEvent, TcpState};
use super::timeline::{Endpoint, Ends, Fate, Flight, Moment, Segment, Side, Step, Taken, Timeline};

/// One captured segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedSegment {
    /// Time since the first captured segment.
    pub at: Duration,
    pub segment: Segment,
    /// The whole frame as captured.
    pub frame: Vec<u8>,
}

/// The application call that must have made `state` send `segment`, if any (a
/// reply such as SYN+ACK or a bare ACK was already decided when the segment it
/// answers arrived).
fn sending_event(segment: &Segment, state: TcpState) -> Option<TcpEvent> {
    if segment.has(TcpFlags::SYN) && !segment.has(TcpFlags::ACK) && state == TcpState::Closed {
        Some(TcpEvent::ActiveOpen)
    } else if segment.has(TcpFlags::FIN)
        && matches!(
            state,
            TcpState::Established | TcpState::CloseWait | TcpState::SynReceived
        )
    {
        Some(TcpEvent::Close)
    } else if !segment.is_empty()
        && !segment.has(TcpFlags::SYN)
        && matches!(state, TcpState::Established | TcpState::CloseWait)
    {
        Some(TcpEvent::Send)
    } else {
        None
    }
}

fn caption_for(segment: &Segment, receiver_before: TcpState) -> &'static str {
    let has = |flag| segment.has(flag);
    if has(TcpFlags::RST) {
        "hs.cap.real_rst"
    } else if has(TcpFlags::SYN) && has(TcpFlags::ACK) {
        "hs.cap.real_synack"
    } else if has(TcpFlags::SYN) {
        "hs.cap.real_syn"
    } else if has(TcpFlags::FIN) && receiver_before == TcpState::FinWait1 {
        // The FIN may also acknowledge the peer's FIN: a three-segment teardown.
        "hs.cap.real_fin_second"
    } else if has(TcpFlags::FIN) {
        "hs.cap.real_fin"
    } else if !segment.is_empty() {
        "hs.cap.real_data"
    } else if receiver_before == TcpState::SynReceived {
        "hs.cap.real_handshake_ack"
    } else {
        "hs.cap.real_ack"
    }
}

/// Replay captured segments through the state machine. The server is taken to be
/// listening already; a segment the diagram does not expect leaves the states as
/// they were rather than failing, since the kernel is the authority here.
pub fn timeline_from_observed(
    client: SocketAddr,
    server: SocketAddr,
    observed: &[ObservedSegment],
) -> Timeline {
    let initial = Ends {
        client: TcpState::Closed,
        server: TcpState::Listen,
    };
    let mut states = initial;
    // The next sequence number each end will send, as seen so far.
    let mut snd_nxt: Ends<Option<u32>> = Ends {
        client: None,
        server: None,
    };
    let mut steps = Vec::new();
    for seen in observed {
        let segment = &seen.segment;
        let sender = segment.from;
        let receiver = sender.peer();
        let mut transitions = Vec::new();
        if let Some(event) = sending_event(segment, *states.get(sender))
            && let Ok(t) = states.get(sender).next(event)
        {
            *states.get_mut(sender) = t.to;
            transitions.push(Taken {
                side: sender,
                moment: Moment::Send,
                transition: t,
            });
        }
        let on_send = states;
        let sent_next = snd_nxt.get_mut(sender);
        // Compare in sequence space so a wrap past 2^32 still counts as "later".
        let later = sent_next.is_none_or(|n| segment.next_seq().wrapping_sub(n) as i32 > 0);
        if later {
            *sent_next = Some(segment.next_seq());
        }
        let receiver_before = *states.get(receiver);
        let receiver_next = snd_nxt.get(receiver).unwrap_or(0);
        if let Some(event) = classify_arrival(segment, receiver_before, receiver_next)
            && let Ok(t) = receiver_before.next(event)
        {
            *states.get_mut(receiver) = t.to;
            transitions.push(Taken {
                side: receiver,
                moment: Moment::Arrive,
                transition: t,
            });
        }
        steps.push(Step {
            at: seen.at,
            caption: caption_for(segment, receiver_before),
            on_send,
            after: states,
            flights: vec![Flight {
                segment: segment.clone(),
                fate: Fate::Delivered,
                at: seen.at,
                captured: Some(seen.frame.clone()),
            }],
            transitions,
            queues: None,
        });
    }
    if states.client == TcpState::TimeWait || states.server == TcpState::TimeWait {
        steps.push(Step {
            at: observed.last().map_or(Duration::ZERO, |s| s.at),
            caption: "hs.cap.real_time_wait",
            on_send: states,
            after: states,
            flights: Vec::new(),
            transitions: Vec::new(),
            queues: None,
        });
    }
    let zero_mac = [0u8; 6];
    Timeline {
        name: "real".to_string(),
        client: Endpoint {
            addr: client,
            mac: zero_mac,
        },
        server: Endpoint {
            addr: server,
            mac: zero_mac,
        },
        initial,
        steps,
    }
}

/// Which side sent a segment from `src`, given the client's address.
pub fn side_of(src: SocketAddr, client: SocketAddr) -> Side {
    if src == client {
        Side::Client
    } else {
        Side::Server
    }
}
