//! Handouts: the lessons of a playlist as pages students can read after class
//! (`nettutor lessons export --html DIR` / `--md DIR`). One index (every
//! lesson and step title, linked) and one page per lesson: a lesson is what a
//! class covers, prints on its own, and a whole course on one page would be
//! megabytes of panel pictures. Every step's title and body are there, and for
//! a step with a panel the panel's static picture: the text the panel draws
//! when the step opens it, drawn into a buffer exactly as on screen. Speaker
//! notes are not (they hold the expected answers); a practice step's answer
//! is, folded away below the exercise.

pub mod html;
pub mod markdown;

use std::sync::mpsc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::Options;
use super::app::{App, Msg, Screen};
use super::panel::RenderCtx;
use super::theme::{Theme, ThemeName};
use crate::i18n::{Lang, t, tf};
use crate::lesson::{LessonSet, PanelLink};

/// The size a panel picture is drawn at: the smallest projector size, which
/// also fits a printed page in a small monospace font.
pub const PICTURE: (u16, u16) = (100, 30);

/// Which kind of pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
        }
    }
}

/// One step as the handout shows it.
#[derive(Debug, Clone)]
pub struct StepPage {
    pub title: String,
    /// The body's light markup (see [`crate::lesson::markup`]).
    pub body: String,
    /// A practice step's answer (markup), folded away in the pages.
    pub answer: Option<String>,
    /// "Subnet panel: 192.168.21.36/24" and the rows the panel draws.
    pub picture: Option<(String, Vec<String>)>,
}

/// One lesson of the handout.
#[derive(Debug, Clone)]
pub struct LessonPage {
    /// Its number in the course (as the lesson list shows it).
    pub number: usize,
    pub id: String,
    pub title: String,
    pub summary: String,
    pub steps: Vec<StepPage>,
}

impl LessonPage {
    /// The page's file name, `07-subnet-mask.html`.
    pub fn file(&self, format: Format) -> String {
        format!("{:02}-{}.{}", self.number, self.id, format.extension())
    }
}

/// The handout of `lessons` (indices into `set`, in playlist order) in `lang`.
pub fn build(set: &LessonSet, lessons: &[usize], lang: Lang) -> Vec<LessonPage> {
    let mut painter = Painter::new(set, lang);
    lessons
        .iter()
        .filter_map(|&i| {
            let lesson = set.lessons.get(i)?;
            let steps = lesson
                .steps
                .iter()
                .map(|step| StepPage {
                    title: step.title.get(lang).to_string(),
                    body: step.body.get(lang).to_string(),
                    answer: step.answer.as_ref().map(|a| a.get(lang).to_string()),
                    picture: step.panel.as_ref().and_then(|link| painter.picture(link)),
                })
                .collect();
            Some(LessonPage {
                number: i + 1,
                id: lesson.id.clone(),
                title: lesson.title.get(lang).to_string(),
                summary: lesson.summary.get(lang).to_string(),
                steps,
            })
        })
        .collect()
}

/// The files of the handout, (name, contents): the index first.
pub fn files(pages: &[LessonPage], lang: Lang, format: Format) -> Vec<(String, String)> {
    let index = match format {
        Format::Html => html::index(pages, lang),
        Format::Markdown => markdown::index(pages, lang),
    };
    let mut files = vec![(format!("index.{}", format.extension()), index)];
    for (i, page) in pages.iter().enumerate() {
        let around = (
            i.checked_sub(1).and_then(|p| pages.get(p)),
            pages.get(i + 1),
        );
        let text = match format {
            Format::Html => html::lesson(page, around, lang),
            Format::Markdown => markdown::lesson(page, around, lang),
        };
        files.push((page.file(format), text));
    }
    files
}

/// The handout's title, the footer line.
fn heading(lang: Lang) -> String {
    format!("nettutor — {}", t(lang, "handout.title"))
}

fn footer(lang: Lang) -> String {
    tf(
        lang,
        "handout.footer",
        &[("version", env!("CARGO_PKG_VERSION"))],
    )
}

/// Draws panels as the tutor does, off screen.
struct Painter {
    app: App,
    lang: Lang,
    theme: Theme,
}

impl Painter {
    fn new(set: &LessonSet, lang: Lang) -> Painter {
        let opts = Options {
            lang,
            theme: Some(ThemeName::Mono),
            ..Options::default()
        };
        let theme = Theme::load(ThemeName::Mono).unwrap_or_else(|_| Theme::fallback());
        // Nothing runs the app's background work: a lab panel shows its form.
        let (tx, _) = mpsc::channel();
        let app = App::new(&opts, theme.clone(), set.clone(), None, tx);
        Painter { app, lang, theme }
    }

    /// The caption and rows of `link`'s panel as the step opens it; None for
    /// a link to another lesson.
    fn picture(&mut self, link: &PanelLink) -> Option<(String, Vec<String>)> {
        let screen = Screen::for_panel(link.open.panel());
        if screen == Screen::Lessons {
            return None;
        }
        self.app.update(Msg::OpenArg(link.open.clone()));
        let (w, h) = PICTURE;
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        let ctx = RenderCtx {
            lang: self.lang,
            theme: &self.theme,
            present: false,
        };
        self.app.panel(screen).render(area, &mut buf, &ctx);
        let caption = tf(
            self.lang,
            "handout.panel",
            &[
                ("panel", t(self.lang, &format!("tab.{}", link.panel.name()))),
                ("arg", &link.arg),
            ],
        );
        Some((caption, rows(&buf)))
    }
}

/// The text of `buf`, one string a row without trailing spaces; a double
/// width character stands for the two cells it covers.
pub fn rows(buf: &Buffer) -> Vec<String> {
    let area = buf.area;
    let mut out = Vec::new();
    for y in area.top()..area.bottom() {
        let mut row = String::new();
        let mut covered = 0usize;
        for x in area.left()..area.right() {
            let symbol = buf[(x, y)].symbol();
            if covered > 0 {
                covered -= 1;
                continue;
            }
            row.push_str(symbol);
            covered = super::text::width(symbol).saturating_sub(1);
        }
        out.push(row.trim_end().to_string());
    }
    // Blank rows at the bottom say nothing.
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_double_width_characters_once() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 2));
        buf.set_string(0, 0, "网络 ab", ratatui::style::Style::default());
        assert_eq!(rows(&buf), vec!["网络 ab".to_string()]);
    }
}
