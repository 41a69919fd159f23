//! What the generators of questions from real runs share
//! ([`super::labrun`] for the loopback labs, [`super::net`] for the virtual
//! network): reading a fact out of a run's JSON report with an error that
//! names the fact, and making a four-option choice whose options the facts
//! alone decide.

use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::shuffled_choice;
use crate::i18n::Text;
use crate::lesson::{PanelLink, Question, QuestionKind, Topic};

/// A run's report and the name of what ran (for the errors: "the dhcp
/// report has no /lease/ip").
pub(super) struct Report<'a> {
    value: &'a Value,
    name: String,
}

impl<'a> Report<'a> {
    pub(super) fn new(value: &'a Value, name: impl Into<String>) -> Report<'a> {
        Report {
            value,
            name: name.into(),
        }
    }

    /// The whole report, for the facts a pointer cannot reach.
    pub(super) fn value(&self) -> &'a Value {
        self.value
    }

    pub(super) fn at(&self, pointer: &str) -> Result<&'a Value, String> {
        self.value
            .pointer(pointer)
            .filter(|v| !v.is_null())
            .ok_or_else(|| format!("the {} report has no {pointer}", self.name))
    }

    pub(super) fn str(&self, pointer: &str) -> Result<String, String> {
        self.at(pointer)?
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| self.not(pointer, "text"))
    }

    pub(super) fn u64(&self, pointer: &str) -> Result<u64, String> {
        self.at(pointer)?
            .as_u64()
            .ok_or_else(|| self.not(pointer, "a count"))
    }

    pub(super) fn f64(&self, pointer: &str) -> Result<f64, String> {
        self.at(pointer)?
            .as_f64()
            .ok_or_else(|| self.not(pointer, "a number"))
    }

    pub(super) fn bool(&self, pointer: &str) -> Result<bool, String> {
        self.at(pointer)?
            .as_bool()
            .ok_or_else(|| self.not(pointer, "true/false"))
    }

    pub(super) fn list(&self, pointer: &str) -> Result<&'a Vec<Value>, String> {
        self.at(pointer)?
            .as_array()
            .ok_or_else(|| self.not(pointer, "a list"))
    }

    pub(super) fn len(&self, pointer: &str) -> Result<usize, String> {
        self.list(pointer).map(Vec::len)
    }

    fn not(&self, pointer: &str, what: &str) -> String {
        format!("{pointer} of the {} report is not {what}", self.name)
    }
}

/// The same text in both languages (numbers, addresses).
pub(super) fn same(s: impl Into<String>) -> Text {
    let s = s.into();
    Text::new(s.clone(), s)
}

/// A question from a run; the generators differ only in the topic and in
/// the panel that opens the run.
pub(super) fn question(
    id: &str,
    topic: Topic,
    concepts: &[&str],
    prompt: Text,
    kind: QuestionKind,
    explanation: Text,
    panel: Option<PanelLink>,
) -> Question {
    Question {
        id: id.into(),
        topic,
        concepts: concepts.iter().map(|c| (*c).to_string()).collect(),
        prompt,
        kind,
        explanation,
        panel,
    }
}

/// Four options: the right one and the first three distractors that differ
/// from it and from each other, in the order given, so the facts alone decide
/// which options a question has (and its instance id); the seed decides only
/// the order they are shown in.
pub(super) fn choice(rng: &mut ChaCha8Rng, right: Text, distractors: &[Text]) -> QuestionKind {
    let mut kept: Vec<Text> = Vec::new();
    for d in distractors {
        if *d != right && !kept.contains(d) && kept.len() < 3 {
            kept.push(d.clone());
        }
    }
    shuffled_choice(rng, right, &kept, 4)
}
