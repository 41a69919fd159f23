//! The Lessons section: the lesson list, the step reader, and search across
//! every step (`/`, over an index built once per lesson set).

mod index;
mod view;

use crate::ui::msg::PanelMsg;
use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};

pub use self::index::{SearchHit, SearchIndex};
use super::keymap::{Binding, Key};
use super::msg::{Msg, Nav};
use super::panel::{Ctx, Panel, RenderCtx, TextInput};
use super::search::{SearchBox, SearchKey};
use crate::i18n::t;
use crate::lesson::{LessonSet, Step};

/// The lesson reader's own messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonsMsg {
    /// Open the panel the current step is bound to.
    OpenStepPanel,
    ToggleNotes,
    /// Show or hide a practice step's answer.
    ToggleAnswer,
}

/// The lesson reader's own keys (the answer key last: see [`Panel::keys`]).
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[Key::Char('o')],
        msg: Msg::Panel(PanelMsg::Lessons(LessonsMsg::OpenStepPanel)),
        help: "lessons.key.open_panel",
    },
    Binding {
        keys: &[Key::Char('n')],
        msg: Msg::Panel(PanelMsg::Lessons(LessonsMsg::ToggleNotes)),
        help: "lessons.key.notes",
    },
    Binding {
        keys: &[Key::Char('a')],
        msg: Msg::Panel(PanelMsg::Lessons(LessonsMsg::ToggleAnswer)),
        help: "lessons.key.answer",
    },
];

/// Where the student is in the lessons.
#[derive(Debug, Clone)]
pub struct LessonsView {
    set: Arc<LessonSet>,
    /// Built at the first search (`/`), shared by clones of the view.
    index: Arc<std::sync::OnceLock<SearchIndex>>,
    /// Highlighted row of the list.
    pub selected: usize,
    /// The lesson being read (None: the list has focus).
    pub open: Option<usize>,
    pub step: usize,
    /// Lines scrolled in the step body.
    pub scroll: u16,
    pub show_notes: bool,
    /// The practice step's answer is shown (hidden again on another step).
    pub show_answer: bool,
    /// While presenting, `n` was pressed once: the next `n` shows the notes.
    notes_asked: bool,
    /// Lessons to play back to back (`--lesson a,b`); empty: all, in order.
    pub playlist: Vec<usize>,
    /// Search across every step (`/`), open while typing.
    pub search: Option<SearchBox>,
    /// Results of the current query (computed when it changes, not per draw).
    hits: Vec<SearchHit>,
    /// The step body at the last draw: (scroll shown, largest scroll, rows);
    /// a clicker's page down/up uses it.
    page: std::cell::Cell<(usize, usize, usize)>,
}

/// Width from which the list stays beside the reader.
const SIDE_BY_SIDE: u16 = super::layout::LESSONS_SIDE_BY_SIDE;

impl LessonsView {
    /// The reader over `set`; the search index is built at the first search.
    pub fn new(set: Arc<LessonSet>) -> LessonsView {
        LessonsView {
            set,
            index: Arc::default(),
            selected: 0,
            open: None,
            step: 0,
            scroll: 0,
            show_notes: false,
            show_answer: false,
            notes_asked: false,
            playlist: Vec::new(),
            search: None,
            hits: Vec::new(),
            page: std::cell::Cell::new((0, 0, 0)),
        }
    }

    /// Opens `lesson` at `step` (clamped when the lesson is drawn).
    pub fn open_lesson(&mut self, lesson: usize, step: usize) {
        self.open = Some(lesson);
        self.selected = lesson;
        self.step = step;
        self.scroll = 0;
    }

    /// Plays `list` back to back, from its first lesson.
    pub fn start_playlist(&mut self, list: Vec<usize>) {
        if let Some(&first) = list.first() {
            self.open_lesson(first, 0);
        }
        self.playlist = list;
    }

    /// (lesson, step) being read.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.open.map(|l| (l, self.step))
    }

    pub fn current_step(&self) -> Option<&Step> {
        let lesson = self.set.lessons.get(self.open?)?;
        lesson
            .steps
            .get(self.step.min(lesson.steps.len().saturating_sub(1)))
    }

    /// A clicker's page down (up) through a step longer than the screen: true
    /// when it scrolled, false at the end (top) of the step as last drawn.
    pub fn page(&mut self, forward: bool) -> bool {
        let (shown, last, rows) = self.page.get();
        // A page keeps one line of the previous one (and the "↓ more" row).
        let by = rows.saturating_sub(2).max(1);
        let to = if forward && shown < last {
            (shown + by).min(last)
        } else if !forward && shown > 0 {
            shown.saturating_sub(by)
        } else {
            return false;
        };
        self.scroll = u16::try_from(to).unwrap_or(u16::MAX);
        self.page.set((to, last, rows));
        true
    }

    /// The last step of the last lesson (of the playlist): nothing follows.
    pub fn at_last_step(&self) -> bool {
        let Some(lesson) = self.open else {
            return false;
        };
        let steps = self.set.lessons.get(lesson).map_or(0, |l| l.steps.len());
        self.step + 1 >= steps && self.neighbour(lesson, true).is_none()
    }

    /// Shows the end of the step (a lecture walking backwards arrives there).
    pub fn scroll_to_end(&mut self) {
        self.scroll = u16::MAX;
        let (_, last, rows) = self.page.get();
        self.page.set((last, last, rows));
    }

    /// Scroll metrics of the step at the last draw: (shown, largest, rows).
    pub fn page_metrics(&self) -> (usize, usize, usize) {
        self.page.get()
    }

    /// The results of the open search.
    pub fn hits(&self) -> &[SearchHit] {
        &self.hits
    }

    fn at(&self) -> Option<Msg> {
        self.position()
            .map(|(lesson, step)| Msg::LessonAt { lesson, step })
    }

    fn neighbour(&self, lesson: usize, forward: bool) -> Option<usize> {
        let set = &*self.set;
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
    fn move_by(&mut self, nav: Nav) -> bool {
        let set = std::sync::Arc::clone(&self.set);
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
                } else if let Some(next) = self.neighbour(lesson, true) {
                    self.open_lesson(next, 0);
                }
            }
            Nav::Prev => {
                if self.step > 0 {
                    self.step -= 1;
                } else if let Some(prev) = self.neighbour(lesson, false) {
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
            self.notes_asked = false;
            self.show_answer = false;
        }
        after != before
    }
}

impl Panel for LessonsView {
    type Msg = LessonsMsg;

    const KEYS: &'static [crate::ui::keymap::Binding] = KEYS;

    fn steps_forward(&self) -> bool {
        self.open.is_some()
    }

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        LessonsView::new(std::sync::Arc::clone(&init.lessons))
    }

    /// `a` (the last key) is offered only on a step with an answer.
    fn keys(&self) -> &'static [Binding] {
        if self.current_step().is_some_and(|s| s.answer.is_some()) {
            KEYS
        } else {
            &KEYS[..KEYS.len() - 1]
        }
    }

    fn update(&mut self, msg: LessonsMsg, ctx: &mut Ctx) -> Option<Msg> {
        match msg {
            LessonsMsg::OpenStepPanel => match self.current_step().and_then(|s| s.panel.clone()) {
                Some(link) => Some(Msg::OpenArg(link.open)),
                None => {
                    ctx.say(t(ctx.lang, "lessons.no_panel"));
                    None
                }
            },
            // With a presenter console attached the notes are on it, and
            // never on the projected screen.
            LessonsMsg::ToggleNotes if ctx.console => {
                self.show_notes = false;
                self.notes_asked = false;
                ctx.say(t(ctx.lang, "lessons.notes_on_console"));
                None
            }
            // While presenting, notes would be projected to the room: the
            // first `n` asks, a second one shows them.
            LessonsMsg::ToggleNotes if ctx.present && !self.show_notes && !self.notes_asked => {
                self.notes_asked = true;
                ctx.say(t(ctx.lang, "lessons.notes_ask"));
                None
            }
            LessonsMsg::ToggleNotes => {
                self.show_notes = !self.show_notes;
                self.notes_asked = false;
                None
            }
            LessonsMsg::ToggleAnswer => {
                if self.current_step().is_some_and(|s| s.answer.is_some()) {
                    self.show_answer = !self.show_answer;
                } else {
                    ctx.say(t(ctx.lang, "lessons.no_answer"));
                }
                None
            }
        }
    }

    fn nav(&mut self, nav: Nav, _ctx: &mut Ctx) -> Option<Msg> {
        if self.move_by(nav) { self.at() } else { None }
    }

    /// Esc: from the reader back to the list.
    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        self.open.take().is_some()
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        if self.search.is_some() && area.width < SIDE_BY_SIDE {
            self.render_list(area, buf, ctx);
            return;
        }
        match self.open {
            // A projected slide has the whole screen.
            Some(lesson) if area.width >= SIDE_BY_SIDE && !ctx.present => {
                let [list, reader] =
                    Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(area);
                self.render_list(list, buf, ctx);
                self.render_reader(lesson, reader, buf, ctx);
            }
            Some(lesson) => self.render_reader(lesson, area, buf, ctx),
            None => self.render_list(area, buf, ctx),
        }
    }

    fn search(&mut self, _ctx: &mut Ctx) -> bool {
        // The index is built now, at the first `/`, not when the tutor starts.
        index_of(&self.index, &self.set);
        self.search = Some(SearchBox::default());
        self.hits.clear();
        true
    }

    fn captures_text(&self) -> bool {
        self.search.is_some()
    }

    fn text_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> TextInput {
        let Some(search) = self.search.as_mut() else {
            return TextInput::Ignored;
        };
        match search.key(&key, self.hits.len()) {
            SearchKey::Changed => {
                self.hits = index_of(&self.index, &self.set).search(&self.set, search.query())
            }
            SearchKey::Moved => {}
            SearchKey::Full => ctx.say(t(ctx.lang, "status.field_full")),
            SearchKey::Cancel => self.search = None,
            SearchKey::Accept => {
                if let Some(hit) = self.hits.get(search.selected) {
                    let (lesson, step) = (hit.lesson, hit.step);
                    self.search = None;
                    self.hits.clear();
                    self.open_lesson(lesson, step);
                    return TextInput::Consumed(self.at());
                }
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
            self.hits = index_of(&self.index, &self.set).search(&self.set, search.query());
        }
        TextInput::Consumed(None)
    }
}

/// The search index over every step of `set`, built once, when first needed.
fn index_of<'a>(index: &'a std::sync::OnceLock<SearchIndex>, set: &LessonSet) -> &'a SearchIndex {
    index.get_or_init(|| SearchIndex::build(set))
}

/// Cutting to a number of cells lives in `ui::text` (kept here for the screens
/// that import it from this module).
pub use super::text::fit;
