//! One property's exchange as rows of a sequence diagram: from the checker's
//! byte log (always kept for a failure), or from the frames captured on
//! loopback (as root): TCP segments with their flags, sequence numbers and
//! lengths, UDP datagrams with theirs.

use std::collections::HashMap;
use std::net::SocketAddr;

use pnet_packet::Packet;
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::tcp::TcpPacket;
use pnet_packet::udp::UdpPacket;

use crate::check::evidence::{Frame, ip_payload};
use crate::check::log::{LogEntry, LogKind};
use crate::check::wire::quoted;
use crate::i18n::{Lang, t, tf};
use crate::net::frame::tcp_flag_names;

/// Which way an arrow points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toward {
    /// From the checker's client to the student's program.
    Program,
    /// From the program back to the checker.
    Checker,
}

/// One arrow of the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Microseconds since the first row.
    pub at_us: u64,
    /// The checker's client number (1, 2, …).
    pub client: usize,
    pub toward: Toward,
    pub label: String,
    /// Index of the frame this row shows (frames view), for the inspector.
    pub frame: Option<usize>,
}

/// The byte log as arrows: connects, writes, FIN and RST from the checker;
/// answers and closes from the program.
pub fn log_rows(log: &[LogEntry], lang: Lang) -> Vec<Row> {
    log.iter()
        .map(|e| {
            let bytes = || {
                // An empty datagram is a message too: show it as "".
                let text = if e.preview.is_empty() {
                    "\"\""
                } else {
                    e.preview.as_str()
                };
                tf(
                    lang,
                    "check.view.bytes",
                    &[("n", &e.len.to_string()), ("text", text)],
                )
            };
            let (toward, label) = match e.kind {
                LogKind::Connected => (Toward::Program, t(lang, "check.view.connect").to_string()),
                LogKind::Sent => (Toward::Program, bytes()),
                LogKind::Received => (Toward::Checker, bytes()),
                LogKind::HalfClosed => (Toward::Program, t(lang, "check.view.fin").to_string()),
                LogKind::Closed => (Toward::Program, t(lang, "check.view.close").to_string()),
                LogKind::Reset => (Toward::Program, t(lang, "check.view.rst").to_string()),
                LogKind::PeerClosed => (
                    Toward::Checker,
                    t(lang, "check.view.peer_close").to_string(),
                ),
                LogKind::PeerReset => (Toward::Checker, t(lang, "check.view.peer_rst").to_string()),
            };
            Row {
                at_us: e.at_us,
                client: e.client,
                toward,
                label,
                frame: None,
            }
        })
        .collect()
}

/// What a frame carries, read from its headers.
struct Seen {
    src_port: u16,
    dst_port: u16,
    label: String,
    /// TCP: (sequence number, acknowledgement number, SYN set).
    tcp: Option<(u32, u32, bool)>,
    payload_len: usize,
}

fn seen(frame: &[u8]) -> Option<Seen> {
    let (proto, payload) = ip_payload(frame)?;
    if proto == IpNextHeaderProtocols::Tcp {
        let tcp = TcpPacket::new(&payload)?;
        let flags = tcp_flag_names(u16::from(tcp.get_flags())).join(",");
        let data = tcp.payload();
        Some(Seen {
            src_port: tcp.get_source(),
            dst_port: tcp.get_destination(),
            label: format!("[{flags}]"),
            tcp: Some((
                tcp.get_sequence(),
                tcp.get_acknowledgement(),
                u16::from(tcp.get_flags()) & u16::from(pnet_packet::tcp::TcpFlags::SYN) != 0,
            )),
            payload_len: data.len(),
        })
        .map(|mut s| {
            if !data.is_empty() {
                s.label = format!("{} {}", s.label, quoted(&data[..data.len().min(24)]));
            }
            s
        })
    } else if proto == IpNextHeaderProtocols::Udp {
        let udp = UdpPacket::new(&payload)?;
        let data = udp.payload();
        Some(Seen {
            src_port: udp.get_source(),
            dst_port: udp.get_destination(),
            label: format!("UDP {}", quoted(&data[..data.len().min(24)])),
            tcp: None,
            payload_len: data.len(),
        })
    } else {
        None
    }
}

/// The captured frames as arrows, sequence numbers relative to each side's
/// first (as Wireshark shows them), clients numbered by their first frame.
pub fn frame_rows(frames: &[Frame], server: SocketAddr, lang: Lang) -> Vec<Row> {
    let start = frames.first().map(|f| f.at).unwrap_or_default();
    let mut clients: HashMap<u16, usize> = HashMap::new();
    // The first sequence number seen from each port.
    let mut isn: HashMap<u16, u32> = HashMap::new();
    let mut rows = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let Some(s) = seen(&f.bytes) else {
            continue;
        };
        let (toward, client_port) = if s.src_port == server.port() {
            (Toward::Checker, s.dst_port)
        } else {
            (Toward::Program, s.src_port)
        };
        let next = clients.len() + 1;
        let client = *clients.entry(client_port).or_insert(next);
        let mut label = s.label;
        if let Some((seq, ack, syn)) = s.tcp {
            let own = *isn.entry(s.src_port).or_insert(seq);
            let peer_port = if toward == Toward::Program {
                server.port()
            } else {
                client_port
            };
            let rel_seq = seq.wrapping_sub(own);
            let mut numbers = format!(" seq={rel_seq}");
            if let Some(peer) = isn.get(&peer_port).filter(|_| !syn || ack != 0) {
                numbers.push_str(&format!(" ack={}", ack.wrapping_sub(*peer)));
            }
            if s.payload_len > 0 {
                numbers.push_str(&format!(" len={}", s.payload_len));
            }
            label = format!("{label}{numbers}");
        } else {
            label = tf(
                lang,
                "check.view.datagram",
                &[("label", &label), ("n", &s.payload_len.to_string())],
            );
        }
        rows.push(Row {
            at_us: u64::try_from(f.at.saturating_sub(start).as_micros()).unwrap_or(u64::MAX),
            client,
            toward,
            label,
            frame: Some(i),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::net::frame::{MacAddr, TcpSegmentSpec, build_tcp_frame};

    fn segment(src: &str, dst: &str, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
        build_tcp_frame(&TcpSegmentSpec {
            src_mac: MacAddr::zero(),
            dst_mac: MacAddr::zero(),
            src: src.parse().expect("addr"),
            dst: dst.parse().expect("addr"),
            seq,
            ack,
            flags,
            window: 1000,
            mss: None,
            payload,
        })
        .expect("frame")
    }

    #[test]
    fn segments_are_arrows_with_relative_numbers() {
        let (c, s) = ("127.0.0.1:40000", "127.0.0.1:9000");
        let frames: Vec<Frame> = [
            segment(c, s, 1000, 0, 0x02, b""),
            segment(s, c, 5000, 1001, 0x12, b""),
            segment(c, s, 1001, 5001, 0x18, b"hi"),
            segment(s, c, 5001, 1003, 0x04, b""),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| Frame {
            at: Duration::from_millis(10 * i as u64),
            bytes,
        })
        .collect();
        let rows = frame_rows(&frames, s.parse().expect("addr"), Lang::En);
        let shown: Vec<(Toward, &str)> =
            rows.iter().map(|r| (r.toward, r.label.as_str())).collect();
        assert_eq!(
            shown,
            [
                (Toward::Program, "[SYN] seq=0"),
                (Toward::Checker, "[SYN,ACK] seq=0 ack=1"),
                (Toward::Program, "[PSH,ACK] \"hi\" seq=1 ack=1 len=2"),
                (Toward::Checker, "[RST] seq=1 ack=3"),
            ]
        );
        assert!(rows.iter().all(|r| r.client == 1));
        assert_eq!(rows[3].at_us, 30_000);
        assert_eq!(rows[2].frame, Some(2));
    }

    #[test]
    fn the_log_reads_as_arrows_both_ways() {
        let log = [
            (LogKind::Connected, 0),
            (LogKind::Sent, 5),
            (LogKind::Received, 3),
            (LogKind::PeerClosed, 0),
        ]
        .map(|(kind, len)| LogEntry {
            at_us: 0,
            client: 2,
            kind,
            len,
            preview: if len > 0 {
                "\"x\"".into()
            } else {
                String::new()
            },
        });
        let rows = log_rows(&log, Lang::En);
        let toward: Vec<Toward> = rows.iter().map(|r| r.toward).collect();
        assert_eq!(
            toward,
            [
                Toward::Program,
                Toward::Program,
                Toward::Checker,
                Toward::Checker
            ]
        );
        assert!(rows[1].label.contains("5") && rows[1].label.contains("\"x\""));
        assert!(rows.iter().all(|r| r.client == 2 && r.frame.is_none()));
    }
}
