//! The validated exercise model, and the checks that turn raw files into it.
//!
//! An exercise is a protocol (transport, framing, how the right answer follows
//! from a request) plus named properties, each one of the checker's fixed
//! adversarial moves with its parameters.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::raw::{RawExercise, RawProperty, RawText};
use crate::i18n::Text;
use crate::lesson::LessonError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Tcp,
    Udp,
}

/// How messages are cut out of the byte stream (or carried by datagrams).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// A 4-byte big-endian length, then that many bytes.
    LengthPrefixed,
    /// Text ending with `\n`.
    Line,
    /// One message per UDP datagram.
    Datagram,
}

/// How the right answer follows from a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reply {
    /// The same text, upper-cased.
    Upper,
    /// `echo: ` and the line.
    EchoLine,
    /// The request is a strftime format; the answer is the current local time in it.
    Strftime,
}

/// The checker's fixed set of adversarial moves, with their parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// Each message in its own write, each answered before the next.
    Exchange { messages: Vec<String> },
    /// The messages' bytes in pieces of `piece` bytes, `pause` apart.
    Pieces {
        messages: Vec<String>,
        piece: usize,
        pause: Duration,
    },
    /// All messages glued into one write.
    Glue { messages: Vec<String> },
    /// One message of `size` bytes.
    Large { size: usize },
    /// Send the messages, then shut down our sending side: the answers still come,
    /// then the server closes.
    HalfClose { messages: Vec<String> },
    /// Send the first `cut` bytes of a message, then reset (SO_LINGER 0); a new
    /// client is then served.
    Reset { message: String, cut: usize },
    /// Send the first `cut` bytes of a message, then go silent with the connection
    /// open; a second client is served meanwhile.
    Vanish { message: String, cut: usize },
    /// `clients` connect first, then each sends; all answered within `within`.
    ClientsAtOnce {
        clients: usize,
        messages: Vec<String>,
        within: Duration,
    },
    /// `clients` one after another, each leaving before the next connects.
    OneAfterAnother {
        clients: usize,
        messages: Vec<String>,
    },
    /// Send the messages, then `word`: the server answers, then closes.
    Goodbye { messages: Vec<String>, word: String },
    /// A request that is not UTF-8; the server then still answers the probe.
    BadUtf8,
    /// A datagram of `size` bytes; the server then still answers the probe.
    Oversize { size: usize },
    /// Two sockets send in turn; each gets its own answer.
    SecondAddress { messages: Vec<String> },
    /// Connect, send nothing, leave; the server then still answers the probe.
    Nothing,
    /// A request an evaluating server would compute into `marker`; the answer must
    /// not contain it.
    EvalMarker { expression: String, marker: String },
    /// `count` requests in a row, all answered.
    Repeat { count: usize, messages: Vec<String> },
}

/// The move names as written in exercise files.
pub const MOVES: &[&str] = &[
    "exchange",
    "pieces",
    "glue",
    "large",
    "half-close",
    "reset",
    "vanish",
    "clients-at-once",
    "one-after-another",
    "goodbye",
    "bad-utf8",
    "oversize",
    "second-address",
    "nothing",
    "eval-marker",
    "repeat",
];

/// One named property of an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub name: String,
    pub action: Move,
    /// Counted in the verdict without `--strict`.
    pub required: bool,
    pub concept: String,
    pub lesson: String,
    pub about: Text,
    pub hint: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub id: String,
    pub order: i64,
    pub transport: Transport,
    pub framing: Framing,
    pub reply: Reply,
    pub lesson: String,
    pub probe: String,
    pub example: Option<String>,
    pub title: Text,
    pub protocol: Text,
    pub properties: Vec<Property>,
    pub file: String,
}

impl Exercise {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

/// Collects problems while validating one file.
struct Checker<'a> {
    file: &'a str,
    source: &'a str,
    errors: Vec<LessonError>,
}

impl Checker<'_> {
    fn error(&mut self, offset: usize, message: impl Into<String>) {
        self.errors
            .push(LessonError::at(self.file, self.source, offset, message));
    }

    fn text(&mut self, raw: &Spanned<RawText>, what: &str) -> Text {
        let at = raw.span().start;
        let inner = raw.get_ref();
        let mut pick = |value: &Option<Spanned<String>>, code: &str| match value {
            Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().clone(),
            Some(s) => {
                self.error(s.span().start, format!("{what}.{code} is empty"));
                String::new()
            }
            None => {
                self.error(
                    at,
                    format!("{what} has no {code} text (add `{code} = \"…\"`)"),
                );
                String::new()
            }
        };
        let en = pick(&inner.en, "en");
        let zh = pick(&inner.zh, "zh");
        Text { en, zh }
    }

    fn count(&mut self, raw: &Option<Spanned<i64>>, at: usize, what: &str, max: i64) -> usize {
        match raw {
            Some(n) if (1..=max).contains(n.get_ref()) => {
                usize::try_from(*n.get_ref()).unwrap_or(1)
            }
            Some(n) => {
                self.error(n.span().start, format!("{what} must be 1 to {max}"));
                1
            }
            None => {
                self.error(at, format!("this move needs `{what} = N`"));
                1
            }
        }
    }

    fn messages(&mut self, raw: &RawProperty, at: usize) -> Vec<String> {
        if raw.messages.is_empty() {
            self.error(at, "this move needs `messages = [\"…\"]`");
        }
        raw.messages.iter().map(|m| m.get_ref().clone()).collect()
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// What an exercise refers to outside itself, checked against the lesson set.
pub struct Known<'a> {
    pub lessons: &'a [String],
    pub concepts: &'a [String],
}

/// Parses and validates one exercise file; every problem is reported.
pub fn parse_exercise(
    file: &str,
    source: &str,
    known: &Known<'_>,
) -> Result<Exercise, Vec<LessonError>> {
    let raw: RawExercise = toml::from_str(source).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        vec![LessonError::at(
            file,
            source,
            offset,
            e.message().trim().replace('\n', " "),
        )]
    })?;
    let mut check = Checker {
        file,
        source,
        errors: Vec::new(),
    };
    let id = raw.id.get_ref().clone();
    if !valid_id(&id) {
        check.error(
            raw.id.span().start,
            format!("exercise id '{id}' must be lower-case letters, digits and '-'"),
        );
    }
    let transport = match raw.transport.get_ref().as_str() {
        "tcp" => Transport::Tcp,
        "udp" => Transport::Udp,
        other => {
            check.error(
                raw.transport.span().start,
                format!("unknown transport '{other}' (tcp or udp)"),
            );
            Transport::Tcp
        }
    };
    let framing = match raw.framing.get_ref().as_str() {
        "length-prefixed" => Framing::LengthPrefixed,
        "line" => Framing::Line,
        "datagram" => Framing::Datagram,
        other => {
            check.error(
                raw.framing.span().start,
                format!("unknown framing '{other}' (length-prefixed, line or datagram)"),
            );
            Framing::Line
        }
    };
    if (transport == Transport::Udp) != (framing == Framing::Datagram) {
        check.error(
            raw.framing.span().start,
            "UDP exercises use framing = \"datagram\", TCP ones a stream framing",
        );
    }
    let reply = match raw.reply.get_ref().as_str() {
        "upper" => Reply::Upper,
        "echo-line" => Reply::EchoLine,
        "strftime" => Reply::Strftime,
        other => {
            check.error(
                raw.reply.span().start,
                format!("unknown reply '{other}' (upper, echo-line or strftime)"),
            );
            Reply::Upper
        }
    };
    if reply == Reply::Strftime && framing != Framing::Datagram {
        check.error(
            raw.reply.span().start,
            "reply = \"strftime\" needs framing = \"datagram\" (a time answer has no fixed length)",
        );
    }
    let lesson_ref = |check: &mut Checker<'_>, lesson: &Spanned<String>| {
        if !known.lessons.iter().any(|l| l == lesson.get_ref()) {
            check.error(
                lesson.span().start,
                format!("unknown lesson id '{}'", lesson.get_ref()),
            );
        }
        lesson.get_ref().clone()
    };
    let lesson = lesson_ref(&mut check, &raw.lesson);
    let title = check.text(&raw.title, "title");
    let protocol = check.text(&raw.protocol, "protocol");
    if raw.probe.get_ref().is_empty() {
        check.error(raw.probe.span().start, "probe is empty");
    }
    if raw.property.is_empty() {
        check.error(
            raw.id.span().start,
            "an exercise needs at least one [[property]]",
        );
    }
    let mut properties: Vec<Property> = Vec::new();
    for spanned in &raw.property {
        let p = spanned.get_ref();
        let at = p.name.span().start;
        let name = p.name.get_ref().clone();
        if !valid_id(&name) {
            check.error(
                at,
                format!("property name '{name}' must be lower-case letters, digits and '-'"),
            );
        }
        if properties.iter().any(|q| q.name == name) {
            check.error(at, format!("duplicate property '{name}'"));
        }
        if !known.concepts.iter().any(|c| c == p.concept.get_ref()) {
            check.error(
                p.concept.span().start,
                format!("unknown concept id '{}'", p.concept.get_ref()),
            );
        }
        let action = parse_move(p, transport, &mut check);
        properties.push(Property {
            name,
            action,
            required: p.required.unwrap_or(true),
            concept: p.concept.get_ref().clone(),
            lesson: lesson_ref(&mut check, &p.lesson),
            about: check.text(&p.about, "about"),
            hint: check.text(&p.hint, "hint"),
        });
    }
    if !check.errors.is_empty() {
        check.errors.sort_by_key(|e| e.line);
        return Err(check.errors);
    }
    Ok(Exercise {
        id,
        order: raw.order.unwrap_or(0),
        transport,
        framing,
        reply,
        lesson,
        probe: raw.probe.get_ref().clone(),
        example: raw.example.map(Spanned::into_inner),
        title,
        protocol,
        properties,
        file: file.to_string(),
    })
}

/// The largest message a property may ask for (the checker holds it in memory).
const MAX_SIZE: i64 = 16 << 20;

fn parse_move(p: &RawProperty, transport: Transport, check: &mut Checker<'_>) -> Move {
    let at = p.action.span().start;
    let name = p.action.get_ref().as_str();
    let tcp_only = [
        "pieces",
        "glue",
        "large",
        "half-close",
        "reset",
        "vanish",
        "clients-at-once",
        "one-after-another",
        "goodbye",
        "nothing",
    ];
    let udp_only = ["oversize", "second-address"];
    if transport == Transport::Udp && tcp_only.contains(&name) {
        check.error(at, format!("move '{name}' needs a TCP exercise"));
    }
    if transport == Transport::Tcp && udp_only.contains(&name) {
        check.error(at, format!("move '{name}' needs a UDP exercise"));
    }
    let cut = |check: &mut Checker<'_>| check.count(&p.cut, at, "cut", MAX_SIZE);
    let one_message = |check: &mut Checker<'_>| {
        let messages = check.messages(p, at);
        messages.into_iter().next().unwrap_or_default()
    };
    match name {
        "exchange" => Move::Exchange {
            messages: check.messages(p, at),
        },
        "pieces" => Move::Pieces {
            messages: check.messages(p, at),
            piece: check.count(&p.piece, at, "piece", MAX_SIZE),
            pause: Duration::from_millis(check.count(&p.pause_ms, at, "pause-ms", 1000) as u64),
        },
        "glue" => Move::Glue {
            messages: check.messages(p, at),
        },
        "large" => Move::Large {
            size: check.count(&p.size, at, "size", MAX_SIZE),
        },
        "half-close" => Move::HalfClose {
            messages: check.messages(p, at),
        },
        "reset" => {
            let message = one_message(check);
            Move::Reset {
                message,
                cut: cut(check),
            }
        }
        "vanish" => {
            let message = one_message(check);
            Move::Vanish {
                message,
                cut: cut(check),
            }
        }
        "clients-at-once" => Move::ClientsAtOnce {
            clients: check.count(&p.clients, at, "clients", 16),
            messages: check.messages(p, at),
            within: Duration::from_millis(check.count(&p.within_ms, at, "within-ms", 10_000) as u64),
        },
        "one-after-another" => Move::OneAfterAnother {
            clients: check.count(&p.clients, at, "clients", 16),
            messages: check.messages(p, at),
        },
        "goodbye" => {
            let word = match &p.word {
                Some(w) if !w.get_ref().is_empty() => w.get_ref().clone(),
                _ => {
                    check.error(at, "this move needs `word = \"…\"`");
                    String::new()
                }
            };
            Move::Goodbye {
                messages: p.messages.iter().map(|m| m.get_ref().clone()).collect(),
                word,
            }
        }
        "bad-utf8" => Move::BadUtf8,
        "oversize" => Move::Oversize {
            size: check.count(&p.size, at, "size", 65_507),
        },
        "second-address" => Move::SecondAddress {
            messages: check.messages(p, at),
        },
        "nothing" => Move::Nothing,
        "eval-marker" => {
            let expression = one_message(check);
            let marker = match &p.marker {
                Some(m) if !m.get_ref().is_empty() => m.get_ref().clone(),
                _ => {
                    check.error(
                        at,
                        "this move needs `marker = \"…\"` (what an evaluating server would answer)",
                    );
                    String::new()
                }
            };
            Move::EvalMarker { expression, marker }
        }
        "repeat" => Move::Repeat {
            count: check.count(&p.count, at, "count", 10_000),
            messages: check.messages(p, at),
        },
        other => {
            check.error(
                at,
                format!("unknown move '{other}' (one of: {})", MOVES.join(", ")),
            );
            Move::Nothing
        }
    }
}
