//! What every section panel provides to the app, and what the app lends it.

use std::sync::mpsc::Sender;
use std::time::Instant;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use super::keymap::Binding;
use super::msg::{AppEvent, Job, Msg, Nav, Screen};
use super::theme::Theme;
use crate::i18n::Lang;
use crate::lesson::{LessonSet, PanelArg};
use crate::store::Store;

/// What every panel is built from (see [`Panel::create`]).
#[derive(Clone)]
pub struct PanelInit {
    /// The lessons, glossary, curriculum and quiz bank in use.
    pub lessons: Arc<LessonSet>,
    /// Where progress is kept (None when it cannot be).
    pub store: Option<Store>,
    /// Where `w` writes pcaps (`--export-dir`; else the current directory).
    pub export_dir: Option<PathBuf>,
}

/// Read-only context for drawing.
pub struct RenderCtx<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    /// Projection mode: bigger, sparser, no autoplay.
    pub present: bool,
}

/// Hands background results back to the panel that started the work, through the
/// app's one event channel.
#[derive(Debug, Clone)]
pub struct JobSink {
    tx: Sender<AppEvent>,
    screen: Screen,
}

impl JobSink {
    pub fn new(tx: Sender<AppEvent>, screen: Screen) -> JobSink {
        JobSink { tx, screen }
    }

    /// Sends `job` to the panel's [`Panel::job`]. Returns false when the app
    /// has gone (the worker should stop).
    pub fn send(&self, job: impl Into<Job>) -> bool {
        self.tx.send(AppEvent::Job(self.screen, job.into())).is_ok()
    }
}

/// What a worker produces faster than the UI draws: queued here, and only
/// the first item after each drain wakes the panel (the caller sends the
/// wake-up when [`WakeQueue::push`] says so). So a burst costs one redraw,
/// no item waits without a wake-up on its way, and an idle worker costs
/// nothing.
#[derive(Debug)]
pub struct WakeQueue<T>(Arc<Mutex<Vec<T>>>);

impl<T> Default for WakeQueue<T> {
    fn default() -> Self {
        WakeQueue(Arc::default())
    }
}

impl<T> Clone for WakeQueue<T> {
    fn clone(&self) -> Self {
        WakeQueue(Arc::clone(&self.0))
    }
}

impl<T> WakeQueue<T> {
    /// Queues `item`; true when the queue was empty (wake the panel).
    pub fn push(&self, item: T) -> bool {
        let mut items = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        items.push(item);
        items.len() == 1
    }

    /// Takes what was queued since the last call.
    pub fn take(&self) -> Vec<T> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Mutable context for updates.
pub struct Ctx {
    pub lang: Lang,
    pub present: bool,
    /// A presenter console is attached (the speaker notes are on it).
    pub console: bool,
    /// A one-line message for the status bar.
    pub status: Option<String>,
    /// Where a panel's background work reports back.
    pub jobs: JobSink,
    /// "Now" from the app's clock (tests advance it; see `ui::clock`).
    pub now: Instant,
}

impl Ctx {
    /// A context outside the app (tests, benches): not presenting, the system
    /// clock's "now".
    pub fn new(lang: Lang, jobs: JobSink) -> Ctx {
        Ctx {
            lang,
            present: false,
            console: false,
            status: None,
            jobs,
            now: Instant::now(),
        }
    }

    pub fn say(&mut self, message: impl Into<String>) {
        self.status = Some(message.into());
    }
}

/// What a panel did with a typed key while it takes text.
#[derive(Debug, Clone, PartialEq)]
pub enum TextInput {
    /// The panel used the key (and may ask for a follow-up message).
    Consumed(Option<Msg>),
    /// Not a text key: let the keymap handle it.
    Ignored,
}

/// A screen of the tutor: Home, Lessons, OSI, LAN, Handshake, Subnet, Labs,
/// Quiz, Glossary. The app reaches each through [`PanelDyn`] (every method but
/// `update`), so no screen is a special case.
pub trait Panel {
    /// The panel's own messages (`Msg::Panel(PanelMsg::<Screen>(…))` in its
    /// key table).
    type Msg: std::fmt::Debug + Clone + PartialEq;

    /// The panel's key table (without the global keys); the help overlay and
    /// the hint bar are generated from it.
    const KEYS: &'static [Binding] = &[];

    /// Builds the panel when the app starts.
    fn create(init: &PanelInit) -> Self
    where
        Self: Sized;

    /// The key table as the hint bar should show it now (a panel may reorder
    /// [`Panel::KEYS`] by what is open, or leave out keys that do nothing in
    /// what is open; every key of `KEYS` still works).
    fn keys(&self) -> &'static [Binding] {
        Self::KEYS
    }

    /// Handles one of its own messages; may return a follow-up app message.
    fn update(&mut self, msg: Self::Msg, ctx: &mut Ctx) -> Option<Msg>;

    /// Generic navigation (arrows, Enter, Tab, Next/Prev step, First/Last).
    fn nav(&mut self, _nav: Nav, _ctx: &mut Ctx) -> Option<Msg> {
        None
    }

    /// True when → / ← (next / previous step) is the way forward on this
    /// screen as it is now (a lesson being read): the hint bar then always
    /// names it, even when the panel's own keys fill the bar.
    fn steps_forward(&self) -> bool {
        false
    }

    /// Esc/Backspace: return true when the panel used it (e.g. left an input
    /// field), false to let the app go back to the previous screen.
    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        false
    }

    /// Draws the panel; a pure function of its state.
    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx);

    /// Opens the panel in the state a lesson step asks for. `arg` was parsed by
    /// the panel's own parser (`lesson::panel::PanelArg::parse`, the same one
    /// `lessons check` uses), so opening cannot fail; another panel's variant is
    /// ignored.
    fn open(&mut self, _arg: &PanelArg, _ctx: &mut Ctx) {}

    /// True while an animation plays or a lab runs: the app then sends ticks.
    fn wants_ticks(&self) -> bool {
        false
    }

    /// One animation tick (every `ui::TICK` while [`Panel::wants_ticks`]):
    /// moves the animation and answers whether anything drawn changed. The
    /// loop redraws only then, so a countdown that shows seconds costs one
    /// frame a second, not twenty.
    fn tick(&mut self, _ctx: &mut Ctx) -> bool {
        false
    }

    /// True while the panel takes typed text (printable keys go to `text_key`).
    fn captures_text(&self) -> bool {
        false
    }

    /// A key while [`Panel::captures_text`] is true. The app gives it every key
    /// first; a printable key the panel ignores is dropped, never a global
    /// binding (so `q` types a q).
    fn text_key(&mut self, _key: KeyEvent, _ctx: &mut Ctx) -> TextInput {
        TextInput::Ignored
    }

    /// Bracketed paste while taking text: `text` is one line, already cut to
    /// `field::MAX_TEXT` characters by the app. By default each character is
    /// typed through [`Panel::text_key`]; a panel with a [`super::field::TextField`]
    /// can take it in one go.
    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> TextInput {
        let mut follow = None;
        for c in text.chars() {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            if let TextInput::Consumed(Some(m)) = self.text_key(key, ctx) {
                follow = Some(m);
            }
        }
        TextInput::Consumed(follow)
    }

    /// `/`: opens the panel's own search; false when it has none (the app
    /// then opens the glossary's).
    fn search(&mut self, _ctx: &mut Ctx) -> bool {
        false
    }

    /// A result of background work started by this panel (see [`JobSink`]).
    fn job(&mut self, _job: Job, _ctx: &mut Ctx) {}

    /// `w`: write the panel's frames as pcap. `None` when there is nothing to
    /// write here; otherwise the path written or the error.
    fn export(&mut self, _ctx: &mut Ctx) -> Option<Result<String, String>> {
        None
    }

    /// The screen is left: stop what should not run unseen.
    fn leave(&mut self, _ctx: &mut Ctx) {}

    /// Where the panel's animation is, for a lecture stepped with a clicker:
    /// (step shown, last step); `Nav::Next`/`Prev`/`Last` move it. `None`:
    /// nothing to step through (the lecture goes on at the next lesson step).
    fn lecture_position(&self) -> Option<(usize, usize)> {
        None
    }
}

/// [`Panel`] without its message type, so the app can hold every screen behind
/// one lookup (`&mut dyn PanelDyn`). Implemented for every `Panel`.
pub trait PanelDyn {
    fn keys(&self) -> &'static [Binding];
    fn nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg>;
    fn back(&mut self, ctx: &mut Ctx) -> bool;
    fn steps_forward(&self) -> bool;
    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx);
    fn open(&mut self, arg: &PanelArg, ctx: &mut Ctx);
    fn wants_ticks(&self) -> bool;
    fn tick(&mut self, ctx: &mut Ctx) -> bool;
    fn captures_text(&self) -> bool;
    fn text_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> TextInput;
    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> TextInput;
    fn search(&mut self, ctx: &mut Ctx) -> bool;
    fn job(&mut self, job: Job, ctx: &mut Ctx);
    fn export(&mut self, ctx: &mut Ctx) -> Option<Result<String, String>>;
    fn leave(&mut self, ctx: &mut Ctx);
    fn lecture_position(&self) -> Option<(usize, usize)>;
}

impl<P: Panel> PanelDyn for P {
    fn keys(&self) -> &'static [Binding] {
        Panel::keys(self)
    }
    fn nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
        Panel::nav(self, nav, ctx)
    }
    fn back(&mut self, ctx: &mut Ctx) -> bool {
        Panel::back(self, ctx)
    }
    fn steps_forward(&self) -> bool {
        Panel::steps_forward(self)
    }
    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        Panel::render(self, area, buf, ctx)
    }
    fn open(&mut self, arg: &PanelArg, ctx: &mut Ctx) {
        Panel::open(self, arg, ctx)
    }
    fn wants_ticks(&self) -> bool {
        Panel::wants_ticks(self)
    }
    fn tick(&mut self, ctx: &mut Ctx) -> bool {
        Panel::tick(self, ctx)
    }
    fn captures_text(&self) -> bool {
        Panel::captures_text(self)
    }
    fn text_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> TextInput {
        Panel::text_key(self, key, ctx)
    }
    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> TextInput {
        Panel::paste(self, text, ctx)
    }
    fn search(&mut self, ctx: &mut Ctx) -> bool {
        Panel::search(self, ctx)
    }
    fn job(&mut self, job: Job, ctx: &mut Ctx) {
        Panel::job(self, job, ctx)
    }
    fn export(&mut self, ctx: &mut Ctx) -> Option<Result<String, String>> {
        Panel::export(self, ctx)
    }
    fn leave(&mut self, ctx: &mut Ctx) {
        Panel::leave(self, ctx)
    }
    fn lecture_position(&self) -> Option<(usize, usize)> {
        Panel::lecture_position(self)
    }
}
