//! Real bytes for timelines: simulated segments become Ethernet frames (built by
//! `crate::net::frame`), and captured frames become [`Segment`]s again.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use pnet_packet::Packet;
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::ipv4::Ipv4Packet;
use pnet_packet::ipv6::Ipv6Packet;
use pnet_packet::tcp::{MutableTcpPacket, TcpOptionNumbers, TcpPacket};

use super::timeline::{Flight, Segment, Side, Timeline};
use crate::net::frame::{
    ETHERNET_HEADER_LEN, FrameError, MacAddr, TcpSegmentSpec, build_tcp_frame,
};

/// Where simulated scenarios start on the pcap clock: 2026-01-01T00:00:00Z, fixed so
/// exported files are byte-for-byte reproducible.
pub const SIMULATED_EPOCH: Duration = Duration::from_secs(1_767_225_600);

fn mac(bytes: [u8; 6]) -> MacAddr {
    MacAddr::new(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5])
}

/// The Ethernet frame carrying `segment`, checksums and all.
pub fn segment_frame(segment: &Segment) -> Result<Vec<u8>, FrameError> {
    build_tcp_frame(&TcpSegmentSpec {
        src_mac: mac(segment.src_mac),
        dst_mac: mac(segment.dst_mac),
        src: segment.src,
        dst: segment.dst,
        seq: segment.seq,
        ack: segment.ack,
        flags: segment.flags,
        window: segment.window,
        mss: segment.mss,
        payload: &segment.payload,
    })
}

impl Flight {
    /// The frame's bytes: as captured, or built from the segment.
    pub fn frame(&self) -> Result<Vec<u8>, FrameError> {
        match &self.captured {
            Some(bytes) => Ok(bytes.clone()),
            None => segment_frame(&self.segment),
        }
    }
}

impl Timeline {
    /// Every segment as `(timestamp, frame)` for `crate::net::pcap::write_pcap`, in
    /// the order sent, as a capture next to the client would see them (a segment
    /// lost further along the path was still seen leaving). Simulated timelines
    /// start at [`SIMULATED_EPOCH`]; `start` is added for captured ones.
    pub fn pcap_frames(&self, start: Duration) -> Result<Vec<(Duration, Vec<u8>)>, FrameError> {
        let base = if self
            .steps
            .iter()
            .any(|s| s.flights.iter().any(|f| f.captured.is_some()))
        {
            start
        } else {
            SIMULATED_EPOCH
        };
        self.flights()
            .map(|(_, flight)| Ok((base.saturating_add(flight.at), flight.frame()?)))
            .collect()
    }
}

/// Compute the TCP checksum of an Ethernet/IPv4 frame in place. Frames captured
/// as they leave a socket on loopback carry an unfinished checksum (the kernel
/// offloads it and loopback never computes it); filling it in makes the file
/// verify in Wireshark. Returns whether the frame was IPv4/TCP and was fixed.
pub fn fill_tcp_checksum(frame: &mut [u8]) -> bool {
    let Some(eth) = EthernetPacket::new(frame) else {
        return false;
    };
    if eth.get_ethertype() != EtherTypes::Ipv4 {
        return false;
    }
    let Some(ip_bytes) = frame.get_mut(ETHERNET_HEADER_LEN..) else {
        return false;
    };
    let Some(ip) = Ipv4Packet::new(ip_bytes) else {
        return false;
    };
    if ip.get_next_level_protocol() != IpNextHeaderProtocols::Tcp {
        return false;
    }
    let (src, dst) = (ip.get_source(), ip.get_destination());
    let header = usize::from(ip.get_header_length()) * 4;
    let total = usize::from(ip.get_total_length()).min(ip_bytes.len());
    let Some(tcp_bytes) = ip_bytes.get_mut(header..total) else {
        return false;
    };
    let Some(mut tcp) = MutableTcpPacket::new(tcp_bytes) else {
        return false;
    };
    let checksum = pnet_packet::tcp::ipv4_checksum(&tcp.to_immutable(), &src, &dst);
    tcp.set_checksum(checksum);
    true
}

/// Read a TCP segment back out of an Ethernet frame (IPv4 or IPv6); `client` says
/// which end is the client. `None` when the frame carries no TCP.
pub fn segment_from_frame(frame: &[u8], client: SocketAddr) -> Option<Segment> {
    let eth = EthernetPacket::new(frame)?;
    let (src_ip, dst_ip, tcp_bytes): (IpAddr, IpAddr, Vec<u8>) = match eth.get_ethertype() {
        EtherTypes::Ipv4 => {
            let ip = Ipv4Packet::new(eth.payload())?;
            if ip.get_next_level_protocol() != IpNextHeaderProtocols::Tcp {
                return None;
            }
            // The IP total length bounds the segment (frames may carry padding).
            let header = usize::from(ip.get_header_length()) * 4;
            let total = usize::from(ip.get_total_length());
            let packet = ip.packet();
            let tcp = packet.get(header..total.min(packet.len()))?.to_vec();
            (ip.get_source().into(), ip.get_destination().into(), tcp)
        }
        EtherTypes::Ipv6 => {
            let ip = Ipv6Packet::new(eth.payload())?;
            if ip.get_next_header() != IpNextHeaderProtocols::Tcp {
                return None;
            }
            let len = usize::from(ip.get_payload_length());
            let tcp = ip.payload().get(..len.min(ip.payload().len()))?.to_vec();
            (ip.get_source().into(), ip.get_destination().into(), tcp)
        }
        _ => return None,
    };
    let tcp = TcpPacket::new(&tcp_bytes)?;
    let src = SocketAddr::new(src_ip, tcp.get_source());
    let dst = SocketAddr::new(dst_ip, tcp.get_destination());
    let mss = tcp
        .get_options_iter()
        .find(|o| o.get_number() == TcpOptionNumbers::MSS)
        .and_then(|o| {
            let p = o.payload();
            Some(u16::from_be_bytes([*p.first()?, *p.get(1)?]))
        });
    let header_len = usize::from(tcp.get_data_offset()) * 4;
    let payload = tcp_bytes.get(header_len..).unwrap_or_default().to_vec();
    let octets = |m: MacAddr| [m.0, m.1, m.2, m.3, m.4, m.5];
    Some(Segment {
        from: if src == client {
            Side::Client
        } else {
            Side::Server
        },
        src,
        dst,
        src_mac: octets(eth.get_source()),
        dst_mac: octets(eth.get_destination()),
        // CWR … FIN, as pnet's TcpFlags bits.
        flags: tcp.get_flags(),
        seq: tcp.get_sequence(),
        ack: tcp.get_acknowledgement(),
        window: tcp.get_window(),
        mss,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::frame::{ChecksumStatus, dissect};
    use crate::net::tcp::{DEFAULT_SEED, Scenario};

    #[test]
    fn every_simulated_segment_builds_and_reads_back_identically() {
        for &scenario in Scenario::ALL {
            let t = scenario.timeline(DEFAULT_SEED).expect("builds");
            for (_, flight) in t.flights() {
                let frame = flight.frame().expect("frame builds");
                let back = segment_from_frame(&frame, t.client.addr).expect("is TCP");
                let mut expected = flight.segment.clone();
                // Forged flood sources are clients too, but not `t.client`.
                expected.from = back.from;
                assert_eq!(back, expected, "{scenario}");
            }
        }
    }

    #[test]
    fn built_frames_have_correct_checksums() {
        let t = Scenario::Normal.timeline(DEFAULT_SEED).expect("builds");
        for (_, flight) in t.flights() {
            let frame = flight.frame().expect("frame builds");
            let dissection = dissect(&frame);
            let statuses: Vec<ChecksumStatus> = dissection
                .layers
                .iter()
                .flat_map(|l| l.fields.iter())
                .filter_map(|f| f.checksum)
                .collect();
            assert!(statuses.len() >= 2, "IP and TCP checksums present");
            assert!(
                statuses.iter().all(|s| *s == ChecksumStatus::Correct),
                "{statuses:?}"
            );
        }
    }

    #[test]
    fn a_zeroed_checksum_is_filled_in_again() {
        let t = Scenario::Normal.timeline(DEFAULT_SEED).expect("builds");
        let good = t.steps[4].flights[0].frame().expect("frame");
        let mut broken = good.clone();
        // TCP checksum: Ethernet 14 + IPv4 20 + offset 16 in the TCP header.
        broken[14 + 20 + 16] ^= 0xff;
        assert_ne!(broken, good);
        assert!(fill_tcp_checksum(&mut broken));
        assert_eq!(broken, good);
        let mut not_ip = vec![0u8; 60];
        assert!(!fill_tcp_checksum(&mut not_ip));
    }

    #[test]
    fn pcap_timestamps_follow_the_timeline() {
        let t = Scenario::LostSyn.timeline(DEFAULT_SEED).expect("builds");
        let frames = t.pcap_frames(Duration::ZERO).expect("frames");
        assert_eq!(frames.len(), t.flights().count());
        assert_eq!(frames[0].0, SIMULATED_EPOCH + t.steps[1].at);
        assert_eq!(frames[1].0 - frames[0].0, Duration::from_secs(1));
    }
}
