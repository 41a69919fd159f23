//! The glossary: one English ↔ Chinese table used by every lesson, with `/`
//! search, a selected row (↑↓/j/k) and a detail view (Enter) with the whole note.

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::lessons::fit;
use super::msg::{Msg, Nav};
use super::panel::{Ctx, Panel, RenderCtx, TextInput};
use super::search::{SearchBox, SearchKey, fold};
use super::text::{width, wrap};
use crate::i18n::{t, tf};
use crate::lesson::{LessonSet, Term};

#[derive(Debug, Clone)]
pub struct GlossaryView {
    set: Arc<LessonSet>,
    /// Open while the student types a query; the filter stays after Enter.
    pub search: Option<SearchBox>,
    pub filter: String,
    /// The selected row among the results.
    pub selected: usize,
    /// Enter: the selected term in full.
    pub detail: bool,
    /// Indices (into the glossary) of the terms the query matches.
    results: Vec<usize>,
    /// Each term's English, Chinese and notes, folded once, at the first
    /// query (see `search::fold`); opening the panel folds nothing.
    folded: std::cell::OnceCell<Vec<String>>,
}

impl GlossaryView {
    pub fn new(set: Arc<LessonSet>) -> GlossaryView {
        let mut view = GlossaryView {
            set,
            search: None,
            filter: String::new(),
            selected: 0,
            detail: false,
            results: Vec::new(),
            folded: std::cell::OnceCell::new(),
        };
        view.refresh();
        view
    }

    pub fn query(&self) -> &str {
        self.search.as_ref().map_or(&self.filter, |s| s.query())
    }

    /// The terms the query matches, in glossary order.
    pub fn results(&self) -> Vec<&Term> {
        self.results
            .iter()
            .filter_map(|i| self.set.glossary.terms.get(*i))
            .collect()
    }

    /// The selected term, if any matches.
    pub fn selected_term(&self) -> Option<&Term> {
        self.results
            .get(self.selected)
            .and_then(|i| self.set.glossary.terms.get(*i))
    }

    /// Recomputes the results (when the query changes, not on every draw).
    fn refresh(&mut self) {
        let q = fold(self.query());
        let terms = &self.set.glossary.terms;
        self.results = if q.is_empty() {
            (0..terms.len()).collect()
        } else {
            let folded = self.folded.get_or_init(|| {
                terms
                    .iter()
                    .map(|term| {
                        let mut all = format!("{}\n{}", term.en, term.zh);
                        if let Some(n) = &term.note {
                            all = format!("{all}\n{}\n{}", n.en, n.zh);
                        }
                        fold(&all)
                    })
                    .collect()
            });
            (0..folded.len())
                .filter(|i| folded.get(*i).is_some_and(|f| f.contains(&q)))
                .collect()
        };
        self.selected = self.selected.min(self.results.len().saturating_sub(1));
    }

    fn render_table(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let theme = ctx.theme;
        let [search_row, table] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
        let prompt = match &self.search {
            Some(s) => Line::from(vec![
                Span::styled("/ ", theme.key),
                Span::styled(s.query().to_string(), theme.bold),
                Span::styled("▏", theme.accent),
            ]),
            None if !self.filter.is_empty() => Line::from(vec![
                Span::styled("/ ", theme.key),
                Span::styled(self.filter.clone(), theme.bold),
                Span::styled(format!("  {}", t(ctx.lang, "glossary.clear")), theme.muted),
            ]),
            None => Line::from(Span::styled(t(ctx.lang, "glossary.hint"), theme.muted)),
        };
        Paragraph::new(prompt).render(search_row, buf);
        let results = self.results();
        let total = usize::from(table.width);
        let en_w = (total * 3 / 10).max(12);
        let zh_w = (total / 4).max(8);
        let note_w = total.saturating_sub(en_w + zh_w + 2);
        let rows = usize::from(table.height).max(1);
        // Keep the selected row in view.
        let start = self.selected.saturating_sub(rows - 1);
        let lines: Vec<Line> = results
            .iter()
            .enumerate()
            .skip(start)
            .take(rows)
            .map(|(i, term)| {
                let note = term.note.as_ref().map_or("", |n| n.get(ctx.lang));
                let row = Line::from(vec![
                    Span::styled(pad(&fit(&term.en, en_w), en_w + 1), theme.bold),
                    Span::styled(pad(&fit(&term.zh, zh_w), zh_w + 1), theme.accent),
                    Span::styled(pad(&fit(note, note_w), note_w), theme.muted),
                ]);
                if i == self.selected {
                    row.style(theme.selected)
                } else {
                    row
                }
            })
            .collect();
        if lines.is_empty() {
            Paragraph::new(Span::styled(t(ctx.lang, "glossary.none"), theme.warn))
                .render(table, buf);
        } else {
            Paragraph::new(lines).render(table, buf);
        }
    }

    fn render_detail(&self, term: &Term, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let theme = ctx.theme;
        let max = usize::from(area.width);
        let mut lines = wrap(
            &[(term.en.clone(), theme.title)],
            max,
            ("", theme.title),
            ("", theme.title),
        );
        lines.extend(wrap(
            &[(term.zh.clone(), theme.accent)],
            max,
            ("", theme.accent),
            ("", theme.accent),
        ));
        lines.push(Line::default());
        match &term.note {
            Some(note) => {
                for (lang, style) in [(ctx.lang, theme.base), (ctx.lang.toggled(), theme.muted)] {
                    lines.extend(wrap(
                        &[(note.get(lang).to_string(), style)],
                        max,
                        ("", style),
                        ("", style),
                    ));
                    lines.push(Line::default());
                }
            }
            None => lines.push(Line::from(Span::styled(
                t(ctx.lang, "glossary.no_note"),
                theme.muted,
            ))),
        }
        lines.push(Line::from(Span::styled(
            t(ctx.lang, "glossary.detail_close"),
            theme.muted,
        )));
        Paragraph::new(lines).render(area, buf);
    }
}

impl Panel for GlossaryView {
    type Msg = ();

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        GlossaryView::new(std::sync::Arc::clone(&init.lessons))
    }

    fn update(&mut self, _msg: (), _ctx: &mut Ctx) -> Option<Msg> {
        None
    }

    fn nav(&mut self, nav: Nav, _ctx: &mut Ctx) -> Option<Msg> {
        let last = self.results.len().saturating_sub(1);
        match nav {
            Nav::Up | Nav::Prev => self.selected = self.selected.saturating_sub(1),
            Nav::Down | Nav::Next => self.selected = (self.selected + 1).min(last),
            Nav::First => self.selected = 0,
            Nav::Last => self.selected = last,
            Nav::Enter => self.detail = !self.detail && !self.results.is_empty(),
            Nav::NextPane | Nav::PrevPane => {}
        }
        None
    }

    /// Esc: closes the detail view, then clears the filter, then goes back.
    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        if self.detail {
            self.detail = false;
            return true;
        }
        if self.filter.is_empty() {
            return false;
        }
        self.filter.clear();
        self.refresh();
        true
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let theme = ctx.theme;
        let title = tf(
            ctx.lang,
            "glossary.title",
            &[
                ("n", &self.results.len().to_string()),
                ("total", &self.set.glossary.terms.len().to_string()),
            ],
        );
        let block = theme.block(&title, true);
        let inner = block.inner(area);
        block.render(area, buf);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        match self.selected_term() {
            Some(term) if self.detail => self.render_detail(term, inner, buf, ctx),
            _ => self.render_table(inner, buf, ctx),
        }
    }

    fn search(&mut self, _ctx: &mut Ctx) -> bool {
        self.search = Some(SearchBox::with_query(&self.filter));
        self.detail = false;
        true
    }

    fn captures_text(&self) -> bool {
        self.search.is_some()
    }

    fn text_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> TextInput {
        let Some(search) = self.search.as_mut() else {
            return TextInput::Ignored;
        };
        match search.key(&key, self.results.len()) {
            SearchKey::Changed => {
                self.selected = 0;
                self.refresh();
            }
            SearchKey::Moved => self.selected = search.selected,
            SearchKey::Full => ctx.say(t(ctx.lang, "status.field_full")),
            SearchKey::Cancel => {
                self.search = None;
                self.refresh();
            }
            SearchKey::Accept => {
                self.filter = search.query().to_string();
                self.search = None;
                self.refresh();
            }
            SearchKey::Ignored => return TextInput::Ignored,
        }
        TextInput::Consumed(None)
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> TextInput {
        if let Some(search) = self.search.as_mut() {
            if !search.paste(text) {
                ctx.say(t(ctx.lang, "status.field_full"));
            }
            self.selected = 0;
            self.refresh();
        }
        TextInput::Consumed(None)
    }
}

/// `s` padded with spaces to `cells` display cells.
fn pad(s: &str, cells: usize) -> String {
    format!("{s}{}", " ".repeat(cells.saturating_sub(width(s))))
}
