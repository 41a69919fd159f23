//! Drawing the Lessons section: the list, the step reader, the search results.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{LessonsView, fit};
use crate::i18n::{t, tf};
use crate::lesson::Step;
use crate::ui::panel::RenderCtx;
use crate::ui::present::big_title;
use crate::ui::search::SearchBox;
use crate::ui::text::{markup_lines, render_scrolled, wrap};

impl LessonsView {
    pub(super) fn render_list(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let set = &*self.set;
        if let Some(search) = &self.search {
            self.render_search(search, area, buf, ctx);
            return;
        }
        let theme = ctx.theme;
        let focused = self.open.is_none();
        let block = theme.block(t(ctx.lang, "lessons.list"), focused);
        let inner = block.inner(area);
        block.render(area, buf);
        let max = usize::from(inner.width);
        let mut lines: Vec<Line> = Vec::new();
        for (i, lesson) in set.lessons.iter().enumerate() {
            let label = format!("{:>2}. {}", i + 1, lesson.title.get(ctx.lang));
            let style = if i == self.selected {
                theme.selected
            } else {
                theme.base
            };
            lines.push(Line::from(Span::styled(fit(&label, max), style)));
        }
        if let Some(lesson) = set.lessons.get(self.selected)
            && focused
        {
            lines.push(Line::default());
            let summary = lesson.summary.get(ctx.lang);
            lines.extend(wrap(
                &[(summary.to_string(), theme.muted)],
                max,
                ("", theme.muted),
                ("", theme.muted),
            ));
            lines.push(Line::from(Span::styled(
                tf(
                    ctx.lang,
                    "lessons.steps",
                    &[("n", &lesson.steps.len().to_string())],
                ),
                theme.muted,
            )));
        }
        // Keep the selected row visible.
        let skip = self
            .selected
            .saturating_sub(usize::from(inner.height).saturating_sub(2));
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(inner, buf);
    }

    pub(super) fn render_reader(
        &self,
        lesson: usize,
        area: Rect,
        buf: &mut Buffer,
        ctx: &RenderCtx,
    ) {
        let set = &*self.set;
        let theme = ctx.theme;
        let Some(l) = set.lessons.get(lesson) else {
            return;
        };
        let step_index = self.step.min(l.steps.len().saturating_sub(1));
        let Some(step) = l.steps.get(step_index) else {
            return;
        };
        let counter = tf(
            ctx.lang,
            "lessons.step_of",
            &[
                ("n", &(step_index + 1).to_string()),
                ("m", &l.steps.len().to_string()),
            ],
        );
        let block = theme.block(l.title.get(ctx.lang), true).title_bottom(
            Line::from(Span::styled(format!(" {counter} "), theme.accent)).right_aligned(),
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if ctx.present {
            let (title, (x, width)) =
                slide_areas(inner, |width| self.body_lines(step, width, ctx).len());
            let lines = self.body_lines(step, usize::from(width), ctx);
            let used = big_title(step.title.get(ctx.lang), title, buf, theme.title);
            let y = (title.y + used + 1).min(inner.bottom());
            let text_area = Rect {
                x,
                y,
                width,
                height: inner.bottom() - y,
            };
            self.render_body(&lines, text_area, buf, ctx);
            return;
        }
        let text_area = Rect {
            x: inner.x.saturating_add(1),
            width: inner.width.saturating_sub(2),
            ..inner
        };
        let max = usize::from(text_area.width);
        let mut lines = wrap(
            &[(step.title.get(ctx.lang).to_string(), theme.title)],
            max,
            ("", theme.title),
            ("", theme.title),
        );
        lines.push(Line::default());
        lines.extend(self.body_lines(step, max, ctx));
        self.render_body(&lines, text_area, buf, ctx);
    }

    /// A step's text below its title, `max` columns wide: the body, the
    /// panel it opens, and the notes when shown.
    fn body_lines(&self, step: &Step, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
        let theme = ctx.theme;
        let mut lines = markup_lines(step.body.get(ctx.lang), max, theme);
        if let Some(link) = &step.panel {
            lines.push(Line::default());
            let what = tf(
                ctx.lang,
                "lessons.open_panel",
                &[
                    ("panel", t(ctx.lang, &format!("tab.{}", link.panel.name()))),
                    ("arg", &link.arg),
                ],
            );
            lines.extend(wrap(
                &[(what, theme.accent)],
                max,
                ("▶ o: ", theme.key),
                ("     ", theme.accent),
            ));
        }
        if let Some(answer) = &step.answer {
            lines.push(Line::default());
            if self.show_answer {
                lines.push(Line::from(Span::styled(
                    t(ctx.lang, "lessons.answer"),
                    theme.good,
                )));
                lines.extend(markup_lines(answer.get(ctx.lang), max, theme));
            } else {
                lines.extend(wrap(
                    &[(
                        t(ctx.lang, "lessons.answer_hidden").to_string(),
                        theme.muted,
                    )],
                    max,
                    ("? a: ", theme.key),
                    ("     ", theme.muted),
                ));
            }
        }
        if self.show_notes {
            lines.push(Line::default());
            let notes = step.notes.as_ref().map_or_else(
                || t(ctx.lang, "lessons.no_notes").to_string(),
                |n| n.get(ctx.lang).to_string(),
            );
            lines.push(Line::from(Span::styled(
                t(ctx.lang, "lessons.notes"),
                theme.warn,
            )));
            lines.extend(wrap(
                &[(notes, theme.warn)],
                max,
                ("│ ", theme.warn),
                ("│ ", theme.warn),
            ));
        }
        lines
    }

    /// `lines` in `text_area` from the current scroll, with "↓ more" on a row
    /// of its own while text follows; remembers the page for a clicker.
    fn render_body(&self, lines: &[Line], text_area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let theme = ctx.theme;
        let shown = render_scrolled(
            lines,
            usize::from(self.scroll),
            (t(ctx.lang, "lessons.more"), theme.muted),
            text_area,
            buf,
        );
        let rows = usize::from(text_area.height);
        self.page
            .set((shown, lines.len().saturating_sub(rows), rows));
    }

    fn render_search(&self, search: &SearchBox, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let set = &*self.set;
        let theme = ctx.theme;
        let hits = &self.hits;
        let title = tf(
            ctx.lang,
            "lessons.search",
            &[("n", &hits.len().to_string())],
        );
        let block = theme.block(&title, true);
        let inner = block.inner(area);
        block.render(area, buf);
        let max = usize::from(inner.width);
        let mut lines = vec![
            Line::from(vec![
                Span::styled("/ ", theme.key),
                Span::styled(search.query().to_string(), theme.bold),
                Span::styled("▏", theme.accent),
            ]),
            Line::from(Span::styled(
                fit(t(ctx.lang, "lessons.search_hint"), max),
                theme.muted,
            )),
        ];
        let rows = usize::from(inner.height).saturating_sub(2);
        let start = search.selected.saturating_sub(rows.saturating_sub(1));
        for (i, hit) in hits.iter().enumerate().skip(start).take(rows) {
            let lesson = set
                .lessons
                .get(hit.lesson)
                .map_or("", |l| l.title.get(ctx.lang));
            let label = format!(
                "{}.{} {lesson} — {}",
                hit.lesson + 1,
                hit.step + 1,
                hit.snippet(ctx.lang)
            );
            let style = if i == search.selected {
                theme.selected
            } else {
                theme.base
            };
            lines.push(Line::from(Span::styled(fit(&label, max), style)));
        }
        Paragraph::new(lines).render(inner, buf);
    }
}

/// The widest body text on a projected slide, in columns: lines longer than
/// this are hard to follow from the back of a room.
pub const MEASURE: u16 = 100;

/// A slide in `inner`: the area its title may take, and the body's columns
/// (x, width). Side margins grow with the width (a twentieth on each side)
/// and the body is at most [`MEASURE`] columns, centred. The title may take
/// the rows the body (`body_rows(width)` lines) leaves, at most a third of the
/// height (but always room for one big line), so a long step shrinks its
/// title before it scrolls; a top margin is kept only when that costs the
/// title nothing it needs.
pub fn slide_areas(inner: Rect, body_rows: impl Fn(usize) -> usize) -> (Rect, (u16, u16)) {
    use crate::ui::present::BIG_ROWS;
    let margin = (inner.width / 20).max(2);
    let wide = Rect {
        x: inner.x.saturating_add(margin),
        width: inner.width.saturating_sub(margin * 2),
        ..inner
    };
    let measure = wide.width.min(MEASURE);
    let x = wide.x + (wide.width - measure) / 2;
    let rows = u16::try_from(body_rows(usize::from(measure))).unwrap_or(u16::MAX);
    let third = (inner.height / 3).max(BIG_ROWS);
    // One row between the title and the body; the title gets at least one.
    let room = |top: u16| {
        inner
            .height
            .saturating_sub(top + 1)
            .saturating_sub(rows)
            .clamp(1, third)
    };
    let mut top = inner.height / 18;
    if room(top) < room(0) && room(top) < BIG_ROWS {
        top = 0;
    }
    let title = Rect {
        y: inner.y + top,
        height: room(top).min(inner.height.saturating_sub(top)),
        ..wide
    };
    (title, (x, measure))
}
