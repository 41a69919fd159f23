//! Errors that name the file, the line and what is wrong, in either language.

use std::fmt;

use super::ui_text;
use crate::i18n::{Lang, Text};

/// What is wrong, said once for both languages: a key of the interface string
/// table (`assets/i18n/ui.toml`) and the values of its `{name}` placeholders.
/// [`Message::render`] writes it in a language; `Display` writes English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// The value of one placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// The same in both languages: a name, a number, a value as the file has
    /// it, a list of names, the TOML library's own detail.
    Plain(String),
    /// Already in both languages (a panel's own error, e.g. the subnet parser's).
    Text(Text),
    /// A message of its own, in the same language (a frame around a problem:
    /// "step 2: title", "question q1: …").
    Message(Message),
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Plain(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Arg {
        Arg::Plain(value.to_string())
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Arg {
        Arg::Plain(value.clone())
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Arg {
        Arg::Plain(value.to_string())
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Arg {
        Arg::Plain(value.to_string())
    }
}

impl From<Text> for Arg {
    fn from(value: Text) -> Arg {
        Arg::Text(value)
    }
}

impl From<Message> for Arg {
    fn from(value: Message) -> Arg {
        Arg::Message(value)
    }
}

impl Arg {
    /// A value another part of the program already says in either language
    /// (`|lang| err.message(lang)`).
    pub fn in_both(say: impl Fn(Lang) -> String) -> Arg {
        Arg::Text(Text::new(say(Lang::En), say(Lang::Zh)))
    }
}

impl Message {
    /// The message of `key`, before its placeholders are given.
    pub fn new(key: &'static str) -> Message {
        Message {
            key,
            args: Vec::new(),
        }
    }

    /// The message with `{name}` given `value`.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    /// `{what}: {why}`, the usual frame: `why` said about `what`.
    pub fn about(what: impl Into<Arg>, why: impl Into<Arg>) -> Message {
        Message::new("lesson.err.about")
            .with("what", what)
            .with("why", why)
    }

    /// A TOML syntax or shape error: the library's own detail (English, on
    /// one line) framed in the user's language.
    pub fn toml(err: &toml::de::Error) -> Message {
        Message::new("lesson.err.toml").with("detail", err.message().trim().replace('\n', " "))
    }

    /// Whether the English text holds `pattern` (for callers that search a
    /// message rather than show it).
    pub fn contains(&self, pattern: &str) -> bool {
        self.render(Lang::En).contains(pattern)
    }

    /// The string table key (for tests: which problem this is).
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// Every message this one is made of, itself first (for tests: each key
    /// used has both languages).
    pub fn keys(&self) -> Vec<&'static str> {
        let mut keys = vec![self.key];
        for (_, arg) in &self.args {
            if let Arg::Message(inner) = arg {
                keys.extend(inner.keys());
            }
        }
        keys
    }

    /// The message in `lang`: the key's text with every placeholder filled in
    /// one pass (a value holding `{…}` is written as it is, never filled again).
    pub fn render(&self, lang: Lang) -> String {
        let values: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Plain(s) => s.clone(),
                    Arg::Text(t) => t.get(lang).to_string(),
                    Arg::Message(m) => m.render(lang),
                };
                (*name, value)
            })
            .collect();
        fill(ui_text::template(lang, self.key), &values)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// `template` with each `{name}` of `values` replaced; other braces are kept.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            values
                .iter()
                .find(|(name, _)| *name == &after[..close])
                .map(|(_, value)| (close, value))
        });
        match value {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One problem in one lesson file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonError {
    /// The file's name as the teacher sees it (relative to the lesson folder).
    pub file: String,
    /// 1-based line, 0 when the problem is about the whole folder.
    pub line: usize,
    pub message: Message,
}

impl LessonError {
    pub fn at(file: &str, source: &str, offset: usize, message: Message) -> LessonError {
        LessonError {
            file: file.to_string(),
            line: line_of(source, offset),
            message,
        }
    }

    /// An error at a line already known (see [`LineIndex`]).
    pub fn at_line(file: &str, line: usize, message: Message) -> LessonError {
        LessonError {
            file: file.to_string(),
            line,
            message,
        }
    }

    pub fn folder(dir: &str, message: Message) -> LessonError {
        LessonError {
            file: dir.to_string(),
            line: 0,
            message,
        }
    }

    /// `file:line: message` in `lang` (`file: message` for the whole folder).
    pub fn render(&self, lang: Lang) -> String {
        let message = self.message.render(lang);
        if self.line == 0 {
            format!("{}: {message}", self.file)
        } else {
            format!("{}:{}: {message}", self.file, self.line)
        }
    }
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// All the problems found, in file and line order.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct LessonErrors(pub Vec<LessonError>);

impl LessonErrors {
    /// Every problem in `lang`, one per line.
    pub fn message(&self, lang: Lang) -> String {
        let lines: Vec<String> = self.0.iter().map(|err| err.render(lang)).collect();
        lines.join("\n")
    }
}

impl fmt::Display for LessonErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// The 1-based line number of byte `offset` in `source` (one lookup; for many, build
/// a [`LineIndex`] once).
pub fn line_of(source: &str, offset: usize) -> usize {
    LineIndex::new(source).line(offset)
}

/// Where every line of a source starts, so that each byte offset turns into a line
/// number by binary search: a file with thousands of errors is scanned once, not
/// once per error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(
                source
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset` (past the end: the last line).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_other_braces_kept() {
        let values = [("a", "{b}".to_string()), ("b", "B".to_string())];
        assert_eq!(fill("{a} and {b}, {c} {", &values), "{b} and B, {c} {");
        assert_eq!(fill("", &values), "");
        assert_eq!(fill("一{a}二", &values), "一{b}二");
    }

    #[test]
    fn a_frame_around_a_value_is_worded_from_the_table() {
        // Here as in build.rs, whose stand-in reads ui.toml itself.
        let message = Message::about("title", Message::new("lesson.err.no_steps"));
        assert_eq!(message.to_string(), "title: the lesson has no [[steps]]");
        assert_eq!(message.render(Lang::Zh), "title：这节课没有 [[steps]]");
    }

    #[test]
    fn lines_count_from_one() {
        let src = "a\nb\nc";
        assert_eq!(line_of(src, 0), 1);
        assert_eq!(line_of(src, 2), 2);
        assert_eq!(line_of(src, 4), 3);
        assert_eq!(line_of(src, 999), 3);
    }

    #[test]
    fn the_index_agrees_with_counting_newlines_at_every_offset() {
        for src in ["", "\n", "a", "a\n", "\n\nb\n", "一\n二\r\n三\n\n"] {
            let index = LineIndex::new(src);
            for offset in 0..=src.len() + 2 {
                let counted = src.as_bytes()[..offset.min(src.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                assert_eq!(index.line(offset), counted, "{src:?} at {offset}");
            }
        }
    }
}
