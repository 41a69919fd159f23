//! `split` — the other face of sticky packets: one big send() arrives over many
//! recv() calls, each returning whatever had arrived, up to the size asked. Also
//! shows the loopback MTU (read from the system) and the connection's MSS.

use crate::words::count;
use std::net::Shutdown;

use serde::Serialize;
use socket2::SockRef;

use super::io::{self, preview};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

/// Beyond this many reads the lab reports progress instead of one event per read.
const MAX_READ_EVENTS: u64 = 1000;

lab_params! {
    /// Options of the split lab.
    pub struct SplitParams for Split {
        /// Bytes in the one big send().
        size: usize = "1048576", "size", Int { min: 1, max: 64 * 1024 * 1024 }, "lab.opt.size";
        recv_size: usize = "65536", "recv-size", Int { min: 256, max: 4 * 1024 * 1024 }, "lab.opt.recv-size";
    }
}

/// What the split lab observed (issue keys plus MTU/MSS and send calls).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitReport {
    /// Bytes handed to the one send().
    pub sent: u64,
    /// recv() calls that returned data.
    pub recvs: u64,
    /// The length of every recv(), in order.
    pub reads: Vec<usize>,
    pub recv_size: usize,
    /// write() calls the kernel needed to take it all (send() may take less).
    pub send_calls: u64,
    /// MTU of the loopback interface (/sys/class/net/lo/mtu), if readable.
    pub loopback_mtu: Option<u32>,
    /// TCP_MAXSEG of the connection, if readable.
    pub mss: Option<u32>,
}

/// The loopback interface's MTU as the system reports it (Linux).
pub fn loopback_mtu() -> Option<u32> {
    std::fs::read_to_string("/sys/class/net/lo/mtu")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `len` bytes of a 251-byte cycle (prime, so it never lines up with buffer
/// sizes and a misplaced chunk would show), built by whole-slice copies.
fn pattern(len: usize) -> Vec<u8> {
    let cycle: Vec<u8> = (0..251u8).collect();
    let mut out = Vec::with_capacity(len + cycle.len());
    while out.len() < len {
        out.extend_from_slice(&cycle);
    }
    out.truncate(len);
    out
}

/// Run the lab: one write of `size` bytes, read with recv(`recv_size`) to EOF.
pub fn run(
    params: &SplitParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<SplitReport, LabError> {
    let listener = io::tcp_listener()?;
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let payload = pattern(params.size);
    cancel.check()?;
    let total = params.size as u64;

    let server = |cancel: &Cancel| -> Result<Vec<usize>, LabError> {
        let mut stream = io::accept(&listener, cancel)?;
        let mut buf = vec![0u8; params.recv_size];
        let mut reads = Vec::new();
        let mut offset = 0usize;
        loop {
            let n = io::read_some(&mut stream, &mut buf, cancel, "recv")?;
            if n == 0 {
                break;
            }
            if buf[..n] != payload[offset..offset + n] {
                return Err(LabError::Failed("split: bytes arrived damaged".into()));
            }
            offset += n;
            let index = reads.len() as u64;
            if index < MAX_READ_EVENTS {
                sink.event(LabEvent::Received {
                    index,
                    len: n,
                    preview: preview(&buf[..n.min(16)], 16),
                });
            }
            sink.event(LabEvent::Progress {
                done: offset as u64,
                total,
            });
            reads.push(n);
        }
        Ok(reads)
    };

    let client = |cancel: &Cancel| -> Result<(u64, Option<u32>), LabError> {
        let mut stream = io::connect(addr)?;
        let calls = io::write_all(&mut stream, &payload, cancel, "send")?;
        // Read after the transfer: early on, Linux caps the segment size at half
        // the peer's largest window seen, so the value grows once data flows.
        let mss = SockRef::from(&stream).tcp_mss().ok();
        sink.event(LabEvent::Sent {
            index: 0,
            len: payload.len(),
        });
        stream
            .shutdown(Shutdown::Write)
            .map_err(|e| LabError::io("shutdown", e))?;
        Ok((calls, mss))
    };

    let (reads, (send_calls, mss)) = io::both(cancel, server, client)?;
    let received: usize = reads.iter().sum();
    if received != params.size {
        return Err(LabError::Failed(format!(
            "split: received {received} of {} bytes",
            params.size
        )));
    }
    Ok(SplitReport {
        sent: total,
        recvs: reads.len() as u64,
        reads,
        recv_size: params.recv_size,
        send_calls,
        loopback_mtu: loopback_mtu(),
        mss,
    })
}

impl LabOutcome for SplitReport {
    fn observed(&self) -> u64 {
        self.recvs
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let (min, max) = (
            self.reads.iter().min().copied().unwrap_or(0),
            self.reads.iter().max().copied().unwrap_or(0),
        );
        let shown: Vec<String> = self
            .reads
            .iter()
            .take(20)
            .map(ToString::to_string)
            .collect();
        let more = if self.reads.len() > 20 { ", …" } else { "" };
        let unknown = || "?".to_string();
        vec![
            tf(
                lang,
                "lab.split.result",
                &[
                    ("sent", &count(lang, self.sent, "noun.byte")),
                    ("calls", &count(lang, self.send_calls, "noun.write-call")),
                    (
                        "recvs",
                        &count(lang, self.recvs, "noun.recv-sized")
                            .replace("{size}", &self.recv_size.to_string()),
                    ),
                    ("min", &min.to_string()),
                    ("max", &max.to_string()),
                ],
            ),
            tf(
                lang,
                "lab.reads",
                &[("reads", &format!("{}{more}", shown.join(", ")))],
            ),
            tf(
                lang,
                "lab.split.mtu",
                &[
                    (
                        "mtu",
                        &self.loopback_mtu.map_or_else(unknown, |m| m.to_string()),
                    ),
                    ("mss", &self.mss.map_or_else(unknown, |m| m.to_string())),
                ],
            ),
            t(lang, "lab.split.lesson").to_string(),
        ]
    }
}
