//! The dhcp lab's messages as the Ethernet frames a LAN would carry: each
//! DHCP message exactly as it crossed the lab's sockets, inside the UDP, IPv4
//! and Ethernet headers of its [`LanView`](super::LanView) — `0.0.0.0:68 →
//! 255.255.255.255:67` to `ff:ff:ff:ff:ff:ff` for a client without an address,
//! unicast where RFC 2131 says so — with checksums right, for a pcap file
//! (`nettutor export dhcp`) and the packet inspector.

use std::net::SocketAddr;
use std::time::Duration;

use super::DhcpMessage;
use crate::net::frame::{FrameError, UdpDatagramSpec, build_udp_frame};

/// The frame of one message.
pub fn frame(message: &DhcpMessage) -> Result<Vec<u8>, FrameError> {
    build_udp_frame(&UdpDatagramSpec {
        src_mac: message.lan.eth_src,
        dst_mac: message.lan.eth_dst,
        src: SocketAddr::V4(message.lan.src),
        dst: SocketAddr::V4(message.lan.dst),
        payload: &message.payload,
    })
}

/// The frames of the whole exchange, with the times they were sent.
pub fn pcap_frames(messages: &[DhcpMessage]) -> Result<Vec<(Duration, Vec<u8>)>, FrameError> {
    messages.iter().map(|m| Ok((m.at, frame(m)?))).collect()
}
