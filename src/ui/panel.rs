//! What every section panel provides to the app, and what the app lends it.

use std::any::Any;
use std::sync::mpsc::Sender;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::app::{AppEvent, Msg, Nav, Screen};
use super::theme::Theme;
use crate::i18n::Lang;
use crate::lesson::PanelArg;

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

    /// Sends `payload` to the panel's [`Panel::job`]. Returns false when the app
    /// has gone (the worker should stop).
    pub fn send<T: Any + Send>(&self, payload: T) -> bool {
        self.tx
            .send(AppEvent::Job(self.screen, Box::new(payload)))
            .is_ok()
    }
}

/// Mutable context for updates.
pub struct Ctx {
    pub lang: Lang,
    pub present: bool,
    /// A one-line message for the status bar.
    pub status: Option<String>,
    /// Where a panel's background work reports back.
    pub jobs: JobSink,
}

impl Ctx {
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

/// A section of the tutor (OSI, LAN, Handshake, Subnet, Labs, Quiz).
pub trait Panel {
    /// The panel's own messages (`Msg::<Panel>(…)` in the keymap).
    type Msg;

    /// Handles one of its own messages; may return a follow-up app message.
    fn update(&mut self, msg: Self::Msg, ctx: &mut Ctx) -> Option<Msg>;

    /// Generic navigation (arrows, Enter, Tab, Next/Prev step, First/Last).
    fn nav(&mut self, _nav: Nav, _ctx: &mut Ctx) -> Option<Msg> {
        None
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

    fn tick(&mut self, _ctx: &mut Ctx) {}

    /// True while the panel takes typed text (printable keys go to `text_key`).
    fn captures_text(&self) -> bool {
        false
    }

    fn text_key(&mut self, _key: KeyEvent, _ctx: &mut Ctx) -> TextInput {
        TextInput::Ignored
    }

    /// A result of background work started by this panel (see [`JobSink`]).
    fn job(&mut self, _payload: Box<dyn Any + Send>, _ctx: &mut Ctx) {}

    /// `w`: write the panel's frames as pcap. `None` when there is nothing to
    /// write here; otherwise the path written or the error.
    fn export(&mut self, _ctx: &mut Ctx) -> Option<Result<String, String>> {
        None
    }

    /// The screen is left: stop what should not run unseen.
    fn leave(&mut self, _ctx: &mut Ctx) {}
}
