//! The live histogram of one question: how many gave each answer, never who.
//! Choice questions have one bar per option (a, b, c… in the order shown),
//! true/false two; order and fill-in answers are grouped by their normalised
//! form, the most common few as bars and the rest as "other".

use serde::Serialize;

use crate::lesson::question::letter;
use crate::lesson::{Question, QuestionKind};
use crate::quiz::answer::{self, normalize, read_bool, read_choice};

/// How many typed answers get a bar of their own.
pub const TOP_TYPED: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bar {
    /// The option letter, `true`/`false`, or the normalised typed answer.
    pub label: String,
    pub count: usize,
    /// Whether this bar is the right answer (shown only at the reveal).
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Histogram {
    pub bars: Vec<Bar>,
    /// Typed answers outside the top few, and answers not readable as an option.
    pub other: usize,
    /// Students who gave no answer (empty).
    pub none: usize,
}

/// The bar an answer counts in (None: no answer).
fn key(q: &Question, given: &str) -> Option<String> {
    let given = given.trim();
    if given.is_empty() {
        return None;
    }
    Some(match &q.kind {
        QuestionKind::Choice { options, .. } => match read_choice(given, options) {
            Ok(i) => letter(i).to_string(),
            Err(_) => String::new(),
        },
        QuestionKind::TrueFalse { .. } => match read_bool(given) {
            Ok(b) => b.to_string(),
            Err(_) => String::new(),
        },
        QuestionKind::Order { .. } | QuestionKind::FillIn { .. } => normalize(given),
    })
}

/// The histogram of `answers` (as typed) to `q`.
pub fn of<'a>(q: &Question, answers: impl IntoIterator<Item = &'a str>) -> Histogram {
    let mut h = Histogram::default();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for a in answers {
        match key(q, a) {
            None => h.none += 1,
            Some(k) if k.is_empty() => h.other += 1,
            Some(k) => match counts.iter_mut().find(|(l, _)| *l == k) {
                Some((_, n)) => *n += 1,
                None => counts.push((k, 1)),
            },
        }
    }
    let count_of = |label: &str| {
        counts
            .iter()
            .find(|(l, _)| l == label)
            .map_or(0, |(_, n)| *n)
    };
    match &q.kind {
        QuestionKind::Choice { options, correct } => {
            h.bars = (0..options.len())
                .map(|i| Bar {
                    label: letter(i).to_string(),
                    count: count_of(&letter(i).to_string()),
                    correct: i == *correct,
                })
                .collect();
        }
        QuestionKind::TrueFalse { correct } => {
            h.bars = [true, false]
                .into_iter()
                .map(|b| Bar {
                    label: b.to_string(),
                    count: count_of(&b.to_string()),
                    correct: b == *correct,
                })
                .collect();
        }
        QuestionKind::Order { .. } | QuestionKind::FillIn { .. } => {
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            for (i, (label, count)) in counts.into_iter().enumerate() {
                if i < TOP_TYPED {
                    let correct = answer::check(&q.kind, &label).is_correct();
                    h.bars.push(Bar {
                        label,
                        count,
                        correct,
                    });
                } else {
                    h.other += count;
                }
            }
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Text;
    use crate::lesson::{Expected, Topic};

    fn q(kind: QuestionKind) -> Question {
        Question {
            id: "t".into(),
            topic: Topic::Tcp,
            concepts: vec![],
            prompt: Text::new("p", "p"),
            kind,
            explanation: Text::default(),
            panel: None,
        }
    }

    #[test]
    fn choice_bars_follow_the_options() {
        let q = q(QuestionKind::Choice {
            options: vec![
                Text::new("x", "x"),
                Text::new("y", "y"),
                Text::new("z", "z"),
            ],
            correct: 1,
        });
        let h = of(&q, ["b", "B", "a", "", "q", "2"]);
        let got: Vec<(&str, usize, bool)> = h
            .bars
            .iter()
            .map(|b| (b.label.as_str(), b.count, b.correct))
            .collect();
        assert_eq!(got, [("a", 1, false), ("b", 3, true), ("c", 0, false)]);
        assert_eq!((h.other, h.none), (1, 1));
    }

    #[test]
    fn typed_answers_are_grouped_normalised_with_other() {
        let q = q(QuestionKind::FillIn {
            expected: Expected::Text(vec!["syn sent".into()]),
        });
        let answers = [
            "SYN_SENT", "syn-sent", "listen", "LISTEN", "closed", "a", "b", "c",
        ];
        let h = of(&q, answers);
        assert_eq!(h.bars.len(), TOP_TYPED);
        assert_eq!(h.bars[0].label, "listen");
        assert_eq!(h.bars[1].label, "syn sent");
        assert!(h.bars[1].correct);
        assert_eq!(h.bars[1].count, 2);
        assert_eq!(h.other, 2);
    }
}
