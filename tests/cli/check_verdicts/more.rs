//! The exercises of lessons 34 (tcp-time) and 35 (udp-chat), servers on the
//! IPv6 loopback, and `--wait`.

use super::{
    assert_correct_passes, assert_fails_only, check_args, is_root, names, nettutor, program,
    python3,
};

#[test]
fn tcp_time_correct_passes_everything() {
    assert_correct_passes("tcp-time", "tcp_time_correct.py");
}

#[test]
fn tcp_time_int_parsing_fails_basic() {
    assert_fails_only("tcp-time", "tcp_time_basic.py", "basic");
}

#[test]
fn tcp_time_one_recv_fails_split() {
    assert_fails_only("tcp-time", "tcp_time_split.py", "split");
}

#[test]
fn tcp_time_eval_fails_no_eval() {
    assert_fails_only("tcp-time", "tcp_time_no_eval.py", "no-eval");
}

#[test]
fn tcp_time_without_range_check_fails_out_of_range() {
    assert_fails_only("tcp-time", "tcp_time_out_of_range.py", "out-of-range");
}

#[test]
fn tcp_time_uncaught_decode_error_fails_bad_utf8() {
    assert_fails_only("tcp-time", "tcp_time_bad_utf8.py", "bad-utf8");
}

#[test]
fn tcp_time_ten_connections_then_exit_fails_many_clients() {
    assert_fails_only("tcp-time", "tcp_time_many_clients.py", "many-clients");
}

#[test]
fn udp_chat_correct_passes_everything() {
    assert_correct_passes("udp-chat", "udp_chat_correct.py");
}

#[test]
fn udp_chat_latin1_fails_basic() {
    assert_fails_only("udp-chat", "udp_chat_basic.py", "basic");
}

#[test]
fn udp_chat_first_address_fails_sender_address() {
    assert_fails_only("udp-chat", "udp_chat_sender_address.py", "sender-address");
}

#[test]
fn udp_chat_skipping_empty_datagrams_fails_empty() {
    assert_fails_only("udp-chat", "udp_chat_empty.py", "empty");
}

#[test]
fn udp_chat_small_buffer_fails_large() {
    assert_fails_only("udp-chat", "udp_chat_large.py", "large");
}

#[test]
fn udp_chat_uncaught_decode_error_fails_bad_utf8() {
    assert_fails_only("udp-chat", "udp_chat_bad_utf8.py", "bad-utf8");
}

#[test]
fn udp_chat_ten_answers_then_exit_fails_keeps_serving() {
    assert_fails_only("udp-chat", "udp_chat_keeps_serving.py", "keeps-serving");
}

/// What the failures of tcp-time say: the evaluated expression's date is named,
/// and a program stopped by an odd request is reported with its traceback.
#[test]
fn tcp_time_failures_name_what_went_wrong() {
    if !python3() {
        return;
    }
    let ((_, _, json), _dir) = check_args("tcp-time", "tcp_time_no_eval.py", &[], &[]);
    let failing = &json["properties"][2];
    assert_eq!(failing["name"], "no-eval");
    let date = nettutor::check::wire::answer_text(
        nettutor::check::exercise::Reply::LocalTime,
        "1700001337",
    )
    .expect("a date");
    assert!(
        failing["got"].as_str().is_some_and(|g| g.contains(&date)),
        "{failing:#}"
    );
    let ((_, _, json), _dir) = check_args("tcp-time", "tcp_time_out_of_range.py", &[], &[]);
    let failing = &json["properties"][3];
    assert_eq!(failing["name"], "out-of-range");
    let program = failing["program"].as_str().unwrap_or_default();
    assert!(
        program.contains("OverflowError") || program.contains("ValueError"),
        "{failing:#}"
    );
}

fn ipv6_loopback() -> bool {
    let ok = std::net::UdpSocket::bind("[::1]:0").is_ok();
    if !ok {
        crate::common::skip_here("ipv6 checks", "this machine has no IPv6 loopback (::1)");
    }
    ok
}

#[test]
fn servers_on_the_ipv6_loopback_are_checked_there() {
    if !python3() || !ipv6_loopback() {
        return;
    }
    for (exercise, file) in [
        ("tcp-time", "tcp_time_correct.py"),
        ("udp-chat", "udp_chat_correct.py"),
    ] {
        let ((verdicts, code, json), _dir) = check_args(exercise, file, &[], &["::1"]);
        assert_eq!(code, 0, "{json:#}");
        assert_eq!(verdicts.len(), names(exercise).len());
        assert!(verdicts.values().all(|p| *p), "{json:#}");
    }
}

/// A failure on ::1 keeps its evidence, and as root the pcap holds IPv6 frames
/// of that conversation (the capture filter follows IPv6 too).
#[test]
fn a_failure_on_the_ipv6_loopback_keeps_an_ipv6_capture() {
    if !python3() || !ipv6_loopback() {
        return;
    }
    let ((verdicts, code, json), dir) = check_args("udp-chat", "udp_chat_large.py", &[], &["::1"]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(verdicts.get("large"), Some(&false));
    let report: nettutor::check::CheckReport = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("report.json")).expect("report.json"),
    )
    .expect("a report");
    let large = report
        .properties
        .iter()
        .find(|p| p.name == "large")
        .expect("large");
    assert!(
        large.server.is_some_and(|s| s.is_ipv6()),
        "{:?}",
        large.server
    );
    if report.capture.is_some() {
        assert!(!is_root() || std::env::var("CI").as_deref() != Ok("true"));
        eprintln!(
            "SKIPPED the pcap part: {}",
            report.capture.unwrap_or_default()
        );
        return;
    }
    let frames = nettutor::net::pcap::read_pcap(&dir.path().join("large.pcap")).expect("pcap");
    assert!(!frames.is_empty());
    // EtherType 0x86dd on every frame; the 60,000-byte datagram is in there.
    assert!(frames.iter().all(|f| f.data[12..14] == [0x86, 0xdd]));
    assert!(frames.iter().any(|f| f.data.len() > 60_000));
}

#[test]
fn wait_bounds_how_long_a_slow_program_may_take_to_listen() {
    if !python3() {
        return;
    }
    let program = program("udp_time_correct.py");
    let path = program.to_string_lossy().into_owned();
    let slow = format!("import time; time.sleep(0.8); exec(open('{path}').read())");
    let run = |wait: &str| {
        nettutor(&[
            "check", "udp-time", "--json", "--wait", wait, "--", "python3", "-c", &slow, "{port}",
        ])
    };
    let short = run("0.2");
    assert_eq!(short.status.code(), Some(1));
    let err = String::from_utf8_lossy(&short.stderr);
    assert!(
        err.contains("within 0.2 s") && err.contains("--wait"),
        "{err}"
    );
    let long = run("20");
    let json: serde_json::Value = serde_json::from_slice(&long.stdout).expect("JSON");
    assert_eq!(json["failed"], 0, "{json:#}");
    assert_eq!(long.status.code(), Some(0));
}

#[test]
fn wait_out_of_range_or_not_a_number_is_bad_usage() {
    for wait in ["0", "121", "abc", "-1", "nan"] {
        let flag = format!("--wait={wait}");
        let out = nettutor(&["check", "udp-time", &flag, "--port", "9"]);
        assert_eq!(out.status.code(), Some(2), "--wait {wait}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--wait"),
            "--wait {wait}"
        );
    }
}

#[test]
fn with_port_wait_covers_a_program_that_starts_later() {
    if !python3() {
        return;
    }
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("port")
        .port();
    let program = program("udp_time_correct.py");
    let home = tempfile::tempdir().expect("home");
    let checker = std::process::Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .env("NETTUTOR_HOME", home.path())
        .args(["check", "udp-time", "--json", "--wait", "20", "--port"])
        .arg(port.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("nettutor starts");
    // The server starts after the checker: the checker waits for it.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut server = std::process::Command::new("python3")
        .arg(&*program)
        .arg(port.to_string())
        .spawn()
        .expect("python3 starts");
    let out = checker.wait_with_output().expect("nettutor ends");
    let _ = server.kill();
    let _ = server.wait();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["failed"], 0, "{json:#}");
}

/// Every check joins the recent list in the progress folder, newest first,
/// with its verdict and where its report is.
#[test]
fn each_check_is_recorded_for_the_labs_list() {
    if !python3() {
        return;
    }
    let home = tempfile::tempdir().expect("home");
    let evidence = tempfile::tempdir().expect("evidence");
    let run = |file: &str| {
        let program = program(file);
        std::process::Command::new(env!("CARGO_BIN_EXE_nettutor"))
            .env("NETTUTOR_HOME", home.path())
            .args(["check", "udp-chat", "--json", "-o"])
            .arg(evidence.path())
            .args(["--", "python3"])
            .arg(&*program)
            .arg("{port}")
            .output()
            .expect("nettutor runs")
    };
    assert_eq!(run("udp_chat_correct.py").status.code(), Some(0));
    assert_eq!(run("udp_chat_empty.py").status.code(), Some(1));
    let records = nettutor::check::history::load(home.path());
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!((records[0].failed, records[0].total), (1, 6));
    assert_eq!((records[1].failed, records[1].passed), (0, 6));
    let report =
        nettutor::ui::check::read_report(records[0].report.as_deref().expect("a report path"))
            .expect("the report reads back");
    assert!(
        report
            .properties
            .iter()
            .any(|p| p.name == "empty" && !p.passed)
    );
}
