//! Facts read out of captured frames with pnet_packet's views: the layers an
//! experiment asks about (Ethernet, ARP, IPv4 with its fragment fields, ICMP,
//! UDP, TCP), nothing guessed.

use std::net::Ipv4Addr;

use pnet_packet::Packet as _;
use pnet_packet::arp::{ArpOperations, ArpPacket};
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::icmp::IcmpPacket;
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::ipv4::{Ipv4Flags, Ipv4Packet};
use pnet_packet::tcp::{TcpOptionNumbers, TcpPacket};
use pnet_packet::udp::UdpPacket;

use super::capture::Frame;
use super::state::mac_text;

/// An ARP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arp {
    pub request: bool,
    pub sender_mac: String,
    pub sender_ip: Ipv4Addr,
    pub target_ip: Ipv4Addr,
}

/// An IPv4 header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ip {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    pub protocol: u8,
    pub id: u16,
    pub dont_fragment: bool,
    pub more_fragments: bool,
    /// Offset of this fragment's data, in bytes.
    pub fragment_offset: u16,
    pub total_len: u16,
}

impl Ip {
    pub fn is_fragment(&self) -> bool {
        self.more_fragments || self.fragment_offset > 0
    }
}

/// The transport (or ICMP) layer, when the frame is a first fragment or whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upper {
    Icmp {
        kind: u8,
        code: u8,
        rest: [u8; 4],
    },
    Udp {
        src: u16,
        dst: u16,
    },
    Tcp {
        src: u16,
        dst: u16,
        flags: u8,
        payload: usize,
        seq: u32,
        ack: u32,
        /// The window field as sent (unscaled).
        window: u16,
        /// Carries SACK blocks (RFC 2018).
        sack: bool,
        /// The window scale option (RFC 7323), in a SYN.
        wscale: Option<u8>,
    },
    Other,
}

/// One frame, dissected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub point: String,
    pub outgoing: bool,
    pub ts_ns: u64,
    pub src_mac: String,
    pub dst_mac: String,
    pub arp: Option<Arp>,
    pub ip: Option<Ip>,
    pub upper: Option<Upper>,
    pub len: usize,
}

impl Seen {
    pub fn is_broadcast(&self) -> bool {
        self.dst_mac == "ff:ff:ff:ff:ff:ff"
    }

    /// An ICMP message of `kind` (0 echo reply, 3 unreachable, 8 echo request, 11 time exceeded).
    pub fn icmp(&self, kind: u8) -> bool {
        matches!(self.upper, Some(Upper::Icmp { kind: k, .. }) if k == kind)
    }
}

/// Every frame of `frames` that parses as Ethernet.
pub fn dissect_all(frames: &[Frame]) -> Vec<Seen> {
    frames.iter().filter_map(dissect).collect()
}

/// One frame's layers.
pub fn dissect(frame: &Frame) -> Option<Seen> {
    let eth = EthernetPacket::new(&frame.data)?;
    let mut seen = Seen {
        point: frame.point.clone(),
        outgoing: frame.outgoing,
        ts_ns: frame.ts_ns,
        src_mac: mac_text(&eth.get_source().octets()),
        dst_mac: mac_text(&eth.get_destination().octets()),
        arp: None,
        ip: None,
        upper: None,
        len: frame.data.len(),
    };
    let ethertype = eth.get_ethertype();
    if ethertype == EtherTypes::Arp {
        let arp = ArpPacket::new(eth.payload())?;
        seen.arp = Some(Arp {
            request: arp.get_operation() == ArpOperations::Request,
            sender_mac: mac_text(&arp.get_sender_hw_addr().octets()),
            sender_ip: arp.get_sender_proto_addr(),
            target_ip: arp.get_target_proto_addr(),
        });
    } else if ethertype == EtherTypes::Ipv4 {
        let ip = Ipv4Packet::new(eth.payload())?;
        let flags = ip.get_flags();
        let header = Ip {
            src: ip.get_source(),
            dst: ip.get_destination(),
            ttl: ip.get_ttl(),
            protocol: ip.get_next_level_protocol().0,
            id: ip.get_identification(),
            dont_fragment: flags & Ipv4Flags::DontFragment != 0,
            more_fragments: flags & Ipv4Flags::MoreFragments != 0,
            fragment_offset: ip.get_fragment_offset() * 8,
            total_len: ip.get_total_length(),
        };
        if header.fragment_offset == 0 {
            let body = ip.payload();
            seen.upper = Some(match ip.get_next_level_protocol() {
                IpNextHeaderProtocols::Icmp => match IcmpPacket::new(body) {
                    Some(icmp) => {
                        let mut rest = [0; 4];
                        if let Some(r) = body.get(4..8) {
                            rest.copy_from_slice(r);
                        }
                        Upper::Icmp {
                            kind: icmp.get_icmp_type().0,
                            code: icmp.get_icmp_code().0,
                            rest,
                        }
                    }
                    None => Upper::Other,
                },
                IpNextHeaderProtocols::Udp => match UdpPacket::new(body) {
                    Some(udp) => Upper::Udp {
                        src: udp.get_source(),
                        dst: udp.get_destination(),
                    },
                    None => Upper::Other,
                },
                IpNextHeaderProtocols::Tcp => match TcpPacket::new(body) {
                    Some(tcp) => Upper::Tcp {
                        src: tcp.get_source(),
                        dst: tcp.get_destination(),
                        flags: tcp.get_flags(),
                        payload: tcp.payload().len(),
                        seq: tcp.get_sequence(),
                        ack: tcp.get_acknowledgement(),
                        window: tcp.get_window(),
                        sack: tcp
                            .get_options_iter()
                            .any(|o| o.get_number() == TcpOptionNumbers::SACK),
                        wscale: tcp
                            .get_options_iter()
                            .find(|o| o.get_number() == TcpOptionNumbers::WSCALE)
                            .and_then(|o| o.payload().first().copied()),
                    },
                    None => Upper::Other,
                },
                _ => Upper::Other,
            });
        }
        seen.ip = Some(header);
    }
    Some(seen)
}
