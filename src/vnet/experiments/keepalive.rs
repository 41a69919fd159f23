//! `keepalive-vanished`: A holds an idle TCP connection to B with keepalive on
//! short intervals; then B vanishes — the switch's port to B goes down, B's
//! socket stays open and sends nothing (no FIN, no RST). A's keepalive probes
//! go unanswered, and after the last one A's kernel gives up: the blocked
//! recv() fails with ETIMEDOUT (Python: TimeoutError), and A sends a RST into
//! the void. On loopback this cannot be shown — the peer's kernel answers every
//! probe — so the errors lab runs it here. Everything is read from A's capture
//! and A's socket.

use std::io::{ErrorKind, Read as _};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;
use socket2::{SockRef, TcpKeepalive};

use super::{Experiment, Observed, Params};
use crate::lab::errors::classify;
use crate::vnet::VnetError;
use crate::vnet::capture::Taps;
use crate::vnet::frames::{Upper, dissect_all};
use crate::vnet::network::Network;
use crate::vnet::topology::{A_IP, B_IP, Spec, end};

pub const KEEPALIVE_VANISHED: Experiment = Experiment {
    name: "keepalive-vanished",
    spec: Spec::standard,
    run: keepalive_vanished,
    takes_loss: false,
};

/// TCP_KEEPIDLE: idle time before the first probe.
pub const IDLE: Duration = Duration::from_secs(1);
/// TCP_KEEPINTVL: time between probes.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// TCP_KEEPCNT: unanswered probes before the kernel gives up.
pub const PROBES: u32 = 3;
/// The bound on A's recv(): well past IDLE + PROBES × INTERVAL.
const RECV_BOUND: Duration = Duration::from_secs(10);

fn io(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

fn keepalive_vanished(net: &mut Network, _: &Params) -> Result<Observed, VnetError> {
    let mut taps = Taps::open(net, &[end("A", "eth0")])?;
    net.enter("B")?;
    let listener =
        TcpListener::bind(SocketAddr::new(IpAddr::V4(B_IP), 0)).map_err(io("TCP listen"))?;
    let server = listener.local_addr().map_err(io("listener address"))?;

    net.enter("A")?;
    let mut client =
        TcpStream::connect_timeout(&server, Duration::from_secs(5)).map_err(io("TCP connect"))?;
    let client_port = client.local_addr().map_err(io("client address"))?.port();
    let keepalive = TcpKeepalive::new()
        .with_time(IDLE)
        .with_interval(INTERVAL)
        .with_retries(PROBES);
    SockRef::from(&client)
        .set_tcp_keepalive(&keepalive)
        .map_err(io("TCP keepalive"))?;
    client
        .set_read_timeout(Some(RECV_BOUND))
        .map_err(io("SO_RCVTIMEO"))?;
    // The kernel completed the handshake; B's socket stays open (and silent)
    // until the end: B never closes, it just disappears from the wire.
    let (peer, _) = listener.accept().map_err(io("TCP accept"))?;

    // Cut B off: the switch's port to B goes down.
    net.set_down(end("S", "b"))?;
    let cut = Instant::now();
    let cut_ns = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));

    let mut buf = [0u8; 16];
    let result = loop {
        match client.read(&mut buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            other => break other,
        }
    };
    let waited = cut.elapsed();
    // A's RST after the last probe leaves at once; give the tap a moment.
    taps.wait_for(|_| false, Duration::from_millis(100));
    drop((client, peer, listener));
    let frames = taps.finish();

    // The errno names and exceptions are the errors lab's, one table.
    let (errno, python, message) = match &result {
        Err(e) => {
            let (errno, python) = classify(e);
            (errno.or(Some("other")), python, Some(e.to_string()))
        }
        Ok(_) => (None, None, None),
    };
    // The connection's segments at A after the cut: probes out, answers in.
    let mut probes = Vec::new();
    let mut answers = 0;
    let mut rst_from_a = false;
    for s in dissect_all(&frames) {
        let (
            Some(ip),
            Some(Upper::Tcp {
                src,
                dst,
                flags,
                payload,
                ..
            }),
        ) = (&s.ip, &s.upper)
        else {
            continue;
        };
        let ours = (ip.src == A_IP && *src == client_port && *dst == server.port())
            || (ip.src == B_IP && *src == server.port() && *dst == client_port);
        if !ours || s.ts_ns < cut_ns {
            continue;
        }
        if ip.src == A_IP && s.outgoing {
            if flags & 0x04 != 0 {
                rst_from_a = true;
            } else if *payload <= 1 && *flags == 0x10 {
                probes.push((s.ts_ns.saturating_sub(cut_ns) as f64 / 1e6 * 10.0).round() / 10.0);
            }
        } else if !s.outgoing {
            answers += 1;
        }
    }
    let report = json!({
        "idle_s": IDLE.as_secs(),
        "interval_s": INTERVAL.as_secs(),
        "probes_allowed": PROBES,
        "errno": errno,
        "python": python,
        "message": message,
        "error_after_ms": (waited.as_secs_f64() * 10_000.0).round() / 10.0,
        "probes_sent": probes.len(),
        "probe_times_ms": probes,
        "segments_from_b_after_cut": answers,
        "rst_from_a": rst_from_a,
    });
    Ok((report, frames))
}
