//! `arp-same-lan` (A pings B: broadcast request, unicast reply, A's cache and
//! the bridge's MAC table gain the entries, C never sees a frame) and
//! `arp-via-gateway` (A pings C: A ARPs for its gateway, the echo request
//! crosses R with TTL 64 → 63 and a new source MAC, the IPs unchanged).
//!
//! Each then does the same over IPv6 (a UDP datagram to B's, then C's
//! 2001:db8 address): no ARP and no broadcast, but a neighbour solicitation
//! to the target's solicited-node multicast group (ff02::1:ffXX:XXXX, MAC
//! 33:33:ff:XX:XX:XX) answered by a unicast neighbour advertisement; across R
//! the hop limit goes 64 → 63.

use serde_json::{Value, json};

use super::ipv6::{exchange, icmp6, is_nd, nd_json, ns_json, udp_in};
use super::probe::Pinger;
use super::{Experiment, Observed, Params, every_point, kernel, mac};
use crate::vnet::VnetError;
use crate::vnet::capture::Taps;
use crate::vnet::frames::{Seen, dissect_all};
use crate::vnet::network::Network;
use crate::vnet::state;
use crate::vnet::topology::{
    A_IP, A_IP6, B_IP, B_IP6, C_IP, C_IP6, R_LAN1_IP, R_LAN1_IP6, R_LAN2_IP6, Spec, end,
};

/// The IPv6 datagram's bytes.
const PAYLOAD6: &[u8] = b"nettutor over IPv6";

pub const SAME_LAN: Experiment = Experiment {
    name: "arp-same-lan",
    spec: Spec::standard,
    run: same_lan,
    takes_loss: false,
};

pub const VIA_GATEWAY: Experiment = Experiment {
    name: "arp-via-gateway",
    spec: Spec::standard,
    run: via_gateway,
    takes_loss: false,
};

/// The points (sorted, deduplicated) where a frame matching `pick` was seen.
pub fn seen_at(seen: &[Seen], pick: impl Fn(&Seen) -> bool) -> Vec<String> {
    let mut points: Vec<String> = seen
        .iter()
        .filter(|s| pick(s))
        .map(|s| s.point.clone())
        .collect();
    points.sort();
    points.dedup();
    points
}

fn arp_json(s: &Seen) -> Value {
    let arp = s.arp.as_ref();
    json!({
        "sender_ip": arp.map(|a| a.sender_ip.to_string()),
        "sender_mac": arp.map(|a| a.sender_mac.clone()),
        "target_ip": arp.map(|a| a.target_ip.to_string()),
        "src_mac": s.src_mac,
        "dst_mac": s.dst_mac,
        "broadcast": s.is_broadcast(),
    })
}

/// A switch fresh on: nothing learned yet (see [`state::flush_fdb`]).
fn fresh_switch(net: &mut Network) -> Result<(), VnetError> {
    state::flush_fdb(&mut net.host_mut("S")?.rtnl).map_err(kernel("flush the MAC table"))
}

fn same_lan(net: &mut Network, _: &Params) -> Result<Observed, VnetError> {
    fresh_switch(net)?;
    let taps = Taps::open(net, &every_point())?;
    let pinger = Pinger::open(net, "A")?;
    let answer = pinger.echo(B_IP, 64, 1)?;
    let to_b = udp_in(net, "B", B_IP6)?;
    let from_a = udp_in(net, "A", A_IP6)?;
    let delivered6 = exchange(&from_a, &to_b, PAYLOAD6)?;
    let frames = taps.finish();
    let seen = dissect_all(&frames);
    let a_mac = mac(net, end("A", "eth0"))?;
    let b_mac = mac(net, end("B", "eth0"))?;
    let is_request = |s: &Seen| {
        s.arp
            .as_ref()
            .is_some_and(|a| a.request && a.sender_ip == A_IP && a.target_ip == B_IP)
    };
    let is_reply = |s: &Seen| {
        s.arp
            .as_ref()
            .is_some_and(|a| !a.request && a.sender_ip == B_IP && a.target_ip == A_IP)
    };
    let request = seen.iter().find(|s| s.point == "A:eth0" && is_request(s));
    let reply = seen.iter().find(|s| s.point == "A:eth0" && is_reply(s));
    let host = net.host_mut("A")?;
    let names = host.names();
    let a_cache = state::neighbours(&mut host.rtnl, &names).map_err(kernel("ARP cache"))?;
    let switch = net.host_mut("S")?;
    let names = switch.names();
    let fdb: Vec<state::FdbEntry> = state::fdb(&mut switch.rtnl, &names)
        .map_err(kernel("bridge MAC table"))?
        .into_iter()
        .filter(|e| e.learned)
        .collect();
    let port_of = |m: &str| fdb.iter().find(|e| e.mac == m).map(|e| e.port.clone());
    let is_ns = |s: &Seen| is_nd(s, 135, B_IP6) && s.ip6.as_ref().is_some_and(|i| i.src == A_IP6);
    let is_na = |s: &Seen| is_nd(s, 136, B_IP6) && s.ip6.as_ref().is_some_and(|i| i.src == B_IP6);
    let ns = seen
        .iter()
        .find(|s| s.point == "A:eth0" && s.outgoing && is_ns(s));
    let na = seen
        .iter()
        .find(|s| s.point == "A:eth0" && !s.outgoing && is_na(s));
    let ipv6 = json!({
        "from": A_IP6.to_string(),
        "to": B_IP6.to_string(),
        "delivered": delivered6.as_deref() == Some(PAYLOAD6),
        "neighbour_solicitation": ns.map(ns_json),
        "neighbour_advertisement": na.map(nd_json),
        "solicitation_seen_at": seen_at(&seen, is_ns),
        "advertisement_seen_at": seen_at(&seen, is_na),
        "a_neighbour_cache": a_cache.iter().filter(|n| n.ip == std::net::IpAddr::V6(B_IP6)).collect::<Vec<_>>(),
    });
    let report = json!({
        "ping": { "from": A_IP.to_string(), "to": B_IP.to_string(), "answer_from": answer.from.to_string(), "answer_type": answer.kind },
        "macs": { "A": a_mac, "B": b_mac },
        "arp_request": request.map(arp_json),
        "arp_reply": reply.map(arp_json),
        "request_seen_at": seen_at(&seen, is_request),
        "reply_seen_at": seen_at(&seen, is_reply),
        "a_arp_cache": a_cache.iter().filter(|n| n.ip.is_ipv4()).collect::<Vec<_>>(),
        "bridge_fdb": fdb,
        "bridge_port_of_a": port_of(&a_mac),
        "bridge_port_of_b": port_of(&b_mac),
        "frames_from_a_at_c": seen.iter().filter(|s| s.point == "C:eth0" && s.src_mac == a_mac).count(),
        "frames_at_c": seen.iter().filter(|s| s.point == "C:eth0" && (s.arp.is_some() || s.ip.is_some())).count(),
        "ipv6": ipv6,
    });
    Ok((report, frames))
}

/// One hop's view of the echo request: the frame as a capture point saw it.
fn echo_json(s: &Seen) -> Value {
    let ip = s.ip.as_ref();
    json!({
        "point": s.point,
        "src_mac": s.src_mac,
        "dst_mac": s.dst_mac,
        "src_ip": ip.map(|i| i.src.to_string()),
        "dst_ip": ip.map(|i| i.dst.to_string()),
        "ttl": ip.map(|i| i.ttl),
    })
}

/// One hop's view of the IPv6 datagram.
fn datagram6_json(s: &Seen) -> Value {
    let ip = s.ip6.as_ref();
    json!({
        "point": s.point,
        "src_mac": s.src_mac,
        "dst_mac": s.dst_mac,
        "src_ip": ip.map(|i| i.src.to_string()),
        "dst_ip": ip.map(|i| i.dst.to_string()),
        "hop_limit": ip.map(|i| i.hop_limit),
    })
}

fn via_gateway(net: &mut Network, _: &Params) -> Result<Observed, VnetError> {
    fresh_switch(net)?;
    let taps = Taps::open(net, &every_point())?;
    let pinger = Pinger::open(net, "A")?;
    let answer = pinger.echo(C_IP, 64, 1)?;
    let to_c = udp_in(net, "C", C_IP6)?;
    let from_a = udp_in(net, "A", A_IP6)?;
    let delivered6 = exchange(&from_a, &to_c, PAYLOAD6)?;
    let frames = taps.finish();
    let seen = dissect_all(&frames);
    let a_arps: Vec<Value> = seen
        .iter()
        .filter(|s| s.point == "A:eth0" && s.outgoing && s.arp.as_ref().is_some_and(|a| a.request))
        .map(arp_json)
        .collect();
    let r_arps: Vec<Value> = seen
        .iter()
        .filter(|s| s.point == "R:eth1" && s.outgoing && s.arp.as_ref().is_some_and(|a| a.request))
        .map(arp_json)
        .collect();
    let is_echo = |s: &Seen| {
        s.icmp(8)
            && s.ip
                .as_ref()
                .is_some_and(|i| i.src == A_IP && i.dst == C_IP)
    };
    let lan1 = seen
        .iter()
        .find(|s| s.point == "R:eth0" && !s.outgoing && is_echo(s));
    let lan2 = seen.iter().find(|s| s.point == "C:eth0" && is_echo(s));
    let host = net.host_mut("A")?;
    let names = host.names();
    let a_cache = state::neighbours(&mut host.rtnl, &names).map_err(kernel("ARP cache"))?;
    // The datagram on each side of R: UDP from A's to C's IPv6 address.
    let is_datagram = |s: &Seen| {
        s.ip6
            .as_ref()
            .is_some_and(|i| i.src == A_IP6 && i.dst == C_IP6 && i.next == 17)
    };
    let hop = |point: &str| {
        seen.iter()
            .find(|s| s.point == point && !s.outgoing && is_datagram(s))
            .map(datagram6_json)
    };
    let solicitations = |point: &str| -> Vec<Value> {
        seen.iter()
            .filter(|s| s.point == point && s.outgoing && icmp6(s, 135).is_some())
            .filter(|s| s.ip6.as_ref().is_some_and(|i| !i.src.is_unspecified()))
            .map(ns_json)
            .collect()
    };
    let r_na = seen
        .iter()
        .find(|s| s.point == "A:eth0" && !s.outgoing && is_nd(s, 136, R_LAN1_IP6));
    let ipv6 = json!({
        "from": A_IP6.to_string(),
        "to": C_IP6.to_string(),
        "gateway": R_LAN1_IP6.to_string(),
        "delivered": delivered6.as_deref() == Some(PAYLOAD6),
        "a_solicitations": solicitations("A:eth0"),
        "r_solicitations": solicitations("R:eth1"),
        "r_advertisement": r_na.map(nd_json),
        "datagram_lan1": hop("R:eth0"),
        "datagram_lan2": hop("C:eth0"),
        "r_lan2_address": R_LAN2_IP6.to_string(),
    });
    let report = json!({
        "ping": { "from": A_IP.to_string(), "to": C_IP.to_string(), "answer_from": answer.from.to_string(), "answer_type": answer.kind },
        "gateway": R_LAN1_IP.to_string(),
        "macs": {
            "A": mac(net, end("A", "eth0"))?,
            "R_eth0": mac(net, end("R", "eth0"))?,
            "R_eth1": mac(net, end("R", "eth1"))?,
            "C": mac(net, end("C", "eth0"))?,
        },
        "a_arp_requests": a_arps,
        "r_arp_requests": r_arps,
        "a_arp_cache": a_cache.iter().filter(|n| n.ip.is_ipv4()).collect::<Vec<_>>(),
        "echo_lan1": lan1.map(echo_json),
        "echo_lan2": lan2.map(echo_json),
        "ipv6": ipv6,
    });
    Ok((report, frames))
}
