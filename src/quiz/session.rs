//! Building a quiz from a seed, and keeping score while it is taken.
//!
//! Everything random comes from one `ChaCha8Rng` seeded with the quiz seed, so
//! the same seed, topics and count give the same questions in the same order
//! (an instructor can give a whole class one quiz).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::answer::{self, Verdict};
use super::generators::{self, Generator};
use crate::lesson::{Question, QuestionKind, Topic};

/// The most questions one quiz may have.
pub const MAX_COUNT: usize = 500;

/// What quiz to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizSpec {
    /// Empty means every topic.
    pub topics: Vec<Topic>,
    pub count: usize,
    pub seed: u64,
}

impl QuizSpec {
    pub fn topics_or_all(&self) -> Vec<Topic> {
        if self.topics.is_empty() {
            Topic::ALL.to_vec()
        } else {
            self.topics.clone()
        }
    }
}

/// A source of one question: an authored one, or a generator.
#[derive(Debug, Clone)]
enum Source<'a> {
    Authored(&'a Question),
    Generated(Generator),
}

impl Source<'_> {
    fn id(&self) -> &str {
        match self {
            Source::Authored(q) => &q.id,
            Source::Generated(g) => g.id,
        }
    }
}

/// Builds the questions of a quiz. `due` lists question/generator ids that
/// spaced repetition wants back first (missed ones); pass none for a quiz that
/// depends on the seed alone.
pub fn build(spec: &QuizSpec, bank: &[Question], due: &[String]) -> Vec<Question> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut topics = spec.topics_or_all();
    // Topics with nothing to ask are skipped.
    topics.retain(|t| !generators::for_topic(*t).is_empty() || bank.iter().any(|q| q.topic == *t));
    let count = spec.count.min(MAX_COUNT);
    if topics.is_empty() || count == 0 {
        return Vec::new();
    }
    // Due items first (those in the chosen topics), then a topic rotation.
    let mut chosen: Vec<Source> = Vec::new();
    for id in due {
        if chosen.len() >= count {
            break;
        }
        if let Some(q) = bank
            .iter()
            .find(|q| q.id == *id && topics.contains(&q.topic))
        {
            chosen.push(Source::Authored(q));
        } else if let Some(g) = generators::by_id(id).filter(|g| topics.contains(&g.topic)) {
            chosen.push(Source::Generated(g));
        }
    }
    topics.shuffle(&mut rng);
    let mut turn = 0usize;
    while chosen.len() < count {
        let topic = topics[turn % topics.len()];
        turn += 1;
        let authored: Vec<&Question> = bank
            .iter()
            .filter(|q| q.topic == topic && !chosen.iter().any(|c| c.id() == q.id))
            .collect();
        let makers = generators::for_topic(topic);
        // Authored questions are used once each; generators never run out.
        let pick_authored = !authored.is_empty() && (makers.is_empty() || rng.random_bool(0.5));
        if pick_authored {
            let q = authored[rng.random_range(0..authored.len())];
            chosen.push(Source::Authored(q));
        } else if !makers.is_empty() {
            let g = makers[rng.random_range(0..makers.len())];
            chosen.push(Source::Generated(g));
        } else if turn > topics.len() * (count + 1) {
            // Every topic is out of authored questions and has no generator.
            break;
        }
    }
    chosen
        .into_iter()
        .map(|source| match source {
            Source::Generated(g) => (g.make)(&mut rng),
            Source::Authored(q) => {
                let mut q = q.clone();
                if let QuestionKind::Order { items, shown } = &mut q.kind {
                    *shown = generators::shuffled_order(&mut rng, items.len());
                }
                q
            }
        })
        .collect()
}

/// A seed for a quiz when none is given: from the clock.
pub fn fresh_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() ^ u64::from(d.subsec_nanos()))
        % 1_000_000
}

/// One answered (or skipped) question.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// What the student typed (trimmed); empty for no answer.
    pub answer: String,
    pub verdict: Verdict,
    /// Time spent on the question.
    pub seconds: f64,
}

/// A quiz being taken: the questions and, so far, the answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub spec: QuizSpec,
    pub questions: Vec<Question>,
    pub records: Vec<Record>,
}

impl Session {
    pub fn new(spec: QuizSpec, questions: Vec<Question>) -> Session {
        Session {
            spec,
            questions,
            records: Vec::new(),
        }
    }

    /// The question to answer now; None when the quiz is over.
    pub fn current(&self) -> Option<&Question> {
        self.questions.get(self.records.len())
    }

    pub fn index(&self) -> usize {
        self.records.len()
    }

    pub fn is_over(&self) -> bool {
        self.records.len() >= self.questions.len()
    }

    /// Checks and records `input` for the current question.
    pub fn answer(&mut self, input: &str, seconds: f64) -> Option<&Record> {
        let question = self.current()?;
        let verdict = answer::check(&question.kind, input);
        self.records.push(Record {
            answer: input.trim().to_string(),
            verdict,
            seconds,
        });
        self.records.last()
    }

    /// Every question not yet answered counts as no answer (time up, end of input).
    pub fn finish(&mut self) {
        while !self.is_over() {
            self.records.push(Record {
                answer: String::new(),
                verdict: Verdict::NoAnswer,
                seconds: 0.0,
            });
        }
    }

    pub fn score(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.verdict.is_correct())
            .count()
    }

    /// (question, record) of each answer that was not right.
    pub fn mistakes(&self) -> Vec<(&Question, &Record)> {
        self.questions
            .iter()
            .zip(&self.records)
            .filter(|(_, r)| !r.verdict.is_correct())
            .collect()
    }
}
