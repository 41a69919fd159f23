//! The presenter console's link to a running presentation: a Unix socket per
//! presentation in a private per-user directory ([`socket`]), JSON lines
//! ([`proto`]), the presentation's listener ([`hub`]) and the console's end
//! ([`Link`]). Local only: no network socket is ever opened.

pub mod hub;
pub mod proto;
pub mod socket;

use std::io::{self, BufReader, Write as _};
use std::os::unix::net::UnixStream;
use std::path::Path;

use self::proto::{ClientMsg, Key, ReadLine, Role, ServerMsg};
pub use self::socket::Found;

/// Why no presentation could be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choose {
    None,
    Several(Vec<String>),
    NoSuchId(String),
}

/// The presentation to attach to: `id` if given, else the only one running.
pub fn choose(found: Vec<Found>, id: Option<&str>) -> Result<Found, Choose> {
    match id {
        Some(id) => found
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| Choose::NoSuchId(id.to_string())),
        None if found.len() > 1 => Err(Choose::Several(found.into_iter().map(|f| f.id).collect())),
        None => found.into_iter().next().ok_or(Choose::None),
    }
}

/// A console's connection: keys go out on it; the reader half comes with it.
pub struct Link {
    stream: UnixStream,
}

impl Link {
    /// Attaches to the presentation listening at `path` as a console.
    pub fn attach(path: &Path) -> io::Result<(Link, Reader)> {
        let stream = UnixStream::connect(path)?;
        stream.set_write_timeout(Some(socket::ANSWER_TIMEOUT))?;
        let link = Link { stream };
        link.send(&ClientMsg::Hello {
            role: Role::Console,
        })?;
        let reader = Reader {
            inner: BufReader::new(link.stream.try_clone()?),
        };
        Ok((link, reader))
    }

    /// A presenter's key for the projected screen.
    pub fn key(&self, key: Key) -> io::Result<()> {
        self.send(&ClientMsg::Key { key })
    }

    fn send(&self, msg: &ClientMsg) -> io::Result<()> {
        let mut line = proto::encode(msg);
        line.push('\n');
        (&mut &self.stream).write_all(line.as_bytes())
    }
}

/// The presentation's messages, as they come.
pub struct Reader {
    inner: BufReader<UnixStream>,
}

impl Reader {
    /// The next message (blocking); `Ended` also when the connection closed.
    pub fn next_msg(&mut self) -> io::Result<ServerMsg> {
        match proto::read_line(&mut self.inner, proto::MAX_LINE)? {
            ReadLine::End => Ok(ServerMsg::Ended),
            ReadLine::Line(line) => {
                proto::decode(&line).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
            }
        }
    }
}

#[cfg(test)]
mod tests;
