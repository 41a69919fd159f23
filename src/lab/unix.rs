//! `unix` — the same echo over an AF_UNIX stream socket (a path in the file
//! system, same machine only) and over AF_INET (127.0.0.1): same API, different
//! address family. The socket file lives in a temp dir and is removed afterwards.

use std::io::{Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::io::{self, POLL};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the unix lab.
    pub struct UnixParams for Unix {
        /// Round trips per address family.
        count: u64 = "1000", "count", Int { min: 1, max: 100_000 }, "lab.opt.count";
        message: String = "hello", "message", Text { max_len: 4096 }, "lab.opt.message";
    }
}

/// Echo results over one address family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EchoResult {
    pub messages: u64,
    /// Round trips whose reply matched byte for byte.
    pub echoed: u64,
    /// Median round-trip time, microseconds.
    pub rtt_us: u64,
    /// Where the server listened: a path or 127.0.0.1:port.
    pub address: String,
}

/// What the unix lab observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnixReport {
    pub unix: EchoResult,
    pub inet: EchoResult,
    /// The socket file existed, as a socket, while the server ran.
    pub socket_file_seen: bool,
    /// It is gone after the lab (removed, then its temp dir too).
    pub socket_file_removed: bool,
}

/// Echo every byte back until EOF.
fn echo_server(stream: &mut (impl Read + Write), cancel: &Cancel) -> Result<(), LabError> {
    let mut buf = [0u8; 8192];
    loop {
        let n = io::read_some(stream, &mut buf, cancel, "recv")?;
        if n == 0 {
            return Ok(());
        }
        io::write_all(stream, &buf[..n], cancel, "send")?;
    }
}

/// `count` round trips; returns (echoed, median rtt µs).
fn echo_client(
    stream: &mut (impl Read + Write),
    params: &UnixParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<(u64, u64), LabError> {
    let message = params.message.as_bytes();
    let mut reply = vec![0u8; message.len()];
    let mut rtts = Vec::with_capacity(params.count as usize);
    let mut echoed = 0;
    let step = (params.count / 50).max(1);
    for i in 0..params.count {
        let start = Instant::now();
        io::write_all(stream, message, cancel, "send")?;
        if !io::read_exact(stream, &mut reply, cancel, "recv echo")? {
            return Err(LabError::Failed("echo server closed early".into()));
        }
        rtts.push(u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX));
        if reply == message {
            echoed += 1;
        }
        if i % step == 0 || i + 1 == params.count {
            sink.event(LabEvent::Progress {
                done: i + 1,
                total: params.count,
            });
        }
    }
    rtts.sort_unstable();
    Ok((echoed, rtts.get(rtts.len() / 2).copied().unwrap_or(0)))
}

fn is_socket_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket())
}

/// The lab's temp dirs are `nettutor-unix-<pid>-<random>`: the pid says
/// whose it is.
const DIR_PREFIX: &str = "nettutor-unix-";

/// Removes the dirs of earlier runs that were killed (SIGKILL gives no chance
/// to clean up): ours by name and owner, their process gone, holding nothing
/// but the lab's socket file.
pub fn remove_stale_dirs(tmp: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(DIR_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<libc::pid_t>().ok())
        else {
            continue;
        };
        let dir = entry.path();
        let ours = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir() && m.uid() == uid);
        if !ours || process_alive(pid) {
            continue;
        }
        let only_socket = std::fs::read_dir(&dir).is_ok_and(|mut files| {
            files
                .all(|f| f.is_ok_and(|f| f.file_name() == "echo.sock" && is_socket_file(&f.path())))
        });
        if only_socket {
            let _ = std::fs::remove_file(dir.join("echo.sock"));
            let _ = std::fs::remove_dir(&dir);
        }
    }
}

fn process_alive(pid: libc::pid_t) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Run the echo over AF_UNIX, then over AF_INET.
pub fn run(
    params: &UnixParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<UnixReport, LabError> {
    sink.event(LabEvent::Phase {
        key: "lab.unix.phase.unix",
    });
    remove_stale_dirs(&std::env::temp_dir());
    let dir = tempfile::Builder::new()
        .prefix(&format!("{DIR_PREFIX}{}-", std::process::id()))
        .tempdir()
        .map_err(|e| LabError::io("create temp dir", e))?;
    let path = dir.path().join("echo.sock");
    let listener = UnixListener::bind(&path).map_err(|e| LabError::io("bind AF_UNIX", e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| LabError::io("set non-blocking", e))?;
    let socket_file_seen = is_socket_file(&path);
    let unix_result = io::both(
        cancel,
        |cancel| {
            let mut stream = io::accept_unix(&listener, cancel)?;
            echo_server(&mut stream, cancel)
        },
        |cancel| {
            let mut stream =
                UnixStream::connect(&path).map_err(|e| LabError::io("connect AF_UNIX", e))?;
            let setup = || -> std::io::Result<()> {
                stream.set_read_timeout(Some(POLL))?;
                stream.set_write_timeout(Some(POLL))
            };
            setup().map_err(|e| LabError::io("set socket timeouts", e))?;
            let result = echo_client(&mut stream, params, sink, cancel);
            stream
                .shutdown(std::net::Shutdown::Write)
                .map_err(|e| LabError::io("shutdown", e))?;
            result
        },
    );
    // Closing a Unix listener does not remove its file: the server must unlink it,
    // or the next bind() fails with "Address already in use".
    drop(listener);
    let _ = std::fs::remove_file(&path);
    let address = path.display().to_string();
    drop(dir);
    let socket_file_removed = !path.exists();
    let ((), (unix_echoed, unix_rtt)) = unix_result?;

    sink.event(LabEvent::Phase {
        key: "lab.unix.phase.inet",
    });
    let tcp = io::tcp_listener()?;
    let addr = tcp
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let ((), (inet_echoed, inet_rtt)) = io::both(
        cancel,
        |cancel| {
            let mut stream = io::accept(&tcp, cancel)?;
            echo_server(&mut stream, cancel)
        },
        |cancel| {
            let mut stream = io::connect(addr)?;
            stream
                .set_nodelay(true)
                .map_err(|e| LabError::io("set TCP_NODELAY", e))?;
            let result = echo_client(&mut stream, params, sink, cancel);
            stream
                .shutdown(std::net::Shutdown::Write)
                .map_err(|e| LabError::io("shutdown", e))?;
            result
        },
    )?;
    Ok(UnixReport {
        unix: EchoResult {
            messages: params.count,
            echoed: unix_echoed,
            rtt_us: unix_rtt,
            address,
        },
        inet: EchoResult {
            messages: params.count,
            echoed: inet_echoed,
            rtt_us: inet_rtt,
            address: addr.to_string(),
        },
        socket_file_seen,
        socket_file_removed,
    })
}

impl LabOutcome for UnixReport {
    fn observed(&self) -> u64 {
        self.unix.echoed
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let row = |family: &str, r: &EchoResult| {
            tf(
                lang,
                "lab.unix.row",
                &[
                    ("family", family),
                    ("address", &r.address),
                    ("echoed", &r.echoed.to_string()),
                    ("messages", &r.messages.to_string()),
                    ("rtt", &r.rtt_us.to_string()),
                ],
            )
        };
        let removed = if self.socket_file_removed {
            "lab.unix.removed"
        } else {
            "lab.unix.not-removed"
        };
        vec![
            row("AF_UNIX", &self.unix),
            row("AF_INET", &self.inet),
            t(lang, removed).to_string(),
            t(lang, "lab.unix.lesson").to_string(),
        ]
    }
}
