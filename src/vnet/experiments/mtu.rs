//! `mtu`: R's interface on LAN 2 gets MTU 1280 (LAN 1 stays at 1500).
//! A 3,000-byte UDP datagram from A leaves in three fragments (IP packets of
//! 1500, 1500 and 68 bytes), R fragments the two full ones again (five reach
//! C), and C's IP layer reassembles them: one `recvfrom` returns all 3,000
//! bytes. Then a TCP transfer (DF set, as Linux does for TCP): R drops
//! the first full-size segment and answers ICMP "fragmentation needed" with
//! MTU 1280; A learns the path MTU and resends in smaller segments.
//!
//! Then IPv6, where routers never fragment (RFC 8200 section 5): A's
//! 3,000-byte UDP datagram leaves in fragments sized for A's own link (1500),
//! R drops the ones too big for LAN 2 and answers ICMPv6 Packet Too Big with
//! MTU 1280 (RFC 4443 section 3.2); A's kernel learns the path MTU, and the
//! next datagram leaves A in fragments of at most 1280 bytes that cross R
//! unchanged and are reassembled at C.

use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

use serde_json::{Value, json};

use super::ipv6::{self, icmp6, receive, udp_in, wait_path_mtu};
use super::{Experiment, Observed, Params};
use crate::vnet::VnetError;
use crate::vnet::capture::Taps;
use crate::vnet::frames::{Seen, Upper, dissect_all};
use crate::vnet::network::Network;
use crate::vnet::topology::{A_IP, A_IP6, C_IP, C_IP6, Spec, end};

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

/// ICMPv6 Packet Too Big arriving at A.
fn is_ptb_frame(f: &crate::vnet::capture::Frame) -> bool {
    f.point == "A:eth0"
        && !f.outgoing
        && crate::vnet::frames::dissect(f).is_some_and(|s| icmp6(&s, 2).is_some())
}

/// The fragment header of a fragment of a UDP datagram from A to C over IPv6.
fn udp6_fragment(s: &Seen) -> Option<crate::vnet::frames::Fragment6> {
    let ip = s.ip6.as_ref()?;
    (ip.src == A_IP6 && ip.dst == C_IP6 && ip.next == 17)
        .then_some(ip.fragment)
        .flatten()
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

    // IPv6: the first datagram meets Packet Too Big, the second crosses.
    let receiver6 = udp_in(net, "C", C_IP6)?;
    let sender6 = udp_in(net, "A", A_IP6)?;
    let probe6 = udp_in(net, "A", A_IP6)?;
    let to6 = receiver6.local_addr().map_err(io("UDP (IPv6)"))?;
    let first: Vec<u8> = (0..DATAGRAM).map(|i| (i % 241) as u8).collect();
    let second: Vec<u8> = (0..DATAGRAM).map(|i| (i % 239) as u8).collect();
    let mtu_before = ipv6::path_mtu(&probe6, C_IP6)?;
    sender6
        .send_to(&first, to6)
        .map_err(io("UDP send (IPv6)"))?;
    let mut taps = taps;
    let got_ptb = taps.wait_for(is_ptb_frame, ipv6::IO_WAIT);
    let mtu_learned = wait_path_mtu(&probe6, C_IP6, NARROW, ipv6::IO_WAIT)?;
    sender6
        .send_to(&second, to6)
        .map_err(io("UDP send (IPv6)"))?;
    let got6 = receive(&receiver6)?;

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
    let ptbs: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.point == "A:eth0" && !s.outgoing && icmp6(s, 2).is_some())
        .collect();
    let ptb = ptbs.first().and_then(|s| icmp6(s, 2));
    // A's datagrams, told apart by their fragment identification, in the order sent.
    let mut ids: Vec<u32> = Vec::new();
    for s in seen.iter().filter(|s| s.point == "A:eth0" && s.outgoing) {
        if let Some(f) = udp6_fragment(s)
            && !ids.contains(&f.id)
        {
            ids.push(f.id);
        }
    }
    let datagram6 = |n: usize| -> Value {
        let Some(&id) = ids.get(n) else {
            return Value::Null;
        };
        let at = |point: &str| -> Vec<Value> {
            seen.iter()
                .filter(|s| s.point == point)
                .filter(|s| udp6_fragment(s).is_some_and(|f| f.id == id))
                .filter_map(|s| {
                    let ip = s.ip6.as_ref()?;
                    let f = ip.fragment?;
                    Some(json!({ "offset": f.offset, "ip_len": ip.total_len(), "more": f.more }))
                })
                .collect()
        };
        let (a, c) = (at("A:eth0"), at("C:eth0"));
        json!({
            "id": id,
            "fragments_at_a": a,
            "fragments_at_c": c,
            "largest_at_a": a.iter().filter_map(|f| f["ip_len"].as_u64()).max(),
            "largest_at_c": c.iter().filter_map(|f| f["ip_len"].as_u64()).max(),
        })
    };
    let (first6, second6) = (datagram6(0), datagram6(1));
    // R fragmented nothing: every fragment C got left A as it is.
    let as_left_a = |d: &Value| {
        let a = d["fragments_at_a"].as_array().cloned().unwrap_or_default();
        d["fragments_at_c"]
            .as_array()
            .is_some_and(|c| c.iter().all(|f| a.contains(f)))
    };
    let ipv6 = json!({
        "sent": DATAGRAM,
        "path_mtu_before": mtu_before,
        "packet_too_big_seen": got_ptb,
        "packet_too_big_from": ptbs.first().and_then(|s| s.ip6.as_ref()).map(|i| i.src.to_string()),
        "packet_too_big_mtu": ptb.and_then(|(_, m)| m.mtu),
        "packet_too_big_count": ptbs.len(),
        "path_mtu_learned": mtu_learned,
        "first_datagram": first6,
        "second_datagram": second6,
        "router_fragmented": !(as_left_a(&first6) && as_left_a(&second6)),
        "received_in_one_recvfrom": got6.as_ref().map(Vec::len),
        "intact": got6.as_deref() == Some(second.as_slice()),
        "first_delivered": got6.as_deref() == Some(first.as_slice()),
    });
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
        "ipv6": ipv6,
    });
    Ok((report, frames))
}
