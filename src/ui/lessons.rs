//! The Lessons section: the lesson list and the step reader.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::app::Nav;
use super::panel::RenderCtx;
use super::present::big_title;
use super::search::{SearchBox, matches};
use super::text::{markup_lines, render_scrolled, wrap};
use crate::i18n::{Lang, t, tf};
use crate::lesson::markup::plain_text;
use crate::lesson::{LessonSet, Step};

/// Where the student is in the lessons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LessonsView {
    /// Highlighted row of the list.
    pub selected: usize,
    /// The lesson being read (None: the list has focus).
    pub open: Option<usize>,
    pub step: usize,
    /// Lines scrolled in the step body.
    pub scroll: u16,
    pub show_notes: bool,
    /// Lessons to play back to back (`--lesson a,b`); empty: all, in order.
    pub playlist: Vec<usize>,
    /// Search across every step (`/`), open while typing.
    pub search: Option<SearchBox>,
}

/// A step that matches a search: where it is and the line that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub lesson: usize,
    pub step: usize,
    pub snippet: String,
}

/// Steps whose title or body (in either language) contains `query`; the snippet
/// is in `lang` when that language matches, else in the other one.
pub fn search_steps(set: &LessonSet, query: &str, lang: Lang) -> Vec<SearchHit> {
    if query.trim().is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for (li, lesson) in set.lessons.iter().enumerate() {
        for (si, step) in lesson.steps.iter().enumerate() {
            let found = [lang, lang.toggled()].into_iter().find_map(|l| {
                let title = step.title.get(l);
                if matches(title, query) {
                    return Some(title.to_string());
                }
                plain_text(step.body.get(l))
                    .lines()
                    .find(|line| matches(line, query))
                    .map(|line| format!("{title}: {line}"))
            });
            if let Some(snippet) = found {
                hits.push(SearchHit {
                    lesson: li,
                    step: si,
                    snippet,
                });
            }
        }
    }
    hits
}

/// Width from which the list stays beside the reader.
const SIDE_BY_SIDE: u16 = super::layout::LESSONS_SIDE_BY_SIDE;

impl LessonsView {
    /// Opens `lesson` at `step` (clamped when the lesson is drawn).
    pub fn open_lesson(&mut self, lesson: usize, step: usize) {
        self.open = Some(lesson);
        self.selected = lesson;
        self.step = step;
        self.scroll = 0;
    }

    /// Esc: from the reader back to the list.
    pub fn back(&mut self) -> bool {
        self.open.take().is_some()
    }

    /// (lesson, step) being read.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.open.map(|l| (l, self.step))
    }

    pub fn current_step<'a>(&self, set: &'a LessonSet) -> Option<&'a Step> {
        let lesson = set.lessons.get(self.open?)?;
        lesson
            .steps
            .get(self.step.min(lesson.steps.len().saturating_sub(1)))
    }

    fn neighbour(&self, set: &LessonSet, lesson: usize, forward: bool) -> Option<usize> {
        if self.playlist.is_empty() {
            if forward {
                (lesson + 1 < set.lessons.len()).then_some(lesson + 1)
            } else {
                lesson.checked_sub(1)
            }
        } else {
            let pos = self.playlist.iter().position(|&l| l == lesson)?;
            let next = if forward {
                pos.checked_add(1)?
            } else {
                pos.checked_sub(1)?
            };
            self.playlist.get(next).copied()
        }
    }

    /// Applies navigation; returns true when the position (lesson, step) changed.
    pub fn nav(&mut self, nav: Nav, set: &LessonSet) -> bool {
        let count = set.lessons.len();
        let Some(lesson) = self.open else {
            match nav {
                Nav::Up | Nav::PrevPane => self.selected = self.selected.saturating_sub(1),
                Nav::Down | Nav::NextPane => {
                    self.selected = (self.selected + 1).min(count.saturating_sub(1))
                }
                Nav::First => self.selected = 0,
                Nav::Last => self.selected = count.saturating_sub(1),
                Nav::Enter | Nav::Next => {
                    if self.selected < count {
                        self.open_lesson(self.selected, 0);
                        return true;
                    }
                }
                Nav::Prev => {}
            }
            return false;
        };
        let steps = set.lessons.get(lesson).map_or(0, |l| l.steps.len());
        let before = (lesson, self.step);
        self.step = self.step.min(steps.saturating_sub(1));
        match nav {
            Nav::Next => {
                if self.step + 1 < steps {
                    self.step += 1;
                } else if let Some(next) = self.neighbour(set, lesson, true) {
                    self.open_lesson(next, 0);
                }
            }
            Nav::Prev => {
                if self.step > 0 {
                    self.step -= 1;
                } else if let Some(prev) = self.neighbour(set, lesson, false) {
                    let last = set
                        .lessons
                        .get(prev)
                        .map_or(0, |l| l.steps.len().saturating_sub(1));
                    self.open_lesson(prev, last);
                }
            }
            Nav::First => self.step = 0,
            Nav::Last => self.step = steps.saturating_sub(1),
            Nav::Up => self.scroll = self.scroll.saturating_sub(1),
            Nav::Down => self.scroll = self.scroll.saturating_add(1),
            Nav::Enter | Nav::NextPane | Nav::PrevPane => {}
        }
        let after = (self.open.unwrap_or(lesson), self.step);
        if after != before {
            self.scroll = 0;
        }
        after != before
    }

    pub fn render(&self, set: &LessonSet, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        if self.search.is_some() && area.width < SIDE_BY_SIDE {
            self.render_list(set, area, buf, ctx);
            return;
        }
        match self.open {
            Some(lesson) if area.width >= SIDE_BY_SIDE => {
                let [list, reader] =
                    Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(area);
                self.render_list(set, list, buf, ctx);
                self.render_reader(set, lesson, reader, buf, ctx);
            }
            Some(lesson) => self.render_reader(set, lesson, area, buf, ctx),
            None => self.render_list(set, area, buf, ctx),
        }
    }

    fn render_list(&self, set: &LessonSet, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        if let Some(search) = &self.search {
            render_search(set, search, area, buf, ctx);
            return;
        }
        let theme = ctx.theme;
        let focused = self.open.is_none();
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused {
                theme.border_focus
            } else {
                theme.border
            })
            .title(Span::styled(
                format!(" {} ", t(ctx.lang, "lessons.list")),
                theme.title,
            ));
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

    fn render_reader(
        &self,
        set: &LessonSet,
        lesson: usize,
        area: Rect,
        buf: &mut Buffer,
        ctx: &RenderCtx,
    ) {
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
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .title(Span::styled(
                format!(" {} ", l.title.get(ctx.lang)),
                theme.title,
            ))
            .title_bottom(
                Line::from(Span::styled(format!(" {counter} "), theme.accent)).right_aligned(),
            );
        let inner = block.inner(area);
        block.render(area, buf);
        let pad = if ctx.present { 2 } else { 1 };
        let text_area = Rect {
            x: inner.x.saturating_add(pad),
            width: inner.width.saturating_sub(pad * 2),
            ..inner
        };
        let max = usize::from(text_area.width);
        let mut text_area = text_area;
        let mut lines: Vec<Line> = Vec::new();
        if ctx.present {
            // Big title on top, generous spacing below.
            let used = big_title(step.title.get(ctx.lang), text_area, buf, theme.title);
            text_area.y = text_area.y.saturating_add(used + 1);
            text_area.height = text_area.height.saturating_sub(used + 1);
        } else {
            lines = wrap(
                &[(step.title.get(ctx.lang).to_string(), theme.title)],
                max,
                ("", theme.title),
                ("", theme.title),
            );
            lines.push(Line::default());
        }
        lines.extend(markup_lines(step.body.get(ctx.lang), max, theme));
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
        // "↓ more" gets a row of its own while text follows.
        render_scrolled(
            &lines,
            usize::from(self.scroll),
            (t(ctx.lang, "lessons.more"), theme.muted),
            text_area,
            buf,
        );
    }
}

fn render_search(
    set: &LessonSet,
    search: &SearchBox,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    let theme = ctx.theme;
    let hits = search_steps(set, &search.query, ctx.lang);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .title(Span::styled(
            format!(
                " {} ",
                tf(
                    ctx.lang,
                    "lessons.search",
                    &[("n", &hits.len().to_string())]
                )
            ),
            theme.title,
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    let max = usize::from(inner.width);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("/ ", theme.key),
            Span::styled(search.query.clone(), theme.bold),
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
            hit.snippet
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

/// Cutting to a number of cells lives in `ui::text` (kept here for the screens
/// that import it from this module).
pub use super::text::fit;
