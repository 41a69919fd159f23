//! Files the tutor writes for the user (`-o`, `--results`, exports, the progress
//! store): complete or not at all, and never in place of something that is not
//! a file.
//!
//! A regular file or a new path is written atomically: a temporary file in the
//! same folder, flushed and synced, then renamed over the target. A symlink is
//! followed and its target written (the link stays). A character or block
//! device, a FIFO, a socket or a folder is refused with one line naming the
//! path and what it is: renaming over it would replace the device node itself
//! (as root, `-o /dev/null` would break the machine), and writing through it
//! would not be atomic. [`check`] runs before any work starts, so an unusable
//! path fails at once and no answer or capture is lost.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// How many symlinks are followed before giving up (as the kernel's ELOOP).
const MAX_LINKS: usize = 40;

/// Why a path cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Not a regular file: a usage mistake (exit status 2).
    #[error("{path} is {what}, not a regular file; give a file name instead")]
    NotAFile { path: PathBuf, what: &'static str },
    /// A file that is never overwritten (`write_new`) is there already.
    #[error("{path} already exists; it is never overwritten (give a new file name)")]
    Exists { path: PathBuf },
    #[error("{path}: too many levels of symbolic links")]
    LinkLoop { path: PathBuf },
    #[error("cannot write {path}: {reason}")]
    Io { path: PathBuf, reason: String },
}

impl OutputError {
    fn io(path: &Path, e: &io::Error) -> OutputError {
        OutputError::Io {
            path: path.to_path_buf(),
            reason: plain_reason(e),
        }
    }

    /// A mistake in the command line rather than a failure (exit 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            OutputError::NotAFile { .. } | OutputError::LinkLoop { .. }
        )
    }
}

/// The OS reason without the "(os error N)" tail and without repeating a path.
pub fn plain_reason(e: &io::Error) -> String {
    let text = match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code).to_string(),
        None => e.to_string(),
    };
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// What a non-regular file is, in words.
pub fn kind_of(ft: fs::FileType) -> Option<&'static str> {
    if ft.is_file() {
        None
    } else if ft.is_dir() {
        Some("a folder")
    } else if ft.is_char_device() {
        Some("a character device")
    } else if ft.is_block_device() {
        Some("a block device")
    } else if ft.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if ft.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

/// Follows symlinks (also dangling ones) to the path that will be written.
pub fn resolve(path: &Path) -> Result<PathBuf, OutputError> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current).map_err(|e| OutputError::io(path, &e))?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(OutputError::LinkLoop {
        path: path.to_path_buf(),
    })
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks, before any work, that `path` can be written: it is a regular file
/// we may write, or a new name in a folder we may create files in. Nothing is
/// changed on disk.
pub fn check(path: &Path) -> Result<(), OutputError> {
    let target = resolve(path)?;
    match fs::metadata(&target) {
        Ok(meta) => {
            if let Some(what) = kind_of(meta.file_type()) {
                return Err(OutputError::NotAFile {
                    path: path.to_path_buf(),
                    what,
                });
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(OutputError::io(path, &e)),
    }
    // The rename needs a new file in the target's folder.
    tempfile::Builder::new()
        .prefix(".nettutor-check-")
        .tempfile_in(folder_of(&target))
        .map(drop)
        .map_err(|e| OutputError::io(path, &e))
}

/// Writes `bytes` to `path` atomically (see the module docs). An existing
/// file keeps its permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    check(path)?;
    let target = resolve(path)?;
    let fail = |e: io::Error| OutputError::io(path, &e);
    let mut temp = tempfile::Builder::new()
        .prefix(".nettutor-")
        .suffix(".tmp")
        .tempfile_in(folder_of(&target))
        .map_err(fail)?;
    if let Ok(meta) = fs::metadata(&target) {
        let mode = meta.permissions().mode();
        temp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))
            .map_err(fail)?;
    }
    temp.write_all(bytes).map_err(fail)?;
    temp.flush().map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    temp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Writes `bytes` to the new file `path`, atomically, and never over an
/// existing one (a report, an export): the rename itself refuses a name that
/// exists (`link`+`unlink`, not `rename`), so a file that appears meanwhile is
/// not clobbered either.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    check(path)?;
    if path.symlink_metadata().is_ok() {
        return Err(OutputError::Exists {
            path: path.to_path_buf(),
        });
    }
    let fail = |e: io::Error| OutputError::io(path, &e);
    let mut temp = tempfile::Builder::new()
        .prefix(".nettutor-")
        .suffix(".tmp")
        .tempfile_in(folder_of(path))
        .map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.flush().map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    temp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            OutputError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            fail(e.error)
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.pcap");
        fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.pcap");
        std::os::unix::fs::symlink("real.pcap", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn a_dangling_symlink_creates_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("made.json", &link).unwrap();
        write_atomic(&link, b"{}").unwrap();
        assert_eq!(fs::read(dir.path().join("made.json")).unwrap(), b"{}");
    }

    #[test]
    fn a_symlink_loop_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        let err = write_atomic(&a, b"x").unwrap_err();
        assert!(err.is_usage());
        assert!(err.to_string().contains("symbolic links"), "{err}");
    }

    #[test]
    fn a_folder_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(dir.path(), b"x").unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
        assert!(dir.path().is_dir());
    }

    #[test]
    fn write_new_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.csv");
        write_new(&file, b"first").unwrap();
        let err = write_new(&file, b"second").unwrap_err();
        assert!(matches!(err, OutputError::Exists { .. }), "{err}");
        assert_eq!(fs::read(&file).unwrap(), b"first");
        // A dangling symlink is a name that exists: not followed, not replaced.
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("nowhere.csv", &link).unwrap();
        assert!(write_new(&link, b"x").is_err());
        assert!(!dir.path().join("nowhere.csv").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "no temp left");
    }

    #[test]
    fn permissions_of_an_existing_file_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.csv");
        fs::write(&file, b"old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&file, b"new").unwrap();
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp left");
    }
}
