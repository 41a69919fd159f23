//! Capturing inside the lab: one AF_PACKET socket (ETH_P_ALL) per capture
//! point, opened in the point's namespace and bound to its interface, so it
//! sees the frames the interface sends and receives. Each frame carries the
//! kernel's receive timestamp (`SO_TIMESTAMPNS`), so frames from several
//! points merge in the order they crossed the wires. The sockets queue frames
//! while an experiment runs; [`Taps::poll`] reads them without blocking, and
//! [`Taps::finish`] returns them all, oldest first. The bytes are the
//! wire's, as the kernel sent them (transmit checksum offload is off,
//! [`super::offload`], so every checksum is filled in; a TCP checksum that
//! computes to zero the kernel writes as 0xffff, one's complement's −0, and
//! the inspector says so: `crate::net::frame::ChecksumStatus::NegativeZero`).
//!
//! On a network with a [`FrameSink`] (the lab process's: see
//! [`super::proto::Reply::Frames`]) a thread streams the frames as they are
//! captured: it blocks in `poll` on the points and a control pipe — idle, it
//! costs nothing — reads what they queued, hands the new frames to the sink,
//! then lets [`COALESCE`] pass before it looks again, so a transfer's
//! thousands of frames make tens of batches, not thousands. Every frame
//! reaches the sink once, before [`Taps::finish`] returns, in the order the
//! taps collected them: sorted by timestamp, the batches together are the
//! list `finish` returns.
//!
//! A packet socket whose queue is full drops the frame and counts it
//! (`PACKET_STATISTICS`): [`Taps::finish`] adds each point's count to
//! [`Network::capture_dropped`], so a report can say that its capture holds
//! every frame the points saw, from the kernel's own count.

use std::io::IoSliceMut;
use std::os::fd::{AsFd as _, AsRawFd as _, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::fcntl::OFlag;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

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
/// At most this many frames are read from a point at a time.
const MAX_FRAMES: usize = 4096;
/// After handing a batch to the sink, the streaming thread waits this long
/// before it reads again (frames queue in the meantime).
pub const COALESCE: Duration = Duration::from_millis(20);

/// Where streamed frames go, a batch at a time (see [`Taps`]).
pub type FrameSink = Arc<dyn Fn(Vec<Frame>) + Send + Sync>;

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
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            text.push(char::from(DIGITS[usize::from(b >> 4)]));
            text.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
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

/// What the points have captured so far.
#[derive(Default)]
struct Collected {
    /// In the order they were read (point by point, read by read).
    frames: Vec<Frame>,
    /// How many of them have gone to the sink.
    streamed: usize,
}

type Shared = Arc<Mutex<Collected>>;

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Collected> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The capture points of one experiment.
#[derive(Default)]
pub struct Taps {
    taps: Arc<Vec<Tap>>,
    collected: Shared,
    sink: Option<FrameSink>,
    streamer: Option<Streamer>,
    /// Where the points' kernel-counted drops are added (the network's).
    dropped: Arc<AtomicU64>,
}

/// The thread streaming frames to the sink, and its control pipe (a byte:
/// "frames were read, look"; closed: stop).
struct Streamer {
    control: Option<OwnedFd>,
    thread: Option<JoinHandle<()>>,
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
    /// Starts capturing on every interface of `points`; on a network with a
    /// [`Network::frames_to`], streaming too.
    pub fn open(net: &Network, points: &[End]) -> Result<Taps, VnetError> {
        let mut taps = Vec::with_capacity(points.len());
        for &at in points {
            taps.push(open_tap(net, at)?);
        }
        let mut taps = Taps {
            taps: Arc::new(taps),
            collected: Shared::default(),
            sink: net.frames_to.clone(),
            streamer: None,
            dropped: Arc::clone(&net.capture_dropped),
        };
        if let Some(sink) = &taps.sink {
            taps.streamer = Some(Streamer::start(
                Arc::clone(&taps.taps),
                Arc::clone(&taps.collected),
                Arc::clone(sink),
            )?);
        }
        Ok(taps)
    }

    /// Reads what the points have queued (never blocks).
    pub fn poll(&mut self) {
        if collect(&self.taps, &self.collected) > 0
            && let Some(streamer) = &self.streamer
        {
            streamer.nudge();
        }
    }

    /// Waits until a frame matching `pick` has been captured, at most
    /// `timeout`; whether it was.
    pub fn wait_for(&mut self, pick: impl Fn(&Frame) -> bool, timeout: Duration) -> bool {
        self.wait_for_count(pick, 1, timeout)
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
            if lock(&self.collected)
                .frames
                .iter()
                .filter(|f| pick(f))
                .count()
                >= n
            {
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
        lock(&self.collected)
            .frames
            .iter()
            .filter(|f| pick(f))
            .map(|f| f.ts_ns)
            .min()
    }

    /// Every frame captured at every point, oldest first; the ones not
    /// streamed yet go to the sink before this returns. What the points'
    /// queues dropped is added to [`Network::capture_dropped`].
    pub fn finish(mut self) -> Vec<Frame> {
        self.stop_streaming();
        collect(&self.taps, &self.collected);
        let dropped: u64 = self.taps.iter().map(|t| kernel_drops(&t.socket)).sum();
        self.dropped.fetch_add(dropped, Ordering::Relaxed);
        if let Some(sink) = &self.sink {
            let new = unstreamed(&self.collected);
            if !new.is_empty() {
                sink(new);
            }
        }
        let mut frames = std::mem::take(&mut lock(&self.collected).frames);
        frames.sort_by_key(|f| f.ts_ns);
        frames
    }

    fn stop_streaming(&mut self) {
        if let Some(mut streamer) = self.streamer.take() {
            streamer.stop();
        }
    }
}

impl Drop for Taps {
    /// Closing a packet socket waits for an RCU grace period (15–25 ms here):
    /// the sockets are closed in parallel, one thread each, so the waits overlap.
    fn drop(&mut self) {
        self.stop_streaming();
        let Ok(taps) = Arc::try_unwrap(std::mem::take(&mut self.taps)) else {
            return;
        };
        std::thread::scope(|scope| {
            for tap in taps {
                scope.spawn(move || drop(tap));
            }
        });
    }
}

/// Reads every point's queue into `collected`; how many frames it read.
fn collect(taps: &[Tap], collected: &Shared) -> usize {
    let mut c = lock(collected);
    let before = c.frames.len();
    for tap in taps {
        drain_tap(tap, &mut c.frames);
    }
    c.frames.len() - before
}

/// The frames collected since the last call, marked streamed.
fn unstreamed(collected: &Shared) -> Vec<Frame> {
    let mut c = lock(collected);
    let new = c.frames.get(c.streamed..).unwrap_or_default().to_vec();
    c.streamed = c.frames.len();
    new
}

impl Streamer {
    fn start(
        taps: Arc<Vec<Tap>>,
        collected: Shared,
        sink: FrameSink,
    ) -> Result<Streamer, VnetError> {
        let (control_rx, control_tx) =
            nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK).map_err(kernel("pipe"))?;
        let thread = std::thread::Builder::new()
            .name("vnet-frames".into())
            .spawn(move || stream(&taps, &collected, &control_rx, &*sink))
            .map_err(|source| VnetError::Kernel {
                what: "frame streaming thread",
                source,
            })?;
        Ok(Streamer {
            control: Some(control_tx),
            thread: Some(thread),
        })
    }

    /// Frames were read by the experiment: the thread is to look (a full
    /// pipe means it has been told already).
    fn nudge(&self) {
        if let Some(control) = &self.control {
            let _ = nix::unistd::write(control, b"n");
        }
    }

    /// Closes the control pipe and waits for the thread.
    fn stop(&mut self) {
        self.control = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Streamer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The streaming thread: hands what was collected to the sink, waits
/// [`COALESCE`], again; with nothing new, blocks (no timeout) until a point
/// has a frame or the control pipe speaks. Ends when the pipe closes.
fn stream(
    taps: &[Tap],
    collected: &Shared,
    control: &OwnedFd,
    sink: &(dyn Fn(Vec<Frame>) + Send + Sync),
) {
    loop {
        collect(taps, collected);
        let new = unstreamed(collected);
        let open = if new.is_empty() {
            wait(taps, control, PollTimeout::NONE)
        } else {
            sink(new);
            let until = Instant::now() + COALESCE;
            loop {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break true;
                }
                let ms = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
                if !wait(&[], control, PollTimeout::from(ms)) {
                    break false;
                }
            }
        };
        if !open {
            return;
        }
    }
}

/// Waits until one of `taps` has a frame, the control pipe speaks or
/// `timeout` passes; false once the pipe is closed (or poll fails).
fn wait(taps: &[Tap], control: &OwnedFd, timeout: PollTimeout) -> bool {
    let mut fds: Vec<PollFd> = taps
        .iter()
        .map(|t| PollFd::new(t.socket.as_fd(), PollFlags::POLLIN))
        .collect();
    fds.push(PollFd::new(control.as_fd(), PollFlags::POLLIN));
    match poll(&mut fds, timeout) {
        Ok(_) | Err(nix::errno::Errno::EINTR) => {}
        Err(_) => return false,
    }
    if fds
        .last()
        .and_then(PollFd::revents)
        .is_none_or(|r| r.is_empty())
    {
        return true;
    }
    let mut buf = [0u8; 64];
    loop {
        match nix::unistd::read(control, &mut buf) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(nix::errno::Errno::EAGAIN) => return true,
            Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return false,
        }
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
    bind_all(&socket, index).map_err(|source| VnetError::Kernel {
        what: "bind packet socket",
        source,
    })?;
    let sock = socket2::SockRef::from(&socket);
    // Large: a transfer's frames queue here until the experiment reads them.
    // The lab holds CAP_NET_ADMIN over its own namespaces, so it may go past
    // `net.core.rmem_max` (SO_RCVBUFFORCE); else as large as the system allows.
    if socket::setsockopt(&socket, sockopt::RcvBufForce, &(16 << 20)).is_err() {
        let _ = sock.set_recv_buffer_size(4 << 20);
    }
    Ok(socket)
}

/// How many frames the kernel dropped on `socket` (a packet socket) because
/// its queue was full, since the last call: `PACKET_STATISTICS` resets the
/// count when it is read. 0 if the kernel will not say.
pub fn kernel_drops(socket: &OwnedFd) -> u64 {
    packet_stats(socket).map_or(0, |(_, drops)| drops)
}

/// `PACKET_STATISTICS`: the frames that reached `socket` since the last
/// call, kept or not, and how many of them were dropped.
fn packet_stats(socket: &OwnedFd) -> Option<(u64, u64)> {
    let stats: libc::tpacket_stats =
        crate::sockopt::get(socket.as_fd(), libc::SOL_PACKET, libc::PACKET_STATISTICS).ok()?;
    Some((u64::from(stats.tp_packets), u64::from(stats.tp_drops)))
}

/// Binds a packet socket to every protocol (`ETH_P_ALL`) on interface
/// `index` of the namespace it was opened in.
fn bind_all(socket: &OwnedFd, index: u32) -> std::io::Result<()> {
    let mut storage = socket2::SockAddrStorage::zeroed();
    // SAFETY: sockaddr_ll is one of the platform's sockaddr types and fits the storage.
    let ll = unsafe { storage.view_as::<libc::sockaddr_ll>() };
    ll.sll_family = libc::AF_PACKET as u16;
    ll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
    ll.sll_ifindex = i32::try_from(index).unwrap_or_default();
    let len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: the storage holds an initialised sockaddr_ll of that length.
    let address = unsafe { socket2::SockAddr::new(storage, len) };
    socket2::SockRef::from(socket).bind(&address)
}

/// Reads what `tap` has queued (at most [`MAX_FRAMES`]) onto `frames`.
fn drain_tap(tap: &Tap, frames: &mut Vec<Frame>) {
    let mut buf = vec![0u8; MAX_FRAME];
    for _ in 0..MAX_FRAMES {
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
        let data = buf.get(..bytes).unwrap_or_default().to_vec();
        frames.push(Frame {
            point: tap.point.clone(),
            ts_ns,
            outgoing,
            data,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In a network namespace of its own (root only: the test skips with the
    /// reason otherwise), a packet socket on `lo` with the smallest queue
    /// the kernel allows, and 200 loopback datagrams nobody reads: the kernel
    /// sees each twice on `lo` (sent, received), and every one of those it
    /// did not queue it counts as dropped — read + dropped is all of them,
    /// and reading the count resets it.
    #[test]
    fn the_kernel_counts_what_a_full_capture_queue_dropped() {
        const DATAGRAMS: u64 = 200;
        let result = std::thread::spawn(|| -> Result<(u64, u64, u64, u64), String> {
            super::super::ns::new_netns().map_err(|e| format!("no network namespace: {e}"))?;
            let mut rtnl = super::super::rtnl::Rtnl::open().map_err(|e| e.to_string())?;
            rtnl.change(super::super::network::set_up(1))
                .map_err(|e| e.to_string())?;
            let tap = socket::socket(
                AddressFamily::Packet,
                SockType::Raw,
                SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
                None,
            )
            .map_err(|e| e.to_string())?;
            socket2::SockRef::from(&tap)
                .set_recv_buffer_size(1)
                .map_err(|e| e.to_string())?;
            // `lo` is index 1 in every new namespace.
            bind_all(&tap, 1).map_err(|e| e.to_string())?;
            let rx = std::net::UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            let tx = std::net::UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            let to = rx.local_addr().map_err(|e| e.to_string())?;
            for _ in 0..DATAGRAMS {
                tx.send_to(&[7u8; 1000], to).map_err(|e| e.to_string())?;
            }
            let mut read = 0;
            let mut buf = [0u8; 2048];
            while socket::recv(tap.as_raw_fd(), &mut buf, MsgFlags::MSG_DONTWAIT).is_ok() {
                read += 1;
            }
            let (packets, drops) = packet_stats(&tap).ok_or("no PACKET_STATISTICS")?;
            Ok((read, packets, drops, kernel_drops(&tap)))
        })
        .join()
        .unwrap();
        let (read, packets, drops, again) = match result {
            Ok(counts) => counts,
            Err(reason) if reason.starts_with("no network namespace") => {
                println!("skipped: {reason} (needs root)");
                return;
            }
            Err(reason) => panic!("{reason}"),
        };
        assert_eq!(packets, 2 * DATAGRAMS, "read {read}, dropped {drops}");
        assert!(drops > DATAGRAMS, "only {drops} dropped, {read} read");
        assert_eq!(read + drops, packets);
        assert_eq!(again, 0, "the count resets when read");
    }
}
