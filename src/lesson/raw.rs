//! The lesson file exactly as written (serde), with spans for error messages.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLesson {
    pub id: Spanned<String>,
    pub order: Option<i64>,
    pub title: Spanned<RawText>,
    pub summary: Option<Spanned<RawText>>,
    pub steps: Option<Spanned<Vec<Spanned<RawStep>>>>,
    /// `kind = "questions"` marks a question bank: questions and no steps.
    pub kind: Option<Spanned<String>>,
    /// Quiz questions carried by the lesson (or the bank).
    #[serde(default)]
    pub questions: Vec<Spanned<RawQuestion>>,
}

/// One authored quiz question, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: Spanned<String>,
    pub topic: Spanned<String>,
    /// choice | true-false | order | fill-in
    pub kind: Spanned<String>,
    #[serde(default)]
    pub concepts: Vec<Spanned<String>>,
    pub prompt: Option<Spanned<RawText>>,
    /// Choice: the options. Order: the items in the right order.
    #[serde(default)]
    pub options: Vec<Spanned<RawText>>,
    /// Choice: a letter ("b"). True/false: a boolean. Fill-in: the answer.
    pub answer: Option<Spanned<RawAnswer>>,
    /// Fill-in: which checker reads the student's answer.
    pub check: Option<Spanned<String>>,
    /// Fill-in text: further accepted answers.
    #[serde(default)]
    pub accept: Vec<Spanned<String>>,
    pub explanation: Option<Spanned<RawText>>,
    pub panel: Option<Spanned<RawPanel>>,
}

/// An answer as written: `true`, `24` or `"192.168.1.0"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawAnswer {
    Bool(bool),
    Int(i64),
    Str(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawText {
    pub en: Option<Spanned<String>>,
    pub zh: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub title: Option<Spanned<RawText>>,
    #[serde(default)]
    pub concepts: Vec<Spanned<String>>,
    pub body: Option<Spanned<RawText>>,
    pub notes: Option<Spanned<RawText>>,
    /// A practice step's answer, revealed on request.
    pub answer: Option<Spanned<RawText>>,
    pub panel: Option<Spanned<RawPanel>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPanel {
    pub open: Spanned<String>,
    pub arg: Option<Spanned<String>>,
    /// The lesson opens the panel on an input it refuses, on purpose.
    pub expect_error: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCurriculum {
    #[serde(default)]
    pub concept: Vec<Spanned<RawConcept>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConcept {
    pub id: Spanned<String>,
    pub title: Spanned<RawText>,
    #[serde(default)]
    pub correction: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGlossary {
    #[serde(default)]
    pub term: Vec<Spanned<RawTerm>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    pub en: Spanned<String>,
    pub zh: Spanned<String>,
    pub note: Option<Spanned<RawText>>,
    /// Chinese variants of `zh` that lessons must not use (one term per concept).
    #[serde(default)]
    pub rejected: Vec<Spanned<String>>,
}
