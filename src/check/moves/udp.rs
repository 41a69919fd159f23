//! The moves over UDP: datagrams from one or two sockets of the checker.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime};

use super::super::exercise::Move;
use super::super::log::{Log, LogKind};
use super::super::wire::{Expect, expect, quoted};
use super::tcp::eval_verdict;
use super::{Outcome, Peer, REPLY_WAIT, large_text};

struct Client<'a> {
    socket: UdpSocket,
    id: usize,
    server: SocketAddr,
    log: &'a Log,
}

/// One datagram back (from the server's address), or none before the deadline.
struct Answer {
    bytes: Option<Vec<u8>>,
    at: SystemTime,
}

fn client<'a>(peer: &Peer<'a>, id: usize) -> Result<Client<'a>, String> {
    let local: IpAddr = match peer.server.ip() {
        IpAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
        IpAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
    };
    let socket = UdpSocket::bind((local, 0)).map_err(|e| e.to_string())?;
    Ok(Client {
        socket,
        id,
        server: peer.server,
        log: peer.log,
    })
}

impl Client<'_> {
    fn send(&self, bytes: &[u8]) {
        self.log.note(self.id, LogKind::Sent, bytes);
        let _ = self.socket.send_to(bytes, self.server);
    }

    fn recv(&self, deadline: Instant) -> Answer {
        let mut buf = vec![0u8; 65_536];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Answer {
                    bytes: None,
                    at: SystemTime::now(),
                };
            }
            let _ = self.socket.set_read_timeout(Some(left));
            match self.socket.recv_from(&mut buf) {
                // Only the server's datagrams count (nothing else should arrive).
                Ok((n, from)) if from == self.server => {
                    self.log.note(self.id, LogKind::Received, &buf[..n]);
                    return Answer {
                        bytes: Some(buf[..n].to_vec()),
                        at: SystemTime::now(),
                    };
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // A timeout, or ICMP "port unreachable" from a server that is gone.
                Err(_) => {
                    return Answer {
                        bytes: None,
                        at: SystemTime::now(),
                    };
                }
            }
        }
    }

    /// Sends `request` and judges the first datagram back.
    fn ask(&self, peer: &Peer<'_>, request: &str) -> (bool, String, String) {
        let want = expect(peer.exercise, request);
        let sent_at = SystemTime::now();
        self.send(request.as_bytes());
        let answer = self.recv(Instant::now() + REPLY_WAIT);
        let ok = answer
            .bytes
            .as_deref()
            .is_some_and(|b| want.accepts(b, sent_at, answer.at));
        (
            ok,
            want.shown(peer.exercise.framing, sent_at),
            peer.shown(&answer),
        )
    }
}

impl Peer<'_> {
    fn shown(&self, answer: &Answer) -> String {
        match &answer.bytes {
            Some(b) => quoted(b),
            None => self.say("check.got.no_datagram", &[("ms", &self.wait_ms())]),
        }
    }

    fn verdict(
        &self,
        who: &str,
        ok: bool,
        sent: String,
        expected: String,
        got: String,
        missing: bool,
    ) -> Outcome {
        if ok {
            Outcome::pass(sent, expected, got)
        } else {
            let key = if missing {
                "check.detail.none"
            } else {
                "check.detail.wrong"
            };
            Outcome::fail(format!("{who}{}", self.say(key, &[])), sent, expected, got)
        }
    }

    /// Requests in turn from one socket; stops at the first wrong answer.
    fn requests(&self, c: &Client<'_>, requests: &[String], before: &str) -> Outcome {
        let mut last = Outcome::default();
        for (i, request) in requests.iter().enumerate() {
            let (ok, expected, got) = c.ask(self, request);
            let who = if requests.len() > 1 {
                self.say(
                    "check.request",
                    &[
                        ("n", &(i + 1).to_string()),
                        ("of", &requests.len().to_string()),
                    ],
                )
            } else {
                String::new()
            };
            let sent = format!("{before}{}", quoted(request.as_bytes()));
            let missing = got == self.say("check.got.no_datagram", &[("ms", &self.wait_ms())]);
            last = self.verdict(&who, ok, sent, expected, got, missing);
            if !last.passed {
                break;
            }
        }
        last
    }
}

pub fn play(peer: &Peer<'_>, action: &Move) -> Outcome {
    let first = match client(peer, 1) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e.clone(), String::new(), String::new(), e),
    };
    match action {
        Move::Exchange { messages } => peer.requests(&first, messages, ""),
        Move::Repeat { count, messages } => {
            let many: Vec<String> = (0..*count)
                .map(|i| messages[i % messages.len()].clone())
                .collect();
            peer.requests(&first, &many, "")
        }
        Move::BadUtf8 => after_junk(peer, &first, b"\xff\xfe not UTF-8 \xc3"),
        Move::Large { size } => peer.requests(&first, &[large_text(*size)], ""),
        Move::OddRequests { messages } => {
            let mut shown = Vec::new();
            for (i, m) in messages.iter().enumerate() {
                let c = match client(peer, i + 2) {
                    Ok(c) => c,
                    Err(e) => return Outcome::fail(e.clone(), String::new(), String::new(), e),
                };
                c.send(m.as_bytes());
                shown.push(format!("{}: {}", peer.client(i + 2), quoted(m.as_bytes())));
                let _ = c.recv(Instant::now() + Duration::from_millis(200));
            }
            let before = format!("{}; ", shown.join("; "));
            peer.requests(&first, std::slice::from_ref(&peer.exercise.probe), &before)
        }
        Move::Oversize { size } => after_junk(peer, &first, large_text(*size).as_bytes()),
        Move::SecondAddress { messages } => second_address(peer, &first, messages),
        Move::EvalMarker { expression, marker } => {
            first.send(expression.as_bytes());
            let answer = first.recv(Instant::now() + REPLY_WAIT);
            let got = answer.bytes.clone().unwrap_or_default();
            eval_verdict(
                peer,
                quoted(expression.as_bytes()),
                marker,
                &got,
                peer.shown(&answer),
            )
        }
        // Validation keeps stream-only moves out of UDP exercises.
        _ => Outcome::fail(
            peer.say("check.detail.not_udp", &[]),
            String::new(),
            String::new(),
            String::new(),
        ),
    }
}

/// Sends a datagram the server should survive (any answer to it is fine), then
/// the probe, which must be answered.
fn after_junk(peer: &Peer<'_>, c: &Client<'_>, junk: &[u8]) -> Outcome {
    c.send(junk);
    // Drain an answer to the junk, if the server sends one (an error message is fine).
    let _ = c.recv(Instant::now() + Duration::from_millis(200));
    let before = format!("{}, ", quoted(junk));
    peer.requests(c, std::slice::from_ref(&peer.exercise.probe), &before)
}

fn second_address(peer: &Peer<'_>, a: &Client<'_>, messages: &[String]) -> Outcome {
    let b = match client(peer, 2) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e.clone(), String::new(), String::new(), e),
    };
    let ma = messages.first().cloned().unwrap_or_default();
    let mb = messages.get(1).cloned().unwrap_or_else(|| ma.clone());
    let (wa, wb) = (expect(peer.exercise, &ma), expect(peer.exercise, &mb));
    let sent_at = SystemTime::now();
    a.send(ma.as_bytes());
    b.send(mb.as_bytes());
    let sent = format!(
        "{}: {}; {}: {}",
        peer.client(1),
        quoted(ma.as_bytes()),
        peer.client(2),
        quoted(mb.as_bytes())
    );
    let deadline = Instant::now() + REPLY_WAIT;
    let (ra, rb) = (a.recv(deadline), b.recv(deadline));
    for (id, want, answer) in [(1, &wa, &ra), (2, &wb, &rb)] {
        let ok = answer
            .bytes
            .as_deref()
            .is_some_and(|x| want.accepts(x, sent_at, answer.at));
        if !ok {
            let who = format!("{}: ", peer.client(id));
            let expected = expected_for(peer, want, sent_at);
            return peer.verdict(
                &who,
                false,
                sent,
                expected,
                peer.shown(answer),
                answer.bytes.is_none(),
            );
        }
    }
    Outcome::pass(
        sent,
        expected_for(peer, &wa, sent_at),
        format!("{}; {}", peer.shown(&ra), peer.shown(&rb)),
    )
}

fn expected_for(peer: &Peer<'_>, want: &Expect, at: SystemTime) -> String {
    want.shown(peer.exercise.framing, at)
}
