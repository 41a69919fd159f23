//! Quiz engine: the question bank (authored questions from the lesson files),
//! generators, answer checking, seeded sessions, mastery, results and plain
//! mode. No terminal UI here: `ui::quiz` and `cli::quiz` drive it.

pub mod answer;
pub mod generators;
pub mod mastery;
pub mod plain;
pub mod results;
pub mod session;

pub use crate::lesson::{Expected, Question, QuestionKind, Topic};
pub use answer::{Verdict, check, correct_answer};
pub use mastery::Mastery;
pub use session::{QuizSpec, Record, Session};

/// Parses `subnet,tcp` (commas and spaces) into topics; `all` means every one.
pub fn parse_topics(list: &[String]) -> Result<Vec<Topic>, String> {
    let mut topics = Vec::new();
    for name in list
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .filter(|s| !s.trim().is_empty())
    {
        if name.trim().eq_ignore_ascii_case("all") {
            return Ok(Vec::new());
        }
        let topic = Topic::from_name(name).ok_or_else(|| {
            format!(
                "unknown topic '{name}' (one of: {}, all)",
                Topic::names().join(", ")
            )
        })?;
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }
    Ok(topics)
}
