//! Same network or gateway: does host A deliver to B directly, and whom does
//! A ask ARP about — B itself, or its gateway?

use std::net::IpAddr;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::i18n::Text;
use crate::net::subnet::{
    Family, SameNetworkCheck, SubnetFacts, from_bits, parse_address, parse_input, to_bits,
};

use super::field::{Delivery, FieldId, Value};
use super::mistake::Mistake;
use super::problem::{Field, Problem};
use super::range::classful_prefix;
use super::{Spec, random_ipv4};

pub fn generate(rng: &mut ChaCha8Rng) -> Spec {
    let a = random_ipv4(rng);
    let prefix: u8 = rng.random_range(17..=28);
    let facts = SubnetFacts::new(IpAddr::V4(a), prefix);
    let size = 1u128 << (32 - prefix);
    let base = to_bits(facts.network.network());
    // B: inside A's network, in the next block or two (same /16 or /24 often),
    // or far away.
    let b_bits = match rng.random_range(0..3) {
        0 => base + rng.random_range(1..size - 1),
        1 => base.wrapping_add(size * rng.random_range(1..=2)) + rng.random_range(1..size - 1),
        _ => to_bits(IpAddr::V4(random_ipv4(rng))),
    };
    let b = from_bits(Family::V4, b_bits & 0xffff_ffff);
    let gateway = if facts.first_host == facts.address {
        facts.last_host
    } else {
        facts.first_host
    };
    Spec::Same {
        a: format!("{a}/{prefix}"),
        b: b.to_string(),
        gateway: gateway.to_string(),
    }
}

pub fn build(spec: &Spec, a: &str, b: &str, gateway: &str) -> Result<Problem, String> {
    let input = parse_input(a).map_err(|e| e.to_string())?;
    let facts = SubnetFacts::from_input(&input);
    let b = parse_address(b, 0).map_err(|e| e.to_string())?;
    let gateway = parse_address(gateway, 0).map_err(|e| e.to_string())?;
    let check = SameNetworkCheck::new(&facts, b, Some(gateway)).map_err(|e| e.to_string())?;
    if b == facts.address || !check.gateway.is_some_and(|g| g.is_valid()) {
        return Err(format!("{b} via {gateway} is not a fair question for {a}"));
    }
    let delivery = if check.same {
        Delivery::Direct
    } else {
        Delivery::Gateway
    };
    let mut delivery_field = Field::new(FieldId::Delivery, Value::Delivery(delivery));
    // The comparison under the octet boundary (or the classful mask) instead
    // of A's own prefix, by the same check.
    let mut others = Vec::new();
    if let Some(used) = facts.class.and_then(classful_prefix) {
        others.push(used);
    }
    others.push(facts.prefix / 8 * 8);
    others.push(facts.prefix.div_ceil(8) * 8);
    for used in others {
        if used == facts.prefix {
            continue;
        }
        let wrong = SubnetFacts::new(facts.address, used);
        if let Ok(c) = SameNetworkCheck::new(&wrong, b, None) {
            let verdict = if c.same {
                Delivery::Direct
            } else {
                Delivery::Gateway
            };
            delivery_field = delivery_field.mistake(
                Mistake::ClassfulCompare { used },
                Some(Value::Delivery(verdict)),
            );
        }
    }
    let target = if check.same { b } else { gateway };
    let arp = Field::new(FieldId::ArpTarget, Value::Address(target))
        .mistake(
            Mistake::ArpForRemote,
            (!check.same).then_some(Value::Address(b)),
        )
        .mistake(
            Mistake::ArpGatewayForLocal,
            check.same.then_some(Value::Address(gateway)),
        )
        .mistake(Mistake::OwnAddress, Some(Value::Address(facts.address)));
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(
            format!(
                "Host A is {}/{} with gateway {gateway}. A sends a packet to B = {b}. Does A deliver it directly or through the gateway, and whom does A ask ARP about?",
                facts.address, facts.prefix
            ),
            format!(
                "主机 A 是 {}/{}，网关是 {gateway}。A 向 B = {b} 发送一个分组。A 是直接交付还是交给网关？A 用 ARP 查询谁的地址？",
                facts.address, facts.prefix
            ),
        ),
        detail: Vec::new(),
        fields: vec![delivery_field, arp],
    })
}
