//! Where presentations listen, and who may talk to them.
//!
//! Each presentation listens on `ID.sock` (ID: its process id) in a private
//! directory: `$XDG_RUNTIME_DIR/nettutor/`, or `nettutor-UID/` in the temporary
//! directory when `XDG_RUNTIME_DIR` is not set. The directory is mode 0700 and
//! must belong to us (a directory someone else made in /tmp is refused), the
//! socket 0600, and a connection from another user (SO_PEERCRED) is closed at
//! once. A socket left by a presentation that did not end cleanly (SIGKILL) has
//! no listener: it is removed when found.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _, PermissionsExt as _};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::proto::{self, ClientMsg, ReadLine, Role, ServerMsg, State};

/// How long a client waits for a presentation's answer (a hello, a state).
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// Our user id.
pub fn our_uid() -> u32 {
    // SAFETY: getuid cannot fail and touches no memory.
    unsafe { libc::getuid() }
}

/// The directory the sockets go in (not created): `$XDG_RUNTIME_DIR/nettutor`
/// when that is set to an absolute path, else `nettutor-UID` in the temporary
/// directory.
pub fn default_dir() -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir.join("nettutor"),
        _ => std::env::temp_dir().join(format!("nettutor-{}", our_uid())),
    }
}

/// Creates `dir` (mode 0700) if needed and checks that it is ours and private:
/// a real directory (not a symlink), owned by us; group or other permissions
/// on our own directory are taken away.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    match fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
    {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = fs::symlink_metadata(dir)?;
    if !meta.file_type().is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    if meta.uid() != our_uid() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} belongs to another user (uid {}): not using it",
                dir.display(),
                meta.uid()
            ),
        ));
    }
    if meta.mode() & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// The socket of presentation `id` in `dir`.
pub fn socket_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.sock"))
}

/// Whether an id is one we could have made (digits and letters only, so it
/// names a file in `dir` and nothing else).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Refuses a peer that is not `uid` (SO_PEERCRED: the user of the process that
/// connected, as the kernel saw it).
pub fn check_peer(stream: &UnixStream, uid: u32) -> io::Result<()> {
    use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
    let cred = getsockopt(stream, PeerCredentials).map_err(io::Error::from)?;
    peer_allowed(cred.uid(), uid)
}

/// The rule of [`check_peer`]: only our own user.
pub fn peer_allowed(peer: u32, ours: u32) -> io::Result<()> {
    if peer == ours {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("a connection from uid {peer}, not ours ({ours}): refused"),
        ))
    }
}

/// A running presentation found in the directory.
#[derive(Debug, Clone)]
pub struct Found {
    pub id: String,
    pub path: PathBuf,
    /// Its state, when it answered in time.
    pub state: Option<State>,
}

/// The presentations listening in `dir`, by id; sockets without a listener
/// are removed on the way. A missing directory: none.
pub fn list(dir: &Path) -> io::Result<Vec<Found>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".sock")) else {
            continue;
        };
        if !valid_id(id) {
            continue;
        }
        let path = entry.path();
        match UnixStream::connect(&path) {
            Ok(stream) => found.push(Found {
                id: id.to_string(),
                state: peek(stream).ok(),
                path,
            }),
            Err(e) if is_stale(&e) => {
                let _ = fs::remove_file(&path);
            }
            Err(_) => {}
        }
    }
    found.sort_by(|a, b| {
        let n = |f: &Found| f.id.parse::<u64>().unwrap_or(u64::MAX);
        n(a).cmp(&n(b)).then_with(|| a.id.cmp(&b.id))
    });
    Ok(found)
}

/// A connect error that means nobody listens there any more.
pub fn is_stale(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::ConnectionRefused
}

/// Asks a presentation for its state once (role `peek`).
fn peek(stream: UnixStream) -> io::Result<State> {
    stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
    stream.set_write_timeout(Some(ANSWER_TIMEOUT))?;
    let mut line = proto::encode(&ClientMsg::Hello { role: Role::Peek });
    line.push('\n');
    io::Write::write_all(&mut &stream, line.as_bytes())?;
    let mut r = io::BufReader::new(&stream);
    match proto::read_line(&mut r, proto::MAX_LINE)? {
        ReadLine::Line(l) => match proto::decode::<ServerMsg>(&l) {
            Ok(ServerMsg::State(state)) => Ok(*state),
            Ok(ServerMsg::Error { message }) => Err(io::Error::other(message)),
            Ok(ServerMsg::Ended) => Err(io::Error::other("the presentation ended")),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        },
        ReadLine::End => Err(io::ErrorKind::UnexpectedEof.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_private_directory_is_made_0700_and_must_be_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run/nettutor");
        private_dir(&dir).unwrap();
        let mode = fs::metadata(&dir).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o700);
        // Our own directory opened to others is closed again.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
        // A symlink (someone's trap in /tmp) is not a directory of ours.
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert!(private_dir(&link).is_err());
        // A file is not a directory.
        let file = tmp.path().join("file");
        fs::write(&file, "").unwrap();
        assert!(private_dir(&file).is_err());
    }

    #[test]
    fn a_peer_of_another_user_is_refused() {
        let (a, _b) = UnixStream::pair().unwrap();
        check_peer(&a, our_uid()).unwrap();
        // The same real socket, checked as if we were another user: that is
        // what a connection from another uid looks like to the check.
        let err = check_peer(&a, our_uid().wrapping_add(1)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert!(peer_allowed(1000, 1000).is_ok());
        assert!(peer_allowed(0, 1000).is_err());
        assert!(peer_allowed(1001, 1000).is_err());
    }

    #[test]
    fn ids_name_only_files_in_the_directory() {
        assert!(valid_id("12345"));
        for bad in ["", "../x", "a/b", "a.sock", "x y", &"9".repeat(33)] {
            assert!(!valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn stale_sockets_are_removed_when_listed() {
        let tmp = tempfile::tempdir().unwrap();
        let path = socket_path(tmp.path(), "77");
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert!(path.exists(), "a listener's file outlives it");
        fs::write(tmp.path().join("notes.txt"), "").unwrap();
        assert!(list(tmp.path()).unwrap().is_empty());
        assert!(!path.exists(), "the stale socket is gone");
        assert!(tmp.path().join("notes.txt").exists(), "other files stay");
        assert!(list(&tmp.path().join("missing")).unwrap().is_empty());
    }
}
