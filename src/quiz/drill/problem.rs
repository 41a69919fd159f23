//! A problem, its fields, and the mark of one answer.

use crate::i18n::{Lang, Text, t, tf};
use crate::quiz::answer::Unreadable;

use super::Spec;
use super::field::{FieldId, Form, Value};
use super::mistake::{Mistake, method_key};

/// One field of a problem: the right value and the values of typical mistakes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub id: FieldId,
    pub expected: Value,
    pub form: Form,
    /// Mistaken values in order of precedence (the first equal one names the
    /// hint). None equals `expected`; no value is listed twice.
    pub mistakes: Vec<(Mistake, Value)>,
}

impl Field {
    pub fn new(id: FieldId, expected: Value) -> Field {
        let form = Form::of(&expected, &[]);
        Field {
            id,
            expected,
            form,
            mistakes: Vec::new(),
        }
    }

    /// A field answered by one of `words` (interface names).
    pub fn word(id: FieldId, expected: &str, words: &[String]) -> Field {
        let expected = Value::Word(expected.to_string());
        let form = Form::of(&expected, words);
        Field {
            id,
            expected,
            form,
            mistakes: Vec::new(),
        }
    }

    /// Adds the value `mistake` would give, if it differs from the right value
    /// and from every mistaken value listed before it.
    pub fn mistake(mut self, mistake: Mistake, value: Option<Value>) -> Field {
        if let Some(value) = value
            && value != self.expected
            && !self.mistakes.iter().any(|(_, v)| *v == value)
        {
            self.mistakes.push((mistake, value));
        }
        self
    }

    /// Marks one answer.
    pub fn mark(&self, answer: &str) -> Mark {
        let answer = answer.trim();
        if answer.is_empty() {
            return Mark::Empty;
        }
        match self.form.read(answer) {
            Err(why) => Mark::Unreadable(why),
            Ok(given) if given == self.expected => Mark::Correct,
            Ok(given) => Mark::Wrong {
                mistake: self
                    .mistakes
                    .iter()
                    .find(|(_, v)| *v == given)
                    .map(|(m, _)| *m),
                given,
            },
        }
    }

    /// The label and how to answer, for the prompt line.
    pub fn prompt(&self, lang: Lang) -> String {
        tf(
            lang,
            "drill.field.prompt",
            &[
                ("field", &self.id.label(lang)),
                ("form", &self.form.hint(lang)),
            ],
        )
    }
}

/// The mark of one field. Only [`Mark::Correct`] scores; an empty or
/// unreadable answer counts wrong (the field is not asked again, so one line
/// of input is always one field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Correct,
    Wrong {
        given: Value,
        /// The mistake whose value the answer equals, if any.
        mistake: Option<Mistake>,
    },
    /// Not a value of the form asked for; counted wrong, with the reason.
    Unreadable(Unreadable),
    /// No answer; counted wrong.
    Empty,
}

impl Mark {
    pub fn is_correct(&self) -> bool {
        *self == Mark::Correct
    }

    pub fn mistake(&self) -> Option<Mistake> {
        match self {
            Mark::Wrong { mistake, .. } => *mistake,
            _ => None,
        }
    }

    /// The verdict line for `field`: ✓, or ✗ with what was given and the answer.
    pub fn verdict(&self, field: &Field, lang: Lang) -> String {
        let label = field.id.label(lang);
        let answer = field.expected.text(lang);
        match self {
            Mark::Correct => tf(
                lang,
                "drill.mark.correct",
                &[("field", &label), ("answer", &answer)],
            ),
            Mark::Wrong { given, .. } => tf(
                lang,
                "drill.mark.wrong",
                &[
                    ("field", &label),
                    ("given", &given.text(lang)),
                    ("answer", &answer),
                ],
            ),
            Mark::Unreadable(why) => tf(
                lang,
                "drill.mark.unreadable",
                &[
                    ("field", &label),
                    ("why", &why.text(lang)),
                    ("answer", &answer),
                ],
            ),
            Mark::Empty => tf(
                lang,
                "drill.mark.empty",
                &[("field", &label), ("answer", &answer)],
            ),
        }
    }

    /// The hint for a field not answered right: the mistake it matches, else
    /// the method (and for an unreadable answer, the form expected).
    pub fn hint(&self, field: &Field, lang: Lang) -> Option<String> {
        match self {
            Mark::Correct => None,
            Mark::Wrong {
                mistake: Some(m), ..
            } => Some(m.hint(&field.id, lang)),
            Mark::Wrong { mistake: None, .. } | Mark::Empty => {
                Some(t(lang, &method_key(&field.id)).to_string())
            }
            Mark::Unreadable(_) => Some(tf(
                lang,
                "drill.mark.form_hint",
                &[("form", &field.form.hint(lang))],
            )),
        }
    }
}

/// A problem: what is given, and the fields to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What rebuilds it (kept in the pool of missed problems).
    pub spec: Spec,
    pub prompt: Text,
    /// Lines shown under the prompt (a routing table, a list), any language.
    pub detail: Vec<String>,
    pub fields: Vec<Field>,
}

impl Problem {
    /// Marks every field, one answer each (missing answers count as empty).
    pub fn mark_all(&self, answers: &[String]) -> Vec<Mark> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, f)| f.mark(answers.get(i).map_or("", String::as_str)))
            .collect()
    }

    /// The right answers, one per field, in a form the drill reads back.
    pub fn answers(&self, lang: Lang) -> Vec<String> {
        self.fields.iter().map(|f| f.expected.text(lang)).collect()
    }
}
