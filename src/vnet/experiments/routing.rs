//! `routing`: the routing tables of A and R as the kernel holds them, and the
//! longest-prefix match at work — A's route to C is its default route (/0)
//! through R, until a more specific route (192.168.2.0/24 through B) is
//! added: the kernel then picks the /24, and the captured echo request leaves
//! A addressed to B's MAC instead of R's.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::json;

use super::probe::Pinger;
use super::{Experiment, Observed, Params, kernel, mac};
use crate::vnet::VnetError;
use crate::vnet::capture::{Frame, Taps};
use crate::vnet::frames::dissect;
use crate::vnet::network::{Network, route_message};
use crate::vnet::state;
use crate::vnet::topology::{A_IP, B_IP, C_IP, LAN2, Spec, end};

pub const ROUTING: Experiment = Experiment {
    name: "routing",
    spec: Spec::standard,
    run: routing,
    takes_loss: false,
};

/// The destination MAC of the `seq`-th echo request A sent to C.
fn echo_dst_mac(frames: &[Frame], seq: u16) -> Option<String> {
    frames
        .iter()
        .filter(|f| f.point == "A:eth0" && f.outgoing)
        .find_map(|f| {
            let s = dissect(f)?;
            let ip = s.ip.as_ref()?;
            let seq_here = f
                .data
                .get(14 + 20 + 6..14 + 20 + 8)
                .map(|b| u16::from_be_bytes([b[0], b[1]]));
            (s.icmp(8) && ip.dst == C_IP && seq_here == Some(seq)).then(|| s.dst_mac.clone())
        })
}

fn routing(net: &mut Network, _: &Params) -> Result<Observed, VnetError> {
    let mut taps = Taps::open(net, &[end("A", "eth0"), end("B", "eth0")])?;
    let tables = |net: &mut Network, host: &str| -> Result<Vec<state::Route>, VnetError> {
        let h = net.host_mut(host)?;
        let names = h.names();
        state::main_routes(&mut h.rtnl, &names).map_err(kernel("routing table"))
    };
    let lookup = |net: &mut Network| -> Result<state::Route, VnetError> {
        let h = net.host_mut("A")?;
        let names = h.names();
        state::route_to(&mut h.rtnl, &names, IpAddr::V4(C_IP)).map_err(kernel("route lookup"))
    };
    let a_table = tables(net, "A")?;
    let r_table = tables(net, "R")?;
    let before = lookup(net)?;
    let pinger = Pinger::open(net, "A")?;
    pinger.echo(C_IP, 64, 1)?;

    // The more specific route: LAN 2 through B (which does not forward).
    let specific = ipnet::IpNet::new(IpAddr::V4(LAN2), 24).unwrap_or_default();
    net.host_mut("A")?
        .rtnl
        .create(netlink_packet_route::RouteNetlinkMessage::NewRoute(
            route_message(specific, IpAddr::V4(B_IP)),
        ))
        .map_err(kernel("add route"))?;
    let after = lookup(net)?;
    let a_table_after = tables(net, "A")?;
    // B drops what it does not forward: no answer comes, the capture is the proof.
    pinger.send_echo(C_IP, 64, 2)?;
    let b_mac = mac(net, end("B", "eth0"))?;
    let reached_b = taps.wait_for(
        |f| f.point == "B:eth0" && dissect(f).is_some_and(|s| s.icmp(8) && s.dst_mac == b_mac),
        Duration::from_secs(2),
    );
    let frames = taps.finish();
    let report = json!({
        "destination": C_IP.to_string(),
        "a_routes": a_table,
        "r_routes": r_table,
        "added_route": { "dest": specific.to_string(), "via": B_IP.to_string() },
        "a_routes_after": a_table_after,
        "chosen_before": before,
        "chosen_after": after,
        "next_hop_before": before.via.map(|v| v.to_string()),
        "next_hop_after": after.via.map(|v| v.to_string()),
        "echo_dst_mac_before": echo_dst_mac(&frames, 1),
        "echo_dst_mac_after": echo_dst_mac(&frames, 2),
        "macs": { "R_eth0": mac(net, end("R", "eth0"))?, "B": b_mac },
        "echo_reached_b": reached_b,
        "source": A_IP.to_string(),
    });
    Ok((report, frames))
}
