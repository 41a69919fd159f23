//! The facts of a network: network, broadcast, hosts, counts, masks, class, scope.
//!
//! Conventions (also stated in `--help` and in the panel):
//! - IPv4 /0–/30: the first address names the network, the last is the broadcast;
//!   usable hosts are the ones between (2^(32−n) − 2).
//! - IPv4 /31: a point-to-point link (RFC 3021): both addresses are usable, first =
//!   the lower, last = the higher, no broadcast address.
//! - IPv4 /32: a single host: 1 usable, first = last = the address, no broadcast.
//! - IPv6: there is no broadcast (multicast does its job); every address of the prefix
//!   counts as usable, first = the network address, last = the last address. (Real
//!   networks avoid the all-zero Subnet-Router anycast address; the count does not.)

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::error::Family;
use super::parse::{SubnetInput, family_of};
use super::scope::Scope;

/// A number of addresses, exact even for an IPv6 /0 (2^128, one more than u128
/// holds). Written in decimal, as JSON carries it (a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddressCount {
    /// `None` means exactly 2^128.
    value: Option<u128>,
}

impl AddressCount {
    /// 2^bits, for bits in 0..=128.
    pub fn power_of_two(bits: u32) -> AddressCount {
        AddressCount {
            value: 1u128.checked_shl(bits).filter(|_| bits < 128),
        }
    }

    pub fn exact(value: u128) -> AddressCount {
        AddressCount { value: Some(value) }
    }

    /// The value when it fits a u128 (everything except 2^128).
    pub fn as_u128(self) -> Option<u128> {
        self.value
    }
}

impl fmt::Display for AddressCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value {
            Some(v) => write!(f, "{v}"),
            // 2^128 = u128::MAX + 1; u128::MAX ends in …455, so no carry past the last digit.
            None => {
                let max = u128::MAX.to_string();
                let (head, last) = max.split_at(max.len() - 1);
                let last = last.bytes().next().map_or(0, |b| b - b'0') + 1;
                write!(f, "{head}{last}")
            }
        }
    }
}

/// The historical address class (classful addressing, replaced by CIDR in 1993).
/// Taught because textbooks still use it; it says nothing about the real mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// First bit 0: 0–127.
    A,
    /// First bits 10: 128–191.
    B,
    /// First bits 110: 192–223.
    C,
    /// First bits 1110: 224–239 (multicast).
    D,
    /// First bits 1111: 240–255 (reserved).
    E,
}

impl Class {
    pub fn of(address: Ipv4Addr) -> Class {
        match address.octets()[0].leading_ones() {
            0 => Class::A,
            1 => Class::B,
            2 => Class::C,
            3 => Class::D,
            _ => Class::E,
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Class::A => "A",
            Class::B => "B",
            Class::C => "C",
            Class::D => "D",
            Class::E => "E",
        }
    }
}

/// What sort of network the prefix describes, which decides the host conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetworkKind {
    /// IPv4 /0–/30: network and broadcast addresses reserved.
    Ipv4Lan,
    /// IPv4 /31 (RFC 3021).
    PointToPoint,
    /// IPv4 /32.
    SingleHost,
    /// Any IPv6 prefix.
    Ipv6,
}

/// Everything the calculator knows about an address and its prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetFacts {
    pub address: IpAddr,
    pub prefix: u8,
    /// The network (host bits cleared) with its prefix.
    pub network: IpNet,
    pub netmask: IpAddr,
    /// The inverted mask (host bits set), as in ACLs and OSPF.
    pub wildcard: IpAddr,
    /// `None` for IPv6, /31 and /32.
    pub broadcast: Option<IpAddr>,
    pub first_host: IpAddr,
    pub last_host: IpAddr,
    pub usable_hosts: AddressCount,
    pub total_addresses: AddressCount,
    /// `None` for IPv6.
    pub class: Option<Class>,
    /// The scope of the address itself.
    pub scope: Scope,
    pub kind: NetworkKind,
}

impl SubnetFacts {
    /// The facts of a parsed input.
    pub fn from_input(input: &SubnetInput) -> SubnetFacts {
        Self::new(input.address, input.prefix)
    }

    /// The facts of `address/prefix`; a prefix beyond the family's maximum is
    /// clamped to it (the parser never produces one).
    pub fn new(address: IpAddr, prefix: u8) -> SubnetFacts {
        let family = family_of(address);
        let width = family.bits();
        let prefix = prefix.min(width);
        let host_bits = u32::from(width - prefix);
        let mask = mask_bits(family, prefix);
        let value = to_bits(address);
        let network_bits = value & mask;
        let wildcard_bits = !mask & all_ones(family);
        let last_bits = network_bits | wildcard_bits;
        let total = AddressCount::power_of_two(host_bits);

        let kind = match (family, prefix) {
            (Family::V6, _) => NetworkKind::Ipv6,
            (Family::V4, 32) => NetworkKind::SingleHost,
            (Family::V4, 31) => NetworkKind::PointToPoint,
            (Family::V4, _) => NetworkKind::Ipv4Lan,
        };
        let (first, last, usable, broadcast) = match kind {
            NetworkKind::Ipv4Lan => (
                network_bits + 1,
                last_bits - 1,
                // host_bits ≥ 2 here, so 2^host_bits − 2 ≥ 2 fits easily.
                AddressCount::exact((1u128 << host_bits) - 2),
                Some(from_bits(family, last_bits)),
            ),
            NetworkKind::PointToPoint | NetworkKind::SingleHost | NetworkKind::Ipv6 => {
                (network_bits, last_bits, total, None)
            }
        };
        SubnetFacts {
            address,
            prefix,
            network: IpNet::new(from_bits(family, network_bits), prefix)
                .unwrap_or_else(|_| IpNet::from(address)),
            netmask: from_bits(family, mask),
            wildcard: from_bits(family, wildcard_bits),
            broadcast,
            first_host: from_bits(family, first),
            last_host: from_bits(family, last),
            usable_hosts: usable,
            total_addresses: total,
            class: match address {
                IpAddr::V4(v4) => Some(Class::of(v4)),
                IpAddr::V6(_) => None,
            },
            scope: Scope::of(address),
            kind,
        }
    }

    pub fn family(&self) -> Family {
        family_of(self.address)
    }

    /// Whether the typed address is the network address itself (host bits all 0).
    pub fn address_is_network(&self) -> bool {
        self.address == self.network.network()
    }
}

/// An address as an unsigned number (IPv4 in the low 32 bits).
pub fn to_bits(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// The address of `family` whose number is `bits` (IPv4 uses the low 32 bits).
pub fn from_bits(family: Family, bits: u128) -> IpAddr {
    match family {
        // Truncation to the low 32 bits is the point here.
        Family::V4 => IpAddr::V4(Ipv4Addr::from(bits as u32)),
        Family::V6 => IpAddr::V6(Ipv6Addr::from(bits)),
    }
}

/// All address bits set (255.255.255.255 or ffff:…:ffff) as a number.
pub fn all_ones(family: Family) -> u128 {
    match family {
        Family::V4 => u128::from(u32::MAX),
        Family::V6 => u128::MAX,
    }
}

/// The mask of `prefix` ones followed by zeros, as a number.
pub fn mask_bits(family: Family, prefix: u8) -> u128 {
    let width = u32::from(family.bits());
    let host_bits = width.saturating_sub(u32::from(prefix));
    let hosts = 1u128
        .checked_shl(host_bits)
        .map_or(u128::MAX, |v| v.wrapping_sub(1));
    all_ones(family) & !hosts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_to_the_128_is_written_exactly() {
        assert_eq!(
            AddressCount::power_of_two(128).to_string(),
            "340282366920938463463374607431768211456"
        );
        assert_eq!(AddressCount::power_of_two(8).to_string(), "256");
        assert_eq!(AddressCount::power_of_two(0).to_string(), "1");
    }

    #[test]
    fn masks_of_edge_prefixes() {
        assert_eq!(mask_bits(Family::V4, 0), 0);
        assert_eq!(mask_bits(Family::V4, 32), u128::from(u32::MAX));
        assert_eq!(mask_bits(Family::V4, 24), 0xffff_ff00);
        assert_eq!(mask_bits(Family::V6, 0), 0);
        assert_eq!(mask_bits(Family::V6, 128), u128::MAX);
        assert_eq!(mask_bits(Family::V6, 64), u128::MAX << 64);
    }
}
