//! Captured frames of the virtual network carry real checksums and wire-sized
//! segments: the lab turns the veths' transmit checksum offload (and TSO with
//! it) off, so the kernel fills every TCP and UDP checksum before the capture
//! point. Checked here by recomputing each checksum from the captured bytes,
//! for every experiment that moves TCP or UDP — the standard network (`mtu`,
//! `zero-window`) and the impaired one, through the relay (`tcp-loss`).

use std::net::Ipv4Addr;

use nettutor::net::impaired::Chance;
use nettutor::vnet::capture::Frame;
use nettutor::vnet::proto::Params;
use pnet_packet::Packet as _;
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::ipv4::Ipv4Packet;
use pnet_packet::tcp::TcpPacket;
use pnet_packet::udp::UdpPacket;

use super::vnet_lab::{ONE_LAB, start_lab};
use crate::common;

/// The one's-complement sum of the pseudo-header alone, folded: what a
/// sender that leaves the checksum to hardware (CHECKSUM_PARTIAL) puts in
/// the checksum field.
fn pseudo_header_sum(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, len: usize) -> u16 {
    let mut sum: u32 = 0;
    for octets in [src.octets(), dst.octets()] {
        sum += u32::from(u16::from_be_bytes([octets[0], octets[1]]));
        sum += u32::from(u16::from_be_bytes([octets[2], octets[3]]));
    }
    sum += u32::from(protocol) + u32::try_from(len).unwrap_or(u32::MAX);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    u16::try_from(sum).unwrap_or(u16::MAX)
}

/// What one experiment's frames held.
#[derive(Default)]
struct Tally {
    tcp: usize,
    udp: usize,
    /// One line per frame with a wrong checksum.
    wrong: Vec<String>,
    /// The IP ids of TCP segments whose checksum computes to zero and was
    /// written as 0xffff (−0: right, though tshark flags it).
    minus_zero: Vec<u16>,
}

fn check_frames(frames: &[Frame]) -> Tally {
    let mut tally = Tally::default();
    for (n, frame) in frames.iter().enumerate() {
        let dir = if frame.outgoing { "out" } else { "in" };
        assert!(
            frame.data.len() <= 1514,
            "frame {n} at {} ({dir}): a {}-byte frame is no Ethernet frame (segmentation offload)",
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
        let protocol = ip.get_next_level_protocol();
        let (kind, found, right, what) = match protocol {
            IpNextHeaderProtocols::Tcp => {
                let seg = TcpPacket::new(body).unwrap();
                tally.tcp += 1;
                let what = format!(
                    "{}:{} → {}:{} flags {:#05x} seq {} ack {} len {}",
                    src,
                    seg.get_source(),
                    dst,
                    seg.get_destination(),
                    seg.get_flags(),
                    seg.get_sequence(),
                    seg.get_acknowledgement(),
                    seg.payload().len()
                );
                let right = pnet_packet::tcp::ipv4_checksum(&seg, &src, &dst);
                ("TCP", seg.get_checksum(), right, what)
            }
            IpNextHeaderProtocols::Udp => {
                let dgram = UdpPacket::new(body).unwrap();
                tally.udp += 1;
                let what = format!(
                    "{}:{} → {}:{} len {}",
                    src,
                    dgram.get_source(),
                    dst,
                    dgram.get_destination(),
                    dgram.payload().len()
                );
                let right = pnet_packet::udp::ipv4_checksum(&dgram, &src, &dst);
                ("UDP", dgram.get_checksum(), right, what)
            }
            _ => continue,
        };
        // A computed zero is sent as 0xffff: UDP's rule (RFC 768: zero is
        // "no checksum"), and Linux's software fill does it for TCP too — the
        // same number in one's complement (−0), which receivers accept.
        let minus_zero = right == 0 && found == 0xffff;
        if minus_zero && kind == "TCP" {
            tally.minus_zero.push(ip.get_identification());
        }
        if found != right && !minus_zero {
            let partial = found == pseudo_header_sum(src, dst, protocol.0, body.len());
            tally.wrong.push(format!(
                "frame {n} at {} ({dir}, ts {}): {kind} {what}, IP id {:#06x}, TTL {}: \
                 checksum {found:#06x}, right {right:#06x}{}",
                frame.point,
                frame.ts_ns,
                ip.get_identification(),
                ip.get_ttl(),
                if partial {
                    " — the pseudo-header sum alone: left for hardware (CHECKSUM_PARTIAL)"
                } else {
                    ""
                }
            ));
        }
    }
    tally
}

/// The frames as the pcapng `net run -o` writes, validated by tshark:
/// one line per frame with a bad IP, TCP or UDP checksum; None without tshark.
fn tshark_bad_checksums(test: &str, frames: &[Frame]) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("run.pcapng");
    std::fs::write(&pcap, nettutor::vnet::pcapng::pcapng_bytes(frames).unwrap()).unwrap();
    let checks = [
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
    ];
    // 0 is "bad", 1 "good", 2 "unverified" (tshark's checksum status). Not
    // the TCP or UDP inside an ICMP error: R quotes only the start of the
    // segment it could not forward, and tshark "validates" the quote's
    // checksum over that part (the quoted IP header it checks in full).
    let filter = "ip.checksum.status == 0 || icmp.checksum.status == 0 \
        || icmpv6.checksum.status == 0 \
        || (!icmp && !icmpv6 && (tcp.checksum.status == 0 || udp.checksum.status == 0))";
    let rows = common::run::tshark_fields(
        test,
        &pcap,
        &checks,
        filter,
        &["frame.interface_name", "frame.number", "ip.id"],
    )?;
    Some(rows.into_iter().map(|row| row.join(" ")).collect())
}

#[test]
fn every_captured_tcp_and_udp_checksum_is_right_and_no_frame_exceeds_the_mtu() {
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let test = "every_captured_tcp_and_udp_checksum_is_right_and_no_frame_exceeds_the_mtu";
    let Some(mut lab) = start_lab(test) else {
        return;
    };
    // mtu sends a TCP transfer (with DF) and a fragmented UDP datagram;
    // tcp-loss UDP datagrams and a TCP transfer through the relay (no loss:
    // short); zero-window a TCP transfer that stalls and resumes.
    let runs = [
        ("mtu", Params::default()),
        (
            "tcp-loss",
            Params {
                loss: Some(Chance::percent(0.0).unwrap()),
                seed: Some(1),
                recovery: None,
            },
        ),
        ("zero-window", Params::default()),
    ];
    let mut failures = Vec::new();
    for (experiment, params) in runs {
        let outcome = match lab.run_with(experiment, params) {
            Ok(outcome) => outcome,
            Err(e) => {
                failures.push(format!("{experiment} failed: {e}"));
                continue;
            }
        };
        let tally = check_frames(&outcome.frames);
        assert!(
            tally.tcp >= 20,
            "{experiment}: only {} TCP segments captured (of {} frames)",
            tally.tcp,
            outcome.frames.len()
        );
        // tshark flags a TCP −0 too ("0xffff instead of 0x0000"): those,
        // and only those, are not failures.
        let minus_zero: Vec<String> = tally
            .minus_zero
            .iter()
            .map(|id| format!("{id:#06x}"))
            .collect();
        if !minus_zero.is_empty() {
            eprintln!("{experiment}: TCP checksums sent as −0 (IP ids): {minus_zero:?}");
        }
        if let Some(bad) = tshark_bad_checksums(test, &outcome.frames).map(|rows| {
            rows.into_iter()
                .filter(|row| !minus_zero.iter().any(|id| row.ends_with(id.as_str())))
                .collect::<Vec<_>>()
        }) && !bad.is_empty()
        {
            failures.push(format!(
                "{experiment}: tshark finds {} bad checksums in the pcapng, at (point, frame number, IP id): {:?}",
                bad.len(),
                &bad[..bad.len().min(10)]
            ));
        }
        if !tally.wrong.is_empty() {
            failures.push(format!(
                "{experiment}: {} of {} TCP/UDP checksums wrong ({} TCP, {} UDP, {} frames):\n  {}",
                tally.wrong.len(),
                tally.tcp + tally.udp,
                tally.tcp,
                tally.udp,
                outcome.frames.len(),
                tally.wrong.join("\n  ")
            ));
        }
    }
    lab.shutdown().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
