//! Route → interface by longest-prefix match, over a small routing table.

use std::net::IpAddr;

use ipnet::IpNet;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::i18n::Text;
use crate::net::subnet::{RouteTable, SubnetFacts, parse_address, parse_network};

use super::field::FieldId;
use super::mistake::Mistake;
use super::problem::{Field, Problem};
use super::{Spec, random_ipv4};

/// A table of nested and neighbouring routes around a destination (IPv4,
/// or one time in four IPv6).
pub fn generate(rng: &mut ChaCha8Rng) -> Spec {
    use crate::net::subnet::{Family, from_bits, to_bits};
    let v6 = rng.random_range(0..4) == 0;
    let (dest, family, default, ranges) = if v6 {
        let bits = (0x2001_0db8u128 << 96) | (rng.random::<u128>() >> 32);
        (
            from_bits(Family::V6, bits),
            Family::V6,
            "::/0",
            [(16u8, 32u8), (4, 48), (4, 64)],
        )
    } else {
        (
            IpAddr::V4(random_ipv4(rng)),
            Family::V4,
            "0.0.0.0/0",
            [(8u8, 16u8), (2, 22), (2, 28)],
        )
    };
    let width = if v6 { 128 } else { 32 };
    let wide: u8 = rng.random_range(ranges[0].0..=ranges[0].1);
    let mid: u8 = rng.random_range(wide + ranges[1].0..=ranges[1].1);
    let narrow: u8 = rng.random_range(mid + ranges[2].0..=ranges[2].1);
    let net = |p: u8| SubnetFacts::new(dest, p).network;
    // The narrow route holds the destination only sometimes: flip a bit just
    // above its host bits to move it to the neighbouring block.
    let narrow_net = if rng.random_bool(0.5) {
        net(narrow)
    } else {
        let flipped = to_bits(dest) ^ (1u128 << (width - narrow));
        SubnetFacts::new(from_bits(family, flipped), narrow).network
    };
    let mut routes = vec![
        (default.to_string(), "eth0".to_string()),
        (net(wide).to_string(), "eth1".to_string()),
        (net(mid).to_string(), "eth2".to_string()),
        (narrow_net.to_string(), "eth3".to_string()),
    ];
    routes.shuffle(rng);
    Spec::Route {
        routes,
        destination: dest.to_string(),
    }
}

pub fn build(
    spec: &Spec,
    routes: &[(String, String)],
    destination: &str,
) -> Result<Problem, String> {
    let destination = parse_address(destination, 0).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for (net, via) in routes {
        let net: IpNet = parse_network(net, 0).map_err(|e| e.to_string())?;
        rows.push((net, via.clone()));
    }
    let table = RouteTable::new(rows);
    let chosen = table
        .lookup(destination)
        .ok_or_else(|| format!("no route holds {destination}"))?;
    let words: Vec<String> = table.routes.iter().map(|r| r.via.clone()).collect();
    let via =
        |r: Option<&crate::net::subnet::Route>| r.map(|r| super::field::Value::Word(r.via.clone()));
    // The most specific route of all, when it does not hold the destination.
    let longest = table
        .routes
        .iter()
        .max_by_key(|r| r.network.prefix_len())
        .filter(|r| !r.network.contains(&destination));
    let field = Field::word(FieldId::Interface, &chosen.via, &words)
        .mistake(Mistake::NotMatching, via(longest))
        .mistake(Mistake::FirstMatch, via(table.first_match(destination)))
        .mistake(
            Mistake::LeastSpecific,
            via(table.least_specific(destination)),
        );
    // Columns as wide as the longest network (at least an IPv4 /32's 18).
    let column = table
        .routes
        .iter()
        .map(|r| r.network.to_string().len())
        .max()
        .unwrap_or(0)
        .max(18);
    let detail = table
        .routes
        .iter()
        .map(|r| format!("{:<column$} → {}", r.network.to_string(), r.via))
        .collect();
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(
            format!(
                "A router has this table. Out of which interface does it send a packet for {destination}?"
            ),
            format!("路由器的路由表如下。发往 {destination} 的分组从哪个接口发出？"),
        ),
        detail,
        fields: vec![field],
    })
}
