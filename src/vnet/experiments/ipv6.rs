//! IPv6 on the lab's links, as the ARP and MTU experiments show it: neighbour
//! discovery (RFC 4861) instead of ARP — a solicitation to the target's
//! solicited-node multicast group, a unicast advertisement back — the hop
//! limit a router takes one off (RFC 8200 section 3), and a router that never
//! fragments but answers Packet Too Big (RFC 8200 section 5, RFC 4443).

use std::net::{IpAddr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::vnet::VnetError;
use crate::vnet::frames::{Icmp6, Ip6, Seen};
use crate::vnet::network::Network;

/// How long a datagram may take to arrive (the lab answers in microseconds).
pub const IO_WAIT: Duration = Duration::from_secs(2);

fn io(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

/// The solicited-node multicast address of `addr` (RFC 4291 section 2.7.1):
/// ff02::1:ff00:0/104 with the address's low 24 bits.
pub fn solicited_node(addr: Ipv6Addr) -> Ipv6Addr {
    let o = addr.octets();
    Ipv6Addr::new(
        0xff02,
        0,
        0,
        0,
        0,
        1,
        0xff00 | u16::from(o[13]),
        u16::from_be_bytes([o[14], o[15]]),
    )
}

/// The Ethernet address an IPv6 multicast group is sent to (RFC 2464
/// section 7): 33:33 and the group's low 32 bits.
pub fn multicast_mac(group: Ipv6Addr) -> String {
    let o = group.octets();
    format!(
        "33:33:{:02x}:{:02x}:{:02x}:{:02x}",
        o[12], o[13], o[14], o[15]
    )
}

/// ICMPv6 of `kind` in an IPv6 frame.
pub fn icmp6(s: &Seen, kind: u8) -> Option<(&Ip6, &Icmp6)> {
    let ip = s.ip6.as_ref()?;
    let m = ip.icmp6.as_ref().filter(|m| m.kind == kind)?;
    Some((ip, m))
}

/// A neighbour solicitation (135) or advertisement (136) about `target`.
pub fn is_nd(s: &Seen, kind: u8, target: Ipv6Addr) -> bool {
    icmp6(s, kind).is_some_and(|(_, m)| m.target == Some(target))
}

/// One neighbour discovery message as a capture point saw it.
pub fn nd_json(s: &Seen) -> Value {
    let ip = s.ip6.as_ref();
    let m = ip.and_then(|i| i.icmp6.as_ref());
    let flags = m.and_then(|m| m.na_flags);
    json!({
        "point": s.point,
        "src_ip": ip.map(|i| i.src.to_string()),
        "dst_ip": ip.map(|i| i.dst.to_string()),
        "src_mac": s.src_mac,
        "dst_mac": s.dst_mac,
        "target": m.and_then(|m| m.target).map(|t| t.to_string()),
        "hop_limit": ip.map(|i| i.hop_limit),
        "multicast": ip.is_some_and(|i| i.dst.is_multicast()),
        "link_addr_option": m.and_then(|m| m.link_addr.clone()),
        "router": flags.map(|f| f.router),
        "solicited": flags.map(|f| f.solicited),
        "override": flags.map(|f| f.override_),
    })
}

/// A solicitation's facts with what RFC 4291 says its destination must be.
pub fn ns_json(s: &Seen) -> Value {
    let mut v = nd_json(s);
    let target = s
        .ip6
        .as_ref()
        .and_then(|i| i.icmp6.as_ref())
        .and_then(|m| m.target);
    if let (Some(target), Value::Object(map)) = (target, &mut v) {
        let group = solicited_node(target);
        map.insert("solicited_node_of_target".into(), json!(group.to_string()));
        map.insert("mac_of_group".into(), json!(multicast_mac(group)));
    }
    v
}

/// A UDP socket in `host` bound to `ip` (an ephemeral port).
pub fn udp_in(net: &Network, host: &str, ip: Ipv6Addr) -> Result<UdpSocket, VnetError> {
    net.enter(host)?;
    let socket = UdpSocket::bind(SocketAddr::new(IpAddr::V6(ip), 0)).map_err(io("UDP (IPv6)"))?;
    socket
        .set_read_timeout(Some(IO_WAIT))
        .map_err(io("UDP (IPv6)"))?;
    Ok(socket)
}

/// Sends `payload` from `from` to `to` and receives it there (bounded): what
/// one `recv_from` returned, or None when nothing came in time.
pub fn exchange(
    from: &UdpSocket,
    to: &UdpSocket,
    payload: &[u8],
) -> Result<Option<Vec<u8>>, VnetError> {
    let addr = to.local_addr().map_err(io("UDP (IPv6)"))?;
    from.send_to(payload, addr).map_err(io("UDP send (IPv6)"))?;
    receive(to)
}

/// One datagram from `socket`, or None after [`IO_WAIT`].
pub fn receive(socket: &UdpSocket) -> Result<Option<Vec<u8>>, VnetError> {
    let mut buf = vec![0u8; 65_536];
    match socket.recv_from(&mut buf) {
        Ok((n, _)) => {
            buf.truncate(n);
            Ok(Some(buf))
        }
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(VnetError::Kernel {
            what: "UDP receive (IPv6)",
            source: e,
        }),
    }
}

/// The path MTU the kernel of the socket's host holds towards `to`
/// (`IPV6_MTU` of a UDP socket connected there; connecting again looks the
/// route up afresh, so a learned MTU shows at once).
pub fn path_mtu(probe: &UdpSocket, to: Ipv6Addr) -> Result<u32, VnetError> {
    use std::os::fd::AsFd as _;
    probe
        .connect(SocketAddr::new(IpAddr::V6(to), 9))
        .map_err(io("UDP connect (IPv6)"))?;
    let mtu: libc::c_int = crate::sockopt::get(probe.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MTU)
        .map_err(io("IPV6_MTU"))?;
    Ok(u32::try_from(mtu).unwrap_or(0))
}

/// Waits (bounded) until the kernel's path MTU towards `to` is `want`;
/// returns the last value read.
pub fn wait_path_mtu(
    probe: &UdpSocket,
    to: Ipv6Addr,
    want: u32,
    timeout: Duration,
) -> Result<u32, VnetError> {
    let deadline = Instant::now() + timeout;
    loop {
        let mtu = path_mtu(probe, to)?;
        if mtu == want || Instant::now() >= deadline {
            return Ok(mtu);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_solicited_node_group_takes_the_low_24_bits() {
        // RFC 4291 2.7.1's own example: 4037::01:800:200E:8C6C.
        let addr: Ipv6Addr = "4037::1:800:200e:8c6c".parse().unwrap();
        assert_eq!(solicited_node(addr).to_string(), "ff02::1:ff0e:8c6c");
        let b: Ipv6Addr = "2001:db8:1::20".parse().unwrap();
        assert_eq!(solicited_node(b).to_string(), "ff02::1:ff00:20");
        assert_eq!(multicast_mac(solicited_node(b)), "33:33:ff:00:00:20");
        // RFC 2464 7's example: FF02::1 → 33-33-00-00-00-01.
        assert_eq!(
            multicast_mac("ff02::1".parse().unwrap()),
            "33:33:00:00:00:01"
        );
    }
}
