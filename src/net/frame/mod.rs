//! Real frames: building Ethernet/ARP/IPv4/IPv6/TCP/UDP bytes with pnet_packet and
//! taking any frame apart again into a field tree that points at exact bytes.

mod build;
mod dhcp;
mod dissect;
mod fields;
mod ip;
mod transport;
mod wire;

pub use build::{
    ARP_LEN, ArpOp, ArpSpec, DEFAULT_TTL, ETHERNET_HEADER_LEN, ETHERNET_MTU, IPV4_HEADER_LEN,
    IPV6_HEADER_LEN, TCP_HEADER_LEN, TcpSegmentSpec, UDP_HEADER_LEN, UdpDatagramSpec,
    build_arp_frame, build_tcp_frame, build_udp_frame, build_udp_frame_with_ttl, ethernet_frame,
    ipv4_packet, ipv6_packet,
};
pub use dhcp::message_type_name as dhcp_message_type_name;
pub use dissect::dissect;
pub use fields::{ChecksumStatus, Dissection, Field, Label, Layer, LayerKind};
pub use pnet_base::MacAddr;
pub use pnet_packet::tcp::TcpFlags;
pub use transport::tcp_flag_names;
pub use wire::{ETHERNET_MIN_FRAME, OnTheWire, PREAMBLE_AND_SFD, ethernet_fcs, on_the_wire};

/// Why a frame could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("source and destination must both be IPv4 or both IPv6")]
    MixedFamilies,
    #[error("the IP packet would be {ip_len} bytes, more than the Ethernet MTU of {mtu} bytes")]
    TooLong { ip_len: usize, mtu: usize },
    #[error("internal error: a buffer was sized wrongly")]
    Internal,
}

/// The usual `aa:bb:cc:dd:ee:ff` notation.
pub fn mac_string(mac: MacAddr) -> String {
    mac.to_string()
}
