//! "Are A and B on the same network?" — (A AND mask) == (B AND mask), with A's mask,
//! because it is A (the sender) that decides whether to deliver directly or to hand
//! the packet to its gateway.

use std::net::IpAddr;

use crate::i18n::{Lang, tf};

use super::error::SubnetError;
use super::facts::{SubnetFacts, from_bits, mask_bits, to_bits};
use super::parse::family_of;

/// What an address is within a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressRole {
    /// Outside the network.
    Outside,
    /// The network address itself (IPv4 /0–/30 only: not a host).
    NetworkAddress,
    /// The broadcast address (IPv4 /0–/30 only: not a host).
    Broadcast,
    /// A usable host address.
    Host,
}

/// Whether the gateway can serve as A's gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayCheck {
    pub gateway: IpAddr,
    /// The gateway's role in A's network; only [`AddressRole::Host`] works.
    pub role: AddressRole,
    /// The gateway is A itself.
    pub is_sender: bool,
}

impl GatewayCheck {
    /// Check `gateway` against A's network in `facts`.
    pub fn new(facts: &SubnetFacts, gateway: IpAddr) -> Result<GatewayCheck, SubnetError> {
        if family_of(gateway) != facts.family() {
            return Err(SubnetError::FamilyMismatch {
                first: facts.address.to_string(),
                second: gateway.to_string(),
            });
        }
        Ok(GatewayCheck {
            gateway,
            role: role_in(facts, gateway),
            is_sender: gateway == facts.address,
        })
    }

    /// One line saying whether this gateway works and, if not, why.
    pub fn note(&self, lang: Lang) -> String {
        let key = if self.is_sender {
            "subnet.gw.is_sender"
        } else {
            match self.role {
                AddressRole::Host => "subnet.gw.ok",
                AddressRole::Outside => "subnet.gw.outside",
                AddressRole::NetworkAddress => "subnet.gw.network",
                AddressRole::Broadcast => "subnet.gw.broadcast",
            }
        };
        tf(lang, key, &[("gw", &self.gateway.to_string())])
    }

    /// A host can only reach a gateway that is a host on its own network.
    pub fn is_valid(&self) -> bool {
        self.role == AddressRole::Host && !self.is_sender
    }
}

/// The result of comparing two hosts under A's mask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SameNetworkCheck {
    pub a: IpAddr,
    pub b: IpAddr,
    pub prefix: u8,
    pub mask: IpAddr,
    /// A AND mask.
    pub network_a: IpAddr,
    /// B AND mask.
    pub network_b: IpAddr,
    pub same: bool,
    /// B's role in A's network (network/broadcast address are not hosts).
    pub b_role: AddressRole,
    pub gateway: Option<GatewayCheck>,
}

impl SameNetworkCheck {
    /// Compare `b` (and check `gateway`) against A's network in `facts`.
    pub fn new(
        facts: &SubnetFacts,
        b: IpAddr,
        gateway: Option<IpAddr>,
    ) -> Result<SameNetworkCheck, SubnetError> {
        if family_of(b) != facts.family() {
            return Err(SubnetError::FamilyMismatch {
                first: facts.address.to_string(),
                second: b.to_string(),
            });
        }
        let gateway = gateway.map(|g| GatewayCheck::new(facts, g)).transpose()?;
        let family = facts.family();
        let mask = mask_bits(family, facts.prefix);
        let network_a = to_bits(facts.address) & mask;
        let network_b = to_bits(b) & mask;
        Ok(SameNetworkCheck {
            a: facts.address,
            b,
            prefix: facts.prefix,
            mask: facts.netmask,
            network_a: from_bits(family, network_a),
            network_b: from_bits(family, network_b),
            same: network_a == network_b,
            b_role: role_in(facts, b),
            gateway,
        })
    }

    /// The verdict, one line: deliver directly (and ask for B's MAC) or via the
    /// gateway (and ask for the gateway's MAC). IPv6 asks with Neighbor Discovery,
    /// not ARP.
    pub fn verdict(&self, lang: Lang) -> String {
        let resolver = match self.a {
            IpAddr::V4(_) => "ARP",
            IpAddr::V6(_) => "NDP",
        };
        let gateway = self
            .gateway
            .map(|g| g.gateway.to_string())
            .unwrap_or_default();
        let key = match (self.same, self.gateway.is_some()) {
            (true, _) => "subnet.same.direct",
            (false, true) => "subnet.same.via_gateway",
            (false, false) => "subnet.same.via_default",
        };
        tf(
            lang,
            key,
            &[
                ("b", &self.b.to_string()),
                ("gw", &gateway),
                ("arp", resolver),
            ],
        )
    }

    /// Extra remarks: B is a network/broadcast address, the gateway is unusable.
    pub fn notes(&self, lang: Lang) -> Vec<String> {
        let mut notes = Vec::new();
        match self.b_role {
            AddressRole::NetworkAddress => notes.push(tf(
                lang,
                "subnet.same.b_network",
                &[("b", &self.b.to_string())],
            )),
            AddressRole::Broadcast => notes.push(tf(
                lang,
                "subnet.same.b_broadcast",
                &[("b", &self.b.to_string())],
            )),
            AddressRole::Outside | AddressRole::Host => {}
        }
        if let Some(g) = self.gateway {
            notes.push(g.note(lang));
        }
        notes
    }

    /// This case for the LAN panel's simulation: A's address and prefix, B, the
    /// gateway. None for IPv6 (neighbours are found with NDP there, not ARP).
    pub fn lan_case(&self) -> Option<crate::net::arp::LanCase> {
        let (IpAddr::V4(own), IpAddr::V4(dst)) = (self.a, self.b) else {
            return None;
        };
        let gateway = match self.gateway.map(|g| g.gateway) {
            Some(IpAddr::V4(g)) => Some(g),
            _ => None,
        };
        Some(crate::net::arp::LanCase {
            own,
            prefix: self.prefix,
            dst,
            gateway,
        })
    }
}

/// What `address` is within the network of `facts`.
pub fn role_in(facts: &SubnetFacts, address: IpAddr) -> AddressRole {
    if !facts.network.contains(&address) {
        return AddressRole::Outside;
    }
    if facts.broadcast.is_none() {
        return AddressRole::Host;
    }
    if address == facts.network.network() {
        AddressRole::NetworkAddress
    } else if Some(address) == facts.broadcast {
        AddressRole::Broadcast
    } else {
        AddressRole::Host
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::subnet::parse_input;

    fn check(a: &str, b: &str, gw: Option<&str>) -> SameNetworkCheck {
        let facts = SubnetFacts::from_input(&parse_input(a).unwrap());
        SameNetworkCheck::new(&facts, b.parse().unwrap(), gw.map(|g| g.parse().unwrap())).unwrap()
    }

    #[test]
    fn same_network_delivers_directly() {
        let c = check("192.168.21.36/24", "192.168.21.200", None);
        assert!(c.same);
        assert_eq!(c.network_b.to_string(), "192.168.21.0");
        assert_eq!(
            c.lan_case().unwrap().to_string(),
            format!("own={}/{} dst={}", c.a, c.prefix, c.b)
        );
        assert!(c.verdict(Lang::En).contains("ARP for 192.168.21.200"));
    }

    #[test]
    fn other_network_goes_via_a_gateway_on_the_local_network() {
        let c = check("192.168.21.36/24", "192.168.22.5", Some("192.168.21.1"));
        assert!(!c.same);
        assert_eq!(c.network_b.to_string(), "192.168.22.0");
        assert!(c.gateway.unwrap().is_valid());
        assert!(c.verdict(Lang::En).contains("192.168.21.1"));
        let bad = check("192.168.21.36/24", "192.168.22.5", Some("192.168.22.1"));
        assert_eq!(bad.gateway.unwrap().role, AddressRole::Outside);
        assert!(!bad.gateway.unwrap().is_valid());
    }

    #[test]
    fn a_mask_decides_not_the_address_alone() {
        // Same first three octets, but /25 splits them.
        assert!(!check("192.168.21.36/25", "192.168.21.200", None).same);
        assert!(check("192.168.21.36/16", "192.168.99.1", None).same);
    }

    #[test]
    fn broadcast_and_gateway_roles() {
        let c = check("10.0.0.5/24", "10.0.0.255", Some("10.0.0.0"));
        assert_eq!(c.b_role, AddressRole::Broadcast);
        assert_eq!(c.gateway.unwrap().role, AddressRole::NetworkAddress);
        let no_gw = check("10.0.0.5/24", "10.0.1.5", None);
        assert_eq!(
            no_gw.verdict(Lang::En),
            "different networks: send to the default gateway, ARP for the gateway's MAC"
        );
        let v6 = check("2001:db8::1/64", "2001:db8::2", None);
        assert!(v6.verdict(Lang::En).contains("NDP"));
    }
}
