//! The vocabulary of the UI: the sections (`Screen`), generic navigation
//! (`Nav`), every message (`Msg`) and what arrives on the event channel
//! (`AppEvent`).

use ratatui::crossterm::event::Event;

use super::check::CheckMsg;
use super::handshake::{HandshakeMsg, RealCaptured};
use super::labs::{LabWake, LabsMsg};
use super::lan::LanMsg;
use super::lessons::LessonsMsg;
use super::osi::OsiMsg;
use super::quiz::QuizMsg;
use super::subnet::SubnetMsg;
use crate::lesson::{PanelArg, PanelId};

/// The sections: the tabs in tab order, then the screens without a tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Home,
    Lessons,
    Osi,
    Lan,
    Handshake,
    Subnet,
    Labs,
    Quiz,
    Glossary,
    /// The student's `nettutor check` reports (no tab: opened from Labs with `c`,
    /// by `nettutor check --open`, or by a lesson link).
    Check,
}

impl Screen {
    /// The tabs, in order (a digit opens each).
    pub const ALL: &'static [Screen] = &[
        Screen::Home,
        Screen::Lessons,
        Screen::Osi,
        Screen::Lan,
        Screen::Handshake,
        Screen::Subnet,
        Screen::Labs,
        Screen::Quiz,
        Screen::Glossary,
    ];

    /// The ui.toml key of the tab title.
    pub fn title_key(self) -> &'static str {
        match self {
            Screen::Home => "tab.home",
            Screen::Lessons => "tab.lessons",
            Screen::Osi => "tab.osi",
            Screen::Lan => "tab.lan",
            Screen::Handshake => "tab.handshake",
            Screen::Subnet => "tab.subnet",
            Screen::Labs => "tab.labs",
            Screen::Quiz => "tab.quiz",
            Screen::Glossary => "tab.glossary",
            Screen::Check => "tab.check",
        }
    }

    /// The ui.toml key of the one-line description on the home screen.
    pub fn about_key(self) -> &'static str {
        match self {
            Screen::Home => "about.home",
            Screen::Lessons => "about.lessons",
            Screen::Osi => "about.osi",
            Screen::Lan => "about.lan",
            Screen::Handshake => "about.handshake",
            Screen::Subnet => "about.subnet",
            Screen::Labs => "about.labs",
            Screen::Quiz => "about.quiz",
            Screen::Glossary => "about.glossary",
            Screen::Check => "about.check",
        }
    }

    /// The digit that opens it.
    pub fn number(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn for_panel(panel: PanelId) -> Option<Screen> {
        Some(match panel {
            PanelId::Lessons => Screen::Lessons,
            PanelId::Osi => Screen::Osi,
            PanelId::Lan => Screen::Lan,
            PanelId::Handshake => Screen::Handshake,
            PanelId::Subnet => Screen::Subnet,
            PanelId::Labs => Screen::Labs,
            PanelId::Quiz => Screen::Quiz,
            PanelId::Glossary => Screen::Glossary,
            PanelId::Check => Screen::Check,
        })
    }
}

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
    /// Open a panel on an argument as a lesson writes it (`arg = "…"`): parsed
    /// by the panel's parser, then [`Msg::OpenArg`]; a refused one is reported.
    OpenPanel {
        panel: PanelId,
        arg: String,
    },
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
    Lessons(LessonsMsg),
    Osi(OsiMsg),
    Lan(LanMsg),
    Handshake(HandshakeMsg),
    Subnet(SubnetMsg),
    Labs(LabsMsg),
    Quiz(QuizMsg),
    Check(CheckMsg),
    /// Show a recorded lab run on the Labs screen as if it had just happened
    /// (a replay; the pictures are drawn from it exactly as from a live run).
    ShowLabRun(Box<super::labs::LabRun>),
}

/// A background result, typed by the work that produced it: a panel matches
/// the variant it started, so a renamed field is a compile error.
#[derive(Debug)]
pub enum Job {
    /// A lab run has new events in its queue (Labs panel).
    LabWake(LabWake),
    /// The real handshake capture ended (Handshake panel).
    HandshakeCaptured(RealCaptured),
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
}
