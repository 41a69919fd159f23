//! The built-in lessons as build.rs leaves them: checked at build time, then
//! written as two generated files, a structure of numbers (`lessons.bin`) and
//! every text of it back to back (`lessons.txt`, included as a `&str`, so no
//! UTF-8 check at run time). Start-up decodes them into the same [`LessonSet`]
//! the checker makes of a folder, without parsing any TOML. A panel link is
//! kept as (panel, argument as written, expect_error) and parsed by the
//! panel's own parser while decoding. Compiled into build.rs (encoding) and
//! into the program (decoding); `tests/content/embedded_data.rs` checks that
//! the decoded set equals what the checker makes of `lessons/` at run time.

// The encoding half runs in build.rs (and the tests), not in the program.
#![allow(dead_code)]

use std::net::{Ipv4Addr, Ipv6Addr};

use super::catalog::{Concept, Curriculum, Glossary, Term};
use super::error::Message;
use super::model::{Lesson, PanelLink, Step};
use super::panel::PanelArg;
use super::panel_id::PanelId;
use super::question::{Expected, Question, QuestionKind, Topic};
use super::validate::LessonSet;
use crate::i18n::Text;

/// Writes the structure (varints) and the texts.
#[derive(Default)]
pub struct Encoder {
    pub structure: Vec<u8>,
    pub texts: String,
    /// Where each text already written starts (ids and words recur).
    written: std::collections::HashMap<String, usize>,
}

/// Reads them back.
pub struct Decoder<'a> {
    structure: &'a [u8],
    at: usize,
    texts: &'a str,
}

/// What can be written and read back.
pub trait Codec: Sized {
    fn put(&self, out: &mut Encoder);
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message>;
}

impl Encoder {
    pub fn num(&mut self, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.structure.push(byte);
                return;
            }
            self.structure.push(byte | 0x80);
        }
    }
}

impl<'a> Decoder<'a> {
    pub fn new(structure: &'a [u8], texts: &'a str) -> Decoder<'a> {
        Decoder {
            structure,
            at: 0,
            texts,
        }
    }

    pub fn num(&mut self) -> Result<u64, Message> {
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let byte = *self
                .structure
                .get(self.at)
                .ok_or_else(|| Message::new("lesson.err.data_short"))?;
            self.at += 1;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
            shift += 7;
            if shift > 63 {
                return Err(corrupt());
            }
        }
    }

    fn small<T: TryFrom<u64>>(&mut self) -> Result<T, Message> {
        T::try_from(self.num()?).map_err(|_| corrupt())
    }

    fn text_slice(&mut self) -> Result<&'a str, Message> {
        let start: usize = self.small()?;
        let len: usize = self.small()?;
        self.texts.get(start..start + len).ok_or_else(corrupt)
    }

    /// True when everything was read.
    pub fn done(&self) -> bool {
        self.at == self.structure.len()
    }
}

impl Codec for String {
    fn put(&self, out: &mut Encoder) {
        // A text already written is referred to again (ids, repeated words).
        let start = match out.written.get(self) {
            Some(&start) => start,
            None => {
                let start = out.texts.len();
                out.texts.push_str(self);
                out.written.insert(self.clone(), start);
                start
            }
        };
        out.num(start as u64);
        out.num(self.len() as u64);
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        input.text_slice().map(str::to_string)
    }
}

impl Codec for u64 {
    fn put(&self, out: &mut Encoder) {
        out.num(*self);
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        input.num()
    }
}

/// Small unsigned numbers (indexes, counts, widths) written as u64.
macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn put(&self, out: &mut Encoder) {
                out.num(*self as u64);
            }
            fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
                input.small()
            }
        }
    )*};
}
unsigned!(usize, u32, u8);

impl Codec for i64 {
    fn put(&self, out: &mut Encoder) {
        // Two's complement: i64::MAX (no `order`) stays one number.
        out.num(*self as u64);
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        Ok(input.num()? as i64)
    }
}

impl Codec for bool {
    fn put(&self, out: &mut Encoder) {
        out.num(u64::from(*self));
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        Ok(input.num()? != 0)
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, out: &mut Encoder) {
        out.num(self.len() as u64);
        for item in self {
            item.put(out);
        }
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        let n: usize = input.small()?;
        (0..n).map(|_| T::take(input)).collect()
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, out: &mut Encoder) {
        match self {
            None => out.num(0),
            Some(v) => {
                out.num(1);
                v.put(out);
            }
        }
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        Ok(match input.num()? {
            0 => None,
            _ => Some(T::take(input)?),
        })
    }
}

/// A struct as its fields in order, both ways from one list.
macro_rules! fields {
    ($t:ident { $($f:ident),* }) => {
        impl Codec for $t {
            fn put(&self, out: &mut Encoder) {
                $(self.$f.put(out);)*
            }
            fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
                Ok($t { $($f: Codec::take(input)?,)* })
            }
        }
    };
}

fields!(Text { en, zh });
fields!(Concept {
    id,
    title,
    correction
});
fields!(Curriculum { concepts });
fields!(Term {
    en,
    zh,
    note,
    rejected
});
fields!(Glossary { terms });
fields!(Step {
    title,
    body,
    notes,
    answer,
    concepts,
    panel
});

impl Codec for Lesson {
    fn put(&self, out: &mut Encoder) {
        self.file.put(out);
        self.id.put(out);
        self.order.put(out);
        self.title.put(out);
        self.summary.put(out);
        self.steps.put(out);
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        let file = String::take(input)?;
        let in_file = |why: Message| Message::about(&file, why);
        Ok(Lesson {
            id: Codec::take(input).map_err(in_file)?,
            order: Codec::take(input).map_err(in_file)?,
            title: Codec::take(input).map_err(in_file)?,
            summary: Codec::take(input).map_err(in_file)?,
            steps: Codec::take(input).map_err(in_file)?,
            file,
        })
    }
}

impl Codec for Question {
    fn put(&self, out: &mut Encoder) {
        self.id.put(out);
        self.topic.put(out);
        self.concepts.put(out);
        self.prompt.put(out);
        self.kind.put(out);
        self.explanation.put(out);
        self.panel.put(out);
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        let id = String::take(input)?;
        let of_question =
            |why: Message| Message::about(Message::new("lesson.err.question").with("id", &id), why);
        Ok(Question {
            topic: Codec::take(input).map_err(of_question)?,
            concepts: Codec::take(input).map_err(of_question)?,
            prompt: Codec::take(input).map_err(of_question)?,
            kind: Codec::take(input).map_err(of_question)?,
            explanation: Codec::take(input).map_err(of_question)?,
            panel: Codec::take(input).map_err(of_question)?,
            id,
        })
    }
}
// Curriculum and glossary first: a teacher's folder without them reads only those.
fields!(LessonSet {
    curriculum,
    glossary,
    lessons,
    questions
});

/// An enum with a list of all its values, as its index in the list.
macro_rules! listed {
    ($t:ident) => {
        impl Codec for $t {
            fn put(&self, out: &mut Encoder) {
                let i = $t::ALL.iter().position(|v| v == self).unwrap_or(0);
                out.num(i as u64);
            }
            fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
                let i: usize = input.small()?;
                $t::ALL.get(i).copied().ok_or_else(corrupt)
            }
        }
    };
}
listed!(PanelId);
listed!(Topic);

impl Codec for PanelLink {
    fn put(&self, out: &mut Encoder) {
        self.panel.put(out);
        self.arg.put(out);
        self.expect_error.put(out);
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        let panel = PanelId::take(input)?;
        let arg = String::take(input)?;
        let expect_error = bool::take(input)?;
        let open = PanelArg::parse_bilingual(panel, &arg, expect_error).map_err(|why| {
            Message::new("lesson.err.data_panel")
                .with("name", panel.name())
                .with("arg", &arg)
                .with("why", why)
        })?;
        Ok(PanelLink {
            panel,
            arg,
            open,
            expect_error,
        })
    }
}

impl Codec for QuestionKind {
    fn put(&self, out: &mut Encoder) {
        match self {
            QuestionKind::Choice { options, correct } => {
                out.num(0);
                options.put(out);
                correct.put(out);
            }
            QuestionKind::TrueFalse { correct } => {
                out.num(1);
                correct.put(out);
            }
            QuestionKind::Order { items, shown } => {
                out.num(2);
                items.put(out);
                shown.put(out);
            }
            QuestionKind::FillIn { expected } => {
                out.num(3);
                expected.put(out);
            }
        }
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        Ok(match input.num()? {
            0 => QuestionKind::Choice {
                options: Codec::take(input)?,
                correct: Codec::take(input)?,
            },
            1 => QuestionKind::TrueFalse {
                correct: Codec::take(input)?,
            },
            2 => QuestionKind::Order {
                items: Codec::take(input)?,
                shown: Codec::take(input)?,
            },
            3 => QuestionKind::FillIn {
                expected: Codec::take(input)?,
            },
            _ => return Err(corrupt()),
        })
    }
}

impl Codec for Expected {
    fn put(&self, out: &mut Encoder) {
        match self {
            Expected::Text(words) => {
                out.num(0);
                words.put(out);
            }
            Expected::Number(n) => {
                out.num(1);
                n.put(out);
            }
            Expected::Binary { value, width } => {
                out.num(2);
                value.put(out);
                width.put(out);
            }
            Expected::Ipv4(a) => {
                out.num(3);
                u32::from(*a).put(out);
            }
            Expected::Ipv6(a) => {
                out.num(4);
                let bits = u128::from(*a);
                ((bits >> 64) as u64).put(out);
                (bits as u64).put(out);
            }
            Expected::Prefix(p) => {
                out.num(5);
                p.put(out);
            }
            Expected::Mask(p) => {
                out.num(6);
                p.put(out);
            }
        }
    }
    fn take(input: &mut Decoder<'_>) -> Result<Self, Message> {
        Ok(match input.num()? {
            0 => Expected::Text(Codec::take(input)?),
            1 => Expected::Number(Codec::take(input)?),
            2 => Expected::Binary {
                value: Codec::take(input)?,
                width: Codec::take(input)?,
            },
            3 => Expected::Ipv4(Ipv4Addr::from(u32::take(input)?)),
            4 => {
                let high = u128::from(u64::take(input)?);
                let low = u128::from(u64::take(input)?);
                Expected::Ipv6(Ipv6Addr::from((high << 64) | low))
            }
            5 => Expected::Prefix(Codec::take(input)?),
            6 => Expected::Mask(Codec::take(input)?),
            _ => return Err(corrupt()),
        })
    }
}

/// The set written for `include_bytes!` / `include_str!`.
pub fn encode(set: &LessonSet) -> Encoder {
    let mut out = Encoder::default();
    set.put(&mut out);
    out
}

/// What a damaged structure says.
fn corrupt() -> Message {
    Message::new("lesson.err.data_corrupt")
}

/// The curriculum alone (it is written first).
pub fn decode_curriculum(structure: &[u8], texts: &str) -> Result<Curriculum, Message> {
    Curriculum::take(&mut Decoder::new(structure, texts))
}

/// The glossary alone (written second).
pub fn decode_glossary(structure: &[u8], texts: &str) -> Result<Glossary, Message> {
    let mut input = Decoder::new(structure, texts);
    Curriculum::take(&mut input)?;
    Glossary::take(&mut input)
}

/// The set read back; an error names what could not be read (in English).
pub fn decode(structure: &[u8], texts: &str) -> Result<LessonSet, String> {
    decode_explained(structure, texts).map_err(|why| why.to_string())
}

/// [`decode`], the error in both languages.
pub fn decode_explained(structure: &[u8], texts: &str) -> Result<LessonSet, Message> {
    let mut input = Decoder::new(structure, texts);
    let set = LessonSet::take(&mut input)?;
    if !input.done() {
        return Err(Message::new("lesson.err.data_left_over"));
    }
    Ok(set)
}
