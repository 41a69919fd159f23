//! `nettutor lab …` through the real binary: JSON keys, human text, exit codes.

use std::process::{Command, Output};

use serde_json::Value;

fn nettutor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = nettutor(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.trim().lines().count(),
        1,
        "one JSON object on one line: {text}"
    );
    serde_json::from_str(&text).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn sticky_json_has_the_issue_keys_and_shows_the_merge() {
    let v = json(&[
        "lab",
        "sticky",
        "--count",
        "10",
        "--message",
        "hello",
        "--delay",
        "200",
        "--recv-size",
        "1024",
        "--nodelay",
        "--json",
    ]);
    for key in [
        "sends",
        "recvs",
        "bytes_sent",
        "bytes_received",
        "reads",
        "nodelay",
    ] {
        assert!(keys(&v).contains(&key), "missing {key} in {v}");
    }
    assert_eq!(v["lab"], "sticky");
    assert_eq!(v["nodelay"], true);
    assert!(v["recvs"].as_u64().unwrap() < 10);
}

#[test]
fn every_lab_json_has_its_issue_keys() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["split"], &["sent", "recvs", "reads"]),
        (
            &["framing", "--count", "8"],
            &[
                "sent",
                "naive_recovered",
                "length_prefix_recovered",
                "delimiter_recovered",
            ],
        ),
        (&["udp-boundaries"], &["sent", "received", "merged"]),
        (&["udp-truncate"], &["datagrams", "oversize_error"]),
        (
            &["udp-loss", "--count", "3000"],
            &["sent", "received", "lost", "kernel_rcvbuf_errors", "tcp"],
        ),
        (&["port-in-use"], &["steps"]),
        (&["chat", "--transport", "udp"], &["transcript"]),
        (&["time"], &["exchanges"]),
        (&["unix", "--count", "50"], &["unix", "inet"]),
        (
            &["throughput", "--seconds", "1"],
            &[
                "tcp_mbytes_per_s",
                "udp_mbytes_per_s",
                "udp_loss_percent",
                "rtt_us",
            ],
        ),
    ];
    for (args, wanted) in cases {
        let mut all = vec!["lab"];
        all.extend_from_slice(args);
        all.push("--json");
        let v = json(&all);
        for key in *wanted {
            assert!(keys(&v).contains(key), "{args:?}: missing {key} in {v}");
        }
        assert!(v["elapsed_ms"].is_u64());
    }
    let v = json(&["lab", "udp-loss", "--count", "2000", "--json"]);
    for key in ["sent", "received", "lost"] {
        assert!(keys(&v["tcp"]).contains(&key), "{v}");
    }
    let v = json(&["lab", "udp-truncate", "--json"]);
    let d = &v["datagrams"][0];
    for key in ["sent_len", "received_len", "truncated"] {
        assert!(keys(d).contains(&key), "{d}");
    }
    let v = json(&["lab", "port-in-use", "--json"]);
    for step in v["steps"].as_array().unwrap() {
        assert!(
            keys(step).contains(&"ok") && keys(step).contains(&"error"),
            "{step}"
        );
    }
}

#[test]
fn prediction_is_compared_in_json_and_text() {
    let v = json(&["lab", "udp-boundaries", "--predict", "10", "--json"]);
    assert_eq!(v["prediction"]["predicted"], 10);
    assert_eq!(v["prediction"]["observed"], 10);
    assert_eq!(v["prediction"]["matched"], true);
    let out = nettutor(&["lab", "sticky", "--predict", "10"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("you said 10") && text.contains("Not what you predicted"),
        "{text}"
    );
}

#[test]
fn human_report_follows_lang() {
    let out = nettutor(&["--lang", "zh", "lab", "udp-boundaries", "--delay", "0"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("UDP 保留消息边界"), "{text}");
    let out = nettutor(&["lab", "udp-boundaries", "--delay", "0", "--lang", "zh"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("合并：0"), "{text}");
}

#[test]
fn list_names_every_lab() {
    let out = nettutor(&["lab", "--list"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "sticky",
        "split",
        "framing",
        "udp-boundaries",
        "udp-truncate",
        "udp-loss",
        "port-in-use",
        "chat",
        "time",
        "unix",
        "throughput",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(name)),
            "{name}: {text}"
        );
    }
}

#[test]
fn mistakes_exit_2_with_a_clear_message() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["lab", "stiky"], &["unknown lab 'stiky'", "sticky"]),
        (
            &["lab", "sticky", "--count", "0"],
            &["--count", "from 1 to 1000"],
        ),
        (&["lab", "sticky", "--count", "ten"], &["--count", "'ten'"]),
        (
            &["lab", "sticky", "--bogus", "1"],
            &["--bogus", "--recv-size"],
        ),
        (&["lab", "sticky", "--count"], &["--count needs a value"]),
        (
            &["lab", "sticky", "--nodelay", "maybe"],
            &["unexpected 'maybe'"],
        ),
        (
            &["lab", "chat", "--transport", "sctp"],
            &["--transport", "tcp, udp"],
        ),
        (
            &["lab", "throughput", "--seconds", "99"],
            &["--seconds", "from 1 to 30"],
        ),
        (&["lab", "sticky", "--predict", "many"], &["--predict"]),
        (&["lab"], &["name a lab"]),
    ];
    for (args, needles) in cases {
        let out = nettutor(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        for needle in *needles {
            assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
        }
    }
}

#[test]
fn options_flag_lists_ranges_and_defaults() {
    let out = nettutor(&["lab", "sticky", "--options"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("--recv-size") && text.contains("default 1024"),
        "{text}"
    );
}

#[test]
fn ctrl_c_cancels_cleanly_and_removes_temp_files() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["lab", "sticky", "--delay", "10000"][..],
        &[
            "lab",
            "unix",
            "--count",
            "100000",
            "--message",
            &"x".repeat(4000),
        ][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nettutor"))
            .args(args)
            .arg("--events")
            .env("TMPDIR", tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The first event line on stderr: the lab is running (no guessed sleep).
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
        assert!(first.starts_with('{'), "{args:?}: {first}");
        let pid = i32::try_from(child.id()).unwrap();
        // SAFETY: sending SIGINT to our own child process.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        // Cancelled, not finished: exit 130 (the run would take far longer and
        // end with 0).
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "{args:?}");
        assert!(rest.contains("cancelled"), "{rest}");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}
