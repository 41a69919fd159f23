//! Kernel state as it changes: one `NETLINK_ROUTE` socket per lab host, opened
//! in its namespace and subscribed to the multicast groups of the neighbour
//! tables (`RTNLGRP_NEIGH`: the ARP/neighbour cache, and the bridge's MAC
//! table, which arrives as `RTM_NEWNEIGH` of family `AF_BRIDGE`), the routes
//! (`RTNLGRP_IPV4_ROUTE`, `RTNLGRP_IPV6_ROUTE`) and the links
//! (`RTNLGRP_LINK`). A thread blocks in `poll` on all of them and a stop pipe
//! — no timer, no polling: idle costs nothing — and hands every change, as a
//! [`KernelEvent`], to a sink (the lab process writes each one to the tutor
//! at once, see [`super::proto::Reply::Event`]).

use std::collections::HashMap;
use std::os::fd::{AsFd as _, OwnedFd};
use std::thread::JoinHandle;
use std::time::Instant;

use netlink_packet_core::{NetlinkMessage, NetlinkPayload};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{Socket, protocols::NETLINK_ROUTE};
use nix::fcntl::OFlag;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use serde::{Deserialize, Serialize};

use super::VnetError;
use super::network::Network;
use super::state::{self, FdbEntry, Neighbour, Route};

/// `<linux/rtnetlink.h>`'s multicast groups.
const RTNLGRP_LINK: u32 = 1;
const RTNLGRP_NEIGH: u32 = 3;
const RTNLGRP_IPV4_ROUTE: u32 = 7;
const RTNLGRP_IPV6_ROUTE: u32 = 11;
/// Bounded: an experiment makes dozens of changes.
const MAX_EVENTS: usize = 4096;

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// An ARP (IPv4) or neighbour (IPv6) cache entry: new, changed state, or gone.
    Neighbour {
        removed: bool,
        #[serde(flatten)]
        entry: Neighbour,
    },
    /// The bridge learned (or forgot) a MAC on a port.
    Fdb {
        removed: bool,
        #[serde(flatten)]
        entry: FdbEntry,
    },
    Route {
        removed: bool,
        #[serde(flatten)]
        route: Route,
    },
    /// An interface changed (up/down, carrier, MTU).
    Link {
        removed: bool,
        name: String,
        up: bool,
        running: bool,
        mtu: u32,
    },
}

/// One change, in the host where the kernel made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelEvent {
    pub host: String,
    /// When the watcher read it, µs after the watch began.
    pub at_us: u64,
    #[serde(flatten)]
    pub change: Change,
}

impl KernelEvent {
    /// One line (`A: ARP 192.168.1.20 → 02:…  REACHABLE on eth0`), for logs
    /// and the panel.
    pub fn line(&self) -> String {
        let (what, removed) = match &self.change {
            Change::Neighbour { removed, entry } => (
                format!(
                    "neigh {} → {} {} ({})",
                    entry.ip,
                    entry.mac.as_deref().unwrap_or("—"),
                    entry.state,
                    entry.dev
                ),
                *removed,
            ),
            Change::Fdb { removed, entry } => (
                format!("fdb {} on port {}", entry.mac, entry.port),
                *removed,
            ),
            Change::Route { removed, route } => {
                let via = route.via.map(|v| format!(" via {v}")).unwrap_or_default();
                let dev = route
                    .dev
                    .as_deref()
                    .map(|d| format!(" dev {d}"))
                    .unwrap_or_default();
                (format!("route {}{via}{dev}", route.dest), *removed)
            }
            Change::Link {
                removed,
                name,
                up,
                running,
                mtu,
            } => {
                let state = match (up, running) {
                    (true, true) => "UP",
                    (true, false) => "UP, no carrier",
                    _ => "DOWN",
                };
                (format!("link {name} {state} mtu {mtu}"), *removed)
            }
        };
        let sign = if removed { '-' } else { '+' };
        format!("{}: {sign} {what}", self.host)
    }
}

/// Where events go as they arrive.
pub type Sink = Box<dyn FnMut(&KernelEvent) + Send>;

struct Watched {
    host: String,
    socket: Socket,
    names: HashMap<u32, String>,
}

/// A running watcher over every host of a network.
pub struct Watcher {
    stop: Option<OwnedFd>,
    thread: Option<JoinHandle<usize>>,
}

fn io_err(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

impl Watcher {
    /// Subscribes in every host of `net` and starts the thread; every change
    /// from now on goes to `sink`. The calling thread is left in the last
    /// host's namespace, as [`Network::build`] leaves it.
    pub fn start(net: &Network, sink: Sink) -> Result<Watcher, VnetError> {
        let mut watched = Vec::with_capacity(net.hosts.len());
        for host in &net.hosts {
            net.enter(host.name)?;
            let mut socket = Socket::new(NETLINK_ROUTE).map_err(io_err("netlink socket"))?;
            socket.bind_auto().map_err(io_err("netlink bind"))?;
            for group in [
                RTNLGRP_LINK,
                RTNLGRP_NEIGH,
                RTNLGRP_IPV4_ROUTE,
                RTNLGRP_IPV6_ROUTE,
            ] {
                socket
                    .add_membership(group)
                    .map_err(io_err("netlink group"))?;
            }
            socket
                .set_non_blocking(true)
                .map_err(io_err("netlink socket"))?;
            watched.push(Watched {
                host: host.name.to_string(),
                socket,
                names: host.names(),
            });
        }
        if let Some(last) = net.hosts.last() {
            net.enter(last.name)?;
        }
        let (stop_rx, stop_tx) =
            nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK).map_err(|e| {
                VnetError::Kernel {
                    what: "pipe",
                    source: e.into(),
                }
            })?;
        let thread = std::thread::Builder::new()
            .name("vnet-watch".into())
            .spawn(move || watch(&watched, &stop_rx, sink))
            .map_err(io_err("watch thread"))?;
        Ok(Watcher {
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// Reads what the kernel has already queued, stops the thread and returns
    /// how many events it passed on.
    pub fn finish(mut self) -> usize {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> usize {
        if let Some(stop) = self.stop.take() {
            let _ = nix::unistd::write(&stop, b"x");
        }
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

fn watch(watched: &[Watched], stop: &OwnedFd, mut sink: Sink) -> usize {
    let clock = Instant::now();
    let mut sent = 0;
    loop {
        let (ready, stopping) = {
            let mut fds: Vec<PollFd> = watched
                .iter()
                .map(|w| PollFd::new(w.socket.as_fd(), PollFlags::POLLIN))
                .collect();
            fds.push(PollFd::new(stop.as_fd(), PollFlags::POLLIN));
            if poll(&mut fds, PollTimeout::NONE).is_err() {
                continue; // EINTR
            }
            let readable = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
            let ready: Vec<bool> = fds.iter().take(watched.len()).map(readable).collect();
            (ready, fds.last().is_some_and(readable))
        };
        for (w, _) in watched.iter().zip(&ready).filter(|(_, r)| **r) {
            sent += read_events(w, &clock, &mut sink, MAX_EVENTS.saturating_sub(sent));
        }
        if stopping {
            // What the kernel queued before the stop request still counts.
            for w in watched {
                sent += read_events(w, &clock, &mut sink, MAX_EVENTS.saturating_sub(sent));
            }
            return sent;
        }
    }
}

/// Reads every datagram queued on `w`'s socket; returns the events passed on.
fn read_events(w: &Watched, clock: &Instant, sink: &mut Sink, room: usize) -> usize {
    let mut sent = 0;
    // Ends on EAGAIN (nothing left) or an error such as ENOBUFS (the kernel
    // dropped events on a full queue: the ones read still stand).
    while let Ok((bytes, _)) = w.socket.recv_from_full() {
        let at_us = u64::try_from(clock.elapsed().as_micros()).unwrap_or(u64::MAX);
        for change in changes(&bytes, &w.names) {
            if sent >= room {
                continue;
            }
            sink(&KernelEvent {
                host: w.host.clone(),
                at_us,
                change,
            });
            sent += 1;
        }
    }
    sent
}

/// The changes one netlink datagram announces.
pub fn changes(bytes: &[u8], names: &HashMap<u32, String>) -> Vec<Change> {
    let mut out = Vec::new();
    let mut offset = 0;
    while let Some(rest) = bytes.get(offset..).filter(|r| !r.is_empty()) {
        let Ok(message) = NetlinkMessage::<RouteNetlinkMessage>::deserialize(rest) else {
            break;
        };
        let length = message.header.length as usize;
        if length == 0 {
            break;
        }
        offset += (length + 3) & !3;
        if let NetlinkPayload::InnerMessage(inner) = message.payload
            && let Some(change) = change_of(&inner, names)
        {
            out.push(change);
        }
    }
    out
}

fn change_of(msg: &RouteNetlinkMessage, names: &HashMap<u32, String>) -> Option<Change> {
    use RouteNetlinkMessage as M;
    match msg {
        M::NewNeighbour(n) | M::DelNeighbour(n) => {
            let removed = matches!(msg, M::DelNeighbour(_));
            if let Some(entry) = state::fdb_from(n, names) {
                return Some(Change::Fdb { removed, entry });
            }
            state::neighbour_from(n, names).map(|entry| Change::Neighbour { removed, entry })
        }
        M::NewRoute(r) | M::DelRoute(r) => {
            let route = state::route_from(r, names);
            // The kernel's own local and broadcast entries (table 255) and
            // IPv6 link-local/multicast bookkeeping are not what a lesson shows.
            if route.table != 254
                || route.dest.starts_with("fe80")
                || route.dest.starts_with("ff00")
            {
                return None;
            }
            Some(Change::Route {
                removed: matches!(msg, M::DelRoute(_)),
                route,
            })
        }
        M::NewLink(l) | M::DelLink(l) => {
            let row = state::link_from(l);
            Some(Change::Link {
                removed: matches!(msg, M::DelLink(_)),
                name: row.name,
                up: row.up,
                running: row.running,
                mtu: row.mtu,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_host_the_change_and_its_sign() {
        let e = KernelEvent {
            host: "S".into(),
            at_us: 5,
            change: Change::Fdb {
                removed: false,
                entry: FdbEntry {
                    mac: "02:00:00:00:00:0a".into(),
                    port: "a".into(),
                    learned: true,
                },
            },
        };
        assert_eq!(e.line(), "S: + fdb 02:00:00:00:00:0a on port a");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["change"], "fdb");
        assert_eq!(json["port"], "a");
        let back: KernelEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn garbage_bytes_yield_no_change_and_no_panic() {
        assert!(changes(&[0xff; 7], &HashMap::new()).is_empty());
        assert!(changes(&[], &HashMap::new()).is_empty());
    }
}
