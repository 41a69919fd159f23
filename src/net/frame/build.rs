//! Building real frames with pnet_packet: Ethernet II carrying ARP, or IPv4/IPv6
//! carrying TCP/UDP, with correct lengths and checksums.
//!
//! Frames are built as a capture on the sending host would show them: no Ethernet
//! padding and no FCS (the NIC adds both on the wire). tshark accepts such frames
//! without complaint; [`super::wire`] shows the padded frame with its FCS for teaching.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use pnet_base::MacAddr;
use pnet_packet::MutablePacket;
use pnet_packet::arp::{ArpHardwareTypes, ArpOperations, MutableArpPacket};
use pnet_packet::ethernet::{EtherType, EtherTypes, MutableEthernetPacket};
use pnet_packet::ip::{IpNextHeaderProtocol, IpNextHeaderProtocols};
use pnet_packet::ipv4::{self, MutableIpv4Packet};
use pnet_packet::ipv6::MutableIpv6Packet;
use pnet_packet::tcp::{self, MutableTcpPacket};
use pnet_packet::udp::{self, MutableUdpPacket};

use super::FrameError;

/// Ethernet II header: destination, source, EtherType.
pub const ETHERNET_HEADER_LEN: usize = 14;
/// The largest IP packet an Ethernet frame carries (without jumbo frames).
pub const ETHERNET_MTU: usize = 1500;
pub const IPV4_HEADER_LEN: usize = 20;
pub const IPV6_HEADER_LEN: usize = 40;
pub const TCP_HEADER_LEN: usize = 20;
pub const UDP_HEADER_LEN: usize = 8;
/// ARP for IPv4 over Ethernet: 28 bytes.
pub const ARP_LEN: usize = 28;
/// The TTL / hop limit Linux uses by default.
pub const DEFAULT_TTL: u8 = 64;

/// Everything a TCP segment in an Ethernet frame needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpSegmentSpec<'a> {
    pub src_mac: MacAddr,
    pub dst_mac: MacAddr,
    /// Both addresses must be IPv4 or both IPv6.
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub ack: u32,
    /// pnet `TcpFlags` bits (CWR … FIN).
    pub flags: u8,
    pub window: u16,
    /// The MSS option (kind 2, length 4), sent on SYN segments.
    pub mss: Option<u16>,
    pub payload: &'a [u8],
}

/// Everything a UDP datagram in an Ethernet frame needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpDatagramSpec<'a> {
    pub src_mac: MacAddr,
    pub dst_mac: MacAddr,
    /// Both addresses must be IPv4 or both IPv6.
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub payload: &'a [u8],
}

/// ARP request ("who has target_ip? tell sender_ip") or reply ("target_ip is at …").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArpOp {
    Request,
    Reply,
}

/// One ARP message for IPv4 over Ethernet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArpSpec {
    pub op: ArpOp,
    /// Ethernet destination: broadcast for a request, the asker for a reply.
    pub eth_dst: MacAddr,
    pub sender_mac: MacAddr,
    pub sender_ip: Ipv4Addr,
    /// Unknown (all zeros) in a request.
    pub target_mac: MacAddr,
    pub target_ip: Ipv4Addr,
}

impl ArpSpec {
    /// A broadcast request: who has `target_ip`? tell `sender_ip`.
    pub fn request(sender_mac: MacAddr, sender_ip: Ipv4Addr, target_ip: Ipv4Addr) -> ArpSpec {
        ArpSpec {
            op: ArpOp::Request,
            eth_dst: MacAddr::broadcast(),
            sender_mac,
            sender_ip,
            target_mac: MacAddr::zero(),
            target_ip,
        }
    }

    /// The unicast reply from the owner of `sender_ip` back to the asker.
    pub fn reply(
        sender_mac: MacAddr,
        sender_ip: Ipv4Addr,
        asker_mac: MacAddr,
        asker_ip: Ipv4Addr,
    ) -> ArpSpec {
        ArpSpec {
            op: ArpOp::Reply,
            eth_dst: asker_mac,
            sender_mac,
            sender_ip,
            target_mac: asker_mac,
            target_ip: asker_ip,
        }
    }
}

/// An Ethernet frame carrying one ARP message (42 bytes, unpadded).
pub fn build_arp_frame(spec: &ArpSpec) -> Vec<u8> {
    let mut frame = vec![0u8; ETHERNET_HEADER_LEN + ARP_LEN];
    let payload = write_ethernet(&mut frame, spec.eth_dst, spec.sender_mac, EtherTypes::Arp);
    if let Some(mut arp) = MutableArpPacket::new(payload) {
        arp.set_hardware_type(ArpHardwareTypes::Ethernet);
        arp.set_protocol_type(EtherTypes::Ipv4);
        arp.set_hw_addr_len(6);
        arp.set_proto_addr_len(4);
        arp.set_operation(match spec.op {
            ArpOp::Request => ArpOperations::Request,
            ArpOp::Reply => ArpOperations::Reply,
        });
        arp.set_sender_hw_addr(spec.sender_mac);
        arp.set_sender_proto_addr(spec.sender_ip);
        arp.set_target_hw_addr(spec.target_mac);
        arp.set_target_proto_addr(spec.target_ip);
    }
    frame
}

/// An Ethernet frame carrying one TCP segment over IPv4 or IPv6.
pub fn build_tcp_frame(spec: &TcpSegmentSpec) -> Result<Vec<u8>, FrameError> {
    let options_len = if spec.mss.is_some() { 4 } else { 0 };
    let segment_len = TCP_HEADER_LEN + options_len + spec.payload.len();
    let mut segment = vec![0u8; segment_len];
    {
        let mut tcp = MutableTcpPacket::new(&mut segment).ok_or(FrameError::Internal)?;
        tcp.set_source(spec.src.port());
        tcp.set_destination(spec.dst.port());
        tcp.set_sequence(spec.seq);
        tcp.set_acknowledgement(spec.ack);
        // Data offset counts 32-bit words of header, options included.
        tcp.set_data_offset(((TCP_HEADER_LEN + options_len) / 4) as u8);
        tcp.set_flags(spec.flags);
        tcp.set_window(spec.window);
        tcp.set_urgent_ptr(0);
    }
    if let Some(mss) = spec.mss {
        let [hi, lo] = mss.to_be_bytes();
        segment[TCP_HEADER_LEN..TCP_HEADER_LEN + 4].copy_from_slice(&[2, 4, hi, lo]);
    }
    segment[TCP_HEADER_LEN + options_len..].copy_from_slice(spec.payload);
    let (src_ip, dst_ip) = same_family(spec.src, spec.dst)?;
    let checksum = {
        let view = pnet_packet::tcp::TcpPacket::new(&segment).ok_or(FrameError::Internal)?;
        match (src_ip, dst_ip) {
            (IpAddr::V4(s), IpAddr::V4(d)) => tcp::ipv4_checksum(&view, &s, &d),
            (IpAddr::V6(s), IpAddr::V6(d)) => tcp::ipv6_checksum(&view, &s, &d),
            _ => return Err(FrameError::MixedFamilies),
        }
    };
    segment[16..18].copy_from_slice(&checksum.to_be_bytes());
    wrap_in_ip(
        spec.src_mac,
        spec.dst_mac,
        src_ip,
        dst_ip,
        IpNextHeaderProtocols::Tcp,
        &segment,
        DEFAULT_TTL,
    )
}

/// An Ethernet frame carrying one UDP datagram over IPv4 or IPv6 (TTL 64).
pub fn build_udp_frame(spec: &UdpDatagramSpec) -> Result<Vec<u8>, FrameError> {
    build_udp_frame_with_ttl(spec, DEFAULT_TTL)
}

/// [`build_udp_frame`] with a chosen TTL / hop limit (mDNS, for one, requires 255).
pub fn build_udp_frame_with_ttl(spec: &UdpDatagramSpec, ttl: u8) -> Result<Vec<u8>, FrameError> {
    let datagram_len = UDP_HEADER_LEN + spec.payload.len();
    let length = u16::try_from(datagram_len).map_err(|_| FrameError::TooLong {
        ip_len: datagram_len,
        mtu: ETHERNET_MTU,
    })?;
    let mut datagram = vec![0u8; datagram_len];
    {
        let mut udp = MutableUdpPacket::new(&mut datagram).ok_or(FrameError::Internal)?;
        udp.set_source(spec.src.port());
        udp.set_destination(spec.dst.port());
        udp.set_length(length);
    }
    datagram[UDP_HEADER_LEN..].copy_from_slice(spec.payload);
    let (src_ip, dst_ip) = same_family(spec.src, spec.dst)?;
    let computed = {
        let view = pnet_packet::udp::UdpPacket::new(&datagram).ok_or(FrameError::Internal)?;
        match (src_ip, dst_ip) {
            (IpAddr::V4(s), IpAddr::V4(d)) => udp::ipv4_checksum(&view, &s, &d),
            (IpAddr::V6(s), IpAddr::V6(d)) => udp::ipv6_checksum(&view, &s, &d),
            _ => return Err(FrameError::MixedFamilies),
        }
    };
    // A computed zero is sent as 0xffff: zero on the wire means "no checksum" (RFC 768).
    let checksum = if computed == 0 { 0xffff } else { computed };
    datagram[6..8].copy_from_slice(&checksum.to_be_bytes());
    wrap_in_ip(
        spec.src_mac,
        spec.dst_mac,
        src_ip,
        dst_ip,
        IpNextHeaderProtocols::Udp,
        &datagram,
        ttl,
    )
}

fn same_family(src: SocketAddr, dst: SocketAddr) -> Result<(IpAddr, IpAddr), FrameError> {
    if src.is_ipv4() == dst.is_ipv4() {
        Ok((src.ip(), dst.ip()))
    } else {
        Err(FrameError::MixedFamilies)
    }
}

/// Puts a transport segment into an IP packet and that into an Ethernet frame.
fn wrap_in_ip(
    src_mac: MacAddr,
    dst_mac: MacAddr,
    src: IpAddr,
    dst: IpAddr,
    protocol: IpNextHeaderProtocol,
    transport: &[u8],
    ttl: u8,
) -> Result<Vec<u8>, FrameError> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let packet = ipv4_packet_with_ttl(s, d, protocol, transport, ttl)?;
            Ok(ethernet_frame(dst_mac, src_mac, EtherTypes::Ipv4, &packet))
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let packet = ipv6_packet_with_hop_limit(s, d, protocol, transport, ttl)?;
            Ok(ethernet_frame(dst_mac, src_mac, EtherTypes::Ipv6, &packet))
        }
        _ => Err(FrameError::MixedFamilies),
    }
}

/// An IPv4 packet (20-byte header, DF set, TTL 64) around `payload`.
pub fn ipv4_packet(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: IpNextHeaderProtocol,
    payload: &[u8],
) -> Result<Vec<u8>, FrameError> {
    ipv4_packet_with_ttl(src, dst, protocol, payload, DEFAULT_TTL)
}

fn ipv4_packet_with_ttl(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: IpNextHeaderProtocol,
    payload: &[u8],
    ttl: u8,
) -> Result<Vec<u8>, FrameError> {
    let total = IPV4_HEADER_LEN + payload.len();
    if total > ETHERNET_MTU {
        return Err(FrameError::TooLong {
            ip_len: total,
            mtu: ETHERNET_MTU,
        });
    }
    let mut packet = vec![0u8; total];
    {
        let mut ip = MutableIpv4Packet::new(&mut packet).ok_or(FrameError::Internal)?;
        ip.set_version(4);
        ip.set_header_length((IPV4_HEADER_LEN / 4) as u8);
        ip.set_dscp(0);
        ip.set_ecn(0);
        ip.set_total_length(total as u16);
        // Identification only matters for fragments; with DF set Linux sends 0 too.
        ip.set_identification(0);
        ip.set_flags(ipv4::Ipv4Flags::DontFragment);
        ip.set_fragment_offset(0);
        ip.set_ttl(ttl);
        ip.set_next_level_protocol(protocol);
        ip.set_source(src);
        ip.set_destination(dst);
        ip.payload_mut().copy_from_slice(payload);
        let checksum = ipv4::checksum(&ip.to_immutable());
        ip.set_checksum(checksum);
    }
    Ok(packet)
}

/// An IPv6 packet (40-byte header, hop limit 64, no extension headers) around `payload`.
pub fn ipv6_packet(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    protocol: IpNextHeaderProtocol,
    payload: &[u8],
) -> Result<Vec<u8>, FrameError> {
    ipv6_packet_with_hop_limit(src, dst, protocol, payload, DEFAULT_TTL)
}

fn ipv6_packet_with_hop_limit(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    protocol: IpNextHeaderProtocol,
    payload: &[u8],
    hop_limit: u8,
) -> Result<Vec<u8>, FrameError> {
    let total = IPV6_HEADER_LEN + payload.len();
    if total > ETHERNET_MTU {
        return Err(FrameError::TooLong {
            ip_len: total,
            mtu: ETHERNET_MTU,
        });
    }
    let mut packet = vec![0u8; total];
    {
        let mut ip = MutableIpv6Packet::new(&mut packet).ok_or(FrameError::Internal)?;
        ip.set_version(6);
        ip.set_traffic_class(0);
        ip.set_flow_label(0);
        ip.set_payload_length(payload.len() as u16);
        ip.set_next_header(protocol);
        ip.set_hop_limit(hop_limit);
        ip.set_source(src);
        ip.set_destination(dst);
        ip.payload_mut().copy_from_slice(payload);
    }
    Ok(packet)
}

/// An Ethernet II frame around `payload` (no padding, no FCS).
pub fn ethernet_frame(dst: MacAddr, src: MacAddr, ethertype: EtherType, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0u8; ETHERNET_HEADER_LEN + payload.len()];
    write_ethernet(&mut frame, dst, src, ethertype).copy_from_slice(payload);
    frame
}

/// Writes the Ethernet header into `frame` and returns the payload part.
fn write_ethernet(frame: &mut [u8], dst: MacAddr, src: MacAddr, ethertype: EtherType) -> &mut [u8] {
    if let Some(mut eth) = MutableEthernetPacket::new(frame) {
        eth.set_destination(dst);
        eth.set_source(src);
        eth.set_ethertype(ethertype);
    }
    let start = ETHERNET_HEADER_LEN.min(frame.len());
    &mut frame[start..]
}
