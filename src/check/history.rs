//! The student's recent checks, newest first: `check-history.json` in the
//! progress folder (`NETTUTOR_HOME` or the platform data folder). The Labs
//! panel's check reports list reads it; `nettutor check` adds to it.
//!
//! Changed under an OS file lock by read-merge-write, written whole (temporary
//! file, then rename), at most [`KEEP`] entries. A missing, unreadable or
//! corrupt file reads as empty: the history is a convenience, never a reason for
//! a check to fail.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};

use super::report::CheckReport;

pub const HISTORY_FILE: &str = "check-history.json";
const LOCK_FILE: &str = "check-history.lock";
/// Entries kept (the oldest go first).
pub const KEEP: usize = 20;
/// A bigger file is not read (twenty entries are a few KiB).
const MAX_BYTES: u64 = 1 << 20;

/// One check as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord {
    pub exercise: String,
    /// Seconds since the Unix epoch when the check ended.
    pub at: u64,
    pub passed: usize,
    pub failed: usize,
    pub total: usize,
    /// The report with every detail, when one was kept (a failure, `-o`, `--open`).
    pub report: Option<PathBuf>,
}

impl CheckRecord {
    pub fn of(report: &CheckReport) -> CheckRecord {
        CheckRecord {
            exercise: report.exercise.clone(),
            at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            passed: report.passed,
            failed: report.failed,
            total: report.properties.len(),
            report: report.evidence_dir.as_ref().map(|d| d.join("report.json")),
        }
    }
}

/// The recorded checks in `dir`, newest first.
pub fn load(dir: &Path) -> Vec<CheckRecord> {
    let path = dir.join(HISTORY_FILE);
    let Ok(file) = File::open(&path) else {
        return Vec::new();
    };
    let mut text = String::new();
    if file.take(MAX_BYTES).read_to_string(&mut text).is_err() {
        return Vec::new();
    }
    serde_json::from_str(&text).unwrap_or_default()
}

/// Adds `record` first in `dir`'s history.
pub fn record(dir: &Path, record: CheckRecord) -> Result<(), String> {
    let fail = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
    fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let lock_path = dir.join(LOCK_FILE);
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| fail(&lock_path, e))?;
    FileExt::lock_exclusive(&lock).map_err(|e| fail(&lock_path, e))?;
    let mut all = load(dir);
    all.insert(0, record);
    all.truncate(KEEP);
    let path = dir.join(HISTORY_FILE);
    let json = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(dir, e))?;
    temp.write_all(json.as_bytes())
        .map_err(|e| fail(temp.path(), e))?;
    temp.persist(&path).map_err(|e| fail(&path, e.error))?;
    let _ = FileExt::unlock(&lock);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(exercise: &str, at: u64) -> CheckRecord {
        CheckRecord {
            exercise: exercise.into(),
            at,
            passed: 3,
            failed: 1,
            total: 4,
            report: Some(PathBuf::from("r/report.json")),
        }
    }

    #[test]
    fn newest_first_and_at_most_keep() {
        let dir = tempfile::tempdir().expect("dir");
        assert_eq!(load(dir.path()), Vec::new());
        for i in 0..(KEEP as u64 + 5) {
            record(dir.path(), entry("udp-chat", i)).expect("recorded");
        }
        let all = load(dir.path());
        assert_eq!(all.len(), KEEP);
        assert_eq!(all[0].at, KEEP as u64 + 4);
        assert_eq!(all[KEEP - 1].at, 5);
    }

    #[test]
    fn a_corrupt_file_reads_as_empty_and_is_replaced() {
        let dir = tempfile::tempdir().expect("dir");
        fs::write(dir.path().join(HISTORY_FILE), "{not json").expect("write");
        assert_eq!(load(dir.path()), Vec::new());
        record(dir.path(), entry("tcp-time", 7)).expect("recorded");
        assert_eq!(load(dir.path()), vec![entry("tcp-time", 7)]);
    }
}
