//! DHCP (BOOTP) inside a UDP datagram to or from port 67/68: the fixed header
//! read through pnet_packet's DHCP view, the magic cookie, then every option
//! (type, length, value) with its exact bytes — 53 (message type), 54 (server
//! identifier), 51 (lease), 1 (mask), 3 (router), 6 (DNS), 50, 55, 58, 59 by
//! name, any other by number — and the padding after End.

use std::net::Ipv4Addr;

use pnet_packet::dhcp::DhcpPacket;

use super::dissect::{malformed, push_data};
use super::fields::{Field, Label, Layer, LayerKind};

/// BOOTP's fixed header before the options: 236 bytes, then the cookie.
const FIXED: usize = 236;
const COOKIE: [u8; 4] = [99, 130, 83, 99];

/// Whether a UDP datagram between these ports carries DHCP.
pub(crate) fn is_dhcp_port(sport: u16, dport: u16) -> bool {
    matches!((sport, dport), (68, 67) | (67, 68) | (67, 67))
}

/// The name of a DHCP message type (option 53).
pub fn message_type_name(code: u8) -> &'static str {
    match code {
        1 => "Discover",
        2 => "Offer",
        3 => "Request",
        4 => "Decline",
        5 => "ACK",
        6 => "NAK",
        7 => "Release",
        8 => "Inform",
        _ => "unknown",
    }
}

fn ip_at(bytes: &[u8]) -> Ipv4Addr {
    match bytes {
        [a, b, c, d, ..] => Ipv4Addr::new(*a, *b, *c, *d),
        _ => Ipv4Addr::UNSPECIFIED,
    }
}

fn be(bytes: &[u8]) -> u128 {
    bytes
        .iter()
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b))
}

fn addresses(value: &[u8]) -> String {
    value
        .chunks(4)
        .map(ip_at)
        .map(|ip| ip.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn seconds(value: &[u8]) -> String {
    format!("{} s", be(value))
}

/// One option's id, label and shown value.
fn option_field(code: u8, value: &[u8]) -> (&'static str, Label, String) {
    match code {
        53 => {
            let kind = value.first().copied().unwrap_or(0);
            (
                "dhcp.option.dhcp",
                Label::new("Option 53: DHCP Message Type", "选项 53：DHCP 报文类型"),
                format!("{} ({kind})", message_type_name(kind)),
            )
        }
        54 => (
            "dhcp.option.dhcp_server_id",
            Label::new("Option 54: Server Identifier", "选项 54：服务器标识"),
            addresses(value),
        ),
        51 => (
            "dhcp.option.ip_address_lease_time",
            Label::new("Option 51: IP Address Lease Time", "选项 51：IP 地址租期"),
            seconds(value),
        ),
        1 => (
            "dhcp.option.subnet_mask",
            Label::new("Option 1: Subnet Mask", "选项 1：子网掩码"),
            addresses(value),
        ),
        3 => (
            "dhcp.option.router",
            Label::new("Option 3: Router", "选项 3：路由器"),
            addresses(value),
        ),
        6 => (
            "dhcp.option.domain_name_server",
            Label::new("Option 6: Domain Name Server", "选项 6：DNS 服务器"),
            addresses(value),
        ),
        50 => (
            "dhcp.option.requested_ip_address",
            Label::new("Option 50: Requested IP Address", "选项 50：请求的 IP 地址"),
            addresses(value),
        ),
        55 => (
            "dhcp.option.request_list",
            Label::new("Option 55: Parameter Request List", "选项 55：参数请求列表"),
            value
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        58 => (
            "dhcp.option.renewal_time_value",
            Label::new("Option 58: Renewal Time (T1)", "选项 58：续租时间（T1）"),
            seconds(value),
        ),
        59 => (
            "dhcp.option.rebinding_time_value",
            Label::new(
                "Option 59: Rebinding Time (T2)",
                "选项 59：重新绑定时间（T2）",
            ),
            seconds(value),
        ),
        _ => (
            "dhcp.option.type",
            Label::new("Option", "选项"),
            format!("{code}, {} bytes", value.len()),
        ),
    }
}

/// Dissects `frame[start..end]` as a DHCP message (or as data when it is not one).
pub(crate) fn dissect_dhcp(frame: &[u8], start: usize, end: usize, layers: &mut Vec<Layer>) {
    let bytes = &frame[start..end];
    if bytes.len() < FIXED + COOKIE.len() || bytes[FIXED..FIXED + 4] != COOKIE {
        // BOOTP without DHCP's cookie, or not BOOTP at all: plain bytes.
        push_data(frame, start, end, layers);
        return;
    }
    let Some(dhcp) = DhcpPacket::new(bytes) else {
        push_data(frame, start, end, layers);
        return;
    };
    let a = |r: std::ops::Range<usize>| start + r.start..start + r.end;
    let op = dhcp.get_op().0;
    let htype = dhcp.get_htype().0;
    let xid = dhcp.get_xid();
    let flags = dhcp.get_flags();
    let ip_field = |id, label, r: std::ops::Range<usize>, ip: Ipv4Addr| {
        Field::new(
            id,
            label,
            a(r),
            Some(u128::from(u32::from(ip))),
            ip.to_string(),
        )
    };
    let mut fields = vec![
        Field::new(
            "dhcp.type",
            Label::new("Message type", "报文类型"),
            a(0..1),
            Some(u128::from(op)),
            match op {
                1 => "Boot Request (1)".to_string(),
                2 => "Boot Reply (2)".to_string(),
                other => format!("unknown ({other})"),
            },
        ),
        Field::new(
            "dhcp.hw.type",
            Label::new("Hardware type", "硬件类型"),
            a(1..2),
            Some(u128::from(htype)),
            if htype == 1 {
                "Ethernet (0x01)".to_string()
            } else {
                format!("0x{htype:02x}")
            },
        ),
        Field::new(
            "dhcp.hw.len",
            Label::new("Hardware address length", "硬件地址长度"),
            a(2..3),
            Some(u128::from(dhcp.get_hlen())),
            dhcp.get_hlen().to_string(),
        ),
        Field::new(
            "dhcp.hops",
            Label::new("Hops", "跳数"),
            a(3..4),
            Some(u128::from(dhcp.get_hops())),
            dhcp.get_hops().to_string(),
        ),
        Field::new(
            "dhcp.id",
            Label::new("Transaction ID", "事务 ID"),
            a(4..8),
            Some(u128::from(xid)),
            format!("0x{xid:08x}"),
        ),
        Field::new(
            "dhcp.secs",
            Label::new("Seconds elapsed", "已用秒数"),
            a(8..10),
            Some(u128::from(dhcp.get_secs())),
            dhcp.get_secs().to_string(),
        ),
        Field::new(
            "dhcp.flags",
            Label::new("Bootp flags", "BOOTP 标志"),
            a(10..12),
            Some(u128::from(flags)),
            format!(
                "0x{flags:04x}{}",
                if flags & 0x8000 != 0 {
                    " (Broadcast)"
                } else {
                    " (Unicast)"
                }
            ),
        )
        .with_children(vec![
            Field::new(
                "dhcp.flags.bc",
                Label::new("Broadcast flag", "广播标志"),
                a(10..12),
                Some(u128::from(flags >> 15)),
                if flags & 0x8000 != 0 {
                    "Set".into()
                } else {
                    "Not set".into()
                },
            )
            .with_mask(0x8000),
        ]),
        ip_field(
            "dhcp.ip.client",
            Label::new("Client IP address (ciaddr)", "客户端 IP 地址（ciaddr）"),
            12..16,
            dhcp.get_ciaddr(),
        ),
        ip_field(
            "dhcp.ip.your",
            Label::new(
                "Your (client) IP address (yiaddr)",
                "你的（客户端）IP 地址（yiaddr）",
            ),
            16..20,
            dhcp.get_yiaddr(),
        ),
        ip_field(
            "dhcp.ip.server",
            Label::new(
                "Next server IP address (siaddr)",
                "下一个服务器 IP 地址（siaddr）",
            ),
            20..24,
            dhcp.get_siaddr(),
        ),
        ip_field(
            "dhcp.ip.relay",
            Label::new(
                "Relay agent IP address (giaddr)",
                "中继代理 IP 地址（giaddr）",
            ),
            24..28,
            dhcp.get_giaddr(),
        ),
        Field::new(
            "dhcp.hw.mac_addr",
            Label::new("Client MAC address (chaddr)", "客户端 MAC 地址（chaddr）"),
            a(28..34),
            Some(be(&bytes[28..34])),
            dhcp.get_chaddr().to_string(),
        ),
        Field::new(
            "dhcp.hw.addr_padding",
            Label::new("Client hardware address padding", "客户端硬件地址填充"),
            a(34..44),
            None,
            "10 bytes".to_string(),
        ),
        Field::new(
            "dhcp.server",
            Label::new("Server host name", "服务器主机名"),
            a(44..108),
            None,
            name_or_not_given(&bytes[44..108]),
        ),
        Field::new(
            "dhcp.file",
            Label::new("Boot file name", "启动文件名"),
            a(108..236),
            None,
            name_or_not_given(&bytes[108..236]),
        ),
        Field::new(
            "dhcp.cookie",
            Label::new("Magic cookie", "魔数"),
            a(236..240),
            Some(be(&COOKIE)),
            "DHCP (0x63825363)".to_string(),
        ),
    ];
    let mut kind = None;
    let mut i = FIXED + 4;
    let mut broken = None;
    while i < bytes.len() {
        let code = bytes[i];
        if code == 0 {
            i += 1;
            continue;
        }
        if code == 255 {
            fields.push(Field::new(
                "dhcp.option.end",
                Label::new("Option 255: End", "选项 255：结束"),
                a(i..i + 1),
                Some(255),
                "255".to_string(),
            ));
            i += 1;
            break;
        }
        let Some(&len) = bytes.get(i + 1) else {
            broken = Some((i, 2, bytes.len() - i));
            break;
        };
        let value_end = i + 2 + usize::from(len);
        let Some(value) = bytes.get(i + 2..value_end) else {
            broken = Some((i, 2 + usize::from(len), bytes.len() - i));
            break;
        };
        if code == 53 {
            kind = value.first().copied();
        }
        let (id, label, shown) = option_field(code, value);
        fields.push(Field::new(
            id,
            label,
            a(i..value_end),
            Some(be(value)),
            shown,
        ));
        i = value_end;
    }
    if broken.is_none() && i < bytes.len() {
        fields.push(Field::new(
            "dhcp.padding",
            Label::new("Padding", "填充"),
            a(i..bytes.len()),
            None,
            format!("{} bytes", bytes.len() - i),
        ));
    }
    let summary = match kind {
        Some(code) => format!("{} - Transaction ID 0x{xid:08x}", message_type_name(code)),
        None => format!("Transaction ID 0x{xid:08x}"),
    };
    let header_end = if broken.is_some() { i } else { bytes.len() };
    layers.push(Layer {
        kind: LayerKind::Dhcp,
        bytes: start..start + header_end,
        summary,
        fields,
    });
    if let Some((at, needed, available)) = broken {
        layers.push(malformed(start + at, end, "DHCP option", needed, available));
    }
}

fn name_or_not_given(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    match std::str::from_utf8(&bytes[..end]) {
        Ok("") => "not given".to_string(),
        Ok(name) => name.to_string(),
        Err(_) => format!("{} bytes", bytes.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::frame::dissect;

    fn frame_with(payload: &[u8], sport: u16, dport: u16) -> Vec<u8> {
        use crate::net::frame::{MacAddr, UdpDatagramSpec, build_udp_frame};
        build_udp_frame(&UdpDatagramSpec {
            src_mac: MacAddr(2, 0, 0, 0, 0, 1),
            dst_mac: MacAddr::broadcast(),
            src: format!("0.0.0.0:{sport}").parse().unwrap(),
            dst: format!("255.255.255.255:{dport}").parse().unwrap(),
            payload,
        })
        .unwrap()
    }

    fn discover() -> Vec<u8> {
        let mut m = vec![0u8; 240];
        m[0] = 1;
        m[1] = 1;
        m[2] = 6;
        m[4..8].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        m[10] = 0x80;
        m[28..34].copy_from_slice(&[2, 0, 0, 0, 0, 0x0c]);
        m[236..240].copy_from_slice(&COOKIE);
        m.extend_from_slice(&[53, 1, 1, 55, 3, 1, 3, 6, 255, 0, 0]);
        m
    }

    #[test]
    fn a_discover_is_taken_apart_field_by_field() {
        let frame = frame_with(&discover(), 68, 67);
        let d = dissect(&frame);
        assert!(!d.is_malformed());
        let layer = d.layer(LayerKind::Dhcp).unwrap();
        assert_eq!(layer.summary, "Discover - Transaction ID 0xdeadbeef");
        assert_eq!(d.field("dhcp.type").unwrap().shown, "Boot Request (1)");
        assert_eq!(d.field("dhcp.id").unwrap().raw, Some(0xdead_beef));
        assert_eq!(d.field("dhcp.flags.bc").unwrap().shown, "Set");
        assert_eq!(
            d.field("dhcp.hw.mac_addr").unwrap().shown,
            "02:00:00:00:00:0c"
        );
        assert_eq!(d.field("dhcp.option.dhcp").unwrap().shown, "Discover (1)");
        let list = d.field("dhcp.option.request_list").unwrap();
        assert_eq!(list.shown, "1, 3, 6");
        // The option's bytes: code, length, three values.
        assert_eq!(list.bytes.len(), 5);
        assert_eq!(d.field("dhcp.padding").unwrap().shown, "2 bytes");
    }

    #[test]
    fn other_ports_and_short_or_cut_messages_do_not_pass_for_dhcp() {
        let d = dissect(&frame_with(&discover(), 5000, 67));
        assert!(d.layer(LayerKind::Dhcp).is_none());
        let d = dissect(&frame_with(&[1, 2, 3], 68, 67));
        assert!(d.layer(LayerKind::Dhcp).is_none());
        // An option whose length runs past the end.
        let mut cut = discover();
        cut.truncate(240);
        cut.extend_from_slice(&[54, 4, 192, 168]);
        let d = dissect(&frame_with(&cut, 67, 68));
        assert!(d.layer(LayerKind::Dhcp).is_some());
        assert!(d.is_malformed());
    }
}
