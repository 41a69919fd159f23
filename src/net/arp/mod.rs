//! A small LAN as data: hosts A, B, C and a gateway router on one switch. A switch
//! that learns MAC addresses and NICs that filter frames are simulated, so which
//! ports a frame leaves by and who keeps or drops it is computed, not scripted.
//!
//! Addresses (examples only): LAN 192.168.1.0/24 (RFC 1918 private), A .10, B .20,
//! C .30, router .1; a remote host 203.0.113.7 (TEST-NET-3, RFC 5737); MACs
//! 02:00:00:00:00:0a/0b/0c and 02:00:00:00:00:01 (locally administered).

mod case;
mod scenario;

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use pnet_packet::Packet;
use pnet_packet::arp::{ArpOperations, ArpPacket};
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};

use crate::net::frame::MacAddr;

pub use case::{LanCase, LanCaseError};
pub use scenario::{Caption, LanScenario, LanStep, SameNetworkCheck, scenario, story};

/// The nodes of the drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeId {
    A,
    B,
    C,
    Router,
}

impl NodeId {
    pub const ALL: [NodeId; 4] = [NodeId::A, NodeId::B, NodeId::C, NodeId::Router];

    /// The name shown in the drawing and the captions.
    pub fn name(self) -> &'static str {
        match self {
            NodeId::A => "A",
            NodeId::B => "B",
            NodeId::C => "C",
            NodeId::Router => "R",
        }
    }
}

/// A host (or the router's LAN interface) plugged into the switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanNode {
    pub id: NodeId,
    pub mac: MacAddr,
    pub ip: Ipv4Addr,
    /// The switch port the cable goes to (1-based).
    pub port: u8,
    /// Multicast groups the NIC accepts (besides broadcast and its own MAC).
    pub groups: Vec<MacAddr>,
}

/// The LAN: its prefix, nodes, gateway and a remote address beyond the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lan {
    pub net: Ipv4Net,
    pub nodes: Vec<LanNode>,
    pub gateway: Ipv4Addr,
    /// An address on another network, reached through the gateway.
    pub remote: Ipv4Addr,
}

/// The mDNS group 224.0.0.251 and its Ethernet multicast MAC 01:00:5e:00:00:fb
/// (01:00:5e + the low 23 bits of the group address).
pub const MDNS_GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
pub const MDNS_MAC: MacAddr = MacAddr(0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb);

impl Default for Lan {
    fn default() -> Self {
        let node = |id, last: u8, host: u8, port, groups: Vec<MacAddr>| LanNode {
            id,
            mac: MacAddr(0x02, 0, 0, 0, 0, last),
            ip: Ipv4Addr::new(192, 168, 1, host),
            port,
            groups,
        };
        Lan {
            net: Ipv4Net::new(Ipv4Addr::new(192, 168, 1, 0), 24).unwrap_or_default(),
            nodes: vec![
                node(NodeId::A, 0x0a, 10, 1, vec![MDNS_MAC]),
                node(NodeId::B, 0x0b, 20, 2, vec![MDNS_MAC]),
                node(NodeId::C, 0x0c, 30, 3, Vec::new()),
                node(NodeId::Router, 0x01, 1, 4, Vec::new()),
            ],
            gateway: Ipv4Addr::new(192, 168, 1, 1),
            remote: Ipv4Addr::new(203, 0, 113, 7),
        }
    }
}

impl Lan {
    pub fn node(&self, id: NodeId) -> Option<&LanNode> {
        self.nodes.iter().find(|n| n.id == id)
    }

    fn by_port(&self, port: u8) -> Option<&LanNode> {
        self.nodes.iter().find(|n| n.port == port)
    }

    /// The subnet mask of the LAN, e.g. 255.255.255.0.
    pub fn mask(&self) -> Ipv4Addr {
        self.net.netmask()
    }
}

/// How the switch sent a frame on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// ff:ff:ff:ff:ff:ff: out of every port but the one it came in on.
    Broadcast,
    /// A multicast MAC: flooded (224.0.0.0/24 is always flooded, RFC 4541).
    Multicast,
    /// A known unicast MAC: out of that one port.
    Unicast,
    /// A unicast MAC the switch has not learned yet: flooded like a broadcast.
    UnknownUnicast,
}

/// What a NIC/stack did with a frame that reached it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reaction {
    Accepted,
    /// The destination MAC is not ours, not broadcast, not a group we joined.
    DroppedByNic,
    /// An ARP request for someone else's IP: read, then ignored.
    NotMyIp,
}

/// A learning switch: a MAC table of (MAC, port), filled from source addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Switch {
    pub table: Vec<(MacAddr, u8)>,
}

impl Switch {
    /// Learns the source MAC and returns how and out of which ports the frame goes.
    pub fn forward(&mut self, in_port: u8, frame: &[u8], ports: &[u8]) -> (Delivery, Vec<u8>) {
        let Some(eth) = EthernetPacket::new(frame) else {
            return (Delivery::UnknownUnicast, Vec::new());
        };
        let src = eth.get_source();
        match self.table.iter_mut().find(|(mac, _)| *mac == src) {
            Some(entry) => entry.1 = in_port,
            None => self.table.push((src, in_port)),
        }
        let dst = eth.get_destination();
        let others: Vec<u8> = ports.iter().copied().filter(|p| *p != in_port).collect();
        if dst.is_broadcast() {
            (Delivery::Broadcast, others)
        } else if dst.is_multicast() {
            (Delivery::Multicast, others)
        } else if let Some((_, port)) = self.table.iter().find(|(mac, _)| *mac == dst) {
            // Never send a frame back out of the port it arrived on.
            let out = if *port == in_port {
                Vec::new()
            } else {
                vec![*port]
            };
            (Delivery::Unicast, out)
        } else {
            (Delivery::UnknownUnicast, others)
        }
    }
}

/// What `node` does with `frame`: the NIC filter first, then (for ARP) the target IP.
pub fn react(node: &LanNode, frame: &[u8]) -> Reaction {
    let Some(eth) = EthernetPacket::new(frame) else {
        return Reaction::DroppedByNic;
    };
    let dst = eth.get_destination();
    let for_me = dst == node.mac || dst.is_broadcast() || node.groups.contains(&dst);
    if !for_me {
        return Reaction::DroppedByNic;
    }
    if eth.get_ethertype() == EtherTypes::Arp
        && let Some(arp) = ArpPacket::new(eth.payload())
        && arp.get_operation() == ArpOperations::Request
        && arp.get_target_proto_addr() != node.ip
    {
        return Reaction::NotMyIp;
    }
    Reaction::Accepted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::frame::{ArpSpec, build_arp_frame};

    #[test]
    fn switch_floods_broadcast_learns_and_then_unicasts() {
        let lan = Lan::default();
        let (a, b) = (lan.node(NodeId::A).unwrap(), lan.node(NodeId::B).unwrap());
        let mut switch = Switch::default();
        let request = build_arp_frame(&ArpSpec::request(a.mac, a.ip, b.ip));
        assert_eq!(
            switch.forward(1, &request, &[1, 2, 3, 4]),
            (Delivery::Broadcast, vec![2, 3, 4])
        );
        let reply = build_arp_frame(&ArpSpec::reply(b.mac, b.ip, a.mac, a.ip));
        assert_eq!(
            switch.forward(2, &reply, &[1, 2, 3, 4]),
            (Delivery::Unicast, vec![1])
        );
        assert_eq!(switch.table, vec![(a.mac, 1), (b.mac, 2)]);
        // A frame to a MAC nobody has sent from yet is flooded.
        let to_c = build_arp_frame(&ArpSpec::reply(
            a.mac,
            a.ip,
            MacAddr(2, 0, 0, 0, 0, 0x0c),
            lan.node(NodeId::C).unwrap().ip,
        ));
        assert_eq!(
            switch.forward(1, &to_c, &[1, 2, 3, 4]).0,
            Delivery::UnknownUnicast
        );
    }

    #[test]
    fn only_the_owner_of_the_target_ip_accepts_an_arp_request() {
        let lan = Lan::default();
        let a = lan.node(NodeId::A).unwrap();
        let request = build_arp_frame(&ArpSpec::request(a.mac, a.ip, lan.gateway));
        let reactions: Vec<Reaction> = [NodeId::B, NodeId::C, NodeId::Router]
            .iter()
            .map(|id| react(lan.node(*id).unwrap(), &request))
            .collect();
        assert_eq!(
            reactions,
            [Reaction::NotMyIp, Reaction::NotMyIp, Reaction::Accepted]
        );
    }
}
