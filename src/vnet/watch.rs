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
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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
/// Bounded: a set-up and an experiment make about a hundred changes.
const MAX_EVENTS: usize = 4096;
/// Each watching socket's receive buffer.
const RECV_BUFFER: usize = 1 << 20;

/// Whether a change came while the network was being built or while the
/// experiment ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Links made, moved, bridged, brought up; addresses' and set-up's routes.
    Setup,
    /// What the experiment's traffic and actions caused.
    #[default]
    Run,
}

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
    /// The same moment on the clock the capture stamps frames with
    /// (`CLOCK_REALTIME`, ns since the Unix epoch; `SO_TIMESTAMPNS`), so the
    /// panel can place a change among the frames. Netlink carries no
    /// timestamp of its own: this is when the change was read, at most a
    /// scheduling delay after the kernel made it, never before.
    #[serde(default)]
    pub wall_ns: u64,
    #[serde(default)]
    pub phase: Phase,
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

/// What a link event is compared with: the kernel announces a link many
/// times as it is made (flags, carrier, offloads, bridge port); only a change
/// of name, state or MTU becomes an event.
type LinkState = (String, bool, bool, u32);

/// One host's subscription and what its events have taught about it.
struct Watched {
    host: String,
    socket: Socket,
    /// Interface index → name: the links known when the watch began, then
    /// every link the host's events announce.
    names: HashMap<u32, String>,
    links: HashMap<u32, LinkState>,
}

impl Watched {
    /// The changes one netlink datagram announces, learning link names and
    /// states from it.
    fn absorb(&mut self, bytes: &[u8]) -> Vec<Change> {
        let mut out = Vec::new();
        for msg in messages(bytes) {
            use RouteNetlinkMessage as M;
            match &msg {
                // `lo` (index 1 in every namespace) was up before the watch
                // began and is no lab link.
                M::NewLink(l) | M::DelLink(l) if l.header.index == 1 => {}
                M::NewLink(l) | M::DelLink(l) => {
                    let removed = matches!(msg, M::DelLink(_));
                    let mut row = state::link_from(l);
                    if row.name.is_empty() {
                        row.name = self.names.get(&row.index).cloned().unwrap_or_default();
                    } else {
                        self.names.insert(row.index, row.name.clone());
                    }
                    let now = (row.name.clone(), row.up, row.running, row.mtu);
                    let changed = if removed {
                        self.links.remove(&row.index).is_some()
                    } else {
                        self.links.insert(row.index, now.clone()) != Some(now)
                    };
                    if changed {
                        out.push(Change::Link {
                            removed,
                            name: row.name,
                            up: row.up,
                            running: row.running,
                            mtu: row.mtu,
                        });
                    }
                }
                other => out.extend(change_of(other, &self.names)),
            }
        }
        out
    }
}

/// Commands on the watcher's control pipe.
const MARK_RUN: u8 = b'r';
const STOP: u8 = b's';

/// A running watcher over every host of a network.
pub struct Watcher {
    control: Option<OwnedFd>,
    acks: Receiver<()>,
    thread: Option<JoinHandle<usize>>,
}

fn io_err(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

impl Watcher {
    /// Subscribes in every host of `net` and starts the thread; every change
    /// from now on goes to `sink`, marked [`Phase::Setup`] until
    /// [`Watcher::begin_run`]. Start it right after [`Network::begin`] and
    /// the links' birth is heard too. The calling thread is left in the last
    /// host's namespace, as [`Network::build`] leaves it.
    pub fn start(net: &Network, sink: Sink) -> Result<Watcher, VnetError> {
        let mut watched = Vec::with_capacity(net.hosts.len());
        for host in &net.hosts {
            net.enter(host.name)?;
            let mut socket = Socket::new(NETLINK_ROUTE).map_err(io_err("netlink socket"))?;
            socket.bind_auto().map_err(io_err("netlink bind"))?;
            // Room for a whole set-up's announcements without ENOBUFS.
            let _ = socket.set_rx_buf_sz(RECV_BUFFER);
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
                links: HashMap::new(),
            });
        }
        if let Some(last) = net.hosts.last() {
            net.enter(last.name)?;
        }
        let (control_rx, control_tx) = nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)
            .map_err(|e| VnetError::Kernel {
                what: "pipe",
                source: e.into(),
            })?;
        let (ack, acks) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("vnet-watch".into())
            .spawn(move || watch(watched, &control_rx, &ack, sink))
            .map_err(io_err("watch thread"))?;
        Ok(Watcher {
            control: Some(control_tx),
            acks,
            thread: Some(thread),
        })
    }

    /// Everything the kernel announced until now is set-up; what follows is
    /// the experiment's. Returns once the watcher has read every event queued
    /// before the call (netlink queues a change's announcement as the kernel
    /// makes it), bounded.
    pub fn begin_run(&mut self) -> Result<(), VnetError> {
        if let Some(control) = &self.control {
            nix::unistd::write(control, &[MARK_RUN]).map_err(|e| VnetError::Kernel {
                what: "watch control",
                source: e.into(),
            })?;
        }
        self.acks
            .recv_timeout(Duration::from_secs(5))
            .map_err(|_| VnetError::Experiment("the kernel watcher did not answer".into()))
    }

    /// Reads what the kernel has already queued, stops the thread (its
    /// sockets close with it) and returns how many events it passed on.
    pub fn finish(mut self) -> usize {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> usize {
        if let Some(control) = self.control.take() {
            let _ = nix::unistd::write(&control, &[STOP]);
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

/// The thread: blocks in `poll` on every host's socket and the control pipe,
/// no timeout. Ends on [`STOP`], on the control pipe's closing (the
/// [`Watcher`] dropped without a word), or on an error other than EINTR.
fn watch(mut watched: Vec<Watched>, control: &OwnedFd, ack: &Sender<()>, mut sink: Sink) -> usize {
    let mut out = Out {
        clock: Instant::now(),
        phase: Phase::Setup,
        sent: 0,
    };
    loop {
        let (ready, commanded) = {
            let mut fds: Vec<PollFd> = watched
                .iter()
                .map(|w| PollFd::new(w.socket.as_fd(), PollFlags::POLLIN))
                .collect();
            fds.push(PollFd::new(control.as_fd(), PollFlags::POLLIN));
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return out.sent,
            }
            let readable = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
            let ready: Vec<bool> = fds.iter().take(watched.len()).map(readable).collect();
            (ready, fds.last().is_some_and(readable))
        };
        for (w, _) in watched.iter_mut().zip(&ready).filter(|(_, r)| **r) {
            out.read(w, &mut sink);
        }
        if commanded {
            let mut buf = [0u8; 16];
            let n = match nix::unistd::read(control, &mut buf) {
                Ok(n) => n,
                Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => continue,
                Err(_) => 0,
            };
            // Whatever the command, the events queued before it are of the
            // phase that is ending.
            for w in &mut watched {
                out.read(w, &mut sink);
            }
            for &command in &buf[..n] {
                if command == MARK_RUN {
                    out.phase = Phase::Run;
                    let _ = ack.send(());
                }
            }
            if n == 0 || buf[..n].contains(&STOP) {
                return out.sent;
            }
        }
    }
}

/// The watcher thread's output side.
struct Out {
    clock: Instant,
    phase: Phase,
    sent: usize,
}

impl Out {
    /// Reads every datagram queued on `w`'s socket and passes its changes on.
    fn read(&mut self, w: &mut Watched, sink: &mut Sink) {
        loop {
            let bytes = match w.socket.recv_from_full() {
                Ok((bytes, _)) => bytes,
                // The kernel dropped announcements on a full queue: the ones
                // still queued stand, read on.
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => continue,
                // EAGAIN: nothing left.
                Err(_) => return,
            };
            let at_us = u64::try_from(self.clock.elapsed().as_micros()).unwrap_or(u64::MAX);
            let wall_ns = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
            for change in w.absorb(&bytes) {
                if self.sent >= MAX_EVENTS {
                    continue;
                }
                sink(&KernelEvent {
                    host: w.host.clone(),
                    at_us,
                    wall_ns,
                    phase: self.phase,
                    change,
                });
                self.sent += 1;
            }
        }
    }
}

/// The route messages in one netlink datagram (several may share it).
fn messages(bytes: &[u8]) -> Vec<RouteNetlinkMessage> {
    let mut out = Vec::new();
    let mut offset = 0;
    while let Some(rest) = bytes.get(offset..).filter(|r| r.len() >= 16) {
        let Ok(message) = NetlinkMessage::<RouteNetlinkMessage>::deserialize(rest) else {
            break;
        };
        let length = message.header.length as usize;
        if length < 16 {
            break;
        }
        offset += (length + 3) & !3;
        if let NetlinkPayload::InnerMessage(inner) = message.payload {
            out.push(inner);
        }
    }
    out
}

/// The changes one netlink datagram announces, for a host whose interfaces
/// are `names` (link events are reported whatever they change).
pub fn changes(bytes: &[u8], names: &HashMap<u32, String>) -> Vec<Change> {
    messages(bytes)
        .iter()
        .filter_map(|m| change_of(m, names))
        .collect()
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
            wall_ns: 1_700_000_000_000_000_000,
            phase: Phase::Run,
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
