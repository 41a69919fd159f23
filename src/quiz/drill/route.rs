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

/// A table of nested and neighbouring routes around a destination.
pub fn generate(rng: &mut ChaCha8Rng) -> Spec {
    let destination = random_ipv4(rng);
    let dest = IpAddr::V4(destination);
    let wide: u8 = rng.random_range(8..=16);
    let mid: u8 = rng.random_range(wide + 2..=22);
    let narrow: u8 = rng.random_range(mid + 2..=28);
    let net = |p: u8| SubnetFacts::new(dest, p).network;
    // The narrow route holds the destination only sometimes: flip a bit just
    // above its host bits to move it to the neighbouring block.
    let narrow_net = if rng.random_bool(0.5) {
        net(narrow)
    } else {
        let flipped = crate::net::subnet::to_bits(dest) ^ (1u128 << (32 - narrow));
        SubnetFacts::new(
            crate::net::subnet::from_bits(crate::net::subnet::Family::V4, flipped),
            narrow,
        )
        .network
    };
    let mut routes = vec![
        ("0.0.0.0/0".to_string(), "eth0".to_string()),
        (net(wide).to_string(), "eth1".to_string()),
        (net(mid).to_string(), "eth2".to_string()),
        (narrow_net.to_string(), "eth3".to_string()),
    ];
    routes.shuffle(rng);
    Spec::Route {
        routes,
        destination: destination.to_string(),
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
    let detail = table
        .routes
        .iter()
        .map(|r| format!("{:<18} → {}", r.network.to_string(), r.via))
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
