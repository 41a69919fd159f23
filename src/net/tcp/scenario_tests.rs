//! Sequence/acknowledgment arithmetic and state sequences of every scenario.

use std::collections::HashMap;
use std::net::SocketAddr;

use pnet_packet::tcp::TcpFlags;

use super::*;

fn timeline(s: Scenario) -> Timeline {
    s.timeline(DEFAULT_SEED).expect("scenario builds")
}

fn segments(t: &Timeline) -> Vec<&Segment> {
    t.flights().map(|(_, f)| &f.segment).collect()
}

fn states(t: &Timeline) -> Vec<(TcpState, TcpState)> {
    t.steps
        .iter()
        .map(|s| (s.after.client, s.after.server))
        .collect()
}

use TcpState as S;

#[test]
fn normal_open_data_close_numbers() {
    let t = timeline(Scenario::Normal);
    let seg = segments(&t);
    let (c, s) = (seg[0].seq, seg[1].seq);
    let req = seg[3].len();
    let resp = seg[4].len();
    assert_eq!(req, 22);
    // (flags, seq, ack, len) of every segment.
    let got: Vec<(String, u32, u32, u32)> = seg
        .iter()
        .map(|x| (flags_label(x.flags), x.seq, x.ack, x.len()))
        .collect();
    let expected = vec![
        ("SYN", c, 0, 0),
        ("SYN,ACK", s, c.wrapping_add(1), 0),
        ("ACK", c.wrapping_add(1), s.wrapping_add(1), 0),
        ("PSH,ACK", c.wrapping_add(1), s.wrapping_add(1), req),
        ("PSH,ACK", s.wrapping_add(1), c.wrapping_add(1 + req), resp),
        ("ACK", c.wrapping_add(1 + req), s.wrapping_add(1 + resp), 0),
        (
            "FIN,ACK",
            c.wrapping_add(1 + req),
            s.wrapping_add(1 + resp),
            0,
        ),
        ("ACK", s.wrapping_add(1 + resp), c.wrapping_add(2 + req), 0),
        (
            "FIN,ACK",
            s.wrapping_add(1 + resp),
            c.wrapping_add(2 + req),
            0,
        ),
        ("ACK", c.wrapping_add(2 + req), s.wrapping_add(2 + resp), 0),
    ];
    let expected: Vec<(String, u32, u32, u32)> = expected
        .into_iter()
        .map(|(f, a, b, l)| (f.to_string(), a, b, l))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(seg[0].mss, Some(1460));
    assert_eq!(seg[1].mss, Some(1460));
    assert_eq!(seg[2].mss, None);
    assert_eq!(
        states(&t),
        vec![
            (S::Closed, S::Listen),
            (S::SynSent, S::SynReceived),
            (S::Established, S::SynReceived),
            (S::Established, S::Established),
            (S::Established, S::Established),
            (S::Established, S::Established),
            (S::Established, S::Established),
            (S::FinWait1, S::CloseWait),
            (S::FinWait2, S::CloseWait),
            (S::TimeWait, S::LastAck),
            (S::TimeWait, S::Closed),
            (S::Closed, S::Closed),
        ]
    );
    // The receiver changes state only when the segment arrives.
    assert_eq!(
        t.steps[1].on_send,
        Ends {
            client: S::SynSent,
            server: S::Listen
        }
    );
    assert_eq!(
        t.steps[7].on_send,
        Ends {
            client: S::FinWait1,
            server: S::Established
        }
    );
}

#[test]
fn server_closing_first_puts_the_server_in_time_wait() {
    let t = timeline(Scenario::ServerClosesFirst);
    let st = states(&t);
    assert!(st.contains(&(S::CloseWait, S::FinWait1)));
    assert!(st.contains(&(S::CloseWait, S::FinWait2)));
    assert!(st.contains(&(S::LastAck, S::TimeWait)));
    assert!(st.contains(&(S::Closed, S::TimeWait)));
    assert_eq!(st.last(), Some(&(S::Closed, S::Closed)));
}

#[test]
fn simultaneous_close_crosses_fins_through_closing() {
    let t = timeline(Scenario::SimultaneousClose);
    let fins = t
        .steps
        .iter()
        .find(|s| s.flights.len() == 2)
        .expect("crossing step");
    let (a, b) = (&fins.flights[0].segment, &fins.flights[1].segment);
    assert!(a.has(TcpFlags::FIN) && b.has(TcpFlags::FIN));
    // Neither FIN acknowledges the other: they were sent before either arrived.
    assert_eq!(a.ack, b.seq);
    assert_eq!(b.ack, a.seq);
    assert_eq!(
        fins.on_send,
        Ends {
            client: S::FinWait1,
            server: S::FinWait1
        }
    );
    assert_eq!(
        fins.after,
        Ends {
            client: S::Closing,
            server: S::Closing
        }
    );
    let st = states(&t);
    assert!(st.contains(&(S::TimeWait, S::TimeWait)));
    assert_eq!(st.last(), Some(&(S::Closed, S::Closed)));
}

#[test]
fn half_close_server_keeps_sending_to_a_client_in_fin_wait_2() {
    let t = timeline(Scenario::HalfClose);
    let client_fin = segments(&t)
        .into_iter()
        .find(|s| s.from == Side::Client && s.has(TcpFlags::FIN))
        .expect("client FIN")
        .clone();
    let mut server_data = 0;
    for step in &t.steps {
        for f in &step.flights {
            let s = &f.segment;
            if s.from == Side::Server && !s.is_empty() {
                server_data += 1;
                assert_eq!(step.after.client, S::FinWait2);
                assert_eq!(step.after.server, S::CloseWait);
                assert_eq!(s.ack, client_fin.next_seq(), "server acknowledges the FIN");
            }
            if s.from == Side::Client && s.seq != 0 && step.after.client == S::FinWait2 {
                // After its FIN the client's sequence number stays at FIN + 1.
                assert_eq!(s.seq, client_fin.next_seq());
            }
        }
    }
    assert_eq!(server_data, 2);
}

#[test]
fn lost_syn_is_retransmitted_after_the_rto_with_the_same_sequence_number() {
    let t = timeline(Scenario::LostSyn);
    let flights: Vec<&Flight> = t.flights().map(|(_, f)| f).collect();
    assert_eq!(flights[0].fate, Fate::Lost);
    assert_eq!(flights[1].fate, Fate::Delivered);
    assert_eq!(flights[0].segment.seq, flights[1].segment.seq);
    assert_eq!(flights[1].at - flights[0].at, scenario::INITIAL_RTO);
    assert_eq!(
        flights[2].segment.ack,
        flights[0].segment.seq.wrapping_add(1)
    );
    // The server knew nothing of the lost SYN.
    assert_eq!(
        t.steps[1].after,
        Ends {
            client: S::SynSent,
            server: S::Listen
        }
    );
    assert_eq!(
        t.steps[2].transitions[0].transition.event,
        TcpEvent::RetransmissionTimeout
    );
    assert_eq!(states(&t).last(), Some(&(S::Established, S::Established)));
}

#[test]
fn closed_port_answers_syn_with_rst_ack() {
    let t = timeline(Scenario::RstClosedPort);
    let seg = segments(&t);
    assert_eq!(seg.len(), 2);
    assert_eq!(seg[1].flags, TcpFlags::RST | TcpFlags::ACK);
    assert_eq!(seg[1].seq, 0);
    assert_eq!(seg[1].ack, seg[0].seq.wrapping_add(1));
    assert_eq!(seg[1].window, 0);
    assert_eq!(states(&t).last(), Some(&(S::Closed, S::Closed)));
}

#[test]
fn syn_flood_fills_the_syn_queue_not_the_accept_queue() {
    let t = timeline(Scenario::SynFlood);
    let mut max_syn = 0;
    for step in &t.steps {
        let q = step.queues.as_ref().expect("flood shows queues");
        assert_eq!(q.limit(), scenario::FLOOD_BACKLOG.min(scenario::SOMAXCONN));
        assert!(q.syn_queue.len() <= q.limit() && q.accept_queue.len() <= q.limit());
        max_syn = max_syn.max(q.syn_queue.len());
    }
    assert_eq!(max_syn, scenario::FLOOD_SYN_QUEUE);
    let unanswered = t
        .flights()
        .filter(|(_, f)| f.fate == Fate::Unanswered)
        .count();
    assert_eq!(unanswered, scenario::FLOOD_SYN_QUEUE);
    let dropped: Vec<_> = t
        .flights()
        .filter(|(_, f)| f.fate == Fate::Dropped)
        .collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].1.segment.flags, TcpFlags::SYN);
    // B's SYN is dropped exactly when the SYN queue is full, by the simulated
    // kernel (the script asks for delivery).
    let (at, drop) = dropped[0];
    let before = t.steps[at - 1].queues.as_ref().unwrap();
    assert_eq!(before.syn_queue.len(), before.limit());
    assert!(!before.syn_queue.contains(&drop.segment.src));
    // The accept queue held at most one connection: the backlog was never the limit.
    assert!(
        t.steps
            .iter()
            .all(|s| s.queues.as_ref().is_some_and(|q| q.accept_queue.len() <= 1))
    );
    let forged: Vec<_> = t
        .flights()
        .filter(|(_, f)| f.segment.src.to_string().starts_with("203.0.113."))
        .collect();
    assert_eq!(forged.len(), scenario::FLOOD_SYN_QUEUE);
}

#[test]
fn syn_flood_keeps_each_half_open_connection_by_its_address() {
    let t = timeline(Scenario::SynFlood);
    let full = t
        .steps
        .iter()
        .filter_map(|s| s.queues.as_ref())
        .find(|q| q.syn_queue.len() == scenario::FLOOD_SYN_QUEUE)
        .expect("the SYN queue fills");
    // One entry per forged SYN, each the source address (and port) it came from.
    let forged: Vec<_> = t
        .flights()
        .map(|(_, f)| &f.segment)
        .filter(|s| s.src.to_string().starts_with("203.0.113.") && s.flags == TcpFlags::SYN)
        .map(|s| s.src)
        .collect();
    assert_eq!(full.syn_queue, forged);
    // The genuine client's finished handshake waits in the accept queue until
    // accept(), then leaves it.
    let client = t.client.addr;
    assert!(
        t.steps
            .iter()
            .any(|s| s.queues.as_ref().unwrap().accept_queue == [client])
    );
    let last = t.steps.last().unwrap().queues.as_ref().unwrap();
    assert!(last.accept_queue.is_empty(), "{last:?}");
}

#[test]
fn time_wait_holds_the_server_port_until_2msl() {
    let t = timeline(Scenario::TimeWait);
    let restart = t
        .steps
        .iter()
        .position(|s| s.caption == "hs.cap.tw_restart")
        .expect("restart step");
    assert_eq!(t.steps[restart].after.server, S::TimeWait);
    let last = t.steps.last().expect("steps");
    assert_eq!(last.after.server, S::Closed);
    assert_eq!(last.at - t.steps[restart + 1].at, scenario::TIME_WAIT);
}

/// Every segment's numbers follow from what its sender sent before and what it
/// received, for every connection of `t`.
fn check_arithmetic(scenario: Scenario, t: &Timeline) {
    // Keyed by (sender, receiver): one entry per direction of each connection.
    let mut next: HashMap<(SocketAddr, SocketAddr), u32> = HashMap::new();
    let mut last_seq: HashMap<(SocketAddr, SocketAddr), u32> = HashMap::new();
    let mut received: HashMap<(SocketAddr, SocketAddr), u32> = HashMap::new();
    for step in &t.steps {
        // Segments of one step were all sent before any of them arrived.
        for f in &step.flights {
            let s = &f.segment;
            if s.has(TcpFlags::ACK) {
                let expected = received.get(&(s.dst, s.src));
                assert_eq!(Some(&s.ack), expected, "{scenario}: {}", s.summary());
            }
            if s.has(TcpFlags::RST) {
                continue;
            }
            let dir = (s.src, s.dst);
            if let Some(&n) = next.get(&dir) {
                let retransmission = last_seq.get(&dir) == Some(&s.seq);
                assert!(s.seq == n || retransmission, "{scenario}: {}", s.summary());
            }
            next.insert(dir, s.next_seq());
            last_seq.insert(dir, s.seq);
        }
        for f in step.flights.iter().filter(|f| f.fate == Fate::Delivered) {
            received.insert((f.segment.src, f.segment.dst), f.segment.next_seq());
        }
    }
}

#[test]
fn every_scenario_has_consistent_sequence_arithmetic() {
    for &scenario in Scenario::ALL {
        let t = timeline(scenario);
        check_arithmetic(scenario, &t);
        for step in &t.steps {
            assert!(
                crate::i18n::has(step.caption),
                "{scenario}: caption {}",
                step.caption
            );
            if let Some(note) = step.note {
                assert!(crate::i18n::has(note), "{scenario}: note {note}");
                assert!(
                    step.flights.is_empty(),
                    "{scenario}: a note labels a step without segments"
                );
            }
        }
        assert!(crate::i18n::has(scenario.description_key()));
    }
}

proptest::proptest! {
    /// Any seed (so any ISN, including ones that wrap past 2^32) keeps the
    /// arithmetic and the state sequence of every scenario.
    #[test]
    fn arithmetic_holds_for_every_seed(seed: u64) {
        for &scenario in Scenario::ALL {
            let t = scenario.timeline(seed).expect("builds");
            check_arithmetic(scenario, &t);
            let reference = timeline(scenario);
            let states = |t: &Timeline| t.steps.iter().map(|s| s.after).collect::<Vec<_>>();
            proptest::prop_assert_eq!(states(&t), states(&reference));
        }
    }
}

#[test]
fn sequence_numbers_wrap_around_2_to_the_32() {
    let t = Scenario::Normal
        .timeline_with_isns(DEFAULT_SEED, Some((u32::MAX - 9, u32::MAX)))
        .expect("builds");
    check_arithmetic(Scenario::Normal, &t);
    // SYN,ACK acknowledges ISN + 1; the server's ISN + 1 wraps to 0.
    assert_eq!(t.steps[2].flights[0].segment.ack, u32::MAX - 8);
    assert_eq!(t.steps[3].flights[0].segment.ack, 0);
    let data = &t.steps[4].flights[0].segment;
    assert!(
        data.next_seq() < data.seq,
        "the data wraps: {}",
        data.summary()
    );
}

#[test]
fn seeds_make_numbers_reproducible() {
    for &scenario in Scenario::ALL {
        assert_eq!(timeline(scenario), timeline(scenario));
        let other = scenario.timeline(1).expect("builds");
        assert_ne!(
            segments(&timeline(scenario))[0].seq,
            segments(&other)[0].seq
        );
    }
    assert_ne!(
        segments(&timeline(Scenario::Normal))[0].seq,
        segments(&timeline(Scenario::ServerClosesFirst))[0].seq
    );
}

#[test]
fn every_transition_taken_is_an_edge_of_the_state_machine() {
    for &scenario in Scenario::ALL {
        let t = timeline(scenario);
        for step in &t.steps {
            for taken in &step.transitions {
                let tr = taken.transition;
                assert_eq!(tr.from.next(tr.event), Ok(tr));
            }
        }
    }
}

#[test]
fn scenario_names_round_trip() {
    for &scenario in Scenario::ALL {
        assert_eq!(Scenario::from_name(scenario.name()), Some(scenario));
    }
    assert_eq!(Scenario::ALL[0], Scenario::Normal);
    assert_eq!(Scenario::from_name("nope"), None);
}
