//! What the lab network looks like, as data: namespaces (hosts), veth links
//! between them, bridges, addresses, routes and which hosts forward. The
//! standard lab is the one the lessons draw:
//!
//! ```text
//!   A 192.168.1.10 ─┐
//!                   ├─ S (bridge br0: ports a, b, r) ─ R eth0 192.168.1.1
//!   B 192.168.1.20 ─┘                                  R eth1 192.168.2.1 ─ C 192.168.2.30
//! ```
//!
//! IPv6 runs on the same links: every interface has its link-local address and
//! the documentation prefix 2001:db8:1::/64 (LAN 1) or 2001:db8:2::/64 (LAN 2).
//! The switch S has no address at all (IPv6 is off in it): it only bridges.
//! An experiment that needs another shape (an impaired link through a relay
//! namespace, say) starts from [`Spec::standard`] and edits it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// One end of a veth link: a host (namespace) and the interface's name there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct End {
    pub host: &'static str,
    pub ifname: &'static str,
}

/// A veth pair: a cable between two namespaces.
#[derive(Debug, Clone)]
pub struct LinkSpec {
    pub a: End,
    pub b: End,
}

/// A Linux bridge (a switch) in `host`, with these interfaces of that host as ports.
#[derive(Debug, Clone)]
pub struct BridgeSpec {
    pub host: &'static str,
    pub name: &'static str,
    pub ports: Vec<&'static str>,
}

/// An address with its prefix on an interface.
#[derive(Debug, Clone)]
pub struct AddrSpec {
    pub at: End,
    pub addr: IpNet,
}

/// A route in `host`: `dest` through the gateway `via`.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub host: &'static str,
    pub dest: IpNet,
    pub via: IpAddr,
}

/// The whole network to build.
#[derive(Debug, Clone)]
pub struct Spec {
    /// One network namespace each, in this order.
    pub hosts: Vec<&'static str>,
    pub links: Vec<LinkSpec>,
    pub bridges: Vec<BridgeSpec>,
    pub addresses: Vec<AddrSpec>,
    pub routes: Vec<RouteSpec>,
    /// Hosts that forward IPv4 and IPv6 (routers).
    pub routers: Vec<&'static str>,
    /// Hosts that are only switches: no IPv6 (so no address, no traffic of their own).
    pub switches: Vec<&'static str>,
}

pub const LAN1: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 0);
pub const LAN2: Ipv4Addr = Ipv4Addr::new(192, 168, 2, 0);
pub const A_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 10);
pub const B_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 20);
pub const R_LAN1_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);
pub const R_LAN2_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 2, 1);
pub const C_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 2, 30);
/// The same hosts' IPv6 addresses: 2001:db8:LAN::HOST (the documentation
/// prefix, RFC 3849).
pub const A_IP6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x10);
pub const B_IP6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x20);
pub const R_LAN1_IP6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1);
pub const R_LAN2_IP6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 1);
pub const C_IP6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 0x30);

/// The ports every lab host picks its own (ephemeral) ports from —
/// `net.ipv4.ip_local_port_range` in each namespace, which also covers IPv6.
/// The kernel's default (32768–60999) holds ports Wireshark dissects as
/// other protocols (EtherNet/IP on 44818, EtherCAT on 34980, PCP on 44321,
/// BACnet on 47808 …): a transfer that happened to get one opened in tshark
/// as dozens of malformed frames. No dissector claims these; a test checks
/// against the installed tshark.
pub const EPHEMERAL_PORTS: (u16, u16) = (61000, 61999);

/// `host`'s interface `ifname`.
pub const fn end(host: &'static str, ifname: &'static str) -> End {
    End { host, ifname }
}

fn v4(addr: Ipv4Addr, prefix: u8) -> IpNet {
    IpNet::new(IpAddr::V4(addr), prefix).unwrap_or_default()
}

fn v6(segments: [u16; 8], prefix: u8) -> IpNet {
    IpNet::new(IpAddr::V6(Ipv6Addr::from(segments)), prefix).unwrap_or_default()
}

impl Spec {
    /// The lessons' network: A and B on LAN 1's switch, R between the LANs, C on LAN 2.
    pub fn standard() -> Spec {
        let addr = |host, ifname, addr| AddrSpec {
            at: end(host, ifname),
            addr,
        };
        let route = |host, dest, via| RouteSpec { host, dest, via };
        let any4 = v4(Ipv4Addr::UNSPECIFIED, 0);
        let any6 = v6([0; 8], 0);
        Spec {
            hosts: vec!["A", "B", "C", "R", "S"],
            links: vec![
                LinkSpec {
                    a: end("S", "a"),
                    b: end("A", "eth0"),
                },
                LinkSpec {
                    a: end("S", "b"),
                    b: end("B", "eth0"),
                },
                LinkSpec {
                    a: end("S", "r"),
                    b: end("R", "eth0"),
                },
                LinkSpec {
                    a: end("R", "eth1"),
                    b: end("C", "eth0"),
                },
            ],
            bridges: vec![BridgeSpec {
                host: "S",
                name: "br0",
                ports: vec!["a", "b", "r"],
            }],
            addresses: vec![
                addr("A", "eth0", v4(A_IP, 24)),
                addr("A", "eth0", v6(A_IP6.segments(), 64)),
                addr("B", "eth0", v4(B_IP, 24)),
                addr("B", "eth0", v6(B_IP6.segments(), 64)),
                addr("R", "eth0", v4(R_LAN1_IP, 24)),
                addr("R", "eth0", v6(R_LAN1_IP6.segments(), 64)),
                addr("R", "eth1", v4(R_LAN2_IP, 24)),
                addr("R", "eth1", v6(R_LAN2_IP6.segments(), 64)),
                addr("C", "eth0", v4(C_IP, 24)),
                addr("C", "eth0", v6(C_IP6.segments(), 64)),
            ],
            routes: vec![
                route("A", any4, IpAddr::V4(R_LAN1_IP)),
                route("A", any6, IpAddr::V6(R_LAN1_IP6)),
                route("B", any4, IpAddr::V4(R_LAN1_IP)),
                route("B", any6, IpAddr::V6(R_LAN1_IP6)),
                route("C", any4, IpAddr::V4(R_LAN2_IP)),
                route("C", any6, IpAddr::V6(R_LAN2_IP6)),
            ],
            routers: vec!["R"],
            switches: vec!["S"],
        }
    }

    /// The interfaces `host` gets (besides `lo`), in the order they are made.
    pub fn interfaces_of(&self, host: &str) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for link in &self.links {
            for e in [link.a, link.b] {
                if e.host == host {
                    names.push(e.ifname);
                }
            }
        }
        for bridge in &self.bridges {
            if bridge.host == host {
                names.push(bridge.name);
            }
        }
        names
    }

    /// The host the topology gave `addr` to, if any (a route's gateway
    /// must be another host's address).
    pub fn host_of(&self, addr: IpAddr) -> Option<&'static str> {
        self.addresses
            .iter()
            .find(|a| a.addr.addr() == addr)
            .map(|a| a.at.host)
    }
}
