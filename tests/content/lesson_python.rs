//! The Python the lessons ship, run: what a lesson tells a student to type
//! must do what the lesson says.

use std::process::Command;

use nettutor::lesson::LessonSet;

/// python3, or a skip (CI must have it).
fn python3() -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "python3 is required under CI=true"
        );
        crate::common::skip("lesson_python", "python3 is not installed");
    }
    found
}

/// The ```python blocks of the step of `lesson` whose English title contains
/// `title`, in `lang` ("en" or "zh").
pub(crate) fn python_blocks(lesson: &str, title: &str, zh: bool) -> Vec<String> {
    let set = LessonSet::embedded().unwrap();
    let l = set
        .lesson(lesson)
        .unwrap_or_else(|| panic!("no lesson {lesson}"));
    let step = l
        .steps
        .iter()
        .find(|s| s.title.en.contains(title))
        .unwrap_or_else(|| panic!("no step '{title}' in {lesson}"));
    let body = if zh { &step.body.zh } else { &step.body.en };
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in body.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```python") => current = Some(String::new()),
            (Some(code), "```") => {
                blocks.push(std::mem::take(code));
                current = None;
            }
            (Some(code), _) => {
                code.push_str(line);
                code.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_dhcp_lessons_python_builds_a_discover_the_labs_decoder_reads() {
    if !python3() {
        return;
    }
    for zh in [false, true] {
        let blocks = python_blocks("dhcp", "Correction", zh);
        assert_eq!(blocks.len(), 1);
        // Everything up to the socket (which needs root and a LAN): the message.
        let code: String = blocks[0]
            .lines()
            .take_while(|l| !l.starts_with("s = socket.socket"))
            .map(|l| format!("{l}\n"))
            .collect();
        let out = Command::new("python3")
            .arg("-c")
            .arg(format!("{code}print((header + options).hex())"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let hex = String::from_utf8(out.stdout).unwrap();
        let bytes: Vec<u8> = (0..hex.trim().len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex.trim()[i..i + 2], 16).unwrap())
            .collect();
        let msg = nettutor::lab::dhcp::decode(&bytes).expect("a DHCP message");
        assert_eq!(
            msg.opts().msg_type(),
            Some(dhcproto::v4::MessageType::Discover)
        );
        assert!(
            msg.flags().broadcast(),
            "the broadcast flag the lesson explains"
        );
        assert_eq!(msg.chaddr(), [0x02, 0x4e, 0x54, 0, 0, 0x0c]);
        assert!(msg.ciaddr().is_unspecified());
        // And the frame it makes dissects cleanly as DHCP.
        let frame = nettutor::net::frame::build_udp_frame(&nettutor::net::frame::UdpDatagramSpec {
            src_mac: nettutor::lab::dhcp::CLIENT_MAC,
            dst_mac: nettutor::net::frame::MacAddr::broadcast(),
            src: "0.0.0.0:68".parse().unwrap(),
            dst: "255.255.255.255:67".parse().unwrap(),
            payload: &bytes,
        })
        .unwrap();
        let d = nettutor::net::frame::dissect(&frame);
        assert!(!d.is_malformed());
        assert_eq!(
            d.field("dhcp.option.request_list").unwrap().shown,
            "1, 3, 6"
        );
    }
}

/// A Python server from a lesson, running on a free port; killed on drop.
struct PyServer {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for PyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `code` with its fixed port (`fixed`, e.g. "8081") replaced by a
/// free one, and wait until `probe` gets an answer from it.
fn start_python(code: &str, fixed: &str, probe: fn(u16) -> std::io::Result<()>) -> PyServer {
    use std::time::{Duration, Instant};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    assert!(code.contains(fixed), "the lesson's server binds {fixed}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.py");
    std::fs::write(&file, code.replace(fixed, &port.to_string())).unwrap();
    let child = Command::new("python3")
        .arg(&file)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = PyServer {
        child,
        port,
        _dir: dir,
    };
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = server.child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("the lesson's server exited ({status}): {err}");
        }
        if probe(port).is_ok() {
            return server;
        }
        assert!(Instant::now() < end, "the lesson's server never answered");
        // Not a sync sleep: a retry interval while python3 starts.
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stream(port: u16) -> std::io::Result<std::net::TcpStream> {
    let s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    Ok(s)
}

/// One time request: a timestamp, the sending side closed, the answer.
fn ask_time(port: u16) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut s = stream(port)?;
    s.write_all(b"1700000000")?;
    s.shutdown(std::net::Shutdown::Write)?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    Ok(answer)
}

/// A silent client holds its connection `silent`; four clients behind it ask
/// the time. The slowest of the four, in ms.
fn behind_a_silent_client(port: u16, silent: std::time::Duration) -> u128 {
    let start = std::time::Instant::now();
    // Connected first: first in the accept queue.
    let quiet = stream(port).unwrap();
    std::thread::scope(|scope| {
        let asks: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(move || {
                    let answer = ask_time(port).unwrap();
                    // 1700000000 is 2023-11-14 22:13:20 UTC (the 14th or 15th locally).
                    assert!(answer.starts_with("2023-11-1"), "{answer:?}");
                    start.elapsed().as_millis()
                })
            })
            .collect();
        std::thread::sleep(silent);
        drop(quiet);
        asks.into_iter().map(|h| h.join().unwrap()).max().unwrap()
    })
}

#[test]
fn lesson_34s_threaded_time_server_is_not_held_up_by_a_silent_client() {
    if !python3() {
        return;
    }
    let silent = std::time::Duration::from_millis(800);
    let silent_ms = silent.as_millis();
    let format = python_blocks("ex-tcp-time", "Parse the number instead", false).remove(0);
    let probe = |port| ask_time(port).map(drop);
    // The iterative server of the lesson: the four wait for the silent one.
    let iterative = python_blocks("ex-tcp-time", "The whole server", false).remove(0);
    let server = start_python(&format!("{format}\n{iterative}"), "8081", probe);
    let waited = behind_a_silent_client(server.port, silent);
    assert!(waited * 10 >= silent_ms * 8, "iterative: {waited} ms");
    drop(server);
    // The concurrent ones, in both languages' copies.
    for zh in [false, true] {
        let blocks = python_blocks("ex-tcp-time", "One silent client", zh);
        assert_eq!(blocks.len(), 1, "the threaded server");
        for code in blocks {
            let server = start_python(&format!("{format}\n{code}"), "8081", probe);
            let waited = behind_a_silent_client(server.port, silent);
            assert!(
                waited * 2 < silent_ms,
                "served behind a silent client in {waited} ms:\n{code}"
            );
        }
    }
}

/// A line, its echo, a 200 ms pause, another line and its echo.
fn converse(port: u16, pause: std::time::Duration) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let mut s = stream(port)?;
    for (i, line) in [&b"one\n"[..], b"two\n"].into_iter().enumerate() {
        if i > 0 {
            std::thread::sleep(pause);
        }
        s.write_all(line)?;
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while !got.ends_with(b"\n") {
            let n = s.read(&mut buf)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert!(got.ends_with(line), "{:?}", String::from_utf8_lossy(&got));
    }
    Ok(())
}

/// Five clients at once, each talking for `pause`: when the last is done, in ms.
fn five_at_once(port: u16, pause: std::time::Duration) -> u128 {
    let start = std::time::Instant::now();
    std::thread::scope(|scope| {
        let all: Vec<_> = (0..5)
            .map(|_| {
                scope.spawn(move || {
                    converse(port, pause).unwrap();
                    start.elapsed().as_millis()
                })
            })
            .collect();
        all.into_iter().map(|h| h.join().unwrap()).max().unwrap()
    })
}

#[test]
fn lesson_37s_thread_and_selectors_servers_serve_five_clients_at_once() {
    if !python3() {
        return;
    }
    let pause = std::time::Duration::from_millis(200);
    let t = pause.as_millis();
    let probe = |port| converse(port, std::time::Duration::ZERO);
    let threads = python_blocks("concurrency", "A thread per client", false).remove(0);
    // The same server made iterative (the shape of every earlier server).
    let spawn = "threading.Thread(target=handle, args=(conn,), daemon=True).start()";
    assert!(threads.contains(spawn));
    let iterative = threads.replace(spawn, "handle(conn)");
    let server = start_python(&iterative, "9000", probe);
    let took = five_at_once(server.port, pause);
    assert!(took * 10 >= 4 * t * 8, "iterative: {took} ms");
    drop(server);
    for zh in [false, true] {
        for title in ["A thread per client", "many sockets: selectors"] {
            let code = python_blocks("concurrency", title, zh).remove(0);
            let server = start_python(&code, "9000", probe);
            let took = five_at_once(server.port, pause);
            assert!(took < 3 * t, "{title}: five clients took {took} ms");
        }
    }
}
