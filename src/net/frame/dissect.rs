//! Taking a frame apart: Ethernet II, then ARP or IPv4/IPv6, then TCP/UDP, then data.
//! Values are read through pnet_packet's views; every field records its byte range.
//! Short or inconsistent data ends in a Malformed layer, never a panic.

use crate::words::count_en;
use pnet_packet::arp::ArpPacket;
use pnet_packet::ethernet::EthernetPacket;

use super::fields::{Dissection, Field, Label, Layer, LayerKind};
use super::ip::{dissect_ipv4, dissect_ipv6};

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
            count_en((frame.len() - payload_end) as u64, "byte", "bytes"),
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
        format!(
            "\"{preview}…\" ({})",
            count_en(data.len() as u64, "byte", "bytes")
        )
    } else {
        format!(
            "\"{preview}\" ({})",
            count_en(data.len() as u64, "byte", "bytes")
        )
    };
    layers.push(Layer {
        kind: LayerKind::Payload,
        bytes: start..end,
        summary: count_en(data.len() as u64, "byte", "bytes"),
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

pub(crate) fn paren_list(names: &[&str]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    }
}

#[cfg(test)]
mod padding_tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::net::frame::{ArpSpec, MacAddr, build_arp_frame};

    #[test]
    fn one_byte_of_padding_is_one_byte() {
        let mut frame = build_arp_frame(&ArpSpec::request(
            MacAddr(2, 0, 0, 0, 0, 1),
            "10.0.0.1".parse().unwrap(),
            "10.0.0.2".parse().unwrap(),
        ));
        frame.push(0);
        let d = dissect(&frame);
        let padding = d.field("eth.padding").unwrap();
        assert_eq!(padding.shown, "1 byte");
        assert_eq!(
            super::super::fields::localize_value(&padding.shown, Lang::Zh),
            "1 字节"
        );
        frame.push(0);
        assert_eq!(
            dissect(&frame).field("eth.padding").unwrap().shown,
            "2 bytes"
        );
    }
}
