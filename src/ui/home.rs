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
use crate::i18n::{Lang, t, tf};
use crate::lesson::LessonSet;
use crate::quiz::mastery::TopicMastery;

/// A row of the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeEntry {
    Continue { lesson: usize, step: usize },
    Section(Screen),
}

/// What Home shows of the student's progress (computed by the app when
/// progress changes, never per frame).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HomeProgress {
    /// Lessons of this set whose last step was seen.
    pub lessons_done: usize,
    pub lessons: usize,
    /// Mastery of each topic practised in quizzes.
    pub topics: Vec<TopicMastery>,
    /// Questions spaced repetition has due today.
    pub due_today: usize,
    /// Drill problems in the pool of missed ones.
    pub drill_missed: usize,
}

#[derive(Debug, Clone)]
pub struct HomePanel {
    set: Arc<LessonSet>,
    /// Where the student left off (lesson index, step), from saved progress.
    resume: Option<(usize, usize)>,
    pub selected: usize,
    pub progress: HomeProgress,
}

/// The completion moment: the status line when a lesson's last step is
/// reached for the first time (the last of a playlist, or of the course, says so).
pub fn completion(
    lang: Lang,
    set: &LessonSet,
    done: &[String],
    lesson: usize,
    playlist: &[usize],
) -> String {
    let title = set.lessons.get(lesson).map_or("", |l| l.title.get(lang));
    let total = set.lessons.len();
    let done_here = set.lessons.iter().filter(|l| done.contains(&l.id)).count();
    if done_here >= total {
        tf(lang, "home.done.all", &[("title", title)])
    } else if playlist.len() > 1 && playlist.last() == Some(&lesson) {
        tf(
            lang,
            "home.done.playlist",
            &[("title", title), ("n", &playlist.len().to_string())],
        )
    } else {
        tf(
            lang,
            "home.done.lesson",
            &[
                ("title", title),
                ("done", &done_here.to_string()),
                ("total", &total.to_string()),
            ],
        )
    }
}

/// Lines of the progress block: lessons done, what is due, and mastery per
/// topic (as bars when `rows` allow one per topic, else in one wrapped line).
fn progress_lines(
    p: &HomeProgress,
    max: usize,
    rows: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let (theme, lang) = (ctx.theme, ctx.lang);
    let mut lines = vec![Line::from(Span::styled(
        t(lang, "home.progress").to_string(),
        theme.bold,
    ))];
    let mut summary = vec![tf(
        lang,
        "home.lessons_done",
        &[
            ("done", &p.lessons_done.to_string()),
            ("total", &p.lessons.to_string()),
        ],
    )];
    summary.push(tf(lang, "home.due", &[("n", &p.due_today.to_string())]));
    if p.drill_missed > 0 {
        summary.push(tf(
            lang,
            "home.drill_missed",
            &[("n", &p.drill_missed.to_string())],
        ));
    }
    let style = if p.due_today > 0 {
        theme.warn
    } else {
        theme.base
    };
    lines.extend(super::text::wrap(
        &[(summary.join(" · "), style)],
        max,
        ("", style),
        ("", style),
    ));
    if p.topics.is_empty() {
        lines.extend(super::text::wrap(
            &[(t(lang, "home.no_quiz").to_string(), theme.muted)],
            max,
            ("", theme.muted),
            ("", theme.muted),
        ));
        return lines;
    }
    let percent = |m: &TopicMastery| (m.strength * 100.0).round() as u32;
    if rows >= lines.len() + p.topics.len() {
        let cells = max.saturating_sub(24).clamp(8, 30);
        for m in &p.topics {
            lines.push(super::quiz::topic_bar(m, cells, "  ", "", ctx));
        }
    } else {
        let compact: Vec<String> = p
            .topics
            .iter()
            .map(|m| format!("{} {}%", m.topic.name(), percent(m)))
            .collect();
        let text = tf(lang, "home.mastery", &[("topics", &compact.join(" · "))]);
        lines.extend(super::text::wrap(
            &[(text, theme.base)],
            max,
            ("", theme.base),
            ("  ", theme.base),
        ));
    }
    lines
}

impl HomePanel {
    pub fn new(set: Arc<LessonSet>) -> HomePanel {
        HomePanel {
            set,
            resume: None,
            selected: 0,
            progress: HomeProgress::default(),
        }
    }

    /// Lessons done, mastery per topic and what is due, for the progress block.
    pub fn set_progress(&mut self, progress: HomeProgress) {
        self.progress = progress;
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

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        HomePanel::new(std::sync::Arc::clone(&init.lessons))
    }

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
        let rows = usize::from(inner.height).saturating_sub(lines.len() + 1);
        if rows >= 2 {
            lines.push(Line::default());
            lines.extend(progress_lines(&self.progress, max, rows, ctx));
        }
        Paragraph::new(lines).render(inner, buf);
    }
}
