//! `mtu`: R's interface on LAN 2 gets MTU 1280 (LAN 1 stays at 1500).
//! A 3,000-byte UDP datagram from A leaves in two fragments, R fragments the
//! first again, and C's IP layer reassembles them: one `recvfrom` returns all
//! 3,000 bytes. Then a TCP transfer (DF set, as Linux does for TCP): R drops
//! the first full-size segment and answers ICMP "fragmentation needed" with
//! MTU 1280; A learns the path MTU and resends in smaller segments.

use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

use serde_json::{Value, json};

use super::{Experiment, Observed, Params};
use crate::vnet::VnetError;
use crate::vnet::capture::Taps;
use crate::vnet::frames::{Seen, Upper, dissect_all};
use crate::vnet::network::Network;
use crate::vnet::topology::{A_IP, C_IP, Spec, end};

pub const MTU: Experiment = Experiment {
    name: "mtu",
    spec: Spec::standard,
    run: mtu,
    takes_loss: false,
};

/// The narrow link's MTU (IPv6's minimum).
const NARROW: u32 = 1280;
const DATAGRAM: usize = 3000;
const TRANSFER: usize = 20_000;
const IO_WAIT: Duration = Duration::from_secs(5);

fn io(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

/// The fragments of A's datagram at one point: (offset, IP total length).
fn fragments(seen: &[Seen], point: &str) -> Vec<Value> {
    seen.iter()
        .filter(|s| s.point == point)
        .filter_map(|s| s.ip.as_ref())
        .filter(|ip| ip.src == A_IP && ip.dst == C_IP && ip.protocol == 17 && ip.is_fragment())
        .map(|ip| json!({ "offset": ip.fragment_offset, "ip_len": ip.total_len, "more": ip.more_fragments }))
        .collect()
}

fn mtu(net: &mut Network, _: &Params) -> Result<Observed, VnetError> {
    net.set_mtu(end("R", "eth1"), NARROW)?;
    let taps = Taps::open(net, &[end("A", "eth0"), end("R", "eth1"), end("C", "eth0")])?;

    // UDP: one datagram, fragmented, reassembled.
    net.enter("C")?;
    let receiver = UdpSocket::bind(SocketAddr::new(IpAddr::V4(C_IP), 0)).map_err(io("UDP"))?;
    receiver
        .set_read_timeout(Some(IO_WAIT))
        .map_err(io("UDP"))?;
    let to = receiver.local_addr().map_err(io("UDP"))?;
    net.enter("A")?;
    let sender = UdpSocket::bind(SocketAddr::new(IpAddr::V4(A_IP), 0)).map_err(io("UDP"))?;
    let datagram: Vec<u8> = (0..DATAGRAM).map(|i| (i % 251) as u8).collect();
    sender.send_to(&datagram, to).map_err(io("UDP send"))?;
    let mut buf = vec![0u8; 65_536];
    let (got, _) = receiver.recv_from(&mut buf).map_err(io("UDP receive"))?;
    let intact = buf.get(..got) == Some(datagram.as_slice());

    // TCP: path MTU discovery.
    net.enter("C")?;
    let listener = TcpListener::bind(SocketAddr::new(IpAddr::V4(C_IP), 0)).map_err(io("TCP"))?;
    let server = listener.local_addr().map_err(io("TCP"))?;
    net.enter("A")?;
    let mut client = TcpStream::connect_timeout(&server, IO_WAIT).map_err(io("TCP connect"))?;
    client.set_write_timeout(Some(IO_WAIT)).map_err(io("TCP"))?;
    let payload: Vec<u8> = (0..TRANSFER).map(|i| (i % 253) as u8).collect();
    client.write_all(&payload).map_err(io("TCP send"))?;
    client.shutdown(Shutdown::Write).map_err(io("TCP"))?;
    let (mut conn, _) = listener.accept().map_err(io("TCP accept"))?;
    conn.set_read_timeout(Some(IO_WAIT)).map_err(io("TCP"))?;
    let mut delivered = Vec::new();
    conn.read_to_end(&mut delivered)
        .map_err(io("TCP receive"))?;
    drop((client, conn));

    let frames = taps.finish();
    let seen = dissect_all(&frames);
    let is_data = |s: &Seen| {
        matches!(s.upper, Some(Upper::Tcp { payload, .. }) if payload > 0)
            && s.ip.as_ref().is_some_and(|ip| ip.src == A_IP)
    };
    let is_needed = |s: &&Seen| {
        s.point == "A:eth0"
            && !s.outgoing
            && matches!(
                s.upper,
                Some(Upper::Icmp {
                    kind: 3,
                    code: 4,
                    ..
                })
            )
    };
    // R answers every too-large segment already in flight; A sends smaller
    // ones from the last answer on.
    let needed = seen.iter().find(is_needed);
    let needed_count = seen.iter().filter(is_needed).count();
    let needed_at = seen.iter().rfind(is_needed).map_or(u64::MAX, |s| s.ts_ns);
    let sizes = |after: bool| -> Vec<u16> {
        seen.iter()
            .filter(|s| {
                s.point == "A:eth0" && s.outgoing && is_data(s) && (s.ts_ns > needed_at) == after
            })
            .filter_map(|s| s.ip.as_ref().map(|ip| ip.total_len))
            .collect()
    };
    let (before, after) = (sizes(false), sizes(true));
    let next_hop_mtu = needed.and_then(|s| match s.upper {
        Some(Upper::Icmp { rest, .. }) => Some(u16::from_be_bytes([rest[2], rest[3]])),
        _ => None,
    });
    let largest_at_c = seen
        .iter()
        .filter(|s| s.point == "C:eth0" && is_data(s))
        .filter_map(|s| s.ip.as_ref().map(|ip| ip.total_len))
        .max();
    let report = json!({
        "narrow_link": { "at": "R:eth1", "mtu": NARROW },
        "udp": {
            "sent": DATAGRAM,
            "received_in_one_recvfrom": got,
            "intact": intact,
            "fragments_at_a": fragments(&seen, "A:eth0"),
            "fragments_at_c": fragments(&seen, "C:eth0"),
        },
        "tcp": {
            "sent": TRANSFER,
            "delivered": delivered.len(),
            "intact": delivered == payload,
            "dont_fragment": seen.iter().filter(|s| s.point == "A:eth0" && is_data(s)).all(|s| s.ip.as_ref().is_some_and(|ip| ip.dont_fragment)),
            "frag_needed_from": needed.and_then(|s| s.ip.as_ref().map(|ip| ip.src.to_string())),
            "frag_needed_mtu": next_hop_mtu,
            "frag_needed_count": needed_count,
            "largest_segment_before": before.iter().max(),
            "largest_segment_after": after.iter().max(),
            "segments_after": after.len(),
            "largest_at_c": largest_at_c,
        },
    });
    Ok((report, frames))
}
