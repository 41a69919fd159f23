//! Kernel state of a lab host, read through rtnetlink: its interfaces, its ARP
//! and neighbour cache, a bridge's MAC table (forwarding database) and the
//! routing tables — what the kernel itself holds, never what a script expects.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;

use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage, State};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage, NeighbourState,
};
use netlink_packet_route::route::{RouteAddress, RouteAttribute, RouteFlags, RouteMessage};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use serde::{Deserialize, Serialize};

use super::rtnl::Rtnl;
use crate::net::frame::mac_string;

/// `aa:bb:cc:dd:ee:ff`.
pub fn mac_text(mac: &[u8]) -> String {
    match <[u8; 6]>::try_from(mac) {
        Ok(m) => mac_string(pnet_base::MacAddr::from(m)),
        Err(_) => mac
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

/// One interface as the kernel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRow {
    pub name: String,
    pub index: u32,
    pub mac: String,
    pub mtu: u32,
    pub up: bool,
    /// Operationally up (carrier, and the kernel's link watcher has caught up):
    /// only then does the interface pass frames.
    pub running: bool,
    /// The bridge this interface is a port of.
    pub controller: Option<u32>,
}

/// One interface from an `RTM_NEWLINK` (a dump's answer or an event).
pub fn link_from(link: &LinkMessage) -> LinkRow {
    let mut row = LinkRow {
        name: String::new(),
        index: link.header.index,
        mac: String::new(),
        mtu: 0,
        up: link.header.flags.contains(LinkFlags::Up),
        running: false,
        controller: None,
    };
    for attr in &link.attributes {
        match attr {
            LinkAttribute::IfName(name) => row.name.clone_from(name),
            LinkAttribute::Address(mac) => row.mac = mac_text(mac),
            LinkAttribute::Mtu(mtu) => row.mtu = *mtu,
            LinkAttribute::Controller(c) => row.controller = Some(*c),
            // UNKNOWN is what a device reports before the kernel's link
            // watcher has first looked at it: a veth just brought up, whose
            // transmit queue is not attached yet (what it sends is dropped,
            // `QDISC_DROP`). Only the loopback stays UNKNOWN for good.
            LinkAttribute::OperState(state) => {
                row.running = *state == State::Up
                    || (*state == State::Unknown
                        && link.header.flags.contains(LinkFlags::Loopback));
            }
            _ => {}
        }
    }
    row
}

/// How many of the namespace's addresses are still tentative. An IPv6
/// address the kernel makes itself (the link-local one) is added tentative
/// and made usable from the kernel's address worker once its link is
/// operationally up — with duplicate address detection off too.
pub fn tentative_addresses(rtnl: &mut Rtnl) -> io::Result<usize> {
    use netlink_packet_route::address::{
        AddressAttribute, AddressFlags, AddressHeaderFlags, AddressMessage,
    };
    let mut n = 0;
    for msg in rtnl.dump(RouteNetlinkMessage::GetAddress(AddressMessage::default()))? {
        let RouteNetlinkMessage::NewAddress(a) = msg else {
            continue;
        };
        let long = a.attributes.iter().find_map(|at| match at {
            AddressAttribute::Flags(f) => Some(f.contains(AddressFlags::Tentative)),
            _ => None,
        });
        if long.unwrap_or_else(|| a.header.flags.contains(AddressHeaderFlags::Tentative)) {
            n += 1;
        }
    }
    Ok(n)
}

/// The solicited-node multicast group of `addr` (RFC 4291 2.7.1):
/// `ff02::1:ff` and the address's low 24 bits.
pub fn solicited_node(addr: std::net::Ipv6Addr) -> std::net::Ipv6Addr {
    let o = addr.octets();
    std::net::Ipv6Addr::new(
        0xff02,
        0,
        0,
        0,
        0,
        1,
        0xff00 | u16::from(o[13]),
        u16::from_be_bytes([o[14], o[15]]),
    )
}

/// How many of the namespace's IPv6 addresses have a solicited-node group
/// their interface has not joined yet. The kernel joins it from its address
/// worker (`addrconf_dad_work`, a work queue) some time after the address
/// was added — also for an address added without duplicate address
/// detection (`IFA_F_NODAD`), which is never tentative, so the tentative
/// flag does not tell. Until then a neighbour solicitation for the address,
/// sent to that group, reaches the host and is dropped unanswered; the asker
/// tries again a second later. The joined groups are the kernel's own list
/// (`/proc/thread-self/net/igmp6`, of the calling thread's namespace: enter
/// the host first).
pub fn unjoined_solicited_groups(rtnl: &mut Rtnl) -> io::Result<usize> {
    use netlink_packet_route::address::{AddressAttribute, AddressMessage};
    let mut wanted = Vec::new();
    for msg in rtnl.dump(RouteNetlinkMessage::GetAddress(AddressMessage::default()))? {
        let RouteNetlinkMessage::NewAddress(a) = msg else {
            continue;
        };
        for attr in &a.attributes {
            if let AddressAttribute::Address(IpAddr::V6(v6)) = attr {
                wanted.push((a.header.index, solicited_node(*v6)));
            }
        }
    }
    // `lo`'s ::1 has no group: the loopback does not take part in neighbour discovery.
    wanted.retain(|(index, _)| *index != 1);
    if wanted.is_empty() {
        return Ok(0);
    }
    let joined = joined_groups(&std::fs::read_to_string("/proc/thread-self/net/igmp6")?);
    Ok(wanted.iter().filter(|w| !joined.contains(w)).count())
}

/// (interface index, group) of each line of `/proc/net/igmp6`
/// (`index name group-as-32-hex users flags timer`).
pub fn joined_groups(igmp6: &str) -> Vec<(u32, std::net::Ipv6Addr)> {
    igmp6
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let index = fields.next()?.parse().ok()?;
            let hex = fields.nth(1)?;
            let group = u128::from_str_radix(hex, 16).ok()?;
            (hex.len() == 32).then_some((index, std::net::Ipv6Addr::from(group)))
        })
        .collect()
}

/// Every interface of the namespace.
pub fn links(rtnl: &mut Rtnl) -> io::Result<Vec<LinkRow>> {
    let mut rows = Vec::new();
    for msg in rtnl.dump(RouteNetlinkMessage::GetLink(LinkMessage::default()))? {
        if let RouteNetlinkMessage::NewLink(link) = msg {
            rows.push(link_from(&link));
        }
    }
    rows.sort_by_key(|r| r.index);
    Ok(rows)
}

/// Name → (index, MAC) of every interface.
pub fn link_table(rtnl: &mut Rtnl) -> io::Result<HashMap<String, (u32, [u8; 6])>> {
    let mut table = HashMap::new();
    for msg in rtnl.dump(RouteNetlinkMessage::GetLink(LinkMessage::default()))? {
        let RouteNetlinkMessage::NewLink(link) = msg else {
            continue;
        };
        let mut name = None;
        let mut mac = [0; 6];
        for attr in &link.attributes {
            match attr {
                LinkAttribute::IfName(n) => name = Some(n.clone()),
                LinkAttribute::Address(m) => {
                    if let Ok(m) = <[u8; 6]>::try_from(m.as_slice()) {
                        mac = m;
                    }
                }
                _ => {}
            }
        }
        if let Some(name) = name {
            table.insert(name, (link.header.index, mac));
        }
    }
    Ok(table)
}

/// One entry of the ARP (IPv4) or neighbour (IPv6) cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighbour {
    pub ip: IpAddr,
    pub mac: Option<String>,
    /// REACHABLE, STALE, DELAY, PROBE, INCOMPLETE, FAILED, PERMANENT…
    pub state: String,
    pub dev: String,
}

fn state_name(state: NeighbourState) -> String {
    format!("{state:?}").to_uppercase()
}

/// One ARP/neighbour entry from an `RTM_NEWNEIGH` of family IPv4 or IPv6;
/// None for entries not learned from the wire (multicast, loopback: NOARP)
/// and for other families (a bridge's, see [`fdb_from`]).
pub fn neighbour_from(n: &NeighbourMessage, names: &HashMap<u32, String>) -> Option<Neighbour> {
    if !matches!(n.header.family, AddressFamily::Inet | AddressFamily::Inet6) {
        return None;
    }
    let mut ip = None;
    let mut mac = None;
    for attr in &n.attributes {
        match attr {
            NeighbourAttribute::Destination(NeighbourAddress::Inet(a)) => {
                ip = Some(IpAddr::V4(*a));
            }
            NeighbourAttribute::Destination(NeighbourAddress::Inet6(a)) => {
                ip = Some(IpAddr::V6(*a));
            }
            NeighbourAttribute::LinkLayerAddress(m) => mac = Some(mac_text(m)),
            _ => {}
        }
    }
    let ip = ip?;
    if n.header.state == NeighbourState::Noarp {
        // Multicast and loopback entries: not learned from the wire.
        return None;
    }
    Some(Neighbour {
        ip,
        mac,
        state: state_name(n.header.state),
        dev: names.get(&n.header.ifindex).cloned().unwrap_or_default(),
    })
}

/// The host's ARP and IPv6 neighbour caches.
pub fn neighbours(rtnl: &mut Rtnl, names: &HashMap<u32, String>) -> io::Result<Vec<Neighbour>> {
    let mut rows = Vec::new();
    for msg in rtnl.dump(RouteNetlinkMessage::GetNeighbour(
        NeighbourMessage::default(),
    ))? {
        if let RouteNetlinkMessage::NewNeighbour(n) = msg
            && let Some(row) = neighbour_from(&n, names)
        {
            rows.push(row);
        }
    }
    rows.sort_by_key(|n| n.ip);
    Ok(rows)
}

/// One entry of a bridge's MAC table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FdbEntry {
    pub mac: String,
    /// The bridge port the MAC was seen on.
    pub port: String,
    /// Learned from a frame's source address (not one of the bridge's own).
    pub learned: bool,
}

/// One MAC-table entry from an `RTM_NEWNEIGH` of family `AF_BRIDGE`; None
/// for other families and for group addresses (33:33:…, 01:00:5e:…), which
/// are not learned from sources.
pub fn fdb_from(n: &NeighbourMessage, names: &HashMap<u32, String>) -> Option<FdbEntry> {
    if n.header.family != AddressFamily::Bridge {
        return None;
    }
    let mac = n.attributes.iter().find_map(|a| match a {
        NeighbourAttribute::LinkLayerAddress(m) => Some(m.clone()),
        _ => None,
    })?;
    if mac.first().is_some_and(|b| b & 1 == 1) {
        return None;
    }
    let learned = n.header.state != NeighbourState::Permanent
        && !n.header.flags.contains(NeighbourFlags::Own);
    Some(FdbEntry {
        mac: mac_text(&mac),
        port: names.get(&n.header.ifindex).cloned().unwrap_or_default(),
        learned,
    })
}

/// A bridge's forwarding database: every unicast MAC it knows, and on which port.
pub fn fdb(rtnl: &mut Rtnl, names: &HashMap<u32, String>) -> io::Result<Vec<FdbEntry>> {
    let mut query = NeighbourMessage::default();
    query.header.family = AddressFamily::Bridge;
    let mut rows = Vec::new();
    for msg in rtnl.dump(RouteNetlinkMessage::GetNeighbour(query))? {
        if let RouteNetlinkMessage::NewNeighbour(n) = msg
            && let Some(row) = fdb_from(&n, names)
        {
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| (&a.port, &a.mac).cmp(&(&b.port, &b.mac)));
    rows.dedup();
    Ok(rows)
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// `192.168.2.0/24`, `0.0.0.0/0`, `2001:db8:1::/64`.
    pub dest: String,
    pub prefix_len: u8,
    pub via: Option<IpAddr>,
    pub dev: Option<String>,
    /// 254 main, 255 local.
    pub table: u32,
    /// unicast, local, broadcast, multicast, unreachable…
    pub kind: String,
}

/// One route from an `RTM_NEWROUTE` (a dump's answer or an event).
pub fn route_from(msg: &RouteMessage, names: &HashMap<u32, String>) -> Route {
    let v6 = msg.header.address_family == AddressFamily::Inet6;
    let mut dest: Option<IpAddr> = None;
    let mut via = None;
    let mut dev = None;
    let mut table = u32::from(msg.header.table);
    let addr = |a: &RouteAddress| match a {
        RouteAddress::Inet(a) => Some(IpAddr::V4(*a)),
        RouteAddress::Inet6(a) => Some(IpAddr::V6(*a)),
        _ => None,
    };
    for attr in &msg.attributes {
        match attr {
            RouteAttribute::Destination(a) => dest = addr(a),
            RouteAttribute::Gateway(a) => via = addr(a),
            RouteAttribute::Oif(i) => dev = Some(names.get(i).cloned().unwrap_or(format!("#{i}"))),
            RouteAttribute::Table(t) => table = *t,
            _ => {}
        }
    }
    let unspecified = if v6 {
        IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
    };
    let prefix_len = msg.header.destination_prefix_length;
    Route {
        dest: format!("{}/{prefix_len}", dest.unwrap_or(unspecified)),
        prefix_len,
        via,
        dev,
        table,
        kind: format!("{:?}", msg.header.kind).to_lowercase(),
    }
}

/// Every route of every table, IPv4 and IPv6.
pub fn routes(rtnl: &mut Rtnl, names: &HashMap<u32, String>) -> io::Result<Vec<Route>> {
    let mut rows = Vec::new();
    for msg in rtnl.dump(RouteNetlinkMessage::GetRoute(RouteMessage::default()))? {
        if let RouteNetlinkMessage::NewRoute(r) = msg {
            rows.push(route_from(&r, names));
        }
    }
    Ok(rows)
}

/// The routes of the main table (what `ip route` shows).
pub fn main_routes(rtnl: &mut Rtnl, names: &HashMap<u32, String>) -> io::Result<Vec<Route>> {
    Ok(routes(rtnl, names)?
        .into_iter()
        .filter(|r| r.table == 254 && !r.dest.starts_with("fe80") && !r.dest.starts_with("ff00"))
        .collect())
}

/// The route the kernel picks for `dest` (`ip route get`, with the matching
/// table entry itself: `RTM_F_FIB_MATCH`, so the prefix length shows which
/// entry won the longest-prefix match).
pub fn route_to(rtnl: &mut Rtnl, names: &HashMap<u32, String>, dest: IpAddr) -> io::Result<Route> {
    let mut msg = RouteMessage::default();
    msg.header.address_family = match dest {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    };
    msg.header.destination_prefix_length = if dest.is_ipv4() { 32 } else { 128 };
    msg.header.flags = RouteFlags::FibMatch;
    msg.attributes
        .push(RouteAttribute::Destination(RouteAddress::from(dest)));
    match rtnl.get(RouteNetlinkMessage::GetRoute(msg))? {
        RouteNetlinkMessage::NewRoute(r) => Ok(route_from(&r, names)),
        _ => Err(io::Error::new(io::ErrorKind::InvalidData, "not a route")),
    }
}

/// Forgets every learned ARP/neighbour entry of the host (for a clean start).
pub fn flush_neighbours(rtnl: &mut Rtnl) -> io::Result<()> {
    for msg in rtnl.dump(RouteNetlinkMessage::GetNeighbour(
        NeighbourMessage::default(),
    ))? {
        let RouteNetlinkMessage::NewNeighbour(n) = msg else {
            continue;
        };
        if matches!(
            n.header.state,
            NeighbourState::Noarp | NeighbourState::Permanent
        ) {
            continue;
        }
        let _ = rtnl.change(RouteNetlinkMessage::DelNeighbour(n));
    }
    Ok(())
}

/// Empties a bridge's learned MAC table (its own and static entries stay), as
/// a switch just switched on: set-up's IPv6 chatter (router and multicast
/// listener messages as links come up) has taught it some MACs already, and
/// an experiment shows the learning its own frames cause.
pub fn flush_fdb(rtnl: &mut Rtnl) -> io::Result<()> {
    let mut query = NeighbourMessage::default();
    query.header.family = AddressFamily::Bridge;
    for msg in rtnl.dump(RouteNetlinkMessage::GetNeighbour(query))? {
        let RouteNetlinkMessage::NewNeighbour(n) = msg else {
            continue;
        };
        if fdb_from(&n, &HashMap::new()).is_some_and(|e| e.learned) {
            rtnl.change(RouteNetlinkMessage::DelNeighbour(n))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_solicited_node_group_keeps_the_low_24_bits() {
        let addr: std::net::Ipv6Addr = "2001:db8:1::1".parse().unwrap();
        assert_eq!(solicited_node(addr).to_string(), "ff02::1:ff00:1");
        let ll: std::net::Ipv6Addr = "fe80::18c4:2fff:fe43:5be".parse().unwrap();
        assert_eq!(solicited_node(ll).to_string(), "ff02::1:ff43:5be");
    }

    #[test]
    fn igmp6_lines_give_the_interface_and_the_group() {
        let text = "1    lo              ff020000000000000000000000000001     1 0000000C 0\n\
                    12   eth0            ff0200000000000000000001ff000001     1 00000004 0\n\
                    bad line\n";
        let groups = joined_groups(text);
        assert_eq!(
            groups,
            vec![
                (1, "ff02::1".parse().unwrap()),
                (12, "ff02::1:ff00:1".parse().unwrap())
            ]
        );
    }
}
