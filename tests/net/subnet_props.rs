//! Properties of the calculator over arbitrary inputs.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use nettutor::i18n::Lang;
use nettutor::net::subnet::{
    AddressRange, PrefixSource, SplitPlan, SubnetFacts, aggregate, all_ones, and_rows, and_sweep,
    mask_bits, or_rows, parse_input, parse_panel_arg, plan_vlsm, to_bits,
};
use proptest::prelude::*;

fn any_address() -> impl Strategy<Value = (IpAddr, u8)> {
    prop_oneof![
        (any::<u32>(), 0u8..=32).prop_map(|(a, p)| (IpAddr::V4(Ipv4Addr::from(a)), p)),
        (any::<u128>(), 0u8..=128).prop_map(|(a, p)| (IpAddr::V6(Ipv6Addr::from(a)), p)),
    ]
}

/// Inclusive u128 intervals of a set of networks, merged.
fn merged(nets: &[IpNet]) -> Vec<(u128, u128)> {
    let mut spans: Vec<(u128, u128)> = nets
        .iter()
        .map(|n| (to_bits(n.network()), to_bits(n.broadcast())))
        .collect();
    spans.sort();
    let mut out: Vec<(u128, u128)> = Vec::new();
    for (s, e) in spans {
        match out.last_mut() {
            Some((_, end)) if s <= end.saturating_add(1) => *end = (*end).max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        for result in [parse_input(&text).map(|_| ()), parse_panel_arg(&text).map(|_| ()),
                       AddressRange::parse(&text).map(|_| ())] {
            if let Err(e) = result {
                for lang in Lang::ALL {
                    prop_assert!(!e.message(lang).contains('\n'));
                }
            }
        }
    }

    #[test]
    fn address_like_text_never_panics(text in "[0-9a-fA-F:./ %=,-]{0,40}") {
        let _ = parse_input(&text);
        let _ = parse_panel_arg(&text);
        let _ = AddressRange::parse(&text);
    }

    #[test]
    fn and_or_facts_hold((address, prefix) in any_address()) {
        let f = SubnetFacts::new(address, prefix);
        let family = f.family();
        let mask = mask_bits(family, prefix);
        let wildcard = all_ones(family) & !mask;
        // network = address AND mask; the network contains the address.
        prop_assert_eq!(to_bits(f.network.network()), to_bits(address) & mask);
        prop_assert!(f.network.contains(&address));
        prop_assert_eq!(to_bits(f.netmask), mask);
        prop_assert_eq!(to_bits(f.wildcard), wildcard);
        // broadcast (or last address) = network OR wildcard.
        let last = to_bits(f.network.network()) | wildcard;
        let [_, or_row] = or_rows(&f);
        prop_assert_eq!(to_bits(or_row.value), last);
        match f.broadcast {
            Some(b) => {
                prop_assert_eq!(to_bits(b), last);
                prop_assert!(family.bits() == 32 && prefix <= 30);
                prop_assert_eq!(to_bits(f.first_host), to_bits(f.network.network()) + 1);
                prop_assert_eq!(to_bits(f.last_host), last - 1);
            }
            None => {
                prop_assert!(family.bits() == 128 || prefix >= 31);
                prop_assert_eq!(to_bits(f.first_host), to_bits(f.network.network()));
                prop_assert_eq!(to_bits(f.last_host), last);
            }
        }
        // The AND row is bitwise the AND of the other two.
        let [a, m, n] = and_rows(&f);
        for i in 0..family.bits() {
            prop_assert_eq!(n.bit(i), a.bit(i) && m.bit(i));
        }
        // The sweep ends with every result bit revealed.
        let steps = and_sweep(&f);
        prop_assert_eq!(steps.len(), usize::from(family.bits()) + 4);
        prop_assert!(steps.last().unwrap().shows_last());
    }

    #[test]
    fn typed_forms_round_trip((address, prefix) in any_address()) {
        let parsed = parse_input(&format!("{address}/{prefix}")).unwrap();
        prop_assert_eq!(parsed.address, address);
        prop_assert_eq!(parsed.prefix, prefix);
        prop_assert_eq!(parsed.source, PrefixSource::Length);
        if address.is_ipv4() {
            let f = SubnetFacts::new(address, prefix);
            let with_mask = parse_input(&format!("{address} {}", f.netmask)).unwrap();
            prop_assert_eq!(with_mask.prefix, prefix);
            let slash_mask = parse_input(&format!("{address}/{}", f.netmask)).unwrap();
            prop_assert_eq!(slash_mask.prefix, prefix);
        }
    }

    #[test]
    fn splits_cover_the_parent_exactly(base in any::<u32>(), prefix in 0u8..=32, extra in 0u8..=6) {
        let new_prefix = (prefix + extra).min(32);
        let parent = IpNet::new(IpAddr::V4(Ipv4Addr::from(base)), prefix).unwrap().trunc();
        let plan = SplitPlan::by_prefix(parent, new_prefix).unwrap();
        let subnets: Vec<IpNet> = plan.iter().collect();
        prop_assert_eq!(Some(subnets.len() as u128), plan.count().as_u128());
        prop_assert_eq!(subnets[0].network(), parent.network());
        prop_assert_eq!(subnets.last().unwrap().broadcast(), parent.broadcast());
        for pair in subnets.windows(2) {
            // Consecutive and touching: no gap, no overlap.
            prop_assert_eq!(to_bits(pair[0].broadcast()) + 1, to_bits(pair[1].network()));
        }
        for (i, s) in subnets.iter().enumerate() {
            prop_assert_eq!(s.prefix_len(), new_prefix);
            prop_assert!(parent.contains(s));
            prop_assert_eq!(plan.get(i as u128), Some(*s));
        }
    }

    #[test]
    fn aggregation_covers_exactly_the_inputs(
        nets in prop::collection::vec((0u32..4096, 20u8..=32), 1..12)
    ) {
        // Small networks inside 10.0.0.0/16 so they often touch and overlap.
        let inputs: Vec<IpNet> = nets
            .iter()
            .map(|&(offset, p)| {
                IpNet::new(IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | (offset << 4))), p).unwrap().trunc()
            })
            .collect();
        let out = aggregate(&inputs);
        prop_assert_eq!(merged(&inputs), merged(&out));
        // Fewest: no output overlaps, and no two are mergeable siblings.
        for (i, a) in out.iter().enumerate() {
            for b in &out[i + 1..] {
                prop_assert!(!a.contains(b) && !b.contains(a));
                prop_assert!(!(a.prefix_len() == b.prefix_len() && a.is_sibling(b)));
            }
        }
    }

    #[test]
    fn ranges_become_exact_blocks(a in any::<u32>(), b in any::<u32>()) {
        let (start, end) = (a.min(b), a.max(b));
        let range = AddressRange::new(
            IpAddr::V4(Ipv4Addr::from(start)),
            IpAddr::V4(Ipv4Addr::from(end)),
        ).unwrap();
        let blocks: Vec<IpNet> = range.cidr_blocks().collect();
        prop_assert!(blocks.len() <= 62);
        prop_assert_eq!(to_bits(blocks[0].network()), u128::from(start));
        prop_assert_eq!(to_bits(blocks.last().unwrap().broadcast()), u128::from(end));
        for pair in blocks.windows(2) {
            prop_assert_eq!(to_bits(pair[0].broadcast()) + 1, to_bits(pair[1].network()));
        }
    }

    #[test]
    fn vlsm_subnets_fit_hold_their_hosts_and_do_not_overlap(
        hosts in prop::collection::vec(1u64..300, 1..8), base in any::<u32>(), prefix in 16u8..=24
    ) {
        let parent = IpNet::new(IpAddr::V4(Ipv4Addr::from(base)), prefix).unwrap().trunc();
        if let Ok(plan) = plan_vlsm(parent, &hosts) {
            prop_assert_eq!(plan.allocations.len(), hosts.len());
            for (i, a) in plan.allocations.iter().enumerate() {
                prop_assert!(parent.contains(&a.subnet));
                prop_assert!(a.usable >= u128::from(a.hosts));
                prop_assert_eq!(a.hosts, hosts[a.request - 1]);
                for b in &plan.allocations[i + 1..] {
                    prop_assert!(!a.subnet.contains(&b.subnet) && !b.subnet.contains(&a.subnet));
                    prop_assert!(a.subnet.prefix_len() <= b.subnet.prefix_len(), "largest first");
                }
            }
            let mut all: Vec<IpNet> = plan.allocations.iter().map(|a| a.subnet).collect();
            all.extend(&plan.free);
            prop_assert_eq!(merged(&all), merged(&[parent]));
        } else {
            // It failed, so the blocks really need more than the parent holds.
            let need: u128 = hosts.iter().map(|&h| (u128::from(h) + 2).next_power_of_two()).sum();
            prop_assert!(need > 1u128 << (32 - prefix));
        }
    }
}
