//! The validated lesson model, and the checks that turn raw files into it.

use toml::Spanned;

use super::catalog::Curriculum;
use super::error::{LessonError, LineIndex};
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
    pub fn parse(panel: PanelId, arg: impl Into<String>) -> Result<PanelLink, String> {
        let arg = arg.into();
        let open = PanelArg::parse(panel, &arg, false)?;
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

    pub fn error(&mut self, offset: usize, message: impl Into<String>) {
        let source = self.source;
        let line = self
            .lines
            .get_or_insert_with(|| LineIndex::new(source))
            .line(offset);
        self.errors
            .push(LessonError::at_line(self.file, line, message));
    }

    /// Both languages present and not blank; `what` names the field.
    pub fn text(&mut self, raw: &Spanned<RawText>, what: &str) -> Text {
        let start = raw.span().start;
        let inner = raw.get_ref();
        let mut pick = |value: &Option<Spanned<String>>, code: &str, name: &str| match value {
            Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().clone(),
            Some(s) => {
                self.error(s.span().start, format!("{what}.{code} ({name}) is empty"));
                String::new()
            }
            None => {
                self.error(
                    start,
                    format!("{what} has no {name} translation (add `{code} = \"…\"`)"),
                );
                String::new()
            }
        };
        let en = pick(&inner.en, "en", "English");
        let zh = pick(&inner.zh, "zh", "Chinese");
        Text { en, zh }
    }

    pub(super) fn required_text(
        &mut self,
        raw: &Option<Spanned<RawText>>,
        at: usize,
        what: &str,
    ) -> Text {
        match raw {
            Some(t) => self.text(t, what),
            None => {
                self.error(at, format!("{what} is missing"));
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
                check.error(
                    steps.span().start,
                    "a question bank (kind = \"questions\") has no [[steps]]",
                );
            }
            if raw.questions.is_empty() {
                check.error(kind.span().start, "a question bank has no [[questions]]");
            }
            let _ = check.text(&raw.title, "title");
            return (None, questions);
        }
        Some(kind) => {
            check.error(
                kind.span().start,
                format!(
                    "unknown kind '{}' (leave it out for a lesson, or kind = \"questions\")",
                    kind.get_ref()
                ),
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
            format!("lesson id '{id}' must be lowercase letters, digits and '-'"),
        );
    }
    let title = check.text(&raw.title, "title");
    let summary = match &raw.summary {
        Some(s) => check.text(s, "summary"),
        None => Text::default(),
    };
    let mut steps = Vec::new();
    match &raw.steps {
        None => check.error(0, "the lesson has no [[steps]]"),
        Some(list) if list.get_ref().is_empty() => {
            check.error(list.span().start, "the lesson has no [[steps]]")
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
    let title = check.required_text(&step.title, at, &format!("step {number}: title"));
    let body = check.required_text(&step.body, at, &format!("step {number}: body"));
    let notes = step
        .notes
        .as_ref()
        .map(|n| check.text(n, &format!("step {number}: notes")));
    let answer = step
        .answer
        .as_ref()
        .map(|a| check.text(a, &format!("step {number}: answer")));
    let mut concepts = Vec::new();
    for concept in &step.concepts {
        let name = concept.get_ref();
        if curriculum.get(name).is_none() {
            check.error(
                concept.span().start,
                format!("step {number}: unknown concept id '{name}' (see curriculum.toml)"),
            );
        } else {
            concepts.push(name.clone());
        }
    }
    let panel = step
        .panel
        .as_ref()
        .and_then(|p| validate_panel_link(p.get_ref(), &format!("step {number}"), check));
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
    what: &str,
    check: &mut Checker<'_>,
) -> Option<PanelLink> {
    let name = raw.open.get_ref();
    let Some(panel) = PanelId::from_name(name) else {
        check.error(
            raw.open.span().start,
            format!(
                "{what}: unknown panel '{name}' (one of: {})",
                PanelId::names().join(", ")
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
    match PanelArg::parse(panel, &arg, expect_error) {
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
            check.error(at, format!("{what}: panel {name}: {why}"));
            None
        }
    }
}
