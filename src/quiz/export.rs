//! The question bank for an LMS: `nettutor quiz export --format
//! gift|moodle-xml FILE` writes the authored questions and a seeded sample
//! of generated ones, each language as its own category
//! (`nettutor/en/subnet`, `nettutor/zh/subnet`, …).
//!
//! - Choice → multiple choice (one right answer), true-false → true/false,
//!   a number → numerical (exact), any other fill-in → short answer listing
//!   the forms the tutor accepts (`/24` and `24` and `255.255.255.0` for a
//!   prefix), case-insensitive.
//! - Order → Moodle XML's `ordering` type (items in the right order,
//!   all-or-nothing like the tutor); GIFT has no ordering type, so there it
//!   is a matching question (each item to its place, 1, 2, 3…).
//! - A question's name is its instance id (`quiz::identity`), so a row of
//!   the grade book and a question in the LMS name the same thing; the
//!   explanation is the general feedback.
//!
//! Text is HTML (escaped; blank lines make paragraphs, single newlines
//! `<br>`), written by `quick-xml` for Moodle XML (so any prompt is well-formed
//! XML) and with GIFT's own escapes (`~ = # { } : \`) for GIFT.

use std::collections::BTreeSet;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::generators;
use super::identity::instance_id;
use crate::i18n::Lang;
use crate::lesson::question::mask_of;
use crate::lesson::{Expected, Question, QuestionKind, Topic};

/// The formats `quiz export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Moodle's GIFT text format.
    Gift,
    /// Moodle XML (`<quiz>`), with the ordering type.
    MoodleXml,
}

/// What to export: the authored questions of `topics` (all when empty) and
/// `per_generator` instances of each of their generators, drawn from `seed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSpec {
    pub topics: Vec<Topic>,
    pub seed: u64,
    pub per_generator: usize,
}

/// The questions to export, authored first (in bank order), then the
/// generated sample (generator by generator, distinct instances only).
pub fn questions(spec: &ExportSpec, bank: &[Question]) -> Vec<Question> {
    let wanted = |t: Topic| spec.topics.is_empty() || spec.topics.contains(&t);
    let mut out: Vec<Question> = bank.iter().filter(|q| wanted(q.topic)).cloned().collect();
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    for g in generators::all().into_iter().filter(|g| wanted(g.topic)) {
        let mut seen = BTreeSet::new();
        // A generator with few cases may repeat: a bounded number of draws.
        for _ in 0..spec.per_generator * 8 {
            if seen.len() >= spec.per_generator {
                break;
            }
            let q = (g.make)(&mut rng);
            if seen.insert(instance_id(&q)) {
                out.push(q);
            }
        }
    }
    out
}

/// The category path of `topic` in `lang` (Moodle's `$course$/top/…`).
pub fn category(lang: Lang, topic: Topic) -> String {
    format!("$course$/top/nettutor/{}/{}", lang.code(), topic.name())
}

/// The topics of `questions`, in their order of first appearance.
fn topics_of(questions: &[Question]) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    for q in questions {
        if !topics.contains(&q.topic) {
            topics.push(q.topic);
        }
    }
    topics
}

/// `text` as HTML: `&`, `<`, `>` and `"` escaped, blank lines as paragraphs,
/// single newlines as `<br>`.
pub fn html(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", inline(p)))
        .collect()
}

/// A short text (an option, an item) as HTML without a paragraph: escaped,
/// newlines as `<br>`.
pub fn inline(text: &str) -> String {
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|s| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        })
        .collect();
    lines.join("<br>")
}

/// The forms a short answer accepts, canonical first (the tutor's reader is
/// more forgiving; these are the forms an LMS compares literally).
pub fn accepted(expected: &Expected) -> Vec<String> {
    let mut forms = match expected {
        Expected::Text(words) => words.clone(),
        Expected::Number(n) => vec![n.to_string()],
        Expected::Binary { value, width } => {
            let digits = format!("{value:0w$b}", w = usize::from(*width));
            let grouped: Vec<String> = digits
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            vec![digits.clone(), grouped.join(" "), format!("0b{digits}")]
        }
        Expected::Ipv4(a) => vec![a.to_string()],
        Expected::Ipv6(a) => {
            let full: Vec<String> = a.segments().iter().map(|s| format!("{s:x}")).collect();
            let padded: Vec<String> = a.segments().iter().map(|s| format!("{s:04x}")).collect();
            vec![a.to_string(), full.join(":"), padded.join(":")]
        }
        Expected::Prefix(p) => vec![format!("/{p}"), p.to_string(), mask_of(*p).to_string()],
        Expected::Mask(p) => vec![mask_of(*p).to_string(), format!("/{p}")],
    };
    let mut seen = BTreeSet::new();
    forms.retain(|f| seen.insert(f.to_lowercase()));
    forms
}

/// The order question's items, in the right order.
fn in_order(items: &[crate::i18n::Text], lang: Lang) -> Vec<String> {
    items.iter().map(|i| i.get(lang).to_string()).collect()
}

// ---------------------------------------------------------------- GIFT

/// GIFT's special characters escaped (`~ = # { } :` and the backslash).
pub fn gift_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '~' | '=' | '#' | '{' | '}' | ':' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The bank as GIFT.
pub fn gift(questions: &[Question]) -> String {
    let mut out = String::from(
        "// nettutor question bank: authored questions and a seeded sample of generated ones.\n\
         // Each language is its own category; a question's name is its instance id.\n\n",
    );
    for lang in Lang::ALL {
        for topic in topics_of(questions) {
            out.push_str(&format!("$CATEGORY: {}\n\n", category(lang, topic)));
            for q in questions.iter().filter(|q| q.topic == topic) {
                out.push_str(&gift_question(q, lang));
                out.push_str("\n\n");
            }
        }
    }
    out
}

fn gift_question(q: &Question, lang: Lang) -> String {
    let name = gift_escape(&instance_id(q));
    let text = gift_escape(&html(q.prompt.get(lang)));
    let feedback = gift_escape(&html(q.explanation.get(lang)));
    let body = match &q.kind {
        QuestionKind::Choice { options, correct } => options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let mark = if i == *correct { '=' } else { '~' };
                format!("{mark}{}", gift_escape(&inline(o.get(lang))))
            })
            .collect::<Vec<_>>()
            .join(" "),
        QuestionKind::TrueFalse { correct } => if *correct { "TRUE" } else { "FALSE" }.to_string(),
        QuestionKind::FillIn {
            expected: Expected::Number(n),
        } => format!("#{n}"),
        QuestionKind::FillIn { expected } => accepted(expected)
            .iter()
            .map(|f| format!("={}", gift_escape(f)))
            .collect::<Vec<_>>()
            .join(" "),
        QuestionKind::Order { items, .. } => in_order(items, lang)
            .iter()
            .enumerate()
            .map(|(i, item)| format!("={} -> {}", gift_escape(&inline(item)), i + 1))
            .collect::<Vec<_>>()
            .join(" "),
    };
    format!("::{name}::[html]{text}{{{body}####{feedback}}}")
}

// ---------------------------------------------------------- Moodle XML

/// The bank as Moodle XML.
pub fn moodle_xml(questions: &[Question]) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("quiz").write_inner_content(|w| {
        for lang in Lang::ALL {
            for topic in topics_of(questions) {
                w.create_element("question")
                    .with_attribute(("type", "category"))
                    .write_inner_content(|w| {
                        w.create_element("category")
                            .write_inner_content(|w| text_el(w, "text", &category(lang, topic)))?;
                        Ok(())
                    })?;
                for q in questions.iter().filter(|q| q.topic == topic) {
                    xml_question(w, q, lang)?;
                }
            }
        }
        Ok(())
    })?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

type XmlWriter = Writer<Vec<u8>>;

fn text_el(w: &mut XmlWriter, name: &str, text: &str) -> std::io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// `<NAME format="FORMAT"><text>TEXT</text></NAME>`.
fn formatted(w: &mut XmlWriter, name: &str, format: &str, text: &str) -> std::io::Result<()> {
    w.create_element(name)
        .with_attribute(("format", format))
        .write_inner_content(|w| text_el(w, "text", text))?;
    Ok(())
}

/// `<answer fraction="F" format="FORMAT"><text>TEXT</text>…</answer>`.
fn answer(
    w: &mut XmlWriter,
    fraction: &str,
    format: &str,
    text: &str,
    extra: Option<(&str, &str)>,
) -> std::io::Result<()> {
    w.create_element("answer")
        .with_attribute(("fraction", fraction))
        .with_attribute(("format", format))
        .write_inner_content(|w| {
            text_el(w, "text", text)?;
            if let Some((name, value)) = extra {
                text_el(w, name, value)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn xml_question(w: &mut XmlWriter, q: &Question, lang: Lang) -> std::io::Result<()> {
    let kind = match &q.kind {
        QuestionKind::Choice { .. } => "multichoice",
        QuestionKind::TrueFalse { .. } => "truefalse",
        QuestionKind::FillIn {
            expected: Expected::Number(_),
        } => "numerical",
        QuestionKind::FillIn { .. } => "shortanswer",
        QuestionKind::Order { .. } => "ordering",
    };
    let id = instance_id(q);
    w.create_element("question")
        .with_attribute(("type", kind))
        .write_inner_content(|w| {
            w.create_element("name")
                .write_inner_content(|w| text_el(w, "text", &id))?;
            formatted(w, "questiontext", "html", &html(q.prompt.get(lang)))?;
            formatted(w, "generalfeedback", "html", &html(q.explanation.get(lang)))?;
            text_el(w, "defaultgrade", "1")?;
            text_el(w, "penalty", "0")?;
            text_el(w, "hidden", "0")?;
            text_el(w, "idnumber", &id)?;
            match &q.kind {
                QuestionKind::Choice { options, correct } => {
                    text_el(w, "single", "true")?;
                    text_el(w, "shuffleanswers", "true")?;
                    text_el(w, "answernumbering", "abc")?;
                    for (i, o) in options.iter().enumerate() {
                        let fraction = if i == *correct { "100" } else { "0" };
                        answer(w, fraction, "html", &inline(o.get(lang)), None)?;
                    }
                }
                QuestionKind::TrueFalse { correct } => {
                    let (t, f) = if *correct { ("100", "0") } else { ("0", "100") };
                    answer(w, t, "moodle_auto_format", "true", None)?;
                    answer(w, f, "moodle_auto_format", "false", None)?;
                }
                QuestionKind::FillIn {
                    expected: Expected::Number(n),
                } => {
                    answer(
                        w,
                        "100",
                        "moodle_auto_format",
                        &n.to_string(),
                        Some(("tolerance", "0")),
                    )?;
                }
                QuestionKind::FillIn { expected } => {
                    text_el(w, "usecase", "0")?;
                    for form in accepted(expected) {
                        answer(w, "100", "moodle_auto_format", &form, None)?;
                    }
                }
                QuestionKind::Order { items, .. } => {
                    text_el(w, "layouttype", "VERTICAL")?;
                    text_el(w, "selecttype", "ALL")?;
                    text_el(w, "selectcount", "0")?;
                    // The tutor counts an order right only when all of it is.
                    text_el(w, "gradingtype", "ALL_OR_NOTHING")?;
                    text_el(w, "showgrading", "SHOW")?;
                    text_el(w, "numberingstyle", "abc")?;
                    // Moodle's ordering type takes the items in the right
                    // order, each with its place as the fraction.
                    for (i, item) in in_order(items, lang).iter().enumerate() {
                        answer(w, &(i + 1).to_string(), "html", &inline(item), None)?;
                    }
                }
            }
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_and_keeps_paragraphs() {
        assert_eq!(
            html("a < b & \"c\"\nnext\n\nsecond"),
            "<p>a &lt; b &amp; &quot;c&quot;<br>next</p><p>second</p>"
        );
    }

    #[test]
    fn gift_escapes_its_own_characters() {
        assert_eq!(gift_escape(r"a=b~c#d{e}f:g\h"), r"a\=b\~c\#d\{e\}f\:g\\h");
    }

    #[test]
    fn a_prefix_accepts_the_forms_the_tutor_reads() {
        assert_eq!(
            accepted(&Expected::Prefix(24)),
            vec!["/24", "24", "255.255.255.0"]
        );
        assert_eq!(
            accepted(&Expected::Binary {
                value: 36,
                width: 8
            }),
            vec!["00100100", "0010 0100", "0b00100100"]
        );
    }
}
