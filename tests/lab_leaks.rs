#![allow(clippy::unwrap_used)]
//! No lab leaves a file descriptor or a thread behind, on success, on cancel and
//! on the interactive sessions. One test function: fd and thread counts are per
//! process, so nothing else may run beside it in this binary.

use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use nettutor::lab::{self, Cancel, LabEvent, LabName, LabParams, NullSink, Side, Transport};

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn fds() -> usize {
    count("/proc/self/fd")
}

fn threads() -> usize {
    count("/proc/self/task")
}

/// Short options per lab so the whole tour takes a few seconds.
fn quick(lab: LabName) -> LabParams {
    let pairs: &[&str] = match lab {
        LabName::UdpLoss => &["count=2000"],
        LabName::Throughput => &["seconds=1"],
        LabName::Unix => &["count=100"],
        LabName::Concurrency => &["clients=3", "service-ms=50"],
        LabName::Errors => &["timeout-ms=50", "keepalive-s=1"],
        LabName::Http => &[],
        LabName::Dns => &["watch=0"],
        LabName::Dhcp => &["renew=false"],
        LabName::Framing => &["count=8", "delay=20", "pause=30", "gap=5"],
        _ => &[],
    };
    LabParams::from_pairs(lab, pairs.iter().copied()).unwrap()
}

/// Long options: each lab would run for seconds if not cancelled.
fn slow(lab: LabName) -> Option<LabParams> {
    let pairs: &[&str] = match lab {
        LabName::Sticky | LabName::UdpBoundaries => &["delay=5000"],
        LabName::Framing => &["delay=5000"],
        LabName::UdpLoss => &["count=10000", "pause-us=2000"],
        LabName::Throughput => &["seconds=10"],
        LabName::Concurrency => &["clients=10", "service-ms=500"],
        LabName::Errors => &["timeout-ms=2000", "keepalive-s=3"],
        LabName::Http => &["serve=600"],
        LabName::Dns => &["watch=60"],
        LabName::Dhcp => &["lease=60"],
        LabName::Unix => &["count=100000", "message=a longer message to echo back"],
        LabName::Split => &["size=67108864", "recv-size=256"],
        _ => return None,
    };
    Some(LabParams::from_pairs(lab, pairs.iter().copied()).unwrap())
}

fn settle(fd_base: usize, thread_base: usize, what: &str) {
    // Joined threads vanish from /proc/self/task at once; allow a moment anyway.
    let end = Instant::now() + Duration::from_secs(1);
    while (fds() != fd_base || threads() != thread_base) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(fds(), fd_base, "{what}: file descriptors leaked");
    assert_eq!(threads(), thread_base, "{what}: threads leaked");
}

/// Cancels `handle` and checks it stopped promptly, its last event saying so.
fn cancel_promptly(handle: lab::LabHandle, rx: &mpsc::Receiver<LabEvent>, what: &str) {
    let asked = Instant::now();
    handle.cancel();
    let waited = asked.elapsed();
    // Cancelling is prompt when it takes a poll interval or two; the bound is
    // loose (a debug build on a busy shared machine once took 550 ms for split)
    // so that only a cancel that hangs on a blocking call fails here.
    assert!(
        waited < Duration::from_secs(3),
        "{what}: cancel took {waited:?}"
    );
    let last = rx.try_iter().last().unwrap();
    assert!(
        matches!(
            last,
            LabEvent::Failed {
                cancelled: true,
                ..
            }
        ),
        "{what}: last event {last:?}"
    );
}

#[test]
fn labs_leave_nothing_behind_whether_finished_or_cancelled() {
    // The errors lab's `vanished` case runs nettutor's virtual-network process.
    nettutor::vnet::lab::use_executable(std::path::Path::new(env!("CARGO_BIN_EXE_nettutor")));
    // Warm up lazily created process state (std's internals, i18n table).
    lab::run_lab(&quick(LabName::Sticky), &NullSink, &Cancel::new()).unwrap();
    let fd_base = fds();
    let thread_base = threads();

    for &lab_name in LabName::ALL {
        let start = Instant::now();
        let report = lab::run_lab(&quick(lab_name), &NullSink, &Cancel::new()).unwrap();
        eprintln!("{lab_name}: {} ms", start.elapsed().as_millis());
        assert_eq!(report.lab, lab_name);
        settle(fd_base, thread_base, lab_name.as_str());
    }

    // The concurrency lab's other servers: a thread per client, epoll, tokio.
    for model in ["threads", "select", "async"] {
        let pairs = ["clients=3", "service-ms=50", &format!("model={model}")].map(String::from);
        let params =
            LabParams::from_pairs(LabName::Concurrency, pairs.iter().map(String::as_str)).unwrap();
        lab::run_lab(&params, &NullSink, &Cancel::new()).unwrap();
        settle(fd_base, thread_base, &format!("concurrency {model}"));
        // And cancelled half-way through its clients' work.
        let pairs = ["clients=10", "service-ms=500", &format!("model={model}")].map(String::from);
        let params =
            LabParams::from_pairs(LabName::Concurrency, pairs.iter().map(String::as_str)).unwrap();
        let (tx, _rx) = mpsc::channel::<LabEvent>();
        let handle = lab::spawn_lab(params, Arc::new(tx)).unwrap();
        std::thread::sleep(Duration::from_millis(150));
        handle.cancel();
        settle(
            fd_base,
            thread_base,
            &format!("concurrency {model} cancelled"),
        );
    }

    for &lab_name in LabName::ALL {
        let Some(params) = slow(lab_name) else {
            continue;
        };
        let (tx, rx) = mpsc::channel::<LabEvent>();
        let handle = lab::spawn_lab(params, Arc::new(tx)).unwrap();
        std::thread::sleep(Duration::from_millis(150));
        cancel_promptly(handle, &rx, lab_name.as_str());
        settle(fd_base, thread_base, &format!("{lab_name} cancelled"));
    }

    // The errors lab cancelled while its `vanished` case runs in the virtual
    // network: the lab process is killed and reaped, its reader joined.
    let params = LabParams::from_pairs(LabName::Errors, ["timeout-ms=50"]).unwrap();
    let (tx, rx) = mpsc::channel::<LabEvent>();
    let handle = lab::spawn_lab(params, Arc::new(tx)).unwrap();
    let keepalive_done = rx
        .iter()
        .any(|ev| matches!(ev, LabEvent::Step { name, .. } if name == "keepalive"));
    assert!(
        keepalive_done,
        "the errors lab ended before its keepalive case"
    );
    std::thread::sleep(Duration::from_millis(500));
    cancel_promptly(handle, &rx, "errors vanished");
    settle(
        fd_base,
        thread_base,
        "errors cancelled in its vanished case",
    );

    // Interactive sessions: closed mid-conversation, and simply dropped.
    for transport in [Transport::Tcp, Transport::Udp] {
        let (tx, _rx) = mpsc::channel::<LabEvent>();
        let session = lab::chat::start(transport, Arc::new(tx)).unwrap();
        session.say(Side::Client, "hello").unwrap();
        std::thread::sleep(Duration::from_millis(100));
        session.close().unwrap();
        let (tx, _rx) = mpsc::channel::<LabEvent>();
        let session = lab::time::start(transport, Arc::new(tx)).unwrap();
        session.say(Side::Client, "1700000000").unwrap();
        drop(session);
        settle(fd_base, thread_base, "sessions");
    }
}
