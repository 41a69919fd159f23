//! The set-up check: every lab namespace holds only the links nettutor made,
//! and no route leads out of the lab (every route's interface is one of ours,
//! every gateway lies inside a lab prefix). Read from the kernel after the
//! build; the lab refuses to run an experiment when it fails.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::VnetError;
use super::network::Network;
use super::state;

/// What one namespace holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostIsolation {
    pub host: String,
    /// The namespace's inode number (as `/proc/PID/ns/net` shows it).
    pub netns_inode: u64,
    /// Interfaces the kernel lists, sorted.
    pub links: Vec<String>,
    /// Interfaces the topology made (`lo` included), sorted.
    pub expected: Vec<String>,
    /// Every gateway in the namespace's routing tables.
    pub gateways: Vec<IpAddr>,
    /// Routes that would lead out of the lab (must be empty).
    pub routes_out: Vec<String>,
}

/// The check over the whole lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isolation {
    pub ok: bool,
    pub hosts: Vec<HostIsolation>,
}

/// Reads every namespace's links and routes and judges them.
pub fn check(net: &mut Network) -> Result<Isolation, VnetError> {
    let prefixes = net.spec.lab_prefixes();
    let spec = net.spec.clone();
    let mut hosts = Vec::new();
    for host in &mut net.hosts {
        let kernel = |source| VnetError::Kernel {
            what: "isolation check",
            source,
        };
        let rows = state::links(&mut host.rtnl).map_err(kernel)?;
        let names = host.names();
        let mut links: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
        links.sort();
        let mut expected: Vec<String> = spec
            .interfaces_of(host.name)
            .into_iter()
            .map(String::from)
            .chain(["lo".to_string()])
            .collect();
        expected.sort();
        let mut gateways = Vec::new();
        let mut routes_out = Vec::new();
        for route in state::routes(&mut host.rtnl, &names).map_err(kernel)? {
            let ours = route
                .dev
                .as_ref()
                .is_none_or(|d| links.iter().any(|l| l == d));
            let inside = route
                .via
                .is_none_or(|gw| prefixes.iter().any(|p| p.contains(&gw)));
            if let Some(gw) = route.via {
                gateways.push(gw);
            }
            // A route without an interface is unreachable/blackhole: no way out.
            if !ours || !inside {
                routes_out.push(format!(
                    "{} via {:?} dev {:?}",
                    route.dest, route.via, route.dev
                ));
            }
        }
        hosts.push(HostIsolation {
            host: host.name.to_string(),
            netns_inode: host.ns.inode,
            links,
            expected,
            gateways,
            routes_out,
        });
    }
    let ok = hosts
        .iter()
        .all(|h| h.links == h.expected && h.routes_out.is_empty());
    Ok(Isolation { ok, hosts })
}
