//! The lesson search index: every step's title and plain-text lines in both
//! languages, [`fold`]ed once per lesson set, so a query is one pass of
//! `contains` and a redraw does no searching at all.

use crate::i18n::Lang;
use crate::lesson::LessonSet;
use crate::lesson::markup::plain_text;
use crate::ui::search::fold;

/// One line as shown and as compared.
#[derive(Debug, Clone)]
struct Line {
    shown: String,
    folded: String,
}

/// One step in one language: its title, then its body lines.
#[derive(Debug, Clone)]
struct StepText {
    title: Line,
    body: Vec<Line>,
}

#[derive(Debug, Clone)]
struct Entry {
    lesson: usize,
    step: usize,
    /// In the order of `Lang::ALL`.
    langs: Vec<StepText>,
}

/// A step that matches a search: where it is, and the line that matched in
/// each language (None when that language does not match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub lesson: usize,
    pub step: usize,
    snippets: Vec<Option<String>>,
}

impl SearchHit {
    /// The snippet in `lang` when that language matched, else in the other.
    pub fn snippet(&self, lang: Lang) -> &str {
        let at = |l: Lang| Lang::ALL.iter().position(|x| *x == l);
        [lang, lang.toggled()]
            .into_iter()
            .find_map(|l| self.snippets.get(at(l)?)?.as_deref())
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
}

impl SearchIndex {
    pub fn build(set: &LessonSet) -> SearchIndex {
        let line = |s: &str| Line {
            shown: s.to_string(),
            folded: fold(s),
        };
        let mut entries = Vec::new();
        for (li, lesson) in set.lessons.iter().enumerate() {
            for (si, step) in lesson.steps.iter().enumerate() {
                let langs = Lang::ALL
                    .iter()
                    .map(|l| StepText {
                        title: line(step.title.get(*l)),
                        body: plain_text(step.body.get(*l)).lines().map(line).collect(),
                    })
                    .collect();
                entries.push(Entry {
                    lesson: li,
                    step: si,
                    langs,
                });
            }
        }
        SearchIndex { entries }
    }

    /// Steps whose title or a body line contains `query` (folded) in either
    /// language; an empty query finds nothing.
    pub fn search(&self, query: &str) -> Vec<SearchHit> {
        let q = fold(query);
        if q.is_empty() {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter_map(|e| {
                let snippets: Vec<Option<String>> = e
                    .langs
                    .iter()
                    .map(|text| {
                        if text.title.folded.contains(&q) {
                            return Some(text.title.shown.clone());
                        }
                        text.body
                            .iter()
                            .find(|l| l.folded.contains(&q))
                            .map(|l| format!("{}: {}", text.title.shown, l.shown))
                    })
                    .collect();
                snippets.iter().any(Option::is_some).then_some(SearchHit {
                    lesson: e.lesson,
                    step: e.step,
                    snippets,
                })
            })
            .collect()
    }
}
