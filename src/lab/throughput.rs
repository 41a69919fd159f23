//! `throughput` — how fast loopback really is: TCP and UDP bulk transfer (MB/s,
//! with a live chart), UDP loss at that unpaced rate, and round-trip latency of
//! one-byte ping-pongs over each.

use std::net::{Shutdown, UdpSocket};
use std::os::fd::AsRawFd as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use socket2::SockRef;

use super::io;
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

/// How often the live chart gets a point.
const SAMPLE: Duration = Duration::from_millis(100);
/// One-byte ping-pongs per transport for the latency figure.
const PINGS: u64 = 2000;

lab_params! {
    /// Options of the throughput lab.
    pub struct ThroughputParams for Throughput {
        /// Seconds of TCP transfer, then as many of UDP. One of each, plus the
        /// round trips, shows the result in about 2 s; the spread of 1 s runs
        /// is no wider than that of 3 s ones (docs/PERFORMANCE.md).
        seconds: u64 = "1", "seconds", Int { min: 1, max: 30 }, "lab.opt.seconds";
        /// Bytes per TCP write (iperf3 uses 128 KiB).
        block: usize = "131072", "block", Int { min: 1024, max: 4 * 1024 * 1024 }, "lab.opt.block";
        /// Bytes per UDP datagram.
        udp_size: usize = "8192", "udp-size", Int { min: 64, max: 65_507 }, "lab.opt.udp-size";
    }
}

/// Median round trip per transport, µs (JSON `rtt_us`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RoundTrips {
    pub tcp: u64,
    pub udp: u64,
}

/// What the throughput lab measured (issue keys plus raw counts).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThroughputReport {
    pub tcp_mbytes_per_s: f64,
    pub udp_mbytes_per_s: f64,
    pub udp_loss_percent: f64,
    pub rtt_us: RoundTrips,
    pub seconds: u64,
    pub tcp_bytes: u64,
    pub udp_sent: u64,
    pub udp_received: u64,
    pub udp_datagram_size: usize,
}

fn mbytes_per_s(bytes: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        bytes as f64 / secs / 1e6
    } else {
        0.0
    }
}

/// Emits a chart point every [`SAMPLE`] and progress in milliseconds.
struct Meter<'a> {
    series: &'static str,
    sink: &'a dyn LabSink,
    start: Instant,
    last: Instant,
    last_bytes: u64,
    total_ms: u64,
}

impl<'a> Meter<'a> {
    fn new(series: &'static str, sink: &'a dyn LabSink, total: Duration) -> Meter<'a> {
        let now = Instant::now();
        Meter {
            series,
            sink,
            start: now,
            last: now,
            last_bytes: 0,
            total_ms: u64::try_from(total.as_millis()).unwrap_or(u64::MAX),
        }
    }

    fn tick(&mut self, bytes: u64) {
        let now = Instant::now();
        if now.duration_since(self.last) < SAMPLE {
            return;
        }
        let rate = mbytes_per_s(bytes - self.last_bytes, now.duration_since(self.last));
        let elapsed_ms = io::ms_since(self.start);
        self.sink.event(LabEvent::Sample {
            series: self.series,
            elapsed_ms,
            value: rate,
        });
        self.sink.event(LabEvent::Progress {
            done: elapsed_ms.min(self.total_ms),
            total: self.total_ms,
        });
        self.last = now;
        self.last_bytes = bytes;
    }
}

/// Bulk TCP for `duration`: (bytes received, receiver's elapsed time).
fn tcp_bulk(
    params: &ThroughputParams,
    duration: Duration,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<(u64, Duration), LabError> {
    let listener = io::tcp_listener()?;
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let server = |cancel: &Cancel| -> Result<(u64, Duration), LabError> {
        let mut stream = io::accept(&listener, cancel)?;
        let mut buf = vec![0u8; 256 * 1024];
        let mut meter = Meter::new("tcp", sink, duration);
        let mut bytes = 0u64;
        loop {
            let n = io::read_some(&mut stream, &mut buf, cancel, "recv")?;
            if n == 0 {
                return Ok((bytes, meter.start.elapsed()));
            }
            bytes += n as u64;
            meter.tick(bytes);
        }
    };
    let client = |cancel: &Cancel| -> Result<(), LabError> {
        let mut stream = io::connect(addr)?;
        let block = vec![0x5a_u8; params.block];
        let end = Instant::now() + duration;
        while Instant::now() < end {
            io::write_all(&mut stream, &block, cancel, "send")?;
        }
        stream
            .shutdown(Shutdown::Write)
            .map_err(|e| LabError::io("shutdown", e))
    };
    io::both(cancel, server, client).map(|(measured, ())| measured)
}

/// Unpaced UDP for `duration`: (sent, received, receiver's elapsed time).
fn udp_bulk(
    params: &ThroughputParams,
    duration: Duration,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<(u64, u64, Duration), LabError> {
    let receiver = io::udp_socket()?;
    // A generous queue (capped by net.core.rmem_max): loss here is about rate.
    let _ = SockRef::from(&receiver).set_recv_buffer_size(4 * 1024 * 1024);
    let to = receiver
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let sender = io::udp_socket()?;
    // Connected, so that sendmmsg needs no address per datagram.
    sender
        .connect(to)
        .map_err(|e| LabError::io("connect UDP socket", e))?;
    let done = AtomicBool::new(false);
    let receive = |cancel: &Cancel| -> Result<(u64, Duration), LabError> {
        let mut batch = RecvBatch::new(params.udp_size);
        let mut meter = Meter::new("udp", sink, duration);
        let mut received = 0u64;
        let mut last_arrival = meter.start;
        loop {
            cancel.check()?;
            match batch.receive(&receiver) {
                Ok(n) => {
                    received += n as u64;
                    last_arrival = Instant::now();
                    meter.tick(received * params.udp_size as u64);
                }
                Err(e) if crate::lab::io::is_timeout(&e) => {
                    if done.load(Ordering::SeqCst) {
                        return Ok((received, last_arrival.duration_since(meter.start)));
                    }
                }
                Err(e) => return Err(LabError::io("recv", e)),
            }
        }
    };
    let send = |cancel: &Cancel| -> Result<u64, LabError> {
        let datagram = vec![0xa5_u8; params.udp_size];
        let end = Instant::now() + duration;
        let mut sent = 0u64;
        let result = loop {
            if Instant::now() >= end {
                break Ok(sent);
            }
            if let Err(e) = cancel.check() {
                break Err(e);
            }
            match send_batch(&sender, &datagram, BATCH) {
                Ok(n) => sent += n as u64,
                // A full socket send buffer: try again (not a loss).
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {}
                Err(e) => break Err(LabError::io("sendto", e)),
            }
        };
        done.store(true, Ordering::SeqCst);
        result
    };
    let ((received, elapsed), sent) = io::both(cancel, receive, send)?;
    Ok((sent, received, elapsed))
}

/// Datagrams moved by one `sendmmsg(2)` / `recvmmsg(2)` call. One system call
/// per datagram left the unpaced UDP rate at 0.83× iperf3's; batching takes
/// the per-call cost off both sides (loopback has no UDP GSO benefit for a
/// receiver that reads datagrams one by one, so plain batching it is).
const BATCH: usize = 32;

/// Sends `count` (≤ [`BATCH`]) copies of `datagram` on the connected `socket`
/// in one `sendmmsg`; answers how many went out.
fn send_batch(socket: &UdpSocket, datagram: &[u8], count: usize) -> std::io::Result<usize> {
    let mut iov = libc::iovec {
        iov_base: datagram.as_ptr().cast_mut().cast(),
        iov_len: datagram.len(),
    };
    let iov_ptr: *mut libc::iovec = &raw mut iov;
    // SAFETY: an all-zero mmsghdr is valid (null name and control, no iovecs).
    let mut msgs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
    let count = count.min(BATCH);
    for msg in &mut msgs[..count] {
        // The kernel only reads the one iovec, so every message may share it.
        msg.msg_hdr.msg_iov = iov_ptr;
        msg.msg_hdr.msg_iovlen = 1;
    }
    // SAFETY: `msgs[..count]` are initialised and point at `iov`, which points
    // at `datagram`; all outlive the call.
    let sent = unsafe {
        libc::sendmmsg(
            socket.as_raw_fd(),
            msgs.as_mut_ptr(),
            count as libc::c_uint,
            0,
        )
    };
    usize::try_from(sent).map_err(|_| std::io::Error::last_os_error())
}

/// [`BATCH`] receive buffers of one datagram size and the headers that point
/// at them, for `recvmmsg`.
struct RecvBatch {
    buffers: Vec<u8>,
    iovecs: Vec<libc::iovec>,
    headers: Vec<libc::mmsghdr>,
}

impl RecvBatch {
    fn new(size: usize) -> RecvBatch {
        let mut batch = RecvBatch {
            buffers: vec![0u8; size * BATCH],
            iovecs: Vec::with_capacity(BATCH),
            headers: Vec::with_capacity(BATCH),
        };
        for chunk in batch.buffers.chunks_mut(size) {
            batch.iovecs.push(libc::iovec {
                iov_base: chunk.as_mut_ptr().cast(),
                iov_len: chunk.len(),
            });
        }
        for iov in &mut batch.iovecs {
            // SAFETY: an all-zero mmsghdr is valid (null name and control).
            let mut header: libc::mmsghdr = unsafe { std::mem::zeroed() };
            header.msg_hdr.msg_iov = iov;
            header.msg_hdr.msg_iovlen = 1;
            batch.headers.push(header);
        }
        batch
    }

    /// Waits for one datagram (the socket's read timeout), then takes every
    /// one already queued, up to [`BATCH`]; answers how many arrived.
    fn receive(&mut self, socket: &UdpSocket) -> std::io::Result<usize> {
        // SAFETY: every header points at its own iovec and every iovec at its
        // own chunk of `buffers`; none of the three vectors is resized after
        // `new`, so the pointers stay valid for the call.
        let got = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                self.headers.as_mut_ptr(),
                self.headers.len() as libc::c_uint,
                libc::MSG_WAITFORONE,
                std::ptr::null_mut(),
            )
        };
        usize::try_from(got).map_err(|_| std::io::Error::last_os_error())
    }
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// Median µs of one-byte TCP ping-pongs.
fn tcp_rtt(cancel: &Cancel) -> Result<u64, LabError> {
    let listener = io::tcp_listener()?;
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let ((), rtts) = io::both(
        cancel,
        |cancel| {
            let mut stream = io::accept(&listener, cancel)?;
            let _ = stream.set_nodelay(true);
            let mut byte = [0u8; 1];
            while io::read_exact(&mut stream, &mut byte, cancel, "ping")? {
                io::write_all(&mut stream, &byte, cancel, "pong")?;
            }
            Ok(())
        },
        |cancel| {
            let mut stream = io::connect(addr)?;
            let _ = stream.set_nodelay(true);
            let mut rtts = Vec::new();
            let mut byte = [0u8; 1];
            for _ in 0..PINGS {
                let start = Instant::now();
                io::write_all(&mut stream, b"p", cancel, "ping")?;
                io::read_exact(&mut stream, &mut byte, cancel, "pong")?;
                rtts.push(u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            let _ = stream.shutdown(Shutdown::Write);
            Ok(rtts)
        },
    )?;
    Ok(median(rtts))
}

/// Median µs of one-byte UDP ping-pongs.
fn udp_rtt(cancel: &Cancel) -> Result<u64, LabError> {
    let server = io::udp_socket()?;
    let addr = server
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let client = io::udp_socket()?;
    let ((), rtts) = io::both(
        cancel,
        |cancel| {
            let mut byte = [0u8; 1];
            for _ in 0..PINGS {
                let (_, from) = io::patiently(cancel, io::deadline(), "ping", || {
                    server.recv_from(&mut byte)
                })?;
                io::patiently(cancel, io::deadline(), "pong", || {
                    server.send_to(&byte, from)
                })?;
            }
            Ok(())
        },
        |cancel| {
            let mut rtts = Vec::new();
            let mut byte = [0u8; 1];
            for _ in 0..PINGS {
                let start = Instant::now();
                io::patiently(cancel, io::deadline(), "ping", || {
                    client.send_to(b"p", addr)
                })?;
                io::patiently(cancel, io::deadline(), "pong", || client.recv(&mut byte))?;
                rtts.push(u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            Ok(rtts)
        },
    )?;
    Ok(median(rtts))
}

/// Run the lab: TCP bulk, UDP bulk, then the two latency measurements.
pub fn run(
    params: &ThroughputParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<ThroughputReport, LabError> {
    let duration = Duration::from_secs(params.seconds);
    sink.event(LabEvent::Phase {
        key: "lab.throughput.phase.tcp",
    });
    let (tcp_bytes, tcp_elapsed) = tcp_bulk(params, duration, sink, cancel)?;
    sink.event(LabEvent::Phase {
        key: "lab.throughput.phase.udp",
    });
    let (udp_sent, udp_received, udp_elapsed) = udp_bulk(params, duration, sink, cancel)?;
    sink.event(LabEvent::Phase {
        key: "lab.throughput.phase.rtt",
    });
    let rtt_us = RoundTrips {
        tcp: tcp_rtt(cancel)?,
        udp: udp_rtt(cancel)?,
    };
    let lost = udp_sent.saturating_sub(udp_received);
    Ok(ThroughputReport {
        tcp_mbytes_per_s: mbytes_per_s(tcp_bytes, tcp_elapsed),
        udp_mbytes_per_s: mbytes_per_s(udp_received * params.udp_size as u64, udp_elapsed),
        udp_loss_percent: if udp_sent > 0 {
            lost as f64 * 100.0 / udp_sent as f64
        } else {
            0.0
        },
        rtt_us,
        seconds: params.seconds,
        tcp_bytes,
        udp_sent,
        udp_received,
        udp_datagram_size: params.udp_size,
    })
}

impl LabOutcome for ThroughputReport {
    fn observed(&self) -> u64 {
        self.tcp_mbytes_per_s.round() as u64
    }

    fn matches(&self, predicted: u64) -> bool {
        (predicted as f64 - self.tcp_mbytes_per_s).abs() <= self.tcp_mbytes_per_s * 0.25
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        vec![
            tf(
                lang,
                "lab.throughput.tcp",
                &[
                    ("mbs", &format!("{:.0}", self.tcp_mbytes_per_s)),
                    (
                        "gbits",
                        &format!("{:.1}", self.tcp_mbytes_per_s * 8.0 / 1000.0),
                    ),
                    ("seconds", &self.seconds.to_string()),
                ],
            ),
            tf(
                lang,
                "lab.throughput.udp",
                &[
                    ("mbs", &format!("{:.0}", self.udp_mbytes_per_s)),
                    ("size", &self.udp_datagram_size.to_string()),
                    ("sent", &self.udp_sent.to_string()),
                    ("received", &self.udp_received.to_string()),
                    ("loss", &format!("{:.1}", self.udp_loss_percent)),
                ],
            ),
            tf(
                lang,
                "lab.throughput.rtt",
                &[
                    ("tcp", &self.rtt_us.tcp.to_string()),
                    ("udp", &self.rtt_us.udp.to_string()),
                ],
            ),
            t(lang, "lab.throughput.lesson").to_string(),
        ]
    }
}
