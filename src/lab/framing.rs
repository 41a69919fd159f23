//! `framing` — the cure for sticky packets. One bursty stream of messages decoded
//! three ways: naive (one recv() = one message: wrong), a 4-byte big-endian length
//! prefix, and a newline delimiter with escaping (both byte-exact). Plus the
//! folk remedy "sleep between sends", failing under a slow receiver.

use crate::words::count;
use std::net::Shutdown;
use std::time::Duration;

use serde::Serialize;

use super::codec::{
    DelimiterDecoder, LengthPrefixDecoder, encode_delimited, encode_length_prefixed,
};
use super::io::{self, preview};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the framing lab.
    pub struct FramingParams for Framing {
        count: u64 = "20", "count", Int { min: 1, max: 1000 }, "lab.opt.count";
        message: String = "hello", "message", Text { max_len: 200 }, "lab.opt.message";
        /// Receiver's wait before its first recv() (the burst piles up).
        delay_ms: u64 = "100", "delay", Int { min: 0, max: 10_000 }, "lab.opt.delay";
        recv_size: usize = "64", "recv-size", Int { min: 1, max: 65_536 }, "lab.opt.recv-size";
        /// "Sleep between sends": the sender's gap between messages.
        gap_ms: u64 = "20", "gap", Int { min: 0, max: 1000 }, "lab.opt.gap";
        /// The slow receiver's wait before each recv() in the sleep experiment.
        pause_ms: u64 = "100", "pause", Int { min: 0, max: 2000 }, "lab.opt.pause";
    }
}

/// What the framing lab observed (issue keys plus `sleep_recovered` and the
/// recv() counts of the naive and sleep runs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FramingReport {
    pub sent: u64,
    pub naive_recovered: u64,
    pub length_prefix_recovered: u64,
    pub delimiter_recovered: u64,
    /// Messages recovered by "sleep between sends" + one recv() per message.
    pub sleep_recovered: u64,
    pub naive_recvs: u64,
    pub sleep_recvs: u64,
}

/// The messages of a run: varied lengths, and some with the delimiter and the
/// escape character inside, so the delimiter decoder has to earn its keep.
pub fn messages(count: u64, text: &str) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| match i % 4 {
            1 => format!("{text} #{i}: line one\nline two"),
            2 => format!("{text} #{i}: back\\slash {}", "x".repeat((i % 7) as usize)),
            _ => format!("{text} #{i}"),
        })
        .map(String::into_bytes)
        .collect()
}

/// How one experiment sends and receives.
struct Plan<'a> {
    phase: &'static str,
    /// What each send() writes (already framed or raw).
    writes: Vec<Vec<u8>>,
    gap: Duration,
    first_wait: Duration,
    wait_each: Duration,
    recv_size: usize,
    sink: &'a dyn LabSink,
}

/// Send `writes` over a fresh loopback connection; return every recv() result.
fn transfer(plan: &Plan<'_>, cancel: &Cancel) -> Result<Vec<Vec<u8>>, LabError> {
    plan.sink.event(LabEvent::Phase { key: plan.phase });
    let listener = io::tcp_listener()?;
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let server = |cancel: &Cancel| -> Result<Vec<Vec<u8>>, LabError> {
        let mut stream = io::accept(&listener, cancel)?;
        io::pause(cancel, plan.first_wait)?;
        let mut buf = vec![0u8; plan.recv_size];
        let mut chunks = Vec::new();
        loop {
            io::pause(cancel, plan.wait_each)?;
            let n = io::read_some(&mut stream, &mut buf, cancel, "recv")?;
            if n == 0 {
                return Ok(chunks);
            }
            plan.sink.event(LabEvent::Received {
                index: chunks.len() as u64,
                len: n,
                preview: preview(&buf[..n], 48),
            });
            chunks.push(buf[..n].to_vec());
        }
    };
    let client = |cancel: &Cancel| -> Result<(), LabError> {
        let mut stream = io::connect(addr)?;
        // Nagle off: we want each send() to leave at once, so any merging seen
        // below is the stream's doing, not Nagle's.
        stream
            .set_nodelay(true)
            .map_err(|e| LabError::io("set TCP_NODELAY", e))?;
        for (i, write) in plan.writes.iter().enumerate() {
            if i > 0 {
                io::pause(cancel, plan.gap)?;
            }
            io::write_all(&mut stream, write, cancel, "send")?;
            plan.sink.event(LabEvent::Sent {
                index: i as u64,
                len: write.len(),
            });
        }
        stream
            .shutdown(Shutdown::Write)
            .map_err(|e| LabError::io("shutdown", e))
    };
    io::both(cancel, server, client).map(|(chunks, ())| chunks)
}

/// How many of `expected` appear byte-exactly at their position in `got`.
fn recovered(expected: &[Vec<u8>], got: &[Vec<u8>]) -> u64 {
    expected
        .iter()
        .zip(got)
        .filter(|(want, have)| want == have)
        .count() as u64
}

/// Run the four experiments.
pub fn run(
    params: &FramingParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<FramingReport, LabError> {
    let sent = messages(params.count, &params.message);
    let burst = |phase, writes| Plan {
        phase,
        writes,
        gap: Duration::ZERO,
        first_wait: Duration::from_millis(params.delay_ms),
        wait_each: Duration::ZERO,
        recv_size: params.recv_size,
        sink,
    };

    let progress = |done| sink.event(LabEvent::Progress { done, total: 4 });
    let naive_chunks = transfer(&burst("lab.framing.phase.naive", sent.clone()), cancel)?;
    progress(1);

    let framed: Vec<Vec<u8>> = sent.iter().map(|m| encode_length_prefixed(m)).collect();
    let mut decoder = LengthPrefixDecoder::default();
    let mut by_length = Vec::new();
    for chunk in transfer(&burst("lab.framing.phase.length", framed), cancel)? {
        by_length.extend(decoder.push(&chunk)?);
    }
    progress(2);

    let delimited: Vec<Vec<u8>> = sent.iter().map(|m| encode_delimited(m)).collect();
    let mut decoder = DelimiterDecoder::default();
    let mut by_delimiter = Vec::new();
    for chunk in transfer(&burst("lab.framing.phase.delimiter", delimited), cancel)? {
        by_delimiter.extend(decoder.push(&chunk));
    }
    progress(3);

    let sleepy = Plan {
        phase: "lab.framing.phase.sleep",
        writes: sent.clone(),
        gap: Duration::from_millis(params.gap_ms),
        first_wait: Duration::ZERO,
        wait_each: Duration::from_millis(params.pause_ms),
        // A generous buffer: the failure must come from timing, not from size.
        recv_size: 65_536,
        sink,
    };
    let sleep_chunks = transfer(&sleepy, cancel)?;
    progress(4);

    Ok(FramingReport {
        sent: sent.len() as u64,
        naive_recovered: recovered(&sent, &naive_chunks),
        length_prefix_recovered: recovered(&sent, &by_length),
        delimiter_recovered: recovered(&sent, &by_delimiter),
        sleep_recovered: recovered(&sent, &sleep_chunks),
        naive_recvs: naive_chunks.len() as u64,
        sleep_recvs: sleep_chunks.len() as u64,
    })
}

impl LabOutcome for FramingReport {
    fn observed(&self) -> u64 {
        self.naive_recovered
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let n = |v: u64| v.to_string();
        vec![
            tf(
                lang,
                "lab.framing.result",
                &[
                    ("sent", &count(lang, self.sent, "noun.message")),
                    ("naive", &n(self.naive_recovered)),
                    (
                        "naive_recvs",
                        &count(lang, self.naive_recvs, "noun.recv-call"),
                    ),
                    ("length", &n(self.length_prefix_recovered)),
                    ("delimiter", &n(self.delimiter_recovered)),
                ],
            ),
            tf(
                lang,
                "lab.framing.sleep",
                &[
                    ("sleep", &n(self.sleep_recovered)),
                    ("sent", &n(self.sent)),
                    ("recvs", &count(lang, self.sleep_recvs, "noun.recv-call")),
                ],
            ),
            t(lang, "lab.framing.lesson").to_string(),
        ]
    }
}
