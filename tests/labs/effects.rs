//! Each lab's effect, asserted through its report (run through the library).

use crate::common;

use nettutor::lab::{self, Cancel, LabName, LabParams, NullSink};
use serde_json::Value;

fn run(lab: LabName, pairs: &[&str]) -> Value {
    // The errors lab's `vanished` case starts the virtual network's process:
    // nettutor, not this test harness.
    nettutor::vnet::lab::use_executable(std::path::Path::new(common::run::BIN));
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
    let reads: u64 = json["reads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_u64().unwrap())
        .sum();
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
    let json = run(
        LabName::Sticky,
        &["count=1", "message=abcdefghij", "recv-size=3"],
    );
    // "abcdefghij-0" is 12 bytes: recv(3) needs 4 calls.
    assert_eq!(json["recvs"], 4, "{json}");
}

#[test]
fn udp_loss_loses_datagrams_the_kernel_counts_them_and_tcp_loses_none() {
    let json = run(LabName::UdpLoss, &[]);
    // Defaults: 2,000 datagrams at 3,000/s against a reader of 2,000/s.
    assert_eq!(json["sent"], 2000);
    assert_eq!(json["send_rate"], 3000);
    assert_eq!(json["read_rate"], 2000);
    let lost = json["lost"].as_u64().unwrap();
    assert_eq!(lost + json["received"].as_u64().unwrap(), 2000);
    // A loss a student can reason about (about 1 − 2000/3000 once the small
    // buffer is full), not 99.5 %.
    let pct = lost as f64 * 100.0 / 2000.0;
    assert!((10.0..=60.0).contains(&pct), "{pct:.1} % lost: {json}");
    // Linux doubles the SO_RCVBUF asked for.
    assert_eq!(json["rcvbuf_requested"], 4096);
    assert_eq!(json["rcvbuf_effective"], 8192, "{json}");
    match json["socket_drops"].as_u64() {
        // Every datagram not read was dropped, and counted, by the kernel on
        // this very socket.
        Some(drops) => assert_eq!(drops, lost, "{json}"),
        None => common::skip_here("udp_loss socket drops", "/proc/net/udp is not readable"),
    }
    if json["snmp_available"] == true {
        assert!(
            json["kernel_rcvbuf_errors"].as_u64().unwrap() >= lost,
            "{json}"
        );
    } else {
        common::skip_here("udp_loss kernel counter", "/proc/net/snmp is not readable");
    }
    assert_eq!(json["tcp"]["sent"], 2000);
    assert_eq!(json["tcp"]["received"], 2000);
    assert_eq!(json["tcp"]["lost"], 0);
    // Flow control pushed back: the sender had to wait.
    assert!(
        json["tcp"]["blocked_writes"].as_u64().unwrap() > 0,
        "{json}"
    );
}

#[test]
fn udp_loss_faster_reader_loses_nothing_and_the_ratio_sets_the_loss() {
    // A reader as fast as the sender: nothing is lost.
    let json = run(
        LabName::UdpLoss,
        &["count=500", "rate=2000", "pause-us=500"],
    );
    assert_eq!(json["lost"], 0, "{json}");
    // A reader a quarter as fast: about three quarters are lost.
    let json = run(
        LabName::UdpLoss,
        &["count=1000", "rate=8000", "pause-us=500"],
    );
    let lost = json["lost"].as_u64().unwrap();
    assert!((650..=760).contains(&lost), "{json}");
}

#[test]
fn udp_loss_options_end_in_bounded_time() {
    // Every allowed setting finishes: pause-us and count are capped so that the
    // worst case (10,000 datagrams, 2 ms of work each) is seconds, not hours.
    let mut params = nettutor::lab::LabParams::defaults(LabName::UdpLoss);
    assert!(params.set("pause-us", "100000").is_err());
    assert!(params.set("count", "100000").is_err());
    assert!(params.set("rate", "1").is_err());
    params.set("pause-us", "2000").unwrap();
    params.set("count", "10000").unwrap();
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
    assert!(
        err.contains("EMSGSIZE") && err.contains("Message too long"),
        "{err}"
    );
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
    let total: u64 = json["reads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_u64().unwrap())
        .sum();
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

#[test]
fn chat_scripted_over_tcp_and_udp_ends_with_bye() {
    for transport in ["tcp", "udp"] {
        let json = run(LabName::Chat, &[&format!("transport={transport}")]);
        assert_eq!(json["transport"], transport);
        assert_eq!(json["lines"], 5, "{json}");
        assert_eq!(json["ended_by_bye"], true);
        let t = json["transcript"].as_array().unwrap();
        assert_eq!(t[0]["from"], "client");
        assert_eq!(t[0]["text"], "hello, server");
        assert_eq!(t[3]["from"], "server");
        assert_eq!(t[3]["text"], "4");
    }
}

#[test]
fn time_server_parses_numbers_and_refuses_code() {
    let json = run(LabName::Time, &[]);
    let ex = json["exchanges"].as_array().unwrap();
    assert_eq!(ex[0]["reply"], "2023-11-14 22:13:20 UTC");
    assert_eq!(ex[1]["reply"], "1970-01-01 00:00:00 UTC");
    assert_eq!(ex[2]["refused"], true);
    assert!(
        ex[2]["reply"]
            .as_str()
            .unwrap()
            .starts_with("error: not a number")
    );
    assert_eq!(json["refused"], 2);
}

#[test]
fn udp_time_server_formats_only_safe_directives() {
    let json = run(LabName::Time, &["transport=udp"]);
    let ex = json["exchanges"].as_array().unwrap();
    let first = ex[0]["reply"].as_str().unwrap();
    // "%Y-%m-%d %H:%M:%S %Z" → e.g. "2026-11-25 22:10:40 UTC"
    assert_eq!(first.len(), 23, "{first}");
    assert!(
        first.ends_with(" UTC") && first.as_bytes()[4] == b'-',
        "{first}"
    );
    assert_eq!(
        ex[2]["reply"], "{0.__class__.__mro__}",
        "plain text stays text"
    );
    assert_eq!(ex[3]["refused"], true);
    assert_eq!(json["refused"], 1);
}

#[test]
fn interactive_chat_delivers_lines_both_ways_and_closes() {
    use nettutor::lab::{LabEvent, Side, Transport, chat};
    use std::sync::{Arc, mpsc};
    use std::time::{Duration, Instant};
    let (tx, rx) = mpsc::channel::<LabEvent>();
    let session = chat::start(Transport::Tcp, Arc::new(tx)).unwrap();
    session.say(Side::Client, "ni hao").unwrap();
    let wait_for = |side: Side, text: &str| {
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end {
            if let Ok(LabEvent::Line {
                side: s,
                sent: false,
                text: t,
            }) = rx.recv_timeout(Duration::from_millis(100))
                && s == side
                && t == text
            {
                return;
            }
        }
        panic!("{side:?} never received {text:?}");
    };
    wait_for(Side::Server, "ni hao");
    session
        .say(Side::Server, "line with\nnewline \\ inside")
        .unwrap();
    wait_for(Side::Client, "line with\nnewline \\ inside");
    session.say(Side::Server, "bye").unwrap();
    wait_for(Side::Client, "bye");
    let transcript = session.close().unwrap();
    assert_eq!(transcript.len(), 3);
}

#[test]
fn unix_echo_works_beside_inet_and_the_socket_file_is_removed() {
    let json = run(LabName::Unix, &["count=200", "message=ping over a path"]);
    assert_eq!(json["unix"]["echoed"], 200);
    assert_eq!(json["inet"]["echoed"], 200);
    assert_eq!(json["socket_file_seen"], true);
    assert_eq!(json["socket_file_removed"], true);
    let path = json["unix"]["address"].as_str().unwrap();
    assert!(path.ends_with("echo.sock"));
    assert!(!std::path::Path::new(path).exists());
    assert!(
        json["inet"]["address"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
}

#[test]
fn throughput_measures_positive_rates_and_latencies() {
    let json = run(LabName::Throughput, &["seconds=1"]);
    assert!(json["tcp_mbytes_per_s"].as_f64().unwrap() > 0.0, "{json}");
    assert!(json["udp_mbytes_per_s"].as_f64().unwrap() > 0.0, "{json}");
    let loss = json["udp_loss_percent"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&loss), "{loss}");
    assert!(json["rtt_us"]["tcp"].as_u64().unwrap() > 0);
    assert!(json["rtt_us"]["udp"].as_u64().unwrap() > 0);
    assert!(json["udp_received"].as_u64().unwrap() <= json["udp_sent"].as_u64().unwrap());
}

#[test]
fn udp_truncate_over_ipv6_allows_65527_and_refuses_65528() {
    if std::net::UdpSocket::bind("[::1]:0").is_err() {
        common::skip_here(
            "udp_truncate_over_ipv6_allows_65527_and_refuses_65528",
            "no IPv6 loopback (::1) on this machine",
        );
        return;
    }
    let json = run(LabName::UdpTruncate, &["ipv6"]);
    assert_eq!(json["family"], "ipv6");
    let d = json["datagrams"].as_array().unwrap();
    assert_eq!(d[2]["truncated"], true);
    assert_eq!(d[3]["sent_len"], 65_527);
    assert_eq!(d[3]["true_len"], 65_527);
    assert_eq!(json["oversize_len"], 65_528);
    assert!(
        json["oversize_error"]
            .as_str()
            .unwrap()
            .contains("EMSGSIZE")
    );
}

/// First-reply waits in the order the clients were served.
fn waits(json: &Value) -> Vec<f64> {
    let mut waits: Vec<f64> = json["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["first_reply_ms"].as_f64().unwrap())
        .collect();
    waits.sort_by(f64::total_cmp);
    waits
}

#[test]
fn concurrency_iterative_makes_client_k_wait_k_service_times_in_the_accept_queue() {
    let (n, t) = (4.0, 200.0);
    let json = run(
        LabName::Concurrency,
        &["clients=4", "model=iterative", "service-ms=200"],
    );
    assert_eq!(json["model"], "iterative");
    let clients = json["clients"].as_array().unwrap();
    assert_eq!(clients.len(), 4);
    // Every connect() completed at once: the kernel did the handshake.
    for c in clients {
        assert!(c["connect_ms"].as_f64().unwrap() < t / 2.0, "{json}");
    }
    // Client k (in the order served) waits about k × T for its first reply.
    for (k, wait) in waits(&json).iter().enumerate() {
        let expected = k as f64 * t;
        assert!(
            *wait >= expected * 0.8 && *wait < expected + t * 0.8,
            "client {k}: {json}"
        );
    }
    assert!(
        json["max_wait_ms"].as_f64().unwrap() >= (n - 1.0) * t * 0.8,
        "{json}"
    );
    // Meanwhile the kernel held the waiting connections in the accept queue:
    // while the first client is served, the other N − 1 wait there (TCP_INFO
    // of the listener, sampled every 2 ms), never more than all N.
    match json["accept_queue_peak"].as_u64() {
        Some(peak) => assert!(
            (n as u64 - 1..=n as u64).contains(&peak),
            "the accept queue held N − 1: {json}"
        ),
        None => common::skip_here("accept queue", "TCP_INFO is not readable"),
    }
}

#[test]
fn concurrency_threads_select_and_async_serve_every_client_at_once() {
    let t = 200.0;
    for model in ["threads", "select", "async"] {
        let json = run(
            LabName::Concurrency,
            &["clients=6", &format!("model={model}"), "service-ms=200"],
        );
        assert_eq!(json["model"], model);
        let max_wait = json["max_wait_ms"].as_f64().unwrap();
        assert!(
            max_wait < t,
            "{model}: nobody waits for another's work: {json}"
        );
        for c in json["clients"].as_array().unwrap() {
            let done = c["done_ms"].as_f64().unwrap();
            // Each client still gets its full work time, and no more than 2 T.
            assert!(done >= t && done <= 2.0 * t, "{model}: {json}");
        }
    }
}

#[test]
fn errors_each_case_yields_its_errno_and_pythons_exception() {
    let json = run(LabName::Errors, &["timeout-ms=100", "keepalive-s=1"]);
    let cases = json["cases"].as_array().unwrap();
    let by = |name: &str| {
        cases
            .iter()
            .find(|c| c["case"] == name)
            .unwrap_or_else(|| panic!("no case {name}: {json}"))
    };
    for (name, call, errno, python) in [
        (
            "refused",
            "connect",
            "ECONNREFUSED",
            "ConnectionRefusedError",
        ),
        ("reset", "recv", "ECONNRESET", "ConnectionResetError"),
        ("broken-pipe", "send", "EPIPE", "BrokenPipeError"),
        ("timeout", "recv", "EAGAIN", "TimeoutError"),
    ] {
        let case = by(name);
        assert_eq!(case["call"], call, "{case}");
        assert_eq!(case["errno"], errno, "{case}");
        assert_eq!(case["python"], python, "{case}");
        assert_eq!(case["expected"], true, "{case}");
    }
    // The first send after the peer's FIN still succeeds; the peer's RST makes
    // a later one fail.
    assert!(
        by("broken-pipe")["sends_before_error"].as_u64().unwrap() >= 1,
        "{json}"
    );
    // The timeout waited for the receive timeout, not less.
    assert!(by("timeout")["ms"].as_f64().unwrap() >= 90.0, "{json}");
    // A quiet peer's kernel answers keepalive probes: no error.
    assert_eq!(by("keepalive")["errno"], Value::Null, "{json}");
    assert_eq!(json["prediction"], Value::Null);
    // A peer that vanished (in the virtual network): the probes go unanswered
    // and recv() fails with ETIMEDOUT, after 1 s idle + 3 probes 1 s apart.
    let vanished = by("vanished");
    if let Some(reason) = vanished["skipped"].as_str() {
        common::skip(
            "errors_each_case_yields_its_errno_and_pythons_exception",
            &format!("vanished: {reason}"),
        );
        return;
    }
    assert_eq!(vanished["call"], "recv", "{vanished}");
    assert_eq!(vanished["errno"], "ETIMEDOUT", "{vanished}");
    assert_eq!(vanished["python"], "TimeoutError", "{vanished}");
    assert_eq!(vanished["expected"], true, "{vanished}");
    assert_eq!(vanished["probes_unanswered"], 3, "{vanished}");
    let ms = vanished["ms"].as_f64().unwrap();
    assert!((3600.0..=6000.0).contains(&ms), "bounded: {vanished}");
}

#[test]
fn errors_without_the_virtual_network_skips_the_vanished_case_and_says_why() {
    let params =
        LabParams::from_pairs(LabName::Errors, ["timeout-ms=50", "vanished=false"]).unwrap();
    let report = lab::run_lab(&params, &NullSink, &Cancel::new()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let vanished = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "vanished")
        .unwrap();
    assert_eq!(vanished["errno"], Value::Null, "{vanished}");
    assert_eq!(vanished["expected"], false, "{vanished}");
    assert_eq!(vanished["skipped"], "--vanished false", "{vanished}");
    let text = report.summary(nettutor::i18n::Lang::Zh);
    assert!(text.contains("已跳过：--vanished false"), "{text}");
}

#[test]
fn http_bodies_match_their_framing_and_pipelined_requests_are_told_apart() {
    let json = run(LabName::Http, &[]);
    let requests = json["requests"].as_array().unwrap();
    let responses = json["responses"].as_array().unwrap();
    assert_eq!(requests.len(), 4, "{json}");
    assert_eq!(responses.len(), 4, "{json}");
    // The byte-by-byte request is one request, however many writes carried it.
    assert!(json["byte_by_byte_writes"].as_u64().unwrap() > 40, "{json}");
    assert_eq!(requests[0]["method"], "GET");
    assert_eq!(requests[0]["framing"], "none");
    // One write, three requests, each ended by its own framing.
    assert_eq!(json["pipelined_in_one_write"], 3, "{json}");
    assert_eq!(requests[2]["framing"], "content-length");
    assert_eq!(requests[2]["body_len"], "hello world".len());
    assert_eq!(requests[3]["framing"], "chunked");
    assert_eq!(requests[3]["body_len"], "hello world".len());
    // Responses: the body is exactly what the framing says.
    let body = |i: usize| responses[i]["body"].as_str().unwrap().to_string();
    assert_eq!(responses[0]["content_length"], responses[0]["bytes"]);
    assert_eq!(body(0), "hello from nettutor's http lab\\n");
    assert_eq!(responses[1]["chunked"], true);
    assert_eq!(responses[1]["bytes"], "hello, chunked world\n".len());
    for i in [2, 3] {
        assert_eq!(body(i), "got 11 bytes\\n", "{json}");
        assert_eq!(responses[i]["status"], 200);
    }
    assert_eq!(json["url"], Value::Null);
}

/// The entries of `queries` for `name` (a full name) and `rtype`.
fn dns_rows<'a>(json: &'a Value, name: &str, rtype: &str) -> Vec<&'a Value> {
    json["queries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["name"] == name && q["type"] == rtype)
        .collect()
}

#[test]
fn dns_answers_match_the_zone_and_a_truncated_answer_is_asked_again_over_tcp() {
    let json = run(LabName::Dns, &["watch=0", "predict=30"]);
    let one = |name: &str, rtype: &str| dns_rows(&json, name, rtype)[0].clone();
    let www = one("www.lab.test.", "A");
    assert_eq!(www["transport"], "udp");
    assert_eq!(www["rcode"], "NOERROR");
    assert_eq!(www["answers"], serde_json::json!(["A 192.0.2.10"]));
    assert_eq!(www["ttl"], 30);
    assert_eq!(
        one("www.lab.test.", "AAAA")["answers"],
        serde_json::json!(["AAAA 2001:db8::10"])
    );
    // The alias and what it points to, in one answer.
    assert_eq!(
        one("web.lab.test.", "A")["answers"],
        serde_json::json!(["CNAME www.lab.test.", "A 192.0.2.10"])
    );
    assert_eq!(one("nosuch.lab.test.", "A")["rcode"], "NXDOMAIN");
    // many: over UDP cut to what fits in 512 bytes with TC, then all 40 over TCP.
    let many = dns_rows(&json, "many.lab.test.", "A");
    assert_eq!(many.len(), 2, "{json}");
    assert_eq!(many[0]["transport"], "udp");
    assert_eq!(many[0]["truncated"], true);
    assert!(many[0]["response_bytes"].as_u64().unwrap() <= 512);
    assert_eq!(many[0]["answers"].as_array().unwrap().len(), 30);
    assert_eq!(many[1]["transport"], "tcp");
    assert_eq!(many[1]["truncated"], false);
    let answers = many[1]["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 40);
    assert_eq!(answers[39], "A 198.51.100.40");
    assert!(many[1]["response_bytes"].as_u64().unwrap() > 512);
    assert_eq!(json["truncated_then_tcp"], true);
    assert_eq!(json["prediction"]["observed"], 30);
    assert_eq!(json["prediction"]["matched"], true);
    // The second www comes from the cache: no message, TTL not above 30.
    let again = dns_rows(&json, "www.lab.test.", "A");
    assert_eq!(again.len(), 2);
    assert_eq!(again[1]["transport"], "cache");
    assert_eq!(again[1]["id"], 0);
    assert!(again[1]["ttl"].as_u64().unwrap() <= 30);
    assert_eq!(json["zone_records"], 44);
}

#[test]
fn dns_a_students_zone_is_served_and_an_expired_answer_is_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my.zone");
    std::fs::write(
        &file,
        "$ORIGIN school.test.\n$TTL 60\n@ A 203.0.113.1\nmail 1 IN A 203.0.113.25\nwww CNAME @\n",
    )
    .unwrap();
    let zone = format!("zone={}", file.display());
    let json = run(
        LabName::Dns,
        &[&zone, "names=www,mail,example.com.", "watch=2"],
    );
    assert_eq!(json["zone_origin"], "school.test.");
    let www = dns_rows(&json, "www.school.test.", "A");
    assert_eq!(
        www[0]["answers"],
        serde_json::json!(["CNAME school.test.", "A 203.0.113.1"])
    );
    // A name outside the zone: this server has no say and does not recurse.
    assert_eq!(dns_rows(&json, "example.com.", "A")[0]["rcode"], "REFUSED");
    // mail's TTL of 1 s ran out while the cache was watched: asked again.
    let mail = dns_rows(&json, "mail.school.test.", "A");
    assert!(mail.len() >= 2, "{json}");
    assert_eq!(mail[1]["refreshed"], true);
    assert_eq!(mail[1]["transport"], "udp");
    assert_eq!(json["truncated_then_tcp"], false);
    // A broken zone is a usage error naming its line.
    std::fs::write(&file, "www A 192.0.2.1\nwww MX mail\n").unwrap();
    let params = LabParams::from_pairs(LabName::Dns, [zone.as_str()]).unwrap();
    let err = lab::run_lab(&params, &NullSink, &Cancel::new()).unwrap_err();
    assert!(err.is_usage(), "{err}");
    assert!(err.to_string().contains("zone line 2"), "{err}");
}

#[test]
fn dns_server_answers_a_query_built_by_hand_while_it_serves() {
    use std::net::UdpSocket;
    use std::sync::{Arc, mpsc};
    use std::time::Duration;
    let params = LabParams::from_pairs(LabName::Dns, ["watch=0", "serve=30", "names=www"]).unwrap();
    let (tx, rx) = mpsc::channel();
    let handle = lab::spawn_lab(params, Arc::new(tx)).unwrap();
    let port: u16 = loop {
        match rx.recv_timeout(Duration::from_secs(20)).unwrap() {
            lab::LabEvent::Log {
                key: "lab.dns.serving",
                args,
            } => {
                break args
                    .iter()
                    .find(|(k, _)| *k == "port")
                    .unwrap()
                    .1
                    .parse()
                    .unwrap();
            }
            lab::LabEvent::Failed { error, .. } => panic!("{error}"),
            _ => {}
        }
    };
    // RFC 1035 by hand: id 0xbeef, RD, one question www.lab.test A IN.
    let mut query = vec![0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in ["www", "lab", "test"] {
        query.push(label.len() as u8);
        query.extend_from_slice(label.as_bytes());
    }
    query.extend_from_slice(&[0, 0, 1, 0, 1]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket.send_to(&query, ("127.0.0.1", port)).unwrap();
    let mut buf = [0u8; 512];
    let n = socket.recv(&mut buf).unwrap();
    handle.cancel();
    let answer = &buf[..n];
    assert_eq!(&answer[..2], &[0xbe, 0xef], "same id");
    assert_eq!(answer[2] & 0x80, 0x80, "QR: a response");
    assert_eq!(answer[2] & 0x04, 0x04, "AA: authoritative");
    assert_eq!(answer[3] & 0x0f, 0, "NOERROR");
    assert_eq!(u16::from_be_bytes([answer[6], answer[7]]), 1, "one answer");
    assert_eq!(&answer[n - 4..], &[192, 0, 2, 10], "the zone's address");
}
