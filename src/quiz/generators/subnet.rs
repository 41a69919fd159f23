//! Subnet questions, answered by the subnet calculator (`net::subnet`):
//! network, broadcast, first/last host, host count, mask ↔ prefix, same network
//! or not, and which subnet of a split. /31 (RFC 3021) and /32 come up too.

use std::net::{IpAddr, Ipv4Addr};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Generator, Tier, link, text};
use crate::lesson::question::mask_of;
use crate::lesson::{Expected, PanelId, Question, QuestionKind, Topic};
use crate::net::subnet::{NetworkKind, SameNetworkCheck, SplitPlan, SubnetFacts};

pub const GENERATORS: &[Generator] = &[
    Generator {
        id: "gen.subnet.network",
        topic: Topic::Subnet,
        tier: Tier::Core,
        make: network,
    },
    Generator {
        id: "gen.subnet.broadcast",
        topic: Topic::Subnet,
        tier: Tier::Core,
        make: broadcast,
    },
    Generator {
        id: "gen.subnet.first-host",
        topic: Topic::Subnet,
        tier: Tier::Core,
        make: first_host,
    },
    Generator {
        id: "gen.subnet.last-host",
        topic: Topic::Subnet,
        tier: Tier::Core,
        make: last_host,
    },
    Generator {
        id: "gen.subnet.host-count",
        topic: Topic::Subnet,
        tier: Tier::Core,
        make: host_count,
    },
    Generator {
        id: "gen.subnet.mask",
        topic: Topic::Subnet,
        tier: Tier::Basic,
        make: prefix_to_mask,
    },
    Generator {
        id: "gen.subnet.prefix",
        topic: Topic::Subnet,
        tier: Tier::Basic,
        make: mask_to_prefix,
    },
    Generator {
        id: "gen.subnet.same-network",
        topic: Topic::Subnet,
        tier: Tier::Stretch,
        make: same_network,
    },
    Generator {
        id: "gen.subnet.split",
        topic: Topic::Subnet,
        tier: Tier::Stretch,
        make: split,
    },
];

/// An address from a private range or anywhere public.
fn address(rng: &mut ChaCha8Rng) -> Ipv4Addr {
    match rng.random_range(0..4) {
        0 => Ipv4Addr::new(10, rng.random(), rng.random(), rng.random()),
        1 => Ipv4Addr::new(172, rng.random_range(16..=31), rng.random(), rng.random()),
        2 => Ipv4Addr::new(192, 168, rng.random(), rng.random()),
        _ => Ipv4Addr::new(
            rng.random_range(1..=223),
            rng.random(),
            rng.random(),
            rng.random(),
        ),
    }
}

/// A prefix for range questions: mostly /16–/30, sometimes /8–/15, /31 or /32.
fn prefix(rng: &mut ChaCha8Rng, with_special: bool) -> u8 {
    let roll = rng.random_range(0..20);
    match roll {
        0 if with_special => 31,
        1 if with_special => 32,
        2..=4 => rng.random_range(8..=15),
        _ => rng.random_range(16..=30),
    }
}

fn facts(rng: &mut ChaCha8Rng, with_special: bool) -> (Ipv4Addr, u8, SubnetFacts) {
    let a = address(rng);
    let p = prefix(rng, with_special);
    (a, p, SubnetFacts::new(IpAddr::V4(a), p))
}

fn v4(ip: IpAddr) -> Ipv4Addr {
    match ip {
        IpAddr::V4(a) => a,
        IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
    }
}

fn question(
    id: &str,
    concepts: &[&str],
    prompt: (String, String),
    expected: Expected,
    why: (String, String),
    arg: String,
) -> Question {
    Question {
        id: id.into(),
        topic: Topic::Subnet,
        concepts: concepts.iter().map(|c| c.to_string()).collect(),
        prompt: text(prompt.0, prompt.1),
        kind: QuestionKind::FillIn { expected },
        explanation: text(why.0, why.1),
        panel: link(PanelId::Subnet, arg),
    }
}

/// "the network 192.168.21.0/24 (mask 255.255.255.0)".
fn and_note(f: &SubnetFacts) -> (String, String) {
    (
        format!(
            "{} AND {} (/{}) = {}: keep the first {} bits, clear the other {}.",
            f.address,
            f.netmask,
            f.prefix,
            f.network.addr(),
            f.prefix,
            32 - f.prefix
        ),
        format!(
            "{} AND {}（/{}）= {}：保留前 {} 位，其余 {} 位清零。",
            f.address,
            f.netmask,
            f.prefix,
            f.network.addr(),
            f.prefix,
            32 - f.prefix
        ),
    )
}

fn network(rng: &mut ChaCha8Rng) -> Question {
    let (a, p, f) = facts(rng, true);
    question(
        "gen.subnet.network",
        &["subnet.and"],
        (
            format!("What is the network address of {a}/{p}?"),
            format!("{a}/{p} 的网络地址是什么？"),
        ),
        Expected::Ipv4(v4(f.network.addr())),
        and_note(&f),
        format!("{a}/{p}"),
    )
}

fn broadcast(rng: &mut ChaCha8Rng) -> Question {
    let (a, p, f) = facts(rng, false);
    let b = f.broadcast.map_or(Ipv4Addr::BROADCAST, v4);
    question(
        "gen.subnet.broadcast",
        &["subnet.range"],
        (
            format!("What is the broadcast address of {a}/{p}?"),
            format!("{a}/{p} 的广播地址是什么？"),
        ),
        Expected::Ipv4(b),
        (
            format!(
                "Take the network {} and set its {} host bits to 1 (OR the wildcard {}): {b}.",
                f.network.addr(),
                32 - p,
                f.wildcard
            ),
            format!(
                "取网络地址 {}，把它的 {} 个主机位全部置 1（与通配符 {} 做 OR）：{b}。",
                f.network.addr(),
                32 - p,
                f.wildcard
            ),
        ),
        format!("{a}/{p}"),
    )
}

fn host_rule(f: &SubnetFacts) -> (String, String) {
    match f.kind {
        NetworkKind::PointToPoint => (
            "A /31 is a point-to-point link (RFC 3021): both addresses are hosts, there is no network or broadcast address.".into(),
            "/31 是点对点链路（RFC 3021）：两个地址都是主机地址，没有网络地址和广播地址。".into(),
        ),
        NetworkKind::SingleHost => (
            "A /32 is one single host: the only address is the host.".into(),
            "/32 表示单个主机：唯一的地址就是这台主机。".into(),
        ),
        _ => (
            format!(
                "The network address {} and the broadcast address {} are reserved; hosts are everything in between.",
                f.network.addr(),
                f.broadcast.map_or_else(String::new, |b| b.to_string())
            ),
            format!(
                "网络地址 {} 和广播地址 {} 是保留的；两者之间的都是主机地址。",
                f.network.addr(),
                f.broadcast.map_or_else(String::new, |b| b.to_string())
            ),
        ),
    }
}

fn first_host(rng: &mut ChaCha8Rng) -> Question {
    let (a, p, f) = facts(rng, true);
    question(
        "gen.subnet.first-host",
        &["subnet.range"],
        (
            format!("What is the first usable host address of {a}/{p}?"),
            format!("{a}/{p} 的第一个可用主机地址是什么？"),
        ),
        Expected::Ipv4(v4(f.first_host)),
        host_rule(&f),
        format!("{a}/{p}"),
    )
}

fn last_host(rng: &mut ChaCha8Rng) -> Question {
    let (a, p, f) = facts(rng, true);
    question(
        "gen.subnet.last-host",
        &["subnet.range"],
        (
            format!("What is the last usable host address of {a}/{p}?"),
            format!("{a}/{p} 的最后一个可用主机地址是什么？"),
        ),
        Expected::Ipv4(v4(f.last_host)),
        host_rule(&f),
        format!("{a}/{p}"),
    )
}

fn host_count(rng: &mut ChaCha8Rng) -> Question {
    let (a, p, f) = facts(rng, true);
    let n = f
        .usable_hosts
        .as_u128()
        .map_or(0, |n| u64::try_from(n).unwrap_or(u64::MAX));
    let (mut en, mut zh) = host_rule(&f);
    if f.kind == NetworkKind::Ipv4Lan {
        en = format!("2^(32 − {p}) − 2 = {n}. {en}");
        zh = format!("2^(32 − {p}) − 2 = {n}。{zh}");
    }
    question(
        "gen.subnet.host-count",
        &["subnet.range"],
        (
            format!("How many usable host addresses does {a}/{p} have?"),
            format!("{a}/{p} 有多少个可用主机地址？"),
        ),
        Expected::Number(n),
        (en, zh),
        format!("{a}/{p}"),
    )
}

fn mask_note(p: u8) -> (String, String) {
    let mask = mask_of(p);
    let bits: Vec<String> = mask.octets().iter().map(|o| format!("{o:08b}")).collect();
    (
        format!(
            "/{p} means {p} ones, then zeros: {} = {mask}.",
            bits.join(".")
        ),
        format!(
            "/{p} 表示 {p} 个 1，后面全是 0：{} = {mask}。",
            bits.join(".")
        ),
    )
}

fn prefix_to_mask(rng: &mut ChaCha8Rng) -> Question {
    let a = address(rng);
    let p: u8 = rng.random_range(8..=32);
    let f = SubnetFacts::new(IpAddr::V4(a), p);
    question(
        "gen.subnet.mask",
        &["subnet.mask"],
        (
            format!("Write the prefix /{p} as a dotted mask."),
            format!("把前缀 /{p} 写成点分十进制掩码。"),
        ),
        Expected::Mask(f.prefix),
        mask_note(p),
        format!("{a}/{p}"),
    )
}

fn mask_to_prefix(rng: &mut ChaCha8Rng) -> Question {
    let a = address(rng);
    let p: u8 = rng.random_range(8..=32);
    let f = SubnetFacts::new(IpAddr::V4(a), p);
    let mask = v4(f.netmask);
    question(
        "gen.subnet.prefix",
        &["subnet.mask"],
        (
            format!("Which prefix length is the mask {mask}?"),
            format!("掩码 {mask} 对应的前缀长度是多少？"),
        ),
        Expected::Prefix(p),
        mask_note(p),
        format!("{a} {mask}"),
    )
}

fn same_network(rng: &mut ChaCha8Rng) -> Question {
    let a = address(rng);
    let p: u8 = rng.random_range(16..=30);
    let f = SubnetFacts::new(IpAddr::V4(a), p);
    // Half the time a neighbour inside the network, else one a few blocks away.
    let size = 1u32 << (32 - p);
    let offset = if rng.random_bool(0.5) {
        rng.random_range(0..size)
    } else {
        rng.random_range(0..size.saturating_mul(4).max(4))
    };
    let base = u32::from(v4(f.network.addr()));
    let b = Ipv4Addr::from(base.wrapping_add(offset));
    let check = SameNetworkCheck::new(&f, IpAddr::V4(b), None);
    let (same, nb) = match &check {
        Ok(c) => (c.same, c.network_b.to_string()),
        Err(_) => (false, String::new()),
    };
    let na = f.network.addr();
    Question {
        id: "gen.subnet.same-network".into(),
        topic: Topic::Subnet,
        concepts: vec!["subnet.same-network".into(), "subnet.and".into()],
        prompt: text(
            format!(
                "True or false: with mask /{p} ({}), {a} and {b} are on the same network.",
                f.netmask
            ),
            format!(
                "判断：掩码为 /{p}（{}）时，{a} 和 {b} 在同一个网络。",
                f.netmask
            ),
        ),
        kind: QuestionKind::TrueFalse { correct: same },
        explanation: text(
            format!(
                "{a} AND mask = {na}; {b} AND mask = {nb}. {}",
                if same {
                    "Equal: same network, they talk directly."
                } else {
                    "Different: another network, traffic goes through the gateway."
                }
            ),
            format!(
                "{a} AND 掩码 = {na}；{b} AND 掩码 = {nb}。{}",
                if same {
                    "相同：同一网络，直接通信。"
                } else {
                    "不同：不同网络，要经过网关。"
                }
            ),
        ),
        panel: link(PanelId::Subnet, format!("{a}/{p} same={b}")),
    }
}

fn split(rng: &mut ChaCha8Rng) -> Question {
    let a = address(rng);
    let p: u8 = rng.random_range(16..=26);
    let extra: u8 = rng.random_range(1..=4);
    let q = p + extra;
    let parent = SubnetFacts::new(IpAddr::V4(a), p).network;
    let plan = SplitPlan::by_prefix(parent, q);
    let count = 1u128 << extra;
    let index = rng.random_range(0..count);
    let subnet = plan.ok().and_then(|plan| plan.get(index));
    let answer = subnet.map_or(Ipv4Addr::UNSPECIFIED, |n| v4(n.addr()));
    let number = index + 1;
    let step = 1u32 << (32 - q);
    question(
        "gen.subnet.split",
        &["subnet.split"],
        (
            format!(
                "{parent} is split into {count} subnets of /{q}. What is the network address of subnet number {number} (counting from 1)?"
            ),
            format!(
                "把 {parent} 划分成 {count} 个 /{q} 子网。第 {number} 个子网（从 1 开始数）的网络地址是什么？"
            ),
        ),
        Expected::Ipv4(answer),
        (
            format!(
                "Each /{q} holds 2^{} = {step} addresses, so subnet k starts at {} + (k − 1) × {step}: number {number} is {answer}/{q}.",
                32 - q,
                parent.addr()
            ),
            format!(
                "每个 /{q} 有 2^{} = {step} 个地址，所以第 k 个子网从 {} + (k − 1) × {step} 开始：第 {number} 个是 {answer}/{q}。",
                32 - q,
                parent.addr()
            ),
        ),
        format!("{parent} split={q}"),
    )
}
