//! IPv4 and IPv6 headers: every field with its bytes (and bits), the IPv4 header
//! checksum verified, lengths checked against the bytes present.

use pnet_packet::ip::IpNextHeaderProtocol;
use pnet_packet::ipv4::{self, Ipv4Packet};
use pnet_packet::ipv6::Ipv6Packet;

use super::dissect::{malformed, paren_list};
use super::fields::{ChecksumStatus, Field, Label, Layer, LayerKind};
use super::transport::{IpContext, dissect_transport};

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
pub(crate) fn dissect_ipv4(frame: &[u8], at: usize, layers: &mut Vec<Layer>) -> usize {
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

/// Returns the end offset of the IPv6 packet (header + Payload Length).
pub(crate) fn dissect_ipv6(frame: &[u8], at: usize, layers: &mut Vec<Layer>) -> usize {
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
