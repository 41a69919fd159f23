#![allow(clippy::unwrap_used)]
//! Each lab's effect, asserted through its report (run through the library).

use nettutor::lab::{self, Cancel, LabName, LabParams, NullSink};
use serde_json::Value;

fn run(lab: LabName, pairs: &[&str]) -> Value {
    let params = LabParams::from_pairs(lab, pairs.iter().copied()).unwrap();
    let report = lab::run_lab(&params, &NullSink, &Cancel::new()).unwrap();
    serde_json::to_value(&report).unwrap()
}

#[test]
fn sticky_ten_sends_arrive_in_fewer_recvs() {
    let json = run(LabName::Sticky, &[]);
    assert_eq!(json["sends"], 10);
    assert!(json["recvs"].as_u64().unwrap() < 10, "{json}");
    assert_eq!(json["bytes_sent"], json["bytes_received"]);
    let reads: u64 = json["reads"].as_array().unwrap().iter().map(|r| r.as_u64().unwrap()).sum();
    assert_eq!(reads, json["bytes_received"].as_u64().unwrap());
}

#[test]
fn sticky_merges_even_with_nodelay_so_nagle_is_not_the_cause() {
    let json = run(LabName::Sticky, &["nodelay", "count=20"]);
    assert_eq!(json["nodelay"], true);
    assert!(json["recvs"].as_u64().unwrap() < 20, "{json}");
}

#[test]
fn sticky_small_recv_size_splits_one_send_over_several_recvs() {
    let json = run(LabName::Sticky, &["count=1", "message=abcdefghij", "recv-size=3"]);
    // "abcdefghij-0" is 12 bytes: recv(3) needs 4 calls.
    assert_eq!(json["recvs"], 4, "{json}");
}

#[test]
fn udp_loss_loses_datagrams_the_kernel_counts_them_and_tcp_loses_none() {
    let json = run(LabName::UdpLoss, &[]);
    assert_eq!(json["sent"], 10_000);
    assert!(json["lost"].as_u64().unwrap() > 0, "{json}");
    assert_eq!(
        json["lost"].as_u64().unwrap() + json["received"].as_u64().unwrap(),
        10_000
    );
    if json["snmp_available"] == true {
        assert!(json["kernel_rcvbuf_errors"].as_u64().unwrap() > 0, "{json}");
    } else {
        eprintln!("skipping kernel check: /proc/net/snmp not readable");
    }
    assert_eq!(json["tcp"]["sent"], 10_000);
    assert_eq!(json["tcp"]["received"], 10_000);
    assert_eq!(json["tcp"]["lost"], 0);
}

#[test]
fn udp_truncate_cuts_the_big_datagram_and_65508_fails_with_emsgsize() {
    let json = run(LabName::UdpTruncate, &["size=2000", "recv-size=512"]);
    let d = json["datagrams"].as_array().unwrap();
    assert_eq!(d.len(), 4);
    assert_eq!(d[0]["truncated"], false);
    assert_eq!(d[1]["truncated"], false);
    assert_eq!(d[1]["received_len"], 512);
    assert_eq!(d[2]["truncated"], true);
    assert_eq!(d[2]["sent_len"], 2000);
    assert_eq!(d[2]["received_len"], 512);
    assert_eq!(d[2]["true_len"], 2000);
    assert_eq!(d[3]["sent_len"], 65_507, "65,507 bytes must be accepted");
    assert_eq!(d[3]["true_len"], 65_507);
    let err = json["oversize_error"].as_str().unwrap();
    assert!(err.contains("EMSGSIZE") && err.contains("Message too long"), "{err}");
}

#[test]
fn udp_boundaries_every_datagram_arrives_alone() {
    let json = run(LabName::UdpBoundaries, &["count=20"]);
    assert_eq!(json["sent"], 20);
    assert_eq!(json["received"], 20);
    assert_eq!(json["merged"], 0);
    let reads = json["reads"].as_array().unwrap();
    assert_eq!(reads[0], "hello-0".len());
    assert_eq!(reads[19], "hello-19".len());
}

#[test]
fn framing_recovers_every_message_only_with_a_frame() {
    let json = run(LabName::Framing, &[]);
    let sent = json["sent"].as_u64().unwrap();
    assert_eq!(sent, 20);
    assert_eq!(json["length_prefix_recovered"], sent);
    assert_eq!(json["delimiter_recovered"], sent);
    assert!(json["naive_recovered"].as_u64().unwrap() < sent, "{json}");
    assert!(json["sleep_recovered"].as_u64().unwrap() < sent, "{json}");
}

#[test]
fn split_one_big_send_needs_several_recvs() {
    let json = run(LabName::Split, &[]);
    assert_eq!(json["sent"], 1024 * 1024);
    let recvs = json["recvs"].as_u64().unwrap();
    assert!(recvs > 1, "{json}");
    // recv(65536) never returns more than asked, so at least 16 calls.
    assert!(recvs >= 16, "{recvs}");
    let total: u64 = json["reads"].as_array().unwrap().iter().map(|r| r.as_u64().unwrap()).sum();
    assert_eq!(total, 1024 * 1024);
    if let Some(mtu) = json["loopback_mtu"].as_u64() {
        assert!(mtu >= 1280, "{mtu}");
    }
}

#[test]
fn port_in_use_steps_fail_and_succeed_as_the_kernel_rules() {
    let json = run(LabName::PortInUse, &["predict=2"]);
    let steps = json["steps"].as_array().unwrap();
    let outcome: Vec<(&str, bool)> = steps
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        outcome,
        vec![
            ("listen", true),
            ("bind-busy", false),
            ("udp-same-port", true),
            ("time-wait", true),
            ("restart-without-reuseaddr", false),
            ("restart-with-reuseaddr", true),
        ]
    );
    for failed in [&steps[1], &steps[4]] {
        let err = failed["error"].as_str().unwrap();
        assert!(err.contains("Address already in use"), "{err}");
    }
    assert_eq!(json["prediction"]["matched"], true);
}
