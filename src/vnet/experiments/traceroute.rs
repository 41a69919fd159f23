//! `traceroute`: A sends UDP probes towards C with TTL 1, 2, … (to ports
//! 33434, 33435, … as Unix traceroute does). R drops the TTL-1 probe and
//! answers "time exceeded"; the TTL-2 probe reaches C, whose closed port
//! answers "port unreachable". The hops are read from the captured answers.

use std::net::{IpAddr, SocketAddr, UdpSocket};

use pnet_packet::Packet as _;
use pnet_packet::ethernet::EthernetPacket;
use pnet_packet::ipv4::Ipv4Packet;
use serde_json::{Value, json};

use super::probe::{Pinger, quoted_seq};
use super::{Experiment, Observed, Params, every_point};
use crate::vnet::VnetError;
use crate::vnet::capture::{Frame, Taps};
use crate::vnet::frames::{Upper, dissect};
use crate::vnet::network::Network;
use crate::vnet::topology::{A_IP, C_IP, Spec};

pub const TRACEROUTE: Experiment = Experiment {
    name: "traceroute",
    spec: Spec::standard,
    run: traceroute,
    takes_loss: false,
};

/// Unix traceroute's first port.
const FIRST_PORT: u16 = 33434;
/// The lab is two hops deep; stop well before this.
const MAX_TTL: u8 = 8;

/// The destination port quoted by an ICMP error frame.
fn quoted_port(frame: &Frame) -> Option<u16> {
    let eth = EthernetPacket::new(&frame.data)?;
    let ip = Ipv4Packet::new(eth.payload())?;
    quoted_seq(ip.payload())
}

fn traceroute(net: &mut Network, _: &Params) -> Result<Observed, VnetError> {
    let taps = Taps::open(net, &every_point())?;
    let pinger = Pinger::open(net, "A")?;
    net.enter("A")?;
    let io = |what| move |source| VnetError::Kernel { what, source };
    let udp = UdpSocket::bind(SocketAddr::new(IpAddr::V4(A_IP), 0)).map_err(io("UDP socket"))?;
    let mut answered = Vec::new();
    for ttl in 1..=MAX_TTL {
        let port = FIRST_PORT + u16::from(ttl) - 1;
        udp.set_ttl(u32::from(ttl)).map_err(io("TTL"))?;
        udp.send_to(
            b"nettutor traceroute probe",
            SocketAddr::new(IpAddr::V4(C_IP), port),
        )
        .map_err(io("send probe"))?;
        let answer = pinger.wait(|_, quoted| quoted == Some(port))?;
        answered.push((ttl, answer));
        if answer.kind == 3 {
            break;
        }
    }
    let frames = taps.finish();
    // The report: per probe, what the capture at A shows went out and came back.
    let mut probes: Vec<Value> = Vec::new();
    for f in frames.iter().filter(|f| f.point == "A:eth0") {
        let Some(seen) = dissect(f) else { continue };
        let (Some(ip), Some(Upper::Udp { dst, .. })) = (&seen.ip, &seen.upper) else {
            continue;
        };
        if !f.outgoing || ip.dst != C_IP {
            continue;
        }
        let answer = frames
            .iter()
            .filter(|a| a.point == "A:eth0" && !a.outgoing)
            .find_map(|a| {
                let s = dissect(a)?;
                let (Some(aip), Some(Upper::Icmp { kind, code, .. })) = (&s.ip, &s.upper) else {
                    return None;
                };
                (quoted_port(a) == Some(*dst)).then(|| {
                    json!({
                        "from": aip.src.to_string(), "icmp_type": kind, "icmp_code": code,
                    })
                })
            });
        // The probe as it reached C (TTL left), when it got that far.
        let at_c = frames.iter().filter(|c| c.point == "C:eth0").find_map(|c| {
            let s = dissect(c)?;
            match (&s.ip, &s.upper) {
                (Some(cip), Some(Upper::Udp { dst: d, .. })) if d == dst => Some(cip.ttl),
                _ => None,
            }
        });
        probes.push(json!({
            "ttl": ip.ttl, "dst_port": dst, "answer": answer, "ttl_at_c": at_c,
        }));
    }
    // The hops as the captured answers name them, in TTL order.
    let hops: Vec<Value> = probes.iter().map(|p| p["answer"]["from"].clone()).collect();
    let c = C_IP.to_string();
    let reached = probes.last().is_some_and(|p| {
        p["answer"]["from"].as_str() == Some(c.as_str()) && p["answer"]["icmp_type"] == 3
    });
    let report = json!({
        "from": A_IP.to_string(),
        "to": c,
        "hops": hops,
        "probes": probes,
        "reached": reached,
        "probes_sent": answered.len(),
    });
    Ok((report, frames))
}
