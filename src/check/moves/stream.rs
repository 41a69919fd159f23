//! One TCP client connection of the checker: connect, write, read with a
//! deadline, reset or close, every event in the property's byte log.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use super::super::exercise::Framing;
use super::super::listen::unread_bytes;
use super::super::log::{Log, LogKind};
use super::super::wire::{Expect, expect, frame};
use super::Peer;

/// Bound on connecting and on each write.
const IO_WAIT: Duration = Duration::from_secs(2);
/// Bound on all the writes of one move plus the wait for its answer.
const WRITE_LIMIT: Duration = Duration::from_secs(20);

pub(super) struct Conn<'a> {
    pub stream: TcpStream,
    pub id: usize,
    pub log: &'a Log,
    /// One request per connection (`until-close`): the request ends with our FIN,
    /// the answer with the server's close.
    pub one_request: bool,
}

/// How a read ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    Complete,
    Timeout,
    Closed,
    Reset,
}

#[derive(Debug)]
pub(super) struct Got {
    pub bytes: Vec<u8>,
    pub end: End,
}

pub(super) fn connect<'a>(peer: &Peer<'a>, id: usize) -> Result<Conn<'a>, String> {
    let stream = TcpStream::connect_timeout(&peer.server, IO_WAIT).map_err(|e| {
        peer.say(
            "check.got.connect_failed",
            &[("addr", &peer.server.to_string()), ("err", &e.to_string())],
        )
    })?;
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(IO_WAIT));
    peer.log.note(id, LogKind::Connected, &[]);
    Ok(Conn {
        stream,
        id,
        log: peer.log,
        one_request: peer.exercise.framing == Framing::UntilClose,
    })
}

impl Conn<'_> {
    /// Writes `bytes`, logged as they are handed to the kernel (before the
    /// answer they may cause).
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.log.note(self.id, LogKind::Sent, bytes);
        self.stream.write_all(bytes)
    }

    /// Reads until `want` bytes came, the server closed, or `deadline`.
    pub fn read(&mut self, want: usize, deadline: Instant) -> Got {
        read_from(&self.stream, self.id, self.log, want, deadline)
    }

    /// Marks the end of the request, when the protocol ends it with a FIN.
    pub fn end_request(&self) {
        if self.one_request {
            half_close(&self.stream, self.id, self.log);
        }
    }

    pub fn reset(self) {
        let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        self.log.note(self.id, LogKind::Reset, &[]);
    }

    pub fn close(self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        self.log.note(self.id, LogKind::Closed, &[]);
    }
}

fn half_close(stream: &TcpStream, id: usize, log: &Log) {
    let _ = stream.shutdown(Shutdown::Write);
    log.note(id, LogKind::HalfClosed, &[]);
}

pub(super) fn read_from(
    stream: &TcpStream,
    id: usize,
    log: &Log,
    want: usize,
    deadline: Instant,
) -> Got {
    read_until(stream, id, log, want, &|| Some(deadline))
}

/// How often a read whose deadline is not known yet looks again.
const RECHECK: Duration = Duration::from_millis(20);

/// Reads until `want` bytes came, the server closed, or the deadline `until`
/// gives (`None`: not known yet, e.g. while our own writes are still going).
fn read_until(
    mut stream: &TcpStream,
    id: usize,
    log: &Log,
    want: usize,
    until: &dyn Fn() -> Option<Instant>,
) -> Got {
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    while bytes.len() < want {
        let deadline = until();
        let left = deadline.map_or(RECHECK, |d| {
            d.saturating_duration_since(Instant::now()).min(RECHECK)
        });
        if left.is_zero() {
            return Got {
                bytes,
                end: End::Timeout,
            };
        }
        let _ = stream.set_read_timeout(Some(left));
        let room = buf.len().min(want - bytes.len());
        match stream.read(&mut buf[..room]) {
            Ok(0) => {
                log.note(id, LogKind::PeerClosed, &[]);
                return Got {
                    bytes,
                    end: End::Closed,
                };
            }
            Ok(n) => {
                log.note(id, LogKind::Received, &buf[..n]);
                bytes.extend_from_slice(&buf[..n]);
            }
            // A short wait ran out; the loop looks at the deadline again.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => {
                log.note(id, LogKind::PeerReset, &[]);
                return Got {
                    bytes,
                    end: End::Reset,
                };
            }
        }
    }
    Got {
        bytes,
        end: End::Complete,
    }
}

/// Writes `chunks` (`pause` apart) on one thread while reading `want` bytes on
/// this one, so a server that answers while it still reads cannot deadlock us.
/// The answer may take `wait` after the last write (however slow the writes were
/// on a busy machine), and never more than WRITE_LIMIT in all. With one request
/// per connection, the writes end with our FIN and the read goes on to the
/// server's close (one byte more than `want`, so the close is seen).
pub(super) fn send_and_read(
    conn: &mut Conn<'_>,
    chunks: &[Vec<u8>],
    pause: Duration,
    want: usize,
    wait: Duration,
) -> Got {
    let one_request = conn.one_request;
    let want = if one_request {
        want.saturating_add(1)
    } else {
        want
    };
    let Ok(writer) = conn.stream.try_clone() else {
        return Got {
            bytes: Vec::new(),
            end: End::Reset,
        };
    };
    let (id, log) = (conn.id, conn.log);
    let peer_addr = conn.stream.peer_addr().ok();
    let local_addr = conn.stream.local_addr().ok();
    let written: Mutex<Option<Instant>> = Mutex::new(None);
    let limit = Instant::now() + WRITE_LIMIT;
    thread::scope(|scope| {
        let done = &written;
        scope.spawn(move || {
            let mut w = &writer;
            for (i, chunk) in chunks.iter().enumerate() {
                if i > 0 && !pause.is_zero() {
                    // Each piece is read on its own: the next goes once the program
                    // has read the last (or a bound passed), so a busy machine
                    // cannot glue the pieces back together in its receive queue.
                    wait_until_read(peer_addr, local_addr);
                    thread::sleep(pause);
                }
                log.note(id, LogKind::Sent, chunk);
                if w.write_all(chunk).is_err() {
                    break;
                }
            }
            if one_request {
                half_close(w, id, log);
            }
            if let Ok(mut at) = done.lock() {
                *at = Some(Instant::now() + wait);
            }
        });
        let until = || -> Option<Instant> {
            match written.lock().ok().and_then(|at| *at) {
                Some(after_writes) => Some(after_writes.min(limit)),
                None if Instant::now() >= limit => Some(limit),
                None => None,
            }
        };
        read_until(&conn.stream, id, log, want, &until)
    })
}

/// How long a piece waits for the program to read the one before.
const READ_WAIT: Duration = Duration::from_millis(250);

/// Waits (at most READ_WAIT) until the program has read everything we sent on
/// this connection, as its receive queue in `/proc/net/tcp*` tells.
fn wait_until_read(server: Option<SocketAddr>, client: Option<SocketAddr>) {
    let (Some(server), Some(client)) = (server, client) else {
        return;
    };
    let until = Instant::now() + READ_WAIT;
    while unread_bytes(server, client).is_some_and(|n| n > 0) && Instant::now() < until {
        thread::sleep(Duration::from_millis(1));
    }
}

/// Joined framed requests, and the joined right answers.
pub(super) fn framed(peer: &Peer<'_>, messages: &[String]) -> (Vec<u8>, Vec<u8>) {
    let mut sent = Vec::new();
    let mut want = Vec::new();
    for m in messages {
        sent.extend(frame(peer.exercise.framing, m.as_bytes()));
        if let Expect::Bytes(b) = expect(peer.exercise, m) {
            want.extend(b);
        }
    }
    (sent, want)
}
