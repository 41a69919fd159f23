//! `nettutor lab errors -o FILE`: the refused connection captured on loopback
//! (a SYN to the closed port, the kernel's RST,ACK back) and written as pcap;
//! without CAP_NET_RAW the lab says why there is no capture and writes nothing.

use crate::common;
use crate::common::run::{BIN, nettutor, tshark_verbose};

use std::process::Command;

use serde_json::Value;

/// Whether this process may open a packet socket (root or CAP_NET_RAW).
fn can_capture() -> bool {
    nettutor::lab::capture::open_loopback_capture().is_ok()
}

#[test]
fn the_refused_connection_is_a_syn_then_rst_ack_on_its_port_in_tshark() {
    if !can_capture() {
        common::skip_here(
            "errors_capture",
            "capturing on lo needs root or CAP_NET_RAW",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("refused.pcap");
    let path = file.to_str().unwrap();
    let (code, out, err) = nettutor(&[
        "--lang",
        "en",
        "lab",
        "errors",
        "--timeout-ms",
        "50",
        "--json",
        "-o",
        path,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 frames"), "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["cases"][0]["errno"], "ECONNREFUSED", "{json}");
    let capture = &json["capture"];
    assert_eq!(capture["captured"], true, "{capture}");
    assert_eq!(capture["reason"], Value::Null, "{capture}");
    let port = capture["port"].as_u64().unwrap();
    let flags: Vec<&str> = capture["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["flags"].as_str().unwrap())
        .collect();
    assert_eq!(flags, ["SYN", "RST,ACK"], "{capture}");
    assert_eq!(capture["segments"][0]["dst_port"], port);
    assert_eq!(capture["segments"][1]["src_port"], port);

    if !common::have("errors_capture_tshark", "tshark", "--version") {
        return;
    }
    // tshark's own reading of the file: a SYN to the port, then RST+ACK from it.
    let fields = Command::new("tshark")
        .arg("-r")
        .arg(&file)
        .args(["-T", "fields", "-E", "separator=,"])
        .args(["-e", "tcp.srcport", "-e", "tcp.dstport"])
        .args([
            "-e",
            "tcp.flags.syn",
            "-e",
            "tcp.flags.reset",
            "-e",
            "tcp.flags.ack",
        ])
        .output()
        .unwrap();
    assert!(fields.status.success());
    let text = String::from_utf8_lossy(&fields.stdout);
    let rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(|f| f.trim().to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    let bit = |v: &str| v == "1" || v.eq_ignore_ascii_case("true");
    let (syn, rst) = (&rows[0], &rows[1]);
    assert_eq!(syn[1], port.to_string(), "the SYN goes to the port: {text}");
    assert!(bit(&syn[2]) && !bit(&syn[3]) && !bit(&syn[4]), "{text}");
    assert_eq!(rst[0], port.to_string(), "the RST comes from it: {text}");
    assert_eq!(rst[1], syn[0], "back to the client's port: {text}");
    assert!(!bit(&rst[2]) && bit(&rst[3]) && bit(&rst[4]), "{text}");
    let verbose = tshark_verbose(&file);
    assert!(!verbose.contains("Malformed"), "{verbose}");
    assert!(!verbose.contains("[Checksum Status: Bad]"), "{verbose}");
}

/// `nettutor` without CAP_NET_RAW: under `setpriv` when this process has it.
fn without_net_raw() -> Command {
    if can_capture() {
        let mut c = Command::new("setpriv");
        c.args(["--bounding-set=-net_raw", "--inh-caps=-net_raw", "--"])
            .arg(BIN);
        c
    } else {
        Command::new(BIN)
    }
}

#[test]
fn without_cap_net_raw_the_lab_says_why_and_writes_no_file() {
    // With the capability, take it away from the child (`setpriv` drops it
    // from the bounding set, so even root's child lacks it).
    if can_capture() && !common::have("errors_no_capture", "setpriv", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("none.pcap");
    for (lang, says) in [
        ("en", "needs root or CAP_NET_RAW"),
        ("zh", "需要 root 或 CAP_NET_RAW"),
    ] {
        let out = without_net_raw()
            .args(["--lang", lang, "lab", "errors", "--timeout-ms", "50", "-o"])
            .arg(&file)
            .env("NETTUTOR_HOME", common::run::unused_home())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() == Some(0) && stdout.contains("AF_PACKET") {
            common::skip_here("errors_no_capture", "setpriv could not drop CAP_NET_RAW");
            return;
        }
        assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
        assert!(stdout.contains(says), "{lang}: {stdout}");
        assert!(!file.exists(), "no capture, no file");
        // The rest of the lab ran all the same.
        assert!(stdout.contains("ECONNREFUSED"), "{stdout}");
    }
    // JSON: the reason in words, no segments.
    let out = without_net_raw()
        .args(["lab", "errors", "--timeout-ms", "50", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["capture"]["captured"], false, "{json}");
    assert!(
        json["capture"]["reason"]
            .as_str()
            .unwrap()
            .contains("CAP_NET_RAW"),
        "{json}"
    );
    assert_eq!(json["capture"]["segments"], Value::Array(vec![]));
    assert_eq!(json["cases"][0]["errno"], "ECONNREFUSED");
}

#[test]
fn dash_o_on_a_lab_without_a_capture_is_a_usage_error() {
    let (code, _, err) = nettutor(&["lab", "sticky", "-o", "x.pcap"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("only the errors lab"), "{err}");
    let (code, _, err) = nettutor(&["lab", "errors", "-o"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("-o needs a file name"), "{err}");
}
