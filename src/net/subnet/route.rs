//! Forwarding by longest-prefix match: of the routes whose network holds the
//! destination, the one with the longest prefix wins (RFC 1812 §5.2.4.3); a
//! default route (`0.0.0.0/0`, `::/0`) holds every address and so wins only
//! when nothing more specific does.

use std::net::IpAddr;

use ipnet::IpNet;

/// One row of a routing table: a destination network and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub network: IpNet,
    /// The interface (or next hop) in words, e.g. `eth1`.
    pub via: String,
}

/// A routing table in the order it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteTable {
    pub routes: Vec<Route>,
}

impl RouteTable {
    /// Routes from `(network, via)` pairs; host bits of each network are cleared.
    pub fn new(routes: impl IntoIterator<Item = (IpNet, String)>) -> RouteTable {
        RouteTable {
            routes: routes
                .into_iter()
                .map(|(network, via)| Route {
                    network: network.trunc(),
                    via,
                })
                .collect(),
        }
    }

    /// The routes whose network holds `destination`, in table order.
    pub fn matching(&self, destination: IpAddr) -> impl Iterator<Item = &Route> {
        self.routes
            .iter()
            .filter(move |r| r.network.contains(&destination))
    }

    /// The route a router uses: the longest matching prefix (the first written
    /// of equally long ones), or `None` when nothing matches.
    pub fn lookup(&self, destination: IpAddr) -> Option<&Route> {
        self.matching(destination)
            .fold(None, |best: Option<&Route>, r| match best {
                Some(b) if b.network.prefix_len() >= r.network.prefix_len() => Some(b),
                _ => Some(r),
            })
    }

    /// The first matching route in table order (what a reader who stops at the
    /// first hit picks; routers do not work this way).
    pub fn first_match(&self, destination: IpAddr) -> Option<&Route> {
        self.matching(destination).next()
    }

    /// The matching route with the shortest prefix (the least specific one).
    pub fn least_specific(&self, destination: IpAddr) -> Option<&Route> {
        self.matching(destination)
            .fold(None, |best: Option<&Route>, r| match best {
                Some(b) if b.network.prefix_len() <= r.network.prefix_len() => Some(b),
                _ => Some(r),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        RouteTable::new(
            [
                ("0.0.0.0/0", "eth0"),
                ("10.0.0.0/8", "eth1"),
                ("10.1.0.0/16", "eth2"),
                ("10.1.2.0/24", "eth3"),
            ]
            .map(|(n, v)| (n.parse().unwrap(), v.to_string())),
        )
    }

    #[test]
    fn longest_prefix_wins_and_default_catches_the_rest() {
        let t = table();
        let via = |a: &str| t.lookup(a.parse().unwrap()).unwrap().via.clone();
        assert_eq!(via("10.1.2.3"), "eth3");
        assert_eq!(via("10.1.3.3"), "eth2");
        assert_eq!(via("10.2.0.1"), "eth1");
        assert_eq!(via("192.0.2.1"), "eth0");
        let first = t.first_match("10.1.2.3".parse().unwrap()).unwrap();
        assert_eq!(first.via, "eth0");
        let least = t.least_specific("10.1.2.3".parse().unwrap()).unwrap();
        assert_eq!(least.via, "eth0");
        assert_eq!(
            RouteTable::default().lookup("10.0.0.1".parse().unwrap()),
            None
        );
    }
}
