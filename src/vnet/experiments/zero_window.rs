//! `zero-window`: C accepts A's connection with a small receive buffer and
//! does not read. A keeps writing: C's advertised window shrinks to zero and
//! A stops sending data; A's persist timer sends zero-window probes (Linux: an
//! empty segment one below the next sequence number, which C must answer with
//! its window), at doubling intervals. After the second probe C reads
//! everything: its window opens, a window update goes out, and the flow
//! resumes until every byte is delivered. All of it read from the capture at A.

use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream};
use std::os::fd::AsFd as _;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Experiment, Observed, Params};
use crate::vnet::VnetError;
use crate::vnet::capture::{Frame, Taps};
use crate::vnet::frames::{Upper, dissect, dissect_all};
use crate::vnet::network::Network;
use crate::vnet::tcpinfo::Sampler;
use crate::vnet::topology::{A_IP, C_IP, Spec, end};

pub const ZERO_WINDOW: Experiment = Experiment {
    name: "zero-window",
    spec: Spec::standard,
    run: zero_window,
    takes_loss: false,
};

/// What A sends: many times what C's buffer holds.
pub const TRANSFER: usize = 256 * 1024;
/// C's receive buffer (the kernel doubles it for its bookkeeping).
const RCVBUF: usize = 16 * 1024;
/// Probes to see before C reads.
pub const PROBES: usize = 2;
const IO_WAIT: Duration = Duration::from_secs(20);

fn io(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}

/// A frame at A from C: a pure ACK advertising a zero window.
fn zero_window_ack(f: &Frame) -> bool {
    f.point == "A:eth0"
        && !f.outgoing
        && dissect(f).is_some_and(
            |s| matches!(s.upper, Some(Upper::Tcp { window: 0, flags, .. }) if flags & 0x10 != 0),
        )
}

/// A frame A sent: an empty ACK-only segment (a probe, or an ordinary ACK).
fn empty_from_a(f: &Frame) -> bool {
    f.point == "A:eth0"
        && f.outgoing
        && dissect(f).is_some_and(|s| {
            matches!(
                s.upper,
                Some(Upper::Tcp {
                    payload: 0,
                    flags: 0x10,
                    ..
                })
            )
        })
}

fn zero_window(net: &mut Network, _: &Params) -> Result<Observed, VnetError> {
    let mut taps = Taps::open(net, &[end("A", "eth0")])?;
    net.enter("C")?;
    let listener = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
        .map_err(io("TCP"))?;
    // Before listen: the accepted socket inherits it, and the window scale
    // offered in the SYN-ACK is chosen from it.
    listener
        .set_recv_buffer_size(RCVBUF)
        .map_err(io("SO_RCVBUF"))?;
    listener
        .bind(&SocketAddr::new(IpAddr::V4(C_IP), 0).into())
        .map_err(io("TCP bind"))?;
    listener.listen(1).map_err(io("TCP listen"))?;
    listener
        .set_read_timeout(Some(IO_WAIT))
        .map_err(io("TCP"))?;
    let server = listener
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .ok_or_else(|| VnetError::Experiment("listener address".into()))?;

    net.enter("A")?;
    let started = Instant::now();
    let mut client =
        TcpStream::connect_timeout(&server, Duration::from_secs(5)).map_err(io("TCP connect"))?;
    client.set_write_timeout(Some(IO_WAIT)).map_err(io("TCP"))?;
    let watched = client.as_fd().try_clone_to_owned().map_err(io("dup"))?;
    let sampler = Sampler::start(
        watched,
        started,
        Duration::from_millis(1),
        net.samples_to.clone(),
    )
    .map_err(io("sampler"))?;
    let (conn, _) = listener.accept().map_err(io("TCP accept"))?;
    let mut conn: TcpStream = conn.into();
    conn.set_read_timeout(Some(IO_WAIT)).map_err(io("TCP"))?;
    let payload: Vec<u8> = (0..TRANSFER).map(|i| (i % 247) as u8).collect();
    let to_send = payload.clone();
    let writer = std::thread::Builder::new()
        .name("vnet-zero-window-writer".into())
        .spawn(move || {
            let sent = client.write_all(&to_send);
            let _ = client.shutdown(Shutdown::Write);
            (sent, client)
        })
        .map_err(io("writer thread"))?;

    // C reads nothing until its window is zero and A has probed twice (after
    // the zero window, A's only empty segments are its probes: C sends no data
    // to acknowledge).
    let probes_seen = taps.wait_for(zero_window_ack, IO_WAIT)
        && taps.first_ts(zero_window_ack).is_some_and(|zero| {
            taps.wait_for_count(|f| empty_from_a(f) && f.ts_ns > zero, PROBES, IO_WAIT)
        })
        // … and C's zero-window answer to the last probe.
        && taps.wait_for_count(zero_window_ack, PROBES + 1, IO_WAIT);
    let read_at = started.elapsed();
    let mut delivered = Vec::with_capacity(TRANSFER);
    let read = conn.read_to_end(&mut delivered);
    let (sent, client) = writer
        .join()
        .map_err(|_| VnetError::Experiment("the writer failed".into()))?;
    sent.map_err(io("TCP send"))?;
    read.map_err(io("TCP receive"))?;
    let samples = sampler.finish();
    drop((client, conn));
    let frames = taps.finish();
    if !probes_seen {
        return Err(VnetError::Experiment(
            "the window never closed, or no zero-window probe came".into(),
        ));
    }
    let start_ns = frames.first().map_or(0, |f| f.ts_ns);
    let mut report = analyse(&frames, start_ns, read_at);
    report["bytes_sent"] = json!(TRANSFER);
    report["bytes_delivered"] = json!(delivered.len());
    report["intact"] = json!(delivered == payload);
    report["receiver_buffer"] = json!(RCVBUF);
    report["tcp_info_probes_max"] = json!(samples.iter().map(|s| s.probes).max());
    report["snd_wnd_samples"] = json!(
        samples
            .iter()
            .map(|s| json!({ "t_ms": s.t_ms, "snd_wnd": s.snd_wnd, "probes": s.probes }))
            .collect::<Vec<Value>>()
    );
    Ok((report, frames))
}

fn ms(ts_ns: u64, start_ns: u64) -> f64 {
    (ts_ns.saturating_sub(start_ns) as f64 / 100_000.0).round() / 10.0
}

/// The window story, from A's capture.
fn analyse(frames: &[Frame], start_ns: u64, read_at: Duration) -> Value {
    let seen = dissect_all(frames);
    let mut c_scale: u32 = 0;
    let mut last_ack: Option<u32> = None;
    let mut last_window: Option<u32> = None;
    let mut windows: Vec<Value> = Vec::new();
    let mut zero_at: Option<u64> = None;
    let mut update_at: Option<u64> = None;
    let mut probes: Vec<Value> = Vec::new();
    let mut probe_answers = 0;
    let mut data_while_zero = 0;
    let mut data_after_update = 0;
    for s in &seen {
        let (
            Some(ip),
            Some(Upper::Tcp {
                flags,
                payload,
                seq,
                ack,
                window,
                wscale,
                ..
            }),
        ) = (&s.ip, &s.upper)
        else {
            continue;
        };
        let from_c = ip.src == C_IP && !s.outgoing;
        let from_a = ip.src == A_IP && s.outgoing;
        if from_c {
            if flags & 0x12 == 0x12 {
                c_scale = u32::from(wscale.unwrap_or(0));
                continue;
            }
            let bytes = u32::from(*window) << c_scale;
            if last_window != Some(bytes) {
                windows.push(json!({ "t_ms": ms(s.ts_ns, start_ns), "window": bytes }));
            }
            if bytes == 0 && zero_at.is_none() {
                zero_at = Some(s.ts_ns);
            }
            if bytes == 0 && probes.len() > probe_answers {
                probe_answers += 1;
            }
            if bytes > 0 && last_window == Some(0) && update_at.is_none() {
                update_at = Some(s.ts_ns);
            }
            last_window = Some(bytes);
            last_ack = Some(*ack);
        } else if from_a {
            let zero_now = last_window == Some(0);
            if *payload == 0
                && *flags == 0x10
                && zero_now
                && last_ack.is_some_and(|a| *seq == a.wrapping_sub(1))
            {
                probes.push(json!({ "t_ms": ms(s.ts_ns, start_ns), "seq_below_next": 1 }));
            } else if *payload > 0 && zero_now {
                data_while_zero += 1;
            } else if *payload > 0 && update_at.is_some() {
                data_after_update += 1;
            }
        }
    }
    let times: Vec<f64> = probes.iter().filter_map(|p| p["t_ms"].as_f64()).collect();
    let gaps: Vec<f64> = times
        .windows(2)
        .map(|w| ((w[1] - w[0]) * 10.0).round() / 10.0)
        .collect();
    let first_gap = match (zero_at, times.first()) {
        (Some(z), Some(&t)) => Some(((t - ms(z, start_ns)) * 10.0).round() / 10.0),
        _ => None,
    };
    json!({
        "c_window_scale": c_scale,
        "windows_advertised": windows,
        "zero_window_at_ms": zero_at.map(|z| ms(z, start_ns)),
        "probes": probes.len(),
        "probe_times_ms": times,
        "first_probe_after_ms": first_gap,
        "probe_gaps_ms": gaps,
        "probes_answered_with_zero": probe_answers,
        "data_segments_while_zero": data_while_zero,
        "receiver_read_at_ms": (read_at.as_secs_f64() * 10_000.0).round() / 10.0,
        "window_update_at_ms": update_at.map(|u| ms(u, start_ns)),
        "data_segments_after_update": data_after_update,
    })
}
