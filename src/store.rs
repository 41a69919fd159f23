//! The progress store: last lesson and step, and whatever later features keep
//! (quiz mastery), in one JSON file written atomically.
//!
//! The folder is `NETTUTOR_HOME` when set, else the platform's data directory
//! (from the `directories` crate). A corrupt file is moved aside with a one-line
//! warning and the tutor starts fresh: nothing is silently overwritten.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const PROGRESS_FILE: &str = "progress.json";

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no data directory: set NETTUTOR_HOME")]
    NoHome,
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What is remembered across runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The lesson last open, and its step (0-based).
    #[serde(default)]
    pub last_lesson: Option<String>,
    #[serde(default)]
    pub last_step: usize,
    /// Fields this version does not know (written by a newer one) are kept.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
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

    /// Reads the progress. Missing → fresh. Unreadable or corrupt → the file is
    /// renamed to `progress.json.corrupt-<unix time>` and the warning says so.
    pub fn load(&self) -> (Progress, Option<String>) {
        let path = self.path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Progress::default(), None);
            }
            Err(e) => {
                return (
                    Progress::default(),
                    Some(format!(
                        "cannot read {}: {e}; starting fresh",
                        path.display()
                    )),
                );
            }
        };
        match serde_json::from_slice::<Progress>(&bytes) {
            Ok(p) => (p, None),
            Err(e) => {
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let aside = self.dir.join(format!("{PROGRESS_FILE}.corrupt-{stamp}"));
                let moved = fs::rename(&path, &aside);
                let warning = match moved {
                    Ok(()) => format!(
                        "progress file was corrupt ({e}); moved it to {} and started fresh",
                        aside.display()
                    ),
                    Err(m) => format!(
                        "progress file is corrupt ({e}) and could not be moved ({m}); starting fresh"
                    ),
                };
                (Progress::default(), Some(warning))
            }
        }
    }

    /// Writes atomically: a temp file in the same folder, flushed, then renamed
    /// over the old one, so a crash leaves either the old or the new file.
    pub fn save(&self, progress: &Progress) -> Result<(), StoreError> {
        let path = self.path();
        let fail = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(fail)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir).map_err(fail)?;
        let json = serde_json::to_vec_pretty(progress).map_err(|e| fail(e.into()))?;
        tmp.write_all(&json).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_unknown_fields() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().to_path_buf());
        assert_eq!(store.load(), (Progress::default(), None));
        fs::write(
            store.path(),
            r#"{"last_lesson":"basics","last_step":3,"mastery":{"subnet.and":2}}"#,
        )
        .unwrap();
        let (mut p, warn) = store.load();
        assert!(warn.is_none());
        assert_eq!(p.last_lesson.as_deref(), Some("basics"));
        assert_eq!(p.last_step, 3);
        p.last_step = 4;
        store.save(&p).unwrap();
        let text = fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("\"mastery\""), "unknown field kept: {text}");
        assert_eq!(store.load().0.last_step, 4);
        // No temp files left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn corrupt_file_is_moved_aside_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().to_path_buf());
        fs::write(store.path(), "{not json").unwrap();
        let (p, warn) = store.load();
        assert_eq!(p, Progress::default());
        let warn = warn.expect("a warning");
        assert!(warn.contains("corrupt"), "{warn}");
        assert!(!store.path().exists());
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("progress.json.corrupt-")),
            "{names:?}"
        );
    }
}
