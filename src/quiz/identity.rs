//! Which question a student saw, as an id that means the same thing on every
//! machine: the instance id. An authored question's instance is its id. A
//! generated question's instance is its generator's id and a digest of the
//! case the generator drew (`gen.subnet.network#3f9a1c0e2b7d5a61`): two
//! students with the same instance id saw the same question (the same numbers,
//! the same options), whatever order their seeds showed the options in, so
//! per-question statistics over a class mean something. The answer a student
//! gave is kept by content too ([`answer_value`]): "b" under one seed is "d"
//! under another, "10.0.0.1" is the same under both. A question from the
//! virtual network's real outcomes ([`generators::net`]) or from a lab's real
//! run ([`generators::labrun`]) is named the same way: its generator's id and
//! a digest of the facts the run gave it.

use sha2::{Digest, Sha256};

use super::answer::{read_choice, read_order};
use super::generators;
use crate::lesson::{Question, QuestionKind};

/// The instance id of `q` (see the module docs).
pub fn instance_id(q: &Question) -> String {
    let id = q.id.as_str();
    if generators::by_id(id).is_none()
        && !generators::net::IDS.contains(&id)
        && !generators::labrun::IDS.contains(&id)
    {
        return q.id.clone();
    }
    let digest = Sha256::digest(case_text(q).as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}#{hex}", q.id)
}

/// The generator or authored question an instance id belongs to: the id
/// before `#` (the mastery key).
pub fn item_id(instance: &str) -> &str {
    instance.split_once('#').map_or(instance, |(item, _)| item)
}

/// Everything that makes the question what it is, independent of the order
/// its options are shown in: the prompt in both languages, the options as a
/// set, and the right answer by content.
fn case_text(q: &Question) -> String {
    let mut parts = vec![q.prompt.en.clone(), q.prompt.zh.clone()];
    match &q.kind {
        QuestionKind::Choice { options, correct } => {
            let mut texts: Vec<&str> = options.iter().map(|o| o.en.as_str()).collect();
            texts.sort_unstable();
            parts.extend(texts.iter().map(|t| (*t).to_string()));
            parts.push(format!(
                "answer={}",
                options.get(*correct).map_or("", |o| o.en.as_str())
            ));
        }
        QuestionKind::TrueFalse { correct } => parts.push(format!("answer={correct}")),
        QuestionKind::Order { items, .. } => {
            parts.extend(items.iter().map(|i| format!("item={}", i.en)));
        }
        QuestionKind::FillIn { expected } => parts.push(format!("answer={}", expected.canonical())),
    }
    parts.join("\u{1f}")
}

/// What an answer means, independent of how the options were shuffled: for a
/// choice, the English text of the option picked; for an order, the items in
/// the order given (`A > B > C`); otherwise the answer as typed (trimmed). An
/// answer that cannot be read as an option is kept as typed.
pub fn answer_value(kind: &QuestionKind, answer: &str) -> String {
    let answer = answer.trim();
    let read = match kind {
        QuestionKind::Choice { options, .. } => read_choice(answer, options)
            .ok()
            .and_then(|i| options.get(i))
            .map(|o| o.en.clone()),
        QuestionKind::Order { items, shown } => read_order(answer, shown.len()).ok().map(|p| {
            p.iter()
                .filter_map(|letter| shown.get(*letter).and_then(|i| items.get(*i)))
                .map(|t| t.en.as_str())
                .collect::<Vec<_>>()
                .join(" > ")
        }),
        QuestionKind::TrueFalse { .. } | QuestionKind::FillIn { .. } => None,
    };
    read.unwrap_or_else(|| answer.to_string())
}

#[cfg(test)]
#[path = "identity_tests.rs"]
mod tests;
