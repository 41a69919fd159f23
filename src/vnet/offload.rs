//! Checksums the kernel computes itself. A veth offers "hardware" transmit
//! checksumming and TCP segmentation offload, so by default a sender's TCP and
//! UDP checksums are left unfilled (CHECKSUM_PARTIAL: there is no hardware to
//! fill them) and one TCP send can pass the sender's capture point as a 64 KB
//! super-segment. A capture there would show every checksum wrong and frames
//! no wire carries. Turning transmit checksumming off on every lab interface
//! (the kernel turns TSO off with it, since TSO needs it) makes the stack fill
//! each checksum and cut each segment in software, before the capture point:
//! what the student sees in the inspector or Wireshark is what a real wire
//! would carry.

use std::io;

/// `ETHTOOL_STXCSUM` of `<linux/ethtool.h>`: set transmit checksumming.
const ETHTOOL_STXCSUM: u32 = 0x0000_0017;
/// `ETHTOOL_GTXCSUM`: read it.
const ETHTOOL_GTXCSUM: u32 = 0x0000_0016;

/// `struct ethtool_value`.
#[repr(C)]
struct EthtoolValue {
    cmd: u32,
    data: u32,
}

/// `struct ifreq` with the `ifr_data` member (the kernel reads 40 bytes).
#[repr(C)]
struct IfreqData {
    name: [libc::c_char; libc::IFNAMSIZ],
    data: *mut EthtoolValue,
    _pad: [u8; 16],
}

fn ethtool(ifname: &str, cmd: u32, data: u32) -> io::Result<u32> {
    let bytes = ifname.as_bytes();
    if bytes.len() >= libc::IFNAMSIZ || bytes.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("interface name {ifname:?}"),
        ));
    }
    let mut value = EthtoolValue { cmd, data };
    let mut req = IfreqData {
        name: [0; libc::IFNAMSIZ],
        data: &mut value,
        _pad: [0; 16],
    };
    for (dst, src) in req.name.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    // SAFETY: a plain datagram socket, closed below; the ioctl reads `req`
    // (a valid ifreq whose data points at `value`, alive for the call) and
    // writes only `value`.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let rc = libc::ioctl(fd, libc::SIOCETHTOOL as _, &mut req as *mut IfreqData);
        let err = io::Error::last_os_error();
        libc::close(fd);
        if rc < 0 {
            return Err(err);
        }
    }
    Ok(value.data)
}

/// Turns transmit checksum offload off on `ifname` in the calling thread's
/// network namespace, and reads it back: an interface that still leaves
/// checksums to "hardware" afterwards is an error (no capture of it could be
/// trusted). An interface without the feature (EOPNOTSUPP) is fine.
pub fn software_checksums(ifname: &str) -> io::Result<()> {
    match ethtool(ifname, ETHTOOL_STXCSUM, 0) {
        Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => return Ok(()),
        other => other.map(|_| ())?,
    }
    if tx_checksum_offload(ifname)? {
        return Err(io::Error::other(
            "transmit checksum offload is still on after turning it off",
        ));
    }
    Ok(())
}

/// Whether `ifname` leaves transmit checksums to "hardware" (for tests).
pub fn tx_checksum_offload(ifname: &str) -> io::Result<bool> {
    ethtool(ifname, ETHTOOL_GTXCSUM, 0).map(|on| on != 0)
}

/// Rewrites a TCP checksum of 0xffff that a full computation makes 0x0000
/// (the same number in one's-complement arithmetic: −0 and +0) as 0x0000;
/// whether it did. `frame` is an Ethernet frame; anything but an unfragmented
/// IPv4 or IPv6 TCP segment is left alone.
///
/// Why: the kernel's software checksum (`skb_checksum_help`, which fills
/// every checksum here since the offload is off) writes a result of zero as
/// 0xffff (`CSUM_MANGLED_0`). UDP needs that — a zero there means "no
/// checksum" (RFC 768) — but the kernel does it for TCP too. Every receiver
/// accepts it (it sums the segment with the field and gets all ones either
/// way), yet a checksum computed in full is never −0 (RFC 1624, section 3),
/// and Wireshark (and the inspector) call a TCP 0xffff wrong ("TCP Checksum
/// 0xffff instead of 0x0000"). About one TCP segment in 65,536 has a zero
/// checksum, so a transfer's capture showed one now and then. The capture
/// records the +0 the full computation gives (what a NIC's checksum engine
/// writes): the same checksum, in the form every reader takes as right.
pub fn tcp_zero_checksum_as_computed(frame: &mut [u8]) -> bool {
    use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
    use pnet_packet::ip::IpNextHeaderProtocols;
    use pnet_packet::ipv4::Ipv4Packet;
    use pnet_packet::ipv6::Ipv6Packet;
    use pnet_packet::tcp::{self, TcpPacket};

    const ETH: usize = 14;
    /// The checksum's offset in the TCP header.
    const CHECK: usize = 16;
    let Some(ethertype) = EthernetPacket::new(frame).map(|eth| eth.get_ethertype()) else {
        return false;
    };
    let Some(ip_bytes) = frame.get(ETH..) else {
        return false;
    };
    // (where the segment starts in the frame, its length, its checksum as a full computation)
    let found = if ethertype == EtherTypes::Ipv4 {
        Ipv4Packet::new(ip_bytes).and_then(|ip| {
            let whole = ip.get_flags() & 1 == 0 && ip.get_fragment_offset() == 0;
            let header = usize::from(ip.get_header_length()) * 4;
            let len = usize::from(ip.get_total_length()).checked_sub(header)?;
            let segment = ip_bytes.get(header..header + len)?;
            (whole && ip.get_next_level_protocol() == IpNextHeaderProtocols::Tcp)
                .then(|| TcpPacket::new(segment))
                .flatten()
                .filter(|seg| seg.get_checksum() == 0xffff)
                .map(|seg| {
                    let sum = tcp::ipv4_checksum(&seg, &ip.get_source(), &ip.get_destination());
                    (ETH + header, sum)
                })
        })
    } else if ethertype == EtherTypes::Ipv6 {
        Ipv6Packet::new(ip_bytes).and_then(|ip| {
            let len = usize::from(ip.get_payload_length());
            let segment = ip_bytes.get(40..40 + len)?;
            (ip.get_next_header() == IpNextHeaderProtocols::Tcp)
                .then(|| TcpPacket::new(segment))
                .flatten()
                .filter(|seg| seg.get_checksum() == 0xffff)
                .map(|seg| {
                    let sum = tcp::ipv6_checksum(&seg, &ip.get_source(), &ip.get_destination());
                    (ETH + 40, sum)
                })
        })
    } else {
        None
    };
    match found {
        Some((start, 0)) => frame
            .get_mut(start + CHECK..start + CHECK + 2)
            .map(|field| field.copy_from_slice(&[0, 0]))
            .is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::tcp_zero_checksum_as_computed;
    use crate::net::frame::dissect;

    /// The one's-complement sum of `bytes` (16-bit words, big-endian), folded.
    fn sum(bytes: &[u8]) -> u16 {
        let mut s: u32 = bytes
            .chunks(2)
            .map(|w| u32::from(u16::from_be_bytes([w[0], *w.get(1).unwrap_or(&0)])))
            .sum();
        while s > 0xffff {
            s = (s & 0xffff) + (s >> 16);
        }
        s as u16
    }

    /// An Ethernet frame with a TCP segment (IPv4 or IPv6) whose last two
    /// payload bytes are chosen so that its full checksum is 0x0000; the
    /// field holds `field`. With `fragment`, IPv4's More Fragments is set.
    fn frame(v6: bool, field: u16, fragment: bool) -> Vec<u8> {
        let mut tcp = vec![0u8; 20];
        tcp[0..2].copy_from_slice(&61600u16.to_be_bytes());
        tcp[2..4].copy_from_slice(&61283u16.to_be_bytes());
        tcp[12] = 5 << 4;
        tcp[13] = 0x10;
        tcp.extend_from_slice(b"hello, wire!");
        let (src, dst): (Vec<u8>, Vec<u8>) = if v6 {
            (
                "2001:db8:1::10"
                    .parse::<std::net::Ipv6Addr>()
                    .unwrap()
                    .octets()
                    .to_vec(),
                "2001:db8:2::30"
                    .parse::<std::net::Ipv6Addr>()
                    .unwrap()
                    .octets()
                    .to_vec(),
            )
        } else {
            (vec![192, 168, 1, 10], vec![192, 168, 2, 30])
        };
        let len = tcp.len();
        let mut pseudo = [src.clone(), dst.clone()].concat();
        pseudo.extend_from_slice(&[0, 6]);
        pseudo.extend_from_slice(&(len as u16).to_be_bytes());
        // Everything but the last word sums to s; the last word makes the
        // total all ones, so the checksum (its complement) is zero.
        let s = sum(&[pseudo.as_slice(), &tcp[..len - 2]].concat());
        let last = 0xffff - s;
        tcp[len - 2..].copy_from_slice(&last.to_be_bytes());
        assert_eq!(sum(&[pseudo.as_slice(), &tcp].concat()), 0xffff);
        tcp[16..18].copy_from_slice(&field.to_be_bytes());
        let mut out = vec![2, 0, 0, 0, 0, 0x10, 2, 0, 0, 0, 0, 1];
        if v6 {
            out.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0]);
            out.extend_from_slice(&(len as u16).to_be_bytes());
            out.extend_from_slice(&[6, 64]);
            out.extend_from_slice(&src);
            out.extend_from_slice(&dst);
        } else {
            let mut ip = vec![
                0x45,
                0,
                0,
                0,
                0,
                1,
                if fragment { 0x20 } else { 0x40 },
                0,
                64,
                6,
                0,
                0,
            ];
            ip[2..4].copy_from_slice(&((20 + len) as u16).to_be_bytes());
            ip.extend_from_slice(&src);
            ip.extend_from_slice(&dst);
            let check = !sum(&ip);
            ip[10..12].copy_from_slice(&check.to_be_bytes());
            out.extend_from_slice(&[0x08, 0x00]);
            out.extend_from_slice(&ip);
        }
        out.extend_from_slice(&tcp);
        out
    }

    #[test]
    fn a_tcp_checksum_of_minus_zero_is_recorded_as_the_zero_the_inspector_takes_as_right() {
        for v6 in [false, true] {
            let mut f = frame(v6, 0xffff, false);
            assert_eq!(
                dissect(&f).bad_checksums().len(),
                1,
                "the inspector (like Wireshark) calls a TCP 0xffff wrong (IPv6: {v6})"
            );
            assert!(tcp_zero_checksum_as_computed(&mut f), "IPv6: {v6}");
            assert_eq!(
                f,
                frame(v6, 0x0000, false),
                "only the checksum changed (IPv6: {v6})"
            );
            assert!(
                dissect(&f).bad_checksums().is_empty(),
                "IPv6: {v6}: {:?}",
                dissect(&f).bad_checksums()
            );
            // Already +0: nothing to do.
            assert!(!tcp_zero_checksum_as_computed(&mut f));
        }
    }

    #[test]
    fn other_checksums_and_fragments_are_left_as_they_are() {
        // A wrong checksum stays wrong: the capture shows what was sent.
        let mut wrong = frame(false, 0x1234, false);
        let before = wrong.clone();
        assert!(!tcp_zero_checksum_as_computed(&mut wrong));
        assert_eq!(wrong, before);
        // 0xffff where the full computation is not zero: wrong, and kept.
        let mut f = frame(false, 0xffff, false);
        let n = f.len();
        f[n - 1] ^= 1;
        let before = f.clone();
        assert!(!tcp_zero_checksum_as_computed(&mut f));
        assert_eq!(f, before);
        // A first fragment's checksum covers bytes in other frames.
        let mut frag = frame(false, 0xffff, true);
        let before = frag.clone();
        assert!(!tcp_zero_checksum_as_computed(&mut frag));
        assert_eq!(frag, before);
        // UDP's zero is sent as 0xffff on purpose (RFC 768): not TCP, untouched.
        let mut udp = frame(false, 0xffff, false);
        udp[14 + 9] = 17;
        let before = udp.clone();
        assert!(!tcp_zero_checksum_as_computed(&mut udp));
        assert_eq!(udp, before);
        // Too short for anything.
        for len in [0, 13, 20, 40] {
            let mut short = frame(false, 0xffff, false);
            short.truncate(len);
            assert!(!tcp_zero_checksum_as_computed(&mut short), "{len} bytes");
        }
    }
}
