//! A VLSM plan: subnets for a list of host counts, largest first, each at the
//! lowest free address; one field per request, in the order of the list.

use ipnet::IpNet;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::i18n::Text;
use crate::net::subnet::{Family, SubnetFacts, host_bits_for, parse_network, plan_vlsm};

use super::field::{FieldId, Value};
use super::mistake::Mistake;
use super::problem::{Field, Problem};
use super::{Spec, random_ipv4};

pub fn generate(rng: &mut ChaCha8Rng) -> Spec {
    let prefix: u8 = rng.random_range(22..=24);
    let parent = SubnetFacts::new(std::net::IpAddr::V4(random_ipv4(rng)), prefix).network;
    let room: u128 = 1 << (32 - prefix);
    let mut hosts = Vec::new();
    let mut used: u128 = 0;
    let n = rng.random_range(3..=4);
    while hosts.len() < n {
        let h: u64 = match rng.random_range(0..4) {
            0 => rng.random_range(2..=6),
            1 => rng.random_range(7..=30),
            2 => rng.random_range(31..=62),
            _ => rng.random_range(63..=120),
        };
        let size = 1u128 << host_bits_for(Family::V4, h);
        if used + size <= room {
            used += size;
            hosts.push(h);
        } else if hosts.len() >= 2 {
            break;
        }
    }
    hosts.shuffle(rng);
    Spec::Vlsm {
        parent: parent.to_string(),
        hosts,
    }
}

pub fn build(spec: &Spec, parent: &str, hosts: &[u64]) -> Result<Problem, String> {
    let parent: IpNet = parse_network(parent, 0).map_err(|e| e.to_string())?;
    if hosts.is_empty() || hosts.contains(&0) {
        return Err("a VLSM plan needs host counts of at least 1".into());
    }
    let plan = plan_vlsm(parent, hosts).map_err(|e| e.to_string())?;
    // The mistaken input: each need taken as hosts addresses (no + 2).
    let forgot: Vec<u64> = hosts.iter().map(|h| h.saturating_sub(2)).collect();
    let forgot_plan = plan_vlsm(parent, &forgot).ok();
    let mut fields = Vec::new();
    for (i, &h) in hosts.iter().enumerate() {
        let request = i + 1;
        let of = |p: &crate::net::subnet::VlsmPlan| {
            p.allocations
                .iter()
                .find(|a| a.request == request)
                .map(|a| Value::Network(a.subnet))
        };
        let right = of(&plan).ok_or_else(|| format!("request {request} not placed"))?;
        fields.push(
            Field::new(FieldId::Allocation { request, hosts: h }, right).mistake(
                Mistake::ForgotReserved { hosts: h },
                forgot_plan.as_ref().and_then(of),
            ),
        );
    }
    let list: Vec<String> = hosts.iter().map(u64::to_string).collect();
    let list = list.join(", ");
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(
            format!(
                "Plan VLSM subnets in {parent} for {list} hosts: largest first, each at the lowest free address. Give each subnet as address/prefix, in the order of the list."
            ),
            format!(
                "在 {parent} 中按 VLSM 为 {list} 台主机划分子网：先分最大的，每个放在最低的空闲地址。按列表顺序写出每个子网（地址/前缀）。"
            ),
        ),
        detail: Vec::new(),
        fields,
    })
}
