//! `errors` — what the application sees when the other end refuses, resets,
//! closes or goes silent, case by case on loopback, with the errno and the
//! exception Python raises for it:
//!
//! 1. `refused`: connect() to a port nobody listens on — the kernel answers the
//!    SYN with a RST: ECONNREFUSED (ConnectionRefusedError). Where privileges
//!    allow (root or CAP_NET_RAW) the two segments are captured on `lo` with
//!    an AF_PACKET socket ([`RefusedCapture`]; `nettutor lab errors -o FILE`
//!    writes them as pcap); otherwise the report says why there is none.
//! 2. `reset`: the peer closes with SO_LINGER 0 mid-conversation — it sends a
//!    RST instead of a FIN: recv() fails with ECONNRESET (ConnectionResetError).
//! 3. `broken-pipe`: the peer has closed; the first send() after that still
//!    succeeds (the bytes leave; the peer's kernel answers with a RST), the next
//!    fails with EPIPE (BrokenPipeError). MSG_NOSIGNAL: no SIGPIPE kills us.
//! 4. `timeout`: a peer that is there but says nothing; a receive timeout
//!    (SO_RCVTIMEO, what Python's settimeout gives) ends the wait: EAGAIN
//!    (TimeoutError).
//! 5. `keepalive`: the same silent peer with TCP keepalive on short intervals:
//!    the peer's kernel answers every probe, so the connection stays up and no
//!    error comes — keepalive finds a peer that vanished, not one that is quiet.
//! 6. `vanished`: a peer that really vanishes — in the virtual network
//!    (`crate::vnet`, experiment `keepalive-vanished`), B's switch port goes
//!    down with the connection idle; A's keepalive (idle 1 s, every 1 s, 3
//!    probes) goes unanswered and recv() fails with ETIMEDOUT (TimeoutError),
//!    about 4 s after the cut. Without user namespaces the case is skipped and
//!    says why.

use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use pnet_packet::Packet as _;
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::ipv4::Ipv4Packet;
use pnet_packet::tcp::{TcpFlags, TcpPacket};
use serde::Serialize;
use socket2::{SockRef, TcpKeepalive};

use super::capture::{CaptureError, TimedFrames, capture_port};
use crate::net::tcp::frames::fill_tcp_checksum;
use crate::vnet::experiments::keepalive::KEEPALIVE_VANISHED;

use super::io;
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the errors lab.
    pub struct ErrorsParams for Errors {
        /// The receive timeout of the `timeout` case.
        timeout_ms: u64 = "300", "timeout-ms", Int { min: 50, max: 2000 }, "lab.opt.timeout-ms";
        /// Keepalive idle time and probe interval of the `keepalive` case.
        keepalive_s: u64 = "1", "keepalive-s", Int { min: 1, max: 3 }, "lab.opt.keepalive-s";
        /// Run the `vanished` case in the virtual network (about 5 s).
        vanished: bool = "true", "vanished", Flag, "lab.opt.vanished";
    }
}

/// The cases, in the order they run.
pub const CASES: &[&str] = &[
    "refused",
    "reset",
    "broken-pipe",
    "timeout",
    "keepalive",
    "vanished",
];

/// Keepalive probes before the kernel gives up on a peer.
const KEEPALIVE_PROBES: u32 = 2;

/// One case: the call that failed (or not), its errno and Python's exception.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorCase {
    /// Case id; its text is `lab.errors.step.<case>` in ui.toml.
    pub case: &'static str,
    /// The call whose result is shown (`connect`, `recv`, `send`).
    pub call: &'static str,
    /// errno name (`ECONNREFUSED`…), or null when the call did not fail.
    pub errno: Option<&'static str>,
    /// The exception Python raises for it, or null.
    pub python: Option<&'static str>,
    /// The OS's message ("Connection refused (os error 111)").
    pub message: Option<String>,
    /// Whether the outcome is the one the case demonstrates.
    pub expected: bool,
    /// send() calls that succeeded after the peer had closed (broken-pipe).
    pub sends_before_error: Option<u64>,
    /// How long the call took to report it, in ms.
    pub ms: f64,
    /// Why the case did not run (`vanished` without the virtual network).
    pub skipped: Option<String>,
    /// `vanished`: A's keepalive probes that went unanswered after the cut.
    pub probes_unanswered: Option<u64>,
}

/// What the errors lab observed: one entry per case, and the capture of the
/// refused connection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorsReport {
    pub cases: Vec<ErrorCase>,
    pub capture: RefusedCapture,
}

/// One TCP segment of the refused connection as the loopback tap saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TappedSegment {
    pub src_port: u16,
    pub dst_port: u16,
    /// The flags set, in Wireshark's order and words: `SYN`, `RST,ACK`…
    pub flags: String,
}

/// The capture of the `refused` case on loopback.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RefusedCapture {
    /// The closed port the client connected to.
    pub port: u16,
    /// Whether a packet socket could be opened (root or CAP_NET_RAW).
    pub captured: bool,
    /// Why there is no capture, in plain words, when there is none.
    pub reason: Option<String>,
    /// The reason is missing privileges (the summary says so in the student's
    /// language).
    #[serde(skip)]
    pub no_permission: bool,
    /// The connection's segments in the order they were sent.
    pub segments: Vec<TappedSegment>,
    /// `(wall-clock time, Ethernet frame)` for `crate::net::pcap::write_pcap`.
    #[serde(skip)]
    pub frames: TimedFrames,
}

impl RefusedCapture {
    fn of(port: u16, frames: TimedFrames) -> RefusedCapture {
        let mut kept = Vec::new();
        let mut segments = Vec::new();
        for (at, mut frame) in frames {
            fill_tcp_checksum(&mut frame);
            if let Some(segment) = tapped_segment(&frame)
                && (segment.src_port == port || segment.dst_port == port)
            {
                segments.push(segment);
                kept.push((at, frame));
            }
        }
        RefusedCapture {
            port,
            captured: true,
            reason: None,
            no_permission: false,
            segments,
            frames: kept,
        }
    }

    fn none(port: u16, err: &CaptureError) -> RefusedCapture {
        RefusedCapture {
            port,
            captured: false,
            reason: Some(err.to_string()),
            no_permission: matches!(err, CaptureError::NoPermission(_)),
            segments: Vec::new(),
            frames: Vec::new(),
        }
    }
}

impl RefusedCapture {
    /// The remark for the event stream and the summary: what was captured,
    /// or plainly why nothing was (`lab.errors.capture.*`).
    pub fn remark(&self) -> (&'static str, Vec<(&'static str, String)>) {
        let port = ("port", self.port.to_string());
        if self.captured {
            let segments = self
                .segments
                .iter()
                .map(|s| format!("{} {}→{}", s.flags, s.src_port, s.dst_port))
                .collect::<Vec<_>>()
                .join("; ");
            (
                "lab.errors.capture.seen",
                vec![port, ("segments", segments)],
            )
        } else if self.no_permission {
            ("lab.errors.capture.no-permission", vec![port])
        } else {
            let reason = self.reason.clone().unwrap_or_default();
            ("lab.errors.capture.failed", vec![port, ("reason", reason)])
        }
    }
}

/// Ports and flags of an IPv4 TCP segment in an Ethernet frame.
fn tapped_segment(frame: &[u8]) -> Option<TappedSegment> {
    let eth = EthernetPacket::new(frame)?;
    if eth.get_ethertype() != EtherTypes::Ipv4 {
        return None;
    }
    let ip = Ipv4Packet::new(eth.payload())?;
    if ip.get_next_level_protocol() != IpNextHeaderProtocols::Tcp {
        return None;
    }
    let tcp = TcpPacket::new(ip.payload())?;
    Some(TappedSegment {
        src_port: tcp.get_source(),
        dst_port: tcp.get_destination(),
        flags: flag_words(tcp.get_flags()),
    })
}

/// TCP flags in the order Wireshark's Info column lists them (`SYN,ACK`,
/// `RST,ACK`), comma-separated.
pub fn flag_words(flags: u8) -> String {
    [
        (TcpFlags::FIN, "FIN"),
        (TcpFlags::SYN, "SYN"),
        (TcpFlags::RST, "RST"),
        (TcpFlags::PSH, "PSH"),
        (TcpFlags::ACK, "ACK"),
        (TcpFlags::URG, "URG"),
        (TcpFlags::ECE, "ECE"),
        (TcpFlags::CWR, "CWR"),
    ]
    .iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, word)| *word)
    .collect::<Vec<_>>()
    .join(",")
}

impl ErrorsReport {
    /// Cases whose call raised an error.
    pub fn raised(&self) -> u64 {
        self.cases.iter().filter(|c| c.errno.is_some()).count() as u64
    }
}

/// errno, its name and the exception Python raises for it. A receive
/// timeout (EAGAIN): Python's settimeout() raises TimeoutError ("timed out").
const ERRNOS: &[(i32, &str, &str)] = &[
    (libc::ECONNREFUSED, "ECONNREFUSED", "ConnectionRefusedError"),
    (libc::ECONNRESET, "ECONNRESET", "ConnectionResetError"),
    (libc::EPIPE, "EPIPE", "BrokenPipeError"),
    (libc::ETIMEDOUT, "ETIMEDOUT", "TimeoutError"),
    (libc::EAGAIN, "EAGAIN", "TimeoutError"),
];

/// The errno name and Python's exception for an OS error.
pub fn classify(err: &std::io::Error) -> (Option<&'static str>, Option<&'static str>) {
    let known = ERRNOS
        .iter()
        .find(|(code, _, _)| err.raw_os_error() == Some(*code));
    (known.map(|e| e.1), known.map(|e| e.2))
}

/// The errno name (as `classify` gave it) and Python's exception, from a name.
fn by_name(name: &str) -> Option<(&'static str, &'static str)> {
    ERRNOS
        .iter()
        .find(|(_, known, _)| *known == name)
        .map(|(_, known, python)| (*known, *python))
}

fn outcome(
    case: &'static str,
    call: &'static str,
    result: std::io::Result<()>,
    want: Option<&'static str>,
    start: Instant,
) -> ErrorCase {
    let (errno, python, message) = match &result {
        Ok(()) => (None, None, None),
        Err(e) => {
            let (errno, python) = classify(e);
            (errno.or(Some("other")), python, Some(e.to_string()))
        }
    };
    ErrorCase {
        case,
        call,
        expected: errno == want,
        errno,
        python,
        message,
        sends_before_error: None,
        ms: io::ms_f64_since(start),
        skipped: None,
        probes_unanswered: None,
    }
}

/// A server that accepts one client on its own thread and does `then` with it.
fn with_peer<T>(
    cancel: &Cancel,
    then: impl FnOnce(TcpStream, &Cancel) -> Result<(), LabError> + Send,
    client: impl FnOnce(SocketAddr, &Cancel) -> Result<T, LabError>,
) -> Result<T, LabError> {
    let listener: TcpListener = io::tcp_listener()?;
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let ((), out) = io::both(
        cancel,
        |cancel| {
            let stream = io::accept(&listener, cancel)?;
            then(stream, cancel)
        },
        |cancel| client(addr, cancel),
    )?;
    Ok(out)
}

fn refused() -> Result<(ErrorCase, RefusedCapture), LabError> {
    // A port that was just ours and is closed now: nobody listens there.
    let addr = io::tcp_listener()?
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let connect = || {
        let start = Instant::now();
        let result = TcpStream::connect_timeout(&addr, io::PATIENCE).map(drop);
        (start, result)
    };
    let ((start, result), capture) = match capture_port(addr.port(), connect) {
        Ok((connected, frames)) => (connected, RefusedCapture::of(addr.port(), frames)),
        Err(err) => (connect(), RefusedCapture::none(addr.port(), &err)),
    };
    let case = outcome("refused", "connect", result, Some("ECONNREFUSED"), start);
    Ok((case, capture))
}

/// Read until an error or end of stream, within the lab's patience.
fn read_until_error(
    stream: &mut TcpStream,
    cancel: &Cancel,
) -> Result<std::io::Result<()>, LabError> {
    let end = io::deadline();
    let mut buf = [0u8; 256];
    loop {
        cancel.check()?;
        match stream.read(&mut buf) {
            Ok(0) => return Ok(Ok(())),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if Instant::now() > end {
                    return Err(LabError::Timeout("the peer's reset"));
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Ok(Err(e)),
        }
    }
}

fn reset(cancel: &Cancel) -> Result<ErrorCase, LabError> {
    with_peer(
        cancel,
        |mut peer, cancel| {
            let mut buf = [0u8; 16];
            io::read_some(&mut peer, &mut buf, cancel, "recv")?;
            // SO_LINGER 0: close() sends a RST and throws away what is queued.
            SockRef::from(&peer)
                .set_linger(Some(Duration::ZERO))
                .map_err(|e| LabError::io("set SO_LINGER", e))?;
            Ok(())
        },
        |addr, cancel| {
            let mut stream = io::connect(addr)?;
            io::write_all(&mut stream, b"hello\n", cancel, "send")?;
            let start = Instant::now();
            let result = read_until_error(&mut stream, cancel)?;
            Ok(outcome("reset", "recv", result, Some("ECONNRESET"), start))
        },
    )
}

fn broken_pipe(cancel: &Cancel) -> Result<ErrorCase, LabError> {
    with_peer(
        cancel,
        // The peer closes at once, normally (FIN).
        |_peer, _cancel| Ok(()),
        |addr, cancel| {
            let mut stream = io::connect(addr)?;
            // Wait for its FIN: recv() returns 0 bytes.
            if let Err(e) = read_until_error(&mut stream, cancel)? {
                return Err(LabError::io("recv", e));
            }
            let start = Instant::now();
            let socket = SockRef::from(&stream);
            let mut sent = 0u64;
            let end = io::deadline();
            let result = loop {
                cancel.check()?;
                match socket.send_with_flags(b"are you there?\n", libc::MSG_NOSIGNAL) {
                    Ok(_) => sent += 1,
                    Err(e) => break Err(e),
                }
                if Instant::now() > end {
                    return Err(LabError::Timeout("EPIPE"));
                }
                // Give the peer's RST a moment to arrive.
                std::thread::sleep(Duration::from_millis(5));
            };
            let mut case = outcome("broken-pipe", "send", result, Some("EPIPE"), start);
            case.sends_before_error = Some(sent);
            Ok(case)
        },
    )
}

/// The peer accepts and then says nothing until the client is done.
fn silent_peer(peer: TcpStream, cancel: &Cancel) -> Result<(), LabError> {
    let mut peer = peer;
    let mut buf = [0u8; 16];
    // Wait for the client to close (end of stream), answering nothing.
    loop {
        if io::read_some(&mut peer, &mut buf, cancel, "recv")? == 0 {
            return Ok(());
        }
    }
}

fn timeout(params: &ErrorsParams, cancel: &Cancel) -> Result<ErrorCase, LabError> {
    let wait = Duration::from_millis(params.timeout_ms);
    with_peer(cancel, silent_peer, |addr, _cancel| {
        let mut stream = io::connect(addr)?;
        stream
            .set_read_timeout(Some(wait))
            .map_err(|e| LabError::io("set SO_RCVTIMEO", e))?;
        let start = Instant::now();
        let mut buf = [0u8; 16];
        let result = stream.read(&mut buf).map(drop);
        Ok(outcome("timeout", "recv", result, Some("EAGAIN"), start))
    })
}

fn keepalive(params: &ErrorsParams, cancel: &Cancel) -> Result<ErrorCase, LabError> {
    let every = Duration::from_secs(params.keepalive_s);
    with_peer(cancel, silent_peer, |addr, cancel| {
        let stream = io::connect(addr)?;
        let probes = TcpKeepalive::new()
            .with_time(every)
            .with_interval(every)
            .with_retries(KEEPALIVE_PROBES);
        SockRef::from(&stream)
            .set_tcp_keepalive(&probes)
            .map_err(|e| LabError::io("set TCP keepalive", e))?;
        // Long enough for the idle time and every probe: a dead peer would have
        // been given up on by now.
        let start = Instant::now();
        let span = every * (1 + KEEPALIVE_PROBES) + Duration::from_millis(500);
        let mut buf = [0u8; 16];
        let mut stream = stream;
        let result = loop {
            cancel.check()?;
            match stream.read(&mut buf) {
                Ok(0) => break Err(std::io::Error::from(ErrorKind::UnexpectedEof)),
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if start.elapsed() >= span {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        Ok(outcome("keepalive", "recv", result, None, start))
    })
}

/// A peer that vanishes for real: the `keepalive-vanished` experiment in
/// the virtual network (a lab process of its own, stopped on cancel).
fn vanished(params: &ErrorsParams, cancel: &Cancel) -> Result<ErrorCase, LabError> {
    let skipped = |reason: String| ErrorCase {
        case: "vanished",
        call: "recv",
        errno: None,
        python: None,
        message: None,
        expected: false,
        sends_before_error: None,
        ms: 0.0,
        skipped: Some(reason),
        probes_unanswered: None,
    };
    if !params.vanished {
        return Ok(skipped("--vanished false".into()));
    }
    let mut lab = match crate::vnet::Lab::start() {
        Ok(lab) => lab,
        Err(e) => return Ok(skipped(e.to_string())),
    };
    let stop = || cancel.is_cancelled();
    let outcome = match lab.run_until(KEEPALIVE_VANISHED.name, Default::default(), |_| {}, &stop) {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return Err(LabError::Cancelled),
        Err(e) => return Ok(skipped(e.to_string())),
    };
    let _ = lab.shutdown();
    let r = &outcome.report;
    // The one errno table: the experiment named it with `classify`.
    let errno = r["errno"].as_str().and_then(by_name);
    let answered = r["segments_from_b_after_cut"].as_u64().unwrap_or(0);
    let probes = r["probes_sent"].as_u64().unwrap_or(0);
    Ok(ErrorCase {
        case: "vanished",
        call: "recv",
        errno: errno.map(|e| e.0).or(r["errno"].as_str().map(|_| "other")),
        python: errno.map(|e| e.1),
        message: r["message"].as_str().map(str::to_string),
        expected: errno.is_some_and(|e| e.0 == "ETIMEDOUT") && answered == 0,
        sends_before_error: None,
        ms: r["error_after_ms"].as_f64().unwrap_or(0.0),
        skipped: None,
        probes_unanswered: (answered == 0).then_some(probes),
    })
}

/// Run every case in order.
pub fn run(
    params: &ErrorsParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<ErrorsReport, LabError> {
    let mut cases = Vec::new();
    let mut capture = None;
    for (index, case) in CASES.iter().enumerate() {
        cancel.check()?;
        let result = match *case {
            "refused" => {
                let (case, tapped) = refused()?;
                capture = Some(tapped);
                case
            }
            "reset" => reset(cancel)?,
            "broken-pipe" => broken_pipe(cancel)?,
            "timeout" => timeout(params, cancel)?,
            "keepalive" => keepalive(params, cancel)?,
            _ => vanished(params, cancel)?,
        };
        sink.event(LabEvent::Step {
            index,
            name: result.case,
            ok: result.expected,
            error: Some(match (result.errno, result.python, &result.message) {
                (Some(errno), Some(python), Some(message)) => {
                    format!("{errno} → Python {python}: {message}")
                }
                (Some(errno), _, Some(message)) => format!("{errno}: {message}"),
                _ => "no error".to_string(),
            }),
        });
        cases.push(result);
        if let Some(capture) = capture.as_ref().filter(|_| index == 0) {
            let (key, args) = capture.remark();
            sink.event(LabEvent::Log { key, args });
        }
    }
    let capture = capture.ok_or(LabError::Failed("the refused case did not run".into()))?;
    Ok(ErrorsReport { cases, capture })
}

impl LabOutcome for ErrorsReport {
    fn observed(&self) -> u64 {
        self.raised()
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let mut lines = vec![tf(
            lang,
            "lab.errors.result",
            &[
                ("cases", &self.cases.len().to_string()),
                ("raised", &self.raised().to_string()),
            ],
        )];
        for c in &self.cases {
            let step = format!("lab.errors.step.{}", c.case);
            if let Some(reason) = &c.skipped {
                let skipped = tf(lang, "lab.errors.skipped", &[("reason", reason)]);
                lines.push(format!("  {}: {skipped}", t(lang, &step)));
                continue;
            }
            lines.push(format!(
                "  {}: {}() → {} ({})",
                t(lang, &step),
                c.call,
                c.errno.unwrap_or("—"),
                c.python.unwrap_or("—"),
            ));
        }
        let (key, args) = self.capture.remark();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lines.push(tf(lang, key, &args));
        lines.push(t(lang, "lab.errors.lesson").to_string());
        lines
    }
}
