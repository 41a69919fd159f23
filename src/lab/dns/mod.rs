//! `dns` — names become addresses by a query and a response. The lab runs a
//! DNS server of its own on 127.0.0.1 (UDP and TCP on one ephemeral port;
//! port 53 needs root), serving a tiny zone ([`zone`], `--zone FILE` for the
//! student's own), and a resolver with a cache that asks it: over UDP first,
//! and over TCP again when the answer comes back truncated (the TC bit: a
//! classic UDP answer holds at most 512 bytes). Cached answers are served
//! until their TTL runs out; `--watch` shows the TTLs counting down and an
//! expired record asked again. Messages are built and parsed with
//! `hickory-proto`; the bytes exchanged are kept for [`wire::pcap_frames`]
//! (`nettutor export dns`). With `--serve N` the server stays up for `dig`.

pub mod wire;
pub mod zone;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, Record, RecordType};
use serde::Serialize;

use super::io::{self, POLL};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink, Transport};
use crate::i18n::{Lang, t, tf};
use zone::{Lookup, Zone};

lab_params! {
    /// Options of the dns lab.
    pub struct DnsParams for Dns {
        /// `builtin`, or a zone file to serve instead.
        zone: String = "builtin", "zone", Text { max_len: 4096 }, "lab.opt.zone";
        /// What the resolver looks up, in order: `name[/TYPE]`, comma-separated.
        names: String = "www/A,www/AAAA,web/A,many/A,nosuch/A,short/A,www/A", "names", Text { max_len: 1000 }, "lab.opt.names";
        /// Seconds the cache is watched afterwards (TTLs count down).
        watch: u64 = "3", "watch", Int { min: 0, max: 60 }, "lab.opt.watch";
        /// Seconds the server stays up afterwards for `dig` (0: none).
        serve: u64 = "0", "serve", Int { min: 0, max: 600 }, "lab.opt.serve-dns";
    }
}

/// Remarks the command line prints as they happen (what to type for dig,
/// every query the server answers, and the cache's TTLs counting down).
pub const LIVE_KEYS: &[&str] = &[
    "lab.dns.serving",
    "lab.dns.served",
    "lab.dns.served-tc",
    "lab.dns.tick",
    "lab.dns.expired",
];

/// The most a DNS message over UDP may carry without EDNS (RFC 1035 §4.2.1).
pub const UDP_LIMIT: usize = 512;
/// The most any message of the lab may be (a TCP message's length is 16 bits).
const MAX_MESSAGE: usize = 65_535;
/// The most lookups one run makes (the `--names` list).
const MAX_NAMES: usize = 20;

/// How an answer reached the resolver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    Udp,
    Tcp,
    /// From the resolver's cache: no message was sent.
    Cache,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Udp => "udp",
            Via::Tcp => "tcp",
            Via::Cache => "cache",
        }
    }
}

/// One answer the resolver got (or took from its cache).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DnsQuery {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub transport: Via,
    /// NOERROR, NXDOMAIN, REFUSED…
    pub rcode: String,
    /// The answer records as text: `A 192.0.2.10`, `CNAME www.lab.test.`.
    pub answers: Vec<String>,
    /// The smallest TTL of the answers in seconds (for a cache hit: what is
    /// left of it), or null without answers.
    pub ttl: Option<u32>,
    /// The TC bit: the answer did not fit (only over UDP).
    pub truncated: bool,
    /// The query's message id (0 for a cache hit).
    pub id: u16,
    /// Bytes of the query and of the response (0 for a cache hit).
    pub query_bytes: usize,
    pub response_bytes: usize,
    /// From sending the query to the parsed answer, in ms.
    pub ms: f64,
    /// Asked again because its cached answer had expired.
    pub refreshed: bool,
}

/// A cached answer and the seconds left of its TTL when the run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheLeft {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub ttl_left: u32,
}

/// What the dns lab observed. Issue keys (`queries`, `truncated_then_tcp`)
/// plus the server's address, the zone's size and the cache at the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DnsReport {
    pub queries: Vec<DnsQuery>,
    /// Some UDP answer had TC set and the same question was answered over TCP.
    pub truncated_then_tcp: bool,
    /// Answer records that fitted in the truncated UDP answer (the prediction).
    pub answers_in_truncated: u64,
    pub server: String,
    pub zone_origin: String,
    pub zone_records: usize,
    pub cache: Vec<CacheLeft>,
    /// The messages as they crossed the sockets (for the pcap export).
    #[serde(skip)]
    pub wire: Vec<wire::WireMessage>,
}

/// The rcode's name as DNS tools print it.
pub fn rcode_name(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        ResponseCode::Refused => "REFUSED".into(),
        other => format!("RCODE{}", u16::from(other)),
    }
}

/// A record as one short line: `A 192.0.2.10`.
pub fn record_text(record: &Record) -> String {
    format!("{} {}", record.record_type(), record.data())
}

fn proto(what: &str, e: impl std::fmt::Display) -> LabError {
    LabError::Failed(format!("{what}: {e}"))
}

/// The server's answer to the message in `request`, and whether it had to be
/// truncated to fit `limit` bytes (UDP). `None`: not a DNS query at all.
pub fn answer(zone: &Zone, request: &[u8], limit: Option<usize>) -> Option<(Vec<u8>, Message)> {
    let query = Message::from_vec(request).ok()?;
    if query.message_type() != MessageType::Query {
        return None;
    }
    let mut response = Message::new();
    response
        .set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_op_code(query.op_code())
        .set_authoritative(true)
        .set_recursion_desired(query.recursion_desired())
        .set_recursion_available(false);
    for q in query.queries() {
        response.add_query(q.clone());
    }
    // EDNS: a client may say it takes more than 512 bytes over UDP.
    let limit = limit.map(|base| match query.extensions() {
        Some(edns) => usize::from(edns.max_payload()).clamp(base, 4096),
        None => base,
    });
    if query.extensions().is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(1232);
        response.set_edns(edns);
    }
    let records = match (query.op_code(), query.queries()) {
        (OpCode::Query, [q]) => match zone.lookup(q.name(), q.query_type()) {
            Lookup::NotOurs => {
                response.set_response_code(ResponseCode::Refused);
                Vec::new()
            }
            Lookup::NoSuchName => {
                response.set_response_code(ResponseCode::NXDomain);
                Vec::new()
            }
            Lookup::Found(records) => records,
        },
        (OpCode::Query, _) => {
            response.set_response_code(ResponseCode::FormErr);
            Vec::new()
        }
        _ => {
            response.set_response_code(ResponseCode::NotImp);
            Vec::new()
        }
    };
    let mut kept = records.len();
    loop {
        response.answers_mut().clear();
        response.add_answers(records[..kept].iter().cloned());
        response.set_truncated(kept < records.len());
        let bytes = response.to_vec().ok()?;
        match limit {
            Some(limit) if bytes.len() > limit && kept > 0 => kept -= 1,
            _ => return Some((bytes, response)),
        }
    }
}

/// A line of the query log: who, what, how it went.
fn served_event(transport: Transport, response: &Message, bytes: usize) -> LabEvent {
    let (name, rtype) = response
        .queries()
        .first()
        .map(|q| (q.name().to_string(), q.query_type().to_string()))
        .unwrap_or_default();
    LabEvent::log_with(
        if response.truncated() {
            "lab.dns.served-tc"
        } else {
            "lab.dns.served"
        },
        &[
            ("transport", transport.as_str().to_ascii_uppercase()),
            ("name", name),
            ("type", rtype),
            ("rcode", rcode_name(response.response_code())),
            ("answers", response.answers().len().to_string()),
            ("bytes", bytes.to_string()),
        ],
    )
}

/// The server: one UDP socket and one TCP listener on the same port, polled
/// together; each TCP connection carries one query framed by its 2-byte length.
struct Server {
    udp: UdpSocket,
    tcp: TcpListener,
    addr: SocketAddr,
}

impl Server {
    fn bind() -> Result<Server, LabError> {
        // UDP picks the port; TCP takes the same number (free almost always: try a few).
        let mut last = None;
        for _ in 0..20 {
            let udp = io::udp_socket()?;
            let addr = udp
                .local_addr()
                .map_err(|e| LabError::io("local address", e))?;
            match TcpListener::bind(addr) {
                Ok(tcp) => {
                    tcp.set_nonblocking(true)
                        .map_err(|e| LabError::io("set listener non-blocking", e))?;
                    return Ok(Server { udp, tcp, addr });
                }
                Err(e) => last = Some(e),
            }
        }
        Err(LabError::io(
            "bind TCP on the UDP port",
            last.unwrap_or_else(|| std::io::Error::other("no port")),
        ))
    }

    /// Answer until `stop` is set (or the lab is cancelled).
    fn serve(
        &self,
        zone: &Zone,
        stop: &AtomicBool,
        sink: &dyn LabSink,
        cancel: &Cancel,
    ) -> Result<(), LabError> {
        use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
        let mut buf = vec![0u8; MAX_MESSAGE];
        while !stop.load(Ordering::SeqCst) {
            cancel.check()?;
            let (udp_ready, tcp_ready) = {
                let mut fds = [
                    PollFd::new(self.udp.as_fd(), PollFlags::POLLIN),
                    PollFd::new(self.tcp.as_fd(), PollFlags::POLLIN),
                ];
                let timeout = PollTimeout::try_from(POLL).unwrap_or(PollTimeout::MAX);
                match poll(&mut fds, timeout) {
                    Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                    Err(e) => return Err(LabError::io("poll", e.into())),
                }
                let ready = |fd: &PollFd| fd.revents().is_some_and(|r| !r.is_empty());
                (ready(&fds[0]), ready(&fds[1]))
            };
            if udp_ready {
                match self.udp.recv_from(&mut buf) {
                    Ok((n, from)) => {
                        if let Some((bytes, response)) = answer(zone, &buf[..n], Some(UDP_LIMIT)) {
                            // A UDP send on loopback does not block for long; a
                            // failure is the client's loss, as on a real network.
                            let _ = self.udp.send_to(&bytes, from);
                            sink.event(served_event(Transport::Udp, &response, bytes.len()));
                        }
                    }
                    Err(e) if super::io::is_transient_udp(&e) => {}
                    Err(e) => return Err(LabError::io("recvfrom", e)),
                }
            }
            if tcp_ready {
                match self.tcp.accept() {
                    Ok((stream, _)) => {
                        if let Err(e) = serve_tcp(stream, zone, sink, cancel) {
                            if matches!(e, LabError::Cancelled) {
                                return Err(e);
                            }
                            sink.event(LabEvent::log_with(
                                "lab.dns.client-failed",
                                &[("error", e.to_string())],
                            ));
                        }
                    }
                    Err(e) if super::io::is_transient_udp(&e) => {}
                    Err(e) => return Err(LabError::io("accept", e)),
                }
            }
        }
        Ok(())
    }
}

/// Read one length-prefixed message (RFC 1035 §4.2.2); `None` at end of stream.
fn read_framed(stream: &mut TcpStream, cancel: &Cancel) -> Result<Option<Vec<u8>>, LabError> {
    let mut len = [0u8; 2];
    if !io::read_exact(stream, &mut len, cancel, "recv length")? {
        return Ok(None);
    }
    let mut message = vec![0u8; usize::from(u16::from_be_bytes(len))];
    if !io::read_exact(stream, &mut message, cancel, "recv message")? && !message.is_empty() {
        return Err(LabError::Failed("the peer closed inside a message".into()));
    }
    Ok(Some(message))
}

fn framed(message: &[u8]) -> Result<Vec<u8>, LabError> {
    let len = u16::try_from(message.len()).map_err(|_| proto("message", "too long"))?;
    let mut out = len.to_be_bytes().to_vec();
    out.extend_from_slice(message);
    Ok(out)
}

/// One TCP client: answer its queries until it closes.
fn serve_tcp(
    stream: TcpStream,
    zone: &Zone,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<(), LabError> {
    let setup = stream
        .set_nonblocking(false)
        .and_then(|()| stream.set_read_timeout(Some(POLL)))
        .and_then(|()| stream.set_write_timeout(Some(POLL)));
    setup.map_err(|e| LabError::io("set socket timeouts", e))?;
    let mut stream = stream;
    while let Some(request) = read_framed(&mut stream, cancel)? {
        let Some((bytes, response)) = answer(zone, &request, None) else {
            return Ok(());
        };
        io::write_all(&mut stream, &framed(&bytes)?, cancel, "send")?;
        sink.event(served_event(Transport::Tcp, &response, bytes.len()));
    }
    Ok(())
}

/// One item of `--names`: a name (relative to the zone unless it ends with a
/// dot) and a type.
fn parse_names(spec: &str, origin: &Name) -> Result<Vec<(Name, RecordType)>, LabError> {
    let bad = |value: &str, why: &str| LabError::BadOption {
        lab: "dns",
        option: "names",
        value: value.to_string(),
        allowed: crate::lab::options::Allowed::Words(format!(
            "comma-separated name[/A|AAAA|CNAME], at most {MAX_NAMES} ({why})"
        )),
    };
    let mut out = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, rtype) = item.split_once('/').unwrap_or((item, "A"));
        let rtype = match rtype.to_ascii_uppercase().as_str() {
            "A" => RecordType::A,
            "AAAA" => RecordType::AAAA,
            "CNAME" => RecordType::CNAME,
            _ => return Err(bad(item, "unknown type")),
        };
        let parsed = Name::from_ascii(name).map_err(|_| bad(item, "bad name"))?;
        let full = if parsed.is_fqdn() {
            parsed
        } else {
            parsed
                .append_domain(origin)
                .map_err(|_| bad(item, "name too long"))?
        };
        out.push((full, rtype));
    }
    if out.is_empty() || out.len() > MAX_NAMES {
        return Err(bad(spec, "how many"));
    }
    Ok(out)
}

struct CacheEntry {
    name: Name,
    rtype: RecordType,
    answers: Vec<String>,
    rcode: String,
    ttl: u32,
    stored: Instant,
}

impl CacheEntry {
    fn left(&self, now: Instant) -> u32 {
        let gone = u32::try_from(now.duration_since(self.stored).as_secs()).unwrap_or(u32::MAX);
        self.ttl.saturating_sub(gone)
    }
}

/// The lab's stub resolver: UDP, then TCP when truncated, and a cache.
struct Resolver<'a> {
    server: SocketAddr,
    udp: UdpSocket,
    cache: Vec<CacheEntry>,
    queries: Vec<DnsQuery>,
    wire: Vec<wire::WireMessage>,
    sink: &'a dyn LabSink,
    next_id: u16,
}

fn now_since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

impl<'a> Resolver<'a> {
    fn new(server: SocketAddr, sink: &'a dyn LabSink) -> Result<Resolver<'a>, LabError> {
        let udp = io::udp_socket()?;
        udp.connect(server)
            .map_err(|e| LabError::io("connect UDP", e))?;
        Ok(Resolver {
            server,
            udp,
            cache: Vec::new(),
            queries: Vec::new(),
            wire: Vec::new(),
            sink,
            next_id: rand::random(),
        })
    }

    fn query_bytes(&mut self, name: &Name, rtype: RecordType) -> Result<(u16, Vec<u8>), LabError> {
        self.next_id = self.next_id.wrapping_add(1);
        let mut message = Message::new();
        message
            .set_id(self.next_id)
            .set_message_type(MessageType::Query)
            .set_op_code(OpCode::Query)
            .set_recursion_desired(true)
            .add_query(Query::query(name.clone(), rtype));
        let bytes = message.to_vec().map_err(|e| proto("build query", e))?;
        Ok((self.next_id, bytes))
    }

    fn record(&mut self, transport: Via, port: u16, to_server: bool, bytes: &[u8], conn: u32) {
        self.wire.push(wire::WireMessage {
            at: now_since_epoch(),
            tcp: transport == Via::Tcp,
            client_port: port,
            to_server,
            conn,
            payload: bytes.to_vec(),
        });
    }

    fn ask_udp(&mut self, id: u16, query: &[u8], cancel: &Cancel) -> Result<Vec<u8>, LabError> {
        let port = self.udp.local_addr().map_or(0, |a| a.port());
        self.udp
            .send(query)
            .map_err(|e| LabError::io("send query", e))?;
        self.record(Via::Udp, port, true, query, 0);
        let mut buf = vec![0u8; MAX_MESSAGE];
        let end = io::deadline();
        loop {
            let n = io::patiently(cancel, end, "the DNS answer", || self.udp.recv(&mut buf))?;
            // An answer to an older question (or garbage) is not ours: keep waiting.
            if n >= 2 && u16::from_be_bytes([buf[0], buf[1]]) == id {
                self.record(Via::Udp, port, false, &buf[..n], 0);
                return Ok(buf[..n].to_vec());
            }
        }
    }

    fn ask_tcp(&mut self, query: &[u8], cancel: &Cancel) -> Result<Vec<u8>, LabError> {
        let mut stream = io::connect(self.server)?;
        let port = stream.local_addr().map_or(0, |a| a.port());
        let conn = u32::try_from(self.queries.len()).unwrap_or(0) + 1;
        let out = framed(query)?;
        io::write_all(&mut stream, &out, cancel, "send query")?;
        self.record(Via::Tcp, port, true, &out, conn);
        let Some(answer) = read_framed(&mut stream, cancel)? else {
            return Err(LabError::Failed(
                "the server closed before answering".into(),
            ));
        };
        self.record(Via::Tcp, port, false, &framed(&answer)?, conn);
        // Close our end first (the server waits for it).
        let _ = stream.flush();
        drop(stream);
        Ok(answer)
    }

    fn log_query(&self, transport: Via, name: &Name, rtype: RecordType, id: u16, bytes: usize) {
        self.sink.event(LabEvent::log_with(
            "lab.dns.query",
            &[
                ("transport", transport.as_str().to_ascii_uppercase()),
                ("name", name.to_string()),
                ("type", rtype.to_string()),
                ("id", id.to_string()),
                ("bytes", bytes.to_string()),
            ],
        ));
    }

    /// Ask the server (UDP, then TCP if truncated) and cache the answer.
    fn ask(
        &mut self,
        name: &Name,
        rtype: RecordType,
        refreshed: bool,
        cancel: &Cancel,
    ) -> Result<(), LabError> {
        let (id, query) = self.query_bytes(name, rtype)?;
        let mut transport = Via::Udp;
        loop {
            self.log_query(transport, name, rtype, id, query.len());
            let start = Instant::now();
            let bytes = if transport == Via::Udp {
                self.ask_udp(id, &query, cancel)?
            } else {
                self.ask_tcp(&query, cancel)?
            };
            let ms = io::ms_f64_since(start);
            let response = Message::from_vec(&bytes).map_err(|e| proto("parse answer", e))?;
            let answers: Vec<String> = response.answers().iter().map(record_text).collect();
            let entry = DnsQuery {
                name: name.to_string(),
                rtype: rtype.to_string(),
                transport,
                rcode: rcode_name(response.response_code()),
                ttl: response.answers().iter().map(Record::ttl).min(),
                answers,
                truncated: response.truncated(),
                id,
                query_bytes: query.len(),
                response_bytes: bytes.len(),
                ms,
                refreshed,
            };
            self.sink.event(LabEvent::log_with(
                "lab.dns.answer",
                &[
                    ("name", entry.name.clone()),
                    ("type", entry.rtype.clone()),
                    ("rcode", entry.rcode.clone()),
                    ("answers", entry.answers.len().to_string()),
                    ("ttl", entry.ttl.map_or("—".into(), |t| format!("{t} s"))),
                ],
            ));
            let truncated = entry.truncated && transport == Via::Udp;
            if !truncated
                && response.response_code() == ResponseCode::NoError
                && let Some(ttl) = entry.ttl
            {
                self.cache
                    .retain(|c| !(c.name == *name && c.rtype == rtype));
                self.cache.push(CacheEntry {
                    name: name.clone(),
                    rtype,
                    answers: entry.answers.clone(),
                    rcode: entry.rcode.clone(),
                    ttl,
                    stored: Instant::now(),
                });
            }
            self.queries.push(entry);
            if !truncated {
                return Ok(());
            }
            self.sink.event(LabEvent::log("lab.dns.retry-tcp"));
            transport = Via::Tcp;
        }
    }

    /// Resolve through the cache.
    fn resolve(&mut self, name: &Name, rtype: RecordType, cancel: &Cancel) -> Result<(), LabError> {
        cancel.check()?;
        let now = Instant::now();
        if let Some(hit) = self
            .cache
            .iter()
            .find(|c| c.name == *name && c.rtype == rtype && c.left(now) > 0)
        {
            let left = hit.left(now);
            let entry = DnsQuery {
                name: name.to_string(),
                rtype: rtype.to_string(),
                transport: Via::Cache,
                rcode: hit.rcode.clone(),
                answers: hit.answers.clone(),
                ttl: Some(left),
                truncated: false,
                id: 0,
                query_bytes: 0,
                response_bytes: 0,
                ms: io::ms_f64_since(now),
                refreshed: false,
            };
            self.sink.event(LabEvent::log_with(
                "lab.dns.cache-hit",
                &[
                    ("name", entry.name.clone()),
                    ("type", entry.rtype.clone()),
                    ("ttl", left.to_string()),
                ],
            ));
            self.queries.push(entry);
            return Ok(());
        }
        self.ask(name, rtype, false, cancel)
    }

    /// Once a second for `seconds`: every cached TTL, and expired answers
    /// asked again.
    fn watch(&mut self, seconds: u64, cancel: &Cancel) -> Result<(), LabError> {
        if seconds == 0 {
            return Ok(());
        }
        self.sink.event(LabEvent::Phase {
            key: "lab.dns.phase.cache",
        });
        let start = Instant::now();
        for second in 1..=seconds {
            let tick = start + Duration::from_secs(second);
            io::pause(cancel, tick.saturating_duration_since(Instant::now()))?;
            let now = Instant::now();
            let shown: Vec<String> = self
                .cache
                .iter()
                .map(|c| format!("{} {} {} s", short_name(&c.name), c.rtype, c.left(now)))
                .collect();
            self.sink.event(LabEvent::log_with(
                "lab.dns.tick",
                &[
                    ("second", second.to_string()),
                    ("entries", shown.join(" · ")),
                ],
            ));
            let expired: Vec<(Name, RecordType)> = self
                .cache
                .iter()
                .filter(|c| c.left(now) == 0)
                .map(|c| (c.name.clone(), c.rtype))
                .collect();
            for (name, rtype) in expired {
                self.sink.event(LabEvent::log_with(
                    "lab.dns.expired",
                    &[("name", name.to_string()), ("type", rtype.to_string())],
                ));
                self.ask(&name, rtype, true, cancel)?;
            }
        }
        Ok(())
    }

    fn cache_left(&self) -> Vec<CacheLeft> {
        let now = Instant::now();
        self.cache
            .iter()
            .map(|c| CacheLeft {
                name: c.name.to_string(),
                rtype: c.rtype.to_string(),
                ttl_left: c.left(now),
            })
            .collect()
    }
}

/// The first label of a name (`www` of `www.lab.test.`), for the cache line.
fn short_name(name: &Name) -> String {
    let text = name.to_string();
    text.split('.').next().unwrap_or(&text).to_string()
}

/// Run the lab: the resolver's lookups, the cache watched, then (with
/// `--serve`) the server kept up for dig.
pub fn run(params: &DnsParams, sink: &dyn LabSink, cancel: &Cancel) -> Result<DnsReport, LabError> {
    let zone = Zone::load(&params.zone).map_err(|e| LabError::BadOption {
        lab: "dns",
        option: "zone",
        value: params.zone.clone(),
        allowed: crate::lab::options::Allowed::Words(format!("builtin or a zone file ({e})")),
    })?;
    let names = parse_names(&params.names, &zone.origin)?;
    let server = Server::bind()?;
    let addr = server.addr;
    let stop = AtomicBool::new(false);
    let ((), resolver_out) = io::both(
        cancel,
        |cancel| server.serve(&zone, &stop, sink, cancel),
        |cancel| {
            let result = (|| {
                let mut resolver = Resolver::new(addr, sink)?;
                for (name, rtype) in &names {
                    resolver.resolve(name, *rtype, cancel)?;
                }
                resolver.watch(params.watch, cancel)?;
                let cache = resolver.cache_left();
                if params.serve > 0 {
                    sink.event(LabEvent::log_with(
                        "lab.dns.serving",
                        &[
                            ("port", addr.port().to_string()),
                            ("seconds", params.serve.to_string()),
                        ],
                    ));
                    io::pause(cancel, Duration::from_secs(params.serve))?;
                }
                Ok((resolver.queries, resolver.wire, cache))
            })();
            stop.store(true, Ordering::SeqCst);
            result
        },
    )?;
    let (queries, wire, cache) = resolver_out;
    let truncated_then_tcp = queries.windows(2).any(|w| {
        w[0].truncated
            && w[0].transport == Via::Udp
            && w[1].transport == Via::Tcp
            && !w[1].truncated
    });
    let answers_in_truncated = queries
        .iter()
        .find(|q| q.truncated)
        .map_or(0, |q| q.answers.len() as u64);
    Ok(DnsReport {
        queries,
        truncated_then_tcp,
        answers_in_truncated,
        server: addr.to_string(),
        zone_origin: zone.origin.to_string(),
        zone_records: zone.records.len(),
        cache,
        wire,
    })
}

impl LabOutcome for DnsReport {
    fn observed(&self) -> u64 {
        self.answers_in_truncated
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let sent = self
            .queries
            .iter()
            .filter(|q| q.transport != Via::Cache)
            .count();
        let cached = self.queries.len() - sent;
        let mut lines = vec![tf(
            lang,
            "lab.dns.result",
            &[
                ("server", &self.server),
                ("records", &self.zone_records.to_string()),
                ("origin", &self.zone_origin),
                ("sent", &sent.to_string()),
                ("cached", &cached.to_string()),
            ],
        )];
        for q in &self.queries {
            let ttl = q.ttl.map_or("—".to_string(), |t| format!("TTL {t}"));
            let tc = if q.truncated { " TC" } else { "" };
            let again = if q.refreshed {
                format!(" {}", t(lang, "labs.dns.refreshed"))
            } else {
                String::new()
            };
            lines.push(format!(
                "  {} {} {}{tc} → {} {} ({ttl}){again}",
                q.name,
                q.rtype,
                q.transport.as_str().to_ascii_uppercase(),
                q.rcode,
                q.answers.len(),
            ));
        }
        if self.truncated_then_tcp {
            lines.push(tf(
                lang,
                "lab.dns.result-tc",
                &[("kept", &self.answers_in_truncated.to_string())],
            ));
        }
        lines.push(t(lang, "lab.dns.lesson").to_string());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &str, rtype: RecordType, edns: bool) -> Vec<u8> {
        let mut message = Message::new();
        message
            .set_id(7)
            .set_message_type(MessageType::Query)
            .add_query(Query::query(Name::from_ascii(name).unwrap(), rtype));
        if edns {
            let mut opt = Edns::new();
            opt.set_max_payload(1232);
            message.set_edns(opt);
        }
        message.to_vec().unwrap()
    }

    #[test]
    fn a_big_answer_is_cut_to_512_bytes_with_tc_unless_edns_allows_more() {
        let zone = Zone::builtin();
        let q = query("many.lab.test.", RecordType::A, false);
        let (bytes, response) = answer(&zone, &q, Some(UDP_LIMIT)).unwrap();
        assert!(bytes.len() <= UDP_LIMIT, "{}", bytes.len());
        assert!(response.truncated());
        // Header 12 + question 19 + 16 per compressed A record: 30 fit in 512.
        assert_eq!(response.answers().len(), 30);
        let (full, whole) = answer(&zone, &q, None).unwrap();
        assert_eq!(whole.answers().len(), 40);
        assert_eq!(full.len(), 12 + 19 + 40 * 16);
        assert!(!whole.truncated());
        // dig's EDNS(0) advertises 1232 bytes: the whole answer fits.
        let (_, edns) = answer(
            &zone,
            &query("many.lab.test.", RecordType::A, true),
            Some(UDP_LIMIT),
        )
        .unwrap();
        assert!(!edns.truncated());
        assert_eq!(edns.answers().len(), 40);
    }

    #[test]
    fn rcodes_for_missing_and_foreign_names() {
        let zone = Zone::builtin();
        let (_, nx) = answer(
            &zone,
            &query("nosuch.lab.test.", RecordType::A, false),
            Some(UDP_LIMIT),
        )
        .unwrap();
        assert_eq!(nx.response_code(), ResponseCode::NXDomain);
        let (_, foreign) = answer(
            &zone,
            &query("example.com.", RecordType::A, false),
            Some(UDP_LIMIT),
        )
        .unwrap();
        assert_eq!(foreign.response_code(), ResponseCode::Refused);
        assert!(!foreign.recursion_available());
        assert!(answer(&zone, b"\x00\x01garbage", Some(UDP_LIMIT)).is_none());
    }

    #[test]
    fn names_are_relative_to_the_zone_and_checked() {
        let origin = Name::from_ascii("lab.test.").unwrap();
        let names = parse_names("www, web/aaaa ,example.com./CNAME", &origin).unwrap();
        assert_eq!(
            names[0],
            (Name::from_ascii("www.lab.test.").unwrap(), RecordType::A)
        );
        assert_eq!(names[1].1, RecordType::AAAA);
        assert_eq!(names[2].0, Name::from_ascii("example.com.").unwrap());
        assert!(parse_names("www/MX", &origin).is_err());
        assert!(parse_names(",", &origin).is_err());
    }
}
