//! `nettutor export handshake`: every scenario as a pcap that tshark reads with no
//! malformed packets, correct checksums, and TCP analysis flags only where the
//! scenario is about them.

use crate::common;

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// One row per frame: the requested fields, tab-separated.
fn tshark_fields(pcap: &Path, fields: &[&str]) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r")
        .arg(pcap)
        .args(["-o", "tcp.relative_sequence_numbers:FALSE"])
        .args([
            "-o",
            "tcp.check_checksum:TRUE",
            "-o",
            "ip.check_checksum:TRUE",
        ])
        .args(["-T", "fields"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn list() -> Vec<String> {
    let out = Command::new(BIN)
        .args(["--lang", "en", "export", "handshake", "--list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn list_names_every_scenario_normal_first_with_a_description() {
    let lines = list();
    let names: Vec<&str> = lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "normal",
            "server-closes-first",
            "simultaneous-close",
            "half-close",
            "lost-syn",
            "rst-closed-port",
            "syn-flood",
            "time-wait"
        ]
    );
    for line in &lines {
        assert!(
            line.split_whitespace().count() > 3,
            "description missing: {line}"
        );
    }
    let zh = Command::new(BIN)
        .args(["--lang", "zh", "export", "handshake", "--list"])
        .output()
        .unwrap();
    let zh = String::from_utf8(zh.stdout).unwrap();
    assert!(zh.starts_with("normal") && zh.contains("三次握手"), "{zh}");
}

#[test]
fn unknown_scenario_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "--lang",
            "en",
            "export",
            "handshake",
            "--scenario",
            "nope",
            "-o",
        ])
        .arg(dir.path().join("x.pcap"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown scenario 'nope'"), "{err}");
    assert!(!dir.path().join("x.pcap").exists());
}

#[test]
fn every_scenario_exports_a_clean_pcap() {
    if !tshark_available() {
        common::skip(
            "every_scenario_exports_a_clean_pcap",
            "tshark is not installed",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for line in list() {
        let name = line.split_whitespace().next().unwrap().to_string();
        let pcap = dir.path().join(format!("{name}.pcap"));
        let out = Command::new(BIN)
            .args(["export", "handshake", "--scenario", &name, "-o"])
            .arg(&pcap)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = tshark_fields(
            &pcap,
            &[
                "frame.number",
                "tcp.flags.str",
                "_ws.malformed",
                "ip.checksum.status",
                "tcp.checksum.status",
                "tcp.analysis.flags",
                "_ws.expert.message",
            ],
        );
        assert!(rows.len() >= 2, "{name}: {rows:?}");
        for row in &rows {
            assert_eq!(row[2], "", "{name}: malformed frame {row:?}");
            // Checksum status 1 = good.
            assert_eq!(
                (row[3].as_str(), row[4].as_str()),
                ("1", "1"),
                "{name}: {row:?}"
            );
        }
        let flagged: Vec<(String, String)> = rows
            .iter()
            .filter(|r| !r[5].is_empty())
            .map(|r| (r[0].clone(), r[6].clone()))
            .collect();
        match name.as_str() {
            "lost-syn" => {
                assert_eq!(flagged.len(), 1, "{flagged:?}");
                assert_eq!(flagged[0].0, "2");
                assert!(flagged[0].1.contains("retransmission"), "{flagged:?}");
            }
            _ => assert!(
                flagged.is_empty(),
                "{name}: unexpected TCP analysis {flagged:?}"
            ),
        }
        if name == "rst-closed-port" {
            assert!(rows[1][1].contains('R'), "{rows:?}");
        }
    }
}

#[test]
fn export_is_reproducible_and_seeded() {
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &str, seed: &str| {
        let path = dir.path().join(file);
        let ok = Command::new(BIN)
            .args([
                "export",
                "handshake",
                "--scenario",
                "normal",
                "--seed",
                seed,
                "-o",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(ok.status.success());
        std::fs::read(path).unwrap()
    };
    assert_eq!(run("a.pcap", "7"), run("b.pcap", "7"));
    assert_ne!(run("a.pcap", "7"), run("c.pcap", "8"));
}

#[test]
fn the_segment_report_follows_the_language_and_names_forged_sources() {
    let dir = tempfile::tempdir().unwrap();
    let run = |lang: &str, scenario: &str| {
        let out = Command::new(BIN)
            .args([
                "--lang",
                lang,
                "export",
                "handshake",
                "--scenario",
                scenario,
                "-o",
            ])
            .arg(dir.path().join(format!("{scenario}.pcap")))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let zh = run("zh", "lost-syn");
    assert!(
        zh.contains("客户端 → 服务器") && zh.contains("丢失"),
        "{zh}"
    );
    assert!(zh.contains("已将 4 个帧写入"), "{zh}");
    let flood = run("en", "syn-flood");
    // Each forged SYN and its unanswered SYN,ACK name the forged source.
    let forged = 2 * nettutor::net::tcp::scenario::FLOOD_SYN_QUEUE;
    assert_eq!(flood.matches("[203.0.113.").count(), forged, "{flood}");
    assert!(flood.contains("dropped: SYN queue full"), "{flood}");
}
