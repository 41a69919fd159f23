//! The moves over TCP: one or more client connections to the student's server.

use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use super::super::exercise::{Framing, Move};
use super::super::log::LogKind;
use super::super::wire::{frame, marker_answer, preview};
use super::stream::{Conn, End, Got, connect, framed, send_and_read};
use super::{Outcome, Peer, REPLY_WAIT, large_text};

impl Peer<'_> {
    fn show(&self, bytes: &[u8]) -> String {
        preview(self.exercise.framing, bytes)
    }

    fn describe(&self, got: &Got) -> String {
        let shown = self.show(&got.bytes);
        let wait = self.wait_ms();
        match (got.end, got.bytes.is_empty()) {
            (End::Complete, _) => shown,
            (End::Timeout, true) => self.say("check.got.nothing", &[("ms", &wait)]),
            (End::Timeout, false) => self.say(
                "check.got.then_nothing",
                &[("bytes", &shown), ("ms", &wait)],
            ),
            (End::Closed, true) => self.say("check.got.closed_silent", &[]),
            (End::Closed, false) => self.say("check.got.then_closed", &[("bytes", &shown)]),
            (End::Reset, true) => self.say("check.got.reset", &[]),
            (End::Reset, false) => self.say("check.got.then_reset", &[("bytes", &shown)]),
        }
    }

    /// The verdict on one answer; `who` prefixes the detail (e.g. "client 2: ").
    /// With one request per connection the answer must end with the server's close.
    fn judge(&self, who: &str, sent: String, want: &[u8], got: &Got) -> Outcome {
        let until_close = self.exercise.framing == Framing::UntilClose;
        let expected = if until_close {
            self.say("check.expected.then_close", &[("bytes", &self.show(want))])
        } else {
            self.show(want)
        };
        let closed = !until_close || got.end == End::Closed;
        if got.bytes == want && closed {
            let shown = if until_close {
                self.describe(got)
            } else {
                self.show(&got.bytes)
            };
            return Outcome::pass(sent, expected, shown);
        }
        let key = if got.bytes == want {
            "check.detail.not_closed"
        } else if got.bytes.is_empty() {
            "check.detail.none"
        } else if want.starts_with(&got.bytes) {
            "check.detail.short"
        } else {
            "check.detail.wrong"
        };
        let detail = format!("{who}{}", self.say(key, &[]));
        Outcome::fail(detail, sent, expected, self.describe(got))
    }

    /// A fresh client sends the probe and must get the right answer.
    fn probe(&self, id: usize, before: &str) -> Outcome {
        let message = self.exercise.probe.clone();
        let (sent, want) = framed(self, std::slice::from_ref(&message));
        let shown_sent = format!("{before}; {}: {}", self.client(id), self.show(&sent));
        let mut conn = match connect(self, id) {
            Ok(c) => c,
            Err(e) => {
                return Outcome::fail(
                    format!("{}: {e}", self.client(id)),
                    shown_sent,
                    self.show(&want),
                    e,
                );
            }
        };
        let got = send_and_read(&mut conn, &[sent], Duration::ZERO, want.len(), REPLY_WAIT);
        conn.close();
        self.judge(&format!("{}: ", self.client(id)), shown_sent, &want, &got)
    }
}

pub fn play(peer: &Peer<'_>, action: &Move) -> Outcome {
    match action {
        Move::Exchange { messages } if peer.exercise.framing == Framing::UntilClose => {
            one_per_connection(peer, messages)
        }
        Move::Exchange { messages } => exchange(peer, messages),
        Move::Pieces {
            messages,
            piece,
            pause,
        } => {
            let (sent, want) = framed(peer, messages);
            let chunks: Vec<Vec<u8>> = sent.chunks(*piece).map(<[u8]>::to_vec).collect();
            let shown = peer.say(
                "check.sent.pieces",
                &[
                    ("bytes", &peer.show(&sent)),
                    ("n", &piece.to_string()),
                    ("ms", &pause.as_millis().to_string()),
                ],
            );
            one_write_plan(peer, shown, &chunks, *pause, &want, REPLY_WAIT)
        }
        Move::Glue { messages } => {
            let (sent, want) = framed(peer, messages);
            let shown = peer.say("check.sent.glued", &[("bytes", &peer.show(&sent))]);
            one_write_plan(peer, shown, &[sent], Duration::ZERO, &want, REPLY_WAIT)
        }
        Move::Large { size } => {
            let text = large_text(*size);
            let (sent, want) = framed(peer, &[text]);
            // The wait starts when our last byte is written; a slow program gets
            // a little more for a MiB than for a line.
            let wait = REPLY_WAIT * 2;
            one_write_plan(peer, peer.show(&sent), &[sent], Duration::ZERO, &want, wait)
        }
        Move::HalfClose { messages } => half_close(peer, messages),
        Move::Reset { message, cut } => {
            let before = cut_and(peer, message, *cut, Conn::reset, "check.sent.then_reset");
            match before {
                Ok(shown) => {
                    // Give the server a moment to see the reset before the next client.
                    thread::sleep(Duration::from_millis(50));
                    peer.probe(2, &shown)
                }
                Err(o) => o,
            }
        }
        Move::Vanish { message, cut } => {
            let (sent, _) = framed(peer, std::slice::from_ref(message));
            let part = &sent[..(*cut).min(sent.len())];
            let mut first = match connect(peer, 1) {
                Ok(c) => c,
                Err(e) => return Outcome::fail(e.clone(), peer.show(part), String::new(), e),
            };
            let _ = first.write(part);
            let shown = peer.say(
                "check.sent.then_silent",
                &[("client", &peer.client(1)), ("bytes", &peer.show(part))],
            );
            let outcome = peer.probe(2, &shown);
            first.close();
            outcome
        }
        Move::ClientsAtOnce {
            clients,
            messages,
            within,
        } => at_once(peer, *clients, messages, *within),
        Move::OneAfterAnother { clients, messages } => {
            let mut sent_all = Vec::new();
            for id in 1..=*clients {
                let m = messages[(id - 1) % messages.len()].clone();
                let (sent, want) = framed(peer, std::slice::from_ref(&m));
                sent_all.push(format!("{}: {}", peer.client(id), peer.show(&sent)));
                let mut conn = match connect(peer, id) {
                    Ok(c) => c,
                    Err(e) => {
                        return Outcome::fail(
                            format!("{}: {e}", peer.client(id)),
                            sent_all.join("; "),
                            peer.show(&want),
                            e,
                        );
                    }
                };
                let got = send_and_read(&mut conn, &[sent], Duration::ZERO, want.len(), REPLY_WAIT);
                conn.close();
                let outcome = peer.judge(
                    &format!("{}: ", peer.client(id)),
                    sent_all.join("; "),
                    &want,
                    &got,
                );
                if !outcome.passed || id == *clients {
                    return outcome;
                }
            }
            Outcome::pass(sent_all.join("; "), String::new(), String::new())
        }
        Move::Goodbye { messages, word } => goodbye(peer, messages, word),
        Move::BadUtf8 => {
            let bad = frame(peer.exercise.framing, b"\xff\xfe not UTF-8 \xc3");
            let mut conn = match connect(peer, 1) {
                Ok(c) => c,
                Err(e) => return Outcome::fail(e.clone(), peer.show(&bad), String::new(), e),
            };
            let _ = conn.write(&bad);
            conn.end_request();
            let _ = conn.read(usize::MAX, Instant::now() + Duration::from_millis(200));
            conn.close();
            peer.probe(2, &format!("{}: {}", peer.client(1), peer.show(&bad)))
        }
        Move::OddRequests { messages } => odd_requests(peer, messages),
        Move::Nothing => {
            match connect(peer, 1) {
                Ok(conn) => {
                    thread::sleep(Duration::from_millis(100));
                    conn.close();
                }
                Err(e) => return Outcome::fail(e.clone(), String::new(), String::new(), e),
            }
            let shown = peer.say("check.sent.nothing", &[("client", &peer.client(1))]);
            peer.probe(2, &shown)
        }
        Move::EvalMarker { expression, marker } => {
            let sent = frame(peer.exercise.framing, expression.as_bytes());
            let mut conn = match connect(peer, 1) {
                Ok(c) => c,
                Err(e) => return Outcome::fail(e.clone(), peer.show(&sent), String::new(), e),
            };
            let got = send_and_read(
                &mut conn,
                std::slice::from_ref(&sent),
                Duration::ZERO,
                usize::MAX,
                REPLY_WAIT,
            );
            conn.close();
            eval_verdict(
                peer,
                peer.show(&sent),
                marker,
                &got.bytes,
                peer.describe(&got),
            )
        }
        Move::Repeat { count, messages } => {
            let many: Vec<String> = (0..*count)
                .map(|i| messages[i % messages.len()].clone())
                .collect();
            if peer.exercise.framing == Framing::UntilClose {
                one_per_connection(peer, &many)
            } else {
                exchange(peer, &many)
            }
        }
        // Validation keeps UDP-only moves out of TCP exercises.
        Move::Oversize { .. } | Move::SecondAddress { .. } => Outcome::fail(
            peer.say("check.detail.not_tcp", &[]),
            String::new(),
            String::new(),
            String::new(),
        ),
    }
}

/// The verdict of `eval-marker`: the answer must not carry what an evaluating
/// server would answer (the right answer to the request `marker`).
pub fn eval_verdict(
    peer: &Peer<'_>,
    sent: String,
    marker: &str,
    got: &[u8],
    shown: String,
) -> Outcome {
    let computed = marker_answer(peer.exercise.reply, marker);
    let marker = computed.as_str();
    let expected = peer.say("check.expected.not_marker", &[("marker", marker)]);
    let text = String::from_utf8_lossy(got);
    if text.contains(marker) {
        Outcome::fail(
            peer.say("check.detail.evaluated", &[("marker", marker)]),
            sent,
            expected,
            shown,
        )
    } else {
        Outcome::pass(sent, expected, shown)
    }
}

fn exchange(peer: &Peer<'_>, messages: &[String]) -> Outcome {
    let mut conn = match connect(peer, 1) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e.clone(), String::new(), String::new(), e),
    };
    let mut last = Outcome::default();
    for (i, m) in messages.iter().enumerate() {
        let (sent, want) = framed(peer, std::slice::from_ref(m));
        let got = send_and_read(
            &mut conn,
            std::slice::from_ref(&sent),
            Duration::ZERO,
            want.len(),
            REPLY_WAIT,
        );
        let who = if messages.len() > 1 {
            peer.say(
                "check.request",
                &[
                    ("n", &(i + 1).to_string()),
                    ("of", &messages.len().to_string()),
                ],
            )
        } else {
            String::new()
        };
        last = peer.judge(&who, peer.show(&sent), &want, &got);
        if !last.passed {
            break;
        }
    }
    conn.close();
    last
}

/// Each request from a fresh client (one request per connection), in turn.
fn one_per_connection(peer: &Peer<'_>, messages: &[String]) -> Outcome {
    let mut last = Outcome::default();
    for (i, m) in messages.iter().enumerate() {
        let id = i + 1;
        let (sent, want) = framed(peer, std::slice::from_ref(m));
        let mut conn = match connect(peer, id) {
            Ok(c) => c,
            Err(e) => return Outcome::fail(e.clone(), peer.show(&sent), peer.show(&want), e),
        };
        let got = send_and_read(
            &mut conn,
            std::slice::from_ref(&sent),
            Duration::ZERO,
            want.len(),
            REPLY_WAIT,
        );
        conn.close();
        let who = if messages.len() > 1 {
            format!("{}: ", peer.client(id))
        } else {
            String::new()
        };
        last = peer.judge(&who, peer.show(&sent), &want, &got);
        if !last.passed {
            break;
        }
    }
    last
}

/// How long the checker listens for an answer to an odd request (any will do).
const ODD_WAIT: Duration = Duration::from_millis(300);

/// Odd requests, each from a fresh client that reads what comes back for a
/// moment and leaves; then the probe must be answered.
fn odd_requests(peer: &Peer<'_>, messages: &[String]) -> Outcome {
    let mut shown = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let (sent, _) = framed(peer, std::slice::from_ref(m));
        let id = i + 1;
        shown.push(format!("{}: {}", peer.client(id), peer.show(&sent)));
        // A server already stopped by an earlier one: the probe tells.
        let Ok(mut conn) = connect(peer, id) else {
            break;
        };
        let _ = send_and_read(&mut conn, &[sent], Duration::ZERO, usize::MAX, ODD_WAIT);
        conn.close();
    }
    // A crash shows a moment after the request that caused it.
    thread::sleep(Duration::from_millis(50));
    peer.probe(messages.len() + 1, &shown.join("; "))
}

fn one_write_plan(
    peer: &Peer<'_>,
    shown: String,
    chunks: &[Vec<u8>],
    pause: Duration,
    want: &[u8],
    wait: Duration,
) -> Outcome {
    let mut conn = match connect(peer, 1) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e.clone(), shown, peer.show(want), e),
    };
    let got = send_and_read(&mut conn, chunks, pause, want.len(), wait);
    conn.close();
    peer.judge("", shown, want, &got)
}

/// Sends the first `cut` bytes of `message` on client 1, then ends it with `finish`.
fn cut_and<'a>(
    peer: &Peer<'a>,
    message: &str,
    cut: usize,
    finish: impl FnOnce(Conn<'a>),
    key: &str,
) -> Result<String, Outcome> {
    let (sent, _) = framed(peer, &[message.to_string()]);
    let part = sent[..cut.min(sent.len())].to_vec();
    let mut conn = connect(peer, 1)
        .map_err(|e| Outcome::fail(e.clone(), peer.show(&part), String::new(), e))?;
    let _ = conn.write(&part);
    thread::sleep(Duration::from_millis(50));
    finish(conn);
    Ok(peer.say(
        key,
        &[("client", &peer.client(1)), ("bytes", &peer.show(&part))],
    ))
}

fn half_close(peer: &Peer<'_>, messages: &[String]) -> Outcome {
    let (sent, want) = framed(peer, messages);
    let shown = peer.say("check.sent.then_fin", &[("bytes", &peer.show(&sent))]);
    let mut conn = match connect(peer, 1) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e.clone(), shown, peer.show(&want), e),
    };
    let _ = conn.write(&sent);
    let _ = conn.stream.shutdown(Shutdown::Write);
    peer.log.note(1, LogKind::HalfClosed, &[]);
    let got = conn.read(want.len() + 1, Instant::now() + REPLY_WAIT);
    conn.close();
    let expected = peer.say("check.expected.then_close", &[("bytes", &peer.show(&want))]);
    if got.bytes == want && got.end == End::Closed {
        Outcome::pass(shown, expected, peer.describe(&got))
    } else {
        let key = if got.bytes == want {
            "check.detail.not_closed"
        } else {
            "check.detail.wrong"
        };
        Outcome::fail(peer.say(key, &[]), shown, expected, peer.describe(&got))
    }
}

fn goodbye(peer: &Peer<'_>, messages: &[String], word: &str) -> Outcome {
    let mut conn = match connect(peer, 1) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e.clone(), String::new(), String::new(), e),
    };
    // Each message in its own write and answered, then the goodbye: after it, at
    // most its answer, then the server's close.
    let mut shown = Vec::new();
    for m in messages {
        let (sent, want) = framed(peer, std::slice::from_ref(m));
        shown.push(peer.show(&sent));
        let got = send_and_read(&mut conn, &[sent], Duration::ZERO, want.len(), REPLY_WAIT);
        if got.bytes != want {
            conn.close();
            return peer.judge("", shown.join(" "), &want, &got);
        }
    }
    let (sent, want) = framed(peer, &[word.to_string()]);
    shown.push(peer.show(&sent));
    let got = send_and_read(
        &mut conn,
        &[sent],
        Duration::ZERO,
        want.len() + 1,
        REPLY_WAIT,
    );
    conn.close();
    let expected = peer.say(
        "check.expected.maybe_then_close",
        &[("bytes", &peer.show(&want))],
    );
    let answered = got.bytes.is_empty() || got.bytes == want;
    if answered && got.end == End::Closed {
        Outcome::pass(shown.join(" "), expected, peer.describe(&got))
    } else {
        let key = if answered {
            "check.detail.not_closed"
        } else {
            "check.detail.wrong"
        };
        Outcome::fail(
            peer.say(key, &[]),
            shown.join(" "),
            expected,
            peer.describe(&got),
        )
    }
}

fn at_once(peer: &Peer<'_>, clients: usize, messages: &[String], within: Duration) -> Outcome {
    let mut conns = Vec::new();
    for id in 1..=clients {
        match connect(peer, id) {
            Ok(c) => conns.push(c),
            Err(e) => {
                return Outcome::fail(
                    format!("{}: {e}", peer.client(id)),
                    String::new(),
                    String::new(),
                    e,
                );
            }
        }
    }
    let plans: Vec<(Vec<u8>, Vec<u8>)> = (0..clients)
        .map(|i| framed(peer, std::slice::from_ref(&messages[i % messages.len()])))
        .collect();
    let sent: Vec<String> = plans
        .iter()
        .enumerate()
        .map(|(i, (s, _))| format!("{}: {}", peer.client(i + 1), peer.show(s)))
        .collect();
    let shown = peer.say("check.sent.at_once", &[("list", &sent.join("; "))]);
    for (conn, (s, _)) in conns.iter_mut().zip(&plans) {
        let _ = conn.write(s);
        conn.end_request();
    }
    let deadline = Instant::now() + within;
    let mut outcome = Outcome::default();
    for (i, (conn, (_, want))) in conns.iter_mut().zip(&plans).enumerate() {
        // One byte more with one request per connection: the server's close.
        let got = conn.read(want.len() + usize::from(conn.one_request), deadline);
        outcome = peer.judge(
            &format!("{}: ", peer.client(i + 1)),
            shown.clone(),
            want,
            &got,
        );
        if !outcome.passed {
            outcome.detail = format!(
                "{} {}",
                outcome.detail,
                peer.say(
                    "check.detail.within",
                    &[("ms", &within.as_millis().to_string())]
                )
            );
            break;
        }
    }
    for conn in conns {
        conn.close();
    }
    outcome
}
