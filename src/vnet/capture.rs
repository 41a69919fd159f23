//! Capturing inside the lab: one AF_PACKET socket (ETH_P_ALL) per capture
//! point, opened in the point's namespace and bound to its interface, so it
//! sees the frames the interface sends and receives. Each frame carries the
//! kernel's receive timestamp (`SO_TIMESTAMPNS`), so frames from several
//! points merge in the order they crossed the wires. The sockets queue frames
//! while an experiment runs; [`Taps::drain`] reads them afterwards, without
//! blocking.

use std::io::IoSliceMut;
use std::os::fd::{AsRawFd as _, OwnedFd};
use std::time::{Duration, Instant};

use nix::sys::socket::{
    self, AddressFamily, ControlMessageOwned, LinkAddr, MsgFlags, SockFlag, SockType, sockopt,
};
use serde::{Deserialize, Serialize};

use super::VnetError;
use super::network::Network;
use super::topology::End;

/// The kernel's `PACKET_OUTGOING`: a frame this interface sent.
const PACKET_OUTGOING: u8 = 4;
/// Larger than any frame of the lab (MTU 1500 plus the Ethernet header).
const MAX_FRAME: usize = 65_536;
/// At most this many frames are kept per point: an experiment sends dozens.
const MAX_FRAMES: usize = 4096;

/// One frame as a capture point saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// `HOST:IFNAME`, e.g. `A:eth0` or `S:b` (the switch's port to B).
    pub point: String,
    /// Kernel timestamp, nanoseconds since the Unix epoch.
    pub ts_ns: u64,
    /// Sent by this interface (else received).
    pub outgoing: bool,
    #[serde(with = "hex_bytes")]
    pub data: Vec<u8>,
}

/// The bytes of a frame as lower-case hex in JSON.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() % 2 != 0 {
            return Err(D::Error::custom("odd hex length"));
        }
        (0..text.len())
            .step_by(2)
            .map(|i| {
                text.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| D::Error::custom("not hex"))
            })
            .collect()
    }
}

/// One capture point.
struct Tap {
    point: String,
    socket: OwnedFd,
}

/// The capture points of one experiment.
#[derive(Default)]
pub struct Taps {
    taps: Vec<Tap>,
    frames: Vec<Frame>,
}

/// Keeps the kernel's packet timestamps on for the life of the lab process.
///
/// The kernel stamps a frame as it crosses an interface only while some
/// socket in the system has asked for timestamps, and it switches that on
/// *deferred*, from a work queue, when the first socket asks
/// (`net_enable_timestamp`), and off again when the last one closes. Until the
/// work has run, frames pass unstamped and `recvmsg` stamps them as it reads
/// them — so on a loaded machine a run's first frames (the first ARP
/// exchange, the first probe) came out stamped when they were *read*, after
/// later ones, and sorted out of order. This socket asks once, before any
/// network is built, and [`Stamping::on`] waits until a datagram it sends to
/// itself comes back stamped when it was queued, not when it was read.
pub struct Stamping {
    _socket: std::net::UdpSocket,
}

impl Stamping {
    /// In the current namespace (the lab process's home: `lo` is brought up).
    /// Bounded: after two seconds it returns anyway (stamps may then lag).
    pub fn on() -> std::io::Result<Stamping> {
        use std::net::{Ipv4Addr, UdpSocket};
        let mut rtnl = super::rtnl::Rtnl::open()?;
        rtnl.change(super::network::set_up(1))?;
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        socket::setsockopt(&socket, sockopt::ReceiveTimestampns, &true)?;
        socket.set_read_timeout(Some(Duration::from_millis(100)))?;
        let me = socket.local_addr()?;
        let deadline = Instant::now() + Duration::from_secs(2);
        let queued_for = Duration::from_millis(3);
        while Instant::now() < deadline {
            socket.send_to(b"stamp", me)?;
            // The datagram waits in the queue: a stamp taken when it was
            // queued is older than one taken now, when it is read.
            std::thread::sleep(queued_for);
            let Some(stamp) = read_stamp(&socket) else {
                continue;
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            if now.saturating_sub(stamp) >= queued_for / 2 {
                break;
            }
        }
        Ok(Stamping { _socket: socket })
    }
}

/// Receives one datagram and returns its kernel timestamp.
fn read_stamp(socket: &std::net::UdpSocket) -> Option<Duration> {
    let mut buf = [0u8; 16];
    let mut iov = [IoSliceMut::new(&mut buf)];
    let mut cmsg = nix::cmsg_space!(nix::sys::time::TimeSpec);
    let msg = socket::recvmsg::<()>(
        socket.as_raw_fd(),
        &mut iov,
        Some(&mut cmsg),
        MsgFlags::empty(),
    )
    .ok()?;
    msg.cmsgs().ok()?.find_map(|c| match c {
        ControlMessageOwned::ScmTimestampns(ts) => Some(Duration::new(
            u64::try_from(ts.tv_sec()).ok()?,
            u32::try_from(ts.tv_nsec()).ok()?,
        )),
        _ => None,
    })
}

fn kernel(what: &'static str) -> impl Fn(nix::Error) -> VnetError {
    move |e| VnetError::Kernel {
        what,
        source: e.into(),
    }
}

impl Taps {
    /// Starts capturing on every interface of `points`.
    pub fn open(net: &Network, points: &[End]) -> Result<Taps, VnetError> {
        let mut taps = Taps::default();
        for &at in points {
            taps.taps.push(open_tap(net, at)?);
        }
        Ok(taps)
    }

    /// Reads what the points have queued (never blocks).
    pub fn poll(&mut self) {
        let new: Vec<Frame> = self.taps.iter().flat_map(drain_tap).collect();
        self.frames.extend(new);
    }

    /// Waits until a frame matching `pick` has been captured, at most
    /// `timeout`; whether it was.
    pub fn wait_for(&mut self, pick: impl Fn(&Frame) -> bool, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.poll();
            if self.frames.iter().any(&pick) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Waits until `n` frames matching `pick` have been captured, at most
    /// `timeout`; whether they were.
    pub fn wait_for_count(
        &mut self,
        pick: impl Fn(&Frame) -> bool,
        n: usize,
        timeout: Duration,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.poll();
            if self.frames.iter().filter(|f| pick(f)).count() >= n {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// The kernel timestamp of the first frame captured so far matching `pick`.
    pub fn first_ts(&self, pick: impl Fn(&Frame) -> bool) -> Option<u64> {
        self.frames
            .iter()
            .filter(|f| pick(f))
            .map(|f| f.ts_ns)
            .min()
    }

    /// Every frame captured at every point, oldest first.
    pub fn finish(mut self) -> Vec<Frame> {
        self.poll();
        let mut frames = std::mem::take(&mut self.frames);
        frames.sort_by_key(|f| f.ts_ns);
        frames
    }
}

impl Drop for Taps {
    /// Closing a packet socket waits for an RCU grace period (15–25 ms here):
    /// the sockets are closed in parallel, one thread each, so the waits overlap.
    fn drop(&mut self) {
        let taps = std::mem::take(&mut self.taps);
        std::thread::scope(|scope| {
            for tap in taps {
                scope.spawn(move || drop(tap));
            }
        });
    }
}

fn open_tap(net: &Network, at: End) -> Result<Tap, VnetError> {
    let socket = packet_socket(net, at)?;
    socket::setsockopt(&socket, sockopt::ReceiveTimestampns, &true)
        .map_err(kernel("SO_TIMESTAMPNS"))?;
    Ok(Tap {
        point: format!("{}:{}", at.host, at.ifname),
        socket,
    })
}

/// A non-blocking AF_PACKET socket of every protocol, opened in `at`'s
/// namespace and bound to its interface (a capture point, or a relay's end).
pub fn packet_socket(net: &Network, at: End) -> Result<OwnedFd, VnetError> {
    net.enter(at.host)?;
    let index = net.index(at)?;
    // Protocol 0: the socket receives nothing until bound, and binding it
    // (to ETH_P_ALL on one interface) then hooks it in once — no RCU wait of
    // a rebind (15–25 ms per socket).
    let socket = socket::socket(
        AddressFamily::Packet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
        None,
    )
    .map_err(kernel("packet socket"))?;
    let mut storage = socket2::SockAddrStorage::zeroed();
    // SAFETY: sockaddr_ll is one of the platform's sockaddr types and fits the storage.
    let ll = unsafe { storage.view_as::<libc::sockaddr_ll>() };
    ll.sll_family = libc::AF_PACKET as u16;
    ll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
    ll.sll_ifindex = i32::try_from(index).unwrap_or_default();
    let len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: the storage holds an initialised sockaddr_ll of that length.
    let address = unsafe { socket2::SockAddr::new(storage, len) };
    let sock = socket2::SockRef::from(&socket);
    sock.bind(&address).map_err(|source| VnetError::Kernel {
        what: "bind packet socket",
        source,
    })?;
    // Large: a transfer's frames queue here until the experiment reads them.
    // The lab holds CAP_NET_ADMIN over its own namespaces, so it may go past
    // `net.core.rmem_max` (SO_RCVBUFFORCE); else as large as the system allows.
    if socket::setsockopt(&socket, sockopt::RcvBufForce, &(16 << 20)).is_err() {
        let _ = sock.set_recv_buffer_size(4 << 20);
    }
    Ok(socket)
}

fn drain_tap(tap: &Tap) -> Vec<Frame> {
    let mut frames = Vec::new();
    let mut buf = vec![0u8; MAX_FRAME];
    while frames.len() < MAX_FRAMES {
        let mut cmsg = nix::cmsg_space!(nix::sys::time::TimeSpec);
        let (bytes, outgoing, ts_ns) = {
            let mut iov = [IoSliceMut::new(&mut buf)];
            let Ok(msg) = socket::recvmsg::<LinkAddr>(
                tap.socket.as_raw_fd(),
                &mut iov,
                Some(&mut cmsg),
                MsgFlags::MSG_DONTWAIT,
            ) else {
                break;
            };
            let outgoing = msg.address.is_some_and(|a| a.pkttype() == PACKET_OUTGOING);
            let mut ts_ns = 0;
            if let Ok(cmsgs) = msg.cmsgs() {
                for c in cmsgs {
                    if let ControlMessageOwned::ScmTimestampns(ts) = c {
                        let secs = u64::try_from(ts.tv_sec()).unwrap_or_default();
                        let nanos = u64::try_from(ts.tv_nsec()).unwrap_or_default();
                        ts_ns = secs * 1_000_000_000 + nanos;
                    }
                }
            }
            (msg.bytes, outgoing, ts_ns)
        };
        frames.push(Frame {
            point: tap.point.clone(),
            ts_ns,
            outgoing,
            data: buf.get(..bytes).unwrap_or_default().to_vec(),
        });
    }
    frames
}
