//! The home screen: "continue where you left off", then every section.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::app::App;
use super::lessons::fit;
use super::msg::{Msg, Nav, Screen};
use super::panel::{Ctx, RenderCtx};
use super::text::width;
use crate::i18n::{t, tf};

/// A row of the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeEntry {
    Continue { lesson: usize, step: usize },
    Section(Screen),
}

impl App {
    /// Home lists "continue" (when there is progress) and then every section.
    pub fn home_entries(&self) -> Vec<HomeEntry> {
        let mut entries = Vec::new();
        if let Some(id) = &self.progress.last_lesson
            && let Some(i) = self.lessons.index_of(id)
        {
            entries.push(HomeEntry::Continue {
                lesson: i,
                step: self.progress.last_step,
            });
        }
        entries.extend(Screen::ALL.iter().skip(1).map(|s| HomeEntry::Section(*s)));
        entries
    }

    pub(super) fn home_nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
        let entries = self.home_entries();
        let last = entries.len().saturating_sub(1);
        match nav {
            Nav::Up | Nav::Prev | Nav::PrevPane => {
                self.home_selected = self.home_selected.saturating_sub(1)
            }
            Nav::Down | Nav::Next | Nav::NextPane => {
                self.home_selected = (self.home_selected + 1).min(last)
            }
            Nav::First => self.home_selected = 0,
            Nav::Last => self.home_selected = last,
            Nav::Enter => match entries.get(self.home_selected) {
                Some(HomeEntry::Continue { lesson, step }) => {
                    self.reader.open_lesson(*lesson, *step);
                    self.go(Screen::Lessons, ctx);
                }
                Some(HomeEntry::Section(s)) => self.go(*s, ctx),
                None => {}
            },
        }
        None
    }
}

/// Draws the home screen.
pub fn draw_home(app: &App, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border);
    let inner = block.inner(area);
    block.render(area, buf);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let max = usize::from(inner.width);
    let mut lines = vec![
        Line::from(Span::styled(t(ctx.lang, "app.name"), theme.title)),
        Line::from(Span::styled(
            fit(t(ctx.lang, "app.pitch"), max),
            theme.muted,
        )),
        Line::default(),
    ];
    for (i, entry) in app.home_entries().iter().enumerate() {
        let selected = i == app.home_selected;
        let (key, title, about) = match entry {
            HomeEntry::Continue { lesson, step } => {
                let name = app
                    .lessons
                    .lessons
                    .get(*lesson)
                    .map_or("", |l| l.title.get(ctx.lang));
                (
                    "↵".to_string(),
                    t(ctx.lang, "home.continue").to_string(),
                    tf(
                        ctx.lang,
                        "home.continue_at",
                        &[("lesson", name), ("step", &(step + 1).to_string())],
                    ),
                )
            }
            HomeEntry::Section(s) => (
                s.number().to_string(),
                t(ctx.lang, s.title_key()).to_string(),
                t(ctx.lang, s.about_key()).to_string(),
            ),
        };
        let marker = if selected { "▸ " } else { "  " };
        let head = format!("{marker}{key}  {title}");
        let pad = 24usize.saturating_sub(width(&head));
        let style = if selected { theme.selected } else { theme.base };
        let rest = fit(&about, max.saturating_sub(width(&head) + pad));
        lines.push(Line::from(vec![
            Span::styled(head, style.patch(theme.bold)),
            Span::styled(" ".repeat(pad), style),
            Span::styled(rest, if selected { style } else { theme.muted }),
        ]));
    }
    Paragraph::new(lines).render(inner, buf);
}
