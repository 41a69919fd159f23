//! Building a [`Spec`] into namespaces, links, addresses and routes, through
//! rtnetlink only; and the handle the experiments use afterwards.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use netlink_packet_route::address::{AddressAttribute, AddressHeaderFlags, AddressMessage};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use super::VnetError;
use super::capture::FrameSink;
use super::ns::{self, Netns};
use super::rtnl::Rtnl;
use super::state;
use super::topology::{EPHEMERAL_PORTS, End, Spec};

/// The first veth's interface index; pair k gets FIRST_INDEX + 2k and + 2k + 1.
const FIRST_INDEX: u32 = 10;
/// Bridges are numbered from here.
const FIRST_BRIDGE_INDEX: u32 = 100;

/// One host of the lab: its namespace and a netlink socket in it.
pub struct Host {
    pub name: &'static str,
    pub ns: Netns,
    pub rtnl: Rtnl,
    /// Interface name → (index, MAC), as the kernel reported after set-up.
    links: HashMap<String, (u32, [u8; 6])>,
}

/// The built network. Dropping it closes every namespace descriptor and socket:
/// the kernel then destroys the namespaces and every interface in them.
pub struct Network {
    pub spec: Spec,
    pub hosts: Vec<Host>,
    /// How long [`Network::build`] took (from [`Network::begin`] to the end
    /// of [`Network::complete`]).
    pub setup: Duration,
    started: Instant,
    /// Where the capture points of an experiment on this network stream
    /// their frames while it runs (the lab process: to the tutor); none
    /// outside it.
    pub frames_to: Option<FrameSink>,
    /// Where an experiment's `TCP_INFO` sampler streams its rows (the same).
    pub samples_to: Option<super::tcpinfo::SampleSink>,
    /// Frames the capture points' queues were too full to keep, as the
    /// kernel counted them (added by each experiment's `Taps::finish`).
    pub capture_dropped: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

fn io_err(what: &'static str) -> impl Fn(io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

impl Network {
    /// Makes the namespaces of `spec` (the calling thread must already be in the
    /// lab's user namespace) and everything in them. The thread is left in the
    /// last host's namespace; sockets must be opened after [`Network::enter`].
    pub fn build(spec: Spec) -> Result<Network, VnetError> {
        let mut net = Network::begin(spec)?;
        net.complete()?;
        Ok(net)
    }

    /// The first half of [`Network::build`]: the namespaces, each with only
    /// `lo` (up). A watcher subscribed now hears every link being made.
    pub fn begin(spec: Spec) -> Result<Network, VnetError> {
        let started = Instant::now();
        let mut hosts = Vec::with_capacity(spec.hosts.len());
        for &name in &spec.hosts {
            let ns = ns::new_netns().map_err(io_err("new network namespace"))?;
            let router = spec.routers.contains(&name);
            let switch = spec.switches.contains(&name);
            // Addresses are usable at once (no duplicate address detection wait).
            let (low, high) = EPHEMERAL_PORTS;
            let ports = format!("{low} {high}");
            let mut sysctls = vec![
                ("net.ipv6.conf.default.accept_dad", "0"),
                ("net.ipv6.conf.all.accept_dad", "0"),
                ("net.ipv4.ip_local_port_range", ports.as_str()),
            ];
            if router {
                sysctls.push(("net.ipv4.ip_forward", "1"));
                sysctls.push(("net.ipv6.conf.all.forwarding", "1"));
            }
            if switch {
                sysctls.push(("net.ipv6.conf.default.disable_ipv6", "1"));
            }
            for (key, value) in sysctls {
                ns::write_sysctl(key, value).map_err(io_err("sysctl"))?;
            }
            let mut rtnl = Rtnl::open().map_err(io_err("netlink socket"))?;
            // `lo` is index 1 in every new namespace.
            rtnl.change(set_up(1)).map_err(io_err("lo up"))?;
            hosts.push(Host {
                name,
                ns,
                rtnl,
                links: HashMap::new(),
            });
        }
        Ok(Network {
            spec,
            hosts,
            setup: Duration::ZERO,
            started,
            frames_to: None,
            samples_to: None,
            capture_dropped: std::sync::Arc::default(),
        })
    }

    /// The second half of [`Network::build`]: links, bridges, addresses,
    /// routes, and every link operationally up.
    pub fn complete(&mut self) -> Result<(), VnetError> {
        self.make_links()?;
        self.configure()?;
        self.wait_until_running()?;
        self.setup = self.started.elapsed();
        Ok(())
    }

    fn make_links(&mut self) -> Result<(), VnetError> {
        // Interface indexes unique across the lab, so that no veth has the same
        // index as its peer in the other namespace: the kernel's link watcher
        // treats such a link as not urgent and brings it up a second late.
        for (k, link) in (0u32..).zip(self.spec.links.clone()) {
            let peer_fd = self.host(link.b.host)?.ns_fd();
            let mut peer = LinkMessage::default();
            peer.header.index = FIRST_INDEX + 2 * k + 1;
            peer.attributes
                .push(LinkAttribute::IfName(link.b.ifname.into()));
            peer.attributes.push(LinkAttribute::NetNsFd(peer_fd));
            // One segment per packet: without this, veth hands TCP's 64 KB
            // "super-packets" (GSO) to the peer whole, and the capture would show
            // frames larger than the link's MTU instead of the real segments.
            peer.attributes.push(LinkAttribute::GsoMaxSegs(1));
            let mut veth = LinkMessage::default();
            veth.header.index = FIRST_INDEX + 2 * k;
            veth.attributes
                .push(LinkAttribute::IfName(link.a.ifname.into()));
            veth.attributes.push(LinkAttribute::GsoMaxSegs(1));
            veth.attributes.push(LinkAttribute::LinkInfo(vec![
                LinkInfo::Kind(InfoKind::Veth),
                LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer))),
            ]));
            self.host_mut(link.a.host)?
                .rtnl
                .create(RouteNetlinkMessage::NewLink(veth))
                .map_err(io_err("veth pair"))?;
        }
        for (k, bridge) in (0u32..).zip(self.spec.bridges.clone()) {
            let mut msg = LinkMessage::default();
            msg.header.index = FIRST_BRIDGE_INDEX + k;
            msg.attributes
                .push(LinkAttribute::IfName(bridge.name.into()));
            msg.attributes
                .push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
                    InfoKind::Bridge,
                )]));
            self.host_mut(bridge.host)?
                .rtnl
                .create(RouteNetlinkMessage::NewLink(msg))
                .map_err(io_err("bridge"))?;
        }
        for host in &mut self.hosts {
            host.links = state::link_table(&mut host.rtnl).map_err(io_err("link dump"))?;
        }
        Ok(())
    }

    fn configure(&mut self) -> Result<(), VnetError> {
        for bridge in self.spec.bridges.clone() {
            let controller = self.index(end_of(bridge.host, bridge.name))?;
            for port in &bridge.ports {
                let mut msg = LinkMessage::default();
                msg.header.index = self.index(end_of(bridge.host, port))?;
                msg.attributes.push(LinkAttribute::Controller(controller));
                self.host_mut(bridge.host)?
                    .rtnl
                    .change(RouteNetlinkMessage::SetLink(msg))
                    .map_err(io_err("bridge port"))?;
            }
        }
        // Captured frames carry real checksums and wire-sized segments: the
        // offload goes off on every interface of every host (veth ends, W's,
        // bridges) while all of them are still down, so not even the first
        // frame of a link (an IPv6 router solicitation as it comes up) leaves
        // with its checksum left for hardware.
        for host in &self.hosts {
            host.ns.enter().map_err(io_err("setns"))?;
            for name in host.links.keys().filter(|n| n.as_str() != "lo") {
                super::offload::software_checksums(name).map_err(|source| {
                    VnetError::Experiment(format!(
                        "checksum offload on {}:{name}: {source}",
                        host.name
                    ))
                })?;
            }
        }
        for host in &mut self.hosts {
            let mut indexes: Vec<u32> = host.links.values().map(|(i, _)| *i).collect();
            indexes.sort_unstable();
            for index in indexes.into_iter().filter(|&i| i != 1) {
                host.rtnl.change(set_up(index)).map_err(io_err("link up"))?;
            }
        }
        for a in self.spec.addresses.clone() {
            let index = self.index(a.at)?;
            let mut msg = AddressMessage::default();
            msg.header.index = index;
            msg.header.prefix_len = a.addr.prefix_len();
            msg.attributes.push(AddressAttribute::Local(a.addr.addr()));
            msg.attributes
                .push(AddressAttribute::Address(a.addr.addr()));
            match a.addr {
                ipnet::IpNet::V4(net) => {
                    msg.header.family = AddressFamily::Inet;
                    msg.attributes
                        .push(AddressAttribute::Broadcast(net.broadcast()));
                }
                ipnet::IpNet::V6(_) => {
                    msg.header.family = AddressFamily::Inet6;
                    msg.header.flags = AddressHeaderFlags::Nodad;
                }
            }
            self.host_mut(a.at.host)?
                .rtnl
                .create(RouteNetlinkMessage::NewAddress(msg))
                .map_err(io_err("address"))?;
        }
        for r in self.spec.routes.clone() {
            let msg = route_message(r.dest, r.via);
            self.host_mut(r.host)?
                .rtnl
                .create(RouteNetlinkMessage::NewRoute(msg))
                .map_err(io_err("route"))?;
        }
        Ok(())
    }

    /// Waits (bounded) until every interface is operationally up — the kernel
    /// attaches a link's transmit queue only then, and drops what is sent
    /// before (`QDISC_DROP`) —, no address is tentative (see
    /// [`state::tentative_addresses`]) and every IPv6 address's
    /// solicited-node group is joined (see
    /// [`state::unjoined_solicited_groups`]).
    fn wait_until_running(&mut self) -> Result<(), VnetError> {
        let deadline = Instant::now() + Duration::from_secs(5);
        for host in &mut self.hosts {
            host.ns.enter().map_err(io_err("setns"))?;
            loop {
                let rows = state::links(&mut host.rtnl).map_err(io_err("link dump"))?;
                // A bridge's own operational state follows its ports after a
                // delay (up to a second); forwarding does not wait for it.
                let bridges: Vec<&str> = self
                    .spec
                    .bridges
                    .iter()
                    .filter(|b| b.host == host.name)
                    .map(|b| b.name)
                    .collect();
                if rows
                    .iter()
                    .all(|r| r.running || bridges.contains(&r.name.as_str()))
                    && state::tentative_addresses(&mut host.rtnl).map_err(io_err("address dump"))?
                        == 0
                    && state::unjoined_solicited_groups(&mut host.rtnl)
                        .map_err(io_err("multicast groups"))?
                        == 0
                {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(VnetError::Experiment(format!(
                        "the links of {} did not come up",
                        host.name
                    )));
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        Ok(())
    }

    /// The host named `name`.
    pub fn host(&self, name: &str) -> Result<&Host, VnetError> {
        self.hosts
            .iter()
            .find(|h| h.name == name)
            .ok_or_else(|| VnetError::NoSuchHost(name.to_string()))
    }

    pub fn host_mut(&mut self, name: &str) -> Result<&mut Host, VnetError> {
        self.hosts
            .iter_mut()
            .find(|h| h.name == name)
            .ok_or_else(|| VnetError::NoSuchHost(name.to_string()))
    }

    /// Moves the calling thread into `host`'s namespace (to open sockets there).
    pub fn enter(&self, host: &str) -> Result<(), VnetError> {
        self.host(host)?.ns.enter().map_err(io_err("setns"))
    }

    /// The interface index of `at`.
    pub fn index(&self, at: End) -> Result<u32, VnetError> {
        self.host(at.host)?.link(at.ifname).map(|(i, _)| i)
    }

    /// The MAC address of `at`.
    pub fn mac(&self, at: End) -> Result<[u8; 6], VnetError> {
        self.host(at.host)?.link(at.ifname).map(|(_, m)| m)
    }

    /// Takes `at` down: the cable pulled (the `keepalive-vanished` experiment's
    /// peer that vanishes without a word).
    pub fn set_down(&mut self, at: End) -> Result<(), VnetError> {
        let index = self.index(at)?;
        self.host_mut(at.host)?
            .rtnl
            .change(set_link(index, false))
            .map_err(io_err("link down"))
    }

    /// Sets the MTU of `at` (the `mtu` experiment's narrow link).
    pub fn set_mtu(&mut self, at: End, mtu: u32) -> Result<(), VnetError> {
        let mut msg = LinkMessage::default();
        msg.header.index = self.index(at)?;
        msg.attributes.push(LinkAttribute::Mtu(mtu));
        self.host_mut(at.host)?
            .rtnl
            .change(RouteNetlinkMessage::SetLink(msg))
            .map_err(io_err("mtu"))
    }
}

impl Host {
    fn ns_fd(&self) -> i32 {
        self.ns.raw_fd()
    }

    /// (index, MAC) of this host's interface `ifname`.
    pub fn link(&self, ifname: &str) -> Result<(u32, [u8; 6]), VnetError> {
        self.links
            .get(ifname)
            .copied()
            .ok_or_else(|| VnetError::NoSuchHost(format!("{}:{ifname}", self.name)))
    }

    /// Interface index → name, for reading kernel state.
    pub fn names(&self) -> HashMap<u32, String> {
        self.links
            .iter()
            .map(|(name, (index, _))| (*index, name.clone()))
            .collect()
    }
}

fn end_of(host: &'static str, ifname: &'static str) -> End {
    End { host, ifname }
}

/// `RTM_SETLINK` bringing interface `index` up.
pub(crate) fn set_up(index: u32) -> RouteNetlinkMessage {
    set_link(index, true)
}

/// `RTM_SETLINK` bringing interface `index` up or down.
fn set_link(index: u32, up: bool) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    msg.header.flags = if up {
        LinkFlags::Up
    } else {
        LinkFlags::empty()
    };
    msg.header.change_mask = LinkFlags::Up;
    RouteNetlinkMessage::SetLink(msg)
}

/// A unicast route in the main table: `dest` through gateway `via`.
pub fn route_message(dest: ipnet::IpNet, via: IpAddr) -> RouteMessage {
    let mut msg = RouteMessage::default();
    msg.header.address_family = match dest {
        ipnet::IpNet::V4(_) => AddressFamily::Inet,
        ipnet::IpNet::V6(_) => AddressFamily::Inet6,
    };
    msg.header.destination_prefix_length = dest.prefix_len();
    msg.header.table = RouteHeader::RT_TABLE_MAIN;
    msg.header.protocol = RouteProtocol::Static;
    msg.header.scope = RouteScope::Universe;
    msg.header.kind = RouteType::Unicast;
    if dest.prefix_len() > 0 {
        msg.attributes
            .push(RouteAttribute::Destination(RouteAddress::from(dest.addr())));
    }
    msg.attributes
        .push(RouteAttribute::Gateway(RouteAddress::from(via)));
    msg
}
