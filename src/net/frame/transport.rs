//! TCP and UDP dissection, including checksum verification over the IP pseudo-header.

use crate::words::count_en;
use std::net::{Ipv4Addr, Ipv6Addr};

use pnet_packet::Packet;
use pnet_packet::ip::IpNextHeaderProtocol;
use pnet_packet::tcp::{self, TcpFlags, TcpPacket};
use pnet_packet::udp::{self, UdpPacket};

use super::dissect::{malformed, paren_list, push_data};
use super::fields::{ChecksumStatus, Field, Label, Layer, LayerKind};

/// The addresses of the enclosing IP packet (the checksum pseudo-header needs them).
#[derive(Debug, Clone, Copy)]
pub(crate) enum IpContext {
    V4 { src: Ipv4Addr, dst: Ipv4Addr },
    V6 { src: Ipv6Addr, dst: Ipv6Addr },
}

/// Dissects `frame[start..end]` as the IP payload of the given protocol.
pub(crate) fn dissect_transport(
    frame: &[u8],
    start: usize,
    end: usize,
    protocol: IpNextHeaderProtocol,
    ip: IpContext,
    layers: &mut Vec<Layer>,
) {
    match protocol.0 {
        6 => dissect_tcp(frame, start, end, ip, layers),
        17 => dissect_udp(frame, start, end, ip, layers),
        _ => push_data(frame, start, end, layers),
    }
}

/// Names of the set TCP flags, lowest bit first as protocol analyzers list them:
/// 0x012 → `["SYN", "ACK"]`, 0x018 → `["PSH", "ACK"]`.
pub fn tcp_flag_names(flags: u16) -> Vec<&'static str> {
    TCP_FLAG_BITS
        .iter()
        .rev()
        .filter(|(bit, _, _)| flags & bit != 0)
        .map(|(_, name, _)| *name)
        .collect()
}

/// The twelve bits after the data offset: 3 reserved, AE (formerly NS), then CWR … FIN.
const TCP_FLAG_BITS: [(u16, &str, &str); 9] = [
    (0x100, "AE", "tcp.flags.ae"),
    (TcpFlags::CWR as u16, "CWR", "tcp.flags.cwr"),
    (TcpFlags::ECE as u16, "ECE", "tcp.flags.ece"),
    (TcpFlags::URG as u16, "URG", "tcp.flags.urg"),
    (TcpFlags::ACK as u16, "ACK", "tcp.flags.ack"),
    (TcpFlags::PSH as u16, "PSH", "tcp.flags.push"),
    (TcpFlags::RST as u16, "RST", "tcp.flags.reset"),
    (TcpFlags::SYN as u16, "SYN", "tcp.flags.syn"),
    (TcpFlags::FIN as u16, "FIN", "tcp.flags.fin"),
];

fn status(stored: u16, expected: u16) -> ChecksumStatus {
    if stored == expected {
        ChecksumStatus::Correct
    } else {
        ChecksumStatus::Incorrect {
            expected: u32::from(expected),
        }
    }
}

fn dissect_tcp(frame: &[u8], start: usize, end: usize, ip: IpContext, layers: &mut Vec<Layer>) {
    let bytes = &frame[start..end];
    let Some(seg) = TcpPacket::new(bytes) else {
        layers.push(malformed(start, end, "TCP header", 20, bytes.len()));
        return;
    };
    let offset_words = usize::from(seg.get_data_offset());
    let header_len = offset_words * 4;
    if header_len < 20 || header_len > bytes.len() {
        layers.push(malformed(
            start,
            end,
            "TCP header",
            header_len.max(20),
            bytes.len(),
        ));
        return;
    }
    let stored = seg.get_checksum();
    let expected = match ip {
        IpContext::V4 { src, dst } => tcp::ipv4_checksum(&seg, &src, &dst),
        IpContext::V6 { src, dst } => tcp::ipv6_checksum(&seg, &src, &dst),
    };
    let (sport, dport) = (seg.get_source(), seg.get_destination());
    let (seq, ack) = (seg.get_sequence(), seg.get_acknowledgement());
    // pnet splits the 12 flag bits as reserved:u4 + flags:u8; the low reserved bit is AE.
    let flags12 = (u16::from(seg.get_reserved() & 0x1) << 8) | u16::from(seg.get_flags());
    let names = tcp_flag_names(flags12);
    let a = |r: std::ops::Range<usize>| start + r.start..start + r.end;
    let flag_bits = TCP_FLAG_BITS
        .iter()
        .map(|&(bit, name, id)| {
            let set = flags12 & bit != 0;
            Field::new(
                id,
                Label::new(name, name),
                a(12..14),
                Some(u128::from(set)),
                if set { "Set".into() } else { "Not set".into() },
            )
            .with_mask(u32::from(bit))
        })
        .collect();
    let window = seg.get_window();
    let mut fields = vec![
        Field::new(
            "tcp.srcport",
            Label::new("Source Port", "源端口"),
            a(0..2),
            Some(u128::from(sport)),
            sport.to_string(),
        ),
        Field::new(
            "tcp.dstport",
            Label::new("Destination Port", "目的端口"),
            a(2..4),
            Some(u128::from(dport)),
            dport.to_string(),
        ),
        Field::new(
            "tcp.seq_raw",
            Label::new("Sequence Number", "序号"),
            a(4..8),
            Some(u128::from(seq)),
            seq.to_string(),
        ),
        Field::new(
            "tcp.ack_raw",
            Label::new("Acknowledgment Number", "确认号"),
            a(8..12),
            Some(u128::from(ack)),
            if flags12 & u16::from(TcpFlags::ACK) != 0 {
                ack.to_string()
            } else {
                format!("{ack} (ACK flag not set: ignored)")
            },
        ),
        Field::new(
            "tcp.hdr_len",
            Label::new("Header Length", "首部长度"),
            a(12..13),
            Some(offset_words as u128),
            format!("{header_len} bytes ({offset_words})"),
        )
        .with_mask(0xf0),
        Field::new(
            "tcp.flags",
            Label::new("Flags", "标志"),
            a(12..14),
            Some(u128::from(flags12)),
            format!("0x{flags12:03x}{}", paren_list(&names)),
        )
        .with_mask(0x0fff)
        .with_children(flag_bits),
        Field::new(
            "tcp.window_size_value",
            Label::new("Window", "窗口"),
            a(14..16),
            Some(u128::from(window)),
            window.to_string(),
        ),
        Field::new(
            "tcp.checksum",
            Label::new("Checksum", "校验和"),
            a(16..18),
            Some(u128::from(stored)),
            format!("0x{stored:04x}"),
        )
        .with_checksum(if stored == 0xffff && expected == 0 {
            ChecksumStatus::NegativeZero
        } else {
            status(stored, expected)
        }),
        Field::new(
            "tcp.urgent_pointer",
            Label::new("Urgent Pointer", "紧急指针"),
            a(18..20),
            Some(u128::from(seg.get_urgent_ptr())),
            seg.get_urgent_ptr().to_string(),
        ),
    ];
    if header_len > 20 {
        fields.push(tcp_options(bytes, start, header_len));
    }
    let payload_len = seg.payload().len();
    layers.push(Layer {
        kind: LayerKind::Tcp,
        bytes: a(0..header_len),
        summary: format!(
            "Src Port: {sport}, Dst Port: {dport}, Seq: {seq}, Ack: {ack}, Len: {payload_len}"
        ),
        fields,
    });
    push_data(frame, start + header_len, end, layers);
}

/// The options area, with the options we recognise as children.
fn tcp_options(segment: &[u8], start: usize, header_len: usize) -> Field {
    let mut children = Vec::new();
    let mut i = 20;
    while i < header_len {
        let kind = segment[i];
        let (len, label, shown) = match kind {
            0 => (
                1,
                Label::new("End of Option List", "选项结束"),
                "EOL".to_string(),
            ),
            1 => (1, Label::new("No-Operation", "空操作"), "NOP".to_string()),
            _ => {
                let len = usize::from(segment.get(i + 1).copied().unwrap_or(0));
                if len < 2 || i + len > header_len {
                    children.push(Field::new(
                        "tcp.option.malformed",
                        Label::new("Malformed option", "格式错误的选项"),
                        start + i..start + header_len,
                        None,
                        format!("kind {kind}"),
                    ));
                    break;
                }
                let body = &segment[i + 2..i + len];
                match (kind, body) {
                    (2, [hi, lo]) => (
                        len,
                        Label::new("Maximum segment size", "最大报文段长度 MSS"),
                        format!("{} bytes", u16::from_be_bytes([*hi, *lo])),
                    ),
                    (3, [shift]) => (
                        len,
                        Label::new("Window scale", "窗口缩放"),
                        format!("{shift} (multiply by {})", 1u32 << (*shift).min(14)),
                    ),
                    (4, []) => (
                        len,
                        Label::new("SACK permitted", "允许 SACK"),
                        String::new(),
                    ),
                    (8, _) => (
                        len,
                        Label::new("Timestamps", "时间戳"),
                        count_en(len as u64, "byte", "bytes"),
                    ),
                    _ => (
                        len,
                        Label::new("Option", "选项"),
                        format!("kind {kind}, {}", count_en(len as u64, "byte", "bytes")),
                    ),
                }
            }
        };
        children.push(Field::new(
            "tcp.option",
            label,
            start + i..start + i + len,
            Some(u128::from(kind)),
            shown,
        ));
        if kind == 0 {
            break;
        }
        i += len;
    }
    Field::new(
        "tcp.options",
        Label::new("Options", "选项"),
        start + 20..start + header_len,
        None,
        format!("{} bytes", header_len - 20),
    )
    .with_children(children)
}

fn dissect_udp(frame: &[u8], start: usize, end: usize, ip: IpContext, layers: &mut Vec<Layer>) {
    let bytes = &frame[start..end];
    let Some(dgram) = UdpPacket::new(bytes) else {
        layers.push(malformed(start, end, "UDP header", 8, bytes.len()));
        return;
    };
    let length = usize::from(dgram.get_length());
    if length < 8 || length > bytes.len() {
        layers.push(malformed(
            start,
            end,
            "UDP length",
            length.max(8),
            bytes.len(),
        ));
        return;
    }
    let stored = dgram.get_checksum();
    // The checksum covers exactly `length` bytes, so verify over that view.
    let covered = UdpPacket::new(&bytes[..length]);
    let expected = match (ip, covered) {
        (IpContext::V4 { src, dst }, Some(d)) => udp::ipv4_checksum(&d, &src, &dst),
        (IpContext::V6 { src, dst }, Some(d)) => udp::ipv6_checksum(&d, &src, &dst),
        (_, None) => 0,
    };
    let check = match (ip, stored) {
        (IpContext::V4 { .. }, 0) => ChecksumStatus::NotPresent,
        // A computed zero travels as 0xffff (RFC 768).
        (_, 0xffff) if expected == 0 => ChecksumStatus::Correct,
        _ => status(stored, if expected == 0 { 0xffff } else { expected }),
    };
    let (sport, dport) = (dgram.get_source(), dgram.get_destination());
    let a = |r: std::ops::Range<usize>| start + r.start..start + r.end;
    layers.push(Layer {
        kind: LayerKind::Udp,
        bytes: a(0..8),
        summary: format!("Src Port: {sport}, Dst Port: {dport}"),
        fields: vec![
            Field::new(
                "udp.srcport",
                Label::new("Source Port", "源端口"),
                a(0..2),
                Some(u128::from(sport)),
                sport.to_string(),
            ),
            Field::new(
                "udp.dstport",
                Label::new("Destination Port", "目的端口"),
                a(2..4),
                Some(u128::from(dport)),
                dport.to_string(),
            ),
            Field::new(
                "udp.length",
                Label::new("Length", "长度"),
                a(4..6),
                Some(length as u128),
                format!(
                    "{length} (8-byte header + {} of data)",
                    count_en((length - 8) as u64, "byte", "bytes")
                ),
            ),
            Field::new(
                "udp.checksum",
                Label::new("Checksum", "校验和"),
                a(6..8),
                Some(u128::from(stored)),
                format!("0x{stored:04x}"),
            )
            .with_checksum(check),
        ],
    });
    if super::dhcp::is_dhcp_port(sport, dport) {
        super::dhcp::dissect_dhcp(frame, start + 8, start + length, layers);
    } else {
        push_data(frame, start + 8, start + length, layers);
    }
}
