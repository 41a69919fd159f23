//! Building a quiz from a seed, and keeping score while it is taken.
//!
//! Everything random comes from one `ChaCha8Rng` seeded with the quiz seed, so
//! the same seed, topics and count give the same questions in the same order
//! (an instructor can give a whole class one quiz).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::answer::{self, Verdict};
use super::generators::{self, Generator, Tier};
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

/// One place in a quiz before the seed fills it: a generator (the seed draws
/// its case) or an authored question of a topic (the seed picks which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    Generated {
        id: &'static str,
        tier: Tier,
    },
    /// An authored question of this topic and tier ([`authored_tier`]).
    Authored {
        topic: Topic,
        tier: Tier,
    },
}

/// The tier of an authored question, from what answering it takes: a
/// true/false is recall ([`Tier::Basic`]); picking one of a few options or
/// typing one value is one step of method ([`Tier::Core`]); putting steps in
/// their order is reasoning over several ([`Tier::Stretch`]).
pub fn authored_tier(q: &Question) -> Tier {
    match q.kind {
        QuestionKind::TrueFalse { .. } => Tier::Basic,
        QuestionKind::Choice { .. } | QuestionKind::FillIn { .. } => Tier::Core,
        QuestionKind::Order { .. } => Tier::Stretch,
    }
}

/// `tiers` (one per question) in the fixed order the plan takes them: one of
/// each tier in turn (core, basic, stretch), as [`generators::tier_order`] does
/// for generators.
fn authored_order(tiers: impl IntoIterator<Item = Tier>) -> std::collections::VecDeque<Tier> {
    let tiers: Vec<Tier> = tiers.into_iter().collect();
    let mut left: Vec<(Tier, usize)> = [Tier::Core, Tier::Basic, Tier::Stretch]
        .into_iter()
        .map(|t| (t, tiers.iter().filter(|x| **x == t).count()))
        .collect();
    let mut out = std::collections::VecDeque::with_capacity(tiers.len());
    while out.len() < tiers.len() {
        for (tier, n) in &mut left {
            if *n > 0 {
                *n -= 1;
                out.push_back(*tier);
            }
        }
    }
    out
}

/// The places of a quiz of `count` questions on `topics` (in that order), the
/// same for every seed: the topics take turns (the first ones get one more
/// when `count` is not a multiple), and within a topic authored questions of
/// `bank` (each used once) alternate with its generators, which take turns in
/// a fixed order that alternates tiers; the authored places alternate tiers
/// too ([`authored_tier`]). So every seed gets the same mix of generators and
/// tiers, authored or generated; the seed only orders the places and fills
/// them (per-student variants of equal difficulty).
pub fn plan(topics: &[Topic], bank: &[&Question], count: usize) -> Vec<Slot> {
    struct Lane {
        topic: Topic,
        makers: Vec<Generator>,
        /// The tiers of the authored questions left, in the order asked.
        authored: std::collections::VecDeque<Tier>,
        made: usize,
        turn: usize,
    }
    impl Lane {
        fn open(&self) -> bool {
            !self.makers.is_empty() || !self.authored.is_empty()
        }
    }
    let mut lanes: Vec<Lane> = topics
        .iter()
        .map(|&topic| Lane {
            topic,
            makers: generators::tier_order(generators::for_topic(topic)),
            authored: authored_order(
                bank.iter()
                    .filter(|q| q.topic == topic)
                    .map(|q| authored_tier(q)),
            ),
            made: 0,
            turn: 0,
        })
        .filter(Lane::open)
        .collect();
    let mut out = Vec::new();
    while out.len() < count && !lanes.is_empty() {
        for lane in &mut lanes {
            if out.len() >= count {
                break;
            }
            let authored_turn = lane.turn % 2 == 0 || lane.makers.is_empty();
            lane.turn += 1;
            if authored_turn && let Some(tier) = lane.authored.pop_front() {
                out.push(Slot::Authored {
                    topic: lane.topic,
                    tier,
                });
            } else if let Some(g) = lane.makers.get(lane.made % lane.makers.len().max(1)) {
                lane.made += 1;
                out.push(Slot::Generated {
                    id: g.id,
                    tier: g.tier,
                });
            }
        }
        lanes.retain(Lane::open);
    }
    out
}

/// Builds the questions of a quiz. `due` lists question/generator ids that
/// spaced repetition wants back first (missed ones); pass none for a quiz that
/// depends on the seed alone. The rest follows [`plan`], in an order the seed
/// shuffles; authored choice options are shuffled by the seed too (generated
/// ones are shuffled by their generator).
pub fn build(spec: &QuizSpec, bank: &[Question], due: &[String]) -> Vec<Question> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut topics = spec.topics_or_all();
    // Topics with nothing to ask are skipped.
    topics.retain(|t| !generators::for_topic(*t).is_empty() || bank.iter().any(|q| q.topic == *t));
    let count = spec.count.min(MAX_COUNT);
    if topics.is_empty() || count == 0 {
        return Vec::new();
    }
    // Due items first (those in the chosen topics), then the plan.
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
    let mut left: Vec<&Question> = bank
        .iter()
        .filter(|q| {
            !chosen
                .iter()
                .any(|c| matches!(c, Source::Authored(a) if a.id == q.id))
        })
        .collect();
    let mut slots = plan(&topics, &left, count - chosen.len());
    slots.shuffle(&mut rng);
    for slot in slots {
        match slot {
            Slot::Generated { id, .. } => {
                chosen.extend(generators::by_id(id).map(Source::Generated))
            }
            Slot::Authored { topic, tier } => {
                let of_topic: Vec<usize> = (0..left.len())
                    .filter(|i| left[*i].topic == topic && authored_tier(left[*i]) == tier)
                    .collect();
                if !of_topic.is_empty() {
                    let at = of_topic[rng.random_range(0..of_topic.len())];
                    chosen.push(Source::Authored(left.remove(at)));
                }
            }
        }
    }
    chosen
        .into_iter()
        .map(|source| match source {
            Source::Generated(g) => (g.make)(&mut rng),
            Source::Authored(q) => shuffled(q.clone(), &mut rng),
        })
        .collect()
}

/// An authored question as this seed shows it: choice options and order items
/// in a seeded order (an order question never starts solved).
fn shuffled(mut q: Question, rng: &mut ChaCha8Rng) -> Question {
    match &mut q.kind {
        QuestionKind::Order { items, shown } => {
            *shown = generators::shuffled_order(rng, items.len());
        }
        QuestionKind::Choice { options, correct } => {
            let mut order: Vec<usize> = (0..options.len()).collect();
            order.shuffle(rng);
            let right = *correct;
            *options = order.iter().map(|i| options[*i].clone()).collect();
            *correct = order.iter().position(|i| *i == right).unwrap_or(0);
        }
        QuestionKind::TrueFalse { .. } | QuestionKind::FillIn { .. } => {}
    }
    q
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
    /// Who takes it (`--student`; empty when not given).
    pub student: String,
    /// Exam mode: correctness and explanations wait until the end, the key is
    /// never shown, a malformed answer is asked again.
    pub exam: bool,
    /// When the quiz started (wall clock, for the results file).
    pub started: std::time::SystemTime,
}

impl Session {
    pub fn new(spec: QuizSpec, questions: Vec<Question>) -> Session {
        Session {
            spec,
            questions,
            records: Vec::new(),
            student: String::new(),
            exam: false,
            started: std::time::SystemTime::now(),
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
