//! The pool of missed problems and the best streak, kept in the progress file
//! under `"drill"` (the store keeps sections it does not know).
//!
//! A problem with any field wrong joins the pool. It comes back (first, in a
//! drill without `--seed`) until it has been answered right three times in a
//! row; a miss in between starts its count again.

use serde::{Deserialize, Serialize};

use crate::store::{Progress, Store, StoreError};

use super::{DrillKind, Spec};

/// The key of the section in the progress file.
pub const SECTION: &str = "drill";
/// Right answers in a row that take a problem out of the pool.
pub const RIGHT_TO_LEAVE: u8 = 3;
/// At most this many problems are kept (the oldest go first).
pub const MAX_POOL: usize = 200;

/// A missed problem and how often it has been answered right since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolEntry {
    pub spec: Spec,
    /// Right answers in a row since the last miss.
    pub right: u8,
}

/// The drill section of the progress file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillProgress {
    #[serde(default)]
    pub missed: Vec<PoolEntry>,
    #[serde(default)]
    pub best_streak: u32,
}

impl DrillProgress {
    /// The section from a progress file; missing or unreadable is a fresh start.
    pub fn from_progress(progress: &Progress) -> DrillProgress {
        progress
            .other
            .get(SECTION)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    pub fn into_progress(&self, progress: &mut Progress) {
        if let Ok(value) = serde_json::to_value(self) {
            progress.other.insert(SECTION.to_string(), value);
        }
    }

    pub fn load(store: &Store) -> DrillProgress {
        DrillProgress::from_progress(&store.load().0)
    }

    /// Writes the section back, keeping the rest of the file.
    pub fn save(&self, store: &Store) -> Result<(), StoreError> {
        store
            .update(|progress| self.into_progress(progress))
            .map(drop)
    }

    /// Records one finished problem straight into the store: under the
    /// store's lock, reads the drill section as it is on disk now (another
    /// drill may have changed it), applies this answer, writes the file back.
    /// Called after every problem, so a drill cut short keeps what was
    /// answered. Returns a warning when the file needed repair.
    pub fn record_in(
        store: &Store,
        spec: &Spec,
        all_right: bool,
        streak: u32,
    ) -> Result<Option<String>, StoreError> {
        store
            .update(|progress| {
                let mut drill = DrillProgress::from_progress(progress);
                drill.record(spec, all_right);
                drill.best_streak = drill.best_streak.max(streak);
                drill.into_progress(progress);
            })
            .map(|((), warning)| warning)
    }

    /// Records one finished problem.
    pub fn record(&mut self, spec: &Spec, all_right: bool) {
        match self.missed.iter().position(|e| e.spec == *spec) {
            Some(i) if all_right => {
                self.missed[i].right += 1;
                if self.missed[i].right >= RIGHT_TO_LEAVE {
                    self.missed.remove(i);
                }
            }
            Some(i) => self.missed[i].right = 0,
            None if all_right => {}
            None => {
                self.missed.push(PoolEntry {
                    spec: spec.clone(),
                    right: 0,
                });
                if self.missed.len() > MAX_POOL {
                    self.missed.remove(0);
                }
            }
        }
    }

    /// Up to `n` missed problems of `kinds`, oldest first.
    pub fn due(&self, kinds: &[DrillKind], n: usize) -> Vec<Spec> {
        self.missed
            .iter()
            .filter(|e| kinds.contains(&e.spec.kind()))
            .take(n)
            .map(|e| e.spec.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> Spec {
        Spec::Range { input: s.into() }
    }

    #[test]
    fn a_missed_problem_leaves_after_three_right_in_a_row() {
        let mut p = DrillProgress::default();
        let a = spec("10.0.0.1/8");
        p.record(&a, true);
        assert!(
            p.missed.is_empty(),
            "right the first time: never in the pool"
        );
        p.record(&a, false);
        p.record(&a, true);
        p.record(&a, true);
        p.record(&a, false);
        assert_eq!(p.missed[0].right, 0, "a miss starts the count again");
        for _ in 0..2 {
            p.record(&a, true);
        }
        assert_eq!(p.due(&[DrillKind::Range], 5), vec![a.clone()]);
        p.record(&a, true);
        assert!(p.missed.is_empty());
    }

    #[test]
    fn the_section_round_trips_keeping_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().to_path_buf());
        store
            .save(&Progress {
                last_lesson: Some("osi".into()),
                ..Progress::default()
            })
            .unwrap();
        let mut p = DrillProgress::load(&store);
        p.record(&spec("192.168.37.77/27"), false);
        p.best_streak = 4;
        p.save(&store).unwrap();
        let (back, warning) = store.load();
        assert!(warning.is_none());
        assert_eq!(back.last_lesson.as_deref(), Some("osi"));
        assert_eq!(DrillProgress::from_progress(&back), p);
    }
}
