//! The vocabulary of the UI: the sections (`Screen`), generic navigation
//! (`Nav`), every message (`Msg`) and what arrives on the event channel
//! (`AppEvent`).

use ratatui::crossterm::event::Event;

use super::handshake::RealCaptured;
use super::labs::LabWake;
pub use super::registry::{PanelMsg, Screen};
use crate::lesson::PanelArg;

/// Generic navigation, interpreted by the current screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Up,
    Down,
    /// Next step (Space, →, PageDown: what presentation clickers send).
    Next,
    /// Previous step (←, PageUp).
    Prev,
    First,
    Last,
    Enter,
    NextPane,
    PrevPane,
}

/// Everything that can happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Quit,
    ToggleHelp,
    Back,
    ToggleLang,
    Export,
    Nav(Nav),
    Open(Screen),
    /// Open a panel in a given, already parsed state (a lesson step's link,
    /// another panel).
    OpenArg(PanelArg),
    /// Open the lesson reader at `lesson`, `step` (home's "continue").
    OpenLesson {
        lesson: usize,
        step: usize,
    },
    /// The reader moved to `lesson`, `step`: progress is saved.
    LessonAt {
        lesson: usize,
        step: usize,
    },
    /// `/`: search the lessons (on the Lessons screen) or the glossary.
    Search,
    /// Presentation mode on/off.
    TogglePresent,
    /// Hide the tab and key bars so the panel fills the screen.
    ToggleZoom,
    /// Blank the screen (presenter); any key brings it back.
    ToggleBlank,
    Click {
        column: u16,
        row: u16,
    },
    /// A panel's own message (from its key table), for the panel of its screen.
    Panel(PanelMsg),
}

/// A background result, typed by the work that produced it: a panel matches
/// the variant it started, so a renamed field is a compile error.
#[derive(Debug)]
pub enum Job {
    /// A lab run has new events in its queue (Labs panel).
    LabWake(LabWake),
    /// The real handshake capture ended (Handshake panel).
    HandshakeCaptured(RealCaptured),
    /// A scenario ran in the virtual network (LAN / ARP panel).
    LanReal(crate::ui::lan::real::LanRealRun),
    /// The running scenario has streamed frames or kernel changes into the
    /// panel's queue (`LiveRun::queue`).
    LanLive,
}

impl From<crate::ui::lan::real::LanRealRun> for Job {
    fn from(run: crate::ui::lan::real::LanRealRun) -> Job {
        Job::LanReal(run)
    }
}

impl From<LabWake> for Job {
    fn from(wake: LabWake) -> Job {
        Job::LabWake(wake)
    }
}

impl From<RealCaptured> for Job {
    fn from(captured: RealCaptured) -> Job {
        Job::HandshakeCaptured(captured)
    }
}

/// What arrives on the app's one channel.
#[derive(Debug)]
pub enum AppEvent {
    /// Terminal input (keys, mouse, resize, paste, focus).
    Input(Event),
    /// A background result for the panel of that screen.
    Job(Screen, Job),
    /// SIGTERM, SIGHUP or SIGINT: quit cleanly.
    Signal(i32),
    /// A presenter console's key, or consoles came or went.
    Console(crate::presenter::hub::HubEvent),
}
