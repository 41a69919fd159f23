//! The impaired link: a middle namespace holds two veth ends, and this relay
//! is the wire between them — it reads every frame arriving on one end
//! (AF_PACKET), lets the seeded plan of that direction ([`Wire`]) drop, delay,
//! reorder or duplicate it, and sends what leaves on the other end. No TUN
//! device, no `netem`: two packet sockets opened in the middle namespace.
//!
//! Which frames a plan applies to: IPv4 frames, counted per IP protocol
//! (TCP, UDP, ICMP are separate streams, so UDP datagram n meets the same fate
//! whatever TCP did before); anything else (ARP, IPv6 neighbour discovery)
//! crosses unharmed after the fixed delay, so a lost ARP reply never stalls
//! an experiment.
//!
//! Checksums: the lab turns the veths' transmit checksum offload off
//! ([`super::offload`]), so frames arrive with their checksums filled in by
//! the sender's stack, and the relay passes them on byte for byte (a test
//! checks every checksum C receives with tshark).

use std::os::fd::{AsFd as _, AsRawFd as _, OwnedFd};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::fcntl::OFlag;
use nix::poll::{PollFd, PollFlags, ppoll};
use nix::sys::socket::{self, LinkAddr, MsgFlags};
use nix::sys::time::TimeSpec;
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::ipv4::Ipv4Packet;
use serde::Serialize;

use super::VnetError;
use super::capture::{kernel_drops, packet_socket};
use super::network::Network;
use super::topology::End;
use crate::net::impaired::wire::StreamStats;
use crate::net::impaired::{Plan, Wire};

/// The kernel's `PACKET_OUTGOING`: a frame this interface sent (our own).
const PACKET_OUTGOING: u8 = 4;
const MAX_FRAME: usize = 65_536;
/// After the stop request, frames still on the wire get this long to leave.
const DRAIN: Duration = Duration::from_secs(2);

/// The plan streams: an IPv4 frame's stream is its IP protocol number.
pub const TCP: u64 = 6;
pub const UDP: u64 = 17;
pub const ICMP: u64 = 1;

/// What one direction of the link did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Direction {
    /// `HOST:IFNAME` of the end frames came in on, and of the end they left by.
    pub from: String,
    pub to: String,
    pub tcp: StreamStats,
    pub udp: StreamStats,
    pub icmp: StreamStats,
    /// Frames no plan applies to (ARP, IPv6), passed after the delay.
    pub clean: u64,
    /// Frames sent on (copies included).
    pub sent: u64,
    /// Sends the kernel refused (a full queue): also losses, not the plan's.
    pub send_errors: u64,
    /// Frames the kernel dropped before the relay read them (the incoming
    /// end's queue was full), by its own count: also not the plan's.
    pub recv_dropped: u64,
}

/// Both directions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RelayReport {
    pub forward: Direction,
    pub backward: Direction,
}

/// A running relay between two ends of the lab.
pub struct Relay {
    stop: Option<OwnedFd>,
    thread: Option<JoinHandle<RelayReport>>,
}

fn kernel(what: &'static str) -> impl Fn(nix::Error) -> VnetError {
    move |e| VnetError::Kernel {
        what,
        source: e.into(),
    }
}

struct Side {
    socket: OwnedFd,
    wire: Wire<Vec<u8>>,
    report: Direction,
}

impl Relay {
    /// Starts relaying between `a` and `b` (two interfaces of one middle
    /// host): frames arriving on `a` go out on `b` by `forward`, frames
    /// arriving on `b` go out on `a` by `backward`.
    pub fn start(
        net: &Network,
        a: End,
        b: End,
        forward: Plan,
        backward: Plan,
    ) -> Result<Relay, VnetError> {
        let name = |e: End| format!("{}:{}", e.host, e.ifname);
        let sides = [
            Side {
                socket: packet_socket(net, a)?,
                wire: Wire::new(forward),
                report: Direction {
                    from: name(a),
                    to: name(b),
                    ..Direction::default()
                },
            },
            Side {
                socket: packet_socket(net, b)?,
                wire: Wire::new(backward),
                report: Direction {
                    from: name(b),
                    to: name(a),
                    ..Direction::default()
                },
            },
        ];
        let (stop_rx, stop_tx) =
            nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK).map_err(kernel("pipe"))?;
        let thread = std::thread::Builder::new()
            .name("vnet-relay".into())
            .spawn(move || relay(sides, &stop_rx))
            .map_err(|source| VnetError::Kernel {
                what: "relay thread",
                source,
            })?;
        Ok(Relay {
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// Stops the relay once the frames on the wire have left (bounded) and
    /// returns what it did.
    pub fn finish(mut self) -> RelayReport {
        self.stop_and_join().unwrap_or_default()
    }

    fn stop_and_join(&mut self) -> Option<RelayReport> {
        if let Some(stop) = self.stop.take() {
            let _ = nix::unistd::write(&stop, b"x");
        }
        self.thread.take().and_then(|t| t.join().ok())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

/// The relay thread: sends what is due, waits (ppoll) for a frame, the next
/// due time or the stop request, reads what arrived.
fn relay(mut sides: [Side; 2], stop: &OwnedFd) -> RelayReport {
    let clock = Instant::now();
    let now = || u64::try_from(clock.elapsed().as_nanos()).unwrap_or(u64::MAX);
    let mut buf = vec![0u8; MAX_FRAME];
    let mut stopping: Option<Instant> = None;
    loop {
        let t = now();
        for k in 0..2 {
            let due = sides[k].wire.take_due(t);
            let out = sides[1 - k].socket.as_raw_fd();
            for frame in due {
                match socket::send(out, &frame, MsgFlags::empty()) {
                    Ok(_) => sides[k].report.sent += 1,
                    Err(_) => sides[k].report.send_errors += 1,
                }
            }
        }
        let next = sides.iter().filter_map(|s| s.wire.next_due()).min();
        if let Some(since) = stopping
            && (next.is_none() || since.elapsed() > DRAIN)
        {
            break;
        }
        let timeout = next
            .map(|due| TimeSpec::from_duration(Duration::from_nanos(due.saturating_sub(now()))));
        let (ready, stop_ready) = {
            let mut fds = [
                PollFd::new(sides[0].socket.as_fd(), PollFlags::POLLIN),
                PollFd::new(sides[1].socket.as_fd(), PollFlags::POLLIN),
                PollFd::new(stop.as_fd(), PollFlags::POLLIN),
            ];
            if ppoll(&mut fds, timeout, None).is_err() {
                // EINTR: look again.
                continue;
            }
            let readable = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
            ([readable(&fds[0]), readable(&fds[1])], readable(&fds[2]))
        };
        if stop_ready && stopping.is_none() {
            stopping = Some(Instant::now());
        }
        for (k, side) in sides.iter_mut().enumerate() {
            if ready[k] {
                read_frames(side, &mut buf, now());
            }
        }
    }
    let [forward, backward] = sides.map(|mut s| {
        s.report.tcp = s.wire.stats(TCP);
        s.report.udp = s.wire.stats(UDP);
        s.report.icmp = s.wire.stats(ICMP);
        s.report.clean = s.wire.clean;
        s.report.recv_dropped = kernel_drops(&s.socket);
        s.report
    });
    RelayReport { forward, backward }
}

/// Reads every frame queued on `side`'s socket into its wire.
fn read_frames(side: &mut Side, buf: &mut [u8], now_ns: u64) {
    loop {
        let Ok((n, from)) = socket::recvfrom::<LinkAddr>(side.socket.as_raw_fd(), buf) else {
            return;
        };
        if from.is_some_and(|a| a.pkttype() == PACKET_OUTGOING) {
            continue;
        }
        let frame = buf.get(..n).unwrap_or_default().to_vec();
        match ipv4_stream(&frame) {
            Some(stream) => {
                side.wire.offer(now_ns, stream, frame);
            }
            None => side.wire.offer_clean(now_ns, frame),
        }
    }
}

/// An IPv4 frame's stream (its protocol); None for anything else. The frame
/// is passed on as it came: its checksums were filled by the sender's stack
/// (transmit offload is off on every lab interface, [`super::offload`]).
fn ipv4_stream(frame: &[u8]) -> Option<u64> {
    let eth = EthernetPacket::new(frame)?;
    if eth.get_ethertype() != EtherTypes::Ipv4 {
        return None;
    }
    let ip = Ipv4Packet::new(frame.get(EthernetPacket::minimum_packet_size()..)?)?;
    Some(u64::from(ip.get_next_level_protocol().0))
}
