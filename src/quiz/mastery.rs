//! Mastery with Leitner boxes: each question (or generator) and each concept
//! sits in a box 1–5. A right answer moves it up one box, a wrong one back to
//! box 1. A card in box b comes back after 2^(b-1) quizzes, so what was missed
//! returns at the very next quiz and what is known fades out.
//!
//! Kept in the progress file under `"mastery"` (the store keeps sections it
//! does not know), written atomically by `Store::save`.

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
        self.seen += 1;
        if right {
            self.correct += 1;
            self.level = (self.level + 1).min(TOP_BOX);
        } else {
            self.level = 1;
        }
        self.due = quiz + (1u32 << (self.level - 1));
    }

    /// 0.0 (box 1) to 1.0 (top box); unseen cards are 0.
    pub fn strength(&self) -> f64 {
        if self.seen == 0 {
            0.0
        } else {
            f64::from(self.level - 1) / f64::from(TOP_BOX - 1)
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
    /// The section from a progress file; a missing or unreadable section is a
    /// fresh start (the rest of the file is untouched).
    pub fn from_progress(progress: &Progress) -> Mastery {
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

    /// Reads the mastery section of the store (fresh if absent).
    pub fn load(store: &Store) -> Mastery {
        Mastery::from_progress(&store.load().0)
    }

    /// Writes the section back, keeping everything else in the file: read,
    /// change, atomic write.
    pub fn save(&self, store: &Store) -> Result<(), StoreError> {
        let (mut progress, _) = store.load();
        self.into_progress(&mut progress);
        store.save(&progress)
    }

    /// Records one answer (during quiz number `self.quizzes`).
    pub fn record(&mut self, question: &Question, right: bool) {
        let quiz = self.quizzes;
        self.questions
            .entry(question.id.clone())
            .or_default()
            .record(right, quiz);
        for concept in &question.concepts {
            self.concepts
                .entry(concept.clone())
                .or_default()
                .record(right, quiz);
        }
        let ids = self
            .topics
            .entry(question.topic.name().to_string())
            .or_default();
        if !ids.contains(&question.id) {
            ids.push(question.id.clone());
        }
    }

    /// A quiz is over: the next one is due-checked against a later number.
    pub fn finish_quiz(&mut self) {
        self.quizzes += 1;
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
                seen: cards.iter().map(|c| c.seen).sum(),
                correct: cards.iter().map(|c| c.correct).sum(),
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
        m.save(&store).unwrap();
        let (back, warning) = store.load();
        assert!(warning.is_none());
        assert_eq!(back.last_lesson.as_deref(), Some("osi"));
        assert_eq!(Mastery::from_progress(&back), m);
        let bars = m.by_topic();
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].topic, Topic::Osi);
        assert_eq!(bars[0].seen, 1);
    }
}
