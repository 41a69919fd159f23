//! Facts read out of captured frames with pnet_packet's views: the layers an
//! experiment asks about (Ethernet, ARP, IPv4 with its fragment fields, ICMP,
//! UDP, TCP; IPv6 with its fragment header and ICMPv6's neighbour discovery
//! and Packet Too Big), nothing guessed.

use std::net::{Ipv4Addr, Ipv6Addr};

use pnet_packet::Packet as _;
use pnet_packet::arp::{ArpOperations, ArpPacket};
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::icmp::IcmpPacket;
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::ipv4::{Ipv4Flags, Ipv4Packet};
use pnet_packet::ipv6::Ipv6Packet;
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

/// An IPv6 header, after any extension headers nettutor's traffic carries
/// (hop-by-hop options, as MLD reports have them; the fragment header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ip6 {
    pub src: Ipv6Addr,
    pub dst: Ipv6Addr,
    pub hop_limit: u8,
    /// The protocol after the extension headers (58 ICMPv6, 17 UDP, 6 TCP).
    pub next: u8,
    /// The fixed header's payload length (everything after its 40 bytes).
    pub payload_len: u16,
    /// The fragment header (RFC 8200 section 4.5), when there is one.
    pub fragment: Option<Fragment6>,
    /// ICMPv6, when this is the whole packet or its first fragment.
    pub icmp6: Option<Icmp6>,
}

impl Ip6 {
    /// The packet's length on the wire: 40 bytes of header and the payload.
    pub fn total_len(&self) -> u16 {
        self.payload_len.saturating_add(40)
    }
}

/// IPv6's fragment header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment6 {
    pub id: u32,
    /// Offset of this fragment's data, in bytes.
    pub offset: u16,
    pub more: bool,
}

/// An ICMPv6 message, with what neighbour discovery (RFC 4861) and Packet Too
/// Big (RFC 4443) carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Icmp6 {
    /// 1 unreachable, 2 packet too big, 3 time exceeded, 128/129 echo,
    /// 135 neighbour solicitation, 136 neighbour advertisement.
    pub kind: u8,
    pub code: u8,
    /// Neighbour solicitation / advertisement: the address asked about.
    pub target: Option<Ipv6Addr>,
    /// Neighbour advertisement: the R(outer), S(olicited) and O(verride) flags.
    pub na_flags: Option<NaFlags>,
    /// The link-layer address option (source in a solicitation, target in an
    /// advertisement).
    pub link_addr: Option<String>,
    /// Packet too big: the MTU of the next hop.
    pub mtu: Option<u32>,
}

/// A neighbour advertisement's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NaFlags {
    pub router: bool,
    pub solicited: bool,
    pub override_: bool,
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
    pub ip6: Option<Ip6>,
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

/// An IPv4 frame's identification and IP body (the transport header and
/// payload): the same transmission at both ends of a routed link — the router
/// changes TTL, header checksum and MACs, nothing of these — and another one
/// when the sender sends the same bytes again (a new identification).
pub fn transmission(frame: &Frame) -> Option<(u16, Vec<u8>)> {
    let eth = EthernetPacket::new(&frame.data)?;
    if eth.get_ethertype() != EtherTypes::Ipv4 {
        return None;
    }
    let ip = Ipv4Packet::new(eth.payload())?;
    let header = usize::from(ip.get_header_length()) * 4;
    let total = usize::from(ip.get_total_length());
    let body = eth.payload().get(header..total)?.to_vec();
    Some((ip.get_identification(), body))
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
        ip6: None,
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
    } else if ethertype == EtherTypes::Ipv6 {
        seen.ip6 = ipv6(eth.payload());
    }
    Some(seen)
}

/// The IPv6 header of `bytes`, walking hop-by-hop, routing, destination
/// options and fragment headers to the upper protocol.
fn ipv6(bytes: &[u8]) -> Option<Ip6> {
    let ip = Ipv6Packet::new(bytes)?;
    let payload_len = ip.get_payload_length();
    let end = 40 + usize::from(payload_len);
    let mut next = ip.get_next_header().0;
    let mut at = 40usize;
    let mut fragment = None;
    loop {
        match next {
            // Hop-by-hop, routing, destination options: (next, length in 8-byte units − 1).
            0 | 43 | 60 => {
                let h = bytes.get(at..at + 2)?;
                next = h[0];
                at += (usize::from(h[1]) + 1) * 8;
            }
            44 => {
                let h = bytes.get(at..at + 8)?;
                next = h[0];
                let off = u16::from_be_bytes([h[2], h[3]]);
                fragment = Some(Fragment6 {
                    offset: off & !7,
                    more: off & 1 == 1,
                    id: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
                });
                at += 8;
            }
            _ => break,
        }
    }
    let first = fragment.is_none_or(|f| f.offset == 0);
    let icmp6 = if next == 58 && first {
        bytes.get(at..end.min(bytes.len())).and_then(icmpv6)
    } else {
        None
    };
    Some(Ip6 {
        src: ip.get_source(),
        dst: ip.get_destination(),
        hop_limit: ip.get_hop_limit(),
        next,
        payload_len,
        fragment,
        icmp6,
    })
}

fn icmpv6(m: &[u8]) -> Option<Icmp6> {
    let (&kind, &code) = (m.first()?, m.get(1)?);
    let addr = |at: usize| -> Option<Ipv6Addr> {
        let b: [u8; 16] = m.get(at..at + 16)?.try_into().ok()?;
        Some(Ipv6Addr::from(b))
    };
    let mut out = Icmp6 {
        kind,
        code,
        target: None,
        na_flags: None,
        link_addr: None,
        mtu: None,
    };
    match kind {
        2 => {
            let b = m.get(4..8)?;
            out.mtu = Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        }
        135 | 136 => {
            out.target = addr(8);
            if kind == 136 {
                let f = *m.get(4)?;
                out.na_flags = Some(NaFlags {
                    router: f & 0x80 != 0,
                    solicited: f & 0x40 != 0,
                    override_: f & 0x20 != 0,
                });
            }
            // Options from byte 24: (type, length in 8-byte units, …); type 1
            // source, 2 target link-layer address.
            let mut at = 24;
            while let (Some(&t), Some(&len)) = (m.get(at), m.get(at + 1)) {
                if len == 0 {
                    break;
                }
                if matches!(t, 1 | 2)
                    && let Some(mac) = m.get(at + 2..at + 8)
                {
                    out.link_addr = Some(mac_text(mac));
                }
                at += usize::from(len) * 8;
            }
        }
        _ => {}
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(ethertype: [u8; 2], dst_mac: [u8; 6], ip: &[u8]) -> Frame {
        let mut data = dst_mac.to_vec();
        data.extend([2, 0, 0, 0, 0, 0x10]);
        data.extend(ethertype);
        data.extend(ip);
        Frame {
            point: "A:eth0".into(),
            ts_ns: 1,
            outgoing: true,
            data,
        }
    }

    /// An IPv6 header (RFC 8200 3) with `next` and `payload`.
    fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, hop_limit: u8, next: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0x60, 0, 0, 0];
        v.extend(u16::try_from(payload.len()).unwrap().to_be_bytes());
        v.extend([next, hop_limit]);
        v.extend(src.octets());
        v.extend(dst.octets());
        v.extend(payload);
        v
    }

    #[test]
    fn a_neighbour_solicitation_and_advertisement_are_read_field_by_field() {
        let a: Ipv6Addr = "2001:db8:1::10".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1::20".parse().unwrap();
        let group: Ipv6Addr = "ff02::1:ff00:20".parse().unwrap();
        // RFC 4861 4.3: type 135, code, checksum, reserved, target, then the
        // source link-layer address option (type 1, length 1).
        let mut ns = vec![135, 0, 0, 0, 0, 0, 0, 0];
        ns.extend(b.octets());
        ns.extend([1, 1, 2, 0, 0, 0, 0, 0x10]);
        let f = frame(
            [0x86, 0xdd],
            [0x33, 0x33, 0xff, 0, 0, 0x20],
            &ipv6(a, group, 255, 58, &ns),
        );
        let seen = dissect(&f).unwrap();
        assert_eq!(seen.dst_mac, "33:33:ff:00:00:20");
        let ip = seen.ip6.unwrap();
        assert_eq!((ip.src, ip.dst, ip.hop_limit, ip.next), (a, group, 255, 58));
        assert_eq!(ip.total_len(), 40 + 32);
        let m = ip.icmp6.unwrap();
        assert_eq!((m.kind, m.target), (135, Some(b)));
        assert_eq!(m.link_addr.as_deref(), Some("02:00:00:00:00:10"));
        assert_eq!(m.na_flags, None);
        // 4.4: flags R S O in the first byte after the checksum (here S and O).
        let mut na = vec![136, 0, 0, 0, 0x60, 0, 0, 0];
        na.extend(b.octets());
        let seen = dissect(&frame(
            [0x86, 0xdd],
            [2, 0, 0, 0, 0, 0x10],
            &ipv6(b, a, 255, 58, &na),
        ))
        .unwrap();
        let flags = seen.ip6.unwrap().icmp6.unwrap().na_flags.unwrap();
        assert_eq!(
            (flags.router, flags.solicited, flags.override_),
            (false, true, true)
        );
    }

    #[test]
    fn a_fragment_header_and_a_packet_too_big_are_read() {
        let a: Ipv6Addr = "2001:db8:1::10".parse().unwrap();
        let c: Ipv6Addr = "2001:db8:2::30".parse().unwrap();
        // RFC 8200 4.5: next header, reserved, offset (13 bits, 8-byte units)
        // with M in the lowest bit, identification.
        let mut frag = vec![17, 0];
        frag.extend(((1232u16 / 8) << 3 | 1).to_be_bytes());
        frag.extend(0xdead_beefu32.to_be_bytes());
        frag.extend([0u8; 16]);
        let seen = dissect(&frame(
            [0x86, 0xdd],
            [2, 0, 0, 0, 0, 1],
            &ipv6(a, c, 64, 44, &frag),
        ))
        .unwrap();
        let ip = seen.ip6.unwrap();
        assert_eq!(ip.next, 17);
        assert_eq!(
            ip.fragment,
            Some(Fragment6 {
                id: 0xdead_beef,
                offset: 1232,
                more: true
            })
        );
        // RFC 4443 3.2: type 2, code 0, checksum, MTU.
        let mut ptb = vec![2, 0, 0, 0];
        ptb.extend(1280u32.to_be_bytes());
        ptb.extend([0u8; 40]);
        let r: Ipv6Addr = "2001:db8:1::1".parse().unwrap();
        let seen = dissect(&frame(
            [0x86, 0xdd],
            [2, 0, 0, 0, 0, 0x10],
            &ipv6(r, a, 64, 58, &ptb),
        ))
        .unwrap();
        assert_eq!(seen.ip6.unwrap().icmp6.unwrap().mtu, Some(1280));
    }
}
