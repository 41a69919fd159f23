//! A student's side of the connection: blocking, every wait bounded.

use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::protocol::{self, ClientMsg, FrameError, FrameReader, HostMsg, Refusal, VERSION};

/// What went wrong on the student's side.
/// (Texts: `client.err.*` in `assets/i18n/ui.toml`; `Display` gives the
/// English one.)
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(crate::i18n::Lang::En))]
pub enum ClientError {
    Connect {
        addr: String,
        source: io::Error,
    },
    Io(#[from] io::Error),
    Closed,
    Frame(#[from] FrameError),
    Timeout(Duration),
    Refused {
        reason: Refusal,
        retry_after: Option<Duration>,
    },
    Unexpected,
}

impl ClientError {
    /// The message in `lang`, one line. What the host sent that is not the
    /// protocol ([`FrameError`]) stays as it is.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{t, tf};
        use crate::output_file::io_text;
        match self {
            ClientError::Connect { addr, source } => tf(
                lang,
                "client.err.connect",
                &[("addr", addr), ("reason", &io_text(source, lang))],
            ),
            ClientError::Io(e) => tf(lang, "client.err.io", &[("reason", &io_text(e, lang))]),
            ClientError::Closed => t(lang, "client.err.closed").to_string(),
            ClientError::Frame(e) => tf(lang, "client.err.frame", &[("what", &e.to_string())]),
            ClientError::Timeout(d) => {
                tf(lang, "client.err.timeout", &[("wait", &format!("{d:?}"))])
            }
            ClientError::Refused { reason, .. } => tf(
                lang,
                "client.err.refused",
                &[("reason", &reason.to_string())],
            ),
            ClientError::Unexpected => t(lang, "client.err.unexpected").to_string(),
        }
    }
}

/// The welcome a join got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Welcome {
    pub name: String,
    pub token: String,
    pub questions: usize,
    pub exam: bool,
    pub resumed: bool,
}

/// One connection to the host.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    reader: FrameReader,
    /// Print every frame sent and received on stderr: its 4-byte length
    /// header in hex, then the JSON payload (`class join --frames`).
    pub trace: bool,
}

/// One frame as `--frames` shows it: `→ 00 00 00 2f (47 bytes) {…}`.
pub fn trace_line(arrow: &str, payload: &[u8]) -> String {
    let len = u32::try_from(payload.len())
        .unwrap_or(u32::MAX)
        .to_be_bytes();
    let hex: Vec<String> = len.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{arrow} {} ({} bytes) {}",
        hex.join(" "),
        payload.len(),
        String::from_utf8_lossy(payload)
    )
}

/// The first address of `addr` (`HOST:PORT`).
pub fn resolve(addr: &str) -> Result<SocketAddr, ClientError> {
    let err = |source| ClientError::Connect {
        addr: addr.to_string(),
        source,
    };
    addr.to_socket_addrs()
        .map_err(err)?
        .next()
        .ok_or_else(|| err(io::Error::other("no address")))
}

impl Connection {
    /// Connects within `timeout`.
    pub fn connect(addr: SocketAddr, timeout: Duration) -> Result<Connection, ClientError> {
        let stream =
            TcpStream::connect_timeout(&addr, timeout).map_err(|source| ClientError::Connect {
                addr: addr.to_string(),
                source,
            })?;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(Duration::from_secs(10)))?;
        Ok(Connection {
            stream,
            reader: FrameReader::default(),
            trace: false,
        })
    }

    /// Connects and says hello; the welcome or why not.
    pub fn join(
        addr: SocketAddr,
        code: &str,
        name: &str,
        token: Option<&str>,
        timeout: Duration,
    ) -> Result<(Connection, Welcome), ClientError> {
        Connection::join_traced(addr, code, name, token, timeout, false)
    }

    /// [`Connection::join`], tracing frames when `trace`.
    pub fn join_traced(
        addr: SocketAddr,
        code: &str,
        name: &str,
        token: Option<&str>,
        timeout: Duration,
        trace: bool,
    ) -> Result<(Connection, Welcome), ClientError> {
        let mut conn = Connection::connect(addr, timeout)?;
        conn.trace = trace;
        conn.send(&ClientMsg::Hello {
            v: VERSION,
            code: code.to_string(),
            name: name.to_string(),
            token: token.map(str::to_string),
        })?;
        match conn.recv(timeout)? {
            HostMsg::Welcome {
                name,
                token,
                questions,
                exam,
                resumed,
                ..
            } => Ok((
                conn,
                Welcome {
                    name,
                    token,
                    questions,
                    exam,
                    resumed,
                },
            )),
            HostMsg::Refused {
                reason,
                retry_after_ms,
            } => Err(ClientError::Refused {
                reason,
                retry_after: retry_after_ms.map(Duration::from_millis),
            }),
            _ => Err(ClientError::Unexpected),
        }
    }

    pub fn send(&mut self, msg: &ClientMsg) -> Result<(), ClientError> {
        let frame = protocol::encode(msg);
        if self.trace {
            eprintln!("{}", trace_line("→", &frame[4..]));
        }
        self.stream.write_all(&frame)?;
        Ok(())
    }

    /// Raw bytes, for tests of what the host does with bad ones.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// The next message, waiting at most `timeout`.
    pub fn recv(&mut self, timeout: Duration) -> Result<HostMsg, ClientError> {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 16 * 1024];
        loop {
            if let Some(payload) = self.reader.next_frame()? {
                if self.trace {
                    eprintln!("{}", trace_line("←", &payload));
                }
                return Ok(protocol::decode(&payload)?);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(ClientError::Timeout(timeout));
            }
            self.stream.set_read_timeout(Some(left))?;
            match self.stream.read(&mut buf) {
                Ok(0) => return Err(ClientError::Closed),
                Ok(n) => self.reader.push(&buf[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The messages until one `pick` takes (or the timeout).
    pub fn recv_until<T>(
        &mut self,
        timeout: Duration,
        mut pick: impl FnMut(&HostMsg) -> Option<T>,
    ) -> Result<T, ClientError> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self.recv(left.max(Duration::from_millis(1)))?;
            if let Some(v) = pick(&msg) {
                return Ok(v);
            }
        }
    }

    /// Another handle on the same socket (a reader thread keeps one).
    pub fn try_clone(&self) -> io::Result<Connection> {
        Ok(Connection {
            stream: self.stream.try_clone()?,
            reader: FrameReader::default(),
            trace: self.trace,
        })
    }

    /// The socket itself (bytes already buffered here are dropped).
    pub fn into_stream(self) -> TcpStream {
        self.stream
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }

    pub fn shutdown(&self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}
