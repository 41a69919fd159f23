//! The typical mistakes, and the hint that names each one.
//!
//! A hint is never guessed from the answer's shape: every problem lists, per
//! field, the value each mistake would produce — computed by the same subnet
//! code on the mistaken input (the classful prefix, the neighbouring prefix,
//! the host count without the +2, the first matching route…). A wrong answer
//! equal to one of them gets that mistake's hint; any other wrong answer gets
//! the field's method ([`method_key`]).

use crate::i18n::{Lang, tf};
use crate::net::subnet::Class;

use super::field::FieldId;

/// A mistake a student typically makes, with what the hint needs to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mistake {
    /// Gave the host's own address.
    OwnAddress,
    /// First host = the network address (forgot it is reserved).
    NetworkAsHost,
    /// Network = the first host (one too high).
    HostAsNetwork,
    /// Last host = the broadcast address (forgot it is reserved).
    BroadcastAsHost,
    /// Broadcast = the last host (one too low).
    HostAsBroadcast,
    /// Broadcast = the next network's address (one too high).
    NextNetwork,
    /// Computed with the classful mask of the address's class.
    Classful { class: Class, used: u8, prefix: u8 },
    /// Computed with another prefix (the octet boundary, or one bit off).
    WrongPrefix { used: u8, prefix: u8 },
    /// Counted 2^n instead of 2^n − 2.
    PowerOfTwo { bits: u32 },
    /// Counted 2^n − 1 (took away only one reserved address).
    MinusOne { bits: u32 },
    /// Gave the number of host bits, not the number of hosts.
    GaveHostBits { bits: u32 },
    /// Used the prefix length as the number of host bits.
    SwappedBits { prefix: u8 },
    /// Applied the LAN rule (network + broadcast reserved) to a /31.
    LanRuleOnPointToPoint,
    /// Applied the LAN rule to a /32.
    LanRuleOnSingleHost,
    /// Gave the mask instead of the network.
    GaveMask,
    /// Gave the wildcard (host part of all ones) instead of the broadcast.
    GaveWildcard,
    /// Gave address AND wildcard (the host part) instead of address AND mask.
    HostPart,
    /// IPv6 treated like IPv4: reserved a broadcast that IPv6 does not have.
    Ipv6Broadcast,
    /// Took away the reserved anycast addresses (RFC 4291 §2.6.1, RFC 2526)
    /// from a count of every address of the prefix.
    Ipv6Anycast,
    /// Sized the subnet for N addresses, not N hosts + network + broadcast.
    ForgotReserved { hosts: u64 },
    /// Took one more host bit than needed (the subnet is twice too big).
    OneBitTooMany,
    /// Rounded log2 down: too few subnets.
    RoundedDown { subnets: u128 },
    /// Added the subnet count itself as bits.
    CountAsBits { subnets: u128 },
    /// Counted the subnets from 0.
    CountedFromZero,
    /// Gave the subnet next to the right one.
    NeighbourSubnet,
    /// Gave the network being split, not one of its subnets.
    ParentNetwork,
    /// Counted the zero bits of the mask (the host bits) as the prefix.
    CountedZeros,
    /// Gave the wildcard where the mask was asked.
    WildcardAsMask,
    /// Gave the mask where the wildcard was asked.
    MaskAsWildcard,
    /// Took the first matching route of the table, not the longest prefix.
    FirstMatch,
    /// Took the least specific matching route.
    LeastSpecific,
    /// Took the most specific route although it does not hold the address.
    NotMatching,
    /// Compared the two addresses under the classful (octet) mask.
    ClassfulCompare { used: u8 },
    /// Asked ARP about a host on another network (ARP never crosses a router).
    ArpForRemote,
    /// Asked ARP about the gateway for a host on the same network.
    ArpGatewayForLocal,
}

impl Mistake {
    /// The id used in ui.toml (`drill.mistake.<id>`) and in tests.
    pub fn id(&self) -> &'static str {
        match self {
            Mistake::OwnAddress => "own-address",
            Mistake::NetworkAsHost => "network-as-host",
            Mistake::HostAsNetwork => "host-as-network",
            Mistake::BroadcastAsHost => "broadcast-as-host",
            Mistake::HostAsBroadcast => "host-as-broadcast",
            Mistake::NextNetwork => "next-network",
            Mistake::Classful { .. } => "classful",
            Mistake::WrongPrefix { .. } => "wrong-prefix",
            Mistake::PowerOfTwo { .. } => "power-of-two",
            Mistake::MinusOne { .. } => "minus-one",
            Mistake::GaveHostBits { .. } => "gave-host-bits",
            Mistake::SwappedBits { .. } => "swapped-bits",
            Mistake::LanRuleOnPointToPoint => "lan-rule-on-31",
            Mistake::LanRuleOnSingleHost => "lan-rule-on-32",
            Mistake::GaveMask => "gave-mask",
            Mistake::GaveWildcard => "gave-wildcard",
            Mistake::HostPart => "host-part",
            Mistake::Ipv6Broadcast => "ipv6-broadcast",
            Mistake::Ipv6Anycast => "ipv6-anycast",
            Mistake::ForgotReserved { .. } => "forgot-reserved",
            Mistake::OneBitTooMany => "one-bit-too-many",
            Mistake::RoundedDown { .. } => "rounded-down",
            Mistake::CountAsBits { .. } => "count-as-bits",
            Mistake::CountedFromZero => "counted-from-zero",
            Mistake::NeighbourSubnet => "neighbour-subnet",
            Mistake::ParentNetwork => "parent-network",
            Mistake::CountedZeros => "counted-zeros",
            Mistake::WildcardAsMask => "wildcard-as-mask",
            Mistake::MaskAsWildcard => "mask-as-wildcard",
            Mistake::FirstMatch => "first-match",
            Mistake::LeastSpecific => "least-specific",
            Mistake::NotMatching => "not-matching",
            Mistake::ClassfulCompare { .. } => "classful-compare",
            Mistake::ArpForRemote => "arp-for-remote",
            Mistake::ArpGatewayForLocal => "arp-gateway-for-local",
        }
    }

    /// The hint, naming the mistake, for an answer to `field`.
    pub fn hint(&self, field: &FieldId, lang: Lang) -> String {
        let label = field.label(lang);
        let mut args: Vec<(&str, String)> = vec![("field", label)];
        match *self {
            Mistake::Classful {
                class,
                used,
                prefix,
            } => {
                args.push(("class", class.letter().to_string()));
                args.push(("used", used.to_string()));
                args.push(("prefix", prefix.to_string()));
            }
            Mistake::WrongPrefix { used, prefix } => {
                args.push(("used", used.to_string()));
                args.push(("prefix", prefix.to_string()));
            }
            Mistake::PowerOfTwo { bits }
            | Mistake::MinusOne { bits }
            | Mistake::GaveHostBits { bits } => args.push(("bits", bits.to_string())),
            Mistake::SwappedBits { prefix } => args.push(("prefix", prefix.to_string())),
            Mistake::ForgotReserved { hosts } => args.push(("hosts", hosts.to_string())),
            Mistake::RoundedDown { subnets } | Mistake::CountAsBits { subnets } => {
                args.push(("subnets", subnets.to_string()))
            }
            Mistake::ClassfulCompare { used } => args.push(("used", used.to_string())),
            _ => {}
        }
        let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tf(lang, &format!("drill.mistake.{}", self.id()), &pairs)
    }
}

/// The ui.toml key of the method for `field`, said when a wrong answer matches
/// no known mistake.
pub fn method_key(field: &FieldId) -> String {
    format!("drill.method.{}", field.name())
}
