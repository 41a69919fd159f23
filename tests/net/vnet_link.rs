//! The impaired link (`nettutor net run tcp-loss --loss PCT --seed S`): nettutor
//! relays the frames of the cable R–C through a middle namespace and drops
//! them by a seeded plan. Every effect is asserted from the JSON report and
//! again from tshark on the pcapng (captured at A, the sender, and at C).

use std::process::Command;

use nettutor::net::impaired::Chance;
use serde_json::Value;

use super::vnet_lab::{Run, assert_no_malformed, run_with, tshark_at};
use crate::common;
use crate::common::run::BIN;

/// The plan streams of the relay: an IPv4 frame's stream is its IP protocol.
const UDP: u64 = 17;
const DATAGRAMS: u64 = 1000;
const TRANSFER: u64 = 128 * 1024;

fn tcp_loss(test: &str, loss: &str, seed: &str) -> Option<Run> {
    run_with(test, "tcp-loss", &["--loss", loss, "--seed", seed])
}

/// The datagrams the plan of `loss` % and `seed` drops (the relay's own plan).
fn planned_udp_drops(loss: f64, seed: u64) -> Vec<u64> {
    let (forward, _) =
        nettutor::vnet::experiments::tcp_loss_plans(Chance::percent(loss).unwrap(), seed);
    forward.drops(UDP, DATAGRAMS)
}

fn numbers(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect()
}

/// What every lossy run must show, whatever the loss: every byte delivered in
/// order; UDP lost exactly what the plan dropped; the capture's resends agree
/// with the kernel's count and with tshark's; what A sent minus what C got is
/// what the link dropped; no malformed frame.
fn assert_the_link_and_tcp(test: &str, run: &Run, loss: f64, seed: u64) {
    let r = run.report();
    let (link, udp, tcp) = (&r["link"], &r["udp"], &r["tcp"]);
    assert_eq!(link["loss_pct"], loss);
    assert_eq!(link["seed"], seed);
    assert_eq!(tcp["bytes_sent"], TRANSFER);
    assert_eq!(tcp["bytes_delivered"], TRANSFER, "{tcp}");
    assert_eq!(tcp["in_order"], true);
    assert_eq!(tcp["congestion_control"], "cubic");
    // How A finds its losses, as read back in A's and C's namespaces: the
    // classic mode's sysctls are A's alone, C keeps the kernel's defaults.
    let recovery = &tcp["recovery"];
    let at_a = serde_json::json!({
        "tcp_recovery": recovery["tcp_recovery"],
        "tcp_early_retrans": recovery["tcp_early_retrans"],
        "tcp_sack": recovery["tcp_sack"],
    });
    match recovery["mode"].as_str() {
        Some("classic") => {
            let zero =
                serde_json::json!({"tcp_recovery": 0, "tcp_early_retrans": 0, "tcp_sack": 0});
            assert_eq!(at_a, zero, "{recovery}");
            assert_eq!(recovery["at_c"]["tcp_sack"], 1, "{recovery}");
        }
        Some("linux") => {
            assert_eq!(at_a, recovery["at_c"], "{recovery}");
            assert_eq!(at_a["tcp_sack"], 1, "{recovery}");
        }
        _ => panic!("no recovery mode: {recovery}"),
    }

    // UDP: exactly the plan's drops, nothing else lost, nobody resends.
    let lost = numbers(&udp["lost_datagrams"]);
    assert_eq!(lost, planned_udp_drops(loss, seed));
    assert_eq!(numbers(&link["forward"]["udp"]["dropped_frames"]), lost);
    assert_eq!(
        udp["received"].as_u64().unwrap(),
        DATAGRAMS - lost.len() as u64
    );

    // TCP: each data segment A sent either reached C or was dropped by the
    // link. The capture's account of A's dropped frames (sent at A, never at
    // C) is the relay's own count, split by what they carried.
    let sent = tcp["data_segments_sent"].as_u64().unwrap();
    let at_c = tcp["data_segments_at_c"].as_u64().unwrap();
    let kinds = &tcp["dropped"];
    let (data, bare_acks, syn_fin_rst) = (
        kinds["data"].as_u64().unwrap(),
        kinds["bare_acks"].as_u64().unwrap(),
        kinds["syn_fin_rst"].as_u64().unwrap(),
    );
    assert_eq!(data, sent - at_c, "{kinds}: {sent} sent, {at_c} at C");
    let relay = link["forward"]["tcp"]["dropped"].as_u64().unwrap();
    assert_eq!(data + bare_acks + syn_fin_rst, relay, "{kinds} {link}");
    assert_eq!(tcp["dropped_by_link"], relay);
    assert_eq!(link["forward"]["send_errors"], 0);
    // Nothing was lost but what the plan dropped: the relay's incoming
    // queues never overflowed (the kernel's count, both ways).
    assert_eq!(link["forward"]["recv_dropped"], 0, "{link}");
    assert_eq!(link["backward"]["recv_dropped"], 0, "{link}");
    let retrans = &tcp["retransmissions"];
    let total = retrans["total"].as_u64().unwrap();
    assert_eq!(
        total,
        retrans["timeout"].as_u64().unwrap()
            + retrans["fast"].as_u64().unwrap()
            + retrans["early"].as_u64().unwrap()
    );
    // Every lost data segment had to be sent again (a spurious resend, or
    // a resend lost again, makes more).
    assert!(
        total >= data,
        "{total} resends for {data} data segments lost"
    );
    // The kernel's own count (TCP_INFO) is what the capture shows.
    assert_eq!(tcp["tcp_info"]["total_retrans"], total, "{tcp}");

    // tshark, reading A's capture alone, finds the same number of data
    // segments and of resends, and C's capture has what reached C.
    let from_a = "ip.src == 192.168.1.10 && tcp.len > 0";
    let Some(at_a) = tshark_at(test, &run.pcap, "A:eth0", from_a, &["tcp.seq"]) else {
        return;
    };
    assert_eq!(at_a.len() as u64, sent);
    let resent = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        &format!(
            "{from_a} && (tcp.analysis.retransmission || tcp.analysis.fast_retransmission \
             || tcp.analysis.spurious_retransmission || tcp.analysis.out_of_order)"
        ),
        &["tcp.seq"],
    )
    .unwrap();
    let syn_resent = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "ip.src == 192.168.1.10 && tcp.len == 0 && (tcp.flags.syn == 1 || tcp.flags.fin == 1) \
         && tcp.analysis.retransmission",
        &["frame.number"],
    )
    .unwrap();
    assert_eq!(
        (resent.len() + syn_resent.len()) as u64,
        total,
        "{resent:?}"
    );
    let c = tshark_at(test, &run.pcap, "C:eth0", from_a, &["tcp.seq"]).unwrap();
    assert_eq!(c.len() as u64, at_c);
    let udp_at_c = tshark_at(
        test,
        &run.pcap,
        "C:eth0",
        "udp && ip.src == 192.168.1.10",
        &["frame.number"],
    )
    .unwrap();
    assert_eq!(udp_at_c.len() as u64, DATAGRAMS - lost.len() as u64);
    assert_no_malformed(test, &run.pcap);
}

#[test]
fn with_no_loss_tcp_grows_cwnd_in_slow_start_and_resends_nothing() {
    let test = "with_no_loss_tcp_grows_cwnd_in_slow_start_and_resends_nothing";
    // The link is the tutor's own relay: on a loaded machine (the other
    // tests of this binary run experiments in parallel) it can stall past
    // TCP's 200 ms minimum timeout, and the sender then resends with nothing
    // lost. Up to three runs; one must be clean, else the failure is real.
    let mut stalled = Vec::new();
    let run = loop {
        let Some(run) = tcp_loss(test, "0", "1") else {
            return;
        };
        let resent = run.report()["tcp"]["retransmissions"]["total"].clone();
        if resent == 0 || stalled.len() == 2 {
            break run;
        }
        stalled.push(resent);
    };
    if !stalled.is_empty() {
        eprintln!("{test}: resends with no loss in {stalled:?} earlier run(s): relay stalled");
    }
    let r = run.report();
    let tcp = &r["tcp"];
    assert_eq!(tcp["retransmissions"]["total"], 0);
    assert_eq!(tcp["dropped_by_link"], 0);
    assert_eq!(
        tcp["dropped"],
        serde_json::json!({"data": 0, "bare_acks": 0, "syn_fin_rst": 0})
    );
    assert_eq!(tcp["duplicate_acks"], 0);
    assert_eq!(r["udp"]["lost"], 0);
    // Slow start: from the initial window of 10 segments, growing with every
    // round of ACKs — never shrinking, and no threshold set by a loss.
    let samples = tcp["cwnd_samples"].as_array().unwrap();
    let cwnd: Vec<u64> = samples
        .iter()
        .map(|s| s["cwnd"].as_u64().unwrap())
        .collect();
    assert_eq!(cwnd[0], 10, "{cwnd:?}");
    assert!(cwnd.windows(2).all(|w| w[0] <= w[1]), "{cwnd:?}");
    assert!(*cwnd.last().unwrap() >= 40, "{cwnd:?}");
    assert!(samples.iter().all(|s| s["state"] == "open"));
    assert_the_link_and_tcp(test, &run, 0.0, 1);
}

#[test]
fn at_five_percent_tcp_resends_what_the_link_dropped() {
    let test = "at_five_percent_tcp_resends_what_the_link_dropped";
    let Some(run) = tcp_loss(test, "5", "1") else {
        return;
    };
    let tcp = &run.report()["tcp"];
    assert!(tcp["dropped_by_link"].as_u64().unwrap() > 0, "{tcp}");
    assert!(tcp["retransmissions"]["total"].as_u64().unwrap() > 0);
    // After a loss the kernel sets a slow-start threshold.
    assert!(tcp["ssthresh_last"].as_u64().is_some(), "{tcp}");
    assert_the_link_and_tcp(test, &run, 5.0, 1);
}

#[test]
fn at_twenty_percent_every_byte_still_arrives_in_bounded_time() {
    let test = "at_twenty_percent_every_byte_still_arrives_in_bounded_time";
    let Some(run) = tcp_loss(test, "20", "1") else {
        return;
    };
    let r = run.report();
    let tcp = &r["tcp"];
    // A fifth of the frames lost: many resends, a small window, seconds at most.
    assert!(
        tcp["retransmissions"]["total"].as_u64().unwrap() >= 10,
        "{tcp}"
    );
    assert!(tcp["cwnd_max"].as_u64().unwrap() < 40, "{tcp}");
    assert!(tcp["transfer_ms"].as_f64().unwrap() < 20_000.0, "{tcp}");
    let states: Vec<&str> = tcp["cwnd_samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"recovery") || states.contains(&"loss"),
        "{states:?}"
    );
    // About a fifth of the UDP datagrams (exactly the plan's share for this seed).
    let pct = r["udp"]["lost_pct"].as_f64().unwrap();
    assert!((16.0..24.0).contains(&pct), "{pct}");
    assert_the_link_and_tcp(test, &run, 20.0, 1);
}

/// At 1 %, seed 1 drops the forward TCP stream's frame 1 (the plan's
/// numbering: 0 is the SYN), the handshake's ACK — no data, so TCP never
/// sends it again — and one data segment later: the capture counts each
/// kind, and the text says the dropped ACK was not resent.
#[test]
fn a_dropped_bare_ack_is_counted_apart_and_never_resent() {
    let test = "a_dropped_bare_ack_is_counted_apart_and_never_resent";
    let (forward, _) =
        nettutor::vnet::experiments::tcp_loss_plans(Chance::percent(1.0).unwrap(), 1);
    assert_eq!(forward.drops(6, 3), [1], "the plan of 1 %, seed 1");
    let Some(run) = tcp_loss(test, "1", "1") else {
        return;
    };
    let r = run.report();
    let tcp = &r["tcp"];
    assert!(tcp["dropped"]["bare_acks"].as_u64().unwrap() >= 1, "{tcp}");
    assert_eq!(r["link"]["forward"]["tcp"]["dropped_frames"][0], 1);
    assert_the_link_and_tcp(test, &run, 1.0, 1);
    // The handshake's ACK, sent once at A and never at C.
    let Some(acks) = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "ip.src == 192.168.1.10 && tcp.len == 0 && tcp.flags == 0x010 && tcp.ack == 1 \
         && tcp.seq == 1",
        &["frame.number"],
    ) else {
        return;
    };
    assert_eq!(acks.len(), 1, "{acks:?}");
    let at_c = tshark_at(
        test,
        &run.pcap,
        "C:eth0",
        "ip.src == 192.168.1.10 && tcp.len == 0 && tcp.flags == 0x010 && tcp.ack == 1 \
         && tcp.seq == 1",
        &["frame.number"],
    )
    .unwrap();
    assert!(at_c.is_empty(), "{at_c:?}");

    // The text, both languages: the breakdown and why the ACK was not resent.
    let args = ["net", "run", "tcp-loss", "--loss", "1", "--seed", "1"];
    let (code, out, err) = common::run::nettutor(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(" bare ACK"), "{out}");
    assert!(
        out.contains("A dropped bare ACK (no data, no SYN or FIN) is never resent"),
        "{out}"
    );
    let zh = [&["--lang", "zh"][..], &args[..]].concat();
    let (code, out, err) = common::run::nettutor(&zh);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("个纯 ACK") && out.contains("永远不会重发"),
        "{out}"
    );
}

/// A seed whose plan at 10 % drops, of the first 13 TCP frames from R to C,
/// exactly `drops` (by the plan's numbering: 0 is the SYN).
fn seed_dropping(drops: &[u64]) -> u64 {
    let planned = |seed: u64| {
        let (forward, _) =
            nettutor::vnet::experiments::tcp_loss_plans(Chance::percent(10.0).unwrap(), seed);
        forward.drops(6, 13)
    };
    (0..100_000u64).find(|&s| planned(s) == drops).unwrap()
}

#[test]
fn a_lost_syn_is_resent_when_the_initial_timeout_fires() {
    let test = "a_lost_syn_is_resent_when_the_initial_timeout_fires";
    let seed = seed_dropping(&[0]);
    let Some(run) = tcp_loss(test, "10", &seed.to_string()) else {
        return;
    };
    let list = &run.report()["tcp"]["retransmissions"]["list"];
    // Nothing heard for the initial timeout of one second (RFC 6298).
    let syn = &list[0];
    assert_eq!(syn["seq"], 0, "{list}");
    assert_eq!(syn["kind"], "timeout", "{list}");
    assert!(syn["silence_ms"].as_f64().unwrap() >= 900.0, "{syn}");
    assert_the_link_and_tcp(test, &run, 10.0, seed);
    let Some(syns) = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "tcp.flags.syn == 1 && tcp.flags.ack == 0",
        &["tcp.analysis.retransmission"],
    ) else {
        return;
    };
    assert_eq!(syns.len(), 2, "{syns:?}");
    assert_eq!(
        syns[1][0], "1",
        "the second SYN is not a retransmission to tshark"
    );
}

#[test]
fn a_segment_lost_in_the_first_flight_is_resent_on_its_duplicate_acks() {
    let test = "a_segment_lost_in_the_first_flight_is_resent_on_its_duplicate_acks";
    // Frames 2–11 are the first flight (initial window 10): frame 5 is its
    // fourth segment, bytes 4,345–5,792; six segments behind it bring duplicates.
    let seed = seed_dropping(&[5]);
    let Some(run) = tcp_loss(test, "10", &seed.to_string()) else {
        return;
    };
    let list = &run.report()["tcp"]["retransmissions"]["list"];
    let first = &list[0];
    assert_eq!(first["seq"], 3 * 1448 + 1, "{list}");
    // Resent on the duplicate ACKs, no timer: after the third (fast
    // retransmit), or — when RACK's reordering window (a quarter of the RTT)
    // runs out first, as on a busy machine — after one or two (early).
    let dup_acks = first["dup_acks"].as_u64().unwrap();
    assert!(dup_acks >= 1, "{first}");
    assert!(first["silence_ms"].as_f64().unwrap() < 200.0, "{first}");
    let kind = if dup_acks >= 3 { "fast" } else { "early" };
    assert_eq!(first["kind"], kind, "{first}");
    assert_the_link_and_tcp(test, &run, 10.0, seed);
    // tshark too: the resend follows ACKs of 4345 carrying SACK blocks (the
    // segments behind the hole arrived).
    let Some(rows) = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "(ip.src == 192.168.2.30 && tcp.ack == 4345 && tcp.options.sack_le) \
         || (ip.src == 192.168.1.10 && tcp.seq == 4345 && tcp.len > 0)",
        &["ip.src"],
    ) else {
        return;
    };
    let resends = rows_from_a(&rows);
    // The first send, then the resend after k SACKed duplicates.
    assert_eq!(resends.len(), 2, "{rows:?}");
    let between = resends[1] - resends[0] - 1;
    assert!(between >= 1, "{rows:?}");
    // All six segments behind the hole were reported by SACK in the end.
    assert!(rows.len() - 2 >= 3, "{rows:?}");
}

fn classic(test: &str, seed: &str) -> Option<Run> {
    run_with(
        test,
        "tcp-loss",
        &["--loss", "10", "--seed", seed, "--recovery", "classic"],
    )
}

/// With `--recovery classic` A's SYN offers no SACK (and C's ACKs carry none).
fn assert_no_sack(test: &str, run: &Run) {
    let Some(sack) = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "tcp.options.sack_perm || tcp.options.sack_le",
        &["frame.number"],
    ) else {
        return;
    };
    assert!(sack.is_empty(), "SACK in a classic run: frames {sack:?}");
}

/// `--recovery classic`, 10 %, seed 23: the plan drops frame 5, the fourth
/// segment of the first flight (bytes 4,345–5,792). With SACK off, A resends
/// it on the third duplicate ACK — no sooner, no timer: RFC 5681's fast
/// retransmit, in the report and to tshark.
#[test]
fn classic_recovery_resends_on_the_third_duplicate_ack() {
    let test = "classic_recovery_resends_on_the_third_duplicate_ack";
    let (forward, _) =
        nettutor::vnet::experiments::tcp_loss_plans(Chance::percent(10.0).unwrap(), 23);
    assert_eq!(forward.drops(6, 13), [5], "the plan of 10 %, seed 23");
    let Some(run) = classic(test, "23") else {
        return;
    };
    let r = run.report();
    let tcp = &r["tcp"];
    assert_eq!(tcp["recovery"]["mode"], "classic", "{}", tcp["recovery"]);
    let retrans = &tcp["retransmissions"];
    assert!(retrans["fast"].as_u64().unwrap() > 0, "{retrans}");
    let first = &retrans["list"][0];
    assert_eq!(first["seq"], 3 * 1448 + 1, "{retrans}");
    assert_eq!(first["kind"], "fast", "{first}");
    assert!(first["dup_acks"].as_u64().unwrap() >= 3, "{first}");
    assert!(first["silence_ms"].as_f64().unwrap() < 200.0, "{first}");
    assert_the_link_and_tcp(test, &run, 10.0, 23);
    assert_no_sack(test, &run);
    // tshark: A's second send of 4345 is a fast retransmission, after at
    // least three duplicate ACKs of 4345 and none of A's resends before it.
    let Some(rows) = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "(ip.src == 192.168.2.30 && tcp.ack == 4345 && tcp.len == 0) \
         || (ip.src == 192.168.1.10 && tcp.seq == 4345 && tcp.len > 0)",
        &[
            "ip.src",
            "tcp.analysis.duplicate_ack",
            "tcp.analysis.fast_retransmission",
        ],
    ) else {
        return;
    };
    let sends = rows_from_a(&rows);
    assert!(sends.len() >= 2, "{rows:?}");
    assert_eq!(
        rows[sends[1]][2], "1",
        "not a fast retransmission: {rows:?}"
    );
    let dups = rows[sends[0]..sends[1]]
        .iter()
        .filter(|r| r[1] == "1")
        .count();
    assert!(
        dups >= 3,
        "{dups} duplicate ACKs before the resend: {rows:?}"
    );
}

/// `--recovery classic`, 10 %, seed 26: the plan drops a segment of the
/// tail (bytes 127,425–128,872) and then its first resend too. Fewer than
/// three segments follow it, so no three duplicate ACKs come: A waits for
/// its retransmission timer (at least Linux's 200 ms), and for the lost
/// resend twice as long (the timer backs off).
#[test]
fn classic_recovery_resends_a_lost_tail_when_the_timer_fires() {
    let test = "classic_recovery_resends_a_lost_tail_when_the_timer_fires";
    let Some(run) = classic(test, "26") else {
        return;
    };
    let r = run.report();
    let tcp = &r["tcp"];
    let retrans = &tcp["retransmissions"];
    assert!(retrans["timeout"].as_u64().unwrap() > 0, "{retrans}");
    let timeouts: Vec<&Value> = retrans["list"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "timeout" && x["len"].as_u64().unwrap() > 0)
        .collect();
    assert!(
        !timeouts.is_empty(),
        "no timeout on a data segment: {retrans}"
    );
    assert!(
        timeouts
            .iter()
            .all(|x| x["silence_ms"].as_f64().unwrap() >= 200.0),
        "{timeouts:?}"
    );
    // The tail segment, resent on the timer twice: the second wait doubled.
    let tail: Vec<f64> = timeouts
        .iter()
        .filter(|x| x["seq"] == 88 * 1448 + 1)
        .map(|x| x["silence_ms"].as_f64().unwrap())
        .collect();
    assert_eq!(tail.len(), 2, "{retrans}");
    assert!(tail[1] >= 400.0, "{tail:?}");
    assert_the_link_and_tcp(test, &run, 10.0, 26);
    assert_no_sack(test, &run);
    // tshark: a resent data segment after at least 200 ms with nothing
    // captured at A.
    let Some(rows) = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "tcp",
        &[
            "frame.time_relative",
            "ip.src",
            "tcp.len",
            "tcp.analysis.retransmission",
        ],
    ) else {
        return;
    };
    let time = |r: &Vec<String>| r[0].parse::<f64>().unwrap();
    let waited: Vec<f64> = rows
        .windows(2)
        .filter(|w| {
            let r = &w[1];
            r[1] == "192.168.1.10" && r[2] != "0" && r[3] == "1"
        })
        .map(|w| time(&w[1]) - time(&w[0]))
        .filter(|&gap| gap >= 0.2)
        .collect();
    assert!(!waited.is_empty(), "no data resent after 200 ms of quiet");
}

#[test]
fn the_same_seed_drops_the_same_frames_and_another_seed_others() {
    let test = "the_same_seed_drops_the_same_frames_and_another_seed_others";
    let Some(first) = tcp_loss(test, "10", "3") else {
        return;
    };
    let second = tcp_loss(test, "10", "3").unwrap();
    let other = tcp_loss(test, "10", "4").unwrap();
    let lost = |run: &Run| numbers(&run.report()["udp"]["lost_datagrams"]);
    assert_eq!(lost(&first), lost(&second));
    assert_ne!(lost(&first), lost(&other));
    assert_eq!(lost(&other), planned_udp_drops(10.0, 4));
}

#[test]
fn bad_loss_values_and_loss_for_other_experiments_are_clear_errors() {
    for bad in ["150", "-3", "lots"] {
        let arg = format!("--loss={bad}");
        let (code, out, err) = common::run::nettutor(&["net", "run", "tcp-loss", &arg]);
        assert_eq!(code, 2, "{bad}: {out}{err}");
        assert!(err.contains("--loss") && !err.contains("panicked"), "{err}");
    }
    for knob in [&["--loss", "5"][..], &["--recovery", "classic"][..]] {
        let args = [&["net", "run", "arp-same-lan"][..], knob].concat();
        let (code, out, err) = common::run::nettutor(&args);
        assert_eq!(code, 1, "{out}{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("tcp-loss"), "{err}");
    }
    let (code, out, err) = common::run::nettutor(&["net", "run", "tcp-loss", "--recovery", "fast"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("linux") && err.contains("classic"), "{err}");
}

/// Without user namespaces (here: a user namespace whose limit of nested user
/// namespaces is 0, which is what RHEL 7's default looks like to nettutor),
/// `net run` says so in one line with the remedy and fails — no panic.
#[test]
fn without_user_namespaces_one_line_names_the_remedy() {
    let test = "without_user_namespaces_one_line_names_the_remedy";
    if !common::have(test, "unshare", "--version") {
        return;
    }
    let script =
        format!("echo 0 > /proc/sys/user/max_user_namespaces && exec {BIN} net run arp-same-lan");
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "sh", "-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("unshare failed") || stderr.contains("max_user_namespaces: ") {
        common::skip(
            test,
            &format!("cannot make the refusing namespace here: {stderr}"),
        );
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("user namespaces")
            && stderr.contains("sysctl -w user.max_user_namespaces="),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_receiver_that_stops_reading_closes_the_window_and_the_sender_probes() {
    let test = "a_receiver_that_stops_reading_closes_the_window_and_the_sender_probes";
    let Some(run) = run_with(test, "zero-window", &[]) else {
        return;
    };
    let r = run.report();
    // The window shrinks to zero while C does not read …
    let windows: Vec<u64> = r["windows_advertised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["window"].as_u64().unwrap())
        .collect();
    let zero = windows.iter().position(|&w| w == 0).unwrap();
    assert!(
        zero >= 2 && windows[..zero].iter().any(|&w| w > 0),
        "{windows:?}"
    );
    assert!(r["zero_window_at_ms"].as_f64().is_some());
    // … A sends no data into it, only probes, at doubling intervals, the
    // first after about the minimum RTO (200 ms) …
    assert_eq!(r["data_segments_while_zero"], 0, "{r}");
    assert!(r["probes"].as_u64().unwrap() >= 2, "{r}");
    assert!(r["first_probe_after_ms"].as_f64().unwrap() >= 150.0, "{r}");
    let gaps: Vec<f64> = r["probe_gaps_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_f64().unwrap())
        .collect();
    assert!(!gaps.is_empty() && gaps[0] >= 1.5 * 150.0, "{gaps:?}");
    assert!(r["probes_answered_with_zero"].as_u64().unwrap() >= 2, "{r}");
    // … and once C reads, the window opens and the data flows again.
    assert!(r["window_update_at_ms"].as_f64().is_some(), "{r}");
    assert!(r["data_segments_after_update"].as_u64().unwrap() > 0);
    assert_eq!(r["bytes_delivered"], r["bytes_sent"]);
    assert_eq!(r["intact"], true);
    // The sender's own view (TCP_INFO): the peer's window reached zero.
    let snd_wnd = r["snd_wnd_samples"].as_array().unwrap();
    assert!(snd_wnd.iter().any(|s| s["snd_wnd"] == 0), "{snd_wnd:?}");

    let Some(zero_acks) = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "ip.src == 192.168.2.30 && tcp.analysis.zero_window",
        &["frame.number"],
    ) else {
        return;
    };
    assert!(zero_acks.len() >= 3, "{zero_acks:?}");
    let probes = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "ip.src == 192.168.1.10 && (tcp.analysis.zero_window_probe || tcp.analysis.keep_alive)",
        &["frame.number"],
    )
    .unwrap();
    assert_eq!(
        probes.len() as u64,
        r["probes"].as_u64().unwrap(),
        "{probes:?}"
    );
    let updates = tshark_at(
        test,
        &run.pcap,
        "A:eth0",
        "ip.src == 192.168.2.30 && tcp.analysis.window_update",
        &["frame.number"],
    )
    .unwrap();
    assert!(!updates.is_empty());
    assert_no_malformed(test, &run.pcap);
}

/// The TCP and UDP ports of every frame in `pcap` (pcapng, Ethernet).
fn ports_in(pcap: &std::path::Path) -> Vec<(&'static str, u16, u16)> {
    use pcap_file::pcapng::{Block, PcapNgReader};
    use pnet_packet::Packet as _;
    use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
    use pnet_packet::ip::IpNextHeaderProtocols;
    use pnet_packet::ipv4::Ipv4Packet;
    let mut reader = PcapNgReader::new(std::fs::File::open(pcap).unwrap()).unwrap();
    let mut ports = Vec::new();
    while let Some(block) = reader.next_block() {
        let Block::EnhancedPacket(p) = block.unwrap() else {
            continue;
        };
        let Some(eth) = EthernetPacket::new(&p.data) else {
            continue;
        };
        if eth.get_ethertype() != EtherTypes::Ipv4 {
            continue;
        }
        let ip = Ipv4Packet::new(eth.payload()).unwrap();
        let body = ip.payload();
        let pair = |b: &[u8]| {
            (
                u16::from_be_bytes([b[0], b[1]]),
                u16::from_be_bytes([b[2], b[3]]),
            )
        };
        match ip.get_next_level_protocol() {
            IpNextHeaderProtocols::Tcp => {
                let (s, d) = pair(body);
                ports.push(("tcp", s, d));
            }
            IpNextHeaderProtocols::Udp => {
                let (s, d) = pair(body);
                ports.push(("udp", s, d));
            }
            _ => {}
        }
    }
    ports
}

/// Every TCP and UDP port the lab's hosts picked for themselves lies in the
/// lab's ephemeral range, and the installed tshark dissects no port of that
/// range as another protocol: a transfer that got EtherNet/IP's 44818 or
/// EtherCAT's 34980 from the kernel's default range once opened in tshark as
/// twenty malformed frames.
#[test]
fn the_lab_picks_its_ports_where_no_dissector_claims_them() {
    let test = "the_lab_picks_its_ports_where_no_dissector_claims_them";
    let (low, high) = nettutor::vnet::topology::EPHEMERAL_PORTS;
    let Some(run) = tcp_loss(test, "0", "1") else {
        return;
    };
    let ports = ports_in(&run.pcap);
    let tcp = ports.iter().filter(|p| p.0 == "tcp").count();
    let udp = ports.iter().filter(|p| p.0 == "udp").count();
    assert!(tcp > 100 && udp >= DATAGRAMS as usize, "{tcp} {udp}");
    let outside: Vec<_> = ports
        .iter()
        .filter(|(_, s, d)| !(low..=high).contains(s) || !(low..=high).contains(d))
        .collect();
    assert!(outside.is_empty(), "{:?}", &outside[..outside.len().min(5)]);

    if !common::have(test, "tshark", "--version") {
        return;
    }
    let out = Command::new("tshark")
        .args(["-G", "decodes"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    let port_tables = ["tcp.port", "udp.port"];
    let all: Vec<(&str, u16)> = table
        .lines()
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let (table, port) = (cols.next()?, cols.next()?.parse().ok()?);
            port_tables.contains(&table).then_some((table, port))
        })
        .collect();
    // The table is tshark's (a dozen ports of the kernel's default range are in it) …
    assert!(
        all.iter().any(|&(_, p)| p == 44818) && all.len() > 100,
        "{} port entries",
        all.len()
    );
    // … and none is the lab's.
    let claimed: Vec<_> = all
        .iter()
        .filter(|(_, p)| (low..=high).contains(p))
        .collect();
    assert!(
        claimed.is_empty(),
        "tshark dissects {claimed:?} as other protocols"
    );
}

/// The relay passes frames on byte for byte: tshark, validating every IPv4,
/// TCP and UDP checksum, finds each one right at C (the relay's output) as at
/// A (the sender's stack) — the stack fills them, since the lab turns
/// transmit checksum offload off, and nothing between changes them wrongly.
#[test]
fn every_checksum_through_the_relay_is_right_by_tsharks_validation() {
    let test = "every_checksum_through_the_relay_is_right_by_tsharks_validation";
    let Some(run) = tcp_loss(test, "5", "1") else {
        return;
    };
    if !common::have(test, "tshark", "--version") {
        return;
    }
    let validated = |filter: &str| -> Vec<String> {
        let checks = [
            "-o",
            "ip.check_checksum:TRUE",
            "-o",
            "tcp.check_checksum:TRUE",
            "-o",
            "udp.check_checksum:TRUE",
        ];
        common::run::tshark_fields(test, &run.pcap, &checks, filter, &["frame.interface_name"])
            .unwrap()
            .into_iter()
            .map(|row| row.concat())
            .collect()
    };
    // 0 is "bad", 1 "good", 2 "unverified" (tshark's checksum status).
    let bad = validated(
        "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0",
    );
    assert!(
        bad.is_empty(),
        "{} bad checksums, at {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
    let good_at_c = validated(
        "frame.interface_name == \"C:eth0\" && (tcp.checksum.status == 1 || udp.checksum.status == 1)",
    );
    let udp_at_c = run.report()["udp"]["received"].as_u64().unwrap();
    let tcp_at_c = run.report()["tcp"]["data_segments_at_c"].as_u64().unwrap();
    assert!(
        good_at_c.len() as u64 >= udp_at_c + tcp_at_c,
        "{} verified checksums at C for {udp_at_c} datagrams and {tcp_at_c} segments",
        good_at_c.len()
    );
}

/// The indices of the tshark rows (first field: ip.src) sent by A.
fn rows_from_a(rows: &[Vec<String>]) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| r[0] == "192.168.1.10")
        .map(|(k, _)| k)
        .collect()
}
