//! `tcp-loss --loss PCT --seed S`: the cable between R and C becomes an
//! impaired link — a middle namespace W holds its two veth ends and nettutor
//! relays the frames (`crate::vnet::relay`), dropping PCT % of the IPv4 frames
//! from R to C by the seeded plan, 5 ms each way. First UDP: 1,000 numbered
//! datagrams from A to C, and which ones C never got. Then TCP (CUBIC): A sends
//! C a 128 KiB file; C must get every byte, in order. The capture on A's side
//! holds every transmission, the dropped ones included; the retransmissions
//! are classified from it (`crate::net::impaired::retrans`), and the sender's
//! `TCP_INFO` is sampled while the transfer runs (cwnd, ssthresh, RTT,
//! retransmissions). With `--recovery classic` A's namespace recovers by the
//! textbook's rules ([`CLASSIC_SYSCTLS`]); what the link dropped of A's
//! frames is read from the capture, by kind ([`lost_from_a`]).

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsFd as _;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::probe::Pinger;
use super::{Experiment, Observed, Params};
use crate::net::impaired::{Chance, Impairment, Plan, Segment, classify};
use crate::vnet::VnetError;
use crate::vnet::capture::Frame;
use crate::vnet::capture::Taps;
use crate::vnet::frames::{Seen, Upper, dissect, dissect_all, transmission};
use crate::vnet::network::Network;
use crate::vnet::ns::{read_sysctl, write_sysctl};
use crate::vnet::proto::Recovery;
use crate::vnet::relay::Relay;
use crate::vnet::tcpinfo::{Sample, Sampler};
use crate::vnet::topology::{A_IP, C_IP, LinkSpec, Spec, end};

pub const TCP_LOSS: Experiment = Experiment {
    name: "tcp-loss",
    spec: impaired,
    run: tcp_loss,
    takes_loss: true,
};

/// Without `--loss`: 5 %.
pub const DEFAULT_LOSS: f64 = 5.0;
/// Without `--seed`.
pub const DEFAULT_SEED: u64 = 1;
/// TCP's flags FIN, SYN and RST (RFC 9293 section 3.1).
const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
/// One-way delay of the impaired link, each direction (RTT about 10 ms).
const DELAY: Duration = Duration::from_millis(5);
/// The TCP transfer: large enough for slow start to double cwnd a few times,
/// small enough that 20 % loss still ends in seconds.
pub const TRANSFER: usize = 128 * 1024;
pub const DATAGRAMS: u32 = 1000;
const DATAGRAM_LEN: usize = 200;
/// Linux's shortest retransmission timeout (`TCP_RTO_MIN`).
const MIN_RTO_NS: u64 = 200_000_000;
/// The congestion control the lessons teach (Linux's default; this lab may
/// choose it: it holds CAP_NET_ADMIN over its own namespaces).
const CONGESTION: &str = "cubic";
/// Longest any step may take (a lost SYN alone costs 1 s, then 2 s, …).
const IO_WAIT: Duration = Duration::from_secs(30);
/// With nothing in flight, a UDP datagram crosses in 5 ms: after this long
/// without one, none is coming.
const UDP_QUIET: Duration = Duration::from_millis(300);
/// Pings before the experiment: the chance that 30 are all lost at 20 % is nil.
const WARM_UP_TRIES: u16 = 30;
const WARM_UP_WAIT: Duration = Duration::from_millis(100);

/// The standard lab with the cable R–C cut and W, the wire, in between.
pub fn impaired() -> Spec {
    let mut spec = Spec::standard();
    spec.links.retain(|l| l.a != end("R", "eth1"));
    spec.links.push(LinkSpec {
        a: end("W", "r"),
        b: end("R", "eth1"),
    });
    spec.links.push(LinkSpec {
        a: end("W", "c"),
        b: end("C", "eth0"),
    });
    spec.hosts.push("W");
    // No address, no IPv6, no traffic of its own: W is only the wire.
    spec.switches.push("W");
    spec
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

/// The link's plans: `loss` from R to C (the data's direction) and none back.
pub fn plans(loss: Chance, seed: u64) -> (Plan, Plan) {
    let forward = Impairment {
        loss,
        delay: DELAY,
        ..Impairment::default()
    };
    let backward = Impairment {
        delay: DELAY,
        ..Impairment::default()
    };
    (Plan::new(seed, forward), Plan::new(seed, backward))
}

fn tcp_loss(net: &mut Network, params: &Params) -> Result<Observed, VnetError> {
    let loss = match params.loss {
        Some(loss) => loss,
        None => Chance::percent(DEFAULT_LOSS).map_err(|e| VnetError::Experiment(e.to_string()))?,
    };
    let seed = params.seed.unwrap_or(DEFAULT_SEED);
    let (forward, backward) = plans(loss, seed);
    let recovery = set_recovery(net, params.recovery.unwrap_or_default())?;
    let mut taps = Taps::open(net, &[end("A", "eth0"), end("C", "eth0")])?;
    let link = Relay::start(net, end("W", "r"), end("W", "c"), forward, backward)?;
    warm_up(net)?;
    let udp = udp_run(net, &mut taps)?;
    let tcp = tcp_run(net, &mut taps)?;
    let link = link.finish();
    let frames = taps.finish();
    let seen = dissect_all(&frames);

    let segments = connection(&seen, "A:eth0", A_IP, tcp.ports);
    let analysis = classify(&segments, MIN_RTO_NS);
    let lost = lost_from_a(&frames, tcp.ports);
    let retransmissions: Vec<Value> = analysis
        .retransmissions
        .iter()
        .map(|r| {
            json!({
                "t_ms": ms_since(r.ts_ns, tcp.start_ns),
                "seq": r.seq,
                "len": r.len,
                "kind": r.kind,
                "dup_acks": r.dup_acks,
                "silence_ms": r.silence_us as f64 / 1000.0,
            })
        })
        .collect();
    let episodes: Vec<Value> = analysis
        .episodes
        .iter()
        .map(|e| json!({ "kind": e.kind, "t_ms": ms_since(e.start_ns, tcp.start_ns), "retransmissions": e.retransmissions }))
        .collect();
    let last = tcp.samples.last();
    let cwnds: Vec<u32> = tcp.samples.iter().map(|s| s.cwnd).collect();
    let lost_datagrams: Vec<u32> = (0..DATAGRAMS)
        .filter(|n| !udp.received.contains(n))
        .collect();
    let report = json!({
        "link": {
            "between": ["R:eth1", "C:eth0"],
            "relay": ["W:r", "W:c"],
            "direction": "R → C",
            "loss_pct": loss.as_percent(),
            "seed": seed,
            "delay_ms_each_way": DELAY.as_secs_f64() * 1000.0,
            "forward": link.forward,
            "backward": link.backward,
        },
        "udp": {
            "sent": DATAGRAMS,
            "received": udp.received.len(),
            "lost": lost_datagrams.len(),
            "lost_pct": f64::from(u32::try_from(lost_datagrams.len()).unwrap_or(u32::MAX)) * 100.0 / f64::from(DATAGRAMS),
            "lost_datagrams": lost_datagrams,
            "dropped_by_link": link.forward.udp.dropped,
        },
        "tcp": {
            "congestion_control": tcp.congestion,
            "recovery": recovery,
            "bytes_sent": TRANSFER,
            "bytes_delivered": tcp.delivered,
            "in_order": tcp.intact,
            "transfer_ms": tcp.transfer.as_secs_f64() * 1000.0,
            "data_segments_sent": lost.data_sent,
            "data_segments_at_c": lost.data_at_c,
            "dropped": lost.dropped,
            "dropped_by_link": link.forward.tcp.dropped,
            "retransmissions": {
                "total": analysis.retransmissions.len(),
                "timeout": analysis.timeouts,
                "fast": analysis.fast,
                "early": analysis.early,
                "list": retransmissions,
            },
            "recovery_episodes": episodes,
            "duplicate_acks": analysis.duplicate_acks,
            "tcp_info": {
                "total_retrans": last.map(|s| s.retrans),
                "rtt_ms": last.map(|s| f64::from(s.rtt_us) / 1000.0),
                "min_rto_ms": MIN_RTO_NS / 1_000_000,
            },
            "cwnd_first": cwnds.first(),
            "cwnd_max": cwnds.iter().max(),
            "ssthresh_last": last.and_then(|s| s.ssthresh),
            "cwnd_samples": tcp.samples,
        },
    });
    Ok((report, frames))
}

fn ms_since(ts_ns: u64, start_ns: u64) -> f64 {
    (ts_ns.saturating_sub(start_ns) as f64 / 100_000.0).round() / 10.0
}

/// The TCP segments of the connection between `sender` and its peer on
/// `ports` (sender's, peer's), as the point saw them.
pub fn connection(seen: &[Seen], point: &str, sender: Ipv4Addr, ports: (u16, u16)) -> Vec<Segment> {
    seen.iter()
        .filter(|s| s.point == point)
        .filter_map(|s| {
            let ip = s.ip.as_ref()?;
            let Some(Upper::Tcp {
                src,
                dst,
                flags,
                payload,
                seq,
                ack,
                window,
                sack,
                ..
            }) = s.upper
            else {
                return None;
            };
            let from_sender = ip.src == sender && (src, dst) == ports;
            let to_sender = ip.dst == sender && (dst, src) == ports;
            (from_sender || to_sender).then_some(Segment {
                ts_ns: s.ts_ns,
                from_sender,
                seq,
                ack,
                flags,
                len: u32::try_from(payload).unwrap_or(u32::MAX),
                window,
                sack,
            })
        })
        .collect()
}

/// The sysctls of [`Recovery::Classic`], each with the value it sets, all
/// in A's namespace only (the receiver keeps the kernel's defaults).
pub const CLASSIC_SYSCTLS: [(&str, &str); 3] = [
    // RACK loss detection off (RFC 8985), where the kernel still lets it be.
    ("net.ipv4.tcp_recovery", "0"),
    // No tail-loss probe (nor RFC 5827's early retransmit).
    ("net.ipv4.tcp_early_retrans", "0"),
    // No SACK in A's SYN, so none on the connection: Linux then recovers as
    // NewReno (RFC 6582) — a segment is lost after three duplicate ACKs
    // (RFC 5681's dupthresh), a lost tail waits for the RTO; RACK and the
    // tail-loss probe both need SACK. Measured on Linux 6.18: with the two
    // sysctls above alone, resends still came on RACK's reordering timer
    // (about one RTT after the last ACK, after a single duplicate).
    ("net.ipv4.tcp_sack", "0"),
];

/// Sets `mode` in A's namespace (these sysctls are per network namespace,
/// and `/proc/sys/net` shows the namespace of the thread that opens it) and
/// reads both values back there, and at C (untouched: the receiver keeps
/// the kernel's defaults).
fn set_recovery(net: &Network, mode: Recovery) -> Result<Value, VnetError> {
    let read = |host: &str| -> Result<Value, VnetError> {
        net.enter(host)?;
        let get = |name: &str| read_sysctl(name).map_err(io("sysctl"));
        Ok(json!({
            "tcp_recovery": get("net.ipv4.tcp_recovery")?,
            "tcp_early_retrans": get("net.ipv4.tcp_early_retrans")?,
            "tcp_sack": get("net.ipv4.tcp_sack")?,
        }))
    };
    net.enter("A")?;
    if mode == Recovery::Classic {
        for (name, value) in CLASSIC_SYSCTLS {
            write_sysctl(name, value).map_err(io("sysctl"))?;
        }
    }
    let at_c = read("C")?;
    let at_a = read("A")?;
    Ok(json!({
        "mode": mode,
        "tcp_recovery": at_a["tcp_recovery"],
        "tcp_early_retrans": at_a["tcp_early_retrans"],
        "tcp_sack": at_a["tcp_sack"],
        "at_c": at_c,
    }))
}

/// A's frames of the connection the link dropped, by what they carried.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Dropped {
    /// Segments with a payload (resent until acknowledged).
    pub data: u64,
    /// ACKs with no payload and no SYN, FIN or RST: never resent (the next
    /// ACK acknowledges the same bytes and more).
    pub bare_acks: u64,
    /// SYN, FIN or RST with no payload (SYN and FIN are resent; RST is not).
    pub syn_fin_rst: u64,
}

/// What A sent of the connection and what of it never arrived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LostFromA {
    /// A's data segments captured at `A:eth0`, resends included.
    pub data_sent: u64,
    /// Those captured arriving at `C:eth0` (counted there).
    pub data_at_c: u64,
    pub dropped: Dropped,
}

/// From the capture alone: each frame of the connection A sent (captured
/// outgoing at `A:eth0`, from A's address and `ports`) that `C:eth0` never
/// received — one transmission matched to one arrival, by its IP
/// identification and body ([`transmission`]).
pub fn lost_from_a(frames: &[Frame], ports: (u16, u16)) -> LostFromA {
    // The connection's frames from A captured at `point`, each with its
    // TCP flags and payload length.
    let from_a = |point: &'static str, outgoing: bool| {
        frames
            .iter()
            .filter(move |f| f.point == point && f.outgoing == outgoing)
            .filter_map(move |f| {
                let seen = dissect(f)?;
                let Some(Upper::Tcp {
                    src,
                    dst,
                    flags,
                    payload,
                    ..
                }) = seen.upper
                else {
                    return None;
                };
                (seen.ip.as_ref().is_some_and(|ip| ip.src == A_IP) && (src, dst) == ports)
                    .then_some((f, flags, payload))
            })
    };
    let mut out = LostFromA::default();
    let mut at_c: HashMap<(u16, Vec<u8>), u32> = HashMap::new();
    for (f, _, payload) in from_a("C:eth0", false) {
        out.data_at_c += u64::from(payload > 0);
        if let Some(key) = transmission(f) {
            *at_c.entry(key).or_default() += 1;
        }
    }
    for (f, flags, payload) in from_a("A:eth0", true) {
        out.data_sent += u64::from(payload > 0);
        let arrived = transmission(f)
            .and_then(|key| at_c.get_mut(&key))
            .is_some_and(|n| {
                let had = *n > 0;
                *n = n.saturating_sub(1);
                had
            });
        if arrived {
            continue;
        }
        let d = &mut out.dropped;
        if payload > 0 {
            d.data += 1;
        } else if flags & (FIN | SYN | RST) != 0 {
            d.syn_fin_rst += 1;
        } else {
            d.bare_acks += 1;
        }
    }
    out
}

/// A pings C until an answer comes back (the link may drop the requests):
/// A learns R's MAC and R learns C's, so no datagram of the experiment waits
/// in a neighbour queue (which holds only so many) while ARP resolves.
fn warm_up(net: &Network) -> Result<(), VnetError> {
    let pinger = Pinger::open(net, "A")?;
    for seq in 1..=WARM_UP_TRIES {
        pinger.send_echo(C_IP, 64, seq)?;
        let answered = pinger.wait_within(WARM_UP_WAIT, |icmp, _| {
            icmp.first() == Some(&0) && icmp.get(6..8) == Some(&seq.to_be_bytes()[..])
        });
        if answered.is_ok() {
            return Ok(());
        }
    }
    Err(VnetError::Experiment("C never answered a ping".into()))
}

struct UdpRun {
    received: std::collections::BTreeSet<u32>,
}

/// 1,000 numbered datagrams from A to C; which arrived. One thread sends
/// and reads in turns (20 sent, then what C has, then a millisecond's pause),
/// so if it is held up, sending stops too: only 5 ms of datagrams are ever
/// on their way, and no receive buffer can overflow — the plan alone drops.
fn udp_run(net: &Network, taps: &mut Taps) -> Result<UdpRun, VnetError> {
    net.enter("C")?;
    let receiver = UdpSocket::bind(SocketAddr::new(IpAddr::V4(C_IP), 0)).map_err(io("UDP"))?;
    let to = receiver.local_addr().map_err(io("UDP"))?;
    // Room for every datagram at once. With the default buffer (about 200
    // of these datagrams) a loaded machine lost more than the plan dropped:
    // when this thread was off the CPU for a while, the relay's delayed
    // frames arrived in a burst and C's own kernel discarded the overflow
    // (UDP's RcvbufErrors) — a loss the link never made. The lab holds
    // CAP_NET_ADMIN over its namespaces, so it may go past `rmem_max`.
    if nix::sys::socket::setsockopt(
        &receiver,
        nix::sys::socket::sockopt::RcvBufForce,
        &(8 << 20),
    )
    .is_err()
    {
        let _ = socket2::SockRef::from(&receiver).set_recv_buffer_size(8 << 20);
    }
    net.enter("A")?;
    let sender = UdpSocket::bind(SocketAddr::new(IpAddr::V4(A_IP), 0)).map_err(io("UDP"))?;
    let mut received = std::collections::BTreeSet::new();
    let mut buf = [0u8; 2048];
    let mut take = |receiver: &UdpSocket| {
        while let Ok(len) = receiver.recv(&mut buf) {
            if len == DATAGRAM_LEN
                && let Some(&[a, b, c, d]) = buf.get(..4)
            {
                received.insert(u32::from_be_bytes([a, b, c, d]));
            }
        }
    };
    receiver.set_nonblocking(true).map_err(io("UDP"))?;
    let mut datagram = vec![0u8; DATAGRAM_LEN];
    for n in 0..DATAGRAMS {
        if let Some(head) = datagram.get_mut(..4) {
            head.copy_from_slice(&n.to_be_bytes());
        }
        sender.send_to(&datagram, to).map_err(io("UDP send"))?;
        if n % 20 == 19 {
            take(&receiver);
            taps.poll();
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    // Then until the link has been quiet for a while (a datagram is 5 ms away).
    receiver.set_nonblocking(false).map_err(io("UDP"))?;
    receiver
        .set_read_timeout(Some(UDP_QUIET))
        .map_err(io("UDP"))?;
    take(&receiver);
    Ok(UdpRun { received })
}

struct TcpRun {
    ports: (u16, u16),
    delivered: usize,
    intact: bool,
    transfer: Duration,
    congestion: String,
    samples: Vec<Sample>,
    /// The connect's start on the capture's clock (ns since the Unix epoch).
    start_ns: u64,
}

/// Waits (at most `limit`) until everything `socket` sent, its FIN
/// included, has been acknowledged.
fn wait_all_acked(socket: &TcpStream, limit: Duration) {
    let settle = Instant::now() + limit;
    while crate::vnet::tcpinfo::read(socket.as_fd()).is_ok_and(|i| i.tcpi_unacked > 0)
        && Instant::now() < settle
    {
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// A's 128 KiB to C over the lossy link; C reads it all.
fn tcp_run(net: &Network, taps: &mut Taps) -> Result<TcpRun, VnetError> {
    net.enter("C")?;
    let listener = TcpListener::bind(SocketAddr::new(IpAddr::V4(C_IP), 0)).map_err(io("TCP"))?;
    socket2::SockRef::from(&listener)
        .set_read_timeout(Some(IO_WAIT))
        .map_err(io("TCP"))?;
    let server = listener.local_addr().map_err(io("TCP"))?;
    let (done_tx, done_rx) = mpsc::channel();
    let receiver = std::thread::Builder::new()
        .name("vnet-tcp-receiver".into())
        .spawn(move || {
            let result = listener.accept().and_then(|(mut conn, _)| {
                conn.set_read_timeout(Some(IO_WAIT))?;
                let mut got = Vec::with_capacity(TRANSFER);
                conn.read_to_end(&mut got)?;
                let ended = Instant::now();
                // C's FIN, then until A's ACK of it has arrived: the last
                // frame of the connection is then in C's capture (a capture
                // point queues a frame before the stack takes it). Without
                // this wait the run could end, and the relay stop, while
                // that ACK was still on the wire — a segment of A's the view
                // marked lost though the link never dropped it.
                conn.shutdown(Shutdown::Write)?;
                wait_all_acked(&conn, Duration::from_secs(2));
                Ok((got, ended))
            });
            let _ = done_tx.send(result);
        })
        .map_err(io("receiver thread"))?;

    net.enter("A")?;
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
        .map_err(io("TCP"))?;
    let _ = nix::sys::socket::setsockopt(
        &socket,
        nix::sys::socket::sockopt::TcpCongestion,
        &std::ffi::OsString::from(CONGESTION),
    );
    let congestion =
        nix::sys::socket::getsockopt(&socket, nix::sys::socket::sockopt::TcpCongestion)
            .map(|s| s.to_string_lossy().trim_end_matches('\0').to_string())
            .unwrap_or_default();
    let start_ns = now_ns();
    let started = Instant::now();
    socket
        .connect_timeout(&server.into(), IO_WAIT)
        .map_err(io("TCP connect"))?;
    let mut client: TcpStream = socket.into();
    client.set_write_timeout(Some(IO_WAIT)).map_err(io("TCP"))?;
    let watched = client.as_fd().try_clone_to_owned().map_err(io("dup"))?;
    let sampler = Sampler::start(
        watched,
        started,
        Duration::from_millis(1),
        net.samples_to.clone(),
    )
    .map_err(io("sampler"))?;
    let ports = (
        client.local_addr().map_err(io("TCP"))?.port(),
        server.port(),
    );
    let payload: Vec<u8> = (0..TRANSFER).map(|i| (i % 251) as u8).collect();
    client.write_all(&payload).map_err(io("TCP send"))?;
    client.shutdown(Shutdown::Write).map_err(io("TCP"))?;
    let deadline = Instant::now() + IO_WAIT;
    let received = loop {
        taps.poll();
        match done_rx.recv_timeout(Duration::from_millis(5)) {
            Ok(result) => break result.map_err(io("TCP receive"))?,
            Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
            Err(_) => return Err(VnetError::Experiment("the TCP transfer did not end".into())),
        }
    };
    let _ = receiver.join();
    let (got, ended) = received;
    // A's FIN acknowledged (C's FIN came after it): the kernel's view is final.
    wait_all_acked(&client, Duration::from_secs(2));
    let samples = sampler.finish();
    drop(client);
    Ok(TcpRun {
        ports,
        delivered: got.len(),
        intact: got == payload,
        transfer: ended.duration_since(started),
        congestion,
        samples,
        start_ns,
    })
}
