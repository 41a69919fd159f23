use std::time::Duration;

use super::retrans::Episode;
use super::*;

fn pct(p: f64) -> Chance {
    Chance::percent(p).unwrap()
}

// ---- the plan ----

#[test]
fn the_same_seed_gives_the_same_drops_and_another_seed_others() {
    let plan = Plan::new(42, Impairment::lossy(pct(5.0)));
    let again = Plan::new(42, Impairment::lossy(pct(5.0)));
    let other = Plan::new(43, Impairment::lossy(pct(5.0)));
    let drops = plan.drops(7, 2000);
    assert_eq!(drops, again.drops(7, 2000));
    assert_ne!(drops, other.drops(7, 2000));
    // Pinned: a change to the generator changes every class's runs.
    assert_eq!(
        Plan::new(1, Impairment::lossy(pct(10.0))).drops(0, 40),
        PINNED_DROPS_SEED_1
    );
}

/// Seed 1, 10 % loss, stream 0: the frames dropped among the first 40.
const PINNED_DROPS_SEED_1: &[u64] = &[7, 9, 13, 34];

#[test]
fn a_verdict_depends_only_on_seed_stream_and_number() {
    let plan = Plan::new(9, Impairment::lossy(pct(20.0)));
    // Asking in another order, or asking other streams in between, changes nothing.
    let forward: Vec<bool> = (0..500).map(|n| plan.verdict(1, n).drop).collect();
    let mut backward: Vec<bool> = (0..500)
        .rev()
        .map(|n| {
            let _ = plan.verdict(2, n);
            plan.verdict(1, n).drop
        })
        .collect();
    backward.reverse();
    assert_eq!(forward, backward);
    // Streams are independent draws.
    assert_ne!(plan.drops(1, 500), plan.drops(2, 500));
}

#[test]
fn loss_zero_drops_nothing_and_loss_hundred_drops_everything() {
    assert!(
        Plan::new(3, Impairment::lossy(pct(0.0)))
            .drops(0, 10_000)
            .is_empty()
    );
    assert_eq!(
        Plan::new(3, Impairment::lossy(pct(100.0)))
            .drops(0, 1000)
            .len(),
        1000
    );
}

#[test]
fn the_share_dropped_is_the_chance() {
    for p in [1.0, 5.0, 20.0, 50.0] {
        let plan = Plan::new(2026, Impairment::lossy(pct(p)));
        let n = 200_000u64;
        let share = plan.drops(0, n).len() as f64 / n as f64 * 100.0;
        // Binomial: the standard deviation is below 0.12 points here; 5 of them.
        assert!((share - p).abs() < 0.6, "{p} %: {share} %");
    }
}

#[test]
fn percentages_parse_and_bad_ones_are_refused() {
    assert_eq!("5".parse::<Chance>().unwrap(), pct(5.0));
    assert_eq!("5%".parse::<Chance>().unwrap(), pct(5.0));
    assert_eq!(" 0.5 % ".parse::<Chance>().unwrap().as_percent(), 0.5);
    assert_eq!(pct(12.5).to_string(), "12.5 %");
    assert!(matches!(
        "150".parse::<Chance>(),
        Err(PlanError::OutOfRange(_))
    ));
    assert!(matches!(
        "-1".parse::<Chance>(),
        Err(PlanError::OutOfRange(_))
    ));
    assert!(matches!(
        "lots".parse::<Chance>(),
        Err(PlanError::NotAPercentage(_))
    ));
    assert!(Chance::percent(f64::NAN).is_err());
    assert_eq!(Chance::percent(100.0).unwrap(), Chance::ALWAYS);
}

#[test]
fn delays_stay_within_the_jitter_and_reordered_frames_wait_longer() {
    let imp = Impairment {
        delay: Duration::from_millis(10),
        jitter: Duration::from_millis(2),
        reorder: pct(10.0),
        reorder_hold: Duration::from_millis(5),
        ..Impairment::default()
    };
    let plan = Plan::new(5, imp);
    let (mut reordered, mut spread) = (0, std::collections::BTreeSet::new());
    for n in 0..5000 {
        let v = plan.verdict(0, n);
        assert!(!v.drop && !v.duplicate);
        let base = if v.reorder {
            reordered += 1;
            Duration::from_millis(15)
        } else {
            Duration::from_millis(10)
        };
        assert!(
            v.delay >= base && v.delay <= base + Duration::from_millis(2),
            "{v:?}"
        );
        spread.insert(((v.delay - base).as_micros() / 500).min(3));
    }
    assert!((400..600).contains(&reordered), "{reordered}");
    // The jitter is spread over its whole range, not a constant.
    assert_eq!(spread.len(), 4, "{spread:?}");
}

#[test]
fn duplicates_follow_their_chance_and_a_dropped_frame_is_never_duplicated() {
    let imp = Impairment {
        loss: pct(30.0),
        duplicate: pct(30.0),
        ..Impairment::default()
    };
    let plan = Plan::new(11, imp);
    let verdicts: Vec<Verdict> = (0..10_000).map(|n| plan.verdict(0, n)).collect();
    assert!(verdicts.iter().all(|v| !(v.drop && v.duplicate)));
    let kept = verdicts.iter().filter(|v| !v.drop).count() as f64;
    let dup = verdicts.iter().filter(|v| v.duplicate).count() as f64;
    assert!((dup / kept - 0.3).abs() < 0.03, "{}", dup / kept);
}

// ---- the wire ----

fn ms(n: u64) -> u64 {
    n * 1_000_000
}

#[test]
fn the_wire_releases_frames_after_their_delay_in_order() {
    let imp = Impairment {
        delay: Duration::from_millis(10),
        ..Impairment::default()
    };
    let mut wire: Wire<u32> = Wire::new(Plan::new(1, imp));
    assert_eq!(wire.next_due(), None);
    wire.offer(ms(0), 0, 1);
    wire.offer(ms(1), 0, 2);
    wire.offer_clean(ms(1), 3);
    assert_eq!(wire.next_due(), Some(ms(10)));
    assert!(wire.take_due(ms(9)).is_empty());
    assert_eq!(wire.take_due(ms(10)), vec![1]);
    assert_eq!(wire.take_due(ms(20)), vec![2, 3]);
    assert_eq!(wire.in_flight(), 0);
    assert_eq!(wire.clean, 1);
    assert_eq!(wire.stats(0).offered, 2);
}

#[test]
fn a_reordered_frame_is_overtaken_by_the_next() {
    let imp = Impairment {
        delay: Duration::from_millis(1),
        reorder: Chance::ALWAYS,
        reorder_hold: Duration::from_millis(5),
        ..Impairment::default()
    };
    let mut wire: Wire<&str> = Wire::new(Plan::new(1, imp));
    assert!(wire.offer(ms(0), 0, "first").reorder);
    wire.offer_clean(ms(2), "second");
    assert_eq!(wire.take_due(ms(10)), vec!["second", "first"]);
    assert_eq!(wire.stats(0).reordered, 1);
}

#[test]
fn the_wire_drops_and_duplicates_by_the_plan_and_counts_it() {
    let imp = Impairment {
        loss: pct(25.0),
        duplicate: pct(10.0),
        ..Impairment::default()
    };
    let plan = Plan::new(77, imp);
    let mut wire: Wire<u64> = Wire::new(plan);
    for n in 0..1000 {
        wire.offer(ms(n), 3, n);
    }
    let out = wire.take_due(ms(2000));
    let stats = wire.stats(3);
    assert_eq!(stats.offered, 1000);
    assert_eq!(stats.dropped_frames, plan.drops(3, 1000));
    assert_eq!(stats.dropped, stats.dropped_frames.len() as u64);
    assert_eq!(out.len() as u64, 1000 - stats.dropped + stats.duplicated);
    // A duplicate leaves right behind its original; nothing dropped leaves.
    for n in 0..1000u64 {
        let copies = out.iter().filter(|&&x| x == n).count();
        let v = plan.verdict(3, n);
        assert_eq!(
            copies,
            if v.drop {
                0
            } else {
                1 + usize::from(v.duplicate)
            }
        );
    }
    assert!(out.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(wire.stats(99), wire::StreamStats::default());
}

// ---- the retransmission classifier ----

const ISN: u32 = u32::MAX - 1000;
const RTO_MIN: u64 = 200_000_000;

fn tx(at_ms: u64, rel_seq: u32, len: u32) -> Segment {
    Segment {
        ts_ns: ms(at_ms),
        from_sender: true,
        seq: ISN.wrapping_add(rel_seq),
        ack: 1,
        flags: 0x18,
        len,
        window: 500,
    }
}

fn syn(at_ms: u64) -> Segment {
    Segment {
        flags: 0x02,
        len: 0,
        ..tx(at_ms, 0, 0)
    }
}

fn ack(at_ms: u64, rel_ack: u32) -> Segment {
    Segment {
        ts_ns: ms(at_ms),
        from_sender: false,
        seq: 1,
        ack: ISN.wrapping_add(rel_ack),
        flags: 0x10,
        len: 0,
        window: 1000,
    }
}

/// A handshake at 0–1 ms, then `segments` of 1000 bytes sent at 2 ms.
fn opening(segments: u32) -> Vec<Segment> {
    let mut s = vec![
        syn(0),
        Segment {
            flags: 0x12,
            ..ack(1, 1)
        },
        Segment {
            flags: 0x10,
            ..tx(1, 1, 0)
        },
    ];
    for k in 0..segments {
        s.push(tx(2, 1 + 1000 * k, 1000));
    }
    s
}

#[test]
fn a_clean_transfer_has_no_retransmissions() {
    let mut s = opening(4);
    s.push(ack(12, 2001));
    s.push(ack(12, 4001));
    let a = classify(&s, RTO_MIN);
    assert_eq!(a.segments_sent, 5);
    assert!(a.retransmissions.is_empty());
    assert_eq!((a.duplicate_acks, a.acked), (0, 4001));
}

#[test]
fn three_duplicate_acks_then_a_resend_is_a_fast_retransmit() {
    // Segment 2 (seq 1001) is lost; 3, 4 and 5 each bring a duplicate ACK.
    let mut s = opening(5);
    s.extend([ack(12, 1001), ack(12, 1001), ack(13, 1001), ack(13, 1001)]);
    s.push(tx(13, 1001, 1000));
    s.push(ack(23, 5001));
    let a = classify(&s, RTO_MIN);
    assert_eq!(a.duplicate_acks, 3);
    assert_eq!(a.retransmissions.len(), 1);
    let r = &a.retransmissions[0];
    assert_eq!(
        (r.kind, r.seq, r.len, r.dup_acks),
        (Kind::Fast, 1001, 1000, 3)
    );
    assert_eq!(a.fast, 1);
    assert_eq!(
        a.episodes,
        vec![Episode {
            kind: Kind::Fast,
            start_ns: ms(13),
            retransmissions: 1
        }]
    );
}

#[test]
fn a_resend_after_silence_is_a_timeout_and_backs_off() {
    // The last segment is lost: no duplicate ACK can come; the timer fires at
    // 214 ms, and the resend is lost too, so it fires again 400 ms later.
    let mut s = opening(2);
    s.push(ack(12, 1001));
    s.push(tx(214, 1001, 1000));
    s.push(tx(614, 1001, 1000));
    s.push(ack(624, 2001));
    let a = classify(&s, RTO_MIN);
    let kinds: Vec<(Kind, u64)> = a
        .retransmissions
        .iter()
        .map(|r| (r.kind, r.silence_us))
        .collect();
    assert_eq!(
        kinds,
        vec![(Kind::Timeout, 202_000), (Kind::Timeout, 400_000)]
    );
    assert_eq!((a.timeouts, a.episodes.len()), (2, 2));
}

#[test]
fn a_lost_syn_is_resent_by_timeout() {
    let s = vec![
        syn(0),
        syn(1000),
        Segment {
            flags: 0x12,
            ..ack(1001, 1)
        },
    ];
    let a = classify(&s, RTO_MIN);
    assert_eq!(a.retransmissions.len(), 1);
    assert_eq!(a.retransmissions[0].kind, Kind::Timeout);
    assert_eq!(a.retransmissions[0].seq, 0);
    assert_eq!(a.acked, 1);
}

#[test]
fn a_quick_resend_after_fewer_than_three_duplicates_is_early() {
    // RACK or a tail-loss probe: one duplicate ACK, resent 3 ms later.
    let mut s = opening(3);
    s.extend([ack(12, 1001), ack(12, 1001)]);
    s.push(tx(15, 1001, 1000));
    let a = classify(&s, RTO_MIN);
    assert_eq!(a.duplicate_acks, 1);
    assert_eq!(a.retransmissions[0].kind, Kind::Early);
    assert_eq!(a.early, 1);
}

#[test]
fn every_resend_of_one_recovery_has_its_kind_until_the_ack_passes_the_point() {
    // Segments 2 and 4 are lost: three duplicates start fast recovery; the
    // partial ACK after the first resend leads to the second resend (still
    // fast recovery); after the full ACK, a later quick resend starts anew.
    let mut s = opening(6);
    s.extend([ack(12, 1001), ack(12, 1001), ack(12, 1001), ack(12, 1001)]);
    s.push(tx(13, 1001, 1000));
    s.push(ack(23, 3001));
    s.push(tx(23, 3001, 1000));
    s.push(ack(33, 6001));
    s.push(tx(34, 6001, 1000));
    s.extend([ack(40, 6001), ack(40, 6001)]);
    s.push(tx(41, 6001, 1000));
    let a = classify(&s, RTO_MIN);
    let kinds: Vec<Kind> = a.retransmissions.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![Kind::Fast, Kind::Fast, Kind::Early]);
    assert_eq!(a.episodes.len(), 2);
    assert_eq!(a.episodes[0].retransmissions, 2);
}

#[test]
fn window_updates_and_acks_with_nothing_outstanding_are_not_duplicates() {
    let mut s = opening(1);
    s.push(ack(12, 1001));
    // Same ACK, another window: a window update.
    s.push(Segment {
        window: 2000,
        ..ack(13, 1001)
    });
    // Everything is acknowledged: the same ACK again is no duplicate either.
    s.push(Segment {
        window: 2000,
        ..ack(14, 1001)
    });
    // An ACK carrying data is not a duplicate.
    s.push(Segment {
        len: 10,
        window: 2000,
        ..ack(15, 1001)
    });
    assert_eq!(classify(&s, RTO_MIN).duplicate_acks, 0);
}
