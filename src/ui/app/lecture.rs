//! A lecture is one linear clicker sequence. While presenting, PageDown (any
//! "next" key) first pages through a long step, then opens the step's panel
//! (at the lesson's `step=`), steps through its animation, and past the last
//! animation step returns to the lesson and moves on; PageUp walks the same
//! path backwards (into the previous step's panel at its end, then its text).
//! Past the playlist's very end PageDown shows the end-of-lecture card
//! (`ui::present::end`); PageUp goes back from it.

use super::{App, Msg, Nav, Screen};
use crate::ui::panel::Ctx;

/// The lesson step whose panel the lecture opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Visit {
    lesson: usize,
    step: usize,
    screen: Screen,
    /// The animation step the lesson opened the panel at (PageUp stops there).
    start: usize,
}

impl App {
    /// The lessons of the lecture, in order: the playlist (`--lesson a,b`),
    /// or every lesson.
    pub fn lecture_lessons(&self) -> Vec<usize> {
        let playlist = &self.panels.reader.playlist;
        if playlist.is_empty() {
            (0..self.lessons.lessons.len()).collect()
        } else {
            playlist.clone()
        }
    }

    /// One clicker step forward or back while presenting.
    pub(super) fn lecture_nav(&mut self, forward: bool, ctx: &mut Ctx) -> Option<Msg> {
        let nav = if forward { Nav::Next } else { Nav::Prev };
        if self.lecture_end {
            self.lecture_end = forward;
            return None;
        }
        if let Some(visit) = self.lecture.filter(|v| v.screen == self.screen) {
            let panel = self.panels.get_mut(self.screen);
            let moves = panel
                .lecture_position()
                .is_some_and(|(at, last)| if forward { at < last } else { at > visit.start });
            if moves {
                return panel.nav(nav, ctx);
            }
            // The playlist's very last panel step: the lecture is over.
            if forward && self.panels.reader.at_last_step() {
                self.lecture_end = true;
                return None;
            }
            let panel = self.panels.get_mut(self.screen);
            // Past the animation: back to the lesson, on to its next step (or,
            // going back, to the end of this step's text).
            self.lecture = None;
            panel.leave(ctx);
            self.screen = Screen::Lessons;
            if self.history.last() == Some(&Screen::Lessons) {
                self.history.pop();
            }
            let reader = &mut self.panels.reader;
            reader.open_lesson(visit.lesson, visit.step);
            if !forward {
                reader.scroll_to_end();
                return None;
            }
            return reader_nav(self, Nav::Next, ctx);
        }
        self.lecture = None;
        if self.screen != Screen::Lessons || self.panels.reader.open.is_none() {
            return self.panels.get_mut(self.screen).nav(nav, ctx);
        }
        if self.panels.reader.page(forward) {
            return None;
        }
        if forward {
            if self.open_step_panel(false, ctx) {
                return None;
            }
            if self.panels.reader.at_last_step() {
                self.lecture_end = true;
                return None;
            }
            return reader_nav(self, Nav::Next, ctx);
        }
        // Back: the previous step, entered at its end (its panel's last step
        // when it has one, else the end of its text).
        let before = self.panels.reader.position();
        let follow = reader_nav(self, Nav::Prev, ctx);
        if self.panels.reader.position() == before {
            return follow;
        }
        self.panels.reader.scroll_to_end();
        self.open_step_panel(true, ctx);
        follow
    }

    /// Opens the current step's panel for the lecture (at its last animation
    /// step when `at_end`); false when the step has none.
    fn open_step_panel(&mut self, at_end: bool, ctx: &mut Ctx) -> bool {
        let reader = &self.panels.reader;
        let (Some((lesson, step)), Some(link)) = (
            reader.position(),
            reader.current_step().and_then(|s| s.panel.clone()),
        ) else {
            return false;
        };
        let Some(screen) =
            Some(Screen::for_panel(link.open.panel())).filter(|s| *s != Screen::Lessons)
        else {
            return false;
        };
        self.go(screen, ctx);
        let start = self.with_panel(screen, |p, pctx| {
            p.open(&link.open, pctx);
            let start = p.lecture_position().map_or(0, |(at, _)| at);
            if at_end {
                p.nav(Nav::Last, pctx);
            }
            start
        });
        self.lecture = Some(Visit {
            lesson,
            step,
            screen,
            start,
        });
        true
    }
}

fn reader_nav(app: &mut App, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
    use crate::ui::panel::PanelDyn as _;
    app.panels.reader.nav(nav, ctx)
}
