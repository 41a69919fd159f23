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

use crate::i18n::{Lang, t, tf};

/// How many symlinks are followed before giving up (as the kernel's ELOOP).
const MAX_LINKS: usize = 40;

/// Why a path cannot be written. The texts live in `assets/i18n/ui.toml`
/// under `output.err.*`; `Display` gives the English one.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum OutputError {
    /// Not a regular file: a usage mistake (exit status 2).
    NotAFile {
        path: PathBuf,
        what: FileKind,
    },
    /// A folder was asked for (`lessons export --html DIR`) and `path` is
    /// something else: a usage mistake too.
    NotAFolder {
        path: PathBuf,
    },
    /// A file that is never overwritten (`write_new`) is there already.
    Exists {
        path: PathBuf,
    },
    LinkLoop {
        path: PathBuf,
    },
    Io {
        path: PathBuf,
        reason: Reason,
    },
}

impl OutputError {
    fn io(path: &Path, e: &io::Error) -> OutputError {
        OutputError::Io {
            path: path.to_path_buf(),
            reason: Reason::of(e),
        }
    }

    /// A mistake in the command line rather than a failure (exit 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            OutputError::NotAFile { .. }
                | OutputError::NotAFolder { .. }
                | OutputError::LinkLoop { .. }
        )
    }

    /// The message in `lang`, one line, naming the path.
    pub fn message(&self, lang: Lang) -> String {
        let path = |p: &Path| p.display().to_string();
        match self {
            OutputError::NotAFile { path: p, what } => tf(
                lang,
                "output.err.not_a_file",
                &[("path", &path(p)), ("what", what.name(lang))],
            ),
            OutputError::NotAFolder { path: p } => {
                tf(lang, "output.err.not_a_folder", &[("path", &path(p))])
            }
            OutputError::Exists { path: p } => tf(lang, "output.err.exists", &[("path", &path(p))]),
            OutputError::LinkLoop { path: p } => {
                tf(lang, "output.err.link_loop", &[("path", &path(p))])
            }
            OutputError::Io { path: p, reason } => tf(
                lang,
                "output.err.io",
                &[("path", &path(p)), ("reason", &reason.text(lang))],
            ),
        }
    }
}

/// Why an OS call failed, kept so it can be said in either language: the
/// English text as the OS gives it (see [`plain_reason`]) and the error
/// number, for the translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    code: Option<i32>,
    kind: io::ErrorKind,
    english: String,
}

impl Reason {
    pub fn of(e: &io::Error) -> Reason {
        Reason {
            code: e.raw_os_error(),
            kind: e.kind(),
            english: plain_reason(e),
        }
    }

    /// The reason in `lang`; one the table has no words for stays as the OS
    /// says it.
    pub fn text(&self, lang: Lang) -> String {
        match (lang, reason_key(self.code, self.kind)) {
            (Lang::Zh, Some(key)) => t(lang, key).to_string(),
            _ => self.english.clone(),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english)
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

/// [`plain_reason`] in `lang`.
pub fn reason_in(e: &io::Error, lang: Lang) -> String {
    Reason::of(e).text(lang)
}

/// An io error as an error message shows it: in English exactly as std
/// prints it (with "(os error N)"), in Chinese the translated reason.
pub fn io_text(e: &io::Error, lang: Lang) -> String {
    match lang {
        Lang::En => e.to_string(),
        Lang::Zh => reason_in(e, lang),
    }
}

/// The `ui.toml` key of the reason for an OS error number (or, for errors
/// that are not the OS's, their kind), when the table has one.
fn reason_key(code: Option<i32>, kind: io::ErrorKind) -> Option<&'static str> {
    // An error wrapped by a library (tempfile names the path) has lost its
    // number but kept its kind.
    let code = code.or_else(|| code_of_kind(kind));
    let key = match code {
        Some(libc::ENOENT) => "os.enoent",
        Some(libc::EACCES) => "os.eacces",
        Some(libc::EPERM) => "os.eperm",
        Some(libc::EEXIST) => "os.eexist",
        Some(libc::EISDIR) => "os.eisdir",
        Some(libc::ENOTDIR) => "os.enotdir",
        Some(libc::ENOTEMPTY) => "os.enotempty",
        Some(libc::EROFS) => "os.erofs",
        Some(libc::ENOSPC) => "os.enospc",
        Some(libc::EDQUOT) => "os.edquot",
        Some(libc::EFBIG) => "os.efbig",
        Some(libc::ENAMETOOLONG) => "os.enametoolong",
        Some(libc::ELOOP) => "os.eloop",
        Some(libc::EBUSY) => "os.ebusy",
        Some(libc::ETXTBSY) => "os.etxtbsy",
        Some(libc::EXDEV) => "os.exdev",
        Some(libc::EIO) => "os.eio",
        Some(libc::EINVAL) => "os.einval",
        Some(libc::EMFILE | libc::ENFILE) => "os.emfile",
        Some(libc::EAGAIN) => "os.eagain",
        Some(libc::EINTR) => "os.eintr",
        Some(libc::ENXIO) => "os.enxio",
        Some(libc::EPIPE) => "os.epipe",
        Some(libc::ECONNREFUSED) => "os.econnrefused",
        Some(libc::ECONNRESET) => "os.econnreset",
        Some(libc::ECONNABORTED) => "os.econnaborted",
        Some(libc::ETIMEDOUT) => "os.etimedout",
        Some(libc::EADDRINUSE) => "os.eaddrinuse",
        Some(libc::EADDRNOTAVAIL) => "os.eaddrnotavail",
        Some(libc::ENETUNREACH) => "os.enetunreach",
        Some(libc::EHOSTUNREACH) => "os.ehostunreach",
        Some(libc::ENOTCONN) => "os.enotconn",
        Some(libc::ENOMEM) => "os.enomem",
        Some(libc::ENOSYS | libc::EOPNOTSUPP) => "os.enosys",
        Some(_) => return None,
        None => match kind {
            io::ErrorKind::UnexpectedEof => "os.eof",
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "os.etimedout",
            io::ErrorKind::WriteZero => "os.write_zero",
            _ => return None,
        },
    };
    Some(key)
}

/// The error number behind an io error kind, for the kinds that have one.
fn code_of_kind(kind: io::ErrorKind) -> Option<i32> {
    use io::ErrorKind as K;
    Some(match kind {
        K::NotFound => libc::ENOENT,
        K::PermissionDenied => libc::EACCES,
        K::AlreadyExists => libc::EEXIST,
        K::IsADirectory => libc::EISDIR,
        K::NotADirectory => libc::ENOTDIR,
        K::DirectoryNotEmpty => libc::ENOTEMPTY,
        K::ReadOnlyFilesystem => libc::EROFS,
        K::StorageFull => libc::ENOSPC,
        K::FileTooLarge => libc::EFBIG,
        K::ResourceBusy => libc::EBUSY,
        K::ExecutableFileBusy => libc::ETXTBSY,
        K::CrossesDevices => libc::EXDEV,
        K::BrokenPipe => libc::EPIPE,
        K::ConnectionRefused => libc::ECONNREFUSED,
        K::ConnectionReset => libc::ECONNRESET,
        K::ConnectionAborted => libc::ECONNABORTED,
        K::AddrInUse => libc::EADDRINUSE,
        K::AddrNotAvailable => libc::EADDRNOTAVAIL,
        K::NetworkUnreachable => libc::ENETUNREACH,
        K::HostUnreachable => libc::EHOSTUNREACH,
        K::NotConnected => libc::ENOTCONN,
        K::OutOfMemory => libc::ENOMEM,
        K::Interrupted => libc::EINTR,
        _ => return None,
    })
}

/// What a path is when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Folder,
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
    Other,
}

impl FileKind {
    /// "a folder", "a character device"…, in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                FileKind::Folder => "file.kind.folder",
                FileKind::CharDevice => "file.kind.char_device",
                FileKind::BlockDevice => "file.kind.block_device",
                FileKind::Fifo => "file.kind.fifo",
                FileKind::Socket => "file.kind.socket",
                FileKind::Other => "file.kind.other",
            },
        )
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name(Lang::En))
    }
}

/// What a non-regular file is.
pub fn kind_of(ft: fs::FileType) -> Option<FileKind> {
    if ft.is_file() {
        None
    } else if ft.is_dir() {
        Some(FileKind::Folder)
    } else if ft.is_char_device() {
        Some(FileKind::CharDevice)
    } else if ft.is_block_device() {
        Some(FileKind::BlockDevice)
    } else if ft.is_fifo() {
        Some(FileKind::Fifo)
    } else if ft.is_socket() {
        Some(FileKind::Socket)
    } else {
        Some(FileKind::Other)
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
    fn os_reasons_are_said_in_either_language() {
        let cases = [
            (
                libc::ENOENT,
                "No such file or directory",
                "没有那个文件或目录",
            ),
            (libc::EACCES, "Permission denied", "权限不够"),
            (libc::EROFS, "Read-only file system", "只读文件系统"),
            (libc::ENOSPC, "No space left on device", "设备上没有空间"),
            (libc::ENOTDIR, "Not a directory", "不是目录"),
            (libc::ECONNREFUSED, "Connection refused", "连接被拒绝"),
        ];
        for (code, en, zh) in cases {
            let e = io::Error::from_raw_os_error(code);
            assert_eq!(plain_reason(&e), en);
            assert_eq!(reason_in(&e, Lang::En), en);
            assert_eq!(reason_in(&e, Lang::Zh), zh);
            // English exactly as std prints it; Chinese without the number.
            assert_eq!(io_text(&e, Lang::En), format!("{en} (os error {code})"));
            assert_eq!(io_text(&e, Lang::Zh), zh);
        }
        // Every key the mapping can give is in the table, in both languages.
        for code in 1..200 {
            if let Some(key) = reason_key(Some(code), io::ErrorKind::Other) {
                assert!(crate::i18n::has(key), "{key}");
            }
        }
    }

    #[test]
    fn a_wrapped_io_error_is_translated_by_its_kind() {
        // tempfile wraps the OS error with the path: the number is gone, the
        // kind is kept.
        let wrapped = io::Error::new(io::ErrorKind::NotFound, "no such thing at /x");
        assert_eq!(reason_in(&wrapped, Lang::Zh), "没有那个文件或目录");
        assert_eq!(reason_in(&wrapped, Lang::En), "no such thing at /x");
        let eof = io::Error::from(io::ErrorKind::UnexpectedEof);
        assert_eq!(reason_in(&eof, Lang::Zh), "文件意外结束");
        // A reason the table has no words for stays as it is.
        let odd = io::Error::other("the cable is unplugged");
        assert_eq!(reason_in(&odd, Lang::Zh), "the cable is unplugged");
        let unknown = io::Error::from_raw_os_error(libc::ENOTBLK);
        assert_eq!(reason_in(&unknown, Lang::Zh), plain_reason(&unknown));
    }

    #[test]
    fn output_errors_in_chinese_keep_the_path() {
        let err = OutputError::NotAFile {
            path: PathBuf::from("/dev/null"),
            what: FileKind::CharDevice,
        };
        assert_eq!(
            err.to_string(),
            "/dev/null is a character device, not a regular file; give a file name instead"
        );
        assert_eq!(
            err.message(Lang::Zh),
            "/dev/null 是一个字符设备，不是普通文件；请改为给出一个文件名"
        );
        let err = OutputError::io(
            Path::new("a/b.pcap"),
            &io::Error::from_raw_os_error(libc::EACCES),
        );
        assert_eq!(err.to_string(), "cannot write a/b.pcap: Permission denied");
        assert_eq!(err.message(Lang::Zh), "无法写入 a/b.pcap：权限不够");
    }

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
