//! `TCP_INFO`: what the kernel's TCP thinks of one connection — congestion
//! window, slow-start threshold, smoothed RTT, retransmissions, the
//! congestion-avoidance state, zero-window probes — read with `getsockopt`,
//! and a [`Sampler`] thread that records it over time (a row each time one of
//! the teaching fields changes) and, in the lab process, streams the new rows
//! to the tutor while the connection runs ([`SampleSink`]).

use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Linux's "no threshold yet" (`TCP_INFINITE_SSTHRESH`).
const INFINITE_SSTHRESH: u32 = 0x7fff_ffff;
/// A sampler keeps at most this many rows.
const MAX_SAMPLES: usize = 20_000;
/// Where a sampler streams its new rows, a batch at least
/// [`super::capture::COALESCE`] after the one before (the lab process: to the
/// tutor, [`super::proto::Reply::Samples`]). Every row reaches it once, in
/// order, before [`Sampler::finish`] returns.
pub type SampleSink = Arc<dyn Fn(Vec<Sample>) + Send + Sync>;

/// One reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Since the sampler started, ms.
    pub t_ms: f64,
    /// Congestion window, segments.
    pub cwnd: u32,
    /// Slow-start threshold, segments; None while still infinite (slow start).
    pub ssthresh: Option<u32>,
    /// Smoothed RTT, µs.
    pub rtt_us: u32,
    /// Retransmission timeout, µs.
    pub rto_us: u32,
    /// Segments retransmitted so far (`tcpi_total_retrans`).
    pub retrans: u32,
    /// Segments sent and not yet acknowledged.
    pub unacked: u32,
    /// open, disorder, cwr, recovery, loss.
    pub state: String,
    /// Unanswered zero-window probes (or timer backoffs).
    pub probes: u8,
    /// The receiver's window as the sender last heard it, bytes.
    pub snd_wnd: u32,
}

impl Sample {
    /// The fields whose change makes a new row (not the RTT, which moves every ACK).
    fn key(&self) -> (u32, Option<u32>, u32, u32, &str, u8, u32) {
        (
            self.cwnd,
            self.ssthresh,
            self.retrans,
            self.unacked,
            &self.state,
            self.probes,
            self.snd_wnd,
        )
    }
}

fn ca_state(n: u8) -> &'static str {
    match n {
        0 => "open",
        1 => "disorder",
        2 => "cwr",
        3 => "recovery",
        4 => "loss",
        _ => "other",
    }
}

/// The kernel's `tcp_info` for the socket `fd`.
pub fn read(fd: BorrowedFd<'_>) -> std::io::Result<libc::tcp_info> {
    crate::sockopt::get(fd, libc::IPPROTO_TCP, libc::TCP_INFO)
}

/// One reading of `fd`, `t` after `since`.
pub fn sample(fd: BorrowedFd<'_>, since: Instant) -> std::io::Result<Sample> {
    let i = read(fd)?;
    Ok(Sample {
        t_ms: (since.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
        cwnd: i.tcpi_snd_cwnd,
        ssthresh: (i.tcpi_snd_ssthresh < INFINITE_SSTHRESH).then_some(i.tcpi_snd_ssthresh),
        rtt_us: i.tcpi_rtt,
        rto_us: i.tcpi_rto,
        retrans: i.tcpi_total_retrans,
        unacked: i.tcpi_unacked,
        state: ca_state(i.tcpi_ca_state).to_string(),
        probes: i.tcpi_probes,
        snd_wnd: i.tcpi_snd_wnd,
    })
}

/// Samples a socket every `every` on a thread of its own until finished.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Vec<Sample>>>,
}

impl Sampler {
    /// Starts sampling `fd` (a duplicate of the socket's descriptor, so the
    /// reading goes on whatever the owner does with its own), streaming the
    /// rows to `sink` when there is one.
    pub fn start(
        fd: OwnedFd,
        since: Instant,
        every: Duration,
        sink: Option<SampleSink>,
    ) -> std::io::Result<Sampler> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        // The first row now, before the caller sends anything (a thread may
        // start late on a busy machine).
        let first = sample(std::os::fd::AsFd::as_fd(&fd), since)?;
        let thread = std::thread::Builder::new()
            .name("vnet-tcp-info".into())
            .spawn(move || {
                let mut rows: Vec<Sample> = vec![first];
                let mut stream = Stream::new(sink);
                loop {
                    let last = flag.load(Ordering::Acquire);
                    if let Ok(s) = sample(std::os::fd::AsFd::as_fd(&fd), since) {
                        let changed = rows.last().is_none_or(|r| r.key() != s.key());
                        if (changed || last) && rows.len() < MAX_SAMPLES {
                            rows.push(s);
                        }
                    }
                    stream.offer(&rows, last);
                    if last {
                        return rows;
                    }
                    std::thread::sleep(every);
                }
            })?;
        Ok(Sampler {
            stop,
            thread: Some(thread),
        })
    }

    /// Takes a last reading and returns every row (streamed, all of them,
    /// by then).
    pub fn finish(mut self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Release);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

/// A sampler's streaming: how many rows have gone to the sink, and when.
struct Stream {
    sink: Option<SampleSink>,
    sent: usize,
    at: Option<Instant>,
}

impl Stream {
    fn new(sink: Option<SampleSink>) -> Stream {
        Stream {
            sink,
            sent: 0,
            at: None,
        }
    }

    /// Hands the rows not sent yet to the sink: the first at once, then at
    /// most one batch per [`super::capture::COALESCE`]; `last`, whatever is left.
    fn offer(&mut self, rows: &[Sample], last: bool) {
        let Some(sink) = &self.sink else { return };
        let due = self
            .at
            .is_none_or(|at| at.elapsed() >= super::capture::COALESCE);
        if rows.len() > self.sent && (due || last) {
            sink(rows[self.sent..].to_vec());
            self.sent = rows.len();
            self.at = Some(Instant::now());
        }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
