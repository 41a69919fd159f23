//! Recorded lab event streams for the Labs panel tests: what each lab really
//! sends (see `lab` module docs), with reports built the way the labs build
//! them. No sockets.
#![allow(dead_code)]

use nettutor::lab::chat::ChatReport;
use nettutor::lab::concurrency::{ClientStage, ClientTiming, ConcurrencyReport, ServerModel};
use nettutor::lab::framing::FramingReport;
use nettutor::lab::port_in_use::{PortInUseReport, PortStep};
use nettutor::lab::session::TranscriptLine;
use nettutor::lab::split::SplitReport;
use nettutor::lab::sticky::StickyReport;
use nettutor::lab::throughput::{RoundTrips, ThroughputReport};
use nettutor::lab::time::{TimeExchange, TimeReport};
use nettutor::lab::udp_boundaries::UdpBoundariesReport;
use nettutor::lab::udp_loss::{TcpUnderPressure, UdpLossReport};
use nettutor::lab::udp_truncate::{DatagramFate, UdpTruncateReport};
use nettutor::lab::unix::{EchoResult, UnixReport};
use nettutor::lab::{LabDetails, LabEvent, LabName, LabReport, Prediction, Side, Transport};
use nettutor::ui::labs::LabRun;

pub fn report(
    lab: LabName,
    details: LabDetails,
    elapsed_ms: u64,
    prediction: Option<(u64, u64)>,
) -> LabEvent {
    let prediction = prediction.map(|(predicted, observed)| Prediction {
        predicted,
        observed,
        matched: predicted == observed,
    });
    LabEvent::Finished {
        report: Box::new(LabReport {
            lab,
            details,
            elapsed_ms,
            prediction,
        }),
    }
}

pub fn sent(index: u64, len: usize) -> LabEvent {
    LabEvent::Sent { index, len }
}

pub fn received(index: u64, len: usize, preview: &str) -> LabEvent {
    LabEvent::Received {
        index,
        len,
        preview: preview.to_string(),
    }
}

/// Ten `hello-<i>` sends read by a late server in two recv() calls.
pub fn sticky_run() -> LabRun {
    let mut events: Vec<LabEvent> = (0..10).map(|i| sent(i, 7)).collect();
    events.push(received(0, 21, "hello-0hello-1hello-2"));
    events.push(received(
        1,
        49,
        "hello-3hello-4hello-5hello-6hello-7hello-8hello-9",
    ));
    let details = LabDetails::Sticky(StickyReport {
        sends: 10,
        recvs: 2,
        bytes_sent: 70,
        bytes_received: 70,
        reads: vec![21, 49],
        nodelay: false,
    });
    events.push(report(LabName::Sticky, details, 204, Some((10, 2))));
    LabRun::recorded(LabName::Sticky, events)
}

pub fn split_run() -> LabRun {
    let reads: Vec<usize> = [
        65_536, 65_536, 32_768, 65_536, 65_536, 65_536, 32_768, 65_536, 65_536, 65_536,
    ]
    .into_iter()
    .chain(std::iter::repeat_n(65_536, 6))
    .collect();
    let total: usize = reads.iter().sum();
    let mut events = vec![sent(0, total)];
    events.extend(
        reads
            .iter()
            .enumerate()
            .map(|(i, len)| received(i as u64, *len, "xxxx")),
    );
    let details = LabDetails::Split(SplitReport {
        sent: total as u64,
        recvs: reads.len() as u64,
        reads: reads.clone(),
        recv_size: 65_536,
        send_calls: 1,
        loopback_mtu: Some(65_536),
        mss: Some(65_483),
    });
    events.push(report(LabName::Split, details, 12, None));
    LabRun::recorded(LabName::Split, events)
}

pub fn framing_run() -> LabRun {
    let mut events = vec![LabEvent::Phase {
        key: "lab.framing.phase.naive",
    }];
    events.extend((0..8).map(|i| sent(i, 9)));
    events.push(received(
        0,
        45,
        "message-0message-1message-2message-3message-4",
    ));
    events.push(received(1, 27, "message-5message-6message-7"));
    events.push(LabEvent::Phase {
        key: "lab.framing.phase.length",
    });
    events.extend((0..8).map(|i| sent(i, 13)));
    events.push(received(0, 104, "\\x00\\x00\\x00\\tmessage-0"));
    let details = LabDetails::Framing(FramingReport {
        sent: 8,
        naive_recovered: 0,
        length_prefix_recovered: 8,
        delimiter_recovered: 8,
        sleep_recovered: 5,
        naive_recvs: 2,
        sleep_recvs: 5,
    });
    events.push(report(LabName::Framing, details, 420, Some((8, 0))));
    LabRun::recorded(LabName::Framing, events)
}

pub fn udp_boundaries_run() -> LabRun {
    // The lab's default: ten 7-byte datagrams (wider than 80 columns at 1 B a cell).
    let mut events: Vec<LabEvent> = (0..10).map(|i| sent(i, 7)).collect();
    events.extend((0..10).map(|i| received(i, 7, &format!("hello-{i}"))));
    let details = LabDetails::UdpBoundaries(UdpBoundariesReport {
        sent: 10,
        received: 10,
        merged: 0,
        reads: vec![7; 10],
    });
    events.push(report(LabName::UdpBoundaries, details, 210, Some((10, 10))));
    LabRun::recorded(LabName::UdpBoundaries, events)
}

pub fn udp_truncate_run() -> LabRun {
    let sizes = [(100, 100, false), (1024, 1024, false), (4000, 1024, true)];
    let mut events = Vec::new();
    for (i, (sent_len, got, _)) in sizes.iter().enumerate() {
        events.push(sent(i as u64, *sent_len));
        events.push(received(i as u64, *got, "abcd"));
    }
    let details = LabDetails::UdpTruncate(UdpTruncateReport {
        family: "ipv4",
        max_payload: 65_507,
        recv_size: 1024,
        datagrams: sizes
            .iter()
            .map(|(s, r, t)| DatagramFate {
                sent_len: *s,
                received_len: *r,
                truncated: *t,
                true_len: *s,
            })
            .collect(),
        oversize_len: 65_508,
        oversize_error: Some("Message too long (os error 90)".to_string()),
    });
    events.push(report(LabName::UdpTruncate, details, 3, Some((4000, 1024))));
    LabRun::recorded(LabName::UdpTruncate, events)
}

/// 2,000 datagrams; 600..900 lost in one burst and every 7th after 1,500.
pub fn lost(seq: u64) -> bool {
    (600..900).contains(&seq) || (seq >= 1500 && seq.is_multiple_of(7))
}

pub fn udp_loss_events() -> Vec<LabEvent> {
    let mut events = vec![LabEvent::Phase {
        key: "lab.udp-loss.phase.udp",
    }];
    for seq in 0..2000u64 {
        if seq % 500 == 0 {
            events.push(LabEvent::Progress {
                done: seq,
                total: 2000,
            });
        }
        if !lost(seq) {
            events.push(LabEvent::Datagram {
                seq,
                received: true,
            });
        }
    }
    events.push(LabEvent::Progress {
        done: 2000,
        total: 2000,
    });
    events
}

pub fn udp_loss_run() -> LabRun {
    let mut events = udp_loss_events();
    events.push(LabEvent::Phase {
        key: "lab.udp-loss.phase.tcp",
    });
    events.push(LabEvent::Progress {
        done: 2000,
        total: 2000,
    });
    let lost_count = (0..2000).filter(|s| lost(*s)).count() as u64;
    let details = LabDetails::UdpLoss(UdpLossReport {
        sent: 2000,
        received: 2000 - lost_count,
        lost: lost_count,
        kernel_rcvbuf_errors: lost_count,
        snmp_available: true,
        socket_drops: Some(lost_count),
        rcvbuf_requested: 4096,
        rcvbuf_effective: 8192,
        send_rate: 3000,
        read_rate: Some(2000),
        udp_elapsed_ms: 130,
        tcp: TcpUnderPressure {
            sent: 2000,
            received: 2000,
            lost: 0,
            elapsed_ms: 95,
            blocked_writes: 17,
            blocked_ms: 60,
        },
    });
    events.push(report(
        LabName::UdpLoss,
        details,
        260,
        Some((2000, 2000 - lost_count)),
    ));
    LabRun::recorded(LabName::UdpLoss, events)
}

pub fn port_in_use_run() -> LabRun {
    let busy = "Address already in use (os error 98)";
    let steps = [
        ("listen", None),
        ("bind-busy", Some(busy)),
        ("udp-same-port", None),
        ("time-wait", None),
        ("restart-without-reuseaddr", Some(busy)),
        ("restart-with-reuseaddr", None),
    ];
    let mut events = Vec::new();
    for (index, (name, error)) in steps.iter().enumerate() {
        events.push(LabEvent::Step {
            index,
            name,
            ok: error.is_none(),
            error: error.map(str::to_string),
        });
    }
    let details = LabDetails::PortInUse(PortInUseReport {
        port: 40_000,
        steps: steps
            .iter()
            .map(|(step, error)| PortStep {
                step,
                ok: error.is_none(),
                error: error.map(str::to_string),
                is_bind: *step != "time-wait",
            })
            .collect(),
    });
    events.push(report(LabName::PortInUse, details, 80, Some((1, 2))));
    LabRun::recorded(LabName::PortInUse, events)
}

pub fn line(side: Side, sent: bool, text: &str) -> LabEvent {
    LabEvent::Line {
        side,
        sent,
        text: text.to_string(),
    }
}

pub fn conversation(lines: &[(Side, &str)]) -> (Vec<LabEvent>, Vec<TranscriptLine>) {
    let mut events = Vec::new();
    let mut transcript = Vec::new();
    for (from, text) in lines {
        let to = if *from == Side::Client {
            Side::Server
        } else {
            Side::Client
        };
        events.push(line(*from, true, text));
        events.push(line(to, false, text));
        transcript.push(TranscriptLine {
            from: *from,
            text: text.to_string(),
        });
    }
    (events, transcript)
}

pub fn chat_run() -> LabRun {
    let (mut events, transcript) = conversation(&[
        (Side::Client, "hello, server"),
        (
            Side::Server,
            "hello, client: I learned your address from your message",
        ),
        (Side::Client, "what is a socket?"),
        (Side::Server, "an endpoint: an address and a port"),
        (Side::Client, "bye"),
    ]);
    let details = LabDetails::Chat(ChatReport {
        transport: Transport::Udp,
        lines: 5,
        transcript,
        ended_by_bye: true,
    });
    events.push(report(LabName::Chat, details, 55, Some((5, 5))));
    LabRun::recorded(LabName::Chat, events)
}

pub fn time_run() -> LabRun {
    let pairs = [
        ("1700000000", "2023-11-14T22:13:20Z"),
        (
            "__import__('os').system('echo pwned')",
            "error: not a whole number of seconds",
        ),
    ];
    let script: Vec<(Side, &str)> = pairs
        .iter()
        .flat_map(|(q, a)| [(Side::Client, *q), (Side::Server, *a)])
        .collect();
    let (mut events, _) = conversation(&script);
    let exchanges = pairs
        .iter()
        .map(|(q, a)| TimeExchange {
            request: q.to_string(),
            reply: a.to_string(),
            refused: a.starts_with("error: "),
        })
        .collect();
    let details = LabDetails::Time(TimeReport {
        transport: Transport::Tcp,
        exchanges,
        refused: 1,
    });
    events.push(report(LabName::Time, details, 40, None));
    LabRun::recorded(LabName::Time, events)
}

pub fn unix_run() -> LabRun {
    let events = vec![
        LabEvent::Phase {
            key: "lab.unix.phase.unix",
        },
        LabEvent::Progress {
            done: 10,
            total: 10,
        },
        LabEvent::Phase {
            key: "lab.unix.phase.inet",
        },
        LabEvent::Progress {
            done: 10,
            total: 10,
        },
        report(
            LabName::Unix,
            LabDetails::Unix(UnixReport {
                unix: EchoResult {
                    messages: 10,
                    echoed: 10,
                    rtt_us: 14,
                    address: "nettutor.sock".into(),
                },
                inet: EchoResult {
                    messages: 10,
                    echoed: 10,
                    rtt_us: 22,
                    address: "127.0.0.1:PORT".into(),
                },
                socket_file_seen: true,
                socket_file_removed: true,
            }),
            9,
            Some((10, 10)),
        ),
    ];
    LabRun::recorded(LabName::Unix, events)
}

/// Throughput mid-run (its report is drawn from JSON once it lands).
pub fn throughput_running() -> LabRun {
    let mut events = vec![LabEvent::Phase {
        key: "lab.throughput.phase.tcp",
    }];
    for i in 1..=20u64 {
        let wobble = [0.0, 120.0, -80.0, 40.0][(i % 4) as usize];
        events.push(LabEvent::Sample {
            series: "tcp",
            elapsed_ms: i * 100,
            value: 2400.0 + wobble,
        });
        events.push(LabEvent::Sample {
            series: "udp",
            elapsed_ms: i * 100,
            value: 900.0 - wobble,
        });
    }
    events.push(LabEvent::Progress {
        done: 2000,
        total: 4000,
    });
    let mut run = LabRun::recorded(LabName::Throughput, events);
    run.elapsed_ms = 2000;
    run
}

pub fn throughput_run() -> LabRun {
    let mut run = throughput_running();
    run.events.push(LabEvent::Phase {
        key: "lab.throughput.phase.udp",
    });
    for i in 1..=20u64 {
        run.events.push(LabEvent::Sample {
            series: "udp",
            elapsed_ms: i * 100,
            value: 900.0,
        });
    }
    let details = LabDetails::Throughput(ThroughputReport {
        tcp_mbytes_per_s: 2401.5,
        udp_mbytes_per_s: 902.3,
        udp_loss_percent: 0.4,
        rtt_us: RoundTrips { tcp: 21, udp: 17 },
        seconds: 2,
        tcp_bytes: 4_803_000_000,
        udp_sent: 1_860_000,
        udp_received: 1_852_560,
        udp_datagram_size: 1000,
    });
    run.push(report(
        LabName::Throughput,
        details,
        6100,
        Some((2000, 2401)),
    ));
    run
}

/// udp-loss while the UDP part is still sending (the progress bar shows).
pub fn udp_loss_running() -> LabRun {
    let events: Vec<LabEvent> = udp_loss_events()
        .into_iter()
        .filter(|ev| !matches!(ev, LabEvent::Datagram { seq, .. } if *seq >= 1200))
        .filter(|ev| !matches!(ev, LabEvent::Progress { done, .. } if *done > 1000))
        .collect();
    let mut run = LabRun::recorded(LabName::UdpLoss, events);
    run.elapsed_ms = 800;
    run
}

/// Four clients at an iterative server, 200 ms each: a staircase.
pub fn concurrency_iterative() -> LabRun {
    concurrency_run(ServerModel::Iterative, 200.0)
}

/// The same four clients served by threads: one block.
pub fn concurrency_threads() -> LabRun {
    concurrency_run(ServerModel::Threads, 0.0)
}

fn concurrency_run(model: ServerModel, step: f64) -> LabRun {
    let clients: Vec<ClientTiming> = (0..4)
        .map(|k| {
            let first = 1.5 + step * f64::from(k);
            ClientTiming {
                connect_ms: 0.4,
                first_reply_ms: first,
                done_ms: first + 200.0,
            }
        })
        .collect();
    let mut events = Vec::new();
    for (index, c) in clients.iter().enumerate() {
        for (stage, at_ms) in [
            (ClientStage::Connected, c.connect_ms),
            (ClientStage::FirstReply, c.first_reply_ms),
            (ClientStage::Done, c.done_ms),
        ] {
            events.push(LabEvent::Client {
                index,
                stage,
                at_ms,
            });
        }
    }
    let peak = if step > 0.0 { 3 } else { 0 };
    let max_wait_ms = clients.iter().map(|c| c.first_reply_ms).fold(0.0, f64::max);
    let details = LabDetails::Concurrency(ConcurrencyReport {
        model,
        service_ms: 200,
        clients,
        max_wait_ms,
        accept_queue_peak: Some(peak),
        backlog: Some(16),
    });
    events.push(report(
        LabName::Concurrency,
        details,
        820,
        Some((200, max_wait_ms as u64)),
    ));
    LabRun::recorded(LabName::Concurrency, events)
}

/// The five error cases, as the lab reports them.
pub fn errors_run() -> LabRun {
    use nettutor::lab::errors::{ErrorCase, ErrorsReport, RefusedCapture, TappedSegment};
    let rows = [
        (
            "refused",
            "connect",
            Some((
                "ECONNREFUSED",
                "ConnectionRefusedError",
                "Connection refused (os error 111)",
            )),
        ),
        (
            "reset",
            "recv",
            Some((
                "ECONNRESET",
                "ConnectionResetError",
                "Connection reset by peer (os error 104)",
            )),
        ),
        (
            "broken-pipe",
            "send",
            Some(("EPIPE", "BrokenPipeError", "Broken pipe (os error 32)")),
        ),
        (
            "timeout",
            "recv",
            Some((
                "EAGAIN",
                "TimeoutError",
                "Resource temporarily unavailable (os error 11)",
            )),
        ),
        ("keepalive", "recv", None),
        (
            "vanished",
            "recv",
            Some((
                "ETIMEDOUT",
                "TimeoutError",
                "Connection timed out (os error 110)",
            )),
        ),
    ];
    let mut events = Vec::new();
    let mut cases = Vec::new();
    for (index, (case, call, error)) in rows.into_iter().enumerate() {
        events.push(LabEvent::Step {
            index,
            name: case,
            ok: true,
            error: Some(match error {
                Some((errno, python, message)) => format!("{errno} → Python {python}: {message}"),
                None => "no error".to_string(),
            }),
        });
        cases.push(ErrorCase {
            case,
            call,
            errno: error.map(|e| e.0),
            python: error.map(|e| e.1),
            message: error.map(|e| e.2.to_string()),
            expected: true,
            sends_before_error: (case == "broken-pipe").then_some(1),
            ms: if case == "vanished" { 4012.0 } else { 1.0 },
            skipped: None,
            probes_unanswered: (case == "vanished").then_some(3),
        });
    }
    let segment = |src_port, dst_port, flags: &str| TappedSegment {
        src_port,
        dst_port,
        flags: flags.into(),
    };
    let capture = RefusedCapture {
        port: 40111,
        captured: true,
        reason: None,
        no_permission: false,
        segments: vec![
            segment(40112, 40111, "SYN"),
            segment(40111, 40112, "RST,ACK"),
        ],
        frames: Vec::new(),
    };
    let details = LabDetails::Errors(ErrorsReport { cases, capture });
    events.push(report(LabName::Errors, details, 7700, Some((5, 5))));
    LabRun::recorded(LabName::Errors, events)
}

/// The http lab's four requests and their answers.
pub fn http_run() -> LabRun {
    use nettutor::lab::http::{Framing, HttpReport, HttpRequestSeen, HttpResponseSeen};
    let req = |method: &str, path: &str, body_len, framing| HttpRequestSeen {
        method: method.into(),
        path: path.into(),
        headers: vec![("Host".into(), "127.0.0.1".into())],
        body_len,
        framing,
    };
    let res = |content_length: Option<u64>, chunked, bytes, body: &str| HttpResponseSeen {
        status: 200,
        content_length,
        chunked,
        bytes,
        body: body.into(),
    };
    let details = LabDetails::Http(HttpReport {
        requests: vec![
            req("GET", "/", 0, Framing::None),
            req("GET", "/chunked", 0, Framing::None),
            req("POST", "/echo", 11, Framing::ContentLength),
            req("POST", "/echo", 11, Framing::Chunked),
        ],
        responses: vec![
            res(Some(31), false, 31, "hello from nettutor's http lab\\n"),
            res(None, true, 21, "7\\r\\nhello, …"),
            res(Some(13), false, 13, "got 11 bytes\\n"),
            res(Some(13), false, 13, "got 11 bytes\\n"),
        ],
        byte_by_byte_writes: 61,
        pipelined_in_one_write: 3,
        first_request: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: nettutor-lab\r\n\r\n"
            .into(),
        url: None,
        served: Vec::new(),
    });
    let events = vec![report(LabName::Http, details, 82, Some((1, 3)))];
    LabRun::recorded(LabName::Http, events)
}

fn dns_query(
    name: &str,
    rtype: &str,
    transport: nettutor::lab::dns::Via,
    rcode: &str,
    answers: &[&str],
    ttl: Option<u32>,
    truncated: bool,
) -> nettutor::lab::dns::DnsQuery {
    nettutor::lab::dns::DnsQuery {
        name: name.into(),
        rtype: rtype.into(),
        transport,
        rcode: rcode.into(),
        answers: answers.iter().map(|a| a.to_string()).collect(),
        ttl,
        truncated,
        id: 0x3794,
        query_bytes: 30,
        response_bytes: 46,
        ms: 0.2,
        refreshed: false,
    }
}

/// The dns lab's default run (the cache watched for 3 s), as its report.
pub fn dns_run() -> LabRun {
    use nettutor::lab::dns::{CacheLeft, DnsReport, Via};
    let many: Vec<String> = (1..=40).map(|i| format!("A 198.51.100.{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let www = ["A 192.0.2.10"];
    let mut refreshed = dns_query(
        "short.lab.test.",
        "A",
        Via::Udp,
        "NOERROR",
        &["A 192.0.2.11"],
        Some(2),
        false,
    );
    refreshed.refreshed = true;
    let queries = vec![
        dns_query(
            "www.lab.test.",
            "A",
            Via::Udp,
            "NOERROR",
            &www,
            Some(30),
            false,
        ),
        dns_query(
            "www.lab.test.",
            "AAAA",
            Via::Udp,
            "NOERROR",
            &["AAAA 2001:db8::10"],
            Some(30),
            false,
        ),
        dns_query(
            "web.lab.test.",
            "A",
            Via::Udp,
            "NOERROR",
            &["CNAME www.lab.test.", "A 192.0.2.10"],
            Some(30),
            false,
        ),
        dns_query(
            "many.lab.test.",
            "A",
            Via::Udp,
            "NOERROR",
            &many[..30],
            Some(60),
            true,
        ),
        dns_query(
            "many.lab.test.",
            "A",
            Via::Tcp,
            "NOERROR",
            &many,
            Some(60),
            false,
        ),
        dns_query(
            "nosuch.lab.test.",
            "A",
            Via::Udp,
            "NXDOMAIN",
            &[],
            None,
            false,
        ),
        dns_query(
            "short.lab.test.",
            "A",
            Via::Udp,
            "NOERROR",
            &["A 192.0.2.11"],
            Some(2),
            false,
        ),
        dns_query(
            "www.lab.test.",
            "A",
            Via::Cache,
            "NOERROR",
            &www,
            Some(30),
            false,
        ),
        refreshed,
    ];
    let left = |name: &str, rtype: &str, ttl_left| CacheLeft {
        name: name.into(),
        rtype: rtype.into(),
        ttl_left,
    };
    let details = LabDetails::Dns(DnsReport {
        queries,
        truncated_then_tcp: true,
        answers_in_truncated: 30,
        server: "127.0.0.1:36110".into(),
        zone_origin: "lab.test.".into(),
        zone_records: 44,
        cache: vec![
            left("www.lab.test.", "A", 27),
            left("www.lab.test.", "AAAA", 27),
            left("web.lab.test.", "A", 27),
            left("many.lab.test.", "A", 57),
            left("short.lab.test.", "A", 1),
        ],
        wire: Vec::new(),
    });
    let events = vec![report(LabName::Dns, details, 3007, Some((20, 30)))];
    LabRun::recorded(LabName::Dns, events)
}

/// The dns lab while it watches the cache: the query log so far.
pub fn dns_running() -> LabRun {
    let log = |key: &'static str, args: &[(&'static str, &str)]| LabEvent::Log {
        key,
        args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
    };
    let q = |transport: &str, name: &str, bytes: &str| {
        log(
            "lab.dns.query",
            &[
                ("transport", transport),
                ("name", name),
                ("type", "A"),
                ("id", "14228"),
                ("bytes", bytes),
            ],
        )
    };
    let served = |key, transport: &str, name: &str, answers: &str, bytes: &str| {
        log(
            key,
            &[
                ("transport", transport),
                ("name", name),
                ("type", "A"),
                ("rcode", "NOERROR"),
                ("answers", answers),
                ("bytes", bytes),
            ],
        )
    };
    let events = vec![
        q("UDP", "www.lab.test.", "30"),
        served("lab.dns.served", "UDP", "www.lab.test.", "1", "46"),
        q("UDP", "many.lab.test.", "31"),
        served("lab.dns.served-tc", "UDP", "many.lab.test.", "30", "511"),
        LabEvent::log("lab.dns.retry-tcp"),
        q("TCP", "many.lab.test.", "31"),
        served("lab.dns.served", "TCP", "many.lab.test.", "40", "671"),
        log(
            "lab.dns.cache-hit",
            &[("name", "www.lab.test."), ("type", "A"), ("ttl", "30")],
        ),
        LabEvent::Phase {
            key: "lab.dns.phase.cache",
        },
        log(
            "lab.dns.tick",
            &[
                ("second", "1"),
                ("entries", "www A 29 s · many A 59 s · short A 1 s"),
            ],
        ),
        log(
            "lab.dns.tick",
            &[
                ("second", "2"),
                ("entries", "www A 28 s · many A 58 s · short A 0 s"),
            ],
        ),
        log(
            "lab.dns.expired",
            &[("name", "short.lab.test."), ("type", "A")],
        ),
    ];
    LabRun::recorded(LabName::Dns, events)
}

/// One message of the dhcp lab as its report records it (payload left out:
/// the picture reads the fields).
#[allow(clippy::too_many_arguments)]
fn dhcp_msg(
    code: u8,
    from: nettutor::lab::dhcp::Node,
    to: nettutor::lab::dhcp::Node,
    xid: &str,
    yiaddr: &str,
    giaddr: &str,
    lan: (&str, &str),
    renewal: bool,
) -> nettutor::lab::dhcp::DhcpMessage {
    use nettutor::lab::dhcp::{CLIENT_MAC, DhcpMessage, LanView, SERVER_MAC};
    let kind = match code {
        1 => "DHCPDISCOVER",
        2 => "DHCPOFFER",
        3 => "DHCPREQUEST",
        _ => "DHCPACK",
    };
    let lan_src: std::net::SocketAddrV4 = lan.0.parse().unwrap();
    let lan_dst: std::net::SocketAddrV4 = lan.1.parse().unwrap();
    let mut options = std::collections::BTreeMap::new();
    options.insert(53u8, serde_json::json!(code));
    if code == 3 && !renewal {
        options.insert(50u8, serde_json::json!("192.168.1.100"));
    }
    let mut m = DhcpMessage {
        kind: kind.into(),
        code,
        from,
        to,
        op: if code % 2 == 1 { 1 } else { 2 },
        xid: xid.into(),
        broadcast_flag: !renewal,
        hops: u8::from(
            from == nettutor::lab::dhcp::Node::Relay && to == nettutor::lab::dhcp::Node::Server,
        ),
        ciaddr: if renewal && code == 3 {
            "192.168.1.100".parse().unwrap()
        } else {
            std::net::Ipv4Addr::UNSPECIFIED
        },
        yiaddr: yiaddr.parse().unwrap(),
        siaddr: std::net::Ipv4Addr::UNSPECIFIED,
        giaddr: giaddr.parse().unwrap(),
        chaddr: "02:4e:54:00:00:0c".into(),
        options,
        lan_src,
        lan_dst,
        lan_broadcast: lan_dst.ip().is_broadcast(),
        loopback_src: "127.0.0.1:40001".parse().unwrap(),
        loopback_dst: "127.0.0.1:40002".parse().unwrap(),
        bytes: 300,
        at_ms: 1.0,
        renewal,
        payload: Vec::new(),
        at: std::time::Duration::ZERO,
        lan: LanView {
            src: lan_src,
            dst: lan_dst,
            eth_src: CLIENT_MAC,
            eth_dst: SERVER_MAC,
        },
    };
    m.payload = dhcp_payload(&m);
    m
}

/// The DHCP message `m` describes, encoded as the lab encodes it (so the
/// packet inspector has real bytes to take apart).
fn dhcp_payload(m: &nettutor::lab::dhcp::DhcpMessage) -> Vec<u8> {
    use dhcproto::v4::{DhcpOption, Flags, Message, MessageType, Opcode};
    let mut msg = Message::default();
    msg.set_opcode(if m.op == 1 {
        Opcode::BootRequest
    } else {
        Opcode::BootReply
    })
    .set_xid(u32::from_str_radix(m.xid.trim_start_matches("0x"), 16).unwrap())
    .set_hops(m.hops)
    .set_ciaddr(m.ciaddr)
    .set_yiaddr(m.yiaddr)
    .set_giaddr(m.giaddr)
    .set_chaddr(&nettutor::lab::dhcp::CLIENT_MAC.octets());
    if m.broadcast_flag {
        msg.set_flags(Flags::default().set_broadcast());
    }
    let opts = msg.opts_mut();
    opts.insert(DhcpOption::MessageType(MessageType::from(m.code)));
    if let Some(ip) = m.options.get(&50).and_then(|v| v.as_str()) {
        opts.insert(DhcpOption::RequestedIpAddress(ip.parse().unwrap()));
    }
    if m.op == 2 {
        let router = if m.giaddr.is_unspecified() {
            "192.168.1.1".parse().unwrap()
        } else {
            m.giaddr
        };
        opts.insert(DhcpOption::ServerIdentifier("192.168.1.1".parse().unwrap()));
        opts.insert(DhcpOption::AddressLeaseTime(8));
        opts.insert(DhcpOption::Renewal(4));
        opts.insert(DhcpOption::Rebinding(7));
        opts.insert(DhcpOption::SubnetMask("255.255.255.0".parse().unwrap()));
        opts.insert(DhcpOption::Router(vec![router]));
        opts.insert(DhcpOption::DomainNameServer(vec![router]));
    }
    nettutor::lab::dhcp::encode(&msg).unwrap()
}

fn dhcp_lease(address: &str, router: &str) -> nettutor::lab::dhcp::Lease {
    nettutor::lab::dhcp::Lease {
        address: address.parse().unwrap(),
        mask: "255.255.255.0".parse().unwrap(),
        router: vec![router.parse().unwrap()],
        dns: vec![router.parse().unwrap()],
        server_id: "192.168.1.1".parse().unwrap(),
        lease_s: 8,
        t1_s: 4,
        t2_s: 7,
        bound_at_ms: 2.1,
    }
}

/// The dhcp lab's default run: DORA with the broadcast flag, then the
/// renewal at T1 (4 s of an 8 s lease).
pub fn dhcp_run() -> LabRun {
    use nettutor::lab::dhcp::{DhcpReport, Node, Renewal};
    let (c, s) = (Node::Client, Node::Server);
    let x = "0x3903f326";
    let y = "0x5c11a0b7";
    let zero = "0.0.0.0";
    let ip = "192.168.1.100";
    let messages = vec![
        dhcp_msg(
            1,
            c,
            s,
            x,
            zero,
            zero,
            ("0.0.0.0:68", "255.255.255.255:67"),
            false,
        ),
        dhcp_msg(
            2,
            s,
            c,
            x,
            ip,
            zero,
            ("192.168.1.1:67", "255.255.255.255:68"),
            false,
        ),
        dhcp_msg(
            3,
            c,
            s,
            x,
            zero,
            zero,
            ("0.0.0.0:68", "255.255.255.255:67"),
            false,
        ),
        dhcp_msg(
            5,
            s,
            c,
            x,
            ip,
            zero,
            ("192.168.1.1:67", "255.255.255.255:68"),
            false,
        ),
        dhcp_msg(
            3,
            c,
            s,
            y,
            zero,
            zero,
            ("192.168.1.100:68", "192.168.1.1:67"),
            true,
        ),
        dhcp_msg(
            5,
            s,
            c,
            y,
            ip,
            zero,
            ("192.168.1.1:67", "192.168.1.100:68"),
            true,
        ),
    ];
    let details = LabDetails::Dhcp(DhcpReport {
        messages,
        dora: vec![1, 2, 3, 5],
        lease: dhcp_lease(ip, "192.168.1.1"),
        renewal: Some(Renewal {
            after_s: 4.0,
            unicast: true,
            acked: true,
            lease_s: 8,
        }),
        server: "127.0.0.1:40002".parse().unwrap(),
        client: "127.0.0.1:40001".parse().unwrap(),
        relay: None,
    });
    let events = vec![report(LabName::Dhcp, details, 4012, Some((8, 4)))];
    LabRun::recorded(LabName::Dhcp, events)
}

/// The dhcp lab through a relay agent, without the renewal: eight messages.
pub fn dhcp_relay_run() -> LabRun {
    use nettutor::lab::dhcp::{DhcpReport, Node};
    let (c, r, s) = (Node::Client, Node::Relay, Node::Server);
    let x = "0x77e0c1d2";
    let (zero, g) = ("0.0.0.0", "192.168.2.1");
    let ip = "192.168.2.100";
    let up = ("192.168.2.1:67", "192.168.1.1:67");
    let down = ("192.168.1.1:67", "192.168.2.1:67");
    let mut messages = vec![
        dhcp_msg(
            1,
            c,
            r,
            x,
            zero,
            zero,
            ("0.0.0.0:68", "255.255.255.255:67"),
            false,
        ),
        dhcp_msg(1, r, s, x, zero, g, up, false),
        dhcp_msg(2, s, r, x, ip, g, down, false),
        dhcp_msg(
            2,
            r,
            c,
            x,
            ip,
            g,
            ("192.168.2.1:67", "255.255.255.255:68"),
            false,
        ),
        dhcp_msg(
            3,
            c,
            r,
            x,
            zero,
            zero,
            ("0.0.0.0:68", "255.255.255.255:67"),
            false,
        ),
        dhcp_msg(3, r, s, x, zero, g, up, false),
        dhcp_msg(5, s, r, x, ip, g, down, false),
        dhcp_msg(
            5,
            r,
            c,
            x,
            ip,
            g,
            ("192.168.2.1:67", "255.255.255.255:68"),
            false,
        ),
    ];
    for m in messages.iter_mut().filter(|m| m.code == 3) {
        m.options.insert(50, serde_json::json!(ip));
        m.payload = dhcp_payload(m);
    }
    let details = LabDetails::Dhcp(DhcpReport {
        messages,
        dora: vec![1, 2, 3, 5],
        lease: dhcp_lease(ip, g),
        renewal: None,
        server: "127.0.0.1:40002".parse().unwrap(),
        client: "127.0.0.1:40001".parse().unwrap(),
        relay: Some("127.0.0.1:40003".parse().unwrap()),
    });
    let events = vec![report(LabName::Dhcp, details, 7, None)];
    LabRun::recorded(LabName::Dhcp, events)
}

/// The dhcp lab while bound: the log so far, the lease counting down.
pub fn dhcp_running() -> LabRun {
    let log = |key: &'static str, args: &[(&'static str, &str)]| LabEvent::Log {
        key,
        args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
    };
    let sent = |key, kind: &str, src: &str, dst: &str, detail: &str| {
        log(
            key,
            &[
                ("type", kind),
                ("xid", "0x3903f326"),
                ("src", src),
                ("dst", dst),
                ("detail", detail),
            ],
        )
    };
    let tick = |second: &str, left: &str, t1: &str| {
        log(
            "lab.dhcp.tick",
            &[
                ("second", second),
                ("address", "192.168.1.100"),
                ("left", left),
                ("t1", t1),
            ],
        )
    };
    let (c, b) = ("0.0.0.0:68", "255.255.255.255:67");
    let (srv, bc) = ("192.168.1.1:67", "255.255.255.255:68");
    let events = vec![
        log(
            "lab.dhcp.ports",
            &[("server", "127.0.0.1:40002"), ("client", "127.0.0.1:40001")],
        ),
        sent("lab.dhcp.sent.client-broadcast", "DHCPDISCOVER", c, b, ""),
        sent(
            "lab.dhcp.sent.server-broadcast",
            "DHCPOFFER",
            srv,
            bc,
            "yiaddr 192.168.1.100, 51=8 s",
        ),
        sent(
            "lab.dhcp.sent.client-broadcast",
            "DHCPREQUEST",
            c,
            b,
            "50=192.168.1.100",
        ),
        sent(
            "lab.dhcp.sent.server-broadcast",
            "DHCPACK",
            srv,
            bc,
            "yiaddr 192.168.1.100, 51=8 s",
        ),
        log(
            "lab.dhcp.bound",
            &[
                ("address", "192.168.1.100"),
                ("mask", "255.255.255.0"),
                ("router", "192.168.1.1"),
                ("dns", "192.168.1.1"),
                ("lease", "8"),
                ("t1", "4"),
                ("t2", "7"),
            ],
        ),
        LabEvent::Phase {
            key: "lab.dhcp.phase.bound",
        },
        tick("1", "7", "3"),
        tick("2", "6", "2"),
    ];
    LabRun::recorded(LabName::Dhcp, events)
}

pub fn all_runs() -> Vec<(&'static str, LabRun)> {
    vec![
        ("http", http_run()),
        ("dns", dns_run()),
        ("dns_running", dns_running()),
        ("dhcp", dhcp_run()),
        ("dhcp_relay", dhcp_relay_run()),
        ("dhcp_running", dhcp_running()),
        ("errors", errors_run()),
        ("concurrency_iterative", concurrency_iterative()),
        ("concurrency_threads", concurrency_threads()),
        ("sticky", sticky_run()),
        ("split", split_run()),
        ("framing", framing_run()),
        ("udp_boundaries", udp_boundaries_run()),
        ("udp_truncate", udp_truncate_run()),
        ("udp_loss", udp_loss_run()),
        ("udp_loss_running", udp_loss_running()),
        ("port_in_use", port_in_use_run()),
        ("chat", chat_run()),
        ("time", time_run()),
        ("unix", unix_run()),
        ("throughput_running", throughput_running()),
        ("throughput", throughput_run()),
    ]
}
