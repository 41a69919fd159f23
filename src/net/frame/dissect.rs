//! Taking a frame apart: Ethernet II, then ARP or IPv4/IPv6, then TCP/UDP, then data.
//! Values are read through pnet_packet's views; every field records its byte range.
//! Short or inconsistent data ends in a Malformed layer, never a panic.

use pnet_packet::arp::ArpPacket;
use pnet_packet::ethernet::EthernetPacket;
use pnet_packet::ip::IpNextHeaderProtocol;
use pnet_packet::ipv4::{self, Ipv4Packet};
use pnet_packet::ipv6::Ipv6Packet;

use super::fields::{ChecksumStatus, Dissection, Field, Label, Layer, LayerKind};
use super::transport::{IpContext, dissect_transport};

/// Takes an Ethernet II frame (without FCS) apart into layers and fields.
pub fn dissect(frame: &[u8]) -> Dissection {
    let mut layers = Vec::new();
    dissect_ethernet(frame, &mut layers);
    Dissection {
        layers,
        len: frame.len(),
    }
}

/// A Malformed layer covering `bytes`, saying how much was needed.
pub(crate) fn malformed(
    start: usize,
    end: usize,
    what: &'static str,
    needed: usize,
    available: usize,
) -> Layer {
    Layer {
        kind: LayerKind::Malformed,
        bytes: start..end,
        summary: format!("{what}: {needed} bytes needed, {available} present"),
        fields: Vec::new(),
    }
}

fn ethertype_name(value: u16) -> &'static str {
    match value {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x86dd => "IPv6",
        0x8100 => "802.1Q VLAN",
        _ => "unknown",
    }
}

pub(crate) fn mac_note(mac: pnet_base::MacAddr) -> &'static str {
    if mac.is_broadcast() {
        " (broadcast)"
    } else if mac.is_multicast() {
        " (multicast)"
    } else if mac.is_local() {
        " (locally administered)"
    } else {
        ""
    }
}

fn mac_value(mac: pnet_base::MacAddr) -> u128 {
    mac.octets()
        .iter()
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b))
}

fn dissect_ethernet(frame: &[u8], layers: &mut Vec<Layer>) {
    let Some(eth) = EthernetPacket::new(frame) else {
        layers.push(malformed(0, frame.len(), "Ethernet II", 14, frame.len()));
        return;
    };
    let dst = eth.get_destination();
    let src = eth.get_source();
    let ethertype = eth.get_ethertype().0;
    layers.push(Layer {
        kind: LayerKind::Ethernet,
        bytes: 0..14,
        summary: format!("Src: {src}, Dst: {dst}"),
        fields: vec![
            Field::new(
                "eth.dst",
                Label::new("Destination", "目的 MAC"),
                0..6,
                Some(mac_value(dst)),
                format!("{dst}{}", mac_note(dst)),
            ),
            Field::new(
                "eth.src",
                Label::new("Source", "源 MAC"),
                6..12,
                Some(mac_value(src)),
                format!("{src}{}", mac_note(src)),
            ),
            Field::new(
                "eth.type",
                Label::new("Type", "类型"),
                12..14,
                Some(u128::from(ethertype)),
                format!("0x{ethertype:04x} ({})", ethertype_name(ethertype)),
            ),
        ],
    });
    let payload_end = match ethertype {
        0x0806 => dissect_arp(frame, 14, layers),
        0x0800 => dissect_ipv4(frame, 14, layers),
        0x86dd => dissect_ipv6(frame, 14, layers),
        _ => {
            push_data(frame, 14, frame.len(), layers);
            frame.len()
        }
    };
    // Bytes after the network-layer packet are Ethernet padding (or a trailer).
    if payload_end < frame.len()
        && let Some(eth_layer) = layers.first_mut()
    {
        eth_layer.fields.push(Field::new(
            "eth.padding",
            Label::new("Padding", "填充"),
            payload_end..frame.len(),
            None,
            format!("{} bytes", frame.len() - payload_end),
        ));
    }
}

/// A Data layer for opaque bytes, if there are any.
pub(crate) fn push_data(frame: &[u8], start: usize, end: usize, layers: &mut Vec<Layer>) {
    if start >= end {
        return;
    }
    let data = &frame[start..end];
    let preview: String = data
        .iter()
        .take(24)
        .map(|b| {
            if b.is_ascii_graphic() || *b == b' ' {
                *b as char
            } else {
                '.'
            }
        })
        .collect();
    let shown = if data.len() > 24 {
        format!("\"{preview}…\" ({} bytes)", data.len())
    } else {
        format!("\"{preview}\" ({} bytes)", data.len())
    };
    layers.push(Layer {
        kind: LayerKind::Payload,
        bytes: start..end,
        summary: format!("{} bytes", data.len()),
        fields: vec![Field::new(
            "data.data",
            Label::new("Data", "数据"),
            start..end,
            None,
            shown,
        )],
    });
}

/// Returns the end offset of the ARP message.
fn dissect_arp(frame: &[u8], at: usize, layers: &mut Vec<Layer>) -> usize {
    let bytes = &frame[at..];
    let Some(arp) = ArpPacket::new(bytes) else {
        layers.push(malformed(at, frame.len(), "ARP", 28, bytes.len()));
        return frame.len();
    };
    let (hlen, plen) = (arp.get_hw_addr_len(), arp.get_proto_addr_len());
    let op = arp.get_operation().0;
    let (sha, spa) = (arp.get_sender_hw_addr(), arp.get_sender_proto_addr());
    let (tha, tpa) = (arp.get_target_hw_addr(), arp.get_target_proto_addr());
    let op_name = match op {
        1 => "request",
        2 => "reply",
        _ => "unknown",
    };
    let summary = match op {
        1 => format!("Who has {tpa}? Tell {spa}"),
        2 => format!("{spa} is at {sha}"),
        _ => format!("opcode {op}"),
    };
    let f = |id, label, r: std::ops::Range<usize>, raw: u128, shown: String| {
        Field::new(id, label, at + r.start..at + r.end, Some(raw), shown)
    };
    let htype = arp.get_hardware_type().0;
    let ptype = arp.get_protocol_type().0;
    layers.push(Layer {
        kind: LayerKind::Arp,
        bytes: at..at + 28,
        summary,
        fields: vec![
            f(
                "arp.hw.type",
                Label::new("Hardware type", "硬件类型"),
                0..2,
                u128::from(htype),
                format!("{htype}{}", if htype == 1 { " (Ethernet)" } else { "" }),
            ),
            f(
                "arp.proto.type",
                Label::new("Protocol type", "协议类型"),
                2..4,
                u128::from(ptype),
                format!("0x{ptype:04x} ({})", ethertype_name(ptype)),
            ),
            f(
                "arp.hw.size",
                Label::new("Hardware size", "硬件地址长度"),
                4..5,
                u128::from(hlen),
                hlen.to_string(),
            ),
            f(
                "arp.proto.size",
                Label::new("Protocol size", "协议地址长度"),
                5..6,
                u128::from(plen),
                plen.to_string(),
            ),
            f(
                "arp.opcode",
                Label::new("Opcode", "操作码"),
                6..8,
                u128::from(op),
                format!("{op_name} ({op})"),
            ),
            f(
                "arp.src.hw_mac",
                Label::new("Sender MAC address", "发送方 MAC 地址"),
                8..14,
                mac_value(sha),
                sha.to_string(),
            ),
            f(
                "arp.src.proto_ipv4",
                Label::new("Sender IP address", "发送方 IP 地址"),
                14..18,
                u128::from(u32::from(spa)),
                spa.to_string(),
            ),
            f(
                "arp.dst.hw_mac",
                Label::new("Target MAC address", "目标 MAC 地址"),
                18..24,
                mac_value(tha),
                format!(
                    "{tha}{}",
                    if tha.is_zero() {
                        " (unknown: the question)"
                    } else {
                        ""
                    }
                ),
            ),
            f(
                "arp.dst.proto_ipv4",
                Label::new("Target IP address", "目标 IP 地址"),
                24..28,
                u128::from(u32::from(tpa)),
                tpa.to_string(),
            ),
        ],
    });
    at + 28
}

fn protocol_name(protocol: IpNextHeaderProtocol) -> &'static str {
    match protocol.0 {
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        58 => "ICMPv6",
        _ => "unknown",
    }
}

/// Returns the end offset of the IPv4 packet (by its Total Length).
fn dissect_ipv4(frame: &[u8], at: usize, layers: &mut Vec<Layer>) -> usize {
    let bytes = &frame[at..];
    let Some(ip) = Ipv4Packet::new(bytes) else {
        layers.push(malformed(at, frame.len(), "IPv4 header", 20, bytes.len()));
        return frame.len();
    };
    let ihl = usize::from(ip.get_header_length());
    let header_len = ihl * 4;
    let total = usize::from(ip.get_total_length());
    if ip.get_version() != 4 || header_len < 20 || header_len > bytes.len() {
        layers.push(malformed(
            at,
            frame.len(),
            "IPv4 header",
            header_len.max(20),
            bytes.len(),
        ));
        return frame.len();
    }
    let (src, dst) = (ip.get_source(), ip.get_destination());
    let protocol = ip.get_next_level_protocol();
    let stored = ip.get_checksum();
    let expected = ipv4::checksum(&ip);
    let status = if stored == expected {
        ChecksumStatus::Correct
    } else {
        ChecksumStatus::Incorrect {
            expected: u32::from(expected),
        }
    };
    let flags = ip.get_flags();
    let frag = ip.get_fragment_offset();
    let mut flag_names = Vec::new();
    if flags & 0b010 != 0 {
        flag_names.push("Don't fragment");
    }
    if flags & 0b001 != 0 {
        flag_names.push("More fragments");
    }
    let dscp = ip.get_dscp();
    let ecn = ip.get_ecn();
    let ttl = ip.get_ttl();
    let a = |r: std::ops::Range<usize>| at + r.start..at + r.end;
    let fields = vec![
        Field::new(
            "ip.version",
            Label::new("Version", "版本"),
            a(0..1),
            Some(4),
            "4".into(),
        )
        .with_mask(0xf0),
        Field::new(
            "ip.hdr_len",
            Label::new("Header Length", "首部长度"),
            a(0..1),
            Some(ihl as u128),
            format!("{header_len} bytes ({ihl})"),
        )
        .with_mask(0x0f),
        Field::new(
            "ip.dsfield.dscp",
            Label::new("Differentiated Services Codepoint", "区分服务码点 DSCP"),
            a(1..2),
            Some(u128::from(dscp)),
            format!("{dscp}{}", if dscp == 0 { " (default)" } else { "" }),
        )
        .with_mask(0xfc),
        Field::new(
            "ip.dsfield.ecn",
            Label::new("Explicit Congestion Notification", "显式拥塞通知 ECN"),
            a(1..2),
            Some(u128::from(ecn)),
            format!(
                "{ecn}{}",
                if ecn == 0 {
                    " (Not ECN-Capable Transport)"
                } else {
                    ""
                }
            ),
        )
        .with_mask(0x03),
        Field::new(
            "ip.len",
            Label::new("Total Length", "总长度"),
            a(2..4),
            Some(total as u128),
            total.to_string(),
        ),
        Field::new(
            "ip.id",
            Label::new("Identification", "标识"),
            a(4..6),
            Some(u128::from(ip.get_identification())),
            format!("0x{:04x}", ip.get_identification()),
        ),
        Field::new(
            "ip.flags",
            Label::new("Flags", "标志"),
            a(6..8),
            Some(u128::from(flags)),
            format!("0x{flags:x}{}", paren_list(&flag_names)),
        )
        .with_mask(0xe000),
        Field::new(
            "ip.frag_offset",
            Label::new("Fragment Offset", "片偏移"),
            a(6..8),
            Some(u128::from(frag)),
            format!("{} bytes ({frag})", u32::from(frag) * 8),
        )
        .with_mask(0x1fff),
        Field::new(
            "ip.ttl",
            Label::new("Time to Live", "生存时间 TTL"),
            a(8..9),
            Some(u128::from(ttl)),
            ttl.to_string(),
        ),
        Field::new(
            "ip.proto",
            Label::new("Protocol", "协议"),
            a(9..10),
            Some(u128::from(protocol.0)),
            format!("{} ({})", protocol_name(protocol), protocol.0),
        ),
        Field::new(
            "ip.checksum",
            Label::new("Header Checksum", "首部校验和"),
            a(10..12),
            Some(u128::from(stored)),
            format!("0x{stored:04x}"),
        )
        .with_checksum(status),
        Field::new(
            "ip.src",
            Label::new("Source Address", "源地址"),
            a(12..16),
            Some(u128::from(u32::from(src))),
            src.to_string(),
        ),
        Field::new(
            "ip.dst",
            Label::new("Destination Address", "目的地址"),
            a(16..20),
            Some(u128::from(u32::from(dst))),
            dst.to_string(),
        ),
    ];
    let mut fields = fields;
    if header_len > 20 {
        fields.push(Field::new(
            "ip.options",
            Label::new("Options", "选项"),
            a(20..header_len),
            None,
            format!("{} bytes", header_len - 20),
        ));
    }
    layers.push(Layer {
        kind: LayerKind::Ipv4,
        bytes: a(0..header_len),
        summary: format!("Src: {src}, Dst: {dst}"),
        fields,
    });
    if total < header_len || total > bytes.len() {
        layers.push(malformed(
            at + header_len,
            frame.len(),
            "IPv4 total length",
            total,
            bytes.len(),
        ));
        return frame.len();
    }
    let context = IpContext::V4 { src, dst };
    dissect_transport(
        frame,
        at + header_len,
        at + total,
        protocol,
        context,
        layers,
    );
    at + total
}

pub(crate) fn paren_list(names: &[&str]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    }
}

/// Returns the end offset of the IPv6 packet (header + Payload Length).
fn dissect_ipv6(frame: &[u8], at: usize, layers: &mut Vec<Layer>) -> usize {
    let bytes = &frame[at..];
    let Some(ip) = Ipv6Packet::new(bytes) else {
        layers.push(malformed(at, frame.len(), "IPv6 header", 40, bytes.len()));
        return frame.len();
    };
    if ip.get_version() != 6 {
        layers.push(malformed(at, frame.len(), "IPv6 version", 40, bytes.len()));
        return frame.len();
    }
    let (src, dst) = (ip.get_source(), ip.get_destination());
    let payload_len = usize::from(ip.get_payload_length());
    let next = ip.get_next_header();
    let tc = ip.get_traffic_class();
    let flow = ip.get_flow_label();
    let hop = ip.get_hop_limit();
    let a = |r: std::ops::Range<usize>| at + r.start..at + r.end;
    layers.push(Layer {
        kind: LayerKind::Ipv6,
        bytes: a(0..40),
        summary: format!("Src: {src}, Dst: {dst}"),
        fields: vec![
            Field::new(
                "ipv6.version",
                Label::new("Version", "版本"),
                a(0..1),
                Some(6),
                "6".into(),
            )
            .with_mask(0xf0),
            Field::new(
                "ipv6.tclass",
                Label::new("Traffic Class", "流量类别"),
                a(0..2),
                Some(u128::from(tc)),
                format!("0x{tc:02x}"),
            )
            .with_mask(0x0ff0),
            Field::new(
                "ipv6.flow",
                Label::new("Flow Label", "流标签"),
                a(1..4),
                Some(u128::from(flow)),
                format!("0x{flow:05x}"),
            )
            .with_mask(0x000f_ffff),
            Field::new(
                "ipv6.plen",
                Label::new("Payload Length", "载荷长度"),
                a(4..6),
                Some(payload_len as u128),
                payload_len.to_string(),
            ),
            Field::new(
                "ipv6.nxt",
                Label::new("Next Header", "下一个首部"),
                a(6..7),
                Some(u128::from(next.0)),
                format!("{} ({})", protocol_name(next), next.0),
            ),
            Field::new(
                "ipv6.hlim",
                Label::new("Hop Limit", "跳数限制"),
                a(7..8),
                Some(u128::from(hop)),
                hop.to_string(),
            ),
            Field::new(
                "ipv6.src",
                Label::new("Source Address", "源地址"),
                a(8..24),
                Some(u128::from(src)),
                src.to_string(),
            ),
            Field::new(
                "ipv6.dst",
                Label::new("Destination Address", "目的地址"),
                a(24..40),
                Some(u128::from(dst)),
                dst.to_string(),
            ),
        ],
    });
    let end = at + 40 + payload_len;
    if end > frame.len() {
        layers.push(malformed(
            at + 40,
            frame.len(),
            "IPv6 payload length",
            payload_len,
            bytes.len() - 40,
        ));
        return frame.len();
    }
    let context = IpContext::V6 { src, dst };
    dissect_transport(frame, at + 40, end, next, context, layers);
    end
}
