//! The two ARP stories as a list of steps, computed by running the simulated
//! switch and NICs: "A wants B" on the same network, and "A wants a remote host",
//! which goes through the gateway. Captions are i18n keys with their values.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};

use ipnet::Ipv4Net;
use pnet_packet::Packet;
use pnet_packet::arp::{ArpOperations, ArpPacket};
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};

use super::{Delivery, Lan, MDNS_GROUP, MDNS_MAC, NodeId, Reaction, Switch, react};
use crate::i18n::{Lang, tf};
use crate::net::frame::{
    ArpSpec, FrameError, MacAddr, UdpDatagramSpec, build_arp_frame, build_udp_frame,
    build_udp_frame_with_ttl,
};

/// Which story to tell.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::VariantNames,
)]
#[strum(serialize_all = "kebab-case")]
pub enum LanScenario {
    /// A sends to B on its own network.
    SameNetwork,
    /// A sends to a host on another network, through the gateway.
    ViaGateway,
}

impl LanScenario {
    pub const ALL: &'static [LanScenario] = <LanScenario as strum::VariantArray>::VARIANTS;

    /// Every name, in the same order.
    pub const NAMES: &'static [&'static str] = <LanScenario as strum::VariantNames>::VARIANTS;

    /// The name used on the command line and in lesson files.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

impl std::str::FromStr for LanScenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LanScenario::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown scenario '{s}' (one of: {})",
                    LanScenario::NAMES.join(", ")
                )
            })
    }
}

/// A caption: an i18n key and the values for its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Caption {
    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tf(lang, self.key, &args)
    }
}

/// "Is the destination on my network?": both addresses ANDed with the mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SameNetworkCheck {
    pub own_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub mask: Ipv4Addr,
    pub own_net: Ipv4Addr,
    pub dst_net: Ipv4Addr,
    pub same: bool,
}

impl SameNetworkCheck {
    /// ANDs both addresses with the mask of `prefix` bits (math by ipnet).
    pub fn new(own_ip: Ipv4Addr, dst_ip: Ipv4Addr, prefix: u8) -> SameNetworkCheck {
        let net = |ip| Ipv4Net::new(ip, prefix).map(|n| n.network()).unwrap_or(ip);
        let mask = Ipv4Net::new(own_ip, prefix)
            .map(|n| n.netmask())
            .unwrap_or(Ipv4Addr::BROADCAST);
        let (own_net, dst_net) = (net(own_ip), net(dst_ip));
        SameNetworkCheck {
            own_ip,
            dst_ip,
            mask,
            own_net,
            dst_net,
            same: own_net == dst_net,
        }
    }
}

/// One moment of the story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanStep {
    pub caption: Caption,
    /// Who sent the frame of this step.
    pub from: Option<NodeId>,
    /// The real frame on the wire in this step (none for "thinking" steps).
    pub frame: Option<Vec<u8>>,
    pub delivery: Option<Delivery>,
    /// Switch ports the frame left by.
    pub out_ports: Vec<u8>,
    /// What each receiving node did (empty while the frame is still travelling).
    pub reactions: Vec<(NodeId, Reaction)>,
    /// The switch's MAC table after this step.
    pub mac_table: Vec<(MacAddr, u8)>,
    /// Every node's ARP cache after this step.
    pub arp_caches: BTreeMap<NodeId, Vec<(Ipv4Addr, MacAddr)>>,
    pub check: Option<SameNetworkCheck>,
}

struct Sim {
    lan: Lan,
    switch: Switch,
    caches: BTreeMap<NodeId, Vec<(Ipv4Addr, MacAddr)>>,
    steps: Vec<LanStep>,
}

fn caption(key: &'static str, args: &[(&'static str, String)]) -> Caption {
    Caption {
        key,
        args: args.to_vec(),
    }
}

impl Sim {
    fn new(lan: Lan) -> Sim {
        Sim {
            caches: lan.nodes.iter().map(|n| (n.id, Vec::new())).collect(),
            lan,
            switch: Switch::default(),
            steps: Vec::new(),
        }
    }

    fn note(&mut self, caption: Caption, check: Option<SameNetworkCheck>) {
        self.steps.push(LanStep {
            caption,
            from: None,
            frame: None,
            delivery: None,
            out_ports: Vec::new(),
            reactions: Vec::new(),
            mac_table: self.switch.table.clone(),
            arp_caches: self.caches.clone(),
            check,
        });
    }

    /// Sends `frame` from `from` through the switch; returns the receivers' reactions.
    fn send(&mut self, from: NodeId, frame: Vec<u8>, caption: Caption) -> Vec<(NodeId, Reaction)> {
        let ports: Vec<u8> = self.lan.nodes.iter().map(|n| n.port).collect();
        let in_port = self.lan.node(from).map_or(0, |n| n.port);
        let (delivery, out_ports) = self.switch.forward(in_port, &frame, &ports);
        let mut reactions = Vec::new();
        for port in &out_ports {
            if let Some(node) = self.lan.by_port(*port) {
                let reaction = react(node, &frame);
                if reaction == Reaction::Accepted {
                    learn_from_arp(&mut self.caches, node.id, node.ip, &frame);
                }
                reactions.push((node.id, reaction));
            }
        }
        self.steps.push(LanStep {
            caption,
            from: Some(from),
            frame: Some(frame),
            delivery: Some(delivery),
            out_ports,
            reactions: reactions.clone(),
            mac_table: self.switch.table.clone(),
            arp_caches: self.caches.clone(),
            check: None,
        });
        reactions
    }
}

/// RFC 826: the target of a request, and the asker receiving a reply, store the
/// sender's IP → MAC. Others do not add entries.
fn learn_from_arp(
    caches: &mut BTreeMap<NodeId, Vec<(Ipv4Addr, MacAddr)>>,
    node: NodeId,
    node_ip: Ipv4Addr,
    frame: &[u8],
) {
    let Some(eth) = EthernetPacket::new(frame) else {
        return;
    };
    if eth.get_ethertype() != EtherTypes::Arp {
        return;
    }
    let Some(arp) = ArpPacket::new(eth.payload()) else {
        return;
    };
    let op = arp.get_operation();
    if arp.get_target_proto_addr() == node_ip
        && (op == ArpOperations::Request || op == ArpOperations::Reply)
    {
        let entry = (arp.get_sender_proto_addr(), arp.get_sender_hw_addr());
        let cache = caches.entry(node).or_default();
        cache.retain(|(ip, _)| *ip != entry.0);
        cache.push(entry);
    }
}

/// An mDNS query (RFC 6762) for `name`, type A, class IN: a real DNS message.
fn mdns_query(name: &str) -> Vec<u8> {
    // ID 0, flags 0 (standard query), 1 question, no other records.
    let mut out = vec![0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name.split('.') {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.extend_from_slice(&[0, 0, 1, 0, 1]);
    out
}

fn names(reactions: &[(NodeId, Reaction)], want: Reaction) -> String {
    reactions
        .iter()
        .filter(|(_, r)| *r == want)
        .map(|(id, _)| id.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The steps of a scenario on the default LAN.
pub fn scenario(kind: LanScenario) -> Result<Vec<LanStep>, FrameError> {
    let lan = Lan::default();
    let dst = match kind {
        LanScenario::SameNetwork => lan.node(NodeId::B).map_or(lan.remote, |b| b.ip),
        LanScenario::ViaGateway => lan.remote,
    };
    story(lan, dst)
}

/// The steps of A sending one datagram to `dst` on `lan`: A ANDs both
/// addresses with its mask and decides; the story follows from that decision
/// (ARP for `dst` itself, or for the gateway and hand the frame to the router).
pub fn story(lan: Lan, dst: Ipv4Addr) -> Result<Vec<LanStep>, FrameError> {
    let Some(a) = lan.node(NodeId::A).cloned() else {
        return Err(FrameError::Internal);
    };
    let prefix = lan.net.prefix_len();
    let mask = lan.mask();
    let gateway = lan.gateway;
    let check = SameNetworkCheck::new(a.ip, dst, prefix);
    let next_hop = if check.same {
        lan.nodes.iter().find(|n| n.ip == dst && n.id != NodeId::A)
    } else {
        lan.node(NodeId::Router)
    };
    let Some(next_hop) = next_hop.cloned() else {
        return Err(FrameError::Internal);
    };
    let dst_ip = dst;
    let mut sim = Sim::new(lan);
    let decide_args = [
        ("dst", dst_ip.to_string()),
        ("own", a.ip.to_string()),
        ("mask", mask.to_string()),
        ("dst_net", check.dst_net.to_string()),
        ("own_net", check.own_net.to_string()),
        ("gw", gateway.to_string()),
    ];
    let decide_key = if check.same {
        "lan.cap.decide-direct"
    } else {
        "lan.cap.decide-gateway"
    };
    sim.note(caption(decide_key, &decide_args), Some(check));

    let request = build_arp_frame(&ArpSpec::request(a.mac, a.ip, next_hop.ip));
    let flood_args = [
        ("target", next_hop.ip.to_string()),
        ("sender", a.ip.to_string()),
        ("mac", a.mac.to_string()),
        ("port", a.port.to_string()),
    ];
    let caches_before = sim.caches.clone();
    let reactions = sim.send(
        NodeId::A,
        request,
        caption("lan.cap.arp-request", &flood_args),
    );
    // Show the broadcast in flight first, then what every receiver does with it.
    if let Some(last) = sim.steps.last().cloned() {
        let mut in_flight = last.clone();
        in_flight.reactions.clear();
        in_flight.arp_caches = caches_before;
        let n = sim.steps.len();
        sim.steps[n - 1] = in_flight;
        let mut checked = last;
        checked.caption = caption(
            "lan.cap.arp-check",
            &[
                ("target", next_hop.ip.to_string()),
                ("owner", next_hop.id.name().to_string()),
                ("others", names(&reactions, Reaction::NotMyIp)),
                ("sender", a.ip.to_string()),
                ("mac", a.mac.to_string()),
            ],
        );
        sim.steps.push(checked);
    }

    let reply = build_arp_frame(&ArpSpec::reply(next_hop.mac, next_hop.ip, a.mac, a.ip));
    sim.send(
        next_hop.id,
        reply,
        caption(
            "lan.cap.arp-reply",
            &[
                ("owner", next_hop.id.name().to_string()),
                ("target", next_hop.ip.to_string()),
                ("mac", next_hop.mac.to_string()),
                ("port", next_hop.port.to_string()),
                ("out", a.port.to_string()),
            ],
        ),
    );
    sim.note(
        caption(
            "lan.cap.cached",
            &[
                ("ip", next_hop.ip.to_string()),
                ("mac", next_hop.mac.to_string()),
            ],
        ),
        None,
    );

    let packet = build_udp_frame(&UdpDatagramSpec {
        src_mac: a.mac,
        dst_mac: next_hop.mac,
        src: SocketAddr::new(a.ip.into(), 49152),
        dst: SocketAddr::new(dst_ip.into(), 7),
        payload: b"hello",
    })?;
    let deliver_key = if check.same {
        "lan.cap.deliver-direct"
    } else {
        "lan.cap.deliver-gateway"
    };
    sim.send(
        NodeId::A,
        packet,
        caption(
            deliver_key,
            &[
                ("mac", next_hop.mac.to_string()),
                ("dst", dst_ip.to_string()),
                ("port", next_hop.port.to_string()),
            ],
        ),
    );

    match check.same {
        false => sim.note(
            caption("lan.cap.router-forwards", &[("dst", dst_ip.to_string())]),
            None,
        ),
        true => {
            let query = build_udp_frame_with_ttl(
                &UdpDatagramSpec {
                    src_mac: a.mac,
                    dst_mac: MDNS_MAC,
                    src: SocketAddr::new(a.ip.into(), 5353),
                    dst: SocketAddr::new(MDNS_GROUP.into(), 5353),
                    payload: &mdns_query("host-b.local"),
                },
                255,
            )?;
            let reactions = sim.send(NodeId::A, query, caption("lan.cap.multicast", &[]));
            let members = names(&reactions, Reaction::Accepted);
            let others = names(&reactions, Reaction::DroppedByNic);
            if let Some(step) = sim.steps.last_mut() {
                step.caption = caption(
                    "lan.cap.multicast",
                    &[
                        ("group", MDNS_GROUP.to_string()),
                        ("gmac", MDNS_MAC.to_string()),
                        ("members", members),
                        ("others", others),
                    ],
                );
            }
        }
    }
    Ok(sim.steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::has;

    #[test]
    fn same_network_story_floods_the_request_and_unicasts_the_rest() {
        let steps = scenario(LanScenario::SameNetwork).unwrap();
        let kinds: Vec<_> = steps.iter().map(|s| s.delivery).collect();
        assert_eq!(
            kinds,
            [
                None,
                Some(Delivery::Broadcast),
                Some(Delivery::Broadcast),
                Some(Delivery::Unicast),
                None,
                Some(Delivery::Unicast),
                Some(Delivery::Multicast),
            ]
        );
        assert!(steps[0].check.unwrap().same);
        assert_eq!(steps[1].out_ports, [2, 3, 4]);
        assert!(steps[1].reactions.is_empty());
        assert_eq!(
            steps[2].reactions,
            [
                (NodeId::B, Reaction::Accepted),
                (NodeId::C, Reaction::NotMyIp),
                (NodeId::Router, Reaction::NotMyIp)
            ]
        );
        // The reply leaves by A's port only; A caches B; B had cached A from the request.
        assert_eq!(steps[3].out_ports, [1]);
        let b_mac = MacAddr(2, 0, 0, 0, 0, 0x0b);
        let a_mac = MacAddr(2, 0, 0, 0, 0, 0x0a);
        assert_eq!(
            steps[4].arp_caches[&NodeId::A],
            [(Ipv4Addr::new(192, 168, 1, 20), b_mac)]
        );
        assert_eq!(
            steps[2].arp_caches[&NodeId::B],
            [(Ipv4Addr::new(192, 168, 1, 10), a_mac)]
        );
        assert!(steps[2].arp_caches[&NodeId::C].is_empty());
        assert_eq!(steps[5].out_ports, [2]);
        assert_eq!(steps[5].mac_table, [(a_mac, 1), (b_mac, 2)]);
        // Multicast: flooded, accepted only by the group member B, dropped by C and R.
        assert_eq!(
            steps[6].reactions,
            [
                (NodeId::B, Reaction::Accepted),
                (NodeId::C, Reaction::DroppedByNic),
                (NodeId::Router, Reaction::DroppedByNic)
            ]
        );
    }

    #[test]
    fn via_gateway_story_arps_for_the_router_and_keeps_the_remote_ip() {
        let steps = scenario(LanScenario::ViaGateway).unwrap();
        let check = steps[0].check.unwrap();
        assert!(!check.same);
        assert_eq!(check.dst_net, Ipv4Addr::new(203, 0, 113, 0));
        assert_eq!(check.own_net, Ipv4Addr::new(192, 168, 1, 0));
        let request = crate::net::frame::dissect(steps[1].frame.as_ref().unwrap());
        assert_eq!(
            request.field("arp.dst.proto_ipv4").unwrap().shown,
            "192.168.1.1"
        );
        let packet = crate::net::frame::dissect(steps[5].frame.as_ref().unwrap());
        assert_eq!(
            packet.field("eth.dst").unwrap().raw,
            Some(0x02_00_00_00_00_01)
        );
        assert_eq!(packet.field("ip.dst").unwrap().shown, "203.0.113.7");
        assert_eq!(steps[5].out_ports, [4]);
    }

    #[test]
    fn every_caption_exists_in_both_languages_and_fills_its_placeholders() {
        for &kind in LanScenario::ALL {
            for step in scenario(kind).unwrap() {
                assert!(has(step.caption.key), "{}", step.caption.key);
                for lang in Lang::ALL {
                    let text = step.caption.text(lang);
                    assert!(!text.contains('{'), "{lang}: {text}");
                }
            }
        }
    }
}
