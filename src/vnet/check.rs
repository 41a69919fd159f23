//! The set-up check: every lab namespace holds only the links nettutor made,
//! and no route leads out of the lab (every route's interface is one of ours,
//! every gateway is an address the topology gave another lab host — an
//! unused address inside a lab prefix is no way to anyone). Read from the
//! kernel after the build; the lab refuses to run an experiment when it fails.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::VnetError;
use super::network::Network;
use super::state::{self, Route};
use super::topology::Spec;

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
            if let Some(gw) = route.via {
                gateways.push(gw);
            }
            if let Some(why) = leads_out(&route, host.name, &links, &spec) {
                routes_out.push(why);
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

/// Why `route`, in `host` (whose interfaces are `links`), could lead out of
/// the lab — naming the route —, or None when it cannot: its interface is
/// one of the host's own (a route without one is unreachable or blackhole:
/// no way out), and its gateway, if any, is an address the topology gave
/// another lab host.
fn leads_out(route: &Route, host: &str, links: &[String], spec: &Spec) -> Option<String> {
    let named = || {
        let via = route.via.map(|gw| format!(" via {gw}")).unwrap_or_default();
        let dev = route
            .dev
            .as_ref()
            .map(|d| format!(" dev {d}"))
            .unwrap_or_default();
        format!("{}{via}{dev} (table {})", route.dest, route.table)
    };
    if let Some(dev) = &route.dev
        && !links.iter().any(|l| l == dev)
    {
        return Some(format!(
            "{}: {dev} is not one of {host}'s interfaces",
            named()
        ));
    }
    let gw = route.via?;
    match spec.host_of(gw) {
        Some(owner) if owner != host => None,
        Some(_) => Some(format!("{}: {gw} is {host}'s own address", named())),
        None => Some(format!("{}: {gw} is no lab host's address", named())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vnet::topology::R_LAN1_IP;

    fn route(dest: &str, via: IpAddr) -> Route {
        Route {
            dest: dest.to_string(),
            prefix_len: 0,
            via: Some(via),
            dev: Some("eth0".to_string()),
            table: 254,
            kind: "unicast".to_string(),
        }
    }

    fn links() -> Vec<String> {
        vec!["eth0".to_string(), "lo".to_string()]
    }

    #[test]
    fn a_route_through_r_is_inside_the_lab() {
        let spec = Spec::standard();
        let via_r = route("0.0.0.0/0", IpAddr::V4(R_LAN1_IP));
        assert_eq!(leads_out(&via_r, "A", &links(), &spec), None);
    }

    #[test]
    fn a_gateway_no_lab_host_has_is_refused_by_name_even_inside_a_lab_prefix() {
        let spec = Spec::standard();
        let unused: IpAddr = "192.168.1.99".parse().unwrap();
        let why = leads_out(&route("0.0.0.0/0", unused), "A", &links(), &spec)
            .expect("192.168.1.99 is no lab host's address");
        assert_eq!(
            why,
            "0.0.0.0/0 via 192.168.1.99 dev eth0 (table 254): 192.168.1.99 is no lab host's address"
        );
        // Nor is a host its own gateway, nor may a route leave by a stranger's interface.
        let own: IpAddr = crate::vnet::topology::A_IP.into();
        let why = leads_out(&route("10.0.0.0/8", own), "A", &links(), &spec).unwrap();
        assert!(why.contains("A's own address"), "{why}");
        let mut elsewhere = route("10.0.0.0/8", IpAddr::V4(R_LAN1_IP));
        elsewhere.dev = Some("wlan0".to_string());
        let why = leads_out(&elsewhere, "A", &links(), &spec).unwrap();
        assert!(
            why.starts_with("10.0.0.0/8 via 192.168.1.1 dev wlan0"),
            "{why}"
        );
        assert!(why.contains("not one of A's interfaces"), "{why}");
    }

    #[test]
    fn routes_without_a_gateway_on_own_interfaces_are_inside() {
        let spec = Spec::standard();
        let mut connected = route("192.168.1.0/24", IpAddr::V4(R_LAN1_IP));
        connected.via = None;
        assert_eq!(leads_out(&connected, "A", &links(), &spec), None);
        connected.dev = None;
        assert_eq!(leads_out(&connected, "A", &links(), &spec), None);
    }
}
