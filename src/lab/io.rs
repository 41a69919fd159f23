//! Blocking socket calls made safe for labs: every call waits at most [`POLL`] at a
//! time, then checks the [`Cancel`] token and the lab's overall deadline, so a lab
//! never hangs and stops promptly when cancelled.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use super::{Cancel, LabError};

/// The longest any single blocking call waits before re-checking cancel/deadline.
pub const POLL: Duration = Duration::from_millis(50);

/// How long a lab may wait for its peer before giving up with a timeout error.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// 127.0.0.1 port 0: the only address labs bind.
pub fn loopback_any_port() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// `[::1]` port 0: the IPv6 loopback, for labs that offer it.
pub fn loopback_v6_any_port() -> SocketAddr {
    SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0))
}

/// The deadline for a wait that starts now.
pub fn deadline() -> Instant {
    Instant::now() + PATIENCE
}

/// A receive that timed out, would block, or was interrupted by a signal:
/// worth another try.
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// A UDP receive that is worth retrying: a poll that timed out, a signal, or
/// ECONNREFUSED — an ICMP port unreachable for an earlier datagram, reported
/// on this socket (the dns and dhcp labs' servers and clients).
pub fn is_transient_udp(err: &io::Error) -> bool {
    is_timeout(err) || err.kind() == io::ErrorKind::ConnectionRefused
}

/// Repeat `op` (which itself waits at most [`POLL`]) until it succeeds, fails for
/// real, the token is cancelled, or `deadline` passes.
pub fn patiently<T>(
    cancel: &Cancel,
    deadline: Instant,
    what: &'static str,
    mut op: impl FnMut() -> io::Result<T>,
) -> Result<T, LabError> {
    loop {
        cancel.check()?;
        match op() {
            Ok(value) => return Ok(value),
            Err(err) if is_timeout(&err) => {
                if Instant::now() >= deadline {
                    return Err(LabError::Timeout(what));
                }
            }
            Err(err) => return Err(LabError::io(what, err)),
        }
    }
}

/// Wait up to `timeout` for `fd` to become readable (poll(2)); used for accept.
fn wait_readable(fd: &impl AsRawFd, timeout: Duration) {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: `pfd` is a valid, initialised pollfd that lives for the whole call and
    // we pass a count of exactly one; poll only writes `revents`.
    unsafe {
        libc::poll(&mut pfd, 1, ms);
    }
}

/// Sleep `total`, in slices, returning early with `Cancelled` if asked to.
pub fn pause(cancel: &Cancel, total: Duration) -> Result<(), LabError> {
    let end = Instant::now() + total;
    loop {
        cancel.check()?;
        let now = Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep((end - now).min(POLL));
    }
}

/// A TCP listener on 127.0.0.1, an ephemeral port, non-blocking for [`accept`].
pub fn tcp_listener() -> Result<TcpListener, LabError> {
    let listener =
        TcpListener::bind(loopback_any_port()).map_err(|e| LabError::io("bind TCP listener", e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| LabError::io("set listener non-blocking", e))?;
    Ok(listener)
}

/// Accept one connection, waiting in [`POLL`] slices; the stream is blocking with
/// [`POLL`] read/write timeouts.
pub fn accept(listener: &TcpListener, cancel: &Cancel) -> Result<TcpStream, LabError> {
    let stream = patiently(cancel, deadline(), "accept", || match listener.accept() {
        Ok((stream, _)) => Ok(stream),
        Err(err) => {
            if err.kind() == io::ErrorKind::WouldBlock {
                wait_readable(listener, POLL);
            }
            Err(err)
        }
    })?;
    with_timeouts(stream)
}

/// Same as [`accept`] for a Unix-domain listener.
pub fn accept_unix(
    listener: &std::os::unix::net::UnixListener,
    cancel: &Cancel,
) -> Result<std::os::unix::net::UnixStream, LabError> {
    let stream = patiently(cancel, deadline(), "accept", || match listener.accept() {
        Ok((stream, _)) => Ok(stream),
        Err(err) => {
            if err.kind() == io::ErrorKind::WouldBlock {
                wait_readable(listener, POLL);
            }
            Err(err)
        }
    })?;
    let setup = || -> io::Result<()> {
        stream.set_nonblocking(false)?;
        stream.set_read_timeout(Some(POLL))?;
        stream.set_write_timeout(Some(POLL))
    };
    setup().map_err(|e| LabError::io("set socket timeouts", e))?;
    Ok(stream)
}

/// Connect to `addr` with a timeout; the stream gets [`POLL`] read/write timeouts.
pub fn connect(addr: SocketAddr) -> Result<TcpStream, LabError> {
    let stream =
        TcpStream::connect_timeout(&addr, PATIENCE).map_err(|e| LabError::io("connect", e))?;
    with_timeouts(stream)
}

fn with_timeouts(stream: TcpStream) -> Result<TcpStream, LabError> {
    let setup = || -> io::Result<()> {
        stream.set_nonblocking(false)?;
        stream.set_read_timeout(Some(POLL))?;
        stream.set_write_timeout(Some(POLL))
    };
    setup().map_err(|e| LabError::io("set socket timeouts", e))?;
    Ok(stream)
}

/// A UDP socket on 127.0.0.1, an ephemeral port, with [`POLL`] timeouts.
pub fn udp_socket() -> Result<UdpSocket, LabError> {
    udp_socket_on(loopback_any_port())
}

/// A UDP socket on `addr` (`127.0.0.1:0` or `[::1]:0`), with [`POLL`] timeouts.
pub fn udp_socket_on(addr: SocketAddr) -> Result<UdpSocket, LabError> {
    let socket = UdpSocket::bind(addr).map_err(|e| LabError::io("bind UDP socket", e))?;
    let setup = || -> io::Result<()> {
        socket.set_read_timeout(Some(POLL))?;
        socket.set_write_timeout(Some(POLL))
    };
    setup().map_err(|e| LabError::io("set socket timeouts", e))?;
    Ok(socket)
}

/// One read (one recv() call), waiting for data patiently. `Ok(0)` means EOF.
pub fn read_some(
    stream: &mut impl Read,
    buf: &mut [u8],
    cancel: &Cancel,
    what: &'static str,
) -> Result<usize, LabError> {
    patiently(cancel, deadline(), what, || stream.read(buf))
}

/// Read exactly `buf.len()` bytes (the "read exactly n" loop of framing).
/// `Ok(false)` if the peer closed before the first byte.
pub fn read_exact(
    stream: &mut impl Read,
    buf: &mut [u8],
    cancel: &Cancel,
    what: &'static str,
) -> Result<bool, LabError> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = read_some(stream, &mut buf[filled..], cancel, what)?;
        if n == 0 {
            if filled == 0 {
                return Ok(false);
            }
            return Err(LabError::Failed(format!(
                "{what}: peer closed after {filled} of {} bytes",
                buf.len()
            )));
        }
        filled += n;
    }
    Ok(true)
}

/// Write all of `data` (send() may take less than asked: loop, like `sendall`).
/// Returns how many write calls it took.
pub fn write_all(
    stream: &mut impl Write,
    mut data: &[u8],
    cancel: &Cancel,
    what: &'static str,
) -> Result<u64, LabError> {
    let end = deadline();
    let mut calls = 0;
    while !data.is_empty() {
        let n = patiently(cancel, end, what, || stream.write(data))?;
        calls += 1;
        if n == 0 {
            return Err(LabError::Failed(format!("{what}: the socket took 0 bytes")));
        }
        data = &data[n..];
    }
    Ok(calls)
}

/// Run `server` on a scoped thread and `client` on this one, each with a child of
/// `cancel`. If either fails, the other is cancelled so it stops promptly; both are
/// joined before returning. The first real error wins over a `Cancelled` it caused.
pub fn both<A: Send, B>(
    cancel: &Cancel,
    server: impl FnOnce(&Cancel) -> Result<A, LabError> + Send,
    client: impl FnOnce(&Cancel) -> Result<B, LabError>,
) -> Result<(A, B), LabError> {
    let local = cancel.child();
    std::thread::scope(|scope| {
        let server_cancel = local.clone();
        let handle = scope.spawn(move || {
            let result = server(&server_cancel);
            if result.is_err() {
                server_cancel.cancel();
            }
            result
        });
        let client_result = client(&local);
        if client_result.is_err() {
            local.cancel();
        }
        let server_result = handle
            .join()
            .unwrap_or_else(|_| Err(LabError::Failed("lab thread panicked".to_string())));
        match (server_result, client_result) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
            (Err(a), Err(b)) => Err(if matches!(a, LabError::Cancelled) {
                b
            } else {
                a
            }),
        }
    })
    .and_then(|pair| {
        // The user's cancel wins even if both sides happened to finish.
        cancel.check()?;
        Ok(pair)
    })
    .map_err(|err| {
        // Once the user cancelled, whatever one side saw next (the other side's
        // socket closing under it) is a consequence, not the story.
        if cancel.is_cancelled() {
            LabError::Cancelled
        } else {
            err
        }
    })
}

/// Printable start of `bytes` (at most `max` bytes), control characters escaped.
pub fn preview(bytes: &[u8], max: usize) -> String {
    let shown = &bytes[..bytes.len().min(max)];
    let mut out = String::new();
    for chunk in shown.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\n' => out.push_str("\\n"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    if bytes.len() > max {
        out.push('…');
    }
    out
}

/// Milliseconds since `start` with two decimals (timings shown to students).
pub fn ms_f64_since(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 100_000.0).round() / 100.0
}

/// Milliseconds since `start`, saturating.
pub fn ms_since(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_escapes_controls_and_cuts() {
        assert_eq!(preview(b"hi\nthere\x00", 100), "hi\\nthere\\x00");
        assert_eq!(preview(b"abcdef", 3), "abc…");
        assert_eq!(preview(&[0xff, b'a'], 10), "\\xffa");
    }

    #[test]
    fn both_propagates_the_real_error_not_the_cancel_it_caused() {
        let cancel = Cancel::new();
        let result: Result<((), ()), LabError> = both(
            &cancel,
            |c| {
                // The server waits until cancelled by the client's failure.
                pause(c, Duration::from_secs(5))?;
                Ok(())
            },
            |_| Err(LabError::Failed("client broke".into())),
        );
        assert!(matches!(result, Err(LabError::Failed(m)) if m == "client broke"));
        assert!(!cancel.is_cancelled());
    }
}
