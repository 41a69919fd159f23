//! The lesson search index: every step's title and plain-text lines in both
//! languages, [`fold`]ed once per lesson set, so a query is one pass of
//! `contains` and a redraw does no searching at all.
//!
//! Only the folded text is kept, in one buffer, lines being ranges into it
//! (a third of a megabyte for the built-in lessons in one allocation, instead of
//! thousands of small strings). A hit's snippet — the line as written — is cut
//! from the step again when the query changes, for the steps that match only.

use crate::i18n::Lang;
use crate::lesson::LessonSet;
use crate::lesson::markup::plain_text;
use crate::ui::search::fold;

/// A byte range of [`SearchIndex::text`]: one folded line.
type Span = (u32, u32);

/// One step in one language: its title's line, then its body's lines (a range
/// of [`SearchIndex::lines`], in the order of the body's plain text).
#[derive(Debug, Clone, Copy)]
struct StepText {
    title: u32,
    body: (u32, u32),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    lesson: u32,
    step: u32,
    /// In the order of `Lang::ALL`.
    langs: [StepText; Lang::ALL.len()],
}

/// Which line of a step matched a query in one language.
#[derive(Debug, Clone, Copy)]
enum Found {
    Title,
    Body(usize),
}

/// A step that matches a search: where it is, and the line that matched in
/// each language (None when that language does not match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub lesson: usize,
    pub step: usize,
    snippets: [Option<String>; Lang::ALL.len()],
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
    text: String,
    lines: Vec<Span>,
    entries: Vec<Entry>,
}

impl SearchIndex {
    pub fn build(set: &LessonSet) -> SearchIndex {
        let mut index = SearchIndex::default();
        for (li, lesson) in set.lessons.iter().enumerate() {
            for (si, step) in lesson.steps.iter().enumerate() {
                let langs = Lang::ALL.map(|l| {
                    let title = index.push_line(step.title.get(l));
                    let first = index.lines.len() as u32;
                    for line in plain_text(step.body.get(l)).lines() {
                        index.push_line(line);
                    }
                    StepText {
                        title,
                        body: (first, index.lines.len() as u32),
                    }
                });
                index.entries.push(Entry {
                    lesson: li as u32,
                    step: si as u32,
                    langs,
                });
            }
        }
        index.text.shrink_to_fit();
        index.lines.shrink_to_fit();
        index.entries.shrink_to_fit();
        index
    }

    /// Appends the folded form of `s` and returns its line's number.
    fn push_line(&mut self, s: &str) -> u32 {
        let start = self.text.len() as u32;
        self.text.push_str(&fold(s));
        self.lines.push((start, self.text.len() as u32));
        (self.lines.len() - 1) as u32
    }

    fn matches(&self, line: u32, q: &str) -> bool {
        let (a, b) = self.lines[line as usize];
        self.text[a as usize..b as usize].contains(q)
    }

    /// Where the folded query `q` first occurs in one step's text: its title,
    /// else its first body line that has it.
    fn find(&self, text: &StepText, q: &str) -> Option<Found> {
        if self.matches(text.title, q) {
            return Some(Found::Title);
        }
        (text.body.0..text.body.1)
            .find(|&l| self.matches(l, q))
            .map(|l| Found::Body((l - text.body.0) as usize))
    }

    /// Steps of `set` (the set the index was built from) whose title or a body
    /// line contains `query` (folded) in either language, each with the line as
    /// written: the title, or "title: line". An empty query finds nothing.
    pub fn search(&self, set: &LessonSet, query: &str) -> Vec<SearchHit> {
        let q = fold(query);
        if q.is_empty() {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter_map(|e| {
                let found = e.langs.each_ref().map(|text| self.find(text, &q));
                if found.iter().all(Option::is_none) {
                    return None;
                }
                let step = set
                    .lessons
                    .get(e.lesson as usize)?
                    .steps
                    .get(e.step as usize)?;
                let mut langs = Lang::ALL.into_iter();
                let snippets = found.map(|f| {
                    let lang = langs.next()?;
                    let title = step.title.get(lang);
                    match f? {
                        Found::Title => Some(title.to_string()),
                        Found::Body(k) => {
                            let body = plain_text(step.body.get(lang));
                            let line = body.lines().nth(k)?;
                            Some(format!("{title}: {line}"))
                        }
                    }
                });
                Some(SearchHit {
                    lesson: e.lesson as usize,
                    step: e.step as usize,
                    snippets,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> LessonSet {
        LessonSet::embedded().expect("the built-in lessons decode")
    }

    #[test]
    fn every_step_is_indexed_once_in_both_languages() {
        let set = builtin();
        let index = SearchIndex::build(&set);
        let steps: usize = set.lessons.iter().map(|l| l.steps.len()).sum();
        assert_eq!(index.entries.len(), steps);
        for (e, want) in index.entries.iter().zip(
            set.lessons
                .iter()
                .enumerate()
                .flat_map(|(li, l)| (0..l.steps.len()).map(move |si| (li, si))),
        ) {
            assert_eq!((e.lesson as usize, e.step as usize), want);
            for (text, lang) in e.langs.iter().zip(Lang::ALL) {
                let step = &set.lessons[want.0].steps[want.1];
                let line = |l: u32| {
                    let (a, b) = index.lines[l as usize];
                    &index.text[a as usize..b as usize]
                };
                assert_eq!(line(text.title), fold(step.title.get(lang)));
                let body: Vec<&str> = (text.body.0..text.body.1).map(line).collect();
                let plain = plain_text(step.body.get(lang));
                let folded: Vec<String> = plain.lines().map(fold).collect();
                assert_eq!(body, folded);
            }
        }
    }

    #[test]
    fn a_folded_query_finds_the_line_as_written_with_its_step_title() {
        let set = builtin();
        let index = SearchIndex::build(&set);
        let hits = index.search(&set, "time wait");
        assert!(!hits.is_empty(), "TIME_WAIT is taught somewhere");
        let hit = hits
            .iter()
            .find(|h| set.lessons[h.lesson].id.contains("ports"))
            .expect("the ports lesson mentions TIME_WAIT");
        let snippet = hit.snippet(Lang::En);
        let folded = fold(snippet);
        assert!(folded.contains("time wait"), "{snippet}");
        // Shown as written, not folded.
        assert!(
            snippet.contains("TIME_WAIT") || snippet.contains("TIME-WAIT"),
            "{snippet}"
        );
        let step = &set.lessons[hit.lesson].steps[hit.step];
        assert!(snippet.starts_with(step.title.get(Lang::En)), "{snippet}");
        assert_eq!(index.search(&set, "ＴＩＭＥ＿ＷＡＩＴ"), hits);
        assert!(index.search(&set, "  ").is_empty());
        assert!(index.search(&set, "").is_empty());
    }

    #[test]
    fn a_chinese_query_matches_only_where_chinese_has_it() {
        let set = builtin();
        let index = SearchIndex::build(&set);
        let q = "三次握手";
        let hits = index.search(&set, q);
        assert!(!hits.is_empty(), "the handshake lessons say {q}");
        let mut fell_back = 0;
        for hit in &hits {
            let zh = hit.snippet(Lang::Zh);
            assert!(zh.contains(q), "{zh}");
            // Where the English text does not have it, the English snippet
            // is the Chinese one.
            let en = hit.snippet(Lang::En);
            assert!(en.contains(q), "{en}");
            fell_back += usize::from(en == zh);
        }
        assert!(fell_back > 0, "English steps do not write {q}");
    }
}
