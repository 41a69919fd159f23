//! The curriculum (concept ids) and the glossary (English ↔ Chinese terms).

use super::error::{LessonError, Message};
use super::model::Checker;
use super::raw::{RawCurriculum, RawGlossary};
use crate::i18n::Text;

/// One concept of the curriculum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    pub id: String,
    pub title: Text,
    /// The curriculum marks a common mistake that lessons must correct.
    pub correction: bool,
}

/// All concept ids, in curriculum order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Curriculum {
    pub concepts: Vec<Concept>,
}

impl Curriculum {
    pub fn get(&self, id: &str) -> Option<&Concept> {
        self.concepts.iter().find(|c| c.id == id)
    }

    pub(super) fn parse(file: &str, source: &str) -> Result<Curriculum, Vec<LessonError>> {
        let raw: RawCurriculum =
            toml::from_str(source).map_err(|e| vec![toml_error(file, source, &e)])?;
        let mut check = Checker::new(file, source);
        let mut concepts: Vec<Concept> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for concept in &raw.concept {
            let c = concept.get_ref();
            let id = c.id.get_ref().clone();
            if !seen.insert(c.id.get_ref().as_str()) {
                check.error(
                    c.id.span().start,
                    Message::new("lesson.err.concept_twice").with("id", &id),
                );
            }
            let concept = Message::new("lesson.err.concept").with("id", &id);
            let title = check.text(&c.title, Message::about(concept, "title"));
            concepts.push(Concept {
                id,
                title,
                correction: c.correction,
            });
        }
        if concepts.is_empty() {
            check.error(0, Message::new("lesson.err.no_concept"));
        }
        if check.errors.is_empty() {
            Ok(Curriculum { concepts })
        } else {
            Err(check.errors)
        }
    }
}

/// One English ↔ Chinese term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub en: String,
    pub zh: String,
    pub note: Option<Text>,
    /// Chinese variants of `zh` that no lesson, question or UI string may use:
    /// the glossary chose `zh` (the standard textbook term) over them.
    pub rejected: Vec<String>,
}

/// The one table of terms all lessons use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glossary {
    pub terms: Vec<Term>,
}

impl Glossary {
    pub(super) fn parse(file: &str, source: &str) -> Result<Glossary, Vec<LessonError>> {
        let raw: RawGlossary =
            toml::from_str(source).map_err(|e| vec![toml_error(file, source, &e)])?;
        let mut check = Checker::new(file, source);
        let mut terms: Vec<Term> = Vec::new();
        let mut spans: Vec<(usize, String)> = Vec::new();
        for term in &raw.term {
            let t = term.get_ref();
            let en = t.en.get_ref().trim().to_string();
            let zh = t.zh.get_ref().trim().to_string();
            if en.is_empty() || zh.is_empty() {
                check.error(term.span().start, Message::new("lesson.err.term_half"));
            }
            if terms.iter().any(|known| known.en.eq_ignore_ascii_case(&en)) {
                check.error(
                    t.en.span().start,
                    Message::new("lesson.err.term_twice").with("en", &en),
                );
            }
            let note = t.note.as_ref().map(|n| {
                let term = Message::new("lesson.err.term").with("en", &en);
                check.text(n, Message::about(term, "note"))
            });
            let mut rejected = Vec::new();
            for variant in &t.rejected {
                let v = variant.get_ref().trim().to_string();
                if v.is_empty() || zh.contains(&v) {
                    check.error(
                        variant.span().start,
                        Message::new("lesson.err.rejected_part")
                            .with("en", &en)
                            .with("v", &v)
                            .with("zh", &zh),
                    );
                }
                rejected.push((variant.span().start, v));
            }
            terms.push(Term {
                en,
                zh,
                note,
                rejected: rejected.iter().map(|(_, v)| v.clone()).collect(),
            });
            spans.extend(rejected);
        }
        // The glossary uses its own choices: no chosen term or note (shown to students)
        // contains a variant some term rejected, and no variant is rejected twice.
        for (i, (offset, variant)) in spans.iter().enumerate() {
            if spans[..i].iter().any(|(_, v)| v == variant) {
                check.error(
                    *offset,
                    Message::new("lesson.err.rejected_twice").with("v", variant),
                );
            }
            for term in &terms {
                let in_note = term
                    .note
                    .as_ref()
                    .is_some_and(|n| n.zh.contains(variant.as_str()));
                if term.zh.contains(variant.as_str()) || in_note {
                    check.error(
                        *offset,
                        Message::new("lesson.err.rejected_used")
                            .with("v", variant)
                            .with("en", &term.en),
                    );
                }
            }
        }
        if check.errors.is_empty() {
            Ok(Glossary { terms })
        } else {
            Err(check.errors)
        }
    }

    /// Terms whose English, Chinese, rejected variant or note contains `query`
    /// (case-insensitive): a student who types a rejected variant finds the chosen term.
    pub fn search<'a>(&'a self, query: &'a str) -> impl Iterator<Item = &'a Term> + 'a {
        let q = query.to_lowercase();
        self.terms.iter().filter(move |t| {
            q.is_empty()
                || t.en.to_lowercase().contains(&q)
                || t.zh.contains(query.trim())
                || t.rejected.iter().any(|v| v.contains(query.trim()))
                || t.note.as_ref().is_some_and(|n| {
                    n.en.to_lowercase().contains(&q) || n.zh.contains(query.trim())
                })
        })
    }
}

/// A TOML syntax or shape error, as file:line: message.
pub(super) fn toml_error(file: &str, source: &str, err: &toml::de::Error) -> LessonError {
    let offset = err.span().map_or(0, |s| s.start);
    LessonError::at(file, source, offset, Message::toml(err))
}
