//! Sizing problems: the longest prefix for N hosts, and the prefix that splits
//! a network into at least M equal subnets — each with the usable hosts of
//! the subnet it gives.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::i18n::Text;
use crate::net::subnet::{
    AddressCount, Family, SplitPlan, SubnetFacts, host_bits_for, parse_network,
};

use super::field::{FieldId, Value};
use super::mistake::Mistake;
use super::problem::{Field, Problem};
use super::{Spec, random_ipv4};

/// Usable hosts of an IPv4 /prefix (a LAN: 2^h − 2; /31: 2; /32: 1).
fn usable(prefix: u8) -> Value {
    Value::Count(SubnetFacts::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), prefix).usable_hosts)
}

fn count(n: u128) -> Option<Value> {
    Some(Value::Count(AddressCount::exact(n)))
}

/// A host count near a power of two, where the + 2 decides the prefix.
pub fn generate_hosts(rng: &mut ChaCha8Rng) -> Spec {
    let k: u32 = rng.random_range(2..=13);
    let edge = (1i64 << k) - 2;
    let hosts = (edge + rng.random_range(-3..=2)).max(1);
    Spec::Hosts {
        hosts: u64::try_from(hosts).unwrap_or(1),
    }
}

/// A /16–/24 network and a subnet count that fits it; one time in four an
/// IPv6 site (/48) or ISP block (/32, /40) and a count of subnets for it.
pub fn generate_subnets(rng: &mut ChaCha8Rng) -> Spec {
    if rng.random_range(0..4) == 0 {
        let prefix = *super::pick(rng, &[32u8, 40, 48, 48]);
        let bits = (0x2001_0db8u128 << 96) | (u128::from(rng.random::<u16>()) << 80);
        let network = SubnetFacts::new(crate::net::subnet::from_bits(Family::V6, bits), prefix);
        return Spec::Subnets {
            parent: network.network.to_string(),
            subnets: rng.random_range(2..=1000),
        };
    }
    let prefix: u8 = rng.random_range(16..=24);
    let network = SubnetFacts::new(IpAddr::V4(random_ipv4(rng)), prefix).network;
    let subnets: u32 = rng.random_range(2..=40);
    Spec::Subnets {
        parent: network.to_string(),
        subnets,
    }
}

/// Hosts → prefix and usable hosts.
pub fn build_hosts(spec: &Spec, hosts: u64) -> Result<Problem, String> {
    let bits = host_bits_for(Family::V4, hosts);
    if hosts == 0 || bits > 30 {
        return Err(format!("{hosts} hosts do not fit an IPv4 LAN"));
    }
    let prefix = (32 - bits) as u8;
    // The mistaken input: sized for `hosts` addresses, i.e. hosts − 2 hosts.
    let forgot = hosts
        .checked_sub(2)
        .map(|h| (32 - host_bits_for(Family::V4, h).max(1)) as u8);
    let prefix_field = Field::new(FieldId::Prefix, Value::Prefix(prefix))
        .mistake(Mistake::ForgotReserved { hosts }, forgot.map(Value::Prefix))
        .mistake(Mistake::OneBitTooMany, Some(Value::Prefix(prefix - 1)))
        .mistake(Mistake::CountedZeros, Some(Value::Prefix(bits as u8)));
    let hosts_field = Field::new(FieldId::UsableHosts, usable(prefix))
        .mistake(Mistake::PowerOfTwo { bits }, count(1u128 << bits))
        .mistake(Mistake::MinusOne { bits }, count((1u128 << bits) - 1))
        .mistake(Mistake::ForgotReserved { hosts }, forgot.map(usable))
        .mistake(Mistake::GaveHostBits { bits }, count(u128::from(bits)));
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(
            format!(
                "A LAN needs {hosts} hosts. Give the longest prefix (the smallest subnet) that holds them, and its usable hosts."
            ),
            format!(
                "一个局域网需要 {hosts} 台主机。给出能容纳它们的最长前缀（最小的子网），以及它的可用主机数。"
            ),
        ),
        detail: Vec::new(),
        fields: vec![prefix_field, hosts_field],
    })
}

/// Parent and subnet count → new prefix and usable hosts per subnet.
pub fn build_subnets(spec: &Spec, parent: &str, subnets: u32) -> Result<Problem, String> {
    let parent: IpNet = parse_network(parent, 0).map_err(|e| e.to_string())?;
    if parent.max_prefix_len() != 32 {
        return build_subnets_v6(spec, parent, subnets);
    }
    let plan = SplitPlan::by_count(parent, u128::from(subnets)).map_err(|e| e.to_string())?;
    let new = plan.new_prefix;
    if new > 30 {
        return Err(format!("{subnets} subnets leave no hosts in {parent}"));
    }
    let m = u128::from(subnets);
    let (prefix_field, rounded) = subnets_prefix_field(parent.prefix_len(), new, subnets, 32);
    let host_bits = u32::from(32 - new);
    let hosts_field = Field::new(FieldId::UsableHosts, usable(new))
        .mistake(
            Mistake::PowerOfTwo { bits: host_bits },
            count(1u128 << host_bits),
        )
        .mistake(
            Mistake::MinusOne { bits: host_bits },
            count((1u128 << host_bits) - 1),
        )
        .mistake(Mistake::RoundedDown { subnets: m }, rounded.map(usable));
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(
            format!(
                "Split {parent} into at least {subnets} equal subnets, borrowing as few bits as possible. Give the new prefix and the usable hosts of each subnet."
            ),
            format!(
                "把 {parent} 划分成至少 {subnets} 个大小相同的子网，借用尽量少的位。给出新的前缀，以及每个子网的可用主机数。"
            ),
        ),
        detail: Vec::new(),
        fields: vec![prefix_field, hosts_field],
    })
}

/// The prefix field of a subnet-count problem: `new` for `subnets` subnets
/// of a /`parent` (addresses of `width` bits), with the prefixes the typical
/// mistakes give (log2 rounded down, the count taken as bits, the zero bits
/// counted). Returns the field and the rounded-down prefix, if any.
fn subnets_prefix_field(parent: u8, new: u8, subnets: u32, width: u8) -> (Field, Option<u8>) {
    let m = u128::from(subnets);
    // Rounded down: floor(log2 m) bits, which only gives 2^floor < m subnets.
    let floor = 127 - m.leading_zeros();
    let rounded = (!m.is_power_of_two()).then(|| parent + floor as u8);
    let as_bits = u8::try_from(subnets)
        .ok()
        .map(|s| parent.saturating_add(s))
        .filter(|q| *q <= width);
    let field = Field::new(FieldId::Prefix, Value::Prefix(new))
        .mistake(
            Mistake::RoundedDown { subnets: m },
            rounded.map(Value::Prefix),
        )
        .mistake(
            Mistake::CountAsBits { subnets: m },
            as_bits.map(Value::Prefix),
        )
        .mistake(Mistake::CountedZeros, Some(Value::Prefix(width - new)));
    (field, rounded)
}

/// IPv6: the new prefix, and how many /64 LANs each subnet holds (an IPv6
/// LAN is a /64, so that is what a plan counts; there are no hosts to take away).
fn build_subnets_v6(spec: &Spec, parent: IpNet, subnets: u32) -> Result<Problem, String> {
    let plan = SplitPlan::by_count(parent, u128::from(subnets)).map_err(|e| e.to_string())?;
    let new = plan.new_prefix;
    if new > 64 {
        return Err(format!(
            "{subnets} subnets of {parent} are smaller than a /64 LAN"
        ));
    }
    let m = u128::from(subnets);
    let (prefix_field, rounded) = subnets_prefix_field(parent.prefix_len(), new, subnets, 128);
    let lans = |prefix: u8| Value::Count(AddressCount::power_of_two(u32::from(64 - prefix)));
    let lans_bits = u32::from(64 - new);
    let lans_field = Field::new(FieldId::Lans, lans(new))
        .mistake(Mistake::RoundedDown { subnets: m }, rounded.map(lans))
        .mistake(
            Mistake::GaveHostBits { bits: lans_bits },
            count(u128::from(lans_bits)),
        )
        .mistake(
            Mistake::Ipv6Broadcast,
            AddressCount::power_of_two(lans_bits)
                .as_u128()
                .and_then(|n| n.checked_sub(2))
                .map(|n| Value::Count(AddressCount::exact(n))),
        );
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(
            format!(
                "Split {parent} into at least {subnets} equal subnets, borrowing as few bits as possible. Give the new prefix and how many /64 LANs each subnet holds."
            ),
            format!(
                "把 {parent} 划分成至少 {subnets} 个大小相同的子网，借用尽量少的位。给出新的前缀，以及每个子网能容纳多少个 /64 局域网。"
            ),
        ),
        detail: Vec::new(),
        fields: vec![prefix_field, lans_field],
    })
}
