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
    pub panel: Option<Spanned<RawPanel>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPanel {
    pub open: Spanned<String>,
    pub arg: Option<Spanned<String>>,
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
}
