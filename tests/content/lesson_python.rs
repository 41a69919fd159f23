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

/// The ```python blocks of the steps of `lesson` whose English titles contain
/// `title` (a program shown over "(1/3)", "(2/3)", … steps: its parts in
/// order), in `lang` ("en" or "zh").
pub(crate) fn python_blocks(lesson: &str, title: &str, zh: bool) -> Vec<String> {
    let set = LessonSet::embedded().unwrap();
    let l = set
        .lesson(lesson)
        .unwrap_or_else(|| panic!("no lesson {lesson}"));
    let steps: Vec<_> = l
        .steps
        .iter()
        .filter(|s| s.title.en.contains(title))
        .collect();
    assert!(!steps.is_empty(), "no step '{title}' in {lesson}");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in steps.iter().flat_map(|s| {
        if zh {
            s.body.zh.lines()
        } else {
            s.body.en.lines()
        }
    }) {
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
    // Free for TCP and for UDP: some lessons' servers bind both.
    let port = (0..50)
        .find_map(|_| {
            let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = tcp.local_addr().unwrap().port();
            std::net::UdpSocket::bind(("127.0.0.1", port))
                .ok()
                .map(|_| port)
        })
        .expect("a port free for TCP and UDP");
    assert!(code.contains(fixed), "the lesson's server binds {fixed}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.py");
    std::fs::write(&file, code.replace(fixed, &port.to_string())).unwrap();
    let child = Command::new("python3")
        .arg(&file)
        // An open, silent keyboard (the chat servers read it); closed on drop.
        .stdin(std::process::Stdio::piped())
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

/// One line from `r`, within its stream's read timeout.
fn read_line(r: &mut std::io::BufReader<std::net::TcpStream>) -> std::io::Result<String> {
    use std::io::BufRead;
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line)
}

/// A chat client: its stream and a line reader on the same socket.
fn chat_client(
    port: u16,
) -> std::io::Result<(std::net::TcpStream, std::io::BufReader<std::net::TcpStream>)> {
    let s = stream(port)?;
    let r = std::io::BufReader::new(s.try_clone()?);
    Ok((s, r))
}

/// Ready when a line comes back to its sender.
fn chat_probe(port: u16) -> std::io::Result<()> {
    use std::io::Write;
    let (mut s, mut r) = chat_client(port)?;
    s.write_all(b"probe\n")?;
    read_line(&mut r)?;
    s.write_all(b"bye\n")
}

/// Client A joins and stays; client B joins and speaks: how long B waited
/// for its reply (None: no reply within `wait`), and what A then read.
fn second_chat_client(port: u16, wait: std::time::Duration) -> (Option<u128>, Option<String>) {
    use std::io::Write;
    let (mut a, mut ar) = chat_client(port).unwrap();
    a.write_all(b"one\n").unwrap();
    let first = read_line(&mut ar).unwrap();
    assert!(first.ends_with(": one\n"), "{first:?}");
    // A is still connected and silent from here on.
    let (mut b, mut br) = chat_client(port).unwrap();
    b.set_read_timeout(Some(wait)).unwrap();
    a.set_read_timeout(Some(wait)).unwrap();
    let start = std::time::Instant::now();
    b.write_all(b"two\n").unwrap();
    let Ok(reply) = read_line(&mut br) else {
        return (None, None);
    };
    let waited = start.elapsed().as_millis();
    assert!(reply.ends_with(": two\n"), "{reply:?}");
    (Some(waited), read_line(&mut ar).ok())
}

#[test]
fn lesson_33s_chat_rooms_answer_a_second_client_while_the_first_stays() {
    if !python3() {
        return;
    }
    let wait = std::time::Duration::from_secs(3);
    let spawn = "threading.Thread(target=serve, args=(conn, addr), daemon=True).start()";
    for zh in [false, true] {
        for title in ["a thread per client", "in one thread: selectors"] {
            let blocks = python_blocks("ex-tcp-chat", title, zh);
            assert!(blocks.len() >= 2, "{title}: a program over several steps");
            let server = start_python(&blocks.concat(), "8080", chat_probe);
            let (waited, to_a) = second_chat_client(server.port, wait);
            let waited = waited.unwrap_or_else(|| panic!("{title}: B got no reply"));
            assert!(waited < 1500, "{title}: B waited {waited} ms");
            // The room passed B's line to A, who is still connected.
            assert!(
                to_a.as_deref().is_some_and(|l| l.ends_with(": two\n")),
                "{title}: A read {to_a:?}"
            );
            drop(server);
        }
    }
    // The same server made iterative (the course's shape): B hangs behind A.
    let threads = python_blocks("ex-tcp-chat", "a thread per client", false).concat();
    assert!(threads.contains(spawn));
    let iterative = threads.replace(spawn, "serve(conn, addr)");
    let server = start_python(&iterative, "8080", chat_probe);
    let (waited, _) = second_chat_client(server.port, std::time::Duration::from_millis(600));
    assert_eq!(
        waited, None,
        "the iterative server answered B while A stayed"
    );
}

/// A UDP chat client bound to an ephemeral port on loopback.
fn udp_client(port: u16, wait: std::time::Duration) -> std::io::Result<std::net::UdpSocket> {
    let s = std::net::UdpSocket::bind("127.0.0.1:0")?;
    s.connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(wait))?;
    Ok(s)
}

fn udp_recv(s: &std::net::UdpSocket) -> std::io::Result<String> {
    let mut buf = [0u8; 2048];
    let n = s.recv(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
}

#[test]
fn lesson_35s_udp_rooms_answer_a_second_client_while_the_keyboard_is_idle() {
    if !python3() {
        return;
    }
    let wait = std::time::Duration::from_secs(3);
    let probe = |port| {
        let s = udp_client(port, std::time::Duration::from_millis(200))?;
        s.send(b"probe")?;
        udp_recv(&s)?;
        s.send(b"bye").map(drop)
    };
    for zh in [false, true] {
        for title in ["a room with a thread", "in one thread: selectors"] {
            let blocks = python_blocks("ex-udp-chat", title, zh);
            assert!(blocks.len() >= 2, "{title}: a program over several steps");
            let server = start_python(&blocks.concat(), "9000", probe);
            let a = udp_client(server.port, wait).unwrap();
            a.send(b"one").unwrap();
            let first = udp_recv(&a).unwrap();
            assert!(first.ends_with(": one"), "{first:?}");
            // The server's keyboard is open and nobody types: B still gets served.
            let b = udp_client(server.port, wait).unwrap();
            let start = std::time::Instant::now();
            b.send("二".as_bytes()).unwrap();
            let reply = udp_recv(&b).unwrap_or_else(|e| panic!("{title}: B got no reply: {e}"));
            let waited = start.elapsed().as_millis();
            assert!(reply.ends_with(": 二"), "{reply:?}");
            assert!(waited < 1500, "{title}: B waited {waited} ms");
            let to_a = udp_recv(&a).unwrap();
            assert_eq!(to_a, reply, "{title}: the room passes B's line to A");
            drop(server);
        }
    }
}

#[test]
fn lesson_36s_udp_and_tcp_time_servers_answer_while_a_tcp_client_is_silent() {
    if !python3() {
        return;
    }
    fn ask_tcp(port: u16) -> std::io::Result<String> {
        use std::io::{Read, Write};
        let mut s = stream(port)?;
        s.write_all(b"%Y")?;
        s.shutdown(std::net::Shutdown::Write)?;
        let mut answer = String::new();
        s.read_to_string(&mut answer)?;
        Ok(answer)
    }
    let is_year =
        |a: &str| a.len() == 4 && a.starts_with("20") && a.bytes().all(|b| b.is_ascii_digit());
    for zh in [false, true] {
        for title in ["at once: threads", "in one thread: selectors"] {
            let blocks = python_blocks("ex-udp-time", title, zh);
            assert!(blocks.len() >= 2, "{title}: a program over several steps");
            let server = start_python(&blocks.concat(), "9090", |p| ask_tcp(p).map(drop));
            // First in: a TCP client that connects and says nothing.
            let silent = stream(server.port).unwrap();
            let start = std::time::Instant::now();
            let udp = udp_client(server.port, std::time::Duration::from_secs(3)).unwrap();
            udp.send(b"%Y").unwrap();
            let by_udp = udp_recv(&udp).unwrap_or_else(|e| panic!("{title}: no UDP answer: {e}"));
            let by_tcp = ask_tcp(server.port).unwrap();
            let waited = start.elapsed().as_millis();
            assert!(is_year(&by_udp), "{title}: {by_udp:?}");
            assert!(is_year(&by_tcp), "{title}: {by_tcp:?}");
            assert!(
                waited < 1500,
                "{title}: the second clients waited {waited} ms"
            );
            // And the silent one is still being waited for, not dropped.
            silent.set_nonblocking(true).unwrap();
            let mut buf = [0u8; 1];
            let still = std::io::Read::read(&mut &silent, &mut buf);
            assert!(
                matches!(&still, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
                "{title}: the silent client's connection: {still:?}"
            );
            drop(server);
        }
    }
}
