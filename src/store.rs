//! The progress store: last lesson and step, and whatever later features keep
//! (quiz mastery), in one JSON file.
//!
//! The folder is `NETTUTOR_HOME` when set, else the platform's data directory
//! (from the `directories` crate). Several instances may share it (the TUI and
//! a plain quiz, two plain quizzes): every change is a read-merge-write under an
//! OS file lock (`progress.lock`, through `fs4`), written atomically, so no
//! update is lost and a killed writer leaves the old or the new file.
//!
//! Reading is careful: only a regular file up to [`MAX_BYTES`] is read (a FIFO
//! or a `/dev/zero` symlink neither hangs nor eats memory). An unreadable file
//! is never replaced: the change is refused with a warning. A corrupt file is
//! moved aside at the next change, under a name that never overwrites an
//! earlier backup; reading alone never moves anything.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fs4::fs_std::FileExt;
use serde::Serialize;

use crate::i18n::{Lang, t, tf};
use crate::output_file::{FileKind, Reason, kind_of};

pub const PROGRESS_FILE: &str = "progress.json";
/// The lock file next to it (the progress file itself is replaced on write).
pub const LOCK_FILE: &str = "progress.lock";
/// The largest progress file read (a real one is a few kB).
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// How long a change waits for another instance to finish its write.
const LOCK_WAIT: Duration = Duration::from_secs(10);
/// Temp files of the atomic write start with this; under the lock any one
/// found is an orphan of a killed writer.
const TEMP_PREFIX: &str = ".progress.json.";

/// Errors of the store. The texts live in `assets/i18n/ui.toml` under
/// `store.err.*`; `Display` gives the English one.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum StoreError {
    NoHome,
    Write {
        path: PathBuf,
        reason: Reason,
    },
    /// The file exists but cannot be read: it is left alone and not replaced.
    Unreadable {
        path: PathBuf,
        reason: Unreadable,
    },
    Locked {
        path: PathBuf,
        secs: u64,
    },
}

/// Why a progress file that is there cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    Os(Reason),
    NotAFile(FileKind),
    TooBig(u64),
    /// Corrupt, and moving it aside failed.
    Stuck {
        corrupt: String,
        moving: Reason,
    },
}

impl Unreadable {
    /// The reason in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Unreadable::Os(r) => r.text(lang),
            Unreadable::NotAFile(what) => {
                tf(lang, "store.err.not_a_file", &[("what", what.name(lang))])
            }
            Unreadable::TooBig(len) => tf(
                lang,
                "store.err.too_big",
                &[("len", &len.to_string()), ("max", &MAX_BYTES.to_string())],
            ),
            Unreadable::Stuck { corrupt, moving } => tf(
                lang,
                "store.err.stuck",
                &[("corrupt", corrupt), ("moving", &moving.text(lang))],
            ),
        }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl StoreError {
    /// The message in `lang`, one line.
    pub fn message(&self, lang: Lang) -> String {
        let shown = |p: &Path| p.display().to_string();
        match self {
            StoreError::NoHome => t(lang, "store.err.no_home").to_string(),
            StoreError::Write { path, reason } => tf(
                lang,
                "store.err.write",
                &[("path", &shown(path)), ("reason", &reason.text(lang))],
            ),
            StoreError::Unreadable { path, reason } => tf(
                lang,
                "store.err.unreadable",
                &[("path", &shown(path)), ("reason", &reason.text(lang))],
            ),
            StoreError::Locked { path, secs } => tf(
                lang,
                "store.err.locked",
                &[("path", &shown(path)), ("secs", &secs.to_string())],
            ),
        }
    }
}

/// What is remembered across runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Progress {
    /// The lesson last open, and its step (0-based).
    pub last_lesson: Option<String>,
    pub last_step: usize,
    /// Fields this version does not know (written by a newer one) are kept.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Progress {
    /// Reads a progress object leniently: a field of the wrong type is
    /// dropped with a warning, the rest is kept. Not an object → Err.
    pub fn from_json(bytes: &[u8]) -> Result<(Progress, Vec<String>), String> {
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let serde_json::Value::Object(mut other) = value else {
            return Err("not a JSON object".into());
        };
        let mut warnings = Vec::new();
        let mut progress = Progress::default();
        match other.remove("last_lesson") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(s)) => progress.last_lesson = Some(s),
            Some(v) => warnings.push(format!("last_lesson {v} is not a lesson id; ignored")),
        }
        match other.remove("last_step") {
            None => {}
            Some(v) => match v.as_u64().and_then(|n| usize::try_from(n).ok()) {
                Some(n) => progress.last_step = n,
                None => warnings.push(format!("last_step {v} is not a step number; ignored")),
            },
        }
        progress.other = other;
        Ok((progress, warnings))
    }
}

/// The section listing the lessons finished (their last step seen), by id,
/// in the order they were finished.
pub const LESSONS_DONE: &str = "lessons_done";

impl Progress {
    /// The ids of the lessons finished; a section of the wrong shape (a
    /// hand-edited file) counts as none, and entries that are not ids are
    /// skipped.
    pub fn lessons_done(&self) -> Vec<String> {
        self.other
            .get(LESSONS_DONE)
            .and_then(|v| v.as_array())
            .map(|ids| {
                ids.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Marks lesson `id` finished; true when it was not before.
    pub fn mark_lesson_done(&mut self, id: &str) -> bool {
        let mut done = self.lessons_done();
        if done.iter().any(|d| d == id) {
            return false;
        }
        done.push(id.to_string());
        self.other
            .insert(LESSONS_DONE.to_string(), serde_json::json!(done));
        true
    }
}

/// What reading the file found.
enum OnDisk {
    Missing,
    Found(Progress, Vec<String>),
    Corrupt(String),
    Unreadable(Unreadable),
}

/// The progress file and its folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store in `NETTUTOR_HOME` or the platform data directory.
    pub fn open_default() -> Result<Store, StoreError> {
        if let Some(home) = std::env::var_os("NETTUTOR_HOME").filter(|h| !h.is_empty()) {
            return Ok(Store::at(PathBuf::from(home)));
        }
        directories::ProjectDirs::from("", "", "nettutor")
            .map(|dirs| Store::at(dirs.data_dir().to_path_buf()))
            .ok_or(StoreError::NoHome)
    }

    pub fn at(dir: PathBuf) -> Store {
        Store { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(PROGRESS_FILE)
    }

    /// Reads the progress without changing anything on disk. Missing → fresh.
    /// Unreadable or corrupt → fresh, with a warning that says what will (or
    /// will not) happen at the next save.
    pub fn load(&self) -> (Progress, Option<String>) {
        let path = self.path();
        match read(&path) {
            OnDisk::Missing => (Progress::default(), None),
            OnDisk::Found(p, warnings) => (p, join(&path, &warnings)),
            OnDisk::Corrupt(e) => (
                Progress::default(),
                Some(format!(
                    "progress file {} is corrupt ({e}); starting fresh, it will be moved aside \
                     at the next save",
                    path.display()
                )),
            ),
            OnDisk::Unreadable(e) => (
                Progress::default(),
                Some(format!(
                    "cannot read {}: {e}; starting fresh and not saving over it",
                    path.display()
                )),
            ),
        }
    }

    /// False when the file exists but cannot be read (a FIFO, a device, too
    /// big, no permission): then nothing will be saved over it.
    pub fn writable(&self) -> bool {
        !matches!(read(&self.path()), OnDisk::Unreadable(_))
    }

    /// Changes the progress under the lock: reads what is on disk now (other
    /// instances' answers included), lets `change` edit it, writes it back
    /// atomically. Returns `change`'s result and any warning (a corrupt file
    /// moved aside, a malformed field dropped).
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Progress) -> T,
    ) -> Result<(T, Option<String>), StoreError> {
        let path = self.path();
        let write_err = |e: &io::Error| StoreError::Write {
            path: path.clone(),
            reason: Reason::of(e),
        };
        fs::create_dir_all(&self.dir).map_err(|e| write_err(&e))?;
        let _lock = self.lock()?;
        self.remove_orphans();
        let (mut progress, warning) = match read(&path) {
            OnDisk::Missing => (Progress::default(), None),
            OnDisk::Found(p, warnings) => (p, join(&path, &warnings)),
            OnDisk::Unreadable(reason) => return Err(StoreError::Unreadable { path, reason }),
            OnDisk::Corrupt(e) => {
                let warning = match self.move_aside() {
                    Ok(aside) => format!(
                        "progress file was corrupt ({e}); moved it to {} and started fresh",
                        aside.display()
                    ),
                    Err(m) => {
                        return Err(StoreError::Unreadable {
                            path,
                            reason: Unreadable::Stuck {
                                corrupt: e,
                                moving: Reason::of(&m),
                            },
                        });
                    }
                };
                (Progress::default(), Some(warning))
            }
        };
        let result = change(&mut progress);
        let json = serde_json::to_vec_pretty(&progress).map_err(|e| write_err(&e.into()))?;
        self.write(&json).map_err(|e| write_err(&e))?;
        Ok((result, warning))
    }

    /// Replaces the whole progress (under the lock, atomically).
    pub fn save(&self, progress: &Progress) -> Result<(), StoreError> {
        self.update(|p| *p = progress.clone()).map(drop)
    }

    /// The exclusive lock, waiting (bounded) for another instance.
    fn lock(&self) -> Result<File, StoreError> {
        let path = self.dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::Write {
                path: path.clone(),
                reason: Reason::of(&e),
            })?;
        let start = Instant::now();
        loop {
            match FileExt::try_lock_exclusive(&file) {
                Ok(true) => return Ok(file),
                Ok(false) => {}
                Err(e) => {
                    return Err(StoreError::Write {
                        path,
                        reason: Reason::of(&e),
                    });
                }
            }
            if start.elapsed() > LOCK_WAIT {
                return Err(StoreError::Locked {
                    path,
                    secs: LOCK_WAIT.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Temp files of a writer killed before its rename (we hold the lock, so
    /// nobody is writing one now).
    fn remove_orphans(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Moves a corrupt file to `progress.json.corrupt-<time>[-N]`, never over
    /// an earlier backup (a hard link fails when the name exists).
    fn move_aside(&self) -> io::Result<PathBuf> {
        let path = self.path();
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        for n in 0..1000 {
            let name = if n == 0 {
                format!("{PROGRESS_FILE}.corrupt-{stamp}")
            } else {
                format!("{PROGRESS_FILE}.corrupt-{stamp}-{n}")
            };
            let aside = self.dir.join(name);
            match fs::hard_link(&path, &aside) {
                Ok(()) => {
                    fs::remove_file(&path)?;
                    return Ok(aside);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("too many backups"))
    }

    fn write(&self, json: &[u8]) -> io::Result<()> {
        use std::io::Write as _;
        let mut temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(".tmp")
            .tempfile_in(&self.dir)?;
        temp.write_all(json)?;
        temp.as_file().sync_all()?;
        // A symlinked progress.json is followed (its target is written).
        let target = crate::output_file::resolve(&self.path())
            .map_err(|e| io::Error::other(e.to_string()))?;
        temp.persist(target).map_err(|e| e.error)?;
        Ok(())
    }
}

fn join(path: &Path, warnings: &[String]) -> Option<String> {
    (!warnings.is_empty()).then(|| format!("{}: {}", path.display(), warnings.join("; ")))
}

/// Reads `path` if it is a regular file of a sane size. Opened non-blocking,
/// so a FIFO without a writer does not hang; checked after opening (fstat), so
/// a symlink to a device is seen as the device.
fn read(path: &Path) -> OnDisk {
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return OnDisk::Missing,
        Err(e) => return OnDisk::Unreadable(Unreadable::Os(Reason::of(&e))),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return OnDisk::Unreadable(Unreadable::Os(Reason::of(&e))),
    };
    if let Some(what) = kind_of(meta.file_type()) {
        return OnDisk::Unreadable(Unreadable::NotAFile(what));
    }
    if meta.len() > MAX_BYTES {
        return OnDisk::Unreadable(Unreadable::TooBig(meta.len()));
    }
    let mut bytes = Vec::new();
    if let Err(e) = file.take(MAX_BYTES + 1).read_to_end(&mut bytes) {
        return OnDisk::Unreadable(Unreadable::Os(Reason::of(&e)));
    }
    match Progress::from_json(&bytes) {
        Ok((p, warnings)) => OnDisk::Found(p, warnings),
        Err(e) => OnDisk::Corrupt(e),
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
