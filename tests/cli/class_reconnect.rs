//! A student whose connection drops mid-session: `class join --plain`
//! reaches the headless host through a small TCP proxy on loopback that the
//! test cuts while a question is open. The student reconnects (through the
//! proxy again) with its token, is resumed as the same student, gets the open
//! question again and answers it; the grade book holds one student with
//! every answer once.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nettutor::class::gradebook::GradeBook;
use nettutor::quiz::correct_answer;

use crate::common::class::{HostProc, quiz, wait_bounded, wrong};
use crate::common::run::{BIN, last_line};

/// A TCP proxy on loopback: each connection accepted is relayed to
/// `upstream` by two copying threads; [`Proxy::cut`] shuts every relayed
/// connection (both ends) at once, as a dropped Wi-Fi would, and keeps
/// accepting new ones.
struct Proxy {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    live: Arc<Mutex<Vec<TcpStream>>>,
    relays: Arc<Mutex<Vec<JoinHandle<()>>>>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Proxy {
    fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let live: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let relays: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (accepted, live, relays, stop) = (
                Arc::clone(&accepted),
                Arc::clone(&live),
                Arc::clone(&relays),
                Arc::clone(&stop),
            );
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(client) = client else { continue };
                    let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))
                    else {
                        continue;
                    };
                    accepted.fetch_add(1, Ordering::SeqCst);
                    let mut live = live.lock().unwrap();
                    live.push(client.try_clone().unwrap());
                    live.push(server.try_clone().unwrap());
                    let mut relays = relays.lock().unwrap();
                    relays.push(relay(
                        client.try_clone().unwrap(),
                        server.try_clone().unwrap(),
                    ));
                    relays.push(relay(server, client));
                }
            })
        };
        Proxy {
            addr,
            accepted,
            live,
            relays,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// Shuts every connection relayed so far, both directions.
    fn cut(&self) {
        for s in self.live.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

/// Copies `from` to `to` until `from` ends, then ends `to`'s writing.
fn relay(mut from: TcpStream, mut to: TcpStream) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    })
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept so it sees `stop`.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        self.cut();
        for r in self.relays.lock().unwrap().drain(..) {
            let _ = r.join();
        }
    }
}

/// `class join --plain` through `addr`, its stdin kept for the test to
/// type answers when it chooses.
fn join(home: &std::path::Path, addr: SocketAddr, code: &str) -> (Child, ChildStdin) {
    let mut child = Command::new(BIN)
        .args([
            "class",
            "join",
            &addr.to_string(),
            "--code",
            code,
            "--name",
            "ada",
            "--plain",
            "--lang",
            "en",
        ])
        .env("NETTUTOR_HOME", home)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    (child, stdin)
}

#[test]
fn a_student_cut_off_mid_question_resumes_and_is_recorded_once() {
    const COUNT: usize = 3;
    let home = tempfile::tempdir().unwrap();
    let book_path = home.path().join("class.sqlite3");
    let db = book_path.to_str().unwrap();
    let quiz = quiz("osi,tcp", COUNT, 21);
    // Right, then wrong where a wrong answer is obvious, then right.
    let typed: Vec<String> = quiz
        .iter()
        .enumerate()
        .map(|(i, q)| match (i, wrong(q)) {
            (1, Some(w)) => w,
            _ => correct_answer(&q.kind),
        })
        .collect();
    let score = typed
        .iter()
        .zip(&quiz)
        .filter(|(t, q)| **t == correct_answer(&q.kind))
        .count();
    let mut host = HostProc::start(
        home.path(),
        &[
            "--topic",
            "osi,tcp",
            "--count",
            "3",
            "--seed",
            "21",
            "--expect",
            "1",
            "--question-time",
            "60",
            "--reveal-time",
            "0.2",
            "--db",
            db,
        ],
    );
    let upstream: SocketAddr = host.addr.parse().unwrap();
    let proxy = Proxy::start(upstream);
    let (mut student, mut stdin) = join(home.path(), proxy.addr, &host.code);
    let limit = Duration::from_secs(20);
    host.wait_for("\"event\":\"joined\"", limit);
    host.wait_for("\"event\":\"question\",\"position\":0", limit);
    writeln!(stdin, "{}", typed[0]).unwrap();
    host.wait_for("\"event\":\"answer\",\"position\":0", limit);
    // Question 2 is open and not answered yet: the line goes down now.
    host.wait_for("\"event\":\"question\",\"position\":1", limit);
    proxy.cut();
    let back = host.wait_for("\"resumed\":true", limit);
    assert!(back.contains("\"name\":\"ada\""), "{back}");
    assert_eq!(proxy.accepted.load(Ordering::SeqCst), 2);
    writeln!(stdin, "{}", typed[1]).unwrap();
    host.wait_for("\"event\":\"answer\",\"position\":1", limit);
    writeln!(stdin, "{}", typed[2]).unwrap();
    host.wait_for("\"event\":\"end\"", limit);
    drop(stdin);

    let status = wait_bounded(&mut student, Instant::now() + limit);
    let mut out = String::new();
    student
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut err = String::new();
    student
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}\n{out}\n{err}"
    );
    assert!(
        out.contains("Connection to the host lost; reconnecting…"),
        "{out}"
    );
    assert!(
        out.contains("Reconnected: you are still in the session."),
        "{out}"
    );
    // The open question (sent again on the resume, if the cut caught it
    // on its way) was answered after the reconnect.
    let resumed_at = out.find("Reconnected").unwrap();
    assert!(out[..].contains("[2/3]"), "{out}");
    assert!(out[resumed_at..].contains("[3/3]"), "{out}");
    assert_eq!(last_line(&out), format!("score: {score}/{COUNT}"), "{out}");

    let lines = host.finish(limit);
    let joins: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("\"event\":\"joined\""))
        .collect();
    // The first join and the resume, and never a second student.
    assert_eq!(joins.len(), 2, "{joins:?}");
    assert!(joins[0].contains("\"resumed\":false"), "{joins:?}");
    assert!(joins[1].contains("\"resumed\":true"), "{joins:?}");
    assert!(
        joins.iter().all(|l| l.contains("\"students\":1")),
        "{joins:?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some(format!("session 1: 1 students, {COUNT} answers").as_str()),
        "{lines:?}"
    );

    // One student, every answer once, as typed.
    let book = GradeBook::open(&book_path).unwrap();
    let report = book.report(None).unwrap();
    assert_eq!(report.students.len(), 1, "{:?}", report.students);
    let st = &report.students[0];
    assert_eq!(st.student, "ada");
    assert_eq!((st.correct, st.asked), (score, COUNT));
    let rows: i64 = book
        .connection()
        .query_row("SELECT count(*) FROM answers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, COUNT as i64);
    let blank: i64 = book
        .connection()
        .query_row("SELECT count(*) FROM answers WHERE answer = ''", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(blank, 0, "an answer was lost in the cut");
    drop(proxy);
}

/// A host on loopback that speaks the protocol by script, for the client's
/// side of a resume: the frames it sends and what it reads back.
struct ScriptedHost {
    stream: TcpStream,
    reader: nettutor::class::live::protocol::FrameReader,
}

impl ScriptedHost {
    fn send(&mut self, msg: &nettutor::class::live::protocol::HostMsg) {
        self.stream
            .write_all(&nettutor::class::live::protocol::encode(msg))
            .unwrap();
    }

    /// The next message from the student within `limit`, if one comes.
    fn recv(&mut self, limit: Duration) -> Option<nettutor::class::live::protocol::ClientMsg> {
        let deadline = Instant::now() + limit;
        let mut buf = [0u8; 4096];
        loop {
            if let Some(frame) = self.reader.next_frame().unwrap() {
                return Some(nettutor::class::live::protocol::decode(&frame).unwrap());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.stream.set_read_timeout(Some(left)).unwrap();
            match self.stream.read(&mut buf) {
                Ok(0) => return None,
                Ok(n) => self.reader.push(&buf[..n]),
                Err(_) => return None,
            }
        }
    }
}

#[test]
fn the_open_question_sent_again_takes_no_second_line() {
    use nettutor::class::live::protocol::{ClientMsg, HostMsg, QuestionView};
    use nettutor::i18n::Text;

    let home = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Both answers are typed before the first question arrives.
    let (mut student, mut stdin) = join(home.path(), addr, "ACDEFG");
    writeln!(stdin, "a\nb").unwrap();
    let (stream, _) = listener.accept().unwrap();
    let mut host = ScriptedHost {
        stream,
        reader: Default::default(),
    };
    let limit = Duration::from_secs(10);
    let Some(ClientMsg::Hello { .. }) = host.recv(limit) else {
        panic!("no hello")
    };
    host.send(&HostMsg::Welcome {
        v: 1,
        name: "ada".into(),
        token: "t0".into(),
        questions: 2,
        exam: false,
        resumed: false,
    });
    let question = |position| {
        HostMsg::Question(QuestionView {
            position,
            questions: 2,
            topic: "tcp".into(),
            kind: "choice".into(),
            prompt: Text::new(format!("Question {position}?"), "问题？"),
            options: vec![Text::new("one", "一"), Text::new("two", "二")],
            hint: Text::new("Type a letter.", "输入字母。"),
            seconds: 60.0,
        })
    };
    let answer_to = |msg: Option<ClientMsg>| match msg {
        Some(ClientMsg::Answer {
            position, answer, ..
        }) => (position, answer),
        other => panic!("{other:?}"),
    };
    host.send(&question(0));
    assert_eq!(answer_to(host.recv(limit)), (0, "a".to_string()));
    // The same question again before the answer is taken (as a resume
    // sends the open question): the answer on its way stands, "b" waits.
    host.send(&question(0));
    assert_eq!(
        host.recv(Duration::from_millis(500)),
        None,
        "a second answer to 0"
    );
    host.send(&HostMsg::Accepted { position: 0 });
    // Taken, then sent again with its Accepted (a resume after the answer).
    host.send(&question(0));
    host.send(&HostMsg::Accepted { position: 0 });
    assert_eq!(
        host.recv(Duration::from_millis(500)),
        None,
        "a second answer to 0"
    );
    host.send(&question(1));
    assert_eq!(answer_to(host.recv(limit)), (1, "b".to_string()));
    host.send(&HostMsg::Accepted { position: 1 });
    host.send(&HostMsg::End {
        score: 1,
        questions: 2,
    });
    drop(stdin);
    let status = wait_bounded(&mut student, Instant::now() + limit);
    let mut out = String::new();
    student
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(status.is_some_and(|s| s.success()), "{status:?}\n{out}");
    assert_eq!(last_line(&out), "score: 1/2", "{out}");
}
