//! The host of a class session: one thread, one `mio` poll over the listener
//! and every student's connection, nothing ever blocks. Each connection has a
//! bounded write queue: a client that does not read fills its own queue and
//! is dropped, the others are written to as before (the kernel's send
//! buffer of each socket is fixed too, [`Limits::socket_send_buffer`]). A connection must say
//! hello with the right code within [`Limits::hello_timeout`] or it is
//! dropped; wrong codes from one address are rate limited with a doubling
//! wait. Every answer is recorded in the grade book as it arrives, each in its
//! own transaction.
//!
//! The host is driven from outside: [`Host::step`] waits for the network (at
//! most the time given) and returns what happened; [`Host::next_question`],
//! [`Host::reveal`] and [`Host::finish`] are the instructor's keys (the
//! headless driver presses them on its own clock). A question closes and is
//! revealed by itself when its time is up or every student present has
//! answered.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read as _, Write as _};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use serde::Serialize;

use super::histogram::{self, Histogram};
use super::names;
use super::protocol::{
    self, ClientMsg, FrameError, FrameReader, HostMsg, QuestionView, Refusal, Rejection, Reveal,
    VERSION,
};
use crate::class::gradebook::{
    GradeBook, GradeBookError, NewSession, RecordedAnswer, SessionId, SessionKind,
};
use crate::i18n::Lang;
use crate::i18n::Text;
use crate::lesson::{Question, QuestionKind};
use crate::quiz::answer::{self, Verdict};
use crate::quiz::plain::hint;
use crate::quiz::session::{QuizSpec, Record};

const LISTENER: Token = Token(0);
/// Wakes [`Host::step`] from another thread (the host screen's keys).
const WAKER: Token = Token(usize::MAX);

/// What the host tolerates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A connection that has not sent a right hello by then is dropped.
    pub hello_timeout: Duration,
    /// Bytes waiting to be written to one client; more and it is dropped.
    pub queue_bytes: usize,
    /// The kernel's send buffer of each client's socket (SO_SNDBUF; the
    /// kernel doubles it). Fixed rather than autotuned, so what one client
    /// that does not read can hold is bounded in the kernel too.
    pub socket_send_buffer: usize,
    /// Students in the room (joined, present or not).
    pub max_students: usize,
    /// Connections open at once (greeting, joined or closing).
    pub max_connections: usize,
    /// Wrong codes from one address before it has to wait.
    pub free_strikes: u32,
    /// The first wait; each further wrong code doubles it, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// How long a closing connection gets to take its last frame.
    pub linger: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            hello_timeout: Duration::from_secs(5),
            queue_bytes: 256 * 1024,
            socket_send_buffer: 64 * 1024,
            max_students: 1000,
            max_connections: 1500,
            free_strikes: 3,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            linger: Duration::from_secs(2),
        }
    }
}

/// How a session is set up.
#[derive(Debug, Clone)]
pub struct HostConfig {
    pub listen: SocketAddr,
    /// The one question set of the room (everyone sees the same question, so
    /// the histogram means something).
    pub questions: Vec<Question>,
    pub spec: QuizSpec,
    pub exam: bool,
    pub question_time: Duration,
    /// The join code (see [`names::join_code`]).
    pub code: String,
    pub limits: Limits,
    /// The language the grade book keeps question texts in.
    pub lang: Lang,
}

/// Why the host dropped a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum DropReason {
    /// Said nothing (or not a whole hello) before the hello deadline.
    Silent,
    /// A length prefix over the frame limit.
    Oversize,
    /// Bytes that are not a message of the protocol.
    Garbage,
    /// A message not allowed now (anything but hello before the welcome).
    Protocol,
    /// Its write queue filled: it does not read.
    Slow,
    /// The same student connected again; the old connection goes.
    Replaced,
    /// Too many connections.
    Busy,
}

/// What happened, for the headless JSON lines and the host screen. Never
/// says who gave which answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum HostEvent {
    Joined {
        name: String,
        students: usize,
        resumed: bool,
    },
    Left {
        name: String,
        present: usize,
    },
    Refused {
        peer: String,
        reason: Refusal,
    },
    Rejected {
        position: usize,
        reason: Rejection,
    },
    Dropped {
        peer: String,
        reason: DropReason,
    },
    Question {
        position: usize,
        questions: usize,
        instance: String,
        seconds: f64,
    },
    Answer {
        position: usize,
        answered: usize,
        present: usize,
    },
    Reveal {
        position: usize,
        answer: String,
        answered: usize,
        correct: usize,
        histogram: Histogram,
    },
    End {
        session: Option<i64>,
        students: usize,
        answers: usize,
        /// Students per score, 0–9 %, …, 90–100 %.
        distribution: [usize; 10],
    },
    GradeBook {
        error: String,
    },
}

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    /// Students join; no question yet.
    Lobby,
    /// Question `position` takes answers until `deadline`.
    Open {
        position: usize,
        opened: Instant,
        deadline: Instant,
    },
    /// Question `position` is closed and revealed.
    Revealed {
        position: usize,
    },
    Ended,
}

/// One student's answer.
#[derive(Debug, Clone, PartialEq)]
struct Given {
    answer: String,
    correct: bool,
}

#[derive(Debug)]
struct Student {
    name: String,
    token: String,
    conn: Option<Token>,
    answers: Vec<Option<Given>>,
}

impl Student {
    fn score(&self) -> usize {
        self.answers.iter().flatten().filter(|g| g.correct).count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ConnState {
    Greeting {
        deadline: Instant,
    },
    Joined {
        student: usize,
    },
    /// Its last frame is queued; writing is shut down once it is out, and
    /// the connection goes when the peer closes or `deadline` passes.
    Closing {
        deadline: Instant,
        shut: bool,
    },
}

#[derive(Debug)]
struct Conn {
    stream: TcpStream,
    peer: SocketAddr,
    reader: FrameReader,
    queue: VecDeque<Vec<u8>>,
    /// Bytes of the front frame already written.
    sent: usize,
    queued: usize,
    state: ConnState,
}

/// Wrong codes from one address.
#[derive(Debug, Clone, Copy)]
struct Strikes {
    count: u32,
    until: Option<Instant>,
}

/// A snapshot of the room for the host screen.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomView {
    pub code: String,
    pub addr: SocketAddr,
    pub phase: Phase,
    /// Names in the order they joined, with whether they are connected now.
    pub students: Vec<(String, bool)>,
    pub questions: usize,
    pub exam: bool,
    pub question: Option<Question>,
    /// Answers to the current question so far.
    pub answered: usize,
    pub histogram: Histogram,
    /// (name, score) best first, then by name.
    pub leaderboard: Vec<(String, usize)>,
    /// Students per score tenth, at the end.
    pub distribution: [usize; 10],
}

/// The host.
pub struct Host {
    poll: Poll,
    events: Events,
    listener: TcpListener,
    addr: SocketAddr,
    conns: HashMap<Token, Conn>,
    next_token: usize,
    cfg: HostConfig,
    phase: Phase,
    students: Vec<Student>,
    by_token: HashMap<String, usize>,
    strikes: HashMap<IpAddr, Strikes>,
    book: Option<(GradeBook, SessionId)>,
    book_failed: bool,
    answers: usize,
    out: Vec<HostEvent>,
    /// Drops decided while a connection was borrowed (None: it failed, no
    /// misbehaviour to report).
    doomed: Vec<(Token, Option<DropReason>)>,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Host {
    /// Listens on `cfg.listen`; a grade book at `book` records the session.
    pub fn bind(cfg: HostConfig, book: Option<&Path>) -> io::Result<Host> {
        let std_listener = std::net::TcpListener::bind(cfg.listen)?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let mut listener = TcpListener::from_std(std_listener);
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let mut host = Host {
            poll,
            events: Events::with_capacity(1024),
            listener,
            addr,
            conns: HashMap::new(),
            next_token: 1,
            phase: Phase::Lobby,
            students: Vec::new(),
            by_token: HashMap::new(),
            strikes: HashMap::new(),
            book: None,
            book_failed: false,
            answers: 0,
            out: Vec::new(),
            doomed: Vec::new(),
            cfg,
        };
        if let Some(path) = book {
            let new = NewSession {
                kind: if host.cfg.exam {
                    SessionKind::LiveExam
                } else {
                    SessionKind::Live
                },
                seed: host.cfg.spec.seed,
                topics: host
                    .cfg
                    .spec
                    .topics_or_all()
                    .iter()
                    .map(|t| t.name().to_string())
                    .collect(),
                questions: host.cfg.questions.len(),
                started: SystemTime::now(),
                sitting: None,
            };
            let opened = GradeBook::open(path).and_then(|mut b| {
                let id = b.begin_session(&new)?;
                Ok((b, id))
            });
            match opened {
                Ok(pair) => host.book = Some(pair),
                Err(e) => {
                    return Err(io::Error::other(e.to_string()));
                }
            }
        }
        Ok(host)
    }

    /// Something another thread can wake [`Host::step`] with (one per host).
    pub fn waker(&self) -> io::Result<std::sync::Arc<mio::Waker>> {
        Ok(std::sync::Arc::new(mio::Waker::new(
            self.poll.registry(),
            WAKER,
        )?))
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn code(&self) -> &str {
        &self.cfg.code
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn session(&self) -> Option<SessionId> {
        self.book.as_ref().map(|(_, id)| *id)
    }

    /// Students who joined (present or not).
    pub fn students(&self) -> usize {
        self.students.len()
    }

    /// Students connected now.
    pub fn present(&self) -> usize {
        self.students.iter().filter(|s| s.conn.is_some()).count()
    }

    /// Answers received (not counting the questions left unanswered).
    pub fn answers(&self) -> usize {
        self.answers
    }

    /// After [`Host::finish`]: every connection has had its last frame.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Ended && self.conns.is_empty()
    }

    /// Waits for the network at most `wait` (less when a deadline is nearer),
    /// handles what arrived and the deadlines, and returns what happened.
    pub fn step(&mut self, wait: Duration) -> Vec<HostEvent> {
        let now = Instant::now();
        let wait = self
            .next_deadline()
            .map_or(wait, |d| wait.min(d.saturating_duration_since(now)));
        if let Err(e) = self.poll.poll(&mut self.events, Some(wait))
            && e.kind() != io::ErrorKind::Interrupted
        {
            self.out.push(HostEvent::GradeBook {
                error: format!("poll: {e}"),
            });
        }
        let ready: Vec<(Token, bool, bool)> = self
            .events
            .iter()
            .map(|e| {
                (
                    e.token(),
                    e.is_readable() || e.is_read_closed() || e.is_error(),
                    e.is_writable(),
                )
            })
            .collect();
        for (token, readable, writable) in ready {
            if token == LISTENER {
                self.accept();
                continue;
            }
            if token == WAKER {
                continue;
            }
            if writable {
                self.flush(token);
            }
            if readable {
                self.read(token);
            }
        }
        self.timers();
        self.bury();
        std::mem::take(&mut self.out)
    }

    /// The nearest deadline the host has to act on.
    fn next_deadline(&self) -> Option<Instant> {
        let conns = self.conns.values().filter_map(|c| match c.state {
            ConnState::Greeting { deadline } | ConnState::Closing { deadline, .. } => {
                Some(deadline)
            }
            ConnState::Joined { .. } => None,
        });
        let question = match self.phase {
            Phase::Open { deadline, .. } => Some(deadline),
            _ => None,
        };
        conns.chain(question).min()
    }

    fn accept(&mut self) {
        loop {
            match self.listener.accept() {
                Ok((mut stream, peer)) => {
                    if self.conns.len() >= self.cfg.limits.max_connections {
                        self.out.push(HostEvent::Dropped {
                            peer: peer.to_string(),
                            reason: DropReason::Busy,
                        });
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    let _ = socket2::SockRef::from(&stream)
                        .set_send_buffer_size(self.cfg.limits.socket_send_buffer);
                    let token = Token(self.next_token);
                    self.next_token += 1;
                    if self
                        .poll
                        .registry()
                        .register(&mut stream, token, Interest::READABLE | Interest::WRITABLE)
                        .is_err()
                    {
                        continue;
                    }
                    let deadline = Instant::now() + self.cfg.limits.hello_timeout;
                    self.conns.insert(
                        token,
                        Conn {
                            stream,
                            peer,
                            reader: FrameReader::default(),
                            queue: VecDeque::new(),
                            sent: 0,
                            queued: 0,
                            state: ConnState::Greeting { deadline },
                        },
                    );
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Out of file descriptors and the like: try again next time.
                Err(_) => return,
            }
        }
    }

    /// Reads everything the connection has; hands each whole frame on.
    fn read(&mut self, token: Token) {
        let mut buf = [0u8; 16 * 1024];
        loop {
            let Some(conn) = self.conns.get_mut(&token) else {
                return;
            };
            match conn.stream.read(&mut buf) {
                Ok(0) => {
                    self.gone(token);
                    return;
                }
                Ok(n) => {
                    if matches!(conn.state, ConnState::Closing { .. }) {
                        continue;
                    }
                    conn.reader.push(&buf[..n]);
                    loop {
                        let Some(conn) = self.conns.get_mut(&token) else {
                            return;
                        };
                        if matches!(conn.state, ConnState::Closing { .. }) {
                            break;
                        }
                        match conn.reader.next_frame() {
                            Ok(Some(payload)) => match protocol::decode::<ClientMsg>(&payload) {
                                Ok(msg) => self.handle(token, msg),
                                Err(_) => {
                                    self.kill(token, DropReason::Garbage);
                                    return;
                                }
                            },
                            Ok(None) => break,
                            Err(FrameError::Oversize(_)) => {
                                self.kill(token, DropReason::Oversize);
                                return;
                            }
                            Err(FrameError::Garbage(_)) => {
                                self.kill(token, DropReason::Garbage);
                                return;
                            }
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.gone(token);
                    return;
                }
            }
        }
    }

    /// The peer closed (or the connection failed).
    fn gone(&mut self, token: Token) {
        let Some(mut conn) = self.conns.remove(&token) else {
            return;
        };
        let _ = self.poll.registry().deregister(&mut conn.stream);
        if let ConnState::Joined { student } = conn.state {
            self.left(student, token);
        }
    }

    /// `student`'s connection `token` is no more.
    fn left(&mut self, student: usize, token: Token) {
        if let Some(s) = self.students.get_mut(student)
            && s.conn == Some(token)
        {
            s.conn = None;
            let name = s.name.clone();
            let present = self.present();
            self.out.push(HostEvent::Left { name, present });
            self.maybe_all_answered();
        }
    }

    /// Drops a misbehaving connection now (with an event).
    fn kill(&mut self, token: Token, reason: DropReason) {
        if let Some(conn) = self.conns.get(&token) {
            self.out.push(HostEvent::Dropped {
                peer: conn.peer.to_string(),
                reason,
            });
        }
        self.gone(token);
    }

    /// Drops the connections doomed while borrowed.
    fn bury(&mut self) {
        while let Some((token, reason)) = self.doomed.pop() {
            match reason {
                Some(reason) => self.kill(token, reason),
                None => self.gone(token),
            }
        }
    }

    /// Queues `bytes` to `token` and writes what the socket takes now. A
    /// queue over the limit dooms the connection (it does not read).
    fn send(&mut self, token: Token, bytes: Vec<u8>) {
        let limit = self.cfg.limits.queue_bytes;
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        if conn.queued + bytes.len() > limit {
            if !self.doomed.iter().any(|(t, _)| *t == token) {
                self.doomed.push((token, Some(DropReason::Slow)));
            }
            return;
        }
        conn.queued += bytes.len();
        conn.queue.push_back(bytes);
        self.flush(token);
    }

    /// Writes queued frames until the socket would block.
    fn flush(&mut self, token: Token) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        while let Some(front) = conn.queue.front() {
            match conn.stream.write(&front[conn.sent..]) {
                Ok(0) => {
                    self.doomed.push((token, None));
                    return;
                }
                Ok(n) => {
                    conn.sent += n;
                    if conn.sent == front.len() {
                        conn.queued -= front.len();
                        conn.sent = 0;
                        conn.queue.pop_front();
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    // Reset by the peer: it is gone, as if it had closed.
                    conn.queue.clear();
                    conn.queued = 0;
                    self.doomed.push((token, None));
                    return;
                }
            }
        }
        if let ConnState::Closing { shut, .. } = &mut conn.state
            && !*shut
        {
            *shut = true;
            let _ = conn.stream.shutdown(std::net::Shutdown::Write);
        }
    }

    fn send_msg(&mut self, token: Token, msg: &HostMsg) {
        self.send(token, protocol::encode(msg));
    }

    /// Sends `msg` as the last frame and closes after it.
    fn close_with(&mut self, token: Token, msg: &HostMsg) {
        let deadline = Instant::now() + self.cfg.limits.linger;
        if let Some(conn) = self.conns.get_mut(&token) {
            conn.state = ConnState::Closing {
                deadline,
                shut: false,
            };
        }
        self.send_msg(token, msg);
    }

    fn refuse(&mut self, token: Token, reason: Refusal, retry: Option<Duration>) {
        if let Some(conn) = self.conns.get(&token) {
            self.out.push(HostEvent::Refused {
                peer: conn.peer.to_string(),
                reason,
            });
        }
        self.close_with(
            token,
            &HostMsg::Refused {
                reason,
                retry_after_ms: retry.map(ms),
            },
        );
    }

    fn handle(&mut self, token: Token, msg: ClientMsg) {
        let Some(state) = self.conns.get(&token).map(|c| c.state) else {
            return;
        };
        match (state, msg) {
            (
                ConnState::Greeting { .. },
                ClientMsg::Hello {
                    v,
                    code,
                    name,
                    token: resume,
                },
            ) => self.hello(token, v, &code, &name, resume.as_deref()),
            (
                ConnState::Joined { student },
                ClientMsg::Answer {
                    token: given,
                    position,
                    answer,
                },
            ) => self.answer(token, student, &given, position, &answer),
            _ => self.kill(token, DropReason::Protocol),
        }
    }

    /// The wait an address has left, if it is locked out.
    fn locked(&mut self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let s = self.strikes.get(&ip)?;
        s.until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// One more wrong code (or unknown token) from `ip`.
    fn strike(&mut self, ip: IpAddr, now: Instant) {
        let limits = self.cfg.limits;
        if self.strikes.len() > 4096 {
            self.strikes
                .retain(|_, s| s.until.is_some_and(|until| until > now));
        }
        let s = self.strikes.entry(ip).or_insert(Strikes {
            count: 0,
            until: None,
        });
        s.count += 1;
        if s.count >= limits.free_strikes {
            let doublings = (s.count - limits.free_strikes).min(16);
            let wait = limits
                .backoff
                .saturating_mul(1u32 << doublings)
                .min(limits.max_backoff);
            s.until = Some(now + wait);
        }
    }

    fn hello(&mut self, token: Token, v: u32, code: &str, name: &str, resume: Option<&str>) {
        let now = Instant::now();
        let Some(ip) = self.conns.get(&token).map(|c| c.peer.ip()) else {
            return;
        };
        if v != VERSION {
            return self.refuse(token, Refusal::Version, None);
        }
        if let Some(wait) = self.locked(ip, now) {
            return self.refuse(token, Refusal::RateLimited, Some(wait));
        }
        if !names::code_matches(code, &self.cfg.code) {
            self.strike(ip, now);
            let wait = self.locked(ip, now);
            return self.refuse(token, Refusal::Code, wait);
        }
        if self.phase == Phase::Ended {
            return self.refuse(token, Refusal::Ended, None);
        }
        let (student, resumed) = match resume {
            Some(t) => match self.by_token.get(t) {
                Some(&i) => (i, true),
                None => {
                    self.strike(ip, now);
                    return self.refuse(token, Refusal::Token, None);
                }
            },
            None => {
                if self.students.len() >= self.cfg.limits.max_students {
                    return self.refuse(token, Refusal::Full, None);
                }
                let clean = names::sanitize(name);
                let name = names::unique(&clean, |n| self.students.iter().any(|s| s.name == n));
                let secret = names::token();
                self.by_token.insert(secret.clone(), self.students.len());
                self.students.push(Student {
                    name,
                    token: secret,
                    conn: None,
                    answers: vec![None; self.cfg.questions.len()],
                });
                (self.students.len() - 1, false)
            }
        };
        if let Some(s) = self.strikes.get_mut(&ip) {
            s.count = 0;
            s.until = None;
        }
        // A student connected twice keeps the newer connection.
        if let Some(old) = self.students[student].conn.take()
            && old != token
        {
            self.kill(old, DropReason::Replaced);
        }
        self.students[student].conn = Some(token);
        if let Some(conn) = self.conns.get_mut(&token) {
            conn.state = ConnState::Joined { student };
        }
        let s = &self.students[student];
        let welcome = HostMsg::Welcome {
            v: VERSION,
            name: s.name.clone(),
            token: s.token.clone(),
            questions: self.cfg.questions.len(),
            exam: self.cfg.exam,
            resumed,
        };
        let name = s.name.clone();
        self.send_msg(token, &welcome);
        self.out.push(HostEvent::Joined {
            name,
            students: self.students.len(),
            resumed,
        });
        match self.phase {
            Phase::Open {
                position, deadline, ..
            } => {
                let view = self.view_of(position, deadline);
                self.send(token, view);
                if self.students[student].answers[position].is_some() {
                    self.send_msg(token, &HostMsg::Accepted { position });
                }
            }
            // Revealed while this student was away: what it had answered,
            // then the reveal it missed (a student still showing that
            // question sees it as everyone else did).
            Phase::Revealed { position } => {
                if self.students[student].answers[position].is_some() {
                    self.send_msg(token, &HostMsg::Accepted { position });
                }
                let reveal = self.reveal_for(&self.students[student], position);
                self.send_msg(token, &HostMsg::Reveal(reveal));
            }
            _ => {}
        }
    }

    fn answer(&mut self, token: Token, student: usize, given: &str, position: usize, text: &str) {
        let reject = |reason, why: Option<Text>| HostMsg::Rejected {
            position,
            reason,
            why,
        };
        if self.students[student].token != given {
            self.out.push(HostEvent::Rejected {
                position,
                reason: Rejection::Token,
            });
            return self.send_msg(token, &reject(Rejection::Token, None));
        }
        // An answer the host already has is "answered" whatever the phase: a
        // student resending it after a reconnect learns it counted, even
        // once the question is closed.
        if self.students[student]
            .answers
            .get(position)
            .is_some_and(Option::is_some)
        {
            return self.send_msg(token, &reject(Rejection::Answered, None));
        }
        let opened = match self.phase {
            Phase::Open {
                position: open,
                opened,
                ..
            } if open == position => opened,
            _ => {
                self.out.push(HostEvent::Rejected {
                    position,
                    reason: Rejection::Closed,
                });
                return self.send_msg(token, &reject(Rejection::Closed, None));
            }
        };
        let q = &self.cfg.questions[position];
        let text = text.trim();
        let verdict = answer::check(&q.kind, text);
        if self.cfg.exam
            && let Verdict::Unreadable(why) = &verdict
        {
            let why = Text::new(why.text(Lang::En), why.text(Lang::Zh));
            return self.send_msg(token, &reject(Rejection::Malformed, Some(why)));
        }
        let record = Record {
            answer: text.to_string(),
            verdict: verdict.clone(),
            seconds: opened.elapsed().as_secs_f64(),
        };
        self.record(student, position, &record);
        self.students[student].answers[position] = Some(Given {
            answer: text.to_string(),
            correct: verdict.is_correct(),
        });
        self.answers += 1;
        self.send_msg(token, &HostMsg::Accepted { position });
        let answered = self.answered(position);
        self.out.push(HostEvent::Answer {
            position,
            answered,
            present: self.present(),
        });
        self.maybe_all_answered();
    }

    /// Writes one answer to the grade book (its own transaction).
    fn record(&mut self, student: usize, position: usize, record: &Record) {
        let Some((book, id)) = self.book.as_mut() else {
            return;
        };
        let row = RecordedAnswer::of(
            &self.students[student].name,
            position,
            &self.cfg.questions[position],
            record,
            self.cfg.lang,
        );
        if let Err(e) = book.record_answer(*id, &row) {
            self.book_error(&e);
        }
    }

    fn book_error(&mut self, e: &GradeBookError) {
        if !self.book_failed {
            self.book_failed = true;
            self.out.push(HostEvent::GradeBook {
                error: e.to_string(),
            });
        }
    }

    fn answered(&self, position: usize) -> usize {
        self.students
            .iter()
            .filter(|s| s.answers.get(position).is_some_and(Option::is_some))
            .count()
    }

    /// Everyone present has answered the open question: reveal it.
    fn maybe_all_answered(&mut self) {
        if let Phase::Open { position, .. } = self.phase {
            let present: Vec<&Student> =
                self.students.iter().filter(|s| s.conn.is_some()).collect();
            if !present.is_empty() && present.iter().all(|s| s.answers[position].is_some()) {
                self.reveal();
            }
        }
    }

    fn timers(&mut self) {
        let now = Instant::now();
        let expired: Vec<(Token, bool)> = self
            .conns
            .iter()
            .filter_map(|(t, c)| match c.state {
                ConnState::Greeting { deadline } if deadline <= now => Some((*t, true)),
                ConnState::Closing { deadline, .. } if deadline <= now => Some((*t, false)),
                _ => None,
            })
            .collect();
        for (token, silent) in expired {
            if silent {
                self.kill(token, DropReason::Silent);
            } else {
                self.gone(token);
            }
        }
        if let Phase::Open { deadline, .. } = self.phase
            && deadline <= now
        {
            self.reveal();
        }
    }

    /// The frame of question `position` with the time left until `deadline`.
    fn view_of(&self, position: usize, deadline: Instant) -> Vec<u8> {
        let q = &self.cfg.questions[position];
        let (kind, options) = match &q.kind {
            QuestionKind::Choice { options, .. } => ("choice", options.clone()),
            QuestionKind::TrueFalse { .. } => ("true-false", Vec::new()),
            QuestionKind::Order { items, shown } => (
                "order",
                shown
                    .iter()
                    .filter_map(|i| items.get(*i).cloned())
                    .collect(),
            ),
            QuestionKind::FillIn { .. } => ("fill-in", Vec::new()),
        };
        protocol::encode(&HostMsg::Question(QuestionView {
            position,
            questions: self.cfg.questions.len(),
            topic: q.topic.name().to_string(),
            kind: kind.to_string(),
            prompt: q.prompt.clone(),
            options,
            hint: Text::new(hint(q, Lang::En), hint(q, Lang::Zh)),
            seconds: deadline
                .saturating_duration_since(Instant::now())
                .as_secs_f64(),
        }))
    }

    /// The instructor's "next": reveals an open question first; after the
    /// last question, ends the session. Returns the position opened.
    pub fn next_question(&mut self) -> Option<usize> {
        let position = match self.phase {
            Phase::Lobby => 0,
            Phase::Open { position, .. } => {
                self.reveal();
                position + 1
            }
            Phase::Revealed { position } => position + 1,
            Phase::Ended => return None,
        };
        if position >= self.cfg.questions.len() {
            self.finish();
            return None;
        }
        let opened = Instant::now();
        let deadline = opened + self.cfg.question_time;
        self.phase = Phase::Open {
            position,
            opened,
            deadline,
        };
        let frame = self.view_of(position, deadline);
        let present: Vec<Token> = self.students.iter().filter_map(|s| s.conn).collect();
        for token in present {
            self.send(token, frame.clone());
        }
        self.bury();
        self.out.push(HostEvent::Question {
            position,
            questions: self.cfg.questions.len(),
            instance: crate::quiz::identity::instance_id(&self.cfg.questions[position]),
            seconds: self.cfg.question_time.as_secs_f64(),
        });
        Some(position)
    }

    /// The histogram of question `position` so far.
    pub fn histogram(&self, position: usize) -> Histogram {
        let Some(q) = self.cfg.questions.get(position) else {
            return Histogram::default();
        };
        histogram::of(
            q,
            self.students
                .iter()
                .filter_map(|s| s.answers.get(position).and_then(Option::as_ref))
                .map(|g| g.answer.as_str()),
        )
    }

    /// The instructor's "reveal": closes the open question (later answers are
    /// refused) and tells each student present the answer and theirs (in an
    /// exam, only that it is closed).
    pub fn reveal(&mut self) {
        let Phase::Open { position, .. } = self.phase else {
            return;
        };
        self.phase = Phase::Revealed { position };
        let key = crate::quiz::correct_answer(&self.cfg.questions[position].kind);
        let sends: Vec<(Token, Vec<u8>)> = self
            .students
            .iter()
            .filter_map(|s| {
                let token = s.conn?;
                let reveal = self.reveal_for(s, position);
                Some((token, protocol::encode(&HostMsg::Reveal(reveal))))
            })
            .collect();
        for (token, frame) in sends {
            self.send(token, frame);
        }
        self.bury();
        let answered = self.answered(position);
        let correct = self
            .students
            .iter()
            .filter(|s| s.answers[position].as_ref().is_some_and(|g| g.correct))
            .count();
        self.out.push(HostEvent::Reveal {
            position,
            answer: key,
            answered,
            correct,
            histogram: self.histogram(position),
        });
    }

    /// Question `position`'s reveal for `s`: the answer, the explanation and
    /// whether `s` was right — in an exam, only that it is closed.
    fn reveal_for(&self, s: &Student, position: usize) -> Reveal {
        if self.cfg.exam {
            return Reveal {
                position,
                answer: None,
                explanation: None,
                correct: None,
            };
        }
        let q = &self.cfg.questions[position];
        Reveal {
            position,
            answer: Some(crate::quiz::correct_answer(&q.kind)),
            explanation: Some(q.explanation.clone()),
            correct: Some(s.answers[position].as_ref().is_some_and(|g| g.correct)),
        }
    }

    /// Students per score tenth.
    pub fn distribution(&self) -> [usize; 10] {
        let mut d = [0; 10];
        let n = self.cfg.questions.len();
        for s in &self.students {
            let bin = (s.score() * 10).checked_div(n).unwrap_or(0).min(9);
            d[bin] += 1;
        }
        d
    }

    /// Ends the session: the questions a student left unanswered are
    /// recorded as no answer, each student present gets its score, the
    /// grade book session is closed.
    pub fn finish(&mut self) {
        if self.phase == Phase::Ended {
            return;
        }
        if let Phase::Open { .. } = self.phase {
            self.reveal();
        }
        self.phase = Phase::Ended;
        let total = self.cfg.questions.len();
        for student in 0..self.students.len() {
            for position in 0..total {
                if self.students[student].answers[position].is_none() {
                    let none = Record {
                        answer: String::new(),
                        verdict: Verdict::NoAnswer,
                        seconds: 0.0,
                    };
                    self.record(student, position, &none);
                }
            }
        }
        if let Some((book, id)) = self.book.as_mut()
            && let Err(e) = book.finish_session(*id, SystemTime::now())
        {
            self.book_error(&e);
        }
        let ends: Vec<(Token, HostMsg)> = self
            .students
            .iter()
            .filter_map(|s| {
                Some((
                    s.conn?,
                    HostMsg::End {
                        score: s.score(),
                        questions: total,
                    },
                ))
            })
            .collect();
        for (token, msg) in ends {
            self.close_with(token, &msg);
        }
        // Whoever has not joined by now will not.
        let greeting: Vec<Token> = self
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.state, ConnState::Greeting { .. }))
            .map(|(t, _)| *t)
            .collect();
        for token in greeting {
            self.close_with(
                token,
                &HostMsg::Refused {
                    reason: Refusal::Ended,
                    retry_after_ms: None,
                },
            );
        }
        self.bury();
        self.out.push(HostEvent::End {
            session: self.session().map(|s| s.0),
            students: self.students.len(),
            answers: self.answers,
            distribution: self.distribution(),
        });
    }

    /// The room as the host screen shows it.
    pub fn view(&self) -> RoomView {
        let position = match self.phase {
            Phase::Open { position, .. } | Phase::Revealed { position } => Some(position),
            Phase::Lobby | Phase::Ended => None,
        };
        let mut leaderboard: Vec<(String, usize)> = self
            .students
            .iter()
            .map(|s| (s.name.clone(), s.score()))
            .collect();
        leaderboard.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        leaderboard.truncate(5);
        RoomView {
            code: self.cfg.code.clone(),
            addr: self.addr,
            phase: self.phase,
            students: self
                .students
                .iter()
                .map(|s| (s.name.clone(), s.conn.is_some()))
                .collect(),
            questions: self.cfg.questions.len(),
            exam: self.cfg.exam,
            question: position.and_then(|p| self.cfg.questions.get(p).cloned()),
            answered: position.map_or(0, |p| self.answered(p)),
            histogram: position.map_or_else(Histogram::default, |p| self.histogram(p)),
            leaderboard,
            distribution: self.distribution(),
        }
    }
}
