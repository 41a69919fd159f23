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

#[test]
fn a_unix_lab_killed_with_sigkill_leaves_a_dir_the_next_run_removes() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = || -> Vec<String> {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("nettutor-unix-"))
            .collect()
    };
    let mut child = Command::new(BIN)
        .args(["lab", "unix", "--count", "100000"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while dirs().is_empty() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "no dir"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let stale = dirs();
    assert_eq!(stale.len(), 1, "the killed run left its dir: {stale:?}");
    // Someone else's dir of a live process (ours) is not touched.
    let live = tmp
        .path()
        .join(format!("nettutor-unix-{}-keep", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    let out = Command::new(BIN)
        .args(["lab", "unix", "--count", "1", "--json"])
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left = dirs();
    assert_eq!(
        left,
        vec![live.file_name().unwrap().to_string_lossy().into_owned()]
    );
}

/// The capture's kernel filter, for real: with it attached, a packet socket on
/// loopback sees our port's segments and none of a flood on another port.
#[test]
fn the_capture_filter_passes_only_its_own_port() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    use nettutor::lab::capture::{CaptureError, open_loopback_capture, port_filter};

    let socket = match open_loopback_capture() {
        Ok(s) => s,
        Err(CaptureError::NoPermission(_)) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must run as root"
            );
            eprintln!("skipping: a packet socket needs root or CAP_NET_RAW");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let ours = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = ours.local_addr().unwrap().port();
    socket.attach_filter(&port_filter(port)).unwrap();
    // Drain whatever was queued before the filter.
    socket.set_nonblocking(true).unwrap();
    let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 70_000];
    while socket.recv(&mut buf).is_ok() {}
    socket.set_nonblocking(false).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    // A flood on another port: 8 MB.
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let other_addr = other.local_addr().unwrap();
    let sink = std::thread::spawn(move || {
        let (mut s, _) = other.accept().unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).unwrap();
        all.len()
    });
    let mut flood = TcpStream::connect(other_addr).unwrap();
    flood.write_all(&vec![7u8; 8 << 20]).unwrap();
    drop(flood);
    assert_eq!(sink.join().unwrap(), 8 << 20);
    // Then one short connection on our port.
    let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (server, _) = ours.accept().unwrap();
    drop(client);
    drop(server);
    let mut seen = 0;
    let end = Instant::now() + Duration::from_secs(2);
    while Instant::now() < end {
        let Ok(n) = socket.recv(&mut buf) else { break };
        // SAFETY: recv initialised the first n bytes.
        let frame: Vec<u8> = buf[..n]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        let ihl = usize::from(frame[14] & 0x0f) * 4;
        let src = u16::from_be_bytes([frame[14 + ihl], frame[15 + ihl]]);
        let dst = u16::from_be_bytes([frame[16 + ihl], frame[17 + ihl]]);
        assert!(
            src == port || dst == port,
            "a frame of port {src}→{dst} got through"
        );
        seen += 1;
    }
    // Each segment is seen twice on lo (out and in): SYN, SYN-ACK, ACK, FINs…
    assert!(seen >= 6, "our connection's segments arrived: {seen}");
}

#[test]
fn udp_truncate_accepts_every_receive_size_up_to_65535() {
    for (recv, v6) in [
        (65_500, false),
        (65_507, false),
        (65_508, false),
        (65_527, true),
        (65_535, false),
        (65_535, true),
    ] {
        let mut args = vec!["lab".to_string(), "udp-truncate".into(), "--json".into()];
        args.extend(["--recv-size".into(), recv.to_string()]);
        if v6 {
            args.push("--ipv6".into());
        }
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "recv-size {recv} ipv6 {v6}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["recv_size"], recv, "{json}");
    }
}
