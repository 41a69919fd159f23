//! The live class session under load: the time from the host's "next
//! question" to the last of N students on loopback having the whole question
//! frame (p50 and p99 over many questions), at 40 and 200 students, printed
//! first; then the same round (next question until every student has it,
//! then the reveal) under divan.
//! `cargo bench --bench class`

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};
use nettutor::class::live::client::Connection;
use nettutor::class::live::host::{Host, HostConfig, Limits};
use nettutor::class::live::protocol::{FrameReader, HostMsg, decode};
use nettutor::i18n::Lang;
use nettutor::lesson::LessonSet;
use nettutor::quiz::session::{QuizSpec, build};

const CODE: &str = "ACDEFG";
const WAIT: Duration = Duration::from_secs(20);

fn host(questions: usize) -> Host {
    let set = LessonSet::embedded().expect("lessons");
    let spec = QuizSpec {
        topics: Vec::new(),
        count: questions,
        seed: 5,
    };
    let questions = build(&spec, &set.questions, &[]);
    Host::bind(
        HostConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            questions,
            spec,
            exam: false,
            question_time: Duration::from_secs(600),
            code: CODE.into(),
            limits: Limits::default(),
            lang: Lang::En,
        },
        None,
    )
    .expect("bind")
}

/// `n` students joined to `host` (the host is stepped while they join).
fn students(host: &mut Host, n: usize) -> Vec<Connection> {
    let addr: SocketAddr = host.local_addr();
    let joiner = std::thread::spawn(move || {
        (0..n)
            .map(|i| {
                Connection::join(addr, CODE, &format!("s{i}"), None, WAIT)
                    .expect("join")
                    .0
            })
            .collect::<Vec<_>>()
    });
    let deadline = Instant::now() + WAIT;
    while host.students() < n {
        host.step(Duration::from_millis(5));
        assert!(Instant::now() < deadline, "students did not join");
    }
    joiner.join().expect("joiner")
}

/// Reads every student's socket in one thread (epoll); for each position
/// asked on `asks`, answers with the instant the last student had it.
fn readers(conns: Vec<Connection>, asks: mpsc::Receiver<usize>, done: mpsc::Sender<Instant>) {
    let mut poll = Poll::new().expect("poll");
    let mut socks: Vec<(mio::net::TcpStream, FrameReader, usize)> = conns
        .into_iter()
        .map(|c| {
            let std = c.into_stream();
            std.set_nonblocking(true).expect("nonblocking");
            (
                mio::net::TcpStream::from_std(std),
                FrameReader::default(),
                usize::MAX,
            )
        })
        .collect();
    for (i, (s, _, _)) in socks.iter_mut().enumerate() {
        poll.registry()
            .register(s, Token(i), Interest::READABLE)
            .expect("register");
    }
    let mut events = Events::with_capacity(1024);
    let mut buf = [0u8; 16 * 1024];
    let mut arrived: HashMap<usize, (usize, Instant)> = HashMap::new();
    for want in asks {
        loop {
            if let Some((count, last)) = arrived.get(&want)
                && *count == socks.len()
            {
                let _ = done.send(*last);
                break;
            }
            poll.poll(&mut events, Some(WAIT)).expect("poll");
            for e in &events {
                let (s, reader, _) = &mut socks[e.token().0];
                loop {
                    match std::io::Read::read(s, &mut buf) {
                        Ok(0) => break,
                        Ok(n) => reader.push(&buf[..n]),
                        Err(_) => break,
                    }
                }
                while let Ok(Some(frame)) = reader.next_frame() {
                    if let Ok(HostMsg::Question(v)) = decode::<HostMsg>(&frame) {
                        let now = Instant::now();
                        let entry = arrived.entry(v.position).or_insert((0, now));
                        entry.0 += 1;
                        entry.1 = now;
                    }
                }
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// p50 and p99 of "next question" → last student has it, over `rounds`.
fn latency(n: usize, rounds: usize) -> (Duration, Duration) {
    let mut host = host(rounds);
    let conns = students(&mut host, n);
    let (ask_tx, ask_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let reader = std::thread::spawn(move || readers(conns, ask_rx, done_tx));
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t0 = Instant::now();
        let Some(p) = host.next_question() else { break };
        ask_tx.send(p).expect("ask");
        // Keep the host stepping (a queue that met a full socket drains on
        // writable) until the readers report.
        let last = loop {
            host.step(Duration::from_millis(1));
            if let Ok(last) = done_rx.try_recv() {
                break last;
            }
        };
        samples.push(last.saturating_duration_since(t0));
        host.reveal();
        host.step(Duration::ZERO);
    }
    drop(ask_tx);
    host.finish();
    let deadline = Instant::now() + WAIT;
    while !host.is_done() && Instant::now() < deadline {
        host.step(Duration::from_millis(5));
    }
    let _ = reader.join();
    samples.sort();
    (percentile(&samples, 0.5), percentile(&samples, 0.99))
}

fn main() {
    for n in [40, 200] {
        let (p50, p99) = latency(n, 300);
        println!(
            "class next question → last of {n} students: p50 {:.2} ms, p99 {:.2} ms (300 questions)",
            p50.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0
        );
    }
    divan::main();
}

/// One round under divan: open the next question for `n` students, wait
/// until every one has it, reveal it.
#[divan::bench(args = [40, 200], sample_count = 50, sample_size = 1)]
fn broadcast_one_question(bencher: divan::Bencher, n: usize) {
    let mut host = host(500);
    let conns = students(&mut host, n);
    let (ask_tx, ask_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let reader = std::thread::spawn(move || readers(conns, ask_rx, done_tx));
    bencher.bench_local(|| {
        let p = host.next_question();
        if let Some(p) = p {
            let _ = ask_tx.send(p);
            while done_rx.try_recv().is_err() {
                host.step(Duration::from_millis(1));
            }
        }
        host.reveal();
    });
    drop(ask_tx);
    drop(reader);
}
