//! `nettutor subnet --json`: one object, for scripts.
//!
//! Counts are decimal strings because an IPv6 /0 has 2^128 addresses, beyond what a
//! JSON number carries exactly. Addresses are in canonical text form (std writes
//! IPv6 per RFC 5952). Fields for options not given are left out; `broadcast` and
//! `class` are always present, null when there is none. For IPv6, `first_host`,
//! `last_host` and `usable_hosts` follow ipcalc-ng's convention (every address of the
//! prefix, the network address first); the human report's note names the anycast
//! addresses among them (RFC 4291 §2.6.1, RFC 2526).

use std::io::{self, Write};

use serde::Serialize;

use crate::net::subnet::{SplitPlan, SubnetFacts, SubnetRequest};

use super::Plan;

#[derive(Serialize)]
struct FactsJson {
    address: String,
    network: String,
    prefix: u8,
    netmask: String,
    wildcard: String,
    broadcast: Option<String>,
    first_host: String,
    last_host: String,
    usable_hosts: String,
    total_addresses: String,
    class: Option<&'static str>,
    scope: &'static str,
}

impl FactsJson {
    fn new(f: &SubnetFacts) -> FactsJson {
        FactsJson {
            address: f.address.to_string(),
            network: f.network.network().to_string(),
            prefix: f.prefix,
            netmask: f.netmask.to_string(),
            wildcard: f.wildcard.to_string(),
            broadcast: f.broadcast.map(|b| b.to_string()),
            first_host: f.first_host.to_string(),
            last_host: f.last_host.to_string(),
            usable_hosts: f.usable_hosts.to_string(),
            total_addresses: f.total_addresses.to_string(),
            class: f.class.map(|c| c.letter()),
            scope: f.scope.id(),
        }
    }
}

#[derive(Serialize)]
struct SameJson {
    host: String,
    network_a: String,
    network_b: String,
    same: bool,
    lan_scenario: &'static str,
}

#[derive(Serialize)]
struct GatewayJson {
    gateway: String,
    on_local_network: bool,
    valid: bool,
}

#[derive(Serialize)]
struct SplitJson {
    prefix: u8,
    count: String,
    requested: Option<String>,
    addresses_each: String,
    /// The first `--limit` subnets (all of them with `--limit 0`).
    subnets: LazySubnets,
}

/// Subnets written one by one as the JSON is written: a /8 split into /30s is
/// 4 194 304 entries, which need not all sit in memory at once.
struct LazySubnets {
    plan: SplitPlan,
    take: usize,
}

impl Serialize for LazySubnets {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.plan.iter().take(self.take).map(|n| n.to_string()))
    }
}

#[derive(Serialize)]
struct VlsmEntryJson {
    request: usize,
    hosts: u64,
    subnet: String,
    usable: String,
    wasted: String,
}

#[derive(Serialize)]
struct VlsmJson {
    subnets: Vec<VlsmEntryJson>,
    used: String,
    free: Vec<String>,
}

#[derive(Serialize, Default)]
struct OutputJson {
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    facts: Option<FactsJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    same_network: Option<SameJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gateway: Option<GatewayJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split: Option<SplitJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vlsm: Option<VlsmJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aggregate: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<Vec<String>>,
}

pub(super) fn write(out: &mut impl Write, plan: &Plan) -> io::Result<()> {
    let mut doc = OutputJson::default();
    if let Some(request) = &plan.request {
        fill_request(&mut doc, request, plan.limit);
    }
    if let Some((_, nets)) = &plan.aggregate {
        doc.aggregate = Some(nets.iter().map(|n| n.to_string()).collect());
    }
    if let Some(range) = &plan.range {
        doc.range = Some(range.cidr_blocks().map(|n| n.to_string()).collect());
    }
    serde_json::to_writer(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

fn fill_request(doc: &mut OutputJson, request: &SubnetRequest, limit: Option<u128>) {
    let facts = request.facts();
    doc.facts = Some(FactsJson::new(&facts));
    if let Some(Ok(check)) = request.same_network() {
        doc.same_network = Some(SameJson {
            host: check.b.to_string(),
            network_a: check.network_a.to_string(),
            network_b: check.network_b.to_string(),
            same: check.same,
            lan_scenario: if check.same {
                "same-network"
            } else {
                "via-gateway"
            },
        });
    }
    if let Some(Ok(gw)) = request.gateway_check() {
        doc.gateway = Some(GatewayJson {
            gateway: gw.gateway.to_string(),
            on_local_network: facts.network.contains(&gw.gateway),
            valid: gw.is_valid(),
        });
    }
    if let Some(Ok(split)) = request.split_plan() {
        let take = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
        doc.split = Some(SplitJson {
            prefix: split.new_prefix,
            count: split.count().to_string(),
            requested: split.requested.map(|r| r.to_string()),
            addresses_each: split.subnet_size().to_string(),
            subnets: LazySubnets { plan: split, take },
        });
    }
    if let Some(Ok(vlsm)) = request.vlsm_plan() {
        doc.vlsm = Some(VlsmJson {
            subnets: vlsm
                .allocations
                .iter()
                .map(|a| VlsmEntryJson {
                    request: a.request,
                    hosts: a.hosts,
                    subnet: a.subnet.to_string(),
                    usable: a.usable.to_string(),
                    wasted: a.wasted.to_string(),
                })
                .collect(),
            used: vlsm.used.to_string(),
            free: vlsm.free.iter().map(|n| n.to_string()).collect(),
        });
    }
}
