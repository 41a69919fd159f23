//! `concurrency` — one server, N clients connecting at once. Each client sends a
//! request line; the server greets it ("first reply"), works `service-ms` on it,
//! answers "done" and closes. Written four ways ([`ServerModel`]): iterative
//! (one client at a time, as the course's own servers do), a thread per client,
//! one thread with a readiness loop (epoll, what `select`/`selectors` do), and
//! one thread with an async runtime (tokio, what asyncio does).
//!
//! Iterative: every connect() completes at once — the kernel finishes the
//! handshake and queues the connection for accept() — but client k (in the
//! order served) gets its first reply only after about k × T. The accept
//! queue's length is read from the kernel (TCP_INFO on the listening socket:
//! `tcpi_unacked` is the queue, `tcpi_sacked` its limit). The other models
//! serve everyone at once: every first reply within a few ms, every client done
//! after about T. Every wait is bounded: at most 10 clients × 500 ms.

mod servers;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::io;
use super::options::{OptField, OptValue, lab_params};
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the concurrency lab.
    pub struct ConcurrencyParams for Concurrency {
        /// Clients that connect at the same moment.
        clients: u64 = "4", "clients", Int { min: 2, max: 10 }, "lab.opt.clients";
        /// How the server is written.
        model: ServerModel = "iterative", "model", Choice(ServerModel::WORDS), "lab.opt.model";
        /// Milliseconds of work the server spends on each client.
        service_ms: u64 = "200", "service-ms", Int { min: 50, max: 500 }, "lab.opt.service-ms";
    }
}

/// How the lab's server is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerModel {
    /// accept, serve, close, then the next accept.
    #[default]
    Iterative,
    /// One thread per accepted client.
    Threads,
    /// One thread, a readiness loop over every socket (epoll).
    Select,
    /// One thread, an async runtime (tokio's current-thread runtime).
    Async,
}

impl ServerModel {
    /// The option's words, in the enum's order.
    pub const WORDS: &'static [&'static str] = &["iterative", "threads", "select", "async"];

    pub fn as_str(self) -> &'static str {
        match self {
            ServerModel::Iterative => "iterative",
            ServerModel::Threads => "threads",
            ServerModel::Select => "select",
            ServerModel::Async => "async",
        }
    }

    /// Whether the model serves several clients at once.
    pub fn is_concurrent(self) -> bool {
        self != ServerModel::Iterative
    }
}

impl OptField for ServerModel {
    fn from_value(value: &OptValue) -> Self {
        match value.text().as_str() {
            "threads" => ServerModel::Threads,
            "select" => ServerModel::Select,
            "async" => ServerModel::Async,
            _ => ServerModel::Iterative,
        }
    }
    fn show(&self) -> String {
        self.as_str().to_string()
    }
}

/// When one client saw what, in milliseconds since the clients started.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClientTiming {
    /// connect() returned: the handshake is done (the kernel did it).
    pub connect_ms: f64,
    /// The server's first reply arrived: it has started on this client.
    pub first_reply_ms: f64,
    /// The server's answer arrived and it closed the connection.
    pub done_ms: f64,
}

/// A stage of one client, for the live timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientStage {
    Connected,
    FirstReply,
    Done,
}

/// What the concurrency lab observed. JSON keys as in the issue (`model`,
/// `clients`, `max_wait_ms`, `accept_queue_peak`) plus `service_ms` and
/// `backlog`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConcurrencyReport {
    pub model: ServerModel,
    pub service_ms: u64,
    /// One entry per client, in client order.
    pub clients: Vec<ClientTiming>,
    /// The longest wait for a first reply.
    pub max_wait_ms: f64,
    /// The most connections the kernel held in the listener's accept queue
    /// (TCP_INFO `tcpi_unacked`), sampled every 2 ms. None off Linux.
    pub accept_queue_peak: Option<u64>,
    /// The accept queue's limit (TCP_INFO `tcpi_sacked`: min(backlog, somaxconn)).
    pub backlog: Option<u64>,
}

impl ConcurrencyReport {
    /// The clients' first-reply waits, shortest first (the order served).
    pub fn waits_in_order(&self) -> Vec<f64> {
        let mut waits: Vec<f64> = self.clients.iter().map(|c| c.first_reply_ms).collect();
        waits.sort_by(f64::total_cmp);
        waits
    }

    /// When the last client was done.
    pub fn last_done_ms(&self) -> f64 {
        self.clients.iter().map(|c| c.done_ms).fold(0.0, f64::max)
    }
}

/// The listen() backlog of the lab's server.
const BACKLOG: i32 = 16;

/// The accept queue of a listening socket, from the kernel: (queued, limit).
pub fn accept_queue(listener: &TcpListener) -> Option<(u64, u64)> {
    use std::os::fd::AsFd as _;
    let info: libc::tcp_info =
        crate::sockopt::get(listener.as_fd(), libc::IPPROTO_TCP, libc::TCP_INFO).ok()?;
    Some((u64::from(info.tcpi_unacked), u64::from(info.tcpi_sacked)))
}

fn listener(backlog: i32) -> Result<TcpListener, LabError> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))
        .map_err(|e| LabError::io("create TCP socket", e))?;
    socket
        .bind(&io::loopback_any_port().into())
        .map_err(|e| LabError::io("bind TCP listener", e))?;
    socket
        .listen(backlog)
        .map_err(|e| LabError::io("listen", e))?;
    socket
        .set_nonblocking(true)
        .map_err(|e| LabError::io("set listener non-blocking", e))?;
    Ok(socket.into())
}

/// Run the lab: the server in `model`, N clients at once.
pub fn run(
    params: &ConcurrencyParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<ConcurrencyReport, LabError> {
    let listener = listener(BACKLOG)?;
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let probe = listener
        .try_clone()
        .map_err(|e| LabError::io("clone listener", e))?;
    let n = usize::try_from(params.clients).unwrap_or(2);
    let service = Duration::from_millis(params.service_ms);
    let model = params.model;
    let start = Instant::now();
    let stop_sampling = AtomicBool::new(false);
    let peak = AtomicU64::new(0);
    let limit = AtomicU64::new(0);
    let measured = AtomicBool::new(false);

    let server = |cancel: &Cancel| servers::serve(model, listener, n, service, cancel);
    let clients = |cancel: &Cancel| -> Result<Vec<ClientTiming>, LabError> {
        std::thread::scope(|scope| {
            // The kernel's accept queue, sampled while the clients run.
            scope.spawn(|| {
                let mut last = None;
                while !stop_sampling.load(Ordering::SeqCst) {
                    if let Some((queued, max)) = accept_queue(&probe) {
                        measured.store(true, Ordering::SeqCst);
                        peak.fetch_max(queued, Ordering::SeqCst);
                        limit.store(max, Ordering::SeqCst);
                        if last != Some(queued) {
                            last = Some(queued);
                            sink.event(LabEvent::Sample {
                                series: "accept-queue",
                                elapsed_ms: u64::try_from(start.elapsed().as_millis())
                                    .unwrap_or(u64::MAX),
                                value: queued as f64,
                            });
                        }
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
            });
            let gate = Arc::new(Barrier::new(n));
            let handles: Vec<_> = (0..n)
                .map(|index| {
                    let gate = Arc::clone(&gate);
                    scope.spawn(move || {
                        gate.wait();
                        client(index, addr, start, sink, cancel)
                    })
                })
                .collect();
            let results: Vec<Result<ClientTiming, LabError>> = handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(LabError::Failed("client panicked".into())))
                })
                .collect();
            stop_sampling.store(true, Ordering::SeqCst);
            results.into_iter().collect()
        })
    };
    let ((), clients) = io::both(cancel, server, clients)?;
    let max_wait_ms = clients.iter().map(|c| c.first_reply_ms).fold(0.0, f64::max);
    let measured = measured.load(Ordering::SeqCst);
    Ok(ConcurrencyReport {
        model,
        service_ms: params.service_ms,
        clients,
        max_wait_ms,
        accept_queue_peak: measured.then(|| peak.load(Ordering::SeqCst)),
        backlog: measured.then(|| limit.load(Ordering::SeqCst)),
    })
}

/// One client: connect, send its request, wait for the first reply, then for
/// the answer and the close.
fn client(
    index: usize,
    addr: SocketAddr,
    start: Instant,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<ClientTiming, LabError> {
    let mut stream: TcpStream = io::connect(addr)?;
    let connect_ms = io::ms_f64_since(start);
    let stage = |stage, at_ms| {
        sink.event(LabEvent::Client {
            index,
            stage,
            at_ms,
        })
    };
    stage(ClientStage::Connected, connect_ms);
    io::write_all(
        &mut stream,
        format!("client {index}\n").as_bytes(),
        cancel,
        "send",
    )?;
    let mut buf = [0u8; 256];
    let mut first_reply_ms = None;
    loop {
        let n = io::read_some(&mut stream, &mut buf, cancel, "recv")?;
        if n == 0 {
            break;
        }
        if first_reply_ms.is_none() {
            let at = io::ms_f64_since(start);
            first_reply_ms = Some(at);
            stage(ClientStage::FirstReply, at);
        }
    }
    let done_ms = io::ms_f64_since(start);
    let first_reply_ms = first_reply_ms.ok_or_else(|| {
        LabError::Failed(format!("client {index}: the server closed without a reply"))
    })?;
    stage(ClientStage::Done, done_ms);
    Ok(ClientTiming {
        connect_ms,
        first_reply_ms,
        done_ms,
    })
}

impl LabOutcome for ConcurrencyReport {
    fn observed(&self) -> u64 {
        self.max_wait_ms.round() as u64
    }

    /// Within a quarter (or 50 ms): a wait is measured, not counted.
    fn matches(&self, predicted: u64) -> bool {
        let observed = self.observed();
        predicted.abs_diff(observed) <= (observed / 4).max(50)
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let fmt = |v: f64| format!("{v:.0}");
        let mut lines = vec![tf(
            lang,
            "lab.concurrency.result",
            &[
                ("model", self.model.as_str()),
                ("clients", &self.clients.len().to_string()),
                ("ms", &self.service_ms.to_string()),
                ("wait", &fmt(self.max_wait_ms)),
                ("done", &fmt(self.last_done_ms())),
            ],
        )];
        for (i, c) in self.clients.iter().enumerate() {
            lines.push(tf(
                lang,
                "lab.concurrency.client",
                &[
                    ("n", &i.to_string()),
                    ("connect", &format!("{:.1}", c.connect_ms)),
                    ("first", &fmt(c.first_reply_ms)),
                    ("done", &fmt(c.done_ms)),
                ],
            ));
        }
        if let (Some(peak), Some(backlog)) = (self.accept_queue_peak, self.backlog) {
            lines.push(tf(
                lang,
                "lab.concurrency.queue",
                &[
                    ("peak", &peak.to_string()),
                    ("backlog", &backlog.to_string()),
                ],
            ));
        }
        lines.push(
            t(
                lang,
                if self.model.is_concurrent() {
                    "lab.concurrency.lesson.concurrent"
                } else {
                    "lab.concurrency.lesson.iterative"
                },
            )
            .to_string(),
        );
        lines
    }
}
