//! Two programs talking over loopback, driven line by line: the engine under the
//! chat and time exercises. A [`DuplexSession`] owns a server end and a client end,
//! each on its own thread; the front end queues lines with
//! [`DuplexSession::say`] (never blocks) and watches [`LabEvent::Line`] events.
//!
//! Over TCP each line travels newline-terminated (escaped, see `codec`): a stream
//! needs framing even for a chat. Over UDP each line is one datagram, and the server
//! learns where to answer from recvfrom().
//!
//! Each server talks to its own client only. The UDP client is `connect()`ed
//! (the kernel then delivers it nothing but the server's datagrams); the UDP
//! server answers only the client the lab started, and a datagram from any
//! other address is shown as a stranger's and never becomes the reply address.
//! The TCP server accepts its own client's connection and closes any other.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use serde::Serialize;

use super::codec::{DelimiterDecoder, encode_delimited};
use super::io;
use super::{Cancel, LabError, LabEvent, LabSink, Side, Transport};

/// How the server end answers.
#[derive(Debug, Clone, Copy)]
pub enum ServerRole {
    /// A person types the server's lines (chat).
    Manual,
    /// Every line received is answered at once by this function (time servers).
    Reply(fn(&str) -> String),
}

/// One line of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranscriptLine {
    /// Who wrote it.
    pub from: Side,
    pub text: String,
}

type Transcript = Arc<Mutex<Vec<TranscriptLine>>>;

/// A running server/client pair. Dropping it (or [`DuplexSession::close`]) stops
/// both ends and joins their threads.
pub struct DuplexSession {
    transport: Transport,
    /// Where the server listens (tests play the stranger there).
    server_addr: SocketAddr,
    cancel: Cancel,
    server_out: Sender<String>,
    client_out: Sender<String>,
    transcript: Transcript,
    threads: Vec<JoinHandle<Result<(), LabError>>>,
}

/// Where one end reads and writes.
enum Wire {
    Tcp(TcpStream, DelimiterDecoder),
    /// A UDP client `connect()`ed to its server: send() and recv().
    UdpClient(UdpSocket),
    /// A UDP server: its own client's address, and whether it has heard from
    /// it yet (it may not speak before: it learns the address from recvfrom()).
    UdpServer {
        socket: UdpSocket,
        client: SocketAddr,
        heard: bool,
    },
}

struct End {
    side: Side,
    role: ServerRole,
    outbox: Receiver<String>,
    sink: Arc<dyn LabSink>,
    transcript: Transcript,
    cancel: Cancel,
}

/// The word that ends the conversation, sent or received.
pub const BYE: &str = "bye";

impl End {
    fn record(&self, from: Side, text: &str) {
        self.sink.event(LabEvent::Line {
            side: self.side,
            sent: from == self.side,
            text: text.to_string(),
        });
        // Both ends see every line; record it once, by the receiving end.
        if from != self.side {
            self.transcript
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(TranscriptLine {
                    from,
                    text: text.to_string(),
                });
        }
    }

    fn send(&self, wire: &mut Wire, line: &str) -> Result<bool, LabError> {
        match wire {
            Wire::Tcp(stream, _) => {
                io::write_all(
                    stream,
                    &encode_delimited(line.as_bytes()),
                    &self.cancel,
                    "send",
                )?;
            }
            Wire::UdpClient(socket) => {
                io::patiently(&self.cancel, io::deadline(), "send", || {
                    socket.send(line.as_bytes())
                })?;
            }
            Wire::UdpServer {
                socket,
                client,
                heard,
            } => {
                if !*heard {
                    self.sink.event(LabEvent::log("lab.session.udp-no-peer"));
                    return Ok(false);
                }
                let to = *client;
                io::patiently(&self.cancel, io::deadline(), "sendto", || {
                    socket.send_to(line.as_bytes(), to)
                })?;
            }
        }
        self.record(self.side, line);
        Ok(true)
    }

    /// Lines that arrived within one poll interval; `None` at end of stream.
    fn receive(&self, wire: &mut Wire) -> Result<Option<Vec<String>>, LabError> {
        let mut buf = [0u8; 2048];
        let timeout = |e: &std::io::Error| {
            matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock
                    | std::io::ErrorKind::TimedOut
                    | std::io::ErrorKind::Interrupted
            )
        };
        match wire {
            Wire::Tcp(stream, decoder) => match stream.read(&mut buf) {
                Ok(0) => Ok(None),
                Ok(n) => Ok(Some(
                    decoder
                        .push(&buf[..n])
                        .into_iter()
                        .map(|l| String::from_utf8_lossy(&l).into_owned())
                        .collect(),
                )),
                Err(e) if timeout(&e) => Ok(Some(Vec::new())),
                Err(e) => Err(LabError::io("recv", e)),
            },
            Wire::UdpClient(socket) => match socket.recv(&mut buf) {
                Ok(n) => Ok(Some(vec![String::from_utf8_lossy(&buf[..n]).into_owned()])),
                Err(e) if timeout(&e) => Ok(Some(Vec::new())),
                Err(e) => Err(LabError::io("recv", e)),
            },
            Wire::UdpServer {
                socket,
                client,
                heard,
            } => match socket.recv_from(&mut buf) {
                Ok((n, from)) if from == *client => {
                    *heard = true;
                    Ok(Some(vec![String::from_utf8_lossy(&buf[..n]).into_owned()]))
                }
                Ok((n, from)) => {
                    // Not our client: shown, never answered, never the reply address.
                    self.sink.event(LabEvent::log_with(
                        "lab.session.stranger",
                        &[
                            ("from", from.to_string()),
                            ("text", io::preview(&buf[..n], 80)),
                        ],
                    ));
                    Ok(Some(Vec::new()))
                }
                Err(e) if timeout(&e) => Ok(Some(Vec::new())),
                Err(e) => Err(LabError::io("recvfrom", e)),
            },
        }
    }

    /// The end's loop: send queued lines, read arrived ones, stop on "bye",
    /// end of stream or cancel.
    fn serve(self, mut wire: Wire) -> Result<(), LabError> {
        let peer = match self.side {
            Side::Server => Side::Client,
            Side::Client => Side::Server,
        };
        loop {
            if self.cancel.is_cancelled() {
                return Ok(());
            }
            loop {
                match self.outbox.try_recv() {
                    Ok(line) => {
                        let sent = self.send(&mut wire, &line)?;
                        if sent && line.trim() == BYE {
                            return Ok(());
                        }
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return Ok(()),
                }
            }
            let Some(lines) = self.receive(&mut wire)? else {
                self.sink.event(LabEvent::log("lab.session.peer-closed"));
                return Ok(());
            };
            for line in lines {
                self.record(peer, &line);
                if line.trim() == BYE {
                    return Ok(());
                }
                if let (Side::Server, ServerRole::Reply(answer)) = (self.side, self.role) {
                    self.send(&mut wire, &answer(&line))?;
                }
            }
        }
    }
}

/// Accept connections until the one from `client` arrives; any other is
/// reported as a stranger's and closed at once.
fn accept_own(
    listener: &TcpListener,
    client: SocketAddr,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<TcpStream, LabError> {
    loop {
        let stream = io::accept(listener, cancel)?;
        match stream.peer_addr() {
            Ok(peer) if peer == client => return Ok(stream),
            Ok(peer) => sink.event(LabEvent::log_with(
                "lab.session.stranger-connect",
                &[("from", peer.to_string())],
            )),
            // Gone already (reset before we looked): nothing to serve.
            Err(_) => {}
        }
        // Dropping `stream` closes the stranger's connection.
    }
}

impl DuplexSession {
    /// Start a server and a client on loopback over `transport`.
    pub fn start(
        transport: Transport,
        role: ServerRole,
        sink: Arc<dyn LabSink>,
    ) -> Result<DuplexSession, LabError> {
        let cancel = Cancel::new();
        let transcript: Transcript = Arc::default();
        let (server_out, server_in) = mpsc::channel();
        let (client_out, client_in) = mpsc::channel();
        let end = |side, outbox| End {
            side,
            role,
            outbox,
            sink: Arc::clone(&sink),
            transcript: Arc::clone(&transcript),
            cancel: cancel.clone(),
        };
        let server = end(Side::Server, server_in);
        let client = end(Side::Client, client_in);
        let mut session = DuplexSession {
            transport,
            server_addr: io::loopback_any_port(),
            cancel: cancel.clone(),
            server_out,
            client_out,
            transcript: Arc::clone(&transcript),
            threads: Vec::new(),
        };
        match transport {
            Transport::Tcp => {
                let listener: TcpListener = io::tcp_listener()?;
                let addr = listener
                    .local_addr()
                    .map_err(|e| LabError::io("local address", e))?;
                session.server_addr = addr;
                // The client connects first (the kernel completes the handshake
                // and queues it for accept()), so the server knows its address.
                let stream = io::connect(addr)?;
                let client_addr = stream
                    .local_addr()
                    .map_err(|e| LabError::io("local address", e))?;
                session.spawn("lab-server", move || {
                    let stream = accept_own(&listener, client_addr, &*server.sink, &server.cancel)?;
                    drop(listener);
                    server.serve(Wire::Tcp(stream, DelimiterDecoder::default()))
                })?;
                session.spawn("lab-client", move || {
                    client.serve(Wire::Tcp(stream, DelimiterDecoder::default()))
                })?;
            }
            Transport::Udp => {
                let server_socket = io::udp_socket()?;
                let addr = server_socket
                    .local_addr()
                    .map_err(|e| LabError::io("local address", e))?;
                session.server_addr = addr;
                let client_socket = io::udp_socket()?;
                client_socket
                    .connect(addr)
                    .map_err(|e| LabError::io("connect UDP socket", e))?;
                let client_addr = client_socket
                    .local_addr()
                    .map_err(|e| LabError::io("local address", e))?;
                session.spawn("lab-server", move || {
                    server.serve(Wire::UdpServer {
                        socket: server_socket,
                        client: client_addr,
                        heard: false,
                    })
                })?;
                session.spawn("lab-client", move || {
                    client.serve(Wire::UdpClient(client_socket))
                })?;
            }
        }
        Ok(session)
    }

    fn spawn(
        &mut self,
        name: &str,
        body: impl FnOnce() -> Result<(), LabError> + Send + 'static,
    ) -> Result<(), LabError> {
        let handle = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(body)
            .map_err(|e| LabError::io("start thread", e))?;
        self.threads.push(handle);
        Ok(())
    }

    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// The server's address (127.0.0.1 and an ephemeral port).
    pub fn server_addr(&self) -> SocketAddr {
        self.server_addr
    }

    /// Queue `line` to be sent by `side` (returns at once).
    pub fn say(&self, side: Side, line: &str) -> Result<(), LabError> {
        let outbox = match side {
            Side::Server => &self.server_out,
            Side::Client => &self.client_out,
        };
        outbox
            .send(line.to_string())
            .map_err(|_| LabError::Failed("that end has already closed".to_string()))
    }

    /// Every line received so far, in order.
    pub fn transcript(&self) -> Vec<TranscriptLine> {
        self.transcript
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether both ends have finished (after "bye", end of stream or an error).
    pub fn is_finished(&self) -> bool {
        self.threads.iter().all(JoinHandle::is_finished)
    }

    /// Stop both ends, join them, and return the transcript (or the first error).
    pub fn close(mut self) -> Result<Vec<TranscriptLine>, LabError> {
        self.stop()?;
        Ok(self.transcript())
    }

    fn stop(&mut self) -> Result<(), LabError> {
        self.cancel.cancel();
        let mut first = Ok(());
        for handle in self.threads.drain(..) {
            let result = handle
                .join()
                .unwrap_or_else(|_| Err(LabError::Failed("session thread panicked".into())));
            // Being stopped is how a session normally ends, not an error.
            let result = match result {
                Err(LabError::Cancelled) => Ok(()),
                other => other,
            };
            if first.is_ok() {
                first = result;
            }
        }
        first
    }
}

impl Drop for DuplexSession {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Play a script headless: each `(side, line)` is sent, then the next waits until
/// the other end has received it (and, for a replying server, until the reply is
/// back). Events are forwarded to `sink`. Returns the transcript.
pub fn play(
    transport: Transport,
    role: ServerRole,
    script: &[(Side, &str)],
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<Vec<TranscriptLine>, LabError> {
    let (tx, rx) = mpsc::channel::<LabEvent>();
    let session = DuplexSession::start(transport, role, Arc::new(tx))?;
    let forward = |until: &dyn Fn() -> bool| -> Result<(), LabError> {
        let end = io::deadline();
        loop {
            while let Ok(ev) = rx.try_recv() {
                sink.event(ev);
            }
            if until() {
                return Ok(());
            }
            cancel.check()?;
            if std::time::Instant::now() > end {
                return Err(LabError::Timeout("the other end of the conversation"));
            }
            if let Ok(ev) = rx.recv_timeout(io::POLL) {
                sink.event(ev);
            }
        }
    };
    let mut expected = 0usize;
    for (side, line) in script {
        session.say(*side, line)?;
        expected += 1;
        let replies = matches!(role, ServerRole::Reply(_));
        if replies && *side == Side::Client && line.trim() != BYE {
            expected += 1;
        }
        forward(&|| session.transcript().len() >= expected)?;
        if line.trim() == BYE {
            forward(&|| session.is_finished())?;
        }
    }
    let transcript = session.close()?;
    while let Ok(ev) = rx.try_recv() {
        sink.event(ev);
    }
    Ok(transcript)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// Events until `want` matches one (at most 10 s).
    fn wait_for(rx: &Receiver<LabEvent>, want: impl Fn(&LabEvent) -> bool) -> LabEvent {
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if let Ok(ev) = rx.recv_timeout(Duration::from_millis(50))
                && want(&ev)
            {
                return ev;
            }
        }
        panic!("the awaited event never came");
    }

    #[test]
    fn udp_server_answers_its_own_client_and_shows_a_stranger_as_such() {
        let (tx, rx) = mpsc::channel();
        let session =
            DuplexSession::start(Transport::Udp, ServerRole::Manual, Arc::new(tx)).unwrap();
        // A stranger speaks first: a server that learns its peer from the last
        // recvfrom() would now answer the stranger.
        let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
        stranger
            .send_to(b"let me in", session.server_addr())
            .unwrap();
        let ev = wait_for(
            &rx,
            |ev| matches!(ev, LabEvent::Log { key, .. } if *key == "lab.session.stranger"),
        );
        let LabEvent::Log { args, .. } = ev else {
            panic!("not a log: {ev:?}");
        };
        let from = stranger.local_addr().unwrap().to_string();
        assert!(args.contains(&("from", from)), "{args:?}");
        assert!(
            args.contains(&("text", "let me in".to_string())),
            "{args:?}"
        );
        session.say(Side::Client, "hello").unwrap();
        wait_for(
            &rx,
            |ev| matches!(ev, LabEvent::Line { side: Side::Server, sent: false, text } if text == "hello"),
        );
        session.say(Side::Server, "hi, client").unwrap();
        wait_for(
            &rx,
            |ev| matches!(ev, LabEvent::Line { side: Side::Client, sent: false, text } if text == "hi, client"),
        );
        // The reply went to the client; the stranger got nothing.
        stranger.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 64];
        assert!(
            stranger.recv_from(&mut buf).is_err(),
            "the stranger was answered"
        );
        let transcript = session.close().unwrap();
        assert!(
            transcript.iter().all(|l| l.text != "let me in"),
            "a stranger's datagram is not part of the conversation: {transcript:?}"
        );
    }

    #[test]
    fn tcp_server_accepts_its_own_client_and_closes_a_stranger() {
        use std::io::Read as _;
        let listener = io::tcp_listener().unwrap();
        let addr = listener.local_addr().unwrap();
        // The stranger is first in the accept queue.
        let mut stranger = TcpStream::connect(addr).unwrap();
        let own = TcpStream::connect(addr).unwrap();
        let (tx, rx) = mpsc::channel();
        let accepted =
            accept_own(&listener, own.local_addr().unwrap(), &tx, &Cancel::new()).unwrap();
        assert_eq!(accepted.peer_addr().unwrap(), own.local_addr().unwrap());
        let ev = rx.try_recv().unwrap();
        assert!(
            matches!(&ev, LabEvent::Log { key, args } if *key == "lab.session.stranger-connect"
                && args[0].1 == stranger.local_addr().unwrap().to_string()),
            "{ev:?}"
        );
        // The stranger's connection was closed: end of stream (or a reset).
        stranger
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut buf = [0u8; 8];
        match stranger.read(&mut buf) {
            Ok(0) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            other => panic!("the stranger's connection is still open: {other:?}"),
        }
    }
}
