//! The range problem: given `192.168.37.77/27` (or the address and its dotted
//! mask, or an IPv6 prefix), find the network, broadcast, first and last host
//! and the number of usable hosts — only what applies:
//! - IPv4 /0–/30: all five;
//! - IPv4 /31 (RFC 3021, point-to-point): no broadcast; both addresses are hosts;
//! - IPv4 /32: the network (the address itself) and the count (1);
//! - IPv6: the network, the last address and the number of addresses (there is
//!   no broadcast; which addresses a host may use is a convention of its own).

use std::net::IpAddr;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::i18n::Text;
use crate::net::subnet::{
    AddressCount, Class, Family, NetworkKind, PrefixSource, SubnetFacts, from_bits, parse_input,
    to_bits,
};

use super::field::{FieldId, Value};
use super::mistake::Mistake;
use super::problem::{Field, Problem};
use super::{Spec, random_ipv4};

/// The classful prefix of an IPv4 address (A /8, B /16, C /24; none for D, E).
pub fn classful_prefix(class: Class) -> Option<u8> {
    match class {
        Class::A => Some(8),
        Class::B => Some(16),
        Class::C => Some(24),
        Class::D | Class::E => None,
    }
}

/// A random range problem: mostly IPv4 /8–/30, sometimes /31, /32, a dotted
/// mask, or IPv6.
pub fn generate(rng: &mut ChaCha8Rng) -> Spec {
    let roll = rng.random_range(0..20);
    let input = if roll < 3 {
        let groups: [u16; 4] = [0x2001, 0x0db8, rng.random(), rng.random()];
        let prefix = *super::pick(rng, &[48u8, 52, 56, 60, 64, 64, 64, 112, 120, 126, 127]);
        let iid: [u16; 4] = [rng.random(), rng.random(), rng.random(), rng.random()];
        let all: Vec<String> = groups
            .iter()
            .chain(iid.iter())
            .map(|g| format!("{g:x}"))
            .collect();
        let addr: std::net::Ipv6Addr = all
            .join(":")
            .parse()
            .unwrap_or(std::net::Ipv6Addr::LOCALHOST);
        format!("{addr}/{prefix}")
    } else {
        let address = random_ipv4(rng);
        let prefix = match roll {
            3 => 31,
            4 => 32,
            5..=6 => rng.random_range(8..=15),
            _ => rng.random_range(16..=30),
        };
        if rng.random_bool(0.25) {
            let facts = SubnetFacts::new(IpAddr::V4(address), prefix);
            format!("{address} {}", facts.netmask)
        } else {
            format!("{address}/{prefix}")
        }
    };
    Spec::Range { input }
}

/// The problem of one input.
pub fn build(spec: &Spec, input: &str) -> Result<Problem, String> {
    let parsed = parse_input(input).map_err(|e| e.to_string())?;
    if parsed.source == PrefixSource::Bare {
        return Err(format!("{input}: give a prefix or a mask"));
    }
    let f = SubnetFacts::from_input(&parsed);
    let (en, zh) = match parsed.source {
        PrefixSource::Mask => (
            format!("Host {} with mask {}.", f.address, f.netmask),
            format!("主机 {}，掩码 {}。", f.address, f.netmask),
        ),
        _ => (
            format!("Host {}/{}.", f.address, f.prefix),
            format!("主机 {}/{}。", f.address, f.prefix),
        ),
    };
    // Which addresses a host may use is a convention of IPv6's own: say what
    // the count counts, and which addresses are reserved anycast.
    let (en, zh) = if f.kind == NetworkKind::Ipv6 && f.prefix <= 120 {
        (
            format!(
                "{en} Count every address of the prefix; among them the all-zero interface ID is the Subnet-Router anycast address (RFC 4291 §2.6.1) and the top 128 are reserved subnet anycast addresses (RFC 2526)."
            ),
            format!(
                "{zh}数出前缀里的全部地址；其中接口标识全 0 的是子网路由器任播地址（RFC 4291 §2.6.1），最高的 128 个是保留的子网任播地址（RFC 2526）。"
            ),
        )
    } else {
        (en, zh)
    };
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(en, zh),
        detail: Vec::new(),
        fields: fields(&f),
    })
}

/// The other prefixes a student might have computed with: the classful one
/// first (named as such), then the octet (or IPv6 nibble) boundaries around
/// the prefix, then one bit either side.
fn other_prefixes(f: &SubnetFacts) -> Vec<Mistake> {
    let p = f.prefix;
    let width = f.family().bits();
    let mut out = Vec::new();
    if let Some(class) = f.class
        && let Some(used) = classful_prefix(class)
        && used != p
    {
        out.push(Mistake::Classful {
            class,
            used,
            prefix: p,
        });
    }
    let step = if f.family() == Family::V4 { 8 } else { 4 };
    let down = p / step * step;
    let up = (p.div_ceil(step) * step).min(width);
    for used in [down, up, p.saturating_sub(1), (p + 1).min(width)] {
        if used != p && !out.iter().any(|m| prefix_used(m) == Some(used)) {
            out.push(Mistake::WrongPrefix { used, prefix: p });
        }
    }
    out
}

fn prefix_used(m: &Mistake) -> Option<u8> {
    match m {
        Mistake::Classful { used, .. } | Mistake::WrongPrefix { used, .. } => Some(*used),
        _ => None,
    }
}

/// `bits` ± `delta` as an address of the family (wrapping, as the mistake would).
fn shifted(f: &SubnetFacts, bits: u128, up: bool) -> Value {
    let v = if up {
        bits.wrapping_add(1)
    } else {
        bits.wrapping_sub(1)
    };
    Value::Address(from_bits(f.family(), v))
}

fn address(a: IpAddr) -> Option<Value> {
    Some(Value::Address(a))
}

fn count(c: AddressCount) -> Option<Value> {
    Some(Value::Count(c))
}

/// The fields that apply to `f`, each with its mistaken values.
fn fields(f: &SubnetFacts) -> Vec<Field> {
    let wrong = other_prefixes(f);
    // The same field of the facts under another prefix: the real calculator on
    // the mistaken input.
    let under = |m: &Mistake, pick: &dyn Fn(&SubnetFacts) -> Option<Value>| {
        prefix_used(m).and_then(|used| pick(&SubnetFacts::new(f.address, used)))
    };
    let with_prefixes = |mut field: Field, pick: &dyn Fn(&SubnetFacts) -> Option<Value>| {
        for m in &wrong {
            field = field.mistake(*m, under(m, pick));
        }
        field
    };
    let network = to_bits(f.network.network());
    let last = to_bits(f.last_host);
    let host_bits = u32::from(f.family().bits() - f.prefix);
    let own = address(f.address);

    let network_field = {
        let field = Field::new(FieldId::Network, Value::Address(f.network.network()))
            .mistake(Mistake::OwnAddress, own.clone());
        let field = with_prefixes(field, &|g| address(g.network.network()));
        let field = match f.kind {
            NetworkKind::Ipv4Lan => field.mistake(Mistake::HostAsNetwork, address(f.first_host)),
            _ => field,
        };
        let host_part = from_bits(f.family(), to_bits(f.address) & to_bits(f.wildcard));
        field
            .mistake(Mistake::GaveMask, address(f.netmask))
            .mistake(Mistake::HostPart, address(host_part))
    };

    match f.kind {
        NetworkKind::Ipv4Lan => {
            let Some(broadcast) = f.broadcast else {
                return vec![network_field];
            };
            let broadcast_field = {
                let field = Field::new(FieldId::Broadcast, Value::Address(broadcast))
                    .mistake(Mistake::OwnAddress, own.clone());
                with_prefixes(field, &|g| g.broadcast.map(Value::Address))
                    .mistake(Mistake::HostAsBroadcast, address(f.last_host))
                    .mistake(
                        Mistake::NextNetwork,
                        Some(shifted(f, to_bits(broadcast), true)),
                    )
                    .mistake(Mistake::GaveWildcard, address(f.wildcard))
            };
            let first = Field::new(FieldId::FirstHost, Value::Address(f.first_host))
                .mistake(Mistake::NetworkAsHost, address(f.network.network()))
                .mistake(Mistake::OwnAddress, own.clone());
            let first = with_prefixes(first, &|g| address(g.first_host));
            let last_field = Field::new(FieldId::LastHost, Value::Address(f.last_host))
                .mistake(Mistake::BroadcastAsHost, address(broadcast))
                .mistake(Mistake::OwnAddress, own);
            let last_field = with_prefixes(last_field, &|g| address(g.last_host));
            let total = f.total_addresses;
            let hosts = Field::new(FieldId::UsableHosts, Value::Count(f.usable_hosts))
                .mistake(Mistake::PowerOfTwo { bits: host_bits }, count(total))
                .mistake(
                    Mistake::MinusOne { bits: host_bits },
                    total
                        .as_u128()
                        .map(|t| Value::Count(AddressCount::exact(t - 1))),
                )
                .mistake(
                    Mistake::GaveHostBits { bits: host_bits },
                    count(AddressCount::exact(u128::from(host_bits))),
                );
            let hosts = with_prefixes(hosts, &|g| count(g.usable_hosts));
            let swapped = SubnetFacts::new(f.address, 32 - f.prefix);
            let hosts = hosts.mistake(
                Mistake::SwappedBits { prefix: f.prefix },
                count(swapped.usable_hosts),
            );
            vec![network_field, broadcast_field, first, last_field, hosts]
        }
        NetworkKind::PointToPoint => {
            // The LAN rule on a /31 would give first = network + 1, last = network.
            let first = Field::new(FieldId::FirstHost, Value::Address(f.first_host))
                .mistake(
                    Mistake::LanRuleOnPointToPoint,
                    Some(shifted(f, network, true)),
                )
                .mistake(Mistake::OwnAddress, own.clone());
            let first = with_prefixes(first, &|g| address(g.first_host));
            let last_field = Field::new(FieldId::LastHost, Value::Address(f.last_host))
                .mistake(
                    Mistake::LanRuleOnPointToPoint,
                    Some(shifted(f, last, false)),
                )
                .mistake(Mistake::OwnAddress, own);
            let last_field = with_prefixes(last_field, &|g| address(g.last_host));
            let hosts = Field::new(FieldId::UsableHosts, Value::Count(f.usable_hosts))
                .mistake(
                    Mistake::LanRuleOnPointToPoint,
                    count(AddressCount::exact(0)),
                )
                .mistake(
                    Mistake::GaveHostBits { bits: host_bits },
                    count(AddressCount::exact(u128::from(host_bits))),
                );
            let hosts = with_prefixes(hosts, &|g| count(g.usable_hosts));
            vec![network_field, first, last_field, hosts]
        }
        NetworkKind::SingleHost => {
            let hosts = Field::new(FieldId::UsableHosts, Value::Count(f.usable_hosts))
                .mistake(Mistake::LanRuleOnSingleHost, count(AddressCount::exact(0)));
            let hosts = with_prefixes(hosts, &|g| count(g.usable_hosts));
            vec![network_field, hosts]
        }
        NetworkKind::Ipv6 => {
            let last_field = Field::new(FieldId::LastAddress, Value::Address(f.last_host))
                .mistake(Mistake::Ipv6Broadcast, Some(shifted(f, last, false)))
                .mistake(Mistake::OwnAddress, own);
            let last_field = with_prefixes(last_field, &|g| address(g.last_host));
            let total = f.total_addresses;
            let addresses = Field::new(FieldId::Addresses, Value::Count(total))
                .mistake(
                    Mistake::Ipv6Broadcast,
                    total
                        .as_u128()
                        .and_then(|t| t.checked_sub(2))
                        .map(|t| Value::Count(AddressCount::exact(t))),
                )
                .mistake(
                    Mistake::GaveHostBits { bits: host_bits },
                    count(AddressCount::exact(u128::from(host_bits))),
                )
                .mistake(
                    Mistake::SwappedBits { prefix: f.prefix },
                    count(AddressCount::power_of_two(u32::from(f.prefix))),
                );
            // The reserved anycast addresses taken away: the Subnet-Router
            // anycast (RFC 4291 §2.6.1), and with it the top 128 (RFC 2526).
            let addresses = if host_bits >= 8 {
                let minus = |n: u128| {
                    total
                        .as_u128()
                        .and_then(|t| t.checked_sub(n))
                        .map(|t| Value::Count(AddressCount::exact(t)))
                };
                addresses
                    .mistake(Mistake::Ipv6Anycast, minus(1))
                    .mistake(Mistake::Ipv6Anycast, minus(129))
                    .mistake(Mistake::Ipv6Anycast, minus(128))
            } else {
                addresses
            };
            let addresses = with_prefixes(addresses, &|g| count(g.total_addresses));
            vec![network_field, last_field, addresses]
        }
    }
}
