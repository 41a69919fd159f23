//! Subnet drills (`nettutor drill subnet`): problems with several fields, each
//! marked on its own, and a hint for a wrong field that names the typical
//! mistake behind it.
//!
//! Every right answer comes from the tutor's own subnet code (`net::subnet`);
//! every hint comes from comparing the answer with the values the typical
//! mistakes produce, each computed by that same code on the mistaken input
//! ([`mistake`]). No terminal here: `cli::drill` drives a [`Drill`] in plain
//! text, and a panel can drive the same state machine.
//!
//! Kinds ([`DrillKind`]): the range of a host's network, the prefix for N
//! hosts or M subnets, mask ↔ prefix ↔ wildcard, which subnet of a split holds
//! an address, a VLSM plan, a route by longest-prefix match, and same network
//! or gateway.
//!
//! Answers: one per field. An empty answer or one that is not a value of the
//! form asked for ("192.168.1" for an address) counts wrong with its reason;
//! the field is not asked again, so one line of input is always one field.

pub mod field;
pub mod masks;
pub mod mistake;
pub mod plain;
pub mod pool;
pub mod problem;
pub mod range;
pub mod route;
pub mod same;
pub mod session;
pub mod sizing;
pub mod split;
pub mod vlsm;

use std::fmt;
use std::net::Ipv4Addr;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use field::{Delivery, FieldId, Form, Value};
pub use mistake::Mistake;
pub use problem::{Field, Mark, Problem};
pub use session::Drill;

/// What a drill problem asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DrillKind {
    /// Network, broadcast, first/last host, usable hosts of a host's network.
    Range,
    /// The longest prefix for N hosts.
    Hosts,
    /// The prefix that splits a network into at least M subnets.
    Subnets,
    /// Mask ↔ prefix ↔ wildcard.
    Mask,
    /// Which subnet of a split holds an address.
    Split,
    /// A VLSM plan for a list of host counts.
    Vlsm,
    /// Route → interface by longest-prefix match.
    Route,
    /// Same network (deliver directly) or through the gateway.
    Same,
}

impl DrillKind {
    pub const ALL: [DrillKind; 8] = [
        DrillKind::Range,
        DrillKind::Hosts,
        DrillKind::Subnets,
        DrillKind::Mask,
        DrillKind::Split,
        DrillKind::Vlsm,
        DrillKind::Route,
        DrillKind::Same,
    ];

    /// The name on the command line (`--kind range,hosts`).
    pub fn name(self) -> &'static str {
        match self {
            DrillKind::Range => "range",
            DrillKind::Hosts => "hosts",
            DrillKind::Subnets => "subnets",
            DrillKind::Mask => "mask",
            DrillKind::Split => "split",
            DrillKind::Vlsm => "vlsm",
            DrillKind::Route => "route",
            DrillKind::Same => "same",
        }
    }

    pub fn from_name(name: &str) -> Option<DrillKind> {
        let name = name.trim().to_ascii_lowercase();
        DrillKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// A random problem of this kind.
    pub fn generate(self, rng: &mut ChaCha8Rng) -> Spec {
        match self {
            DrillKind::Range => range::generate(rng),
            DrillKind::Hosts => sizing::generate_hosts(rng),
            DrillKind::Subnets => sizing::generate_subnets(rng),
            DrillKind::Mask => masks::generate(rng),
            DrillKind::Split => split::generate(rng),
            DrillKind::Vlsm => vlsm::generate(rng),
            DrillKind::Route => route::generate(rng),
            DrillKind::Same => same::generate(rng),
        }
    }
}

impl fmt::Display for DrillKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses `range,hosts` (commas and spaces); `all` or nothing means every kind.
pub fn parse_kinds(list: &[String]) -> Result<Vec<DrillKind>, String> {
    let mut kinds = Vec::new();
    for name in list
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .filter(|s| !s.trim().is_empty())
    {
        if name.trim().eq_ignore_ascii_case("all") {
            return Ok(DrillKind::ALL.to_vec());
        }
        let kind = DrillKind::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = DrillKind::ALL.iter().map(|k| k.name()).collect();
            format!(
                "unknown drill kind '{name}' (one of: {}, all)",
                names.join(", ")
            )
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        kinds = DrillKind::ALL.to_vec();
    }
    Ok(kinds)
}

/// What a problem is made from: small, readable, kept in the progress file
/// for the pool of missed problems, and rebuilt by [`Spec::build`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Spec {
    /// `192.168.37.77/27`, `192.168.37.77 255.255.255.224` or `2001:db8::1/64`.
    Range {
        input: String,
    },
    Hosts {
        hosts: u64,
    },
    /// `parent` is a network such as `10.20.0.0/16`.
    Subnets {
        parent: String,
        subnets: u32,
    },
    Mask {
        given: masks::MaskForm,
        prefix: u8,
    },
    Split {
        parent: String,
        prefix: u8,
        address: String,
    },
    Vlsm {
        parent: String,
        hosts: Vec<u64>,
    },
    /// `(network, interface)` rows in table order.
    Route {
        routes: Vec<(String, String)>,
        destination: String,
    },
    /// A with its prefix, B, and A's gateway.
    Same {
        a: String,
        b: String,
        gateway: String,
    },
}

impl Spec {
    pub fn kind(&self) -> DrillKind {
        match self {
            Spec::Range { .. } => DrillKind::Range,
            Spec::Hosts { .. } => DrillKind::Hosts,
            Spec::Subnets { .. } => DrillKind::Subnets,
            Spec::Mask { .. } => DrillKind::Mask,
            Spec::Split { .. } => DrillKind::Split,
            Spec::Vlsm { .. } => DrillKind::Vlsm,
            Spec::Route { .. } => DrillKind::Route,
            Spec::Same { .. } => DrillKind::Same,
        }
    }

    /// The problem, or why this spec does not make one (a hand-edited file).
    pub fn build(&self) -> Result<Problem, String> {
        match self {
            Spec::Range { input } => range::build(self, input),
            Spec::Hosts { hosts } => sizing::build_hosts(self, *hosts),
            Spec::Subnets { parent, subnets } => sizing::build_subnets(self, parent, *subnets),
            Spec::Mask { given, prefix } => masks::build(self, *given, *prefix),
            Spec::Split {
                parent,
                prefix,
                address,
            } => split::build(self, parent, *prefix, address),
            Spec::Vlsm { parent, hosts } => vlsm::build(self, parent, hosts),
            Spec::Route {
                routes,
                destination,
            } => route::build(self, routes, destination),
            Spec::Same { a, b, gateway } => same::build(self, a, b, gateway),
        }
    }
}

/// `count` problems of `kinds` from `seed`: the same seed, the same problems.
pub fn generate(seed: u64, count: usize, kinds: &[DrillKind]) -> Vec<Problem> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let kinds = if kinds.is_empty() {
        &DrillKind::ALL[..]
    } else {
        kinds
    };
    let mut out = Vec::with_capacity(count);
    // A spec that does not build (never expected) is skipped, not fatal.
    let mut tries = 0;
    while out.len() < count && tries < count * 4 {
        tries += 1;
        let kind = *pick(&mut rng, kinds);
        if let Ok(problem) = kind.generate(&mut rng).build() {
            out.push(problem);
        }
    }
    out
}

/// One element of a non-empty slice.
pub(crate) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An IPv4 host address from a private range or anywhere public (class A–C).
pub(crate) fn random_ipv4(rng: &mut ChaCha8Rng) -> Ipv4Addr {
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
