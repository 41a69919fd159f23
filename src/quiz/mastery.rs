//! Mastery: each question (or generator) and each concept has a card. Its
//! box 1–5 says how well it is known (a right answer moves it up one box, a
//! wrong one back to box 1: the bars and the words of the progress screen).
//! When it comes back is scheduled by days ([`super::review`], FSRS): a miss
//! the next day, a known card after days, then weeks. Cards written before
//! day scheduling (no `review`) keep the old rule, due after 2^(box-1)
//! quizzes, until their next answer schedules them by days.
//!
//! Kept in the progress file under `"mastery"` (the store keeps sections it
//! does not know). Saving replays this run's answers onto what is on disk now,
//! under the store's lock, so two instances sharing one home both count.
//! Reading is lenient: a malformed card is skipped with a warning, out-of-range
//! numbers are clamped, counters saturate.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::review::{self, Schedule};
use super::session::{self, QuizSpec};
use crate::i18n::{Lang, t, tf};
use crate::lesson::{Question, Topic};
use crate::store::{Progress, Store, StoreError};

/// The key of the section in the progress file.
pub const SECTION: &str = "mastery";
/// The highest box.
pub const TOP_BOX: u8 = 5;

/// One item's place in the boxes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// 1 (just missed / new) to [`TOP_BOX`] (known).
    #[serde(rename = "box")]
    pub level: u8,
    pub seen: u32,
    pub correct: u32,
    /// The quiz number from which it is due again (the rule before day
    /// scheduling; used only while `review` is absent).
    pub due: u32,
    /// When it comes back, by days; absent in files written before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Schedule>,
}

impl Default for Card {
    fn default() -> Card {
        Card {
            level: 1,
            seen: 0,
            correct: 0,
            due: 0,
            review: None,
        }
    }
}

impl Card {
    fn record(&mut self, right: bool, quiz: u32, at: DateTime<Utc>) {
        self.clamp();
        self.review = Some(review::next(self.review.as_ref(), right, at));
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
        self.review = self.review.take().and_then(review::sane);
    }

    /// Due before `cutoff` (by its review date), or, for a card never
    /// scheduled by days, by the old quiz-count rule.
    pub fn is_due(&self, cutoff: DateTime<Utc>, quizzes: u32) -> bool {
        match &self.review {
            Some(r) => r.due < cutoff,
            None => self.due <= quizzes,
        }
    }

    /// 0.0–1.0, how well the card is known at `now`, from its FSRS state:
    /// how long the memory lasts (its stability, full at three months) times
    /// how much of it is left today (its retrievability). A card just missed
    /// is weak although it was seen today, one answered right over weeks is
    /// strong, and a strong one fades while it is not reviewed. A card never
    /// scheduled by days (an older progress file) uses its box: 0.0 (box 1)
    /// to 1.0 (top box). Unseen: 0.
    pub fn strength(&self, now: DateTime<Utc>) -> f64 {
        if self.seen == 0 {
            return 0.0;
        }
        match &self.review {
            Some(r) if r.state != rs_fsrs::State::New => review::strength(r, now),
            _ => f64::from(self.level.clamp(1, TOP_BOX) - 1) / f64::from(TOP_BOX - 1),
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
        at: DateTime<Utc>,
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

    /// Records one answer given now (during quiz number `self.quizzes`).
    pub fn record(&mut self, question: &Question, right: bool) {
        self.record_at(question, right, Utc::now());
    }

    /// Records one answer given at `at`.
    pub fn record_at(&mut self, question: &Question, right: bool, at: DateTime<Utc>) {
        let change = Change::Answer {
            id: question.id.clone(),
            concepts: question.concepts.clone(),
            topic: question.topic.name().to_string(),
            right,
            at,
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
            at,
        } = change
        else {
            self.quizzes = self.quizzes.saturating_add(1);
            return;
        };
        let quiz = self.quizzes;
        self.questions
            .entry(id.clone())
            .or_default()
            .record(*right, quiz, *at);
        for concept in concepts {
            self.concepts
                .entry(concept.clone())
                .or_default()
                .record(*right, quiz, *at);
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

    /// Question/generator ids due today, weakest first (missed ones are box 1).
    pub fn due(&self) -> Vec<String> {
        self.due_at(Utc::now())
    }

    /// Question/generator ids due on the local day of `now`, weakest first,
    /// then the longest overdue.
    pub fn due_at(&self, now: DateTime<Utc>) -> Vec<String> {
        let cutoff = review::end_of_today(now);
        let mut due: Vec<(&String, &Card)> = self
            .questions
            .iter()
            .filter(|(_, c)| c.is_due(cutoff, self.quizzes))
            .collect();
        due.sort_by_key(|(id, c)| (c.level, c.review.as_ref().map(|r| r.due), (*id).clone()));
        due.into_iter().map(|(id, _)| id.clone()).collect()
    }

    /// A quiz of only what is due on the local day of `now`: the due
    /// questions of `spec`'s topics (at most `spec.count`), weakest first.
    /// Empty when nothing is due.
    pub fn due_quiz(
        &self,
        spec: &QuizSpec,
        bank: &[Question],
        now: DateTime<Utc>,
    ) -> Vec<Question> {
        let due = self.due_at(now);
        let spec = QuizSpec {
            count: spec.count.min(due.len()),
            ..spec.clone()
        };
        if spec.count == 0 {
            return Vec::new();
        }
        let mut questions = session::build(&spec, bank, &due);
        // What filled the count from the topic rotation is not due.
        questions.retain(|q| due.contains(&q.id));
        questions
    }

    /// "Nothing is due today", and when the next review is.
    pub fn nothing_due(&self, lang: Lang, now: DateTime<Utc>) -> String {
        let mut text = t(lang, "quiz.due.none").to_string();
        if let Some(next) = self.next_review(now) {
            let days = review::days_until(next, now);
            let days = crate::words::count(lang, u64::try_from(days).unwrap_or(0), "noun.day");
            let date = next
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d")
                .to_string();
            text.push(' ');
            text.push_str(&tf(
                lang,
                "quiz.due.next",
                &[("days", &days), ("date", &date)],
            ));
        }
        text
    }

    /// How many questions are due on the local day of `now`.
    pub fn due_today(&self, now: DateTime<Utc>) -> usize {
        let cutoff = review::end_of_today(now);
        self.questions
            .values()
            .filter(|c| c.is_due(cutoff, self.quizzes))
            .count()
    }

    /// The earliest review date after today, for "next review in N days".
    pub fn next_review(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let cutoff = review::end_of_today(now);
        self.questions
            .values()
            .filter_map(|c| c.review.as_ref().map(|r| r.due))
            .filter(|d| *d >= cutoff)
            .min()
    }

    /// Mastery of each topic that has been practised at `now`, in topic order.
    pub fn by_topic(&self, now: DateTime<Utc>) -> Vec<TopicMastery> {
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
                strength: cards.iter().map(|c| c.strength(now)).sum::<f64>() / f64::from(count),
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
#[path = "mastery_tests.rs"]
mod tests;
