//! `udp-loss` — UDP datagrams are lost without a word, even on loopback, when a
//! sender outpaces a slower reader and the receive buffer overflows; the kernel's
//! own counter for this socket (the `drops` column of /proc/net/udp) proves it.
//! The same pressure over TCP loses nothing: flow control slows the sender.
//!
//! The sender sends `rate` datagrams a second; the reader works `pause-us` on
//! each one, so it manages 1,000,000 / pause-us a second. Both run on one thread,
//! interleaved at those rates: after each datagram sent, the reader reads its
//! share (rate of reader / rate of sender). So a busy machine stretches the run
//! but does not change the ratio, and the loss is about 1 − reader/sender (33 %
//! at the defaults) once the small buffer is full. Every allowed setting
//! finishes within 2 × count / rate seconds (≤ 20 s) for UDP and
//! count × pause-us (≤ 20 s) for TCP.

use std::collections::BTreeSet;
use std::io::{self as stdio, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::time::{Duration, Instant};

use serde::Serialize;
use socket2::{Domain, Protocol, SockRef, Socket, Type};

use super::io::{self, POLL};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the udp-loss lab.
    pub struct UdpLossParams for UdpLoss {
        /// Datagrams to send.
        count: u64 = "2000", "count", Int { min: 1, max: 10_000 }, "lab.opt.count";
        /// Bytes per datagram (the first 8 carry the sequence number).
        size: usize = "1000", "size", Int { min: 8, max: 8192 }, "lab.opt.size";
        /// SO_RCVBUF asked for the receiver (Linux doubles it and has a floor).
        rcvbuf: usize = "4096", "rcvbuf", Int { min: 1024, max: 4_194_304 }, "lab.opt.rcvbuf";
        /// Datagrams the sender sends per second.
        rate: u64 = "3000", "rate", Int { min: 1000, max: 50_000 }, "lab.opt.rate";
        /// Microseconds the reader works on each datagram (0: as fast as it can).
        pause_us: u64 = "500", "pause-us", Int { min: 0, max: 2000 }, "lab.opt.pause-us";
    }
}

/// The TCP half of the lab (JSON `tcp`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TcpUnderPressure {
    pub sent: u64,
    pub received: u64,
    /// Messages missing at the receiver: always 0 for TCP.
    pub lost: u64,
    /// Wall time of the TCP transfer.
    pub elapsed_ms: u64,
    /// Writes that found the send path full (flow control pushing back).
    pub blocked_writes: u64,
    /// Milliseconds the sender spent waiting for the window to open.
    pub blocked_ms: u64,
}

/// What the udp-loss lab observed. Issue keys plus the rates, the buffer sizes,
/// `udp_elapsed_ms` and `snmp_available`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UdpLossReport {
    pub sent: u64,
    pub received: u64,
    pub lost: u64,
    /// Delta of `Udp: RcvbufErrors` in /proc/net/snmp over the UDP run. The counter
    /// is per network namespace (system-wide here), so other UDP traffic can add to it.
    pub kernel_rcvbuf_errors: u64,
    /// Whether /proc/net/snmp could be read (Linux).
    pub snmp_available: bool,
    /// Datagrams the kernel dropped on this lab's own receiving socket: the
    /// `drops` column of its line in /proc/net/udp (found by the socket's
    /// inode). Exactly this run's, whatever else runs. None off Linux.
    pub socket_drops: Option<u64>,
    /// SO_RCVBUF as asked for (`--rcvbuf`).
    pub rcvbuf_requested: usize,
    /// SO_RCVBUF as the kernel reports it after our request: Linux doubles the
    /// request (room for its own bookkeeping of each datagram), within limits.
    pub rcvbuf_effective: usize,
    /// Datagrams the sender sent per second (`--rate`).
    pub send_rate: u64,
    /// Datagrams the reader could read per second (1,000,000 / `--pause-us`);
    /// null when it does not pause.
    pub read_rate: Option<u64>,
    pub udp_elapsed_ms: u64,
    pub tcp: TcpUnderPressure,
}

/// `RcvbufErrors` from the `Udp:` lines of /proc/net/snmp (header line, value line).
pub fn udp_rcvbuf_errors() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/net/snmp").ok()?;
    parse_rcvbuf_errors(&text)
}

fn parse_rcvbuf_errors(snmp: &str) -> Option<u64> {
    let mut udp = snmp.lines().filter(|l| l.starts_with("Udp: "));
    let header = udp.next()?;
    let values = udp.next()?;
    let column = header
        .split_whitespace()
        .position(|w| w == "RcvbufErrors")?;
    values.split_whitespace().nth(column)?.parse().ok()
}

/// The `drops` column of the line of the socket with inode `inode` in
/// /proc/net/udp or /proc/net/udp6.
pub fn socket_drops(inode: u64) -> Option<u64> {
    ["/proc/net/udp", "/proc/net/udp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .find_map(|text| parse_socket_drops(&text, inode))
}

fn parse_socket_drops(table: &str, inode: u64) -> Option<u64> {
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next()?.split_whitespace().collect();
    // The header's "tx_queue rx_queue" and "tr tm->when" are one column each
    // in the rows ("0:0", "00:00000000"); find columns from the row's end.
    let from_end = header.len() - header.iter().position(|w| *w == "inode")?;
    let drops_from_end = header.len() - header.iter().position(|w| *w == "drops")?;
    let wanted = inode.to_string();
    lines.find_map(|row| {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let at = |back: usize| cols.len().checked_sub(back).and_then(|i| cols.get(i));
        (at(from_end) == Some(&wanted.as_str())).then(|| at(drops_from_end)?.parse().ok())?
    })
}

/// The inode number of a socket (what /proc/net/udp lists it by).
fn socket_inode(socket: &UdpSocket) -> Option<u64> {
    use std::os::fd::AsRawFd;
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat on a descriptor we own, into a buffer of the right size.
    let ok = unsafe { libc::fstat(socket.as_raw_fd(), stat.as_mut_ptr()) } == 0;
    // SAFETY: fstat succeeded, so it filled the buffer.
    ok.then(|| unsafe { stat.assume_init() }.st_ino)
}

fn small_buffer_udp(rcvbuf: usize) -> Result<UdpSocket, LabError> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| LabError::io("create UDP socket", e))?;
    socket
        .set_recv_buffer_size(rcvbuf)
        .map_err(|e| LabError::io("set SO_RCVBUF", e))?;
    socket
        .bind(&io::loopback_any_port().into())
        .map_err(|e| LabError::io("bind UDP socket", e))?;
    socket
        .set_read_timeout(Some(POLL))
        .map_err(|e| LabError::io("set timeout", e))?;
    // Non-blocking while the sender runs: an empty queue means the reader is
    // ahead, not that it should wait.
    socket
        .set_nonblocking(true)
        .map_err(|e| LabError::io("set non-blocking", e))?;
    Ok(socket.into())
}

impl UdpLossParams {
    /// Datagrams the reader manages per second; `None`: no pause, as fast as
    /// it can.
    pub fn read_rate(&self) -> Option<u64> {
        (self.pause_us > 0).then(|| 1_000_000 / self.pause_us)
    }

    /// How many datagrams the reader may have read once `sent` were sent.
    fn reads_allowed(&self, sent: u64) -> u64 {
        if self.pause_us == 0 {
            return sent;
        }
        // sent × (1e6 / pause) / rate, in integers.
        let allowed =
            u128::from(sent) * 1_000_000 / (u128::from(self.pause_us) * u128::from(self.rate));
        u64::try_from(allowed).unwrap_or(u64::MAX).min(sent)
    }
}

/// Run the lab: the UDP part, then the same bytes over TCP.
pub fn run(
    params: &UdpLossParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<UdpLossReport, LabError> {
    sink.event(LabEvent::Phase {
        key: "lab.udp-loss.phase.udp",
    });
    let receiver = small_buffer_udp(params.rcvbuf)?;
    let rcvbuf_effective = socket2::SockRef::from(&receiver)
        .recv_buffer_size()
        .map_err(|e| LabError::io("read SO_RCVBUF", e))?;
    let to = receiver
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let sender = io::udp_socket()?;
    let before = udp_rcvbuf_errors();
    let start = Instant::now();
    let seen = sender_and_reader(&sender, &receiver, to, params, sink, cancel)?;
    let udp_elapsed_ms = io::ms_since(start);
    let after = udp_rcvbuf_errors();
    let socket_drops = socket_inode(&receiver).and_then(socket_drops);
    let received = seen.len() as u64;
    let sent = params.count;

    sink.event(LabEvent::Phase {
        key: "lab.udp-loss.phase.tcp",
    });
    let tcp = tcp_under_pressure(params, sink, cancel)?;

    Ok(UdpLossReport {
        sent,
        received,
        lost: sent.saturating_sub(received),
        kernel_rcvbuf_errors: match (before, after) {
            (Some(b), Some(a)) => a.saturating_sub(b),
            _ => 0,
        },
        snmp_available: before.is_some() && after.is_some(),
        socket_drops,
        rcvbuf_requested: params.rcvbuf,
        rcvbuf_effective,
        send_rate: params.rate,
        read_rate: params.read_rate(),
        udp_elapsed_ms,
        tcp,
    })
}

/// The sender at `rate` and the reader at its own pace, interleaved on this
/// thread; then the reader empties the queue. Returns the sequence numbers read.
fn sender_and_reader(
    sender: &UdpSocket,
    receiver: &UdpSocket,
    to: SocketAddr,
    params: &UdpLossParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<BTreeSet<u64>, LabError> {
    let mut seen = BTreeSet::new();
    let mut datagram = vec![b'.'; params.size];
    let mut buf = vec![0u8; params.size.max(8)];
    let pause = Duration::from_micros(params.pause_us);
    let gap = Duration::from_secs(1) / u32::try_from(params.rate).unwrap_or(u32::MAX).max(1);
    let step = (params.count / 100).max(1);
    let start = Instant::now();
    let mut reads = 0u64;
    let keep = |n: usize, buf: &[u8], seen: &mut BTreeSet<u64>| {
        if n >= 8 {
            let mut seq = [0u8; 8];
            seq.copy_from_slice(&buf[..8]);
            let seq = u64::from_be_bytes(seq);
            seen.insert(seq);
            sink.event(LabEvent::Datagram {
                seq,
                received: true,
            });
        }
    };
    for seq in 0..params.count {
        cancel.check()?;
        // The sender's pace: datagram `seq` leaves at start + seq × gap.
        let due = start + gap * u32::try_from(seq).unwrap_or(u32::MAX);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        datagram[..8].copy_from_slice(&seq.to_be_bytes());
        // sendto succeeds even when the receiver's queue is full: the drop
        // happens on delivery, silently (only the kernel's counters see it).
        io::patiently(cancel, io::deadline(), "sendto", || {
            sender.send_to(&datagram, to)
        })?;
        // The reader's share of the time so far.
        while reads < params.reads_allowed(seq + 1) {
            match receiver.recv(&mut buf) {
                Ok(n) => {
                    reads += 1;
                    keep(n, &buf, &mut seen);
                    // The slow application: work on each datagram before the next.
                    if !pause.is_zero() {
                        std::thread::sleep(pause);
                    }
                }
                // Nothing queued: the reader is ahead of the sender.
                Err(e) if e.kind() == stdio::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == stdio::ErrorKind::Interrupted => {}
                Err(e) => return Err(LabError::io("recv", e)),
            }
        }
        if seq % step == 0 || seq + 1 == params.count {
            sink.event(LabEvent::Progress {
                done: seq + 1,
                total: params.count,
            });
        }
    }
    // The sender is done: the reader takes what is still queued.
    receiver
        .set_nonblocking(false)
        .map_err(|e| LabError::io("set blocking", e))?;
    loop {
        cancel.check()?;
        match receiver.recv(&mut buf) {
            Ok(n) => keep(n, &buf, &mut seen),
            // Quiet for POLL: the queue is empty and nothing more comes.
            Err(e)
                if matches!(
                    e.kind(),
                    stdio::ErrorKind::WouldBlock | stdio::ErrorKind::TimedOut
                ) =>
            {
                return Ok(seen);
            }
            Err(e) if e.kind() == stdio::ErrorKind::Interrupted => {}
            Err(e) => return Err(LabError::io("recv", e)),
        }
    }
}

/// The same count × size bytes over TCP to a receiver with the same small buffer
/// and the same pause after every recv().
fn tcp_under_pressure(
    params: &UdpLossParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<TcpUnderPressure, LabError> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))
        .map_err(|e| LabError::io("create TCP socket", e))?;
    // Set before listen(): accepted sockets inherit it, and it fixes the window.
    socket
        .set_recv_buffer_size(params.rcvbuf)
        .map_err(|e| LabError::io("set SO_RCVBUF", e))?;
    socket
        .bind(&io::loopback_any_port().into())
        .map_err(|e| LabError::io("bind TCP listener", e))?;
    socket.listen(8).map_err(|e| LabError::io("listen", e))?;
    socket
        .set_nonblocking(true)
        .map_err(|e| LabError::io("set non-blocking", e))?;
    let listener: TcpListener = socket.into();
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let total = params.count * params.size as u64;
    let pause = Duration::from_micros(params.pause_us);
    let start = Instant::now();

    let receive = |cancel: &Cancel| -> Result<u64, LabError> {
        let mut stream = io::accept(&listener, cancel)?;
        // The same reader: one message of `size` bytes, then its work.
        let mut buf = vec![0u8; params.size];
        let mut filled = 0usize;
        let mut received = 0u64;
        loop {
            let n = io::read_some(&mut stream, &mut buf[filled..], cancel, "recv")?;
            if n == 0 {
                return Ok(received);
            }
            received += n as u64;
            filled += n;
            if filled == buf.len() {
                filled = 0;
                if !pause.is_zero() {
                    std::thread::sleep(pause);
                }
            }
        }
    };

    let send = |cancel: &Cancel| -> Result<(u64, u64), LabError> {
        let mut stream = io::connect(addr)?;
        // A send buffer as small as the receiver's buffer: the push-back of flow
        // control reaches the application at once instead of after megabytes.
        SockRef::from(&stream)
            .set_send_buffer_size(params.rcvbuf)
            .map_err(|e| LabError::io("set SO_SNDBUF", e))?;
        stream
            .set_nonblocking(true)
            .map_err(|e| LabError::io("set non-blocking", e))?;
        let mut message = vec![b'.'; params.size];
        let mut blocked = 0u64;
        let mut waited = Duration::ZERO;
        let end = io::deadline() + Duration::from_secs(50);
        for seq in 0..params.count {
            message[..8].copy_from_slice(&seq.to_be_bytes());
            let mut rest = &message[..];
            while !rest.is_empty() {
                cancel.check()?;
                match stream.write(rest) {
                    Ok(n) => rest = &rest[n..],
                    Err(e) if e.kind() == stdio::ErrorKind::WouldBlock => {
                        // Flow control: the receiver's window is shut, wait.
                        blocked += 1;
                        if Instant::now() > end {
                            return Err(LabError::Timeout("the TCP receiver"));
                        }
                        let before = Instant::now();
                        std::thread::sleep(Duration::from_micros(200));
                        waited += before.elapsed();
                    }
                    Err(e) if e.kind() == stdio::ErrorKind::Interrupted => {}
                    Err(e) => return Err(LabError::io("send", e)),
                }
            }
            if seq % (params.count / 100).max(1) == 0 || seq + 1 == params.count {
                sink.event(LabEvent::Progress {
                    done: seq + 1,
                    total: params.count,
                });
            }
        }
        stream
            .shutdown(std::net::Shutdown::Write)
            .map_err(|e| LabError::io("shutdown", e))?;
        Ok((
            blocked,
            u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
        ))
    };

    let (received, (blocked_writes, blocked_ms)) = io::both(cancel, receive, send)?;
    let size = params.size as u64;
    Ok(TcpUnderPressure {
        sent: params.count,
        received: received / size,
        lost: params.count.saturating_sub(received / size),
        elapsed_ms: io::ms_since(start),
        blocked_writes,
        blocked_ms,
    })
    .and_then(|tcp| {
        if received == total {
            Ok(tcp)
        } else {
            Err(LabError::Failed(format!(
                "udp-loss: TCP delivered {received} of {total} bytes"
            )))
        }
    })
}

impl LabOutcome for UdpLossReport {
    fn observed(&self) -> u64 {
        self.received
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let n = |v: u64| v.to_string();
        let mut lines = vec![tf(
            lang,
            "lab.udp-loss.result",
            &[
                ("sent", &n(self.sent)),
                ("received", &n(self.received)),
                ("lost", &n(self.lost)),
                ("rcvbuf", &self.rcvbuf_effective.to_string()),
            ],
        )];
        lines.push(tf(
            lang,
            "lab.udp-loss.rates",
            &[
                ("send", &n(self.send_rate)),
                ("read", &self.read_rate.map_or("∞".to_string(), n)),
                ("asked", &self.rcvbuf_requested.to_string()),
                ("effective", &self.rcvbuf_effective.to_string()),
            ],
        ));
        if let Some(drops) = self.socket_drops {
            lines.push(tf(lang, "lab.udp-loss.own-drops", &[("drops", &n(drops))]));
        }
        if self.snmp_available {
            lines.push(tf(
                lang,
                "lab.udp-loss.kernel",
                &[("errors", &n(self.kernel_rcvbuf_errors))],
            ));
        } else {
            lines.push(t(lang, "lab.udp-loss.no-snmp").to_string());
        }
        lines.push(tf(
            lang,
            "lab.udp-loss.tcp",
            &[
                ("sent", &n(self.tcp.sent)),
                ("received", &n(self.tcp.received)),
                ("lost", &n(self.tcp.lost)),
                ("ms", &n(self.tcp.elapsed_ms)),
                ("udp_ms", &n(self.udp_elapsed_ms)),
                ("blocked", &n(self.tcp.blocked_writes)),
                ("blocked_ms", &n(self.tcp.blocked_ms)),
            ],
        ));
        lines.push(t(lang, "lab.udp-loss.lesson").to_string());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_column_of_the_socket_line_is_found_by_inode() {
        let table = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n\
          1: 0100007F:A1B2 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4711 2 0000000000000000 0\n\
          2: 0100007F:C3D4 00000000:0000 07 00000000:00001100 00:00000000 00000000     0        0 4712 2 0000000000000000 987\n";
        assert_eq!(parse_socket_drops(table, 4712), Some(987));
        assert_eq!(parse_socket_drops(table, 4711), Some(0));
        assert_eq!(parse_socket_drops(table, 47), None);
    }

    #[test]
    fn rcvbuf_errors_column_is_found_by_name() {
        let snmp = "Ip: Forwarding\nIp: 1\nUdp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\nUdp: 115 0 7 116 42 0\nUdpLite: InDatagrams RcvbufErrors\nUdpLite: 0 9\n";
        assert_eq!(parse_rcvbuf_errors(snmp), Some(42));
        assert_eq!(parse_rcvbuf_errors("Tcp: x\nTcp: 1\n"), None);
    }
}
