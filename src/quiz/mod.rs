//! Quiz engine: the question bank (authored questions from the lesson files),
//! generators, answer checking, seeded sessions, mastery, results and plain
//! mode. No terminal UI here: `ui::quiz` and `cli::quiz` drive it.
//!
//! # Writing questions
//! Any lesson file may carry `[[questions]]`; a file with `kind = "questions"`
//! (plus `id` and `title`) is a question bank with no steps. `nettutor lessons
//! check` validates them (file:line errors). Every question has an `id`, a
//! `topic` (subnet, binary, addr, osi, ports, tcp, lab, sockets), `concepts`
//! from `curriculum.toml`, a bilingual `prompt` and `explanation`, an optional
//! `panel = { open, arg }` for "show me", and one `kind`:
//! ```toml
//! [[questions]]
//! id = "osi.arp-carrier"
//! topic = "osi"
//! kind = "choice"                 # options + answer = "b"
//! # kind = "true-false"           # answer = true
//! # kind = "order"                # options in the right order; shown shuffled
//! # kind = "fill-in"              # check = text|number|binary|ipv4|ipv6|prefix|mask,
//! #                               # answer = "…" (exact form), accept = ["…"] (text)
//! concepts = ["osi.protocols"]
//! prompt = { en = "…", zh = "…" }
//! options = [{ en = "…", zh = "…" }, { en = "…", zh = "…" }]
//! answer = "b"
//! explanation = { en = "…", zh = "…" }
//! panel = { open = "osi", arg = "layer=2" }
//! ```
//! Students' answers are read forgivingly ([`answer`]); the same seed builds the
//! same quiz ([`session::build`]); missed questions come back first
//! ([`mastery`]).

pub mod answer;
pub mod drill;
pub mod export;
pub mod generators;
pub mod identity;
pub mod mastery;
pub mod plain;
pub mod results;
pub mod review;
pub mod session;

pub use crate::lesson::{Expected, Question, QuestionKind, Topic};
pub use answer::{Verdict, check, correct_answer};
pub use mastery::Mastery;
pub use session::{QuizSpec, Record, Session};

/// Parses `subnet,tcp` (commas and spaces) into topics; `all` means every one.
/// A `--topic` word that is no topic (texts: `quiz.err.topic`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(crate::i18n::Lang::En))]
pub struct UnknownTopic(pub String);

impl UnknownTopic {
    /// The message in `lang`, listing the topics.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::tf(
            lang,
            "quiz.err.topic",
            &[("name", &self.0), ("topics", &Topic::names().join(", "))],
        )
    }
}

pub fn parse_topics(list: &[String]) -> Result<Vec<Topic>, UnknownTopic> {
    let mut topics = Vec::new();
    for name in list
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .filter(|s| !s.trim().is_empty())
    {
        if name.trim().eq_ignore_ascii_case("all") {
            return Ok(Vec::new());
        }
        let topic = Topic::from_name(name).ok_or_else(|| UnknownTopic(name.to_string()))?;
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }
    Ok(topics)
}
