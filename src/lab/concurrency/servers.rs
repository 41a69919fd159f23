//! The lab's server, written four ways. Each serves exactly `n` clients:
//! reads the client's request line, greets it (the client's "first reply"),
//! works `service` on it, answers "done" and closes. Every wait is bounded and
//! checks the cancel token at least every [`io::POLL`].

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use super::ServerModel;
use crate::lab::io::{self, POLL};
use crate::lab::{Cancel, LabError};

/// What the server says when it starts on a client.
pub const GREETING: &[u8] = b"hello: you are being served\n";
/// What it says when the work is done (then it closes).
pub const DONE: &[u8] = b"done\n";
/// The longest request line read.
const MAX_REQUEST: usize = 256;

/// Serve `n` clients on `listener` the way `model` does.
pub fn serve(
    model: ServerModel,
    listener: TcpListener,
    n: usize,
    service: Duration,
    cancel: &Cancel,
) -> Result<(), LabError> {
    match model {
        ServerModel::Iterative => iterative(&listener, n, service, cancel),
        ServerModel::Threads => threads(&listener, n, service, cancel),
        ServerModel::Select => select(listener, n, service, cancel),
        ServerModel::Async => asynchronous(listener, n, service, cancel),
    }
}

/// One client on a blocking socket: the iterative and threaded servers.
fn serve_one(mut stream: TcpStream, service: Duration, cancel: &Cancel) -> Result<(), LabError> {
    let mut request = Vec::new();
    let mut buf = [0u8; MAX_REQUEST];
    while !request.contains(&b'\n') && request.len() < MAX_REQUEST {
        let n = io::read_some(&mut stream, &mut buf, cancel, "recv")?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    io::write_all(&mut stream, GREETING, cancel, "send")?;
    io::pause(cancel, service)?;
    io::write_all(&mut stream, DONE, cancel, "send")?;
    Ok(())
}

/// accept, serve, close; then the next accept. The others wait in the kernel's
/// accept queue meanwhile.
fn iterative(
    listener: &TcpListener,
    n: usize,
    service: Duration,
    cancel: &Cancel,
) -> Result<(), LabError> {
    for _ in 0..n {
        let stream = io::accept(listener, cancel)?;
        serve_one(stream, service, cancel)?;
    }
    Ok(())
}

/// A thread per client (scoped: all joined before returning).
fn threads(
    listener: &TcpListener,
    n: usize,
    service: Duration,
    cancel: &Cancel,
) -> Result<(), LabError> {
    let local = cancel.child();
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        let mut accepted = Ok(());
        for _ in 0..n {
            match io::accept(listener, &local) {
                Ok(stream) => {
                    let token = local.clone();
                    handles.push(scope.spawn(move || {
                        let result = serve_one(stream, service, &token);
                        if result.is_err() {
                            token.cancel();
                        }
                        result
                    }));
                }
                Err(e) => {
                    local.cancel();
                    accepted = Err(e);
                    break;
                }
            }
        }
        let mut first = accepted;
        for handle in handles {
            let result = handle
                .join()
                .unwrap_or_else(|_| Err(LabError::Failed("server thread panicked".into())));
            if first.is_ok() {
                first = result;
            }
        }
        first
    })
}

/// A connection in the readiness loop.
struct Conn {
    stream: mio::net::TcpStream,
    request: Vec<u8>,
    out: Vec<u8>,
    /// When the work on it is done (set when greeted).
    due: Option<Instant>,
    greeted: bool,
    /// "done" is queued: close once it is written.
    finished: bool,
}

const LISTENER: mio::Token = mio::Token(usize::MAX);

/// One thread, every socket in one epoll set: accept when the listener is
/// readable, read requests when a client is, and a timer per client for the
/// work (the loop sleeps until the nearest one).
fn select(
    listener: TcpListener,
    n: usize,
    service: Duration,
    cancel: &Cancel,
) -> Result<(), LabError> {
    let err = |what| move |e| LabError::io(what, e);
    let mut poll = mio::Poll::new().map_err(err("create epoll"))?;
    let mut listener = mio::net::TcpListener::from_std(listener);
    poll.registry()
        .register(&mut listener, LISTENER, mio::Interest::READABLE)
        .map_err(err("register listener"))?;
    let mut events = mio::Events::with_capacity(64);
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut closed = 0;
    let end = io::deadline() + service * u32::try_from(n).unwrap_or(u32::MAX);
    while closed < n {
        cancel.check()?;
        let now = Instant::now();
        if now > end {
            return Err(LabError::Timeout("the select server's clients"));
        }
        let next = conns.iter().flatten().filter_map(|c| c.due).min();
        let wait = next.map_or(POLL, |due| due.saturating_duration_since(now).min(POLL));
        match poll.poll(&mut events, Some(wait)) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(LabError::io("epoll_wait", e)),
        }
        for event in &events {
            if event.token() == LISTENER {
                loop {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            let token = mio::Token(conns.len());
                            poll.registry()
                                .register(
                                    &mut stream,
                                    token,
                                    mio::Interest::READABLE | mio::Interest::WRITABLE,
                                )
                                .map_err(err("register client"))?;
                            conns.push(Some(Conn {
                                stream,
                                request: Vec::new(),
                                out: Vec::new(),
                                due: None,
                                greeted: false,
                                finished: false,
                            }));
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == ErrorKind::Interrupted => {}
                        Err(e) => return Err(LabError::io("accept", e)),
                    }
                }
            } else if event.is_readable()
                && let Some(Some(conn)) = conns.get_mut(event.token().0)
            {
                read_request(conn, service)?;
            }
        }
        let now = Instant::now();
        for slot in &mut conns {
            let Some(conn) = slot else { continue };
            if conn.due.is_some_and(|due| due <= now) {
                conn.due = None;
                conn.out.extend_from_slice(DONE);
                conn.finished = true;
            }
            flush(conn)?;
            if conn.finished && conn.out.is_empty() {
                if let Some(mut conn) = slot.take() {
                    let _ = poll.registry().deregister(&mut conn.stream);
                }
                closed += 1;
            }
        }
    }
    Ok(())
}

/// Read what is there (edge-triggered: until WouldBlock); greet on a full line.
fn read_request(conn: &mut Conn, service: Duration) -> Result<(), LabError> {
    let mut buf = [0u8; MAX_REQUEST];
    loop {
        match conn.stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let room = MAX_REQUEST.saturating_sub(conn.request.len());
                conn.request.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(LabError::io("recv", e)),
        }
    }
    let full = conn.request.contains(&b'\n') || conn.request.len() >= MAX_REQUEST;
    if full && !conn.greeted {
        conn.greeted = true;
        conn.out.extend_from_slice(GREETING);
        conn.due = Some(Instant::now() + service);
    }
    Ok(())
}

/// Write what is queued, as far as the socket takes it now.
fn flush(conn: &mut Conn) -> Result<(), LabError> {
    while !conn.out.is_empty() {
        match conn.stream.write(&conn.out) {
            Ok(0) => return Err(LabError::Failed("send: the socket took 0 bytes".into())),
            Ok(n) => {
                conn.out.drain(..n);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(LabError::io("send", e)),
        }
    }
    Ok(())
}

/// One thread, tokio's current-thread runtime: a task per client, awaiting its
/// request, its timer and its writes.
fn asynchronous(
    listener: TcpListener,
    n: usize,
    service: Duration,
    cancel: &Cancel,
) -> Result<(), LabError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| LabError::io("start the async runtime", e))?;
    let cancel = cancel.clone();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| LabError::io("async listener", e))?;
        let end = io::deadline();
        let mut tasks = Vec::new();
        while tasks.len() < n {
            cancel.check()?;
            match tokio::time::timeout(POLL, listener.accept()).await {
                Ok(Ok((stream, _))) => {
                    tasks.push(tokio::spawn(serve_async(stream, service, cancel.clone())));
                }
                Ok(Err(e)) => return Err(LabError::io("accept", e)),
                Err(_) if Instant::now() > end => return Err(LabError::Timeout("accept")),
                Err(_) => {}
            }
        }
        let mut first = Ok(());
        for mut task in tasks {
            let result = loop {
                if let Err(e) = cancel.check() {
                    task.abort();
                    break Err(e);
                }
                if let Ok(joined) = tokio::time::timeout(POLL, &mut task).await {
                    break joined
                        .unwrap_or_else(|_| Err(LabError::Failed("server task failed".into())));
                }
            };
            if first.is_ok() {
                first = result;
            }
        }
        first
    })
}

async fn serve_async(
    mut stream: tokio::net::TcpStream,
    service: Duration,
    cancel: Cancel,
) -> Result<(), LabError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let end = io::deadline() + service;
    let mut request = Vec::new();
    let mut buf = [0u8; MAX_REQUEST];
    while !request.contains(&b'\n') && request.len() < MAX_REQUEST {
        cancel.check()?;
        match tokio::time::timeout(POLL, stream.read(&mut buf)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => request.extend_from_slice(&buf[..n]),
            Ok(Err(e)) => return Err(LabError::io("recv", e)),
            Err(_) if Instant::now() > end => return Err(LabError::Timeout("the request")),
            Err(_) => {}
        }
    }
    let send = |e| LabError::io("send", e);
    stream.write_all(GREETING).await.map_err(send)?;
    // The work: a timer the runtime waits on, in slices so a cancel is seen.
    let work_end = tokio::time::Instant::now() + service;
    while tokio::time::Instant::now() < work_end {
        cancel.check()?;
        tokio::time::sleep_until(work_end.min(tokio::time::Instant::now() + POLL)).await;
    }
    stream.write_all(DONE).await.map_err(send)?;
    stream.shutdown().await.map_err(send)
}
