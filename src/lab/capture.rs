//! Real mode of the handshake panel: open a real TCP connection on 127.0.0.1,
//! exchange one message each way, close it, and capture its segments on the
//! loopback interface with an AF_PACKET raw socket (needs root or CAP_NET_RAW).
//!
//! Every blocking call is time-bound; the capture thread is scoped (joined before
//! returning) and every socket is closed when the function returns.

use std::ffi::CString;
use std::io::{self, Read, Write};
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pnet_packet::tcp::TcpFlags;
use socket2::{Domain, Protocol, SockAddr, SockAddrStorage, SockFilter, Socket, Type};

use crate::net::tcp::frames::{fill_tcp_checksum, segment_from_frame};
use crate::net::tcp::observed::{ObservedSegment, timeline_from_observed};
use crate::net::tcp::{Segment, Timeline};

/// What the client sends, and what the server answers.
pub const CLIENT_MESSAGE: &[u8] = b"hello from the client\n";
pub const SERVER_MESSAGE: &[u8] = b"hello from the server\n";

/// `sll_pkttype` of a frame the host sent (linux/if_packet.h). On loopback every
/// frame passes the tap twice, once leaving and once arriving; we keep the first.
pub(crate) const PACKET_OUTGOING: u8 = 4;
/// Bound on each blocking socket call of the connection.
const IO_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the capture socket waits in one `recvfrom`.
const POLL: Duration = Duration::from_millis(50);

/// Why the capture did not happen (texts: `capture.err.*` in
/// `assets/i18n/ui.toml`; `Display` gives the English one).
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(crate::i18n::Lang::En))]
pub enum CaptureError {
    /// Raw packet sockets need root or CAP_NET_RAW.
    NoPermission(io::Error),
    Io {
        what: &'static str,
        source: io::Error,
    },
    NoLoopback,
}

impl CaptureError {
    /// The message in `lang`, one line.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{t, tf};
        use crate::output_file::io_text;
        match self {
            CaptureError::NoPermission(e) => tf(
                lang,
                "capture.err.no_permission",
                &[("reason", &io_text(e, lang))],
            ),
            CaptureError::Io { what, source } => tf(
                lang,
                "lab.err.io",
                &[("what", what), ("reason", &io_text(source, lang))],
            ),
            CaptureError::NoLoopback => t(lang, "capture.err.no_loopback").to_string(),
        }
    }
}

fn io_err(what: &'static str) -> impl FnOnce(io::Error) -> CaptureError {
    move |source| CaptureError::Io { what, source }
}

/// The captured connection.
#[derive(Debug, Clone)]
pub struct CaptureReport {
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// The connection's segments in the order they were sent.
    pub segments: Vec<ObservedSegment>,
    /// Wall-clock time (since the Unix epoch) of the first segment.
    pub start: Duration,
    /// Whether the final ACK of the teardown was seen before the timeout.
    pub complete: bool,
}

impl CaptureReport {
    /// The captured segments as a timeline for the animation.
    pub fn timeline(&self) -> Timeline {
        timeline_from_observed(self.client, self.server, &self.segments)
    }

    /// `(timestamp, frame)` pairs for `crate::net::pcap::write_pcap`.
    pub fn pcap_frames(&self) -> Vec<(Duration, Vec<u8>)> {
        self.segments
            .iter()
            .map(|s| (self.start.saturating_add(s.at), s.frame.clone()))
            .collect()
    }
}

/// Open an AF_PACKET socket bound to `lo` that sees every frame (ETH_P_ALL).
pub fn open_loopback_capture() -> Result<Socket, CaptureError> {
    let eth_p_all = (libc::ETH_P_ALL as u16).to_be();
    let socket = Socket::new(
        Domain::PACKET,
        Type::RAW,
        Some(Protocol::from(i32::from(eth_p_all))),
    )
    .map_err(|e| match e.kind() {
        io::ErrorKind::PermissionDenied => CaptureError::NoPermission(e),
        _ => CaptureError::Io {
            what: "packet socket",
            source: e,
        },
    })?;
    let name = CString::new("lo").map_err(|_| CaptureError::NoLoopback)?;
    // SAFETY: `name` is a valid NUL-terminated string for the duration of the call.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if index == 0 {
        return Err(CaptureError::NoLoopback);
    }
    let mut storage = SockAddrStorage::zeroed();
    // SAFETY: sockaddr_ll is one of the platform's sockaddr types and fits the storage.
    let ll = unsafe { storage.view_as::<libc::sockaddr_ll>() };
    ll.sll_family = libc::AF_PACKET as u16;
    ll.sll_protocol = eth_p_all;
    ll.sll_ifindex = i32::try_from(index).map_err(|_| CaptureError::NoLoopback)?;
    let len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: the storage holds an initialised sockaddr_ll of that length.
    let address = unsafe { SockAddr::new(storage, len) };
    socket.bind(&address).map_err(io_err("bind to lo"))?;
    socket
        .set_read_timeout(Some(POLL))
        .map_err(io_err("capture read timeout"))?;
    // The kernel filter lets only our connection through: a small buffer is
    // room enough for it.
    let _ = socket.set_recv_buffer_size(RECV_BUFFER);
    Ok(socket)
}

/// The packet socket's receive buffer: our connection's dozen small segments
/// fit many times over.
const RECV_BUFFER: usize = 256 * 1024;
/// At most this many frames are kept; a normal connection has about ten.
pub const MAX_FRAMES: usize = 256;

/// Classic BPF (`SO_ATTACH_FILTER`) for IPv4 TCP segments from or to `port`
/// (`net::bpf`, the one filter builder). Everything else is dropped in the
/// kernel, before it is queued or copied: capturing while the throughput lab
/// floods loopback costs nothing.
pub fn port_filter(port: u16) -> Vec<SockFilter> {
    crate::net::bpf::port_filter(Some(port), crate::net::bpf::PortMatch::TCP_V4)
}

/// Limits the capture to TCP `port` and throws away what was queued before
/// the filter was in place.
fn filter_to_port(socket: &Socket, port: u16) -> Result<(), CaptureError> {
    socket
        .attach_filter(&port_filter(port))
        .map_err(io_err("attach the socket filter"))?;
    socket
        .set_nonblocking(true)
        .map_err(io_err("capture mode"))?;
    let mut buf = [MaybeUninit::<u8>::uninit(); 2048];
    for _ in 0..100_000 {
        if socket.recv(&mut buf).is_err() {
            break;
        }
    }
    socket
        .set_nonblocking(false)
        .map_err(io_err("capture mode"))
}

/// One frame as the tap saw it.
struct Tapped {
    at: Duration,
    frame: Vec<u8>,
}

/// Read frames until `done` is set and the wire has been quiet for one poll (or a
/// short grace period has passed), or until `deadline`. Only frames leaving a
/// socket are kept (see PACKET_OUTGOING).
fn tap(socket: &Socket, done: &AtomicBool, deadline: Instant, max: usize) -> Vec<Tapped> {
    const GRACE: Duration = Duration::from_millis(300);
    let mut frames = Vec::new();
    let mut buf = vec![MaybeUninit::<u8>::uninit(); 70_000];
    let mut stop_at = deadline;
    while Instant::now() < stop_at && frames.len() < max {
        if done.load(Ordering::Acquire) {
            stop_at = stop_at.min(Instant::now() + GRACE);
        }
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => {
                if pkttype(&from) != Some(PACKET_OUTGOING) {
                    continue;
                }
                let at = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                let filled = buf.get(..n).unwrap_or_default();
                // SAFETY: recv_from initialised the first `n` bytes.
                let frame: Vec<u8> = filled.iter().map(|b| unsafe { b.assume_init() }).collect();
                frames.push(Tapped { at, frame });
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if done.load(Ordering::Acquire) {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    frames
}

pub(crate) fn pkttype(from: &SockAddr) -> Option<u8> {
    if (from.len() as usize) < std::mem::size_of::<libc::sockaddr_ll>()
        || i32::from(from.family()) != libc::AF_PACKET
    {
        return None;
    }
    // SAFETY: the family is AF_PACKET and the length covers a sockaddr_ll.
    let ll = unsafe { std::ptr::read_unaligned(from.as_ptr().cast::<libc::sockaddr_ll>()) };
    Some(ll.sll_pkttype)
}

/// Open, use and close one connection on 127.0.0.1; returns its two addresses.
fn run_connection(listener: TcpListener) -> Result<(SocketAddr, SocketAddr), CaptureError> {
    let server = listener.local_addr().map_err(io_err("listener address"))?;
    let mut client = TcpStream::connect_timeout(&server, IO_TIMEOUT).map_err(io_err("connect"))?;
    let client_addr = client.local_addr().map_err(io_err("client address"))?;
    // The kernel finished the handshake already; accept() only dequeues it, but
    // wait a bounded time rather than block.
    listener.set_nonblocking(true).map_err(io_err("listener"))?;
    let deadline = Instant::now() + IO_TIMEOUT;
    let mut conn = loop {
        match listener.accept() {
            Ok((conn, _)) => break conn,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(2));
            }
            Err(e) => {
                return Err(CaptureError::Io {
                    what: "accept",
                    source: e,
                });
            }
        }
    };
    drop(listener);
    for stream in [&conn, &client] {
        stream
            .set_nonblocking(false)
            .map_err(io_err("socket mode"))?;
        stream
            .set_read_timeout(Some(IO_TIMEOUT))
            .map_err(io_err("read timeout"))?;
        stream
            .set_write_timeout(Some(IO_TIMEOUT))
            .map_err(io_err("write timeout"))?;
    }
    client
        .write_all(CLIENT_MESSAGE)
        .map_err(io_err("client send"))?;
    let mut request = vec![0; CLIENT_MESSAGE.len()];
    conn.read_exact(&mut request)
        .map_err(io_err("server recv"))?;
    conn.write_all(SERVER_MESSAGE)
        .map_err(io_err("server send"))?;
    let mut reply = vec![0; SERVER_MESSAGE.len()];
    client
        .read_exact(&mut reply)
        .map_err(io_err("client recv"))?;
    // The client closes first (it will sit in TIME-WAIT); the server sees EOF.
    drop(client);
    let mut rest = [0u8; 64];
    let n = conn
        .read(&mut rest)
        .map_err(io_err("server waits for EOF"))?;
    if n != 0 {
        return Err(CaptureError::Io {
            what: "server waits for EOF",
            source: io::Error::new(io::ErrorKind::InvalidData, "unexpected bytes"),
        });
    }
    let _ = conn.shutdown(Shutdown::Both);
    drop(conn);
    Ok((client_addr, server))
}

/// Captured frames with their wall-clock times (since the Unix epoch), as
/// `crate::net::pcap::write_pcap` takes them.
pub type TimedFrames = Vec<(Duration, Vec<u8>)>;

/// A capture of TCP `port` on loopback around `during`: the packet socket is
/// open and filtered before `during` starts, and read (outgoing copies only)
/// until the wire has been quiet for one poll afterwards. Returns what
/// `during` returned and the frames with their wall-clock times.
pub fn capture_port<T>(
    port: u16,
    during: impl FnOnce() -> T,
) -> Result<(T, TimedFrames), CaptureError> {
    let socket = open_loopback_capture()?;
    filter_to_port(&socket, port)?;
    let out = during();
    let done = AtomicBool::new(true);
    let frames = tap(&socket, &done, Instant::now() + IO_TIMEOUT, MAX_FRAMES)
        .into_iter()
        .map(|t| (t.at, t.frame))
        .collect();
    Ok((out, frames))
}

/// Whether `segments` end with the last ACK of a teardown: both FINs seen and the
/// side that received the second FIN has acknowledged it.
fn teardown_complete(segments: &[Segment]) -> bool {
    let fins: Vec<&Segment> = segments.iter().filter(|s| s.has(TcpFlags::FIN)).collect();
    let [.., first, last] = fins.as_slice() else {
        return false;
    };
    first.from != last.from
        && segments
            .iter()
            .any(|s| s.from == last.from.peer() && s.has(TcpFlags::ACK) && s.ack == last.next_seq())
}

/// A capture running in its own thread: every TCP segment to or from one
/// port on loopback (as it leaves a socket, so each once), until stopped.
/// `class join --capture` records the class protocol's own traffic with it.
pub struct PortCapture {
    done: std::sync::Arc<AtomicBool>,
    thread: thread::JoinHandle<Vec<Tapped>>,
}

/// The most frames a [`PortCapture`] keeps (a class session of a few dozen
/// questions has a few hundred).
pub const MAX_PORT_FRAMES: usize = 100_000;

impl PortCapture {
    /// Starts capturing TCP `port` on `lo` (needs root or CAP_NET_RAW);
    /// stops by itself after `limit`.
    pub fn start(port: u16, limit: Duration) -> Result<PortCapture, CaptureError> {
        let socket = open_loopback_capture()?;
        filter_to_port(&socket, port)?;
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&done);
        let deadline = Instant::now() + limit;
        let thread = thread::spawn(move || tap(&socket, &flag, deadline, MAX_PORT_FRAMES));
        Ok(PortCapture { done, thread })
    }

    /// Stops (after the wire has been quiet a moment) and returns the frames
    /// as `(time since the Unix epoch, Ethernet frame)` for
    /// `crate::net::pcap::write_new_pcap`, TCP checksums filled in (the
    /// kernel leaves them to the NIC on loopback).
    pub fn stop(self) -> TimedFrames {
        self.done.store(true, Ordering::Release);
        self.thread
            .join()
            .unwrap_or_default()
            .into_iter()
            .map(|mut t| {
                fill_tcp_checksum(&mut t.frame);
                (t.at, t.frame)
            })
            .collect()
    }
}

/// Capture one connection of our own on loopback.
pub fn capture_handshake() -> Result<CaptureReport, CaptureError> {
    // The server's port first, so the kernel filter can name it.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(io_err("listen"))?;
    let port = listener
        .local_addr()
        .map_err(io_err("listener address"))?
        .port();
    let socket = open_loopback_capture()?;
    filter_to_port(&socket, port)?;
    let done = AtomicBool::new(false);
    let deadline = Instant::now() + IO_TIMEOUT * 4;
    let (tapped, connection) = thread::scope(|scope| {
        let tapper = scope.spawn(|| tap(&socket, &done, deadline, MAX_FRAMES));
        let connection = run_connection(listener);
        done.store(true, Ordering::Release);
        (tapper.join().unwrap_or_default(), connection)
    });
    drop(socket);
    let (client, server) = connection?;
    let mut segments = Vec::new();
    for mut t in tapped {
        fill_tcp_checksum(&mut t.frame);
        if let Some(segment) = segment_from_frame(&t.frame, client)
            && ((segment.src == client && segment.dst == server)
                || (segment.src == server && segment.dst == client))
        {
            segments.push((t.at, segment, t.frame));
        }
    }
    let start = segments.first().map_or(Duration::ZERO, |(at, _, _)| *at);
    let complete = teardown_complete(
        &segments
            .iter()
            .map(|(_, s, _)| s.clone())
            .collect::<Vec<_>>(),
    );
    let segments = segments
        .into_iter()
        .map(|(at, segment, frame)| ObservedSegment {
            at: at.saturating_sub(start),
            segment,
            frame,
        })
        .collect();
    Ok(CaptureReport {
        client,
        server,
        segments,
        start,
        complete,
    })
}
