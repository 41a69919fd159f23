//! Question generators: endless fresh questions from a seeded RNG, with the
//! answer computed by the tutor's own logic (subnet math, the TCP state machine,
//! the tables of layers, PDUs and ports, the lab outcome rules).

mod binary;
mod lab;
pub mod labrun;
pub mod net;
mod osi;
mod ports;
mod report;
pub mod subnet;
pub mod tcp;

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::i18n::Text;
use crate::lesson::{PanelId, PanelLink, Question, QuestionKind, Topic};

/// How hard a kind of question is. A seeded quiz gives every seed the same
/// mix of tiers (see `session::plan`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Tier {
    /// Recall: a name, a number, a conversion.
    Basic,
    /// One step of method: an address from a prefix, a state from a segment.
    Core,
    /// Reasoning over several steps or a real effect: splitting, the labs.
    Stretch,
}

impl Tier {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// One kind of generated question.
#[derive(Debug, Clone, Copy)]
pub struct Generator {
    /// Stable id (`gen.<topic>.<what>`): the question id, and the mastery key.
    pub id: &'static str,
    pub topic: Topic,
    pub tier: Tier,
    pub make: fn(&mut ChaCha8Rng) -> Question,
}

/// Every generator, grouped by topic.
pub fn all() -> Vec<Generator> {
    let mut out = Vec::new();
    out.extend_from_slice(binary::GENERATORS);
    out.extend_from_slice(osi::GENERATORS);
    out.extend_from_slice(ports::GENERATORS);
    out.extend_from_slice(lab::GENERATORS);
    out.extend_from_slice(subnet::GENERATORS);
    out.extend_from_slice(tcp::GENERATORS);
    out
}

/// The generators of `topic`.
pub fn for_topic(topic: Topic) -> Vec<Generator> {
    all().into_iter().filter(|g| g.topic == topic).collect()
}

/// `makers` in the order a quiz takes them: tiers alternate (Core, Basic,
/// Stretch, Core, …) so that a topic asked twice is not asked the same depth
/// twice; within a tier, in declaration order.
pub fn tier_order(makers: Vec<Generator>) -> Vec<Generator> {
    let mut by_tier: Vec<std::collections::VecDeque<Generator>> =
        [Tier::Core, Tier::Basic, Tier::Stretch]
            .iter()
            .map(|t| makers.iter().filter(|g| g.tier == *t).copied().collect())
            .collect();
    let mut out = Vec::with_capacity(makers.len());
    while out.len() < makers.len() {
        for tier in &mut by_tier {
            out.extend(tier.pop_front());
        }
    }
    out
}

/// The generator with this id.
pub fn by_id(id: &str) -> Option<Generator> {
    all().into_iter().find(|g| g.id == id)
}

/// A bilingual text from two format results.
pub(crate) fn text(en: impl Into<String>, zh: impl Into<String>) -> Text {
    Text::new(en, zh)
}

/// A panel link (arguments are built by the generator from its own case and
/// parsed by the panel's parser; the generator tests check every link parses).
pub(crate) fn link(panel: PanelId, arg: impl Into<String>) -> Option<PanelLink> {
    PanelLink::parse(panel, arg).ok()
}

/// A choice question's options: the right one plus up to `n - 1` distinct
/// distractors, shuffled; returns (options, index of the right one).
pub(crate) fn shuffled_choice(
    rng: &mut ChaCha8Rng,
    right: Text,
    distractors: &[Text],
    n: usize,
) -> QuestionKind {
    let mut pool: Vec<Text> = distractors
        .iter()
        .filter(|d| **d != right)
        .cloned()
        .collect();
    pool.dedup();
    pool.shuffle(rng);
    pool.truncate(n.saturating_sub(1));
    pool.push(right.clone());
    pool.shuffle(rng);
    let correct = pool.iter().position(|o| *o == right).unwrap_or(0);
    QuestionKind::Choice {
        options: pool,
        correct,
    }
}

/// A permutation of `0..n` that is not the identity (when n > 1), so an order
/// question never starts solved.
pub fn shuffled_order(rng: &mut ChaCha8Rng, n: usize) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..n).collect();
    if n < 2 {
        return shown;
    }
    loop {
        shown.shuffle(rng);
        if shown.iter().enumerate().any(|(i, v)| i != *v) {
            return shown;
        }
    }
}

/// One element of a non-empty slice.
pub(crate) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}
