//! `udp-boundaries` — the sticky lab's N messages over UDP: N sendto() calls, a
//! receiver that waits before reading, and still exactly N recvfrom() results,
//! each one whole datagram. UDP keeps message boundaries.

use std::time::Duration;

use serde::Serialize;
use socket2::SockRef;

use super::io::{self, preview};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the udp-boundaries lab.
    pub struct UdpBoundariesParams for UdpBoundaries {
        count: u64 = "10", "count", Int { min: 1, max: 200 }, "lab.opt.count";
        message: String = "hello", "message", Text { max_len: 200 }, "lab.opt.message";
        /// How long the receiver waits before its first recvfrom().
        delay_ms: u64 = "200", "delay", Int { min: 0, max: 10_000 }, "lab.opt.delay";
        recv_size: usize = "1024", "recv-size", Int { min: 1, max: 65_507 }, "lab.opt.recv-size";
    }
}

/// What the udp-boundaries lab observed (issue keys plus `reads`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UdpBoundariesReport {
    pub sent: u64,
    pub received: u64,
    /// recvfrom() results holding more than one datagram: always 0.
    pub merged: u64,
    /// The length of every recvfrom(), in order.
    pub reads: Vec<usize>,
}

/// Run the lab. No threads needed: on loopback sendto() queues the datagram at
/// the receiver before it returns.
pub fn run(
    params: &UdpBoundariesParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<UdpBoundariesReport, LabError> {
    let receiver = io::udp_socket()?;
    // Enough queue for every datagram, so this lab shows boundaries, not loss.
    SockRef::from(&receiver)
        .set_recv_buffer_size(1024 * 1024)
        .map_err(|e| LabError::io("set SO_RCVBUF", e))?;
    let to = receiver
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let sender = io::udp_socket()?;
    let messages: Vec<Vec<u8>> = (0..params.count)
        .map(|i| format!("{}-{i}", params.message).into_bytes())
        .collect();
    for (i, message) in messages.iter().enumerate() {
        io::patiently(cancel, io::deadline(), "sendto", || {
            sender.send_to(message, to)
        })?;
        sink.event(LabEvent::Sent {
            index: i as u64,
            len: message.len(),
        });
    }
    // Every datagram is now waiting in the receive queue, back to back.
    io::pause(cancel, Duration::from_millis(params.delay_ms))?;
    let mut buf = vec![0u8; params.recv_size];
    let mut reads = Vec::new();
    let mut merged = 0;
    while (reads.len() as u64) < params.count {
        let (n, _from) = io::patiently(cancel, io::deadline(), "recvfrom", || {
            receiver.recv_from(&mut buf)
        })?;
        let index = reads.len();
        let expected = &messages[index];
        // A recv holding more than its own datagram would be a merge.
        if n > expected.len() {
            merged += 1;
        }
        if buf[..n] != expected[..n.min(expected.len())] {
            return Err(LabError::Failed(format!(
                "udp-boundaries: datagram {index} arrived out of order or damaged"
            )));
        }
        sink.event(LabEvent::Received {
            index: index as u64,
            len: n,
            preview: preview(&buf[..n], 64),
        });
        reads.push(n);
    }
    Ok(UdpBoundariesReport {
        sent: params.count,
        received: reads.len() as u64,
        merged,
        reads,
    })
}

impl LabOutcome for UdpBoundariesReport {
    fn observed(&self) -> u64 {
        self.received
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let reads: Vec<String> = self.reads.iter().map(ToString::to_string).collect();
        vec![
            tf(
                lang,
                "lab.udp-boundaries.result",
                &[
                    ("sent", &self.sent.to_string()),
                    ("received", &self.received.to_string()),
                    ("merged", &self.merged.to_string()),
                ],
            ),
            tf(lang, "lab.reads", &[("reads", &reads.join(", "))]),
            t(lang, "lab.udp-boundaries.lesson").to_string(),
        ]
    }
}
