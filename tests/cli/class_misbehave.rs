//! Nobody gets into a live session where they don't belong and nobody can
//! stall the room: each misbehaviour as a real client on loopback against
//! the headless host (wrong codes, another student's token, a late answer,
//! escape sequences in a name, an oversize length prefix, garbage, a silent
//! connection), and a client that never reads against an in-process host
//! broadcasting question after question.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use nettutor::class::live::client::{ClientError, Connection};
use nettutor::class::live::host::{Host, HostConfig, HostEvent, Limits, Phase};
use nettutor::class::live::protocol::{ClientMsg, HostMsg, Refusal, Rejection};
use nettutor::i18n::Lang;
use nettutor::quiz::correct_answer;
use nettutor::quiz::session::QuizSpec;

use crate::common::class::{HostProc, quiz};

const WAIT: Duration = Duration::from_secs(10);

fn addr(host: &HostProc) -> SocketAddr {
    host.addr.parse().unwrap()
}

fn join(host: &HostProc, name: &str) -> (Connection, nettutor::class::live::client::Welcome) {
    Connection::join(addr(host), &host.code, name, None, WAIT).unwrap()
}

fn refusal(result: Result<(Connection, impl Sized), ClientError>) -> (Refusal, Option<Duration>) {
    match result {
        Err(ClientError::Refused {
            reason,
            retry_after,
        }) => (reason, retry_after),
        Err(e) => panic!("not refused: {e}"),
        Ok(_) => panic!("not refused: joined"),
    }
}

/// The host closes `stream` (EOF or reset) within `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return false,
            Err(_) => return true,
        }
    }
}

fn lobby_host(home: &std::path::Path, extra: &[&str]) -> HostProc {
    let mut args = vec![
        "--topic",
        "osi",
        "--count",
        "3",
        "--seed",
        "3",
        "--lobby",
        "120",
        "--hello-timeout",
        "0.5",
    ];
    args.extend_from_slice(extra);
    HostProc::start(home, &args)
}

#[test]
fn wrong_codes_are_refused_then_rate_limited_with_a_doubling_wait() {
    let home = tempfile::tempdir().unwrap();
    let mut host = lobby_host(home.path(), &["--expect", "5"]);
    let a = addr(&host);
    let wrong = |code: &str| Connection::join(a, code, "eve", None, WAIT);
    // Three free tries: refused for the code; the third starts the wait.
    assert_eq!(refusal(wrong("AAAAAA")), (Refusal::Code, None));
    assert_eq!(refusal(wrong("AAAAAC")), (Refusal::Code, None));
    let (reason, wait) = refusal(wrong("AAAAAD"));
    assert_eq!(reason, Refusal::Code);
    let wait = wait.unwrap();
    assert!(
        wait <= Duration::from_secs(1) && wait > Duration::from_millis(500),
        "{wait:?}"
    );
    // While it lasts, even the right code is refused.
    let (reason, left) = refusal(Connection::join(a, &host.code, "eve", None, WAIT));
    assert_eq!(reason, Refusal::RateLimited);
    assert!(left.unwrap() <= wait);
    // After it, the right code gets in; another wrong one waits twice as long.
    std::thread::sleep(left.unwrap() + Duration::from_millis(50));
    let (reason, wait2) = refusal(wrong("AAAAAE"));
    assert_eq!(reason, Refusal::Code);
    assert!(wait2.unwrap() > Duration::from_millis(1500), "{wait2:?}");
    std::thread::sleep(wait2.unwrap() + Duration::from_millis(50));
    let (_conn, welcome) = join(&host, "eve");
    assert_eq!(welcome.name, "eve");
    // A stolen-token guess is a strike too, and refused.
    assert_eq!(
        refusal(Connection::join(
            a,
            &host.code,
            "x",
            Some("00000000000000000000000000000000"),
            WAIT
        ))
        .0,
        Refusal::Token
    );
    host.wait_for("\"reason\":\"rate-limited\"", WAIT);
    host.wait_for("\"event\":\"joined\",\"name\":\"eve\"", WAIT);
}

#[test]
fn a_student_answers_only_for_itself_and_never_after_the_reveal() {
    let home = tempfile::tempdir().unwrap();
    let questions = quiz("osi", 3, 3);
    let mut host = lobby_host(
        home.path(),
        &[
            "--expect",
            "2",
            "--question-time",
            "1.5",
            "--reveal-time",
            "1",
        ],
    );
    let (mut ada, ada_w) = join(&host, "ada");
    let (mut bo, bo_w) = join(&host, "bo");
    let first = |c: &mut Connection| {
        c.recv_until(WAIT, |m| match m {
            HostMsg::Question(v) => Some(v.position),
            _ => None,
        })
        .unwrap()
    };
    assert_eq!(first(&mut ada), 0);
    assert_eq!(first(&mut bo), 0);
    // ada answers with bo's token: refused, and nothing is recorded for bo.
    ada.send(&ClientMsg::Answer {
        token: bo_w.token.clone(),
        position: 0,
        answer: correct_answer(&questions[0].kind),
    })
    .unwrap();
    let got = ada
        .recv_until(WAIT, |m| match m {
            HostMsg::Rejected { reason, .. } => Some(*reason),
            _ => None,
        })
        .unwrap();
    assert_eq!(got, Rejection::Token);
    // bo does not answer; the question closes at its time and is revealed.
    let revealed = bo
        .recv_until(WAIT, |m| match m {
            HostMsg::Reveal(r) => Some(r.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(revealed.correct, Some(false), "bo never answered");
    // Answers after the reveal are refused.
    bo.send(&ClientMsg::Answer {
        token: bo_w.token.clone(),
        position: 0,
        answer: correct_answer(&questions[0].kind),
    })
    .unwrap();
    let got = bo
        .recv_until(WAIT, |m| match m {
            HostMsg::Rejected { reason, .. } => Some(*reason),
            _ => None,
        })
        .unwrap();
    assert_eq!(got, Rejection::Closed);
    host.wait_for("\"reason\":\"token\"", WAIT);
    host.wait_for("\"reason\":\"closed\"", WAIT);
    let reveal = host.wait_for("\"event\":\"reveal\"", WAIT);
    assert!(reveal.contains("\"answered\":0"), "{reveal}");
    drop((ada, bo, ada_w));
}

#[test]
fn escape_sequences_in_a_name_never_reach_the_host_output() {
    let home = tempfile::tempdir().unwrap();
    let mut host = lobby_host(home.path(), &["--expect", "5"]);
    let evil = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}[31mmal\u{0}lory\u{1b}[0m\u{202e}\r\n";
    let (_c1, w1) = join(&host, evil);
    let (_c2, w2) = join(&host, evil);
    assert_eq!(w1.name, "mal lory");
    assert_eq!(w2.name, "mal lory 2");
    host.wait_for("\"name\":\"mal lory 2\"", WAIT);
    for line in &host.seen {
        assert!(
            !line.contains('\u{1b}') && !line.contains("\\u001b") && !line.contains("pwned"),
            "{line:?}"
        );
    }
}

#[test]
fn oversize_garbage_and_silent_connections_are_dropped_and_the_room_goes_on() {
    let home = tempfile::tempdir().unwrap();
    let mut host = lobby_host(home.path(), &["--expect", "5"]);
    let a = addr(&host);
    // A length prefix over 64 KiB (an HTTP request's "GET " is one too).
    let mut oversize = TcpStream::connect(a).unwrap();
    oversize
        .write_all(&(64 * 1024 + 1u32).to_be_bytes())
        .unwrap();
    assert!(closed_within(&mut oversize, WAIT));
    let mut http = TcpStream::connect(a).unwrap();
    http.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert!(closed_within(&mut http, WAIT));
    // A frame whose payload is not a message.
    let mut garbage = TcpStream::connect(a).unwrap();
    let mut bytes = 9u32.to_be_bytes().to_vec();
    bytes.extend_from_slice(b"\xff\xfe{not js");
    garbage.write_all(&bytes).unwrap();
    assert!(closed_within(&mut garbage, WAIT));
    // An answer before the hello.
    let mut early = Connection::connect(a, WAIT).unwrap();
    early
        .send(&ClientMsg::Answer {
            token: "x".into(),
            position: 0,
            answer: "a".into(),
        })
        .unwrap();
    assert!(matches!(
        early.recv(WAIT),
        Err(ClientError::Closed | ClientError::Io(_))
    ));
    // Silent, and half a frame: dropped at the hello deadline (0.5 s here).
    let t = Instant::now();
    let mut silent = TcpStream::connect(a).unwrap();
    let mut half = TcpStream::connect(a).unwrap();
    half.write_all(&[0, 0]).unwrap();
    assert!(closed_within(&mut silent, WAIT));
    assert!(closed_within(&mut half, WAIT));
    assert!(
        t.elapsed() >= Duration::from_millis(400),
        "{:?}",
        t.elapsed()
    );
    for reason in ["oversize", "garbage", "protocol", "silent"] {
        host.wait_for(&format!("\"reason\":\"{reason}\""), WAIT);
    }
    // The host still takes students.
    let (_c, w) = join(&host, "ada");
    assert_eq!(w.name, "ada");
    host.wait_for("\"name\":\"ada\"", WAIT);
}

#[test]
fn a_reconnect_with_the_token_resumes_the_same_student() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("b.sqlite3");
    let questions = quiz("osi", 3, 3);
    let mut host = lobby_host(
        home.path(),
        &[
            "--expect",
            "1",
            "--question-time",
            "20",
            "--reveal-time",
            "0.05",
            "--db",
            db.to_str().unwrap(),
        ],
    );
    let (mut ada, w) = join(&host, "ada");
    let pos = ada
        .recv_until(WAIT, |m| match m {
            HostMsg::Question(v) => Some(v.position),
            _ => None,
        })
        .unwrap();
    assert_eq!(pos, 0);
    // The connection dies mid-question; the same token resumes ada, who gets
    // the open question again and answers it.
    ada.shutdown();
    drop(ada);
    host.wait_for("\"event\":\"left\"", WAIT);
    let (mut ada, again) = Connection::join(
        addr(&host),
        &host.code,
        "someone else",
        Some(&w.token),
        WAIT,
    )
    .unwrap();
    assert_eq!((again.name.as_str(), again.resumed), ("ada", true));
    assert_eq!(again.token, w.token);
    let pos = ada
        .recv_until(WAIT, |m| match m {
            HostMsg::Question(v) => Some(v.position),
            _ => None,
        })
        .unwrap();
    assert_eq!(pos, 0);
    for (i, q) in questions.iter().enumerate() {
        if i > 0 {
            ada.recv_until(WAIT, |m| {
                matches!(m, HostMsg::Question(v) if v.position == i).then_some(())
            })
            .unwrap();
        }
        ada.send(&ClientMsg::Answer {
            token: w.token.clone(),
            position: i,
            answer: correct_answer(&q.kind),
        })
        .unwrap();
    }
    let end = ada
        .recv_until(WAIT, |m| match m {
            HostMsg::End { score, questions } => Some((*score, *questions)),
            _ => None,
        })
        .unwrap();
    assert_eq!(end, (3, 3));
    let lines = host.finish(WAIT);
    assert!(lines.iter().any(|l| l.contains("\"resumed\":true")));
    assert_eq!(lines.last().unwrap(), "session 1: 1 students, 3 answers");
    let book = nettutor::class::gradebook::GradeBook::open(&db).unwrap();
    let report = book.report(None).unwrap();
    assert_eq!(report.students.len(), 1);
    assert_eq!(
        (report.students[0].correct, report.students[0].asked),
        (3, 3)
    );
}

/// A client that never reads while the host broadcasts question after
/// question: its queue fills, it is dropped, and the student who reads gets
/// every question within a few milliseconds of its broadcast throughout.
#[test]
fn a_client_that_never_reads_is_dropped_without_slowing_the_others() {
    let questions = quiz("osi,tcp,subnet", 400, 9);
    let n = questions.len();
    let cfg = HostConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        questions,
        spec: QuizSpec {
            topics: Vec::new(),
            count: n,
            seed: 9,
        },
        exam: false,
        question_time: Duration::from_secs(60),
        code: "ACDEFG".into(),
        limits: Limits {
            queue_bytes: 16 * 1024,
            ..Limits::default()
        },
        lang: Lang::En,
    };
    let mut host = Host::bind(cfg, None).unwrap();
    let a = host.local_addr();
    // The stalled client: a small receive buffer, never read.
    let stalled = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    stalled.set_recv_buffer_size(4096).unwrap();
    stalled.connect(&a.into()).unwrap();
    let mut stalled: TcpStream = stalled.into();
    stalled
        .write_all(&nettutor::class::live::protocol::encode(
            &ClientMsg::Hello {
                v: 1,
                code: "ACDEFG".into(),
                name: "stalled".into(),
                token: None,
            },
        ))
        .unwrap();
    // The reader, in a thread: the time each question arrived.
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let (mut c, _) = Connection::join(a, "ACDEFG", "reader", None, WAIT).unwrap();
        tx.send(Instant::now()).unwrap();
        let mut got = Vec::new();
        loop {
            match c.recv(WAIT) {
                Ok(HostMsg::Question(v)) => got.push((v.position, Instant::now())),
                Ok(HostMsg::End { .. }) => return got,
                Ok(_) => {}
                Err(e) => panic!("reader: {e}"),
            }
        }
    });
    let deadline = Instant::now() + WAIT;
    while host.students() < 2 {
        host.step(Duration::from_millis(20));
        assert!(Instant::now() < deadline, "the two did not join");
    }
    let _ = rx.recv_timeout(WAIT).unwrap();
    let mut sent = Vec::new();
    let mut dropped = false;
    for _ in 0..n {
        let at = Instant::now();
        let p = host.next_question().unwrap();
        sent.push((p, at));
        for e in host.step(Duration::ZERO) {
            if matches!(
                e,
                HostEvent::Dropped {
                    reason: nettutor::class::live::host::DropReason::Slow,
                    ..
                }
            ) {
                dropped = true;
            }
        }
        host.reveal();
        assert!(matches!(host.phase(), Phase::Revealed { .. }));
    }
    let present = host.present();
    host.finish();
    let deadline = Instant::now() + WAIT;
    while !host.is_done() && Instant::now() < deadline {
        for e in host.step(Duration::from_millis(10)) {
            if matches!(
                e,
                HostEvent::Dropped {
                    reason: nettutor::class::live::host::DropReason::Slow,
                    ..
                }
            ) {
                dropped = true;
            }
        }
    }
    assert!(
        dropped,
        "the stalled client's queue never filled (present {present})"
    );
    assert_eq!(present, 1, "the stalled client was still there at the end");
    let got = reader.join().unwrap();
    assert_eq!(got.len(), n, "the reader missed questions");
    let mut worst = Duration::ZERO;
    for ((p, sent_at), (q, got_at)) in sent.iter().zip(&got) {
        assert_eq!(p, q);
        worst = worst.max(got_at.saturating_duration_since(*sent_at));
    }
    assert!(
        worst < Duration::from_millis(500),
        "slowest question took {worst:?}"
    );
    drop(stalled);
}

/// A student away while the host revealed the question it had answered (the
/// other student's answer completed the room) gets,
/// on resuming, that its answer counted and the reveal it missed — with
/// whether it was right — and an answer it sends again is "answered", not
/// "closed".
#[test]
fn a_student_back_after_the_reveal_gets_the_reveal_it_missed() {
    let home = tempfile::tempdir().unwrap();
    let questions = quiz("osi", 3, 3);
    let mut host = lobby_host(
        home.path(),
        &[
            "--expect",
            "2",
            "--question-time",
            "60",
            "--reveal-time",
            "20",
        ],
    );
    let (mut ada, w) = join(&host, "ada");
    let (mut bob, b) = join(&host, "bob");
    for c in [&mut ada, &mut bob] {
        c.recv_until(WAIT, |m| {
            matches!(m, HostMsg::Question(v) if v.position == 0).then_some(())
        })
        .unwrap();
    }
    let answer = correct_answer(&questions[0].kind);
    ada.send(&ClientMsg::Answer {
        token: w.token.clone(),
        position: 0,
        answer: answer.clone(),
    })
    .unwrap();
    ada.recv_until(WAIT, |m| {
        matches!(m, HostMsg::Accepted { position: 0 }).then_some(())
    })
    .unwrap();
    // Away while bob answers, the last one present: the host reveals it.
    ada.shutdown();
    drop(ada);
    host.wait_for("\"event\":\"left\"", WAIT);
    bob.send(&ClientMsg::Answer {
        token: b.token.clone(),
        position: 0,
        answer: answer.clone(),
    })
    .unwrap();
    host.wait_for("\"event\":\"reveal\"", WAIT);
    let (mut ada, again) =
        Connection::join(addr(&host), &host.code, "ada", Some(&w.token), WAIT).unwrap();
    assert!(again.resumed);
    ada.recv_until(WAIT, |m| {
        matches!(m, HostMsg::Accepted { position: 0 }).then_some(())
    })
    .expect("the answer it gave is confirmed");
    let reveal = ada
        .recv_until(WAIT, |m| match m {
            HostMsg::Reveal(r) => Some(r.clone()),
            HostMsg::Question(v) => panic!("question {} before the missed reveal", v.position),
            _ => None,
        })
        .expect("the reveal it missed");
    assert_eq!(reveal.position, 0);
    assert_eq!(reveal.correct, Some(true), "{reveal:?}");
    assert_eq!(reveal.answer.as_deref(), Some(answer.as_str()));
    // Sent again (as a student whose answer was in flight at the drop does):
    // the host has it.
    ada.send(&ClientMsg::Answer {
        token: w.token.clone(),
        position: 0,
        answer,
    })
    .unwrap();
    let reason = ada
        .recv_until(WAIT, |m| match m {
            HostMsg::Rejected {
                position: 0,
                reason,
                ..
            } => Some(*reason),
            _ => None,
        })
        .unwrap();
    assert_eq!(reason, Rejection::Answered);
}
