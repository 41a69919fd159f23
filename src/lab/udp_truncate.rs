//! `udp-truncate` — a datagram larger than the buffer given to recvfrom(): Linux
//! returns the first part, drops the rest and sets MSG_TRUNC; MSG_PEEK|MSG_TRUNC
//! reveals the true size. And the ceiling: 65,507 bytes of payload over IPv4
//! (65,535 − 20 IP − 8 UDP); 65,508 fails at sendto() with EMSGSIZE. With
//! `--ipv6` the same over ::1, where the ceiling is 65,527.

use std::mem::MaybeUninit;
use std::net::UdpSocket;

use serde::Serialize;
use socket2::{MaybeUninitSlice, MsgHdrMut, SockRef};

use super::io::{self, preview};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

/// The largest UDP payload over IPv4: 65,535 − 20 (IPv4 header) − 8 (UDP header).
pub const MAX_UDP_PAYLOAD_V4: usize = 65_507;
/// The largest UDP payload over IPv6 without jumbograms: 65,535 − 8 (the IPv6
/// payload length does not count the 40-byte IPv6 header itself).
pub const MAX_UDP_PAYLOAD_V6: usize = 65_527;

lab_params! {
    /// Options of the udp-truncate lab.
    pub struct UdpTruncateParams for UdpTruncate {
        /// Size of the big datagram.
        size: usize = "2000", "size", Int { min: 1, max: MAX_UDP_PAYLOAD_V4 as u64 }, "lab.opt.size";
        /// Buffer given to each recvfrom(). A buffer may be bigger than any
        /// datagram: 65,535 never truncates.
        recv_size: usize = "512", "recv-size", Int { min: 1, max: 65_535 }, "lab.opt.recv-size";
        /// Use ::1 (IPv6) instead of 127.0.0.1.
        ipv6: bool = "false", "ipv6", Flag, "lab.opt.ipv6";
    }
}

/// One datagram's fate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatagramFate {
    pub sent_len: usize,
    /// What recvfrom() returned.
    pub received_len: usize,
    /// MSG_TRUNC was set in the returned flags.
    pub truncated: bool,
    /// The true size, from recv(MSG_PEEK | MSG_TRUNC) before the real read.
    pub true_len: usize,
}

/// What the udp-truncate lab observed (issue keys plus `oversize_len`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UdpTruncateReport {
    /// "ipv4" (127.0.0.1) or "ipv6" (::1).
    pub family: &'static str,
    /// The largest payload the family allows (sent as the last datagram).
    pub max_payload: usize,
    pub recv_size: usize,
    pub datagrams: Vec<DatagramFate>,
    /// The payload size that sendto() refused.
    pub oversize_len: usize,
    /// sendto()'s error for it (EMSGSIZE, "Message too long"), or null if it
    /// was accepted (it never is over IPv4).
    pub oversize_error: Option<String>,
}

fn uninit_buffer(len: usize) -> Vec<MaybeUninit<u8>> {
    vec![MaybeUninit::new(0); len]
}

fn initialised(buf: &[MaybeUninit<u8>], len: usize) -> Vec<u8> {
    buf[..len.min(buf.len())]
        .iter()
        // SAFETY: every element was created with `MaybeUninit::new(0)`, so all are
        // initialised whether or not the kernel wrote over them.
        .map(|b| unsafe { b.assume_init() })
        .collect()
}

/// Receive one datagram into `recv_size` bytes: (true size, bytes, truncated).
fn receive(
    socket: &UdpSocket,
    recv_size: usize,
    cancel: &Cancel,
) -> Result<(usize, Vec<u8>, bool), LabError> {
    let sock = SockRef::from(socket);
    // Linux: with MSG_TRUNC, recv() returns the real length of the datagram even
    // when the buffer is smaller; MSG_PEEK leaves it queued for the real read.
    let mut probe = uninit_buffer(1);
    let true_len = io::patiently(cancel, io::deadline(), "recv(MSG_PEEK|MSG_TRUNC)", || {
        sock.recv_with_flags(&mut probe, libc::MSG_PEEK | libc::MSG_TRUNC)
    })?;
    let mut buf = uninit_buffer(recv_size);
    let (n, truncated) = {
        let mut slices = [MaybeUninitSlice::new(&mut buf)];
        let mut msg = MsgHdrMut::new().with_buffers(&mut slices);
        let n = io::patiently(cancel, io::deadline(), "recvmsg", || {
            sock.recvmsg(&mut msg, 0)
        })?;
        (n, msg.flags().is_truncated())
    };
    Ok((true_len, initialised(&buf, n), truncated))
}

/// Run the lab: four datagrams (half the buffer, exactly the buffer, the big one,
/// the IPv4 maximum), then one byte too many.
pub fn run(
    params: &UdpTruncateParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<UdpTruncateReport, LabError> {
    let (local, family, max_payload) = if params.ipv6 {
        (io::loopback_v6_any_port(), "ipv6", MAX_UDP_PAYLOAD_V6)
    } else {
        (io::loopback_any_port(), "ipv4", MAX_UDP_PAYLOAD_V4)
    };
    let receiver = io::udp_socket_on(local)?;
    // Room for a 65,527-byte datagram in the queue whatever the system default.
    SockRef::from(&receiver)
        .set_recv_buffer_size(256 * 1024)
        .map_err(|e| LabError::io("set SO_RCVBUF", e))?;
    let to = receiver
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let sender = io::udp_socket_on(local)?;
    // A receive buffer may be bigger than any datagram (up to 65,535 bytes):
    // then the "exactly fills it" datagram is the largest one there is.
    let sizes = [
        (params.recv_size / 2).clamp(1, max_payload),
        params.recv_size.min(max_payload),
        params.size.min(max_payload),
        max_payload,
    ];
    let mut datagrams = Vec::new();
    for (index, size) in sizes.into_iter().enumerate() {
        cancel.check()?;
        let payload: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        io::patiently(cancel, io::deadline(), "sendto", || {
            sender.send_to(&payload, to)
        })?;
        sink.event(LabEvent::Sent {
            index: index as u64,
            len: size,
        });
        let (true_len, bytes, truncated) = receive(&receiver, params.recv_size, cancel)?;
        if bytes[..] != payload[..bytes.len()] {
            return Err(LabError::Failed(
                "udp-truncate: the received bytes are not the start of the datagram".into(),
            ));
        }
        sink.event(LabEvent::Received {
            index: index as u64,
            len: bytes.len(),
            preview: preview(&bytes, 32),
        });
        if truncated {
            sink.event(LabEvent::log_with(
                "lab.udp-truncate.log.truncated",
                &[
                    ("received", bytes.len().to_string()),
                    ("true", true_len.to_string()),
                ],
            ));
        }
        datagrams.push(DatagramFate {
            sent_len: size,
            received_len: bytes.len(),
            truncated,
            true_len,
        });
    }
    let oversize = vec![0u8; max_payload + 1];
    let oversize_error = match sender.send_to(&oversize, to) {
        Ok(_) => None,
        Err(e) if e.raw_os_error() == Some(libc::EMSGSIZE) => Some(format!("EMSGSIZE: {e}")),
        Err(e) => Some(e.to_string()),
    };
    sink.event(LabEvent::Step {
        index: 0,
        name: "sendto-oversize",
        ok: oversize_error.is_none(),
        error: oversize_error.clone(),
    });
    Ok(UdpTruncateReport {
        family,
        max_payload,
        recv_size: params.recv_size,
        datagrams,
        oversize_len: max_payload + 1,
        oversize_error,
    })
}

impl LabOutcome for UdpTruncateReport {
    fn observed(&self) -> u64 {
        self.datagrams.get(2).map_or(0, |d| d.received_len as u64)
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let mut lines = vec![tf(
            lang,
            "lab.udp-truncate.buffer",
            &[("recv_size", &self.recv_size.to_string())],
        )];
        for d in &self.datagrams {
            let key = if d.truncated {
                "lab.udp-truncate.row.truncated"
            } else {
                "lab.udp-truncate.row.whole"
            };
            lines.push(tf(
                lang,
                key,
                &[
                    ("sent", &d.sent_len.to_string()),
                    ("received", &d.received_len.to_string()),
                    ("true", &d.true_len.to_string()),
                    (
                        "lost",
                        &(d.true_len - d.received_len.min(d.true_len)).to_string(),
                    ),
                ],
            ));
        }
        lines.push(match &self.oversize_error {
            Some(err) => tf(
                lang,
                if self.family == "ipv6" {
                    "lab.udp-truncate.oversize-v6"
                } else {
                    "lab.udp-truncate.oversize"
                },
                &[("len", &self.oversize_len.to_string()), ("error", err)],
            ),
            None => t(lang, "lab.udp-truncate.oversize-accepted").to_string(),
        });
        lines.push(t(lang, "lab.udp-truncate.lesson").to_string());
        lines
    }
}
