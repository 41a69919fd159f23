//! Encapsulation as data: a message gains a transport header, an IP header, an
//! Ethernet header and FCS, then leaves as bits; the receiver peels them off again.
//! Every step carries the exact bytes of that layer's unit of data.
//!
//! Default addresses (two hosts on one LAN, clearly examples):
//! host A 192.168.1.10 / 2001:db8:1::10, MAC 02:00:00:00:00:0a, port 49152;
//! host B 192.168.1.20 / 2001:db8:1::20, MAC 02:00:00:00:00:0b, port 7 (echo, RFC 862).
//! 192.168.0.0/16 is private (RFC 1918), 2001:db8::/32 is for documentation
//! (RFC 3849), and MACs with the 0x02 bit set in the first byte are locally administered.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ops::Range;

use crate::net::frame::{
    self, ChecksumStatus, Dissection, ETHERNET_HEADER_LEN, ETHERNET_MTU, Field, FrameError,
    IPV4_HEADER_LEN, IPV6_HEADER_LEN, Label, Layer, LayerKind, MacAddr, OnTheWire, TCP_HEADER_LEN,
    TcpFlags, TcpSegmentSpec, UDP_HEADER_LEN, UdpDatagramSpec,
};

/// TCP or UDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Tcp,
    Udp,
}

/// IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpVersion {
    V4,
    V6,
}

/// The two hosts a message travels between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoints {
    pub src_mac: MacAddr,
    pub dst_mac: MacAddr,
    pub src_v4: Ipv4Addr,
    pub dst_v4: Ipv4Addr,
    pub src_v6: Ipv6Addr,
    pub dst_v6: Ipv6Addr,
    pub src_port: u16,
    pub dst_port: u16,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            src_mac: MacAddr(0x02, 0, 0, 0, 0, 0x0a),
            dst_mac: MacAddr(0x02, 0, 0, 0, 0, 0x0b),
            src_v4: Ipv4Addr::new(192, 168, 1, 10),
            dst_v4: Ipv4Addr::new(192, 168, 1, 20),
            src_v6: Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x10),
            dst_v6: Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x20),
            src_port: 49152,
            dst_port: 7,
        }
    }
}

impl Endpoints {
    fn sockets(&self, ip: IpVersion) -> (SocketAddr, SocketAddr) {
        let (s, d): (IpAddr, IpAddr) = match ip {
            IpVersion::V4 => (self.src_v4.into(), self.dst_v4.into()),
            IpVersion::V6 => (self.src_v6.into(), self.dst_v6.into()),
        };
        (
            SocketAddr::new(s, self.src_port),
            SocketAddr::new(d, self.dst_port),
        )
    }
}

/// Which layer a step is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Application,
    Transport,
    Network,
    DataLink,
    Physical,
}

impl Stage {
    /// The OSI layer number.
    pub fn osi_layer(self) -> u8 {
        match self {
            Stage::Application => 7,
            Stage::Transport => 4,
            Stage::Network => 3,
            Stage::DataLink => 2,
            Stage::Physical => 1,
        }
    }
}

/// The name of the unit of data at a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pdu {
    Data,
    Segment,
    Datagram,
    Packet,
    Frame,
    Bits,
}

impl Pdu {
    pub fn label(self) -> Label {
        match self {
            Pdu::Data => Label::new("data", "数据"),
            Pdu::Segment => Label::new("segment", "报文段"),
            Pdu::Datagram => Label::new("datagram", "数据报"),
            Pdu::Packet => Label::new("packet", "分组"),
            Pdu::Frame => Label::new("frame", "帧"),
            Pdu::Bits => Label::new("bits", "比特"),
        }
    }
}

/// Sending (down the stack) or receiving (up the stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Sending,
    Receiving,
}

/// One step of the stepper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncapStep {
    pub direction: Direction,
    pub stage: Stage,
    pub pdu: Pdu,
    /// The whole unit of data at this layer.
    pub bytes: Vec<u8>,
    /// The header this layer adds (sending) or reads and removes (receiving), within `bytes`.
    pub header: Range<usize>,
    /// Bytes after the payload: Ethernet padding and FCS (empty elsewhere).
    pub trailer: Range<usize>,
}

/// A message encapsulated: the frame (as a capture shows it), the frame on the
/// wire, and the ten steps down and back up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encapsulation {
    pub transport: Transport,
    pub ip: IpVersion,
    /// The Ethernet frame without padding and FCS: what a pcap holds.
    pub frame: Vec<u8>,
    pub wire: OnTheWire,
    pub steps: Vec<EncapStep>,
}

/// Why a message cannot be encapsulated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncapError {
    #[error(
        "the message is {len} bytes; with {transport} over {ip} one Ethernet frame carries at most {max} bytes (MTU 1500)"
    )]
    OverMtu {
        len: usize,
        max: usize,
        transport: &'static str,
        ip: &'static str,
    },
    #[error(transparent)]
    Frame(#[from] FrameError),
}

/// The largest message one Ethernet frame carries with these headers.
pub fn max_message_len(transport: Transport, ip: IpVersion) -> usize {
    ETHERNET_MTU - ip_header_len(ip) - transport_header_len(transport)
}

fn ip_header_len(ip: IpVersion) -> usize {
    match ip {
        IpVersion::V4 => IPV4_HEADER_LEN,
        IpVersion::V6 => IPV6_HEADER_LEN,
    }
}

fn transport_header_len(transport: Transport) -> usize {
    match transport {
        Transport::Tcp => TCP_HEADER_LEN,
        Transport::Udp => UDP_HEADER_LEN,
    }
}

/// Encapsulates `message` and computes every step down and up.
pub fn encapsulate(
    message: &[u8],
    transport: Transport,
    ip: IpVersion,
    endpoints: &Endpoints,
) -> Result<Encapsulation, EncapError> {
    let max = max_message_len(transport, ip);
    if message.len() > max {
        return Err(EncapError::OverMtu {
            len: message.len(),
            max,
            transport: match transport {
                Transport::Tcp => "TCP",
                Transport::Udp => "UDP",
            },
            ip: match ip {
                IpVersion::V4 => "IPv4",
                IpVersion::V6 => "IPv6",
            },
        });
    }
    let (src, dst) = endpoints.sockets(ip);
    let frame = match transport {
        // A data segment after the handshake of the reference frames (ISNs 1000/5000).
        Transport::Tcp => frame::build_tcp_frame(&TcpSegmentSpec {
            src_mac: endpoints.src_mac,
            dst_mac: endpoints.dst_mac,
            src,
            dst,
            seq: 1001,
            ack: 5001,
            flags: TcpFlags::PSH | TcpFlags::ACK,
            window: 64240,
            mss: None,
            payload: message,
        })?,
        Transport::Udp => frame::build_udp_frame(&UdpDatagramSpec {
            src_mac: endpoints.src_mac,
            dst_mac: endpoints.dst_mac,
            src,
            dst,
            payload: message,
        })?,
    };
    let wire = frame::on_the_wire(&frame);
    let packet = frame[ETHERNET_HEADER_LEN..].to_vec();
    let segment = packet[ip_header_len(ip)..].to_vec();
    let transport_len = transport_header_len(transport);
    let pdu4 = match transport {
        Transport::Tcp => Pdu::Segment,
        Transport::Udp => Pdu::Datagram,
    };
    let link_bytes = wire.frame_with_fcs().to_vec();
    let link_trailer = frame.len()..link_bytes.len();
    let preamble = wire.preamble.len();
    let down = vec![
        (Stage::Application, Pdu::Data, message.to_vec(), 0..0, 0..0),
        (Stage::Transport, pdu4, segment, 0..transport_len, 0..0),
        (
            Stage::Network,
            Pdu::Packet,
            packet,
            0..ip_header_len(ip),
            0..0,
        ),
        (
            Stage::DataLink,
            Pdu::Frame,
            link_bytes,
            0..ETHERNET_HEADER_LEN,
            link_trailer.clone(),
        ),
        (
            Stage::Physical,
            Pdu::Bits,
            wire.bytes.clone(),
            0..preamble,
            link_trailer.start + preamble..link_trailer.end + preamble,
        ),
    ];
    let mut steps: Vec<EncapStep> = down
        .iter()
        .cloned()
        .map(|(stage, pdu, bytes, header, trailer)| EncapStep {
            direction: Direction::Sending,
            stage,
            pdu,
            bytes,
            header,
            trailer,
        })
        .collect();
    let up: Vec<EncapStep> = down
        .into_iter()
        .rev()
        .map(|(stage, pdu, bytes, header, trailer)| EncapStep {
            direction: Direction::Receiving,
            stage,
            pdu,
            bytes,
            header,
            trailer,
        })
        .collect();
    steps.extend(up);
    Ok(Encapsulation {
        transport,
        ip,
        frame,
        wire,
        steps,
    })
}

impl Encapsulation {
    /// The field tree of one step's bytes, with offsets into `step.bytes`.
    pub fn dissect_step(&self, index: usize) -> Option<Dissection> {
        let step = self.steps.get(index)?;
        let ip_start = ETHERNET_HEADER_LEN;
        let transport_start = ip_start + ip_header_len(self.ip);
        let full = frame::dissect(&self.frame);
        Some(match step.stage {
            Stage::Application => {
                full.from_offset(transport_start + transport_header_len(self.transport))
            }
            Stage::Transport => full.from_offset(transport_start),
            Stage::Network => full.from_offset(ip_start),
            Stage::DataLink => dissect_with_fcs(&step.bytes),
            Stage::Physical => {
                let preamble = self.wire.preamble.len();
                let mut d = dissect_with_fcs(self.wire.frame_with_fcs()).shifted_later(preamble);
                d.layers.insert(
                    0,
                    Layer {
                        kind: LayerKind::Physical,
                        bytes: 0..preamble,
                        summary: String::new(),
                        fields: vec![
                            Field::new(
                                "phy.preamble",
                                Label::new("Preamble", "前导码"),
                                0..preamble - 1,
                                None,
                                "7 × 0x55 (10101010 on the wire: clock sync)".into(),
                            ),
                            Field::new(
                                "phy.sfd",
                                Label::new("Start frame delimiter", "帧开始定界符 SFD"),
                                preamble - 1..preamble,
                                Some(0xd5),
                                "0xd5 (10101011 on the wire: the frame starts next)".into(),
                            ),
                        ],
                    },
                );
                d
            }
        })
    }
}

/// Dissects a frame that ends in a 4-byte FCS (as on the wire), adding the FCS
/// to the Ethernet layer with its CRC-32 verdict.
pub fn dissect_with_fcs(frame_and_fcs: &[u8]) -> Dissection {
    let Some(body_len) = frame_and_fcs.len().checked_sub(4) else {
        return frame::dissect(frame_and_fcs);
    };
    let (body, fcs) = frame_and_fcs.split_at(body_len);
    let mut dissection = frame::dissect(body);
    let stored = u32::from_le_bytes([fcs[0], fcs[1], fcs[2], fcs[3]]);
    let expected = frame::ethernet_fcs(body);
    let status = if stored == expected {
        ChecksumStatus::Correct
    } else {
        ChecksumStatus::Incorrect { expected }
    };
    let field = Field::new(
        "eth.fcs",
        Label::new("Frame check sequence", "帧校验序列 FCS"),
        body_len..frame_and_fcs.len(),
        Some(u128::from(stored)),
        format!("0x{stored:08x}"),
    )
    .with_checksum(status);
    if let Some(eth) = dissection.layers.first_mut() {
        eth.fields.push(field);
    }
    dissection.len = frame_and_fcs.len();
    dissection
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_step_dissects_with_offsets_inside_its_own_bytes() {
        for transport in [Transport::Tcp, Transport::Udp] {
            for ip in [IpVersion::V4, IpVersion::V6] {
                let e = encapsulate(b"hello", transport, ip, &Endpoints::default()).unwrap();
                for (i, step) in e.steps.iter().enumerate() {
                    let d = e.dissect_step(i).unwrap();
                    assert!(!d.is_malformed(), "step {i}");
                    for layer in &d.layers {
                        for f in layer.fields.iter().flat_map(|f| f.walk()) {
                            assert!(f.bytes.end <= step.bytes.len(), "step {i} {}", f.id);
                        }
                    }
                    // The message sits at the same place the Data layer says.
                    let data = d.layer(LayerKind::Payload).unwrap().bytes.clone();
                    assert_eq!(&step.bytes[data], b"hello", "step {i}");
                }
                let phys = e.dissect_step(4).unwrap();
                assert_eq!(phys.layers[0].kind, LayerKind::Physical);
                assert_eq!(phys.field("phy.sfd").unwrap().bytes, 7..8);
            }
        }
    }

    #[test]
    fn each_step_down_adds_exactly_one_header() {
        let e = encapsulate(
            b"hello",
            Transport::Udp,
            IpVersion::V4,
            &Endpoints::default(),
        )
        .unwrap();
        let lens: Vec<usize> = e.steps.iter().map(|s| s.bytes.len()).collect();
        // 5 → +8 UDP → +20 IPv4 → +14 Ethernet, padded to 60, +4 FCS → +8 preamble/SFD.
        assert_eq!(lens, [5, 13, 33, 64, 72, 72, 64, 33, 13, 5]);
        assert_eq!(e.frame.len(), 47);
        assert_eq!(e.steps[3].trailer, 47..64);
        assert_eq!(&e.steps[1].bytes[8..], b"hello");
        assert_eq!(e.steps[9].bytes, b"hello");
        assert_eq!(e.steps[4].pdu, Pdu::Bits);
        assert_eq!(e.steps[1].pdu, Pdu::Datagram);
        assert_eq!(e.steps[5].direction, Direction::Receiving);
    }

    #[test]
    fn the_link_step_shows_padding_and_a_correct_fcs() {
        let e = encapsulate(b"hi", Transport::Tcp, IpVersion::V4, &Endpoints::default()).unwrap();
        let d = dissect_with_fcs(&e.steps[3].bytes);
        assert!(!d.is_malformed());
        assert!(
            d.field("eth.fcs")
                .unwrap()
                .line(Lang::En)
                .ends_with("[correct]")
        );
        assert_eq!(d.field("eth.padding").unwrap().bytes.len(), 60 - 56);
        assert_eq!(d.layer(LayerKind::Payload).unwrap().bytes, 54..56);
    }

    #[test]
    fn over_mtu_is_an_error_naming_the_limit() {
        let big = vec![b'x'; 1453];
        let err =
            encapsulate(&big, Transport::Udp, IpVersion::V6, &Endpoints::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the message is 1453 bytes; with UDP over IPv6 one Ethernet frame carries at most 1452 bytes (MTU 1500)"
        );
        assert_eq!(max_message_len(Transport::Tcp, IpVersion::V4), 1460);
    }
}
