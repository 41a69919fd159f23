//! The presentation's side: a listener on the presentation's socket, one
//! thread per connection, and what the app publishes.
//!
//! The app never waits for a console. [`Hub::publish`] only puts the state's
//! line on each console's bounded queue (`try_send`); a writer thread per
//! console writes it out with a write timeout. A console whose queue is full
//! (it stopped reading) or whose socket failed is dropped. Every thread blocks
//! (in `accept`, `read`, `recv`): an idle presentation uses no CPU. What a
//! console sends comes to the app through `on_event`, which puts it on the
//! app's event channel — the same one the terminal's keys arrive on.

use std::fs;
use std::io::{self, BufReader, Write as _};
use std::net::Shutdown;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::proto::{self, ClientMsg, Key, ReadLine, Role, ServerMsg, State};
use super::socket;

/// Lines a console may have waiting before it counts as dead.
pub const QUEUE: usize = 32;

/// How long a write to a console may block its writer thread.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// What consoles tell the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HubEvent {
    /// A presenter's key.
    Key(Key),
    /// The number of consoles attached changed.
    Consoles(usize),
}

type OnEvent = dyn Fn(HubEvent) + Send + Sync;

struct Client {
    id: u64,
    queue: SyncSender<Arc<str>>,
    stream: UnixStream,
}

struct Shared {
    clients: Mutex<Vec<Client>>,
    /// The last state published (sent to a console when it attaches).
    last: Mutex<Option<Arc<str>>>,
    next_client: AtomicU64,
    on_event: Box<OnEvent>,
    uid: u32,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    fn consoles(&self) -> usize {
        lock(&self.clients).len()
    }

    /// Drops console `id` (if still there) and tells the app.
    fn drop_client(&self, id: u64) {
        let removed = {
            let mut clients = lock(&self.clients);
            let before = clients.len();
            clients.retain(|c| {
                if c.id == id {
                    let _ = c.stream.shutdown(Shutdown::Both);
                }
                c.id != id
            });
            (clients.len() != before).then_some(clients.len())
        };
        if let Some(n) = removed {
            (self.on_event)(HubEvent::Consoles(n));
        }
    }
}

/// The socket of a running presentation. Dropping it removes the socket file
/// and lets every console go (they see the end of the stream).
pub struct Hub {
    id: String,
    path: PathBuf,
    shared: Arc<Shared>,
}

/// The socket file of the hub of this process, for the ways out that skip
/// destructors (a panic on another thread, the quit deadline's `_exit`).
static SOCKET_FILE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Removes this process's socket file now (see [`SOCKET_FILE`]); safe to call
/// more than once and from any thread.
pub fn remove_socket_file() {
    if let Ok(mut file) = SOCKET_FILE.try_lock()
        && let Some(path) = file.take()
    {
        let _ = fs::remove_file(path);
    }
}

impl Hub {
    /// Listens as presentation `id` in `dir` (made private if needed); a stale
    /// socket of that name is replaced, a live one is an error.
    pub fn start(
        dir: &Path,
        id: &str,
        on_event: impl Fn(HubEvent) + Send + Sync + 'static,
    ) -> io::Result<Hub> {
        if !socket::valid_id(id) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "a bad id"));
        }
        socket::private_dir(dir)?;
        // Whatever else is in the directory and dead goes too.
        let _ = socket::list(dir);
        let path = socket::socket_path(dir, id);
        let listener = match UnixListener::bind(&path) {
            Ok(l) => l,
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                match UnixStream::connect(&path) {
                    Err(c) if socket::is_stale(&c) => fs::remove_file(&path)?,
                    _ => return Err(e),
                }
                UnixListener::bind(&path)?
            }
            Err(e) => return Err(e),
        };
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
        *lock(&SOCKET_FILE) = Some(path.clone());
        let shared = Arc::new(Shared {
            clients: Mutex::new(Vec::new()),
            last: Mutex::new(None),
            next_client: AtomicU64::new(1),
            on_event: Box::new(on_event),
            uid: socket::our_uid(),
        });
        let accepting = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("presenter-accept".into())
            .spawn(move || accept_loop(&listener, &accepting))?;
        Ok(Hub {
            id: id.to_string(),
            path,
            shared,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Consoles attached now.
    pub fn consoles(&self) -> usize {
        self.shared.consoles()
    }

    /// Sends `state` to every console, if it changed; never blocks. A console
    /// that has [`QUEUE`] lines waiting is dropped.
    pub fn publish(&self, state: &State) {
        let line: Arc<str> = proto::encode(&ServerMsg::State(Box::new(state.clone()))).into();
        let mut dead = Vec::new();
        {
            // Held while queueing, so a console attaching now gets this line
            // either as its first or from this loop (locks: `last`, then `clients`).
            let mut last = lock(&self.shared.last);
            if last.as_deref() == Some(&*line) {
                return;
            }
            *last = Some(Arc::clone(&line));
            for c in lock(&self.shared.clients).iter() {
                match c.queue.try_send(Arc::clone(&line)) {
                    Ok(()) => {}
                    Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => dead.push(c.id),
                }
            }
        }
        for id in dead {
            self.shared.drop_client(id);
        }
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let ended: Arc<str> = proto::encode(&ServerMsg::Ended).into();
        for c in lock(&self.shared.clients).drain(..) {
            // The writer writes it and ends when its queue is gone.
            let _ = c.queue.try_send(Arc::clone(&ended));
        }
        let _ = fs::remove_file(&self.path);
        let mut file = lock(&SOCKET_FILE);
        if file.as_deref() == Some(self.path.as_path()) {
            *file = None;
        }
    }
}

fn accept_loop(listener: &UnixListener, shared: &Arc<Shared>) {
    for conn in listener.incoming() {
        let Ok(stream) = conn else {
            continue;
        };
        let shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("presenter-conn".into())
            .spawn(move || serve(stream, &shared));
        if spawned.is_err() {
            continue;
        }
    }
}

/// Writes `msg` as one line (used before a console is registered).
fn say(stream: &UnixStream, msg: &ServerMsg) {
    let mut line = proto::encode(msg);
    line.push('\n');
    let _ = (&mut &*stream).write_all(line.as_bytes());
}

/// One connection: the peer must be us and say hello; a peek gets the state
/// and the end; a console is registered, its keys read until it goes.
fn serve(stream: UnixStream, shared: &Arc<Shared>) {
    if socket::check_peer(&stream, shared.uid).is_err() {
        let _ = stream.shutdown(Shutdown::Both);
        return;
    }
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_read_timeout(Some(socket::ANSWER_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let role = match read_msg(&mut reader) {
        Ok(Some(ClientMsg::Hello { role })) => role,
        Ok(Some(ClientMsg::Key { .. })) => {
            say(
                &stream,
                &ServerMsg::Error {
                    message: "say hello first".into(),
                },
            );
            return;
        }
        Ok(None) => return,
        Err(e) => {
            say(
                &stream,
                &ServerMsg::Error {
                    message: e.to_string(),
                },
            );
            return;
        }
    };
    if role == Role::Peek {
        let last = lock(&shared.last).clone();
        match last {
            Some(line) => {
                let _ = (&mut &stream).write_all(format!("{line}\n").as_bytes());
            }
            None => say(
                &stream,
                &ServerMsg::Error {
                    message: "the presentation has not started".into(),
                },
            ),
        }
        return;
    }
    // A console: no read timeout from now on (it may sit quietly for an hour).
    let _ = stream.set_read_timeout(None);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let (queue, lines) = mpsc::sync_channel::<Arc<str>>(QUEUE);
    let id = shared.next_client.fetch_add(1, Ordering::Relaxed);
    let n = {
        let last = lock(&shared.last);
        if let Some(line) = last.as_ref() {
            let _ = queue.try_send(Arc::clone(line));
        }
        let mut clients = lock(&shared.clients);
        clients.push(Client { id, queue, stream });
        clients.len()
    };
    (shared.on_event)(HubEvent::Consoles(n));
    let writer_shared = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name("presenter-write".into())
        .spawn(move || {
            let mut out = io::BufWriter::new(&write_half);
            for line in lines {
                let ok = out
                    .write_all(line.as_bytes())
                    .and_then(|()| out.write_all(b"\n"))
                    .and_then(|()| out.flush());
                if ok.is_err() {
                    break;
                }
            }
            // The queue is gone (the hub dropped it) or the console failed.
            let _ = write_half.shutdown(Shutdown::Both);
            writer_shared.drop_client(id);
        });
    if spawned.is_err() {
        shared.drop_client(id);
        return;
    }
    loop {
        match read_msg(&mut reader) {
            Ok(Some(ClientMsg::Key { key })) => (shared.on_event)(HubEvent::Key(key)),
            Ok(Some(ClientMsg::Hello { .. })) => {}
            // The end, a broken line, another version: the console goes.
            Ok(None) | Err(_) => break,
        }
    }
    shared.drop_client(id);
}

/// The next message; `None` at the end of the stream.
fn read_msg(reader: &mut BufReader<UnixStream>) -> io::Result<Option<ClientMsg>> {
    match proto::read_line(reader, proto::MAX_LINE)? {
        ReadLine::End => Ok(None),
        ReadLine::Line(line) => proto::decode(&line)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
    }
}
