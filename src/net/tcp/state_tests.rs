//! The state machine checked edge by edge against RFC 9293, figure 5.

use super::state::*;
use TcpEvent as E;
use TcpState as S;

fn edge(from: TcpState, event: TcpEvent) -> (TcpState, Option<SegmentKind>) {
    let t = from.next(event).expect("edge exists");
    assert_eq!((t.from, t.event), (from, event));
    (t.to, t.send)
}

/// The arrows of the RFC 9293 diagram, with what each one sends.
const RFC_DIAGRAM: &[(TcpState, TcpEvent, TcpState, Option<SegmentKind>)] = &[
    (S::Closed, E::PassiveOpen, S::Listen, None),
    (S::Closed, E::ActiveOpen, S::SynSent, Some(SegmentKind::Syn)),
    (S::Listen, E::Close, S::Closed, None),
    (
        S::Listen,
        E::RcvSyn,
        S::SynReceived,
        Some(SegmentKind::SynAck),
    ),
    (S::Listen, E::Send, S::SynSent, Some(SegmentKind::Syn)),
    (S::SynReceived, E::RcvAck, S::Established, None),
    (
        S::SynReceived,
        E::Close,
        S::FinWait1,
        Some(SegmentKind::Fin),
    ),
    (
        S::SynSent,
        E::RcvSyn,
        S::SynReceived,
        Some(SegmentKind::SynAck),
    ),
    (S::SynSent, E::Close, S::Closed, None),
    (
        S::SynSent,
        E::RcvSynAck,
        S::Established,
        Some(SegmentKind::Ack),
    ),
    (
        S::Established,
        E::Close,
        S::FinWait1,
        Some(SegmentKind::Fin),
    ),
    (
        S::Established,
        E::RcvFin,
        S::CloseWait,
        Some(SegmentKind::Ack),
    ),
    (S::FinWait1, E::RcvAck, S::FinWait2, None),
    (S::FinWait1, E::RcvFin, S::Closing, Some(SegmentKind::Ack)),
    (S::CloseWait, E::Close, S::LastAck, Some(SegmentKind::Fin)),
    (S::FinWait2, E::RcvFin, S::TimeWait, Some(SegmentKind::Ack)),
    (S::Closing, E::RcvAck, S::TimeWait, None),
    (S::LastAck, E::RcvAck, S::Closed, None),
    (S::TimeWait, E::TimeWaitTimeout, S::Closed, None),
];

#[test]
fn every_arrow_of_the_rfc_diagram() {
    for &(from, event, to, send) in RFC_DIAGRAM {
        assert_eq!(edge(from, event), (to, send), "{from} on {event}");
    }
}

#[test]
fn every_state_of_the_diagram_is_reachable_from_closed() {
    let mut seen = vec![S::Closed];
    let mut frontier = vec![S::Closed];
    while let Some(state) = frontier.pop() {
        for t in all_transitions().filter(|t| t.from == state) {
            if !seen.contains(&t.to) {
                seen.push(t.to);
                frontier.push(t.to);
            }
        }
    }
    seen.sort();
    assert_eq!(seen, S::ALL.to_vec());
}

#[test]
fn fin_that_also_acknowledges_our_fin_goes_straight_to_time_wait() {
    assert_eq!(
        edge(S::FinWait1, E::RcvFinAck),
        (S::TimeWait, Some(SegmentKind::Ack))
    );
}

#[test]
fn half_close_keeps_data_flowing_towards_the_closer() {
    assert_eq!(
        edge(S::FinWait2, E::RcvData),
        (S::FinWait2, Some(SegmentKind::Ack))
    );
}

#[test]
fn shutdown_write_sends_fin_like_close() {
    assert_eq!(
        edge(S::Established, E::ShutdownWrite),
        (S::FinWait1, Some(SegmentKind::Fin))
    );
    assert_eq!(
        edge(S::CloseWait, E::Send),
        (S::CloseWait, Some(SegmentKind::Data))
    );
}

#[test]
fn retransmission_timer_resends_the_unacknowledged_control_segment() {
    assert_eq!(
        edge(S::SynSent, E::RetransmissionTimeout),
        (S::SynSent, Some(SegmentKind::Syn))
    );
    assert_eq!(
        edge(S::SynReceived, E::RetransmissionTimeout),
        (S::SynReceived, Some(SegmentKind::SynAck))
    );
    assert_eq!(
        edge(S::LastAck, E::RetransmissionTimeout),
        (S::LastAck, Some(SegmentKind::Fin))
    );
}

#[test]
fn segments_to_a_closed_port_are_answered_with_rst() {
    assert_eq!(
        edge(S::Closed, E::RcvSyn),
        (S::Closed, Some(SegmentKind::RstAck))
    );
    assert_eq!(
        edge(S::Closed, E::RcvAck),
        (S::Closed, Some(SegmentKind::Rst))
    );
    assert_eq!(edge(S::Closed, E::RcvRst), (S::Closed, None));
    assert_eq!(edge(S::SynSent, E::RcvRst), (S::Closed, None));
}

#[test]
fn rst_aborts_every_synchronized_state() {
    for state in S::ALL.into_iter().filter(|s| s.is_synchronized()) {
        assert_eq!(edge(state, E::RcvRst).0, S::Closed, "{state}");
    }
    assert_eq!(edge(S::SynReceived, E::RcvRst).0, S::Listen);
}

#[test]
fn impossible_events_are_errors_not_panics() {
    for (state, event) in [
        (S::Closed, E::Close),
        (S::Closed, E::Send),
        (S::Closed, E::TimeWaitTimeout),
        (S::Listen, E::ActiveOpen),
        (S::Established, E::PassiveOpen),
        (S::FinWait1, E::Send),
        (S::FinWait2, E::Close),
        (S::TimeWait, E::Send),
        (S::LastAck, E::Close),
        (S::SynSent, E::ShutdownWrite),
    ] {
        let err = state.next(event).expect_err("must be rejected");
        assert_eq!(err, InvalidTransition { state, event });
        assert!(err.to_string().contains(state.name()));
    }
}

#[test]
fn only_time_wait_knows_the_2msl_timer() {
    for state in S::ALL {
        assert_eq!(
            state.next(E::TimeWaitTimeout).is_ok(),
            state == S::TimeWait,
            "{state}"
        );
    }
}

#[test]
fn state_names_round_trip_and_accept_ss_spelling() {
    for state in S::ALL {
        assert_eq!(TcpState::from_name(state.name()), Some(state));
    }
    assert_eq!(TcpState::from_name("time_wait"), Some(S::TimeWait));
    assert_eq!(TcpState::from_name("SYN-RCVD"), Some(S::SynReceived));
    assert_eq!(TcpState::from_name("ESTAB"), None);
}

#[test]
fn flag_labels_follow_wireshark() {
    assert_eq!(flags_label(SegmentKind::SynAck.flags()), "SYN,ACK");
    assert_eq!(flags_label(SegmentKind::Fin.flags()), "FIN,ACK");
    assert_eq!(flags_label(SegmentKind::Data.flags()), "PSH,ACK");
    assert_eq!(flags_label(SegmentKind::RstAck.flags()), "RST,ACK");
    assert_eq!(flags_label(0), "none");
}
