//! Mastery with Leitner boxes: each question (or generator) and each concept
//! sits in a box 1–5. A right answer moves it up one box, a wrong one back to
//! box 1. A card in box b comes back after 2^(b-1) quizzes, so what was missed
//! returns at the very next quiz and what is known fades out.
//!
//! Kept in the progress file under `"mastery"` (the store keeps sections it
//! does not know). Saving replays this run's answers onto what is on disk now,
//! under the store's lock, so two instances sharing one home both count.
//! Reading is lenient: a malformed card is skipped with a warning, out-of-range
//! numbers are clamped, counters saturate.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lesson::{Question, Topic};
use crate::store::{Progress, Store, StoreError};

/// The key of the section in the progress file.
pub const SECTION: &str = "mastery";
/// The highest box.
pub const TOP_BOX: u8 = 5;

/// One item's place in the boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// 1 (just missed / new) to [`TOP_BOX`] (known).
    #[serde(rename = "box")]
    pub level: u8,
    pub seen: u32,
    pub correct: u32,
    /// The quiz number from which it is due again.
    pub due: u32,
}

impl Default for Card {
    fn default() -> Card {
        Card {
            level: 1,
            seen: 0,
            correct: 0,
            due: 0,
        }
    }
}

impl Card {
    fn record(&mut self, right: bool, quiz: u32) {
        self.clamp();
        self.seen = self.seen.saturating_add(1);
        if right {
            self.correct = self.correct.saturating_add(1);
            self.level = (self.level + 1).min(TOP_BOX);
        } else {
            self.level = 1;
        }
        self.due = quiz.saturating_add(1u32 << (self.level - 1));
    }

    /// Values a hand-edited or damaged file may hold, brought into range:
    /// box 1–5, no more right answers than answers.
    fn clamp(&mut self) {
        self.level = self.level.clamp(1, TOP_BOX);
        self.correct = self.correct.min(self.seen);
    }

    /// 0.0 (box 1) to 1.0 (top box); unseen cards are 0.
    pub fn strength(&self) -> f64 {
        if self.seen == 0 {
            0.0
        } else {
            f64::from(self.level.clamp(1, TOP_BOX) - 1) / f64::from(TOP_BOX - 1)
        }
    }
}

/// Per-question and per-concept cards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mastery {
    /// Quizzes finished so far.
    #[serde(default)]
    pub quizzes: u32,
    /// By question id (authored) or generator id (generated).
    #[serde(default)]
    pub questions: BTreeMap<String, Card>,
    /// By curriculum concept id.
    #[serde(default)]
    pub concepts: BTreeMap<String, Card>,
    /// By topic name: which question ids belong to it (for the bars).
    #[serde(default)]
    pub topics: BTreeMap<String, Vec<String>>,
    /// This run's changes not yet saved, replayed onto the file at save.
    #[serde(skip)]
    journal: Vec<Change>,
}

/// One change to replay at save time.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Answer {
        id: String,
        concepts: Vec<String>,
        topic: String,
        right: bool,
    },
    QuizFinished,
}

/// Mastery of one topic, for the progress screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TopicMastery {
    pub topic: Topic,
    /// 0.0–1.0: the mean strength of its cards.
    pub strength: f64,
    pub seen: u32,
    pub correct: u32,
}

impl Mastery {
    /// The section from a progress file; a missing section is a fresh start.
    pub fn from_progress(progress: &Progress) -> Mastery {
        Mastery::read(progress).0
    }

    /// The section, leniently: a card that does not parse is skipped and
    /// named in the warnings; everything else is kept and clamped.
    pub fn read(progress: &Progress) -> (Mastery, Vec<String>) {
        let mut m = Mastery::default();
        let mut warnings = Vec::new();
        let Some(section) = progress.other.get(SECTION) else {
            return (m, warnings);
        };
        let Some(section) = section.as_object() else {
            warnings.push(format!("{SECTION} is not an object; starting it fresh"));
            return (m, warnings);
        };
        if let Some(v) = section.get("quizzes") {
            match v.as_u64() {
                Some(n) => m.quizzes = u32::try_from(n).unwrap_or(u32::MAX),
                None => warnings.push(format!("{SECTION}.quizzes {v} is not a count; ignored")),
            }
        }
        for (name, cards) in [
            ("questions", &mut m.questions),
            ("concepts", &mut m.concepts),
        ] {
            let Some(map) = section.get(name).and_then(|v| v.as_object()) else {
                continue;
            };
            for (id, value) in map {
                match serde_json::from_value::<Card>(value.clone()) {
                    Ok(mut card) => {
                        card.clamp();
                        cards.insert(id.clone(), card);
                    }
                    Err(e) => warnings.push(format!("card {name}.{id} skipped ({e})")),
                }
            }
        }
        if let Some(map) = section.get("topics").and_then(|v| v.as_object()) {
            for (topic, ids) in map {
                match serde_json::from_value::<Vec<String>>(ids.clone()) {
                    Ok(ids) => {
                        m.topics.insert(topic.clone(), ids);
                    }
                    Err(e) => warnings.push(format!("topic list {topic} skipped ({e})")),
                }
            }
        }
        (m, warnings)
    }

    pub fn into_progress(&self, progress: &mut Progress) {
        if let Ok(value) = serde_json::to_value(self) {
            progress.other.insert(SECTION.to_string(), value);
        }
    }

    /// Reads the mastery section of the store (fresh if absent), never
    /// changing the file; with the store's and the section's warnings.
    pub fn load_with_warnings(store: &Store) -> (Mastery, Vec<String>) {
        let (progress, warning) = store.load();
        let (m, mut warnings) = Mastery::read(&progress);
        warnings.splice(0..0, warning);
        (m, warnings)
    }

    /// Reads the mastery section of the store (fresh if absent).
    pub fn load(store: &Store) -> Mastery {
        Mastery::load_with_warnings(store).0
    }

    /// Saves this run's answers: under the store's lock, reads the section as
    /// it is now (other instances' answers included), replays this run's
    /// changes onto it, writes the file. Afterwards `self` is what was written.
    /// Returns a warning when the file needed repair (a card skipped, a
    /// corrupt file moved aside).
    pub fn save(&mut self, store: &Store) -> Result<Option<String>, StoreError> {
        let journal = std::mem::take(&mut self.journal);
        let saved = store.update(|progress| {
            let (mut merged, warnings) = Mastery::read(progress);
            for change in &journal {
                merged.apply(change);
            }
            merged.into_progress(progress);
            (merged, warnings)
        });
        match saved {
            Ok(((merged, warnings), warning)) => {
                *self = merged;
                let all: Vec<String> = warning.into_iter().chain(warnings).collect();
                Ok((!all.is_empty()).then(|| all.join("; ")))
            }
            Err(e) => {
                // Not written: keep the changes for a later try.
                self.journal = journal;
                Err(e)
            }
        }
    }

    /// Records one answer (during quiz number `self.quizzes`).
    pub fn record(&mut self, question: &Question, right: bool) {
        let change = Change::Answer {
            id: question.id.clone(),
            concepts: question.concepts.clone(),
            topic: question.topic.name().to_string(),
            right,
        };
        self.apply(&change);
        self.journal.push(change);
    }

    fn apply(&mut self, change: &Change) {
        let Change::Answer {
            id,
            concepts,
            topic,
            right,
        } = change
        else {
            self.quizzes = self.quizzes.saturating_add(1);
            return;
        };
        let quiz = self.quizzes;
        self.questions
            .entry(id.clone())
            .or_default()
            .record(*right, quiz);
        for concept in concepts {
            self.concepts
                .entry(concept.clone())
                .or_default()
                .record(*right, quiz);
        }
        let ids = self.topics.entry(topic.clone()).or_default();
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }

    /// A quiz is over: the next one is due-checked against a later number.
    pub fn finish_quiz(&mut self) {
        self.apply(&Change::QuizFinished);
        self.journal.push(Change::QuizFinished);
    }

    /// Question/generator ids due now, weakest first (missed ones are box 1).
    pub fn due(&self) -> Vec<String> {
        let mut due: Vec<(&String, &Card)> = self
            .questions
            .iter()
            .filter(|(_, c)| c.due <= self.quizzes)
            .collect();
        due.sort_by_key(|(id, c)| (c.level, c.due, (*id).clone()));
        due.into_iter().map(|(id, _)| id.clone()).collect()
    }

    /// Mastery of each topic that has been practised, in topic order.
    pub fn by_topic(&self) -> Vec<TopicMastery> {
        let mut out = Vec::new();
        for &topic in Topic::ALL {
            let Some(ids) = self.topics.get(topic.name()) else {
                continue;
            };
            let cards: Vec<&Card> = ids.iter().filter_map(|id| self.questions.get(id)).collect();
            if cards.is_empty() {
                continue;
            }
            let count = u32::try_from(cards.len()).unwrap_or(u32::MAX);
            out.push(TopicMastery {
                topic,
                strength: cards.iter().map(|c| c.strength()).sum::<f64>() / f64::from(count),
                seen: cards.iter().fold(0, |n, c| n.saturating_add(c.seen)),
                correct: cards.iter().fold(0, |n, c| n.saturating_add(c.correct)),
            });
        }
        out
    }

    /// The weakest concepts seen, up to `n`.
    pub fn weakest_concepts(&self, n: usize) -> Vec<(&str, &Card)> {
        let mut all: Vec<(&str, &Card)> =
            self.concepts.iter().map(|(k, c)| (k.as_str(), c)).collect();
        all.sort_by(|a, b| {
            a.1.level
                .cmp(&b.1.level)
                .then(b.1.seen.cmp(&a.1.seen))
                .then(a.0.cmp(b.0))
        });
        all.truncate(n);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Text;
    use crate::lesson::QuestionKind;

    fn question(id: &str) -> Question {
        Question {
            id: id.into(),
            topic: Topic::Osi,
            concepts: vec!["osi.layers".into()],
            prompt: Text::new("p", "p"),
            kind: QuestionKind::TrueFalse { correct: true },
            explanation: Text::new("e", "e"),
            panel: None,
        }
    }

    #[test]
    fn missed_questions_come_back_sooner_than_known_ones() {
        let mut m = Mastery::default();
        let (known, missed) = (question("known"), question("missed"));
        for _ in 0..3 {
            m.record(&known, true);
            m.record(&missed, true);
            m.finish_quiz();
        }
        m.record(&known, true);
        m.record(&missed, false);
        m.finish_quiz();
        assert_eq!(m.questions["missed"].level, 1);
        assert_eq!(m.questions["known"].level, 5);
        // The missed one is due at the very next quiz; the known one is not.
        assert_eq!(m.due(), vec!["missed".to_string()]);
        assert!(m.questions["known"].due > m.quizzes + 4);
    }

    #[test]
    fn section_round_trips_through_the_store_keeping_other_fields() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().to_path_buf());
        let progress = Progress {
            last_lesson: Some("osi".into()),
            last_step: 2,
            ..Progress::default()
        };
        store.save(&progress).unwrap();
        let mut m = Mastery::load(&store);
        assert_eq!(m, Mastery::default());
        m.record(&question("q1"), false);
        m.finish_quiz();
        assert_eq!(m.save(&store).unwrap(), None);
        let (back, warning) = store.load();
        assert!(warning.is_none());
        assert_eq!(back.last_lesson.as_deref(), Some("osi"));
        assert_eq!(Mastery::from_progress(&back), m);
        let bars = m.by_topic();
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].topic, Topic::Osi);
        assert_eq!(bars[0].seen, 1);
    }

    #[test]
    fn one_malformed_card_is_skipped_and_out_of_range_values_are_clamped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().to_path_buf());
        std::fs::write(
            store.path(),
            r#"{"mastery":{"quizzes":3,
                "questions":{"bad":{"box":"five","seen":1,"correct":1,"due":0},
                             "zero":{"box":0,"seen":2,"correct":9,"due":0},
                             "high":{"box":200,"seen":4294967295,"correct":1,"due":0}},
                "topics":{"osi":["bad","zero","high"]}}}"#,
        )
        .unwrap();
        let (mut m, warnings) = Mastery::load_with_warnings(&store);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("questions.bad"), "{warnings:?}");
        assert!(!m.questions.contains_key("bad"));
        assert_eq!(m.questions["zero"].level, 1);
        assert_eq!(m.questions["zero"].correct, 2, "no more right than seen");
        assert_eq!(m.questions["high"].level, TOP_BOX);
        // The bar is a share, never "3188%".
        let bar = m.by_topic()[0];
        assert!((0.0..=1.0).contains(&bar.strength), "{}", bar.strength);
        // Counters saturate instead of overflowing.
        m.record(&question("high"), true);
        assert_eq!(m.questions["high"].seen, u32::MAX);
    }

    #[test]
    fn two_instances_saving_to_one_store_both_count() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().to_path_buf());
        let mut a = Mastery::load(&store);
        let mut b = Mastery::load(&store);
        for _ in 0..10 {
            a.record(&question("q1"), true);
            a.save(&store).unwrap();
            b.record(&question("q1"), false);
            b.save(&store).unwrap();
        }
        let disk = Mastery::load(&store);
        assert_eq!(disk.questions["q1"].seen, 20);
        assert_eq!(disk.questions["q1"].correct, 10);
        assert_eq!(disk.concepts["osi.layers"].seen, 20);
        assert_eq!(disk, b, "the last saver holds what was written");
    }
}
