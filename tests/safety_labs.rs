#![allow(clippy::unwrap_used)]
//! Labs against each other, for real: two udp-loss runs at once each report
//! exactly their own kernel drops (their socket's line in /proc/net/udp), not
//! the machine-wide counter both inflate.

use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

#[test]
fn two_udp_loss_runs_at_once_each_report_their_own_drops() {
    if std::fs::read_to_string("/proc/net/udp").is_err() {
        eprintln!("skipping: /proc/net/udp is not readable (not Linux?)");
        return;
    }
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(BIN)
                .args(["lab", "udp-loss", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut total_lost = 0;
    let mut machine_wide = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let lost = json["lost"].as_u64().unwrap();
        assert!(lost > 0, "{json}");
        assert_eq!(
            json["socket_drops"].as_u64(),
            Some(lost),
            "this run's own drops are exactly its lost datagrams: {json}"
        );
        total_lost += lost;
        machine_wide.push(json["kernel_rcvbuf_errors"].as_u64().unwrap_or(0));
    }
    eprintln!("two runs lost {total_lost} in all; machine-wide counter deltas {machine_wide:?}");
}
