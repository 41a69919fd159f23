//! Raw exercise files → the validated model: every problem reported as
//! `file:line: message`, the moves' parameters checked against the transport
//! and the framing.

use std::time::Duration;

use toml::Spanned;

use super::exercise::{Exercise, Framing, MOVES, Move, Property, Reply, Transport};
use super::raw::{RawExercise, RawProperty, RawText};
use crate::i18n::Text;
use crate::lesson::{LessonError, Message};

/// Collects problems while validating one file.
struct Checker<'a> {
    file: &'a str,
    source: &'a str,
    errors: Vec<LessonError>,
}

impl Checker<'_> {
    fn error(&mut self, offset: usize, message: Message) {
        self.errors
            .push(LessonError::at(self.file, self.source, offset, message));
    }

    fn text(&mut self, raw: &Spanned<RawText>, what: &str) -> Text {
        let at = raw.span().start;
        let inner = raw.get_ref();
        let mut pick = |value: &Option<Spanned<String>>, code: &str| match value {
            Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().clone(),
            Some(s) => {
                self.error(
                    s.span().start,
                    Message::new("exercise.err.text_empty")
                        .with("what", what)
                        .with("code", code),
                );
                String::new()
            }
            None => {
                self.error(
                    at,
                    Message::new("exercise.err.no_text")
                        .with("what", what)
                        .with("code", code),
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
                self.error(
                    n.span().start,
                    Message::new("exercise.err.count_range")
                        .with("what", what)
                        .with("max", max),
                );
                1
            }
            None => {
                self.error(
                    at,
                    Message::new("exercise.err.count_missing").with("what", what),
                );
                1
            }
        }
    }

    fn messages(&mut self, raw: &RawProperty, at: usize) -> Vec<String> {
        if raw.messages.is_empty() {
            self.error(at, Message::new("exercise.err.no_messages"));
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
        vec![LessonError::at(file, source, offset, Message::toml(&e))]
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
            Message::new("exercise.err.id").with("id", &id),
        );
    }
    let transport = match raw.transport.get_ref().as_str() {
        "tcp" => Transport::Tcp,
        "udp" => Transport::Udp,
        other => {
            check.error(
                raw.transport.span().start,
                Message::new("exercise.err.transport").with("name", other),
            );
            Transport::Tcp
        }
    };
    let framing = match raw.framing.get_ref().as_str() {
        "length-prefixed" => Framing::LengthPrefixed,
        "line" => Framing::Line,
        "datagram" => Framing::Datagram,
        "until-close" => Framing::UntilClose,
        other => {
            check.error(
                raw.framing.span().start,
                Message::new("exercise.err.framing").with("name", other),
            );
            Framing::Line
        }
    };
    if (transport == Transport::Udp) != (framing == Framing::Datagram) {
        check.error(
            raw.framing.span().start,
            Message::new("exercise.err.udp_framing"),
        );
    }
    let reply = match raw.reply.get_ref().as_str() {
        "upper" => Reply::Upper,
        "echo-line" => Reply::EchoLine,
        "strftime" => Reply::Strftime,
        "local-time" => Reply::LocalTime,
        other => {
            check.error(
                raw.reply.span().start,
                Message::new("exercise.err.reply").with("name", other),
            );
            Reply::Upper
        }
    };
    if reply == Reply::Strftime && framing != Framing::Datagram {
        check.error(
            raw.reply.span().start,
            Message::new("exercise.err.strftime"),
        );
    }
    let lesson_ref = |check: &mut Checker<'_>, lesson: &Spanned<String>| {
        if !known.lessons.iter().any(|l| l == lesson.get_ref()) {
            check.error(
                lesson.span().start,
                Message::new("exercise.err.lesson").with("id", lesson.get_ref()),
            );
        }
        lesson.get_ref().clone()
    };
    let lesson = lesson_ref(&mut check, &raw.lesson);
    let title = check.text(&raw.title, "title");
    let protocol = check.text(&raw.protocol, "protocol");
    if raw.probe.get_ref().is_empty() {
        check.error(raw.probe.span().start, Message::new("exercise.err.probe"));
    }
    if raw.property.is_empty() {
        check.error(
            raw.id.span().start,
            Message::new("exercise.err.no_property"),
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
                Message::new("exercise.err.property_name").with("name", &name),
            );
        }
        if properties.iter().any(|q| q.name == name) {
            check.error(
                at,
                Message::new("exercise.err.property_twice").with("name", &name),
            );
        }
        if !known.concepts.iter().any(|c| c == p.concept.get_ref()) {
            check.error(
                p.concept.span().start,
                Message::new("exercise.err.concept").with("id", p.concept.get_ref()),
            );
        }
        let action = parse_move(p, transport, framing, &mut check);
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
/// The largest UDP payload over IPv4 (65,535 − 8 − 20).
const MAX_DATAGRAM: i64 = 65_507;

fn parse_move(
    p: &RawProperty,
    transport: Transport,
    framing: Framing,
    check: &mut Checker<'_>,
) -> Move {
    let at = p.action.span().start;
    let name = p.action.get_ref().as_str();
    let tcp_only = [
        "pieces",
        "glue",
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
        check.error(at, Message::new("exercise.err.tcp_only").with("name", name));
    }
    if transport == Transport::Tcp && udp_only.contains(&name) {
        check.error(at, Message::new("exercise.err.udp_only").with("name", name));
    }
    // One request per connection: nothing can follow a request on its connection.
    if framing == Framing::UntilClose {
        if ["glue", "half-close", "goodbye"].contains(&name) {
            check.error(
                at,
                Message::new("exercise.err.one_request").with("name", name),
            );
        }
        if name == "pieces" && p.messages.len() > 1 {
            check.error(at, Message::new("exercise.err.one_message"));
        }
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
            size: match transport {
                Transport::Tcp => check.count(&p.size, at, "size", MAX_SIZE),
                // The answer must fit a datagram too: a little room for what it adds.
                Transport::Udp => check.count(&p.size, at, "size", MAX_DATAGRAM - 100),
            },
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
                    check.error(at, Message::new("exercise.err.no_word"));
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
            size: check.count(&p.size, at, "size", MAX_DATAGRAM),
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
                    check.error(at, Message::new("exercise.err.no_marker"));
                    String::new()
                }
            };
            Move::EvalMarker { expression, marker }
        }
        "repeat" => Move::Repeat {
            count: check.count(&p.count, at, "count", 10_000),
            messages: check.messages(p, at),
        },
        "odd-requests" => Move::OddRequests {
            messages: check.messages(p, at),
        },
        other => {
            check.error(
                at,
                Message::new("exercise.err.move")
                    .with("name", other)
                    .with("names", MOVES.join(", ")),
            );
            Move::Nothing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"
id = "t"
transport = "tcp"
framing = "until-close"
reply = "local-time"
lesson = "l"
probe = "1"
title = { en = "T", zh = "T" }
protocol = { en = "P", zh = "P" }
"#;

    fn property(body: &str) -> String {
        format!(
            "{HEAD}\n[[property]]\nname = \"p\"\nconcept = \"c\"\nlesson = \"l\"\nabout = {{ en = \"a\", zh = \"a\" }}\nhint = {{ en = \"h\", zh = \"h\" }}\n{body}\n"
        )
    }

    fn errors(source: &str) -> Vec<String> {
        let lessons = ["l".to_string()];
        let concepts = ["c".to_string()];
        let known = Known {
            lessons: &lessons,
            concepts: &concepts,
        };
        match parse_exercise("t.toml", source, &known) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.message.to_string()).collect(),
        }
    }

    #[test]
    fn one_request_per_connection_refuses_moves_that_need_more() {
        for (body, want) in [
            (
                "move = \"glue\"\nmessages = [\"1\", \"2\"]",
                "more than one request per connection",
            ),
            (
                "move = \"goodbye\"\nword = \"bye\"",
                "more than one request per connection",
            ),
            (
                "move = \"pieces\"\nmessages = [\"1\", \"2\"]\npiece = 1\npause-ms = 1",
                "give one message",
            ),
        ] {
            let found = errors(&property(body));
            assert!(found.iter().any(|e| e.contains(want)), "{body}: {found:?}");
        }
        for body in [
            "move = \"pieces\"\nmessages = [\"1\"]\npiece = 1\npause-ms = 1",
            "move = \"odd-requests\"\nmessages = [\"nan\"]",
            "move = \"exchange\"\nmessages = [\"1\", \"2\"]",
        ] {
            assert_eq!(errors(&property(body)), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn a_large_datagram_must_leave_room_for_its_answer() {
        let udp = |size: usize| {
            property(&format!("move = \"large\"\nsize = {size}"))
                .replace("\"tcp\"", "\"udp\"")
                .replace("\"until-close\"", "\"datagram\"")
        };
        assert_eq!(errors(&udp(60_000)), Vec::<String>::new());
        assert!(
            errors(&udp(65_500))
                .iter()
                .any(|e| e.contains("size must be 1 to"))
        );
    }
}
