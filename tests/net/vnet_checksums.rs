//! Captured frames of the virtual network carry real checksums and wire-sized
//! segments: the lab turns the veths' transmit checksum offload (and TSO with
//! it) off, so the kernel fills every TCP and UDP checksum before the capture
//! point. Checked here by recomputing each checksum from the captured bytes.

use nettutor::vnet::Lab;
use pnet_packet::Packet as _;
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::ipv4::Ipv4Packet;
use pnet_packet::tcp::TcpPacket;
use pnet_packet::udp::UdpPacket;

use super::vnet_lab::ONE_LAB;
use crate::common;

#[test]
fn every_captured_tcp_and_udp_checksum_is_right_and_no_frame_exceeds_the_mtu() {
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let test = "every_captured_tcp_and_udp_checksum_is_right_and_no_frame_exceeds_the_mtu";
    let mut lab = match Lab::start_from(std::path::Path::new(common::run::BIN)) {
        Ok(lab) => lab,
        Err(nettutor::vnet::VnetError::NoUserNamespaces { .. }) => {
            common::skip(test, "no user namespaces here");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    // mtu sends a TCP transfer (with DF) and a fragmented UDP datagram.
    let outcome = lab.run("mtu").unwrap();
    lab.shutdown().unwrap();
    let (mut tcp, mut udp, mut wrong) = (0, 0, Vec::new());
    for frame in &outcome.frames {
        assert!(
            frame.data.len() <= 1514,
            "{}: a {}-byte frame is no Ethernet frame (segmentation offload)",
            frame.point,
            frame.data.len()
        );
        let Some(eth) = EthernetPacket::new(&frame.data) else {
            continue;
        };
        if eth.get_ethertype() != EtherTypes::Ipv4 {
            continue;
        }
        let Some(ip) = Ipv4Packet::new(eth.payload()) else {
            continue;
        };
        // Whole datagrams only: a fragment's checksum covers bytes elsewhere.
        if ip.get_flags() & 1 != 0 || ip.get_fragment_offset() != 0 {
            continue;
        }
        let body = &ip.payload()[..usize::from(ip.get_total_length())
            .saturating_sub(usize::from(ip.get_header_length()) * 4)
            .min(ip.payload().len())];
        let (src, dst) = (ip.get_source(), ip.get_destination());
        match ip.get_next_level_protocol() {
            IpNextHeaderProtocols::Tcp => {
                let seg = TcpPacket::new(body).unwrap();
                tcp += 1;
                if pnet_packet::tcp::ipv4_checksum(&seg, &src, &dst) != seg.get_checksum() {
                    wrong.push(format!("{} TCP {src} → {dst}", frame.point));
                }
            }
            IpNextHeaderProtocols::Udp => {
                let dgram = UdpPacket::new(body).unwrap();
                udp += 1;
                if pnet_packet::udp::ipv4_checksum(&dgram, &src, &dst) != dgram.get_checksum() {
                    wrong.push(format!("{} UDP {src} → {dst}", frame.point));
                }
            }
            _ => {}
        }
    }
    assert!(tcp >= 20, "only {tcp} TCP segments captured");
    assert!(udp + tcp > 0);
    assert!(
        wrong.is_empty(),
        "{} of {} checksums left for hardware, e.g. {:?}",
        wrong.len(),
        tcp + udp,
        &wrong[..wrong.len().min(5)]
    );
}
