//! A case typed by the student — A's address and mask, the destination, A's
//! gateway — turned into a LAN to simulate: A, a bystander C and the router on
//! A's network, and the destination either on it (B) or beyond the router.
//! As a panel argument: `own=10.20.30.40/27 dst=10.20.30.99 gateway=10.20.30.33`.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::{Lan, LanNode, MDNS_MAC, NodeId};
use crate::i18n::{Lang, tf};
use crate::net::frame::MacAddr;

/// The addresses of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanCase {
    /// A, the sender, and its prefix length (its mask).
    pub own: Ipv4Addr,
    pub prefix: u8,
    /// Where A sends to.
    pub dst: Ipv4Addr,
    /// A's default gateway; without one, the first host of A's network that is
    /// neither A nor the destination stands in (the usual convention).
    pub gateway: Option<Ipv4Addr>,
}

/// Why a case cannot be simulated on one LAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LanCaseError {
    /// A word of the argument that is not `own=`, `dst=` or `gateway=` with a value.
    Syntax(String),
    /// `own=` or `dst=` is missing.
    Missing(&'static str),
    /// A and the destination are the same address.
    SameAddress(Ipv4Addr),
    /// The address is A's network address or its broadcast address.
    NotAHost(Ipv4Addr),
    /// The gateway is not on A's network.
    GatewayOutside(Ipv4Addr),
    /// A's network has no address left for a gateway (/31, /32).
    NoRoomForGateway,
}

impl LanCaseError {
    pub fn message(&self, lang: Lang) -> String {
        let (key, ip) = match self {
            LanCaseError::Syntax(word) => return tf(lang, "lan.case.syntax", &[("word", word)]),
            LanCaseError::Missing(what) => return tf(lang, "lan.case.missing", &[("what", what)]),
            LanCaseError::SameAddress(ip) => ("lan.case.same", ip),
            LanCaseError::NotAHost(ip) => ("lan.case.not-host", ip),
            LanCaseError::GatewayOutside(ip) => ("lan.case.gw-outside", ip),
            LanCaseError::NoRoomForGateway => return tf(lang, "lan.case.no-gateway", &[]),
        };
        tf(lang, key, &[("ip", &ip.to_string())])
    }
}

impl fmt::Display for LanCaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for LanCaseError {}

impl fmt::Display for LanCase {
    /// The panel argument that opens this case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "own={}/{} dst={}", self.own, self.prefix, self.dst)?;
        if let Some(g) = self.gateway {
            write!(f, " gateway={g}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for LanCase {
    type Err = LanCaseError;

    fn from_str(s: &str) -> Result<LanCase, LanCaseError> {
        let (mut own, mut dst, mut gateway) = (None, None, None);
        for word in s.split_whitespace() {
            let bad = || LanCaseError::Syntax(word.to_string());
            match word.split_once('=') {
                Some(("own", v)) => own = Some(v.parse::<Ipv4Net>().map_err(|_| bad())?),
                Some(("dst", v)) => dst = Some(v.parse::<Ipv4Addr>().map_err(|_| bad())?),
                Some(("gateway", v)) => gateway = Some(v.parse::<Ipv4Addr>().map_err(|_| bad())?),
                _ => return Err(bad()),
            }
        }
        let own = own.ok_or(LanCaseError::Missing("own="))?;
        Ok(LanCase {
            own: own.addr(),
            prefix: own.prefix_len(),
            dst: dst.ok_or(LanCaseError::Missing("dst="))?,
            gateway,
        })
    }
}

/// A MAC for a node: locally administered, the same for a node in every case.
fn mac_of(id: NodeId) -> MacAddr {
    let last = match id {
        NodeId::A => 0x0a,
        NodeId::B => 0x0b,
        NodeId::C => 0x0c,
        NodeId::Router => 0x01,
    };
    MacAddr(0x02, 0, 0, 0, 0, last)
}

fn node(id: NodeId, ip: Ipv4Addr) -> LanNode {
    let port = match id {
        NodeId::A => 1,
        NodeId::B => 2,
        NodeId::C => 3,
        NodeId::Router => 4,
    };
    // A and B join the mDNS group, as hosts running a resolver do.
    let groups = if matches!(id, NodeId::A | NodeId::B) {
        vec![MDNS_MAC]
    } else {
        Vec::new()
    };
    LanNode {
        id,
        mac: mac_of(id),
        ip,
        port,
        groups,
    }
}

impl LanCase {
    /// A's network (ipnet does the AND).
    pub fn network(&self) -> Ipv4Net {
        Ipv4Net::new(self.own, self.prefix.min(32))
            .map(|n| n.trunc())
            .unwrap_or_default()
    }

    /// Whether `ip` is a usable host of A's network (not its network or
    /// broadcast address; /31 and /32 have no such addresses, RFC 3021).
    fn is_host(&self, ip: Ipv4Addr) -> bool {
        let net = self.network();
        net.contains(&ip)
            && (net.prefix_len() >= 31 || (ip != net.network() && ip != net.broadcast()))
    }

    /// Whether A delivers directly: (A AND mask) == (dst AND mask).
    pub fn same_network(&self) -> bool {
        self.network().contains(&self.dst)
    }

    /// The LAN that shows this case: A, B (when the destination is on A's
    /// network), a bystander C when an address is left, and the router.
    pub fn lan(&self) -> Result<Lan, LanCaseError> {
        let net = self.network();
        if self.own == self.dst {
            return Err(LanCaseError::SameAddress(self.dst));
        }
        if !self.is_host(self.own) {
            return Err(LanCaseError::NotAHost(self.own));
        }
        let same = self.same_network();
        if same && !self.is_host(self.dst) {
            return Err(LanCaseError::NotAHost(self.dst));
        }
        let taken = |ip: Ipv4Addr, also: &[Ipv4Addr]| {
            ip == self.own || (same && ip == self.dst) || also.contains(&ip)
        };
        let gateway = match self.gateway {
            Some(g) if !net.contains(&g) => return Err(LanCaseError::GatewayOutside(g)),
            Some(g) if !self.is_host(g) => return Err(LanCaseError::NotAHost(g)),
            Some(g) if g == self.own => return Err(LanCaseError::SameAddress(g)),
            Some(g) => Some(g),
            None => net.hosts().find(|ip| !taken(*ip, &[])),
        };
        // The same-network case needs no gateway, the other one cannot do without.
        let gateway = match (gateway, same) {
            (Some(g), _) => g,
            (None, true) => Ipv4Addr::UNSPECIFIED,
            (None, false) => return Err(LanCaseError::NoRoomForGateway),
        };
        let mut nodes = vec![node(NodeId::A, self.own)];
        if same {
            nodes.push(node(NodeId::B, self.dst));
        }
        if let Some(c) = net.hosts().find(|ip| !taken(*ip, &[gateway])) {
            nodes.push(node(NodeId::C, c));
        }
        if gateway != Ipv4Addr::UNSPECIFIED && !(same && gateway == self.dst) {
            nodes.push(node(NodeId::Router, gateway));
        }
        Ok(Lan {
            net,
            nodes,
            gateway,
            remote: self.dst,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(s: &str) -> LanCase {
        s.parse().unwrap()
    }

    #[test]
    fn the_argument_round_trips_and_bad_words_are_named() {
        let c = case("own=10.20.30.40/27 dst=10.20.30.99 gateway=10.20.30.33");
        assert_eq!(c.prefix, 27);
        assert_eq!(c.to_string().parse::<LanCase>().unwrap(), c);
        assert_eq!(
            "own=10.0.0.1/33 dst=10.0.0.2".parse::<LanCase>(),
            Err(LanCaseError::Syntax("own=10.0.0.1/33".into()))
        );
        assert_eq!(
            "dst=10.0.0.2".parse::<LanCase>(),
            Err(LanCaseError::Missing("own="))
        );
    }

    #[test]
    fn same_network_puts_b_on_the_lan_and_keeps_the_gateway_apart() {
        let lan = case("own=10.20.30.40/27 dst=10.20.30.50 gateway=10.20.30.33")
            .lan()
            .unwrap();
        assert_eq!(lan.net.to_string(), "10.20.30.32/27");
        assert_eq!(lan.mask(), Ipv4Addr::new(255, 255, 255, 224));
        let ip = |id| lan.node(id).map(|n| n.ip.to_string());
        assert_eq!(ip(NodeId::A).as_deref(), Some("10.20.30.40"));
        assert_eq!(ip(NodeId::B).as_deref(), Some("10.20.30.50"));
        assert_eq!(ip(NodeId::Router).as_deref(), Some("10.20.30.33"));
        // The bystander is a host of the same /27, none of the others.
        let c = lan.node(NodeId::C).unwrap().ip;
        assert!(lan.net.contains(&c));
        assert!(![lan.net.network(), lan.net.broadcast()].contains(&c));
        let ips: Vec<_> = lan.nodes.iter().map(|n| n.ip).collect();
        let mut unique = ips.clone();
        unique.dedup();
        assert_eq!(ips.len(), unique.len());
    }

    #[test]
    fn another_network_leaves_b_beyond_the_router() {
        let lan = case("own=10.20.30.40/27 dst=10.20.30.99").lan().unwrap();
        assert!(lan.node(NodeId::B).is_none());
        assert_eq!(lan.remote, Ipv4Addr::new(10, 20, 30, 99));
        // No gateway given: the first host of A's network stands in.
        assert_eq!(lan.gateway, Ipv4Addr::new(10, 20, 30, 33));
        assert_eq!(lan.node(NodeId::Router).unwrap().ip, lan.gateway);
    }

    #[test]
    fn impossible_cases_are_refused_with_the_address() {
        let err = |s: &str| case(s).lan().unwrap_err();
        assert_eq!(
            err("own=10.0.0.1/24 dst=10.0.0.255"),
            LanCaseError::NotAHost(Ipv4Addr::new(10, 0, 0, 255))
        );
        assert_eq!(
            err("own=10.0.0.1/24 dst=8.8.4.4 gateway=10.0.1.1"),
            LanCaseError::GatewayOutside(Ipv4Addr::new(10, 0, 1, 1))
        );
        assert_eq!(
            err("own=10.0.0.1/32 dst=10.0.0.2"),
            LanCaseError::NoRoomForGateway
        );
        assert_eq!(
            err("own=10.0.0.1/24 dst=10.0.0.1"),
            LanCaseError::SameAddress(Ipv4Addr::new(10, 0, 0, 1))
        );
        for e in [
            err("own=10.0.0.1/24 dst=10.0.0.255"),
            err("own=10.0.0.1/32 dst=10.0.0.2"),
        ] {
            for lang in Lang::ALL {
                assert!(!e.message(lang).contains('{'), "{}", e.message(lang));
            }
        }
    }

    #[test]
    fn a_point_to_point_31_is_two_hosts() {
        let lan = case("own=10.0.0.0/31 dst=10.0.0.1").lan().unwrap();
        assert_eq!(lan.node(NodeId::B).unwrap().ip, Ipv4Addr::new(10, 0, 0, 1));
        assert!(lan.node(NodeId::C).is_none());
        assert!(lan.node(NodeId::Router).is_none());
    }

    #[test]
    fn the_story_of_a_typed_case_uses_its_addresses() {
        use crate::net::frame::dissect;
        let shown = |frame: &Option<Vec<u8>>, id: &str| {
            dissect(frame.as_ref().unwrap())
                .field(id)
                .map(|f| f.shown.clone())
                .unwrap_or_default()
        };
        let c = case("own=10.20.30.40/27 dst=10.20.30.99 gateway=10.20.30.33");
        let steps = super::super::story(c.lan().unwrap(), c.dst).unwrap();
        let check = steps[0].check.unwrap();
        assert!(!check.same);
        assert_eq!(check.own_net, Ipv4Addr::new(10, 20, 30, 32));
        assert_eq!(check.dst_net, Ipv4Addr::new(10, 20, 30, 96));
        assert_eq!(shown(&steps[1].frame, "arp.dst.proto_ipv4"), "10.20.30.33");
        let udp = steps.iter().rev().find(|s| s.frame.is_some()).unwrap();
        assert_eq!(shown(&udp.frame, "ip.dst"), "10.20.30.99");
        let eth_dst = dissect(udp.frame.as_ref().unwrap())
            .field("eth.dst")
            .unwrap()
            .raw;
        assert_eq!(eth_dst, Some(0x02_00_00_00_00_01), "to the router's MAC");
        // The same case with a /24: B is a neighbour, asked for directly.
        let c = case("own=10.20.30.40/24 dst=10.20.30.99 gateway=10.20.30.33");
        let steps = super::super::story(c.lan().unwrap(), c.dst).unwrap();
        assert!(steps[0].check.unwrap().same);
        assert_eq!(shown(&steps[1].frame, "arp.dst.proto_ipv4"), "10.20.30.99");
        // Only the nodes on the LAN get ARP caches.
        let c = case("own=10.20.30.40/27 dst=10.20.30.99");
        let steps = super::super::story(c.lan().unwrap(), c.dst).unwrap();
        assert!(!steps[0].arp_caches.contains_key(&NodeId::B));
    }
}
