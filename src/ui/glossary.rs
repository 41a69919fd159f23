//! The glossary: one English ↔ Chinese table used by every lesson, with `/` search.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::app::Nav;
use super::lessons::fit;
use super::panel::RenderCtx;
use super::search::{SearchBox, matches};
use super::text::width;
use crate::i18n::{t, tf};
use crate::lesson::{Glossary, Term};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlossaryView {
    /// Open while the student types a query; the filter stays after Enter.
    pub search: Option<SearchBox>,
    pub filter: String,
    pub scroll: usize,
}

impl GlossaryView {
    pub fn query(&self) -> &str {
        self.search.as_ref().map_or(&self.filter, |s| &s.query)
    }

    pub fn results<'a>(&self, glossary: &'a Glossary) -> Vec<&'a Term> {
        let q = self.query();
        glossary
            .terms
            .iter()
            .filter(|term| {
                matches(&term.en, q)
                    || matches(&term.zh, q)
                    || term
                        .note
                        .as_ref()
                        .is_some_and(|n| matches(&n.en, q) || matches(&n.zh, q))
            })
            .collect()
    }

    pub fn nav(&mut self, nav: Nav, total: usize) {
        let last = total.saturating_sub(1);
        match nav {
            Nav::Up | Nav::Prev => self.scroll = self.scroll.saturating_sub(1),
            Nav::Down | Nav::Next => self.scroll = (self.scroll + 1).min(last),
            Nav::First => self.scroll = 0,
            Nav::Last => self.scroll = last,
            Nav::Enter | Nav::NextPane | Nav::PrevPane => {}
        }
    }

    pub fn render(&self, glossary: &Glossary, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let theme = ctx.theme;
        let results = self.results(glossary);
        let title = tf(
            ctx.lang,
            "glossary.title",
            &[
                ("n", &results.len().to_string()),
                ("total", &glossary.terms.len().to_string()),
            ],
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .title(Span::styled(format!(" {title} "), theme.title));
        let inner = block.inner(area);
        block.render(area, buf);
        let [search_row, table] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
        let prompt = match &self.search {
            Some(s) => Line::from(vec![
                Span::styled("/ ", theme.key),
                Span::styled(s.query.clone(), theme.bold),
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
        let total = usize::from(table.width);
        let en_w = (total * 3 / 10).max(12);
        let zh_w = (total / 4).max(8);
        let note_w = total.saturating_sub(en_w + zh_w + 2);
        let rows = usize::from(table.height);
        let start = self.scroll.min(results.len().saturating_sub(rows.max(1)));
        let lines: Vec<Line> = results
            .iter()
            .skip(start)
            .take(rows)
            .map(|term| {
                let note = term.note.as_ref().map_or("", |n| n.get(ctx.lang));
                Line::from(vec![
                    Span::styled(pad(&fit(&term.en, en_w), en_w + 1), theme.bold),
                    Span::styled(pad(&fit(&term.zh, zh_w), zh_w + 1), theme.accent),
                    Span::styled(fit(note, note_w), theme.muted),
                ])
            })
            .collect();
        if lines.is_empty() {
            Paragraph::new(Span::styled(t(ctx.lang, "glossary.none"), theme.warn))
                .render(table, buf);
        } else {
            Paragraph::new(lines).render(table, buf);
        }
    }
}

/// `s` padded with spaces to `cells` display cells.
fn pad(s: &str, cells: usize) -> String {
    format!("{s}{}", " ".repeat(cells.saturating_sub(width(s))))
}
