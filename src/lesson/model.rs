//! The validated lesson model, and the checks that turn raw files into it.

use toml::Spanned;

use super::catalog::Curriculum;
use super::error::{Arg, LessonError, LineIndex, Message};
use super::panel::{PanelArg, PanelId};
use super::question::{Question, validate_questions};
use super::raw::{RawLesson, RawPanel, RawStep, RawText};
use crate::i18n::Text;

/// One lesson: ordered steps, every text in English and Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub id: String,
    pub order: i64,
    pub title: Text,
    pub summary: Text,
    pub steps: Vec<Step>,
    /// The file it came from (for messages).
    pub file: String,
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub title: Text,
    pub body: Text,
    pub notes: Option<Text>,
    /// The answer of a practice step, hidden until the reader asks (`a`).
    pub answer: Option<Text>,
    pub concepts: Vec<String>,
    pub panel: Option<PanelLink>,
}

/// "Open this panel in this state" from a lesson step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelLink {
    pub panel: PanelId,
    /// The argument as written (shown to the student: "opens subnet 10.0.0.1/20").
    pub arg: String,
    /// The argument parsed by the panel's own parser; what `open` receives.
    pub open: PanelArg,
    /// The lesson opens the panel on a refused input on purpose.
    pub expect_error: bool,
}

impl PanelLink {
    /// A link from `panel` and `arg`, parsed (no refused input expected).
    pub fn parse(panel: PanelId, arg: impl Into<String>) -> Result<PanelLink, Message> {
        let arg = arg.into();
        let open = PanelArg::parse_bilingual(panel, &arg, false)?;
        Ok(PanelLink {
            panel,
            arg,
            open,
            expect_error: false,
        })
    }
}

/// Collects problems while validating one file.
pub(super) struct Checker<'a> {
    pub file: &'a str,
    pub source: &'a str,
    pub errors: Vec<LessonError>,
    /// Line starts of `source`, built at the first error.
    lines: Option<LineIndex>,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a str, source: &'a str) -> Checker<'a> {
        Checker {
            file,
            source,
            errors: Vec::new(),
            lines: None,
        }
    }

    pub fn error(&mut self, offset: usize, message: Message) {
        let source = self.source;
        let line = self
            .lines
            .get_or_insert_with(|| LineIndex::new(source))
            .line(offset);
        self.errors
            .push(LessonError::at_line(self.file, line, message));
    }

    /// Both languages present and not blank; `what` names the field.
    pub fn text(&mut self, raw: &Spanned<RawText>, what: impl Into<Arg>) -> Text {
        let what = what.into();
        let start = raw.span().start;
        let inner = raw.get_ref();
        let mut pick = |value: &Option<Spanned<String>>, code: &str| {
            let language = Message::new(if code == "en" {
                "lesson.err.lang.en"
            } else {
                "lesson.err.lang.zh"
            });
            match value {
                Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().clone(),
                Some(s) => {
                    self.error(
                        s.span().start,
                        Message::new("lesson.err.text_empty")
                            .with("what", what.clone())
                            .with("code", code)
                            .with("name", language),
                    );
                    String::new()
                }
                None => {
                    self.error(
                        start,
                        Message::new("lesson.err.no_translation")
                            .with("what", what.clone())
                            .with("code", code)
                            .with("name", language),
                    );
                    String::new()
                }
            }
        };
        let en = pick(&inner.en, "en");
        let zh = pick(&inner.zh, "zh");
        Text { en, zh }
    }

    pub(super) fn required_text(
        &mut self,
        raw: &Option<Spanned<RawText>>,
        at: usize,
        what: impl Into<Arg>,
    ) -> Text {
        let what = what.into();
        match raw {
            Some(t) => self.text(t, what),
            None => {
                self.error(at, Message::new("lesson.err.missing").with("what", what));
                Text::default()
            }
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
}

/// Validates one parsed file: a lesson (with optional `[[questions]]`), or a
/// question bank (`kind = "questions"`: questions and no steps, no lesson).
pub(super) fn validate_file(
    raw: RawLesson,
    curriculum: &Curriculum,
    check: &mut Checker<'_>,
) -> (Option<Lesson>, Vec<Question>) {
    let questions = validate_questions(&raw.questions, curriculum, check);
    match &raw.kind {
        None => {}
        Some(kind) if kind.get_ref() == "questions" => {
            if let Some(steps) = &raw.steps {
                check.error(steps.span().start, Message::new("lesson.err.bank_steps"));
            }
            if raw.questions.is_empty() {
                check.error(kind.span().start, Message::new("lesson.err.bank_empty"));
            }
            let _ = check.text(&raw.title, "title");
            return (None, questions);
        }
        Some(kind) => {
            check.error(
                kind.span().start,
                Message::new("lesson.err.file_kind").with("kind", kind.get_ref()),
            );
        }
    }
    (Some(validate_lesson(raw, curriculum, check)), questions)
}

/// Validates one parsed lesson file against the curriculum.
pub(super) fn validate_lesson(
    raw: RawLesson,
    curriculum: &Curriculum,
    check: &mut Checker<'_>,
) -> Lesson {
    let id = raw.id.get_ref().clone();
    if !valid_id(&id) {
        check.error(
            raw.id.span().start,
            Message::new("lesson.err.lesson_id").with("id", &id),
        );
    }
    let title = check.text(&raw.title, "title");
    let summary = match &raw.summary {
        Some(s) => check.text(s, "summary"),
        None => Text::default(),
    };
    let mut steps = Vec::new();
    match &raw.steps {
        None => check.error(0, Message::new("lesson.err.no_steps")),
        Some(list) if list.get_ref().is_empty() => {
            check.error(list.span().start, Message::new("lesson.err.no_steps"))
        }
        Some(list) => {
            for (i, step) in list.get_ref().iter().enumerate() {
                steps.push(validate_step(step, i + 1, curriculum, check));
            }
        }
    }
    Lesson {
        id,
        order: raw.order.unwrap_or(i64::MAX),
        title,
        summary,
        steps,
        file: check.file.to_string(),
    }
}

fn validate_step(
    raw: &Spanned<RawStep>,
    number: usize,
    curriculum: &Curriculum,
    check: &mut Checker<'_>,
) -> Step {
    let at = raw.span().start;
    let step = raw.get_ref();
    let label = Message::new("lesson.err.step").with("n", number);
    let field = |name: &str| Message::about(label.clone(), name);
    let title = check.required_text(&step.title, at, field("title"));
    let body = check.required_text(&step.body, at, field("body"));
    let notes = step.notes.as_ref().map(|n| check.text(n, field("notes")));
    let answer = step.answer.as_ref().map(|a| check.text(a, field("answer")));
    let mut concepts = Vec::new();
    for concept in &step.concepts {
        let name = concept.get_ref();
        if curriculum.get(name).is_none() {
            check.error(
                concept.span().start,
                Message::about(
                    label.clone(),
                    Message::new("lesson.err.unknown_concept").with("id", name),
                ),
            );
        } else {
            concepts.push(name.clone());
        }
    }
    let panel = step
        .panel
        .as_ref()
        .and_then(|p| validate_panel_link(p.get_ref(), label.clone(), check));
    Step {
        title,
        body,
        notes,
        answer,
        concepts,
        panel,
    }
}

/// Checks a `panel = { open, arg }` link; `what` names its owner in messages.
pub(super) fn validate_panel_link(
    raw: &RawPanel,
    what: Message,
    check: &mut Checker<'_>,
) -> Option<PanelLink> {
    let name = raw.open.get_ref();
    let Some(panel) = PanelId::from_name(name) else {
        check.error(
            raw.open.span().start,
            Message::about(
                what,
                Message::new("lesson.err.unknown_panel")
                    .with("name", name)
                    .with("names", PanelId::names().join(", ")),
            ),
        );
        return None;
    };
    let arg = raw
        .arg
        .as_ref()
        .map(|a| a.get_ref().clone())
        .unwrap_or_default();
    let expect_error = raw.expect_error.as_ref().is_some_and(|e| *e.get_ref());
    match PanelArg::parse_bilingual(panel, &arg, expect_error) {
        Ok(open) => Some(PanelLink {
            panel,
            arg,
            open,
            expect_error,
        }),
        Err(why) => {
            let at = raw
                .arg
                .as_ref()
                .map_or(raw.open.span().start, |a| a.span().start);
            check.error(
                at,
                Message::about(
                    what,
                    Message::new("lesson.err.panel")
                        .with("name", name)
                        .with("why", why),
                ),
            );
            None
        }
    }
}
