//! Namespaces, unprivileged: the lab process enters a new user namespace and a
//! first network namespace with one `unshare(CLONE_NEWUSER | CLONE_NEWNET)` —
//! which the kernel refuses to a multi-threaded process, hence the child
//! process — and maps the student's uid and gid to 0 inside. Holding every
//! capability in that user namespace, it then makes one more network namespace
//! per host with `unshare(CLONE_NEWNET)` (each owned by the same user
//! namespace), keeps a file descriptor of each (`/proc/thread-self/ns/net`),
//! and moves between them with `setns`. No bind mount, no extra process: the
//! namespaces live exactly as long as those descriptors, that is as long as
//! the lab process.

use std::fs::{self, File};
use std::io;
use std::os::fd::{AsFd, AsRawFd as _, OwnedFd};
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use nix::errno::Errno;
use nix::sched::{CloneFlags, setns, unshare};
use nix::unistd::{getgid, getuid};

/// Why the lab's namespaces could not be made.
#[derive(Debug, thiserror::Error)]
pub enum NsError {
    /// The kernel refuses unprivileged user namespaces; `remedy` is the one
    /// setting that allows them here (a sysctl), or None when none is known.
    #[error("user namespaces are not available ({errno}); remedy: {}", remedy.as_deref().unwrap_or("run with sudo"))]
    NoUserNamespaces {
        errno: Errno,
        remedy: Option<String>,
    },
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        source: io::Error,
    },
}

/// One network namespace of the lab, kept alive by its descriptor.
pub struct Netns {
    fd: OwnedFd,
    /// The namespace's inode number (what `/proc/PID/ns/net` links to): a
    /// test looks for it after the lab to prove the namespace is gone.
    pub inode: u64,
}

impl Netns {
    /// Moves the calling thread into this namespace: sockets opened from now
    /// on belong to it.
    pub fn enter(&self) -> io::Result<()> {
        setns(self.fd.as_fd(), CloneFlags::CLONE_NEWNET).map_err(io::Error::from)
    }

    /// The descriptor, for `IFLA_NET_NS_FD` (put a new interface in this namespace).
    pub fn raw_fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }
}

/// The calling thread's network namespace.
fn current() -> io::Result<Netns> {
    let file = File::open("/proc/thread-self/ns/net")?;
    let inode = file.metadata()?.ino();
    Ok(Netns {
        fd: OwnedFd::from(file),
        inode,
    })
}

/// Enters a new user namespace (uid and gid mapped to 0) and a new network
/// namespace, returned. Call once, from a single-threaded process.
pub fn enter_lab_user_namespace() -> Result<Netns, NsError> {
    let (uid, gid) = (getuid(), getgid());
    if let Err(errno) = unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNET) {
        return Err(NsError::NoUserNamespaces {
            errno,
            remedy: remedy(),
        });
    }
    let io = |what| move |source| NsError::Io { what, source };
    let mapping = |what| move |e| refusal(what, e, remedy);
    // Without this an unprivileged process may not write gid_map.
    match fs::write("/proc/self/setgroups", "deny") {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(mapping("setgroups")(e)),
        _ => {}
    }
    fs::write("/proc/self/uid_map", format!("0 {uid} 1")).map_err(mapping("uid_map"))?;
    fs::write("/proc/self/gid_map", format!("0 {gid} 1")).map_err(mapping("gid_map"))?;
    current().map_err(io("network namespace"))
}

/// A refused write of the new namespace's id maps is a refusal of user
/// namespaces too: Ubuntu's AppArmor restriction
/// (`kernel.apparmor_restrict_unprivileged_userns=1`, the default from
/// 24.04) lets `unshare(CLONE_NEWUSER)` succeed and moves the process into a
/// profile without capabilities, so the first write of `uid_map` fails with
/// EPERM (`unshare --user --map-root-user` says "write failed
/// /proc/self/uid_map: Operation not permitted" there). Only when a known
/// setting explains it: any other error is what it is.
fn refusal(what: &'static str, e: io::Error, remedy: impl FnOnce() -> Option<String>) -> NsError {
    let code = e.raw_os_error().unwrap_or_default();
    let remedy = if code == libc::EPERM || code == libc::EACCES {
        remedy()
    } else {
        None
    };
    match remedy {
        Some(remedy) => NsError::NoUserNamespaces {
            errno: Errno::from_raw(code),
            remedy: Some(remedy),
        },
        None => NsError::Io { what, source: e },
    }
}

/// A further network namespace in the lab's user namespace. The calling thread
/// is left in it.
pub fn new_netns() -> io::Result<Netns> {
    unshare(CloneFlags::CLONE_NEWNET)?;
    current()
}

/// The sysctl that would allow unprivileged user namespaces here, as a
/// command, from what this kernel exposes: `kernel.unprivileged_userns_clone`
/// (Debian's patch, 0 by default before Debian 11), Ubuntu's AppArmor
/// restriction (`kernel.apparmor_restrict_unprivileged_userns`, from 23.10,
/// on by default in 24.04), or a zero `user.max_user_namespaces` (RHEL/CentOS
/// 7's default, some hardened kernels). Ubuntu's kernels have both of the
/// first two; the first only refuses when it is 0.
fn remedy() -> Option<String> {
    let read = |path: &str| {
        fs::read_to_string(Path::new("/proc/sys").join(path))
            .ok()
            .map(|s| s.trim().to_string())
    };
    let setting = if read("kernel/unprivileged_userns_clone").as_deref() == Some("0") {
        "kernel.unprivileged_userns_clone=1"
    } else if read("kernel/apparmor_restrict_unprivileged_userns").as_deref() == Some("1") {
        "kernel.apparmor_restrict_unprivileged_userns=0"
    } else if read("user/max_user_namespaces").as_deref() == Some("0") {
        "user.max_user_namespaces=15000"
    } else {
        return None;
    };
    Some(format!("sudo sysctl -w {setting}"))
}

/// Writes a sysctl of the calling thread's network namespace (`/proc/sys/net`
/// shows the namespace of whoever opens it).
pub fn write_sysctl(name: &str, value: &str) -> io::Result<()> {
    let path = Path::new("/proc/sys").join(name.replace('.', "/"));
    fs::write(path, value)
}

/// Reads a sysctl of the calling thread's network namespace, as a number.
pub fn read_sysctl(name: &str) -> io::Result<i64> {
    let path = Path::new("/proc/sys").join(name.replace('.', "/"));
    fs::read_to_string(path)?
        .trim()
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_id_map_is_a_refusal_of_user_namespaces_with_the_remedy() {
        let remedy =
            || Some("sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0".into());
        for code in [libc::EPERM, libc::EACCES] {
            match refusal("uid_map", io::Error::from_raw_os_error(code), remedy) {
                NsError::NoUserNamespaces { errno, remedy } => {
                    assert_eq!(errno as i32, code);
                    assert!(
                        remedy
                            .unwrap()
                            .contains("apparmor_restrict_unprivileged_userns=0")
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        let other = refusal(
            "uid_map",
            io::Error::from_raw_os_error(libc::EINVAL),
            remedy,
        );
        assert!(
            matches!(
                other,
                NsError::Io {
                    what: "uid_map",
                    ..
                }
            ),
            "{other:?}"
        );
        // Refused, but no known setting explains it: the error as it is.
        let unknown = refusal("uid_map", io::Error::from_raw_os_error(libc::EPERM), || {
            None
        });
        assert!(
            matches!(
                unknown,
                NsError::Io {
                    what: "uid_map",
                    ..
                }
            ),
            "{unknown:?}"
        );
    }
}
