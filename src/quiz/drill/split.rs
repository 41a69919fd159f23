//! Which subnet of a split holds an address: its network address and its
//! number, counting from 1.

use std::net::IpAddr;

use ipnet::IpNet;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::i18n::Text;
use crate::net::subnet::{
    Family, SplitPlan, SubnetFacts, from_bits, parse_address, parse_network, to_bits,
};

use super::field::{FieldId, Value};
use super::mistake::Mistake;
use super::problem::{Field, Problem};
use super::range::classful_prefix;
use super::{Spec, random_ipv4};

pub fn generate(rng: &mut ChaCha8Rng) -> Spec {
    if rng.random_range(0..4) == 0 {
        return generate_v6(rng);
    }
    let prefix: u8 = rng.random_range(16..=24);
    let parent = SubnetFacts::new(IpAddr::V4(random_ipv4(rng)), prefix).network;
    let new = prefix + rng.random_range(1..=5);
    let offset: u128 = rng.random_range(0..(1u128 << (32 - prefix)));
    let address = from_bits(Family::V4, to_bits(parent.network()) | offset);
    Spec::Split {
        parent: parent.to_string(),
        prefix: new,
        address: address.to_string(),
    }
}

/// IPv6: a site's /48 (or an ISP's /40) split into /52–/56 subnets, and an
/// address somewhere in it.
fn generate_v6(rng: &mut ChaCha8Rng) -> Spec {
    let prefix: u8 = *super::pick(rng, &[40u8, 48, 48]);
    let site: u128 = (0x2001_0db8u128 << 96) | (u128::from(rng.random::<u16>()) << 80);
    let parent = SubnetFacts::new(from_bits(Family::V6, site), prefix).network;
    let new = prefix + rng.random_range(2..=8);
    let offset: u128 = rng.random::<u128>() >> prefix;
    let address = from_bits(Family::V6, to_bits(parent.network()) | offset);
    Spec::Split {
        parent: parent.to_string(),
        prefix: new,
        address: address.to_string(),
    }
}

pub fn build(spec: &Spec, parent: &str, prefix: u8, address: &str) -> Result<Problem, String> {
    let parent: IpNet = parse_network(parent, 0).map_err(|e| e.to_string())?;
    let address = parse_address(address, 0).map_err(|e| e.to_string())?;
    if !parent.contains(&address) {
        return Err(format!("{address} is not in {parent}"));
    }
    let plan = SplitPlan::by_prefix(parent, prefix).map_err(|e| e.to_string())?;
    let host_bits = u32::from(parent.max_prefix_len() - prefix);
    let index = (to_bits(address) - to_bits(parent.network())) >> host_bits;
    let subnet = plan
        .get(index)
        .filter(|s| s.contains(&address))
        .ok_or_else(|| format!("no subnet of {parent} holds {address}"))?;
    let network_of = |i: Option<u128>| {
        i.and_then(|i| plan.get(i))
            .map(|n| Value::Address(n.network()))
    };
    let facts = SubnetFacts::new(address, prefix);
    let mut network = Field::new(FieldId::SubnetNetwork, Value::Address(subnet.network()))
        .mistake(Mistake::OwnAddress, Some(Value::Address(address)))
        .mistake(
            Mistake::ParentNetwork,
            Some(Value::Address(parent.network())),
        )
        .mistake(Mistake::NeighbourSubnet, network_of(index.checked_sub(1)))
        .mistake(Mistake::NeighbourSubnet, network_of(index.checked_add(1)));
    if let Some(class) = facts.class
        && let Some(used) = classful_prefix(class)
        && used > parent.prefix_len()
    {
        let classful = SubnetFacts::new(address, used).network.network();
        network = network.mistake(
            Mistake::Classful {
                class,
                used,
                prefix,
            },
            Some(Value::Address(classful)),
        );
    }
    for used in [prefix - 1, prefix + 1] {
        if used > parent.prefix_len() && used <= parent.max_prefix_len() {
            let wrong = SubnetFacts::new(address, used).network.network();
            network = network.mistake(
                Mistake::WrongPrefix { used, prefix },
                Some(Value::Address(wrong)),
            );
        }
    }
    let number = Field::new(FieldId::SubnetNumber, Value::Number(index + 1))
        .mistake(Mistake::CountedFromZero, Some(Value::Number(index)))
        .mistake(Mistake::NeighbourSubnet, Some(Value::Number(index + 2)));
    let count = plan.count();
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(
            format!(
                "{parent} is split into {count} subnets of /{prefix}. Which one holds {address}? Give its network address and its number (counting from 1)."
            ),
            format!(
                "把 {parent} 划分成 {count} 个 /{prefix} 子网。{address} 在哪个子网里？写出该子网的网络地址和编号（从 1 开始数）。"
            ),
        ),
        detail: Vec::new(),
        fields: vec![network, number],
    })
}
