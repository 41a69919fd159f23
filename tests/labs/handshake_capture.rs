//! Real mode: our own connection on 127.0.0.1 captured with AF_PACKET. Needs root
//! (or CAP_NET_RAW); skipped with a reason otherwise.

use crate::common;

use std::process::Command;

use nettutor::lab::capture::{CLIENT_MESSAGE, SERVER_MESSAGE, capture_handshake};
use nettutor::net::tcp::{Segment, Side, TcpState};

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn flags(s: &Segment) -> u8 {
    s.flags
}

#[test]
fn captures_handshake_data_and_teardown_in_order_with_matching_numbers() {
    if !is_root() {
        common::skip_here(
            "captures_handshake_data_and_teardown",
            "capturing needs root or CAP_NET_RAW",
        );
        return;
    }
    let report = capture_handshake().unwrap();
    assert!(report.complete, "final ACK seen");
    let segs: Vec<&Segment> = report.segments.iter().map(|s| &s.segment).collect();
    assert!(
        segs.iter()
            .all(|s| (s.src == report.client && s.dst == report.server)
                || (s.src == report.server && s.dst == report.client))
    );
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const FIN: u8 = 0x01;
    // Handshake.
    let (syn, synack, ack) = (segs[0], segs[1], segs[2]);
    assert_eq!((syn.from, flags(syn)), (Side::Client, SYN));
    assert_eq!((synack.from, flags(synack)), (Side::Server, SYN | ACK));
    assert_eq!(synack.ack, syn.seq.wrapping_add(1));
    assert_eq!(
        (ack.from, flags(ack) & (SYN | ACK | FIN)),
        (Side::Client, ACK)
    );
    assert_eq!(ack.seq, syn.seq.wrapping_add(1));
    assert_eq!(ack.ack, synack.seq.wrapping_add(1));
    assert!(
        syn.mss.is_some() && synack.mss.is_some(),
        "MSS option on SYNs"
    );
    let c_isn = syn.seq;
    let s_isn = synack.seq;
    let c_len = CLIENT_MESSAGE.len() as u32;
    let s_len = SERVER_MESSAGE.len() as u32;
    // Data both ways, with the numbers the arithmetic predicts.
    let pos = |pred: &dyn Fn(&Segment) -> bool| segs.iter().position(|s| pred(s)).unwrap();
    let c_data = pos(&|s| s.from == Side::Client && !s.payload.is_empty());
    assert_eq!(segs[c_data].payload, CLIENT_MESSAGE);
    assert_eq!(segs[c_data].seq, c_isn.wrapping_add(1));
    let s_data = pos(&|s| s.from == Side::Server && !s.payload.is_empty());
    assert_eq!(segs[s_data].payload, SERVER_MESSAGE);
    assert_eq!(segs[s_data].seq, s_isn.wrapping_add(1));
    assert_eq!(segs[s_data].ack, c_isn.wrapping_add(1 + c_len));
    assert!(c_data > 2 && s_data > c_data);
    // Teardown: the client's FIN first, then the server's, then the last ACK.
    let c_fin = pos(&|s| s.from == Side::Client && s.flags & FIN != 0);
    let s_fin = pos(&|s| s.from == Side::Server && s.flags & FIN != 0);
    assert!(s_data < c_fin && c_fin < s_fin);
    assert_eq!(segs[c_fin].seq, c_isn.wrapping_add(1 + c_len));
    assert_eq!(segs[s_fin].seq, s_isn.wrapping_add(1 + s_len));
    // The client's FIN is acknowledged (alone or together with the server's FIN).
    assert!(
        segs[c_fin + 1..=s_fin]
            .iter()
            .any(|s| s.from == Side::Server && s.ack == segs[c_fin].next_seq())
    );
    let last = segs.last().unwrap();
    assert_eq!(
        (last.from, last.flags & (SYN | ACK | FIN)),
        (Side::Client, ACK)
    );
    assert_eq!(last.ack, segs[s_fin].next_seq());
    // The animation's states, replayed through the state machine.
    let timeline = report.timeline();
    let fin_step = &timeline.steps[c_fin];
    assert_eq!(fin_step.after.client, TcpState::FinWait1);
    assert_eq!(fin_step.after.server, TcpState::CloseWait);
    let end = timeline.states_after(Some(segs.len() - 1));
    assert_eq!(
        (end.client, end.server),
        (TcpState::TimeWait, TcpState::Closed)
    );
    assert!(
        timeline
            .steps
            .iter()
            .flat_map(|s| &s.flights)
            .all(|f| f.captured.is_some())
    );
}

#[test]
fn capture_command_writes_a_pcap_tshark_accepts() {
    if !is_root() {
        common::skip_here(
            "capture_command_writes_a_pcap",
            "capturing needs root or CAP_NET_RAW",
        );
        return;
    }
    if Command::new("tshark").arg("--version").output().is_err() {
        common::skip(
            "capture_command_writes_a_pcap_tshark_accepts",
            "tshark is not installed",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("real.pcap");
    let out = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(["--lang", "en", "capture", "handshake", "-o"])
        .arg(&pcap)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("SYN,ACK") && stdout.contains("TIME-WAIT"),
        "{stdout}"
    );
    let t = Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args(["-o", "tcp.check_checksum:TRUE", "-T", "fields"])
        .args([
            "-e",
            "tcp.checksum.status",
            "-e",
            "tcp.analysis.flags",
            "-e",
            "_ws.malformed",
        ])
        .output()
        .unwrap();
    let rows = String::from_utf8(t.stdout).unwrap();
    assert!(rows.lines().count() >= 9, "{rows}");
    for row in rows.lines() {
        assert_eq!(
            row, "1\t\t",
            "checksum good, no analysis flags, not malformed"
        );
    }
}

#[test]
fn without_cap_net_raw_one_line_names_the_remedy() {
    if !is_root() {
        // Unprivileged already: the command itself must refuse.
        eprintln!("not root: running the capture unprivileged directly");
    }
    let has_setpriv = Command::new("setpriv").arg("--version").output().is_ok();
    if is_root() && !has_setpriv {
        common::skip(
            "without_cap_net_raw_one_line_names_the_remedy",
            "setpriv is not installed (needed to drop CAP_NET_RAW as root)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("x.pcap");
    let bin = env!("CARGO_BIN_EXE_nettutor");
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--bounding-set", "-net_raw", "--inh-caps", "-net_raw", bin]);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .args(["--lang", "en", "capture", "handshake", "-o"])
        .arg(&pcap)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("sudo setcap cap_net_raw+ep"), "{err}");
    assert!(!pcap.exists());
}
