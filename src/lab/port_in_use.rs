//! `port-in-use` — "Address already in use", step by step: a busy port refuses a
//! second bind; TCP and UDP have separate port spaces; after an active close the
//! old connection sits in TIME_WAIT, a restarted server without SO_REUSEADDR
//! fails, and with it succeeds.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::{Duration, Instant};

use serde::Serialize;
use socket2::{Domain, Protocol, Socket, Type};

use super::io;
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the port-in-use lab (none besides the prediction).
    pub struct PortInUseParams for PortInUse {
    }
}

/// One step (JSON: one entry per step with `ok` and `error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortStep {
    /// Step id; its text is `lab.port-in-use.step.<step>` in ui.toml.
    pub step: &'static str,
    pub ok: bool,
    /// The OS error, e.g. "Address already in use (os error 98)".
    pub error: Option<String>,
    /// Whether this step is a bind() (counted by the prediction).
    pub is_bind: bool,
}

/// What the port-in-use lab observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortInUseReport {
    pub port: u16,
    pub steps: Vec<PortStep>,
}

fn tcp_socket(reuse: bool) -> std::io::Result<Socket> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    // Explicit either way: Rust's std (like many runtimes) turns it on silently.
    socket.set_reuse_address(reuse)?;
    Ok(socket)
}

fn addr(port: u16) -> socket2::SockAddr {
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).into()
}

fn listen_on(port: u16, reuse: bool) -> std::io::Result<Socket> {
    let socket = tcp_socket(reuse)?;
    socket.bind(&addr(port))?;
    socket.listen(8)?;
    Ok(socket)
}

/// Whether /proc/net/tcp lists a TIME_WAIT (state 06) socket on local `port`.
fn time_wait_on(port: u16) -> Option<bool> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let wanted = format!(":{port:04X}");
    Some(table.lines().skip(1).any(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        cols.len() > 3 && cols[1].ends_with(&wanted) && cols[3] == "06"
    }))
}

struct Steps<'a> {
    sink: &'a dyn LabSink,
    steps: Vec<PortStep>,
}

impl Steps<'_> {
    fn record<T>(&mut self, step: &'static str, is_bind: bool, result: &std::io::Result<T>) {
        let error = result.as_ref().err().map(ToString::to_string);
        self.sink.event(LabEvent::Step {
            index: self.steps.len(),
            name: step,
            ok: error.is_none(),
            error: error.clone(),
        });
        self.steps.push(PortStep {
            step,
            ok: error.is_none(),
            error,
            is_bind,
        });
    }
}

/// Run the steps in order; every socket is closed before returning.
pub fn run(
    _params: &PortInUseParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<PortInUseReport, LabError> {
    let mut steps = Steps {
        sink,
        steps: Vec::new(),
    };
    // 1. A server, as the classic course writes it: SO_REUSEADDR, bind, listen.
    let first = listen_on(0, true);
    steps.record("listen", true, &first);
    let first = first.map_err(|e| LabError::io("listen", e))?;
    let port = first
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map(|a| a.port())
        .ok_or_else(|| LabError::Failed("port-in-use: no local port".into()))?;
    cancel.check()?;

    // 2. A second server on the same port, even with SO_REUSEADDR: refused.
    let second = listen_on(port, true);
    steps.record("bind-busy", true, &second);
    drop(second);

    // 3. UDP on the same number: a separate port space, so it works.
    let udp = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))
        .and_then(|s| s.bind(&addr(port)).map(|()| s));
    steps.record("udp-same-port", true, &udp);
    drop(udp);
    cancel.check()?;

    // 4. A client connects; the server closes first (active close), so the
    //    server's end of that connection goes to TIME_WAIT; then the server exits.
    let client = io::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
    first
        .set_nonblocking(true)
        .map_err(|e| LabError::io("set non-blocking", e))?;
    let listener: std::net::TcpListener = first.into();
    let accepted = io::accept(&listener, cancel)?;
    drop(accepted);
    let mut client = client;
    let mut buf = [0u8; 16];
    let eof = io::read_some(&mut client, &mut buf, cancel, "recv EOF")?;
    if eof != 0 {
        return Err(LabError::Failed("port-in-use: unexpected data".into()));
    }
    drop(client);
    drop(listener);
    let end = Instant::now() + Duration::from_secs(2);
    let seen = loop {
        cancel.check()?;
        match time_wait_on(port) {
            Some(true) => break Ok(()),
            Some(false) if Instant::now() < end => std::thread::sleep(Duration::from_millis(10)),
            Some(false) => break Err(std::io::Error::other("no TIME_WAIT entry seen")),
            None => break Err(std::io::Error::other("/proc/net/tcp not readable")),
        }
    };
    steps.record("time-wait", false, &seen);

    // 5. Restart without SO_REUSEADDR: the TIME_WAIT connection still holds the port.
    let restart = listen_on(port, false);
    steps.record("restart-without-reuseaddr", true, &restart);
    drop(restart);

    // 6. Restart with SO_REUSEADDR: allowed despite TIME_WAIT.
    let restart = listen_on(port, true);
    steps.record("restart-with-reuseaddr", true, &restart);
    drop(restart);

    Ok(PortInUseReport {
        port,
        steps: steps.steps,
    })
}

impl LabOutcome for PortInUseReport {
    fn observed(&self) -> u64 {
        self.steps.iter().filter(|s| s.is_bind && !s.ok).count() as u64
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let mut lines = vec![tf(
            lang,
            "lab.port-in-use.port",
            &[("port", &self.port.to_string())],
        )];
        for (i, step) in self.steps.iter().enumerate() {
            let text = t(lang, step_key(step.step));
            let verdict = match &step.error {
                None => t(lang, "lab.port-in-use.ok").to_string(),
                Some(err) => tf(lang, "lab.port-in-use.failed", &[("error", err)]),
            };
            lines.push(format!("  {}. {text}: {verdict}", i + 1));
        }
        lines.push(t(lang, "lab.port-in-use.lesson").to_string());
        lines
    }
}

/// The ui.toml key describing step `id`.
pub fn step_key(id: &str) -> &'static str {
    match id {
        "listen" => "lab.port-in-use.step.listen",
        "bind-busy" => "lab.port-in-use.step.bind-busy",
        "udp-same-port" => "lab.port-in-use.step.udp-same-port",
        "time-wait" => "lab.port-in-use.step.time-wait",
        "restart-without-reuseaddr" => "lab.port-in-use.step.restart-without-reuseaddr",
        _ => "lab.port-in-use.step.restart-with-reuseaddr",
    }
}
