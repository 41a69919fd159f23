//! The home screen: "continue where you left off", then every section.

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::lessons::fit;
use super::msg::{Msg, Nav, Screen};
use super::panel::{Ctx, Panel, RenderCtx};
use super::text::width;
use crate::i18n::{t, tf};
use crate::lesson::LessonSet;

/// A row of the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeEntry {
    Continue { lesson: usize, step: usize },
    Section(Screen),
}

#[derive(Debug, Clone)]
pub struct HomePanel {
    set: Arc<LessonSet>,
    /// Where the student left off (lesson index, step), from saved progress.
    resume: Option<(usize, usize)>,
    pub selected: usize,
}

impl HomePanel {
    pub fn new(set: Arc<LessonSet>) -> HomePanel {
        HomePanel {
            set,
            resume: None,
            selected: 0,
        }
    }

    /// The lesson and step "continue" opens.
    pub fn set_resume(&mut self, resume: Option<(usize, usize)>) {
        self.resume = resume;
    }

    /// Home lists "continue" (when there is progress) and then every section.
    pub fn entries(&self) -> Vec<HomeEntry> {
        let mut entries = Vec::new();
        if let Some((lesson, step)) = self.resume {
            entries.push(HomeEntry::Continue { lesson, step });
        }
        entries.extend(Screen::ALL.iter().skip(1).map(|s| HomeEntry::Section(*s)));
        entries
    }
}

impl Panel for HomePanel {
    type Msg = ();

    fn update(&mut self, _msg: (), _ctx: &mut Ctx) -> Option<Msg> {
        None
    }

    fn nav(&mut self, nav: Nav, _ctx: &mut Ctx) -> Option<Msg> {
        let entries = self.entries();
        let last = entries.len().saturating_sub(1);
        match nav {
            Nav::Up | Nav::Prev | Nav::PrevPane => self.selected = self.selected.saturating_sub(1),
            Nav::Down | Nav::Next | Nav::NextPane => self.selected = (self.selected + 1).min(last),
            Nav::First => self.selected = 0,
            Nav::Last => self.selected = last,
            Nav::Enter => {
                return match entries.get(self.selected) {
                    Some(HomeEntry::Continue { lesson, step }) => Some(Msg::OpenLesson {
                        lesson: *lesson,
                        step: *step,
                    }),
                    Some(HomeEntry::Section(s)) => Some(Msg::Open(*s)),
                    None => None,
                };
            }
        }
        None
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
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
        for (i, entry) in self.entries().iter().enumerate() {
            let selected = i == self.selected;
            let (key, title, about) = match entry {
                HomeEntry::Continue { lesson, step } => {
                    let name = self
                        .set
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
}
