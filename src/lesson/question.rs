//! Quiz questions as lesson files hold them: the validated model shared by the
//! authored question banks and the quiz generators, and the checks that turn
//! `[[questions]]` tables into it.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use toml::Spanned;

use super::catalog::Curriculum;
use super::error::Message;
use super::model::{Checker, PanelLink, validate_panel_link};
use super::raw::{RawAnswer, RawQuestion};
use crate::i18n::Text;

/// What a quiz question is about (`nettutor quiz --topic …`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::VariantNames,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Topic {
    Subnet,
    Binary,
    Addr,
    Osi,
    Ports,
    Tcp,
    Lab,
    Sockets,
}

impl Topic {
    pub const ALL: &'static [Topic] = <Topic as strum::VariantArray>::VARIANTS;

    /// Every name, in the same order.
    pub const NAMES: &'static [&'static str] = <Topic as strum::VariantNames>::VARIANTS;

    /// The name used on the command line and in files.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<Topic> {
        let name = name.trim().to_ascii_lowercase();
        Topic::ALL.iter().copied().find(|t| t.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        Topic::ALL.iter().map(|t| t.name()).collect()
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a fill-in question expects; the quiz reads the student's answer with
/// the checker of the same kind (`crate::quiz::answer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Any of these words (compared ignoring case and extra spaces).
    Text(Vec<String>),
    /// A whole number (decimal, or hex with 0x).
    Number(u64),
    /// A binary number of `width` bits, e.g. an octet.
    Binary {
        value: u32,
        width: u8,
    },
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    /// An IPv4 prefix length, 0–32 (a dotted mask is accepted too).
    Prefix(u8),
    /// An IPv4 mask, stored as its prefix length (a /n is accepted too).
    Mask(u8),
}

/// The checker names a fill-in question may use.
pub const CHECKERS: &[&str] = &["text", "number", "binary", "ipv4", "ipv6", "prefix", "mask"];

/// The dotted mask of a prefix length (0–32).
pub fn mask_of(prefix: u8) -> Ipv4Addr {
    let bits = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    };
    Ipv4Addr::from(bits)
}

/// The prefix length of a valid mask (ones, then zeros); None otherwise.
pub fn prefix_of(mask: Ipv4Addr) -> Option<u8> {
    let bits = u32::from(mask);
    let ones = bits.leading_ones();
    (bits.checked_shl(ones).unwrap_or(0) == 0).then(|| u8::try_from(ones).unwrap_or(32))
}

impl Expected {
    /// The answer written in a form the quiz accepts (plain mode, results).
    pub fn canonical(&self) -> String {
        match self {
            Expected::Text(words) => words.first().cloned().unwrap_or_default(),
            Expected::Number(n) => n.to_string(),
            Expected::Binary { value, width } => format!("{value:0w$b}", w = usize::from(*width)),
            Expected::Ipv4(a) => a.to_string(),
            Expected::Ipv6(a) => a.to_string(),
            Expected::Prefix(p) => format!("/{p}"),
            Expected::Mask(p) => mask_of(*p).to_string(),
        }
    }

    /// An authored answer for `checker`, written canonically (authors are
    /// held to exact forms; students are read forgivingly).
    pub fn from_authored(
        checker: &str,
        answer: &str,
        accept: &[String],
    ) -> Result<Expected, Message> {
        let a = answer.trim();
        match checker {
            "text" => {
                let mut words = vec![a.to_string()];
                words.extend(accept.iter().map(|w| w.trim().to_string()));
                if words.iter().any(String::is_empty) {
                    return Err(Message::new("lesson.err.answer.text_empty"));
                }
                Ok(Expected::Text(words))
            }
            "number" => a
                .parse()
                .map(Expected::Number)
                .map_err(|_| Message::new("lesson.err.answer.number").with("a", a)),
            "binary" => {
                if a.is_empty() || a.len() > 32 || !a.chars().all(|c| c == '0' || c == '1') {
                    return Err(Message::new("lesson.err.answer.binary").with("a", a));
                }
                let value = u32::from_str_radix(a, 2)
                    .map_err(|_| Message::new("lesson.err.answer.binary").with("a", a))?;
                Ok(Expected::Binary {
                    value,
                    width: u8::try_from(a.len()).unwrap_or(32),
                })
            }
            "ipv4" => a
                .parse()
                .map(Expected::Ipv4)
                .map_err(|_| Message::new("lesson.err.answer.ipv4").with("a", a)),
            "ipv6" => a
                .parse()
                .map(Expected::Ipv6)
                .map_err(|_| Message::new("lesson.err.answer.ipv6").with("a", a)),
            "prefix" => match a.trim_start_matches('/').parse::<u8>() {
                Ok(p) if p <= 32 => Ok(Expected::Prefix(p)),
                _ => Err(Message::new("lesson.err.answer.prefix").with("a", a)),
            },
            "mask" => match a.parse::<Ipv4Addr>().ok().and_then(prefix_of) {
                Some(p) => Ok(Expected::Mask(p)),
                None => Err(Message::new("lesson.err.answer.mask").with("a", a)),
            },
            other => Err(Message::new("lesson.err.answer.checker")
                .with("name", other)
                .with("names", CHECKERS.join(", "))),
        }
    }
}

/// The shape of a question and its right answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionKind {
    /// Pick one option; `correct` indexes `options`.
    Choice {
        options: Vec<Text>,
        correct: usize,
    },
    TrueFalse {
        correct: bool,
    },
    /// `items` in the right order; `shown[i]` is the item shown at letter i.
    Order {
        items: Vec<Text>,
        shown: Vec<usize>,
    },
    FillIn {
        expected: Expected,
    },
}

/// One quiz question, authored or generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Stable id: authored ids as written; generated ones `gen.<generator>`.
    pub id: String,
    pub topic: Topic,
    /// Curriculum concept ids.
    pub concepts: Vec<String>,
    pub prompt: Text,
    pub kind: QuestionKind,
    /// Why the answer is right, shown after answering.
    pub explanation: Text,
    /// "Show me": the panel (or lab) at this question's own case.
    pub panel: Option<PanelLink>,
}

const KINDS: &[&str] = &["choice", "true-false", "order", "fill-in"];

/// Validates the `[[questions]]` of one file.
pub(super) fn validate_questions(
    raw: &[Spanned<RawQuestion>],
    curriculum: &Curriculum,
    check: &mut Checker<'_>,
) -> Vec<Question> {
    raw.iter()
        .filter_map(|q| validate_question(q, curriculum, check))
        .collect()
}

fn validate_question(
    raw: &Spanned<RawQuestion>,
    curriculum: &Curriculum,
    check: &mut Checker<'_>,
) -> Option<Question> {
    let at = raw.span().start;
    let q = raw.get_ref();
    let id = q.id.get_ref().clone();
    let what = Message::new("lesson.err.question").with("id", &id);
    let about = |why: Message| Message::about(what.clone(), why);
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    {
        check.error(
            q.id.span().start,
            about(Message::new("lesson.err.question_id")),
        );
    }
    let topic = Topic::from_name(q.topic.get_ref());
    if topic.is_none() {
        check.error(
            q.topic.span().start,
            about(
                Message::new("lesson.err.unknown_topic")
                    .with("name", q.topic.get_ref())
                    .with("names", Topic::names().join(", ")),
            ),
        );
    }
    if q.concepts.is_empty() {
        check.error(at, about(Message::new("lesson.err.no_concepts")));
    }
    let mut concepts = Vec::new();
    for concept in &q.concepts {
        let name = concept.get_ref();
        if curriculum.get(name).is_none() {
            check.error(
                concept.span().start,
                about(Message::new("lesson.err.unknown_concept").with("id", name)),
            );
        } else {
            concepts.push(name.clone());
        }
    }
    let prompt = check.required_text(&q.prompt, at, Message::about(what.clone(), "prompt"));
    let explanation = check.required_text(
        &q.explanation,
        at,
        Message::about(what.clone(), "explanation"),
    );
    let panel = q
        .panel
        .as_ref()
        .and_then(|p| validate_panel_link(p.get_ref(), what.clone(), check));
    let kind = validate_kind(q, &what, at, check)?;
    Some(Question {
        id,
        topic: topic?,
        concepts,
        prompt,
        kind,
        explanation,
        panel,
    })
}

fn validate_kind(
    q: &RawQuestion,
    what: &Message,
    at: usize,
    check: &mut Checker<'_>,
) -> Option<QuestionKind> {
    let about = |key: &'static str| Message::about(what.clone(), Message::new(key));
    let kind = q.kind.get_ref().as_str();
    let kind_at = q.kind.span().start;
    let answer_at = q.answer.as_ref().map_or(at, |a| a.span().start);
    let options: Vec<Text> = q
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let option = Message::new("lesson.err.option").with("n", i + 1);
            check.text(o, Message::about(what.clone(), option))
        })
        .collect();
    if !matches!(kind, "choice" | "order") && !options.is_empty() {
        check.error(q.options[0].span().start, about("lesson.err.options_only"));
    }
    if kind != "fill-in" && (q.check.is_some() || !q.accept.is_empty()) {
        check.error(at, about("lesson.err.check_only"));
    }
    let answer = q.answer.as_ref().map(|a| a.get_ref());
    match kind {
        "choice" => {
            if !(2..=8).contains(&options.len()) {
                check.error(at, about("lesson.err.choice_options"));
                return None;
            }
            let letter = match answer {
                Some(RawAnswer::Str(s)) => s.trim().to_ascii_lowercase(),
                _ => {
                    check.error(answer_at, about("lesson.err.choice_answer"));
                    return None;
                }
            };
            let correct = letter_index(&letter).filter(|i| *i < options.len());
            match correct {
                Some(correct) => Some(QuestionKind::Choice { options, correct }),
                None => {
                    check.error(
                        answer_at,
                        Message::about(
                            what.clone(),
                            Message::new("lesson.err.choice_letter").with("letter", &letter),
                        ),
                    );
                    None
                }
            }
        }
        "true-false" => match answer {
            Some(RawAnswer::Bool(b)) => Some(QuestionKind::TrueFalse { correct: *b }),
            _ => {
                check.error(answer_at, about("lesson.err.true_false"));
                None
            }
        },
        "order" => {
            if answer.is_some() {
                check.error(answer_at, about("lesson.err.order_answer"));
            }
            if !(2..=8).contains(&options.len()) {
                check.error(at, about("lesson.err.order_options"));
                return None;
            }
            let shown = (0..options.len()).collect();
            Some(QuestionKind::Order {
                items: options,
                shown,
            })
        }
        "fill-in" => {
            let Some(checker) = &q.check else {
                check.error(
                    at,
                    Message::about(
                        what.clone(),
                        Message::new("lesson.err.fill_check").with("names", CHECKERS.join(", ")),
                    ),
                );
                return None;
            };
            let text = match answer {
                Some(RawAnswer::Str(s)) => s.clone(),
                Some(RawAnswer::Int(n)) => n.to_string(),
                Some(RawAnswer::Bool(_)) | None => {
                    check.error(answer_at, about("lesson.err.fill_answer"));
                    return None;
                }
            };
            let accept: Vec<String> = q.accept.iter().map(|a| a.get_ref().clone()).collect();
            match Expected::from_authored(checker.get_ref(), &text, &accept) {
                Ok(expected) => Some(QuestionKind::FillIn { expected }),
                Err(why) => {
                    let where_ = if CHECKERS.contains(&checker.get_ref().as_str()) {
                        answer_at
                    } else {
                        checker.span().start
                    };
                    check.error(where_, Message::about(what.clone(), why));
                    None
                }
            }
        }
        other => {
            check.error(
                kind_at,
                Message::about(
                    what.clone(),
                    Message::new("lesson.err.question_kind")
                        .with("kind", other)
                        .with("names", KINDS.join(", ")),
                ),
            );
            None
        }
    }
}

/// `a` → 0, `b` → 1, …
pub fn letter_index(s: &str) -> Option<usize> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c @ 'a'..='z'), None) => Some(usize::from(c as u8 - b'a')),
        _ => None,
    }
}

/// 0 → `a`, 1 → `b`, …
pub fn letter(i: usize) -> char {
    u8::try_from(i)
        .ok()
        .filter(|i| *i < 26)
        .map_or('?', |i| char::from(b'a' + i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_prefixes_round_trip() {
        for p in 0..=32u8 {
            assert_eq!(prefix_of(mask_of(p)), Some(p));
        }
        assert_eq!(mask_of(24), Ipv4Addr::new(255, 255, 255, 0));
        assert_eq!(prefix_of(Ipv4Addr::new(255, 0, 255, 0)), None);
        assert_eq!(prefix_of(Ipv4Addr::new(255, 255, 254, 0)), Some(23));
    }

    #[test]
    fn authored_answers_are_held_to_exact_forms() {
        assert_eq!(
            Expected::from_authored("mask", "255.255.255.0", &[]),
            Ok(Expected::Mask(24))
        );
        assert!(Expected::from_authored("mask", "255.0.255.0", &[]).is_err());
        assert_eq!(
            Expected::from_authored("prefix", "/20", &[]),
            Ok(Expected::Prefix(20))
        );
        assert!(Expected::from_authored("prefix", "33", &[]).is_err());
        assert_eq!(
            Expected::from_authored("binary", "00100100", &[]),
            Ok(Expected::Binary {
                value: 36,
                width: 8
            })
        );
        assert!(Expected::from_authored("ipv4", "1.2.3", &[]).is_err());
        assert!(Expected::from_authored("colour", "x", &[]).is_err());
        assert_eq!(
            Expected::Binary { value: 5, width: 8 }.canonical(),
            "00000101"
        );
        assert_eq!(Expected::Mask(20).canonical(), "255.255.240.0");
    }
}
