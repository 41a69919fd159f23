//! `keepalive-vanished`: an idle connection whose peer vanishes (its switch
//! port goes down, no FIN, no RST). A's keepalive probes go unanswered and its
//! recv() fails with ETIMEDOUT within the keepalive's bound — asserted from the
//! report and from tshark's reading of the capture at A.

use super::vnet_lab::{assert_no_malformed, run, tshark};

#[test]
fn keepalive_probes_to_a_vanished_peer_go_unanswered_and_recv_fails_with_etimedout() {
    let test = "keepalive_probes_to_a_vanished_peer_go_unanswered_and_recv_fails_with_etimedout";
    let Some(run) = run(test, "keepalive-vanished") else {
        return;
    };
    let r = run.report();
    assert_eq!(r["errno"], "ETIMEDOUT", "{r}");
    assert_eq!(r["python"], "TimeoutError", "{r}");
    let (idle, interval, allowed) = (
        r["idle_s"].as_f64().unwrap() * 1000.0,
        r["interval_s"].as_f64().unwrap() * 1000.0,
        r["probes_allowed"].as_u64().unwrap(),
    );
    assert_eq!((idle, interval, allowed), (1000.0, 1000.0, 3), "{r}");
    // Every probe allowed was sent, none answered; then A gave up with a RST.
    assert_eq!(r["probes_sent"], allowed, "{r}");
    assert_eq!(r["segments_from_b_after_cut"], 0, "{r}");
    assert_eq!(r["rst_from_a"], true, "{r}");
    // Bounded: the error comes after idle + probes × interval, not much later.
    let after = r["error_after_ms"].as_f64().unwrap();
    let bound = idle + allowed as f64 * interval;
    assert!(after >= bound * 0.9 && after <= bound + 2000.0, "{r}");
    // The probes are an interval apart.
    let times: Vec<f64> = r["probe_times_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    for gap in times.windows(2).map(|w| w[1] - w[0]) {
        assert!((interval * 0.8..=interval * 1.5).contains(&gap), "{r}");
    }

    // tshark's view at A: the keep-alives (its own analysis), B's silence.
    let at_a = |filter: &str| {
        let filter = format!("frame.interface_name == \"A:eth0\" && ({filter})");
        tshark(test, &run.pcap, &filter, &["frame.number"]).map(|rows| rows.len())
    };
    let Some(keepalives) = at_a("tcp.analysis.keep_alive && ip.src == 192.168.1.10") else {
        return;
    };
    assert_eq!(keepalives as u64, allowed);
    // From B: the SYN-ACK of the handshake and nothing else.
    assert_eq!(at_a("tcp && ip.src == 192.168.1.20"), Some(1));
    assert_eq!(
        at_a("tcp.flags.reset == 1 && ip.src == 192.168.1.10"),
        Some(1)
    );
    assert_no_malformed(test, &run.pcap);
}
