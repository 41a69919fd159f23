//! The Live socket labs section: pick one of the labs, edit its
//! parameters, predict, run it on a background thread and watch the kernel's
//! answer drawn live, then read the summary (en/zh) that compares the prediction
//! with what happened.
//!
//! The lab logic lives in `crate::lab`; this panel only drives it: a
//! [`worker::LabWorker`] runs `lab::run_lab` on its own thread and its events come
//! back through the app's channel; the pictures are pure functions of the
//! recorded events ([`LabRun`]).

mod chat;
mod control;
mod datagrams;
mod dhcp;
mod dns;
mod form;
mod http;
mod live;
mod loss;
mod picture;
mod run;
mod steps;
mod stream;
mod throughput;
mod timeline;
mod view;
mod worker;

use crate::ui::msg::PanelMsg;
use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

pub use self::form::{FormRow, PREDICT, ParamForm, Refusal};
use self::live::LiveSession;
pub use self::run::{LabRun, RunEnd};
pub use self::worker::LabWake;
use self::worker::LabWorker;
use super::app::{Msg, Nav};
use super::keymap::{Binding, Key};
use super::msg::Job;
use super::panel::{Ctx, Panel, RenderCtx, TextInput};
use crate::i18n::{t, tf};
use crate::lab::{LabName, LabParams, Side};
use crate::lesson::PanelArg;

/// Which part of the panel the arrows move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// The list of labs.
    #[default]
    List,
    /// The parameter form of the selected lab.
    Form,
}

/// State of the Live socket labs panel.
pub struct LabsPanel {
    /// Index of the selected lab in [`LabName::ALL`].
    pub selected: usize,
    pub focus: Focus,
    /// One form per lab, so edits survive moving through the list.
    pub forms: Vec<ParamForm>,
    /// The current or last run (of the selected lab).
    pub run: Option<LabRun>,
    worker: Option<LabWorker>,
    /// The interactive chat or time conversation, while it lasts.
    live: Option<LiveSession>,
    /// `s`: the summary takes the picture's place (small terminals).
    pub summary_only: bool,
    /// First summary line shown while `summary_only` (j/k scroll it).
    pub summary_scroll: usize,
    /// The largest useful `summary_scroll`, as of the last frame drawn.
    summary_last: Cell<usize>,
    /// Number of the next run (tells a stopped run's late wake-ups apart).
    next_run: u64,
    /// `f` on a finished dhcp run: the message shown in the packet inspector.
    pub frame: Option<usize>,
    /// Where `w` writes a run's frames (`--export-dir`).
    export_dir: Option<std::path::PathBuf>,
}

impl Default for LabsPanel {
    fn default() -> Self {
        LabsPanel {
            selected: 0,
            focus: Focus::List,
            forms: LabName::ALL
                .iter()
                .map(|lab| ParamForm::new(LabParams::defaults(*lab)))
                .collect(),
            run: None,
            worker: None,
            live: None,
            summary_only: false,
            summary_scroll: 0,
            summary_last: Cell::new(0),
            next_run: 1,
            frame: None,
            export_dir: None,
        }
    }
}

impl std::fmt::Debug for LabsPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabsPanel")
            .field("lab", &self.selected_lab())
            .field("focus", &self.focus)
            .field("running", &self.is_running())
            .finish_non_exhaustive()
    }
}

/// Messages of the Live socket labs panel.
#[derive(Debug, Clone, PartialEq)]
pub enum LabsMsg {
    /// Show a recorded lab run as if it had just happened (a replay; the
    /// pictures are drawn from it exactly as from a live run).
    ShowRun(Box<LabRun>),
    /// Run the selected lab with the form's parameters.
    Run,
    /// Stop the running lab.
    Stop,
    /// Type a prediction.
    Predict,
    /// Reset the selected lab's parameters.
    Defaults,
    /// chat and time: type into the server and client panes yourself.
    Talk,
    /// Switch between the picture and the whole summary.
    Summary,
    /// dhcp: the next message in the packet inspector (after the last: the picture).
    Frames,
}

/// The key that runs a lab (named in the panel's own hint line).
pub const RUN_KEY: char = 'r';

/// Keys of the Live socket labs panel.
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[Key::Char(RUN_KEY)],
        msg: Msg::Panel(PanelMsg::Labs(LabsMsg::Run)),
        help: "labs.key.run",
    },
    Binding {
        keys: &[Key::Char('x')],
        msg: Msg::Panel(PanelMsg::Labs(LabsMsg::Stop)),
        help: "labs.key.stop",
    },
    Binding {
        keys: &[Key::Char('p')],
        msg: Msg::Panel(PanelMsg::Labs(LabsMsg::Predict)),
        help: "labs.key.predict",
    },
    Binding {
        keys: &[Key::Char('s')],
        msg: Msg::Panel(PanelMsg::Labs(LabsMsg::Summary)),
        help: "labs.key.summary",
    },
    Binding {
        keys: &[Key::Char('d')],
        msg: Msg::Panel(PanelMsg::Labs(LabsMsg::Defaults)),
        help: "labs.key.defaults",
    },
    Binding {
        keys: &[Key::Char('f')],
        msg: Msg::Panel(PanelMsg::Labs(LabsMsg::Frames)),
        help: "labs.key.frames",
    },
    Binding {
        keys: &[Key::Char('i')],
        msg: Msg::Panel(PanelMsg::Labs(LabsMsg::Talk)),
        help: "labs.key.talk",
    },
    // The student's own programs, checked by `nettutor check` (src/ui/check).
    Binding {
        keys: &[Key::Char('c')],
        msg: Msg::OpenArg(PanelArg::Check(crate::lesson::panel::CheckArg {
            report: None,
        })),
        help: "labs.key.checks",
    },
];

/// The labs whose runs have frames to step through with `f` (errors: when
/// the refused connection could be captured).
pub const FRAME_LABS: &[LabName] = &[LabName::Dhcp, LabName::Errors];

/// The frames of a finished run that `f` steps through and `w` writes.
#[derive(Debug, Clone, Copy)]
pub enum RunFrames<'a> {
    /// dhcp: its messages, as the frames of a LAN.
    Dhcp(&'a [crate::lab::dhcp::DhcpMessage]),
    /// errors: the refused connection's segments, as captured on loopback.
    Refused(&'a crate::lab::errors::RefusedCapture),
}

impl RunFrames<'_> {
    pub fn len(&self) -> usize {
        match self {
            RunFrames::Dhcp(m) => m.len(),
            RunFrames::Refused(c) => c.frames.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frame `i`'s bytes.
    pub fn frame(&self, i: usize) -> Result<Vec<u8>, String> {
        match self {
            RunFrames::Dhcp(m) => {
                let m = m.get(i).ok_or_else(|| format!("no message {i}"))?;
                crate::lab::dhcp::wire::frame(m).map_err(|e| e.to_string())
            }
            RunFrames::Refused(c) => c
                .frames
                .get(i)
                .map(|(_, f)| f.clone())
                .ok_or_else(|| format!("no frame {i}")),
        }
    }

    /// Frame `i` in a few words, for the title above the inspector.
    pub fn line(&self, i: usize, lang: crate::i18n::Lang) -> String {
        match self {
            RunFrames::Dhcp(m) => m
                .get(i)
                .map(|m| crate::lab::dhcp::message_line(m, lang).trim().to_string())
                .unwrap_or_default(),
            RunFrames::Refused(c) => c
                .segments
                .get(i)
                .map(|s| format!("{} {} → {}", s.flags, s.src_port, s.dst_port))
                .unwrap_or_default(),
        }
    }

    /// The field the inspector selects first: what the frame is about.
    pub fn focus(&self) -> &'static str {
        match self {
            RunFrames::Dhcp(_) => "dhcp.option.dhcp",
            RunFrames::Refused(_) => "tcp.flags",
        }
    }

    /// The title's text (takes `{n}`, `{count}`, `{line}`).
    pub fn title_key(&self) -> &'static str {
        match self {
            RunFrames::Dhcp(_) => "labs.frames.title",
            RunFrames::Refused(_) => "labs.frames.title-captured",
        }
    }

    /// Every frame with its time, for `w`; and the file name's stem.
    pub fn pcap(&self) -> Result<(&'static str, crate::lab::capture::TimedFrames), String> {
        match self {
            RunFrames::Dhcp(m) => crate::lab::dhcp::wire::pcap_frames(m)
                .map(|f| ("nettutor-dhcp", f))
                .map_err(|e| e.to_string()),
            RunFrames::Refused(c) => Ok(("nettutor-errors-refused", c.frames.clone())),
        }
    }
}

/// [`KEYS`] without `f frames`: the hint bar of a lab with no frames.
static KEYS_WITHOUT_FRAMES: std::sync::LazyLock<Vec<Binding>> = std::sync::LazyLock::new(|| {
    KEYS.iter()
        .filter(|b| b.msg != Msg::Panel(PanelMsg::Labs(LabsMsg::Frames)))
        .cloned()
        .collect()
});

impl LabsPanel {
    pub fn selected_lab(&self) -> LabName {
        LabName::ALL
            .get(self.selected)
            .copied()
            .unwrap_or(LabName::Sticky)
    }

    pub fn form(&self) -> Option<&ParamForm> {
        self.forms.get(self.selected)
    }

    fn form_mut(&mut self) -> Option<&mut ParamForm> {
        self.forms.get_mut(self.selected)
    }

    /// True from the start of a run until its worker thread has been joined.
    pub fn is_running(&self) -> bool {
        self.worker.is_some() || self.live.is_some()
    }

    /// The pane being typed into and its text, during an interactive chat/time.
    pub fn typing(&self) -> Option<(Side, &str)> {
        self.live.as_ref().map(|l| (l.side, l.typing.as_str()))
    }

    /// True between a stop request and the end of the run.
    pub fn stopping(&self) -> bool {
        self.worker
            .as_ref()
            .is_some_and(LabWorker::cancel_requested)
    }

    /// Whether a worker thread exists and has not ended (tests: nothing left
    /// behind).
    pub fn worker_alive(&self) -> bool {
        self.worker.as_ref().is_some_and(LabWorker::is_alive)
            || self.live.as_ref().is_some_and(|l| !l.is_finished())
    }

    /// Shows a recorded run as if it had just happened (tests, replays).
    pub fn show_run(&mut self, run: LabRun) {
        if let Some(i) = LabName::ALL.iter().position(|l| *l == run.lab) {
            self.selected = i;
        }
        self.run = Some(run);
        self.frame = None;
    }

    /// The frames of the finished run, when its lab has them: dhcp's
    /// messages, or the errors lab's refused connection when it was captured.
    pub fn run_frames(&self) -> Option<RunFrames<'_>> {
        let run = self.run.as_ref().filter(|r| r.lab == self.selected_lab())?;
        match run.details()? {
            crate::lab::LabDetails::Dhcp(r) => Some(RunFrames::Dhcp(&r.messages)),
            crate::lab::LabDetails::Errors(r) if !r.capture.frames.is_empty() => {
                Some(RunFrames::Refused(&r.capture))
            }
            _ => None,
        }
    }

    fn next_frame(&mut self, ctx: &mut Ctx) {
        let Some(count) = self.run_frames().map(|f| f.len()).filter(|n| *n > 0) else {
            self.frame = None;
            ctx.say(t(ctx.lang, "labs.frames.none"));
            return;
        };
        self.frame = match self.frame {
            None => Some(0),
            Some(i) if i + 1 < count => Some(i + 1),
            Some(_) => None,
        };
    }

    /// True while `s` shows the whole summary of a finished run of this lab.
    pub fn showing_whole_summary(&self) -> bool {
        self.summary_only
            && self
                .run
                .as_ref()
                .is_some_and(|r| r.lab == self.selected_lab() && r.report().is_some())
    }

    /// Records the largest useful scroll of the whole summary (drawing knows it).
    pub(super) fn set_summary_last(&self, last: usize) {
        self.summary_last.set(last);
    }

    fn select(&mut self, index: usize, ctx: &mut Ctx) {
        if self.is_running() && index != self.selected {
            ctx.say(t(ctx.lang, "labs.busy"));
            return;
        }
        let index = index.min(LabName::ALL.len().saturating_sub(1));
        if index != self.selected {
            self.selected = index;
            self.run = None;
            self.frame = None;
        }
    }
}

impl Panel for LabsPanel {
    type Msg = LabsMsg;

    const KEYS: &'static [crate::ui::keymap::Binding] = KEYS;

    /// `f frames` only where the selected lab has frames to inspect (the key
    /// itself still answers everywhere: "no frames").
    fn keys(&self) -> &'static [crate::ui::keymap::Binding] {
        // errors: only a run whose refused connection was captured.
        let has_frames = match self.selected_lab() {
            LabName::Errors => self.run_frames().is_some(),
            lab => FRAME_LABS.contains(&lab),
        };
        if has_frames {
            KEYS
        } else {
            KEYS_WITHOUT_FRAMES.as_slice()
        }
    }

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        LabsPanel {
            export_dir: init.export_dir.clone(),
            ..LabsPanel::default()
        }
    }

    fn update(&mut self, msg: LabsMsg, ctx: &mut Ctx) -> Option<Msg> {
        match msg {
            LabsMsg::ShowRun(run) => {
                self.show_run(*run);
                return Some(Msg::Open(super::msg::Screen::Labs));
            }
            LabsMsg::Run => self.start(ctx),
            LabsMsg::Stop => {
                if !self.stop(ctx) {
                    ctx.say(t(ctx.lang, "labs.not_running"));
                }
            }
            LabsMsg::Predict => {
                self.focus = Focus::Form;
                if let Some(form) = self.form_mut() {
                    form.edit_prediction();
                }
            }
            LabsMsg::Talk => self.start_live(ctx),
            LabsMsg::Frames => self.next_frame(ctx),
            LabsMsg::Summary => {
                self.summary_only = !self.summary_only;
                self.summary_scroll = 0;
            }
            LabsMsg::Defaults => {
                if self.is_running() {
                    ctx.say(t(ctx.lang, "labs.busy"));
                } else {
                    let lab = self.selected_lab();
                    if let Some(form) = self.form_mut() {
                        *form = ParamForm::new(LabParams::defaults(lab));
                    }
                    ctx.say(t(ctx.lang, "labs.defaults"));
                }
            }
        }
        None
    }

    fn nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
        let last = LabName::ALL.len().saturating_sub(1);
        if self.showing_whole_summary() {
            // The whole summary fills the panel: the arrows scroll it.
            let end = self.summary_last.get();
            let at = &mut self.summary_scroll;
            match nav {
                Nav::Up => *at = at.saturating_sub(1).min(end),
                Nav::Down => *at = (*at + 1).min(end),
                Nav::First => *at = 0,
                Nav::Last => *at = end,
                _ => {}
            }
            if matches!(nav, Nav::Up | Nav::Down | Nav::First | Nav::Last) {
                return None;
            }
        }
        match (self.focus, nav) {
            (_, Nav::NextPane | Nav::PrevPane) => {
                self.focus = if self.focus == Focus::List {
                    Focus::Form
                } else {
                    Focus::List
                };
            }
            (Focus::List, Nav::Up) => self.select(self.selected.saturating_sub(1), ctx),
            (Focus::List, Nav::Down) => self.select(self.selected + 1, ctx),
            (Focus::List, Nav::First) => self.select(0, ctx),
            (Focus::List, Nav::Last) => self.select(last, ctx),
            (Focus::List, Nav::Enter | Nav::Next) => self.focus = Focus::Form,
            (Focus::List, Nav::Prev) => {}
            (Focus::Form, Nav::Up) => self.form_mut().map_or((), |f| f.move_cursor(-1)),
            (Focus::Form, Nav::Down) => self.form_mut().map_or((), |f| f.move_cursor(1)),
            (Focus::Form, Nav::First) => self.form_mut().map_or((), |f| f.cursor = 0),
            (Focus::Form, Nav::Last) => self.form_mut().map_or((), |f| f.move_cursor(isize::MAX)),
            (Focus::Form, Nav::Enter) => {
                if self.is_running() {
                    ctx.say(t(ctx.lang, "labs.busy"));
                } else if let Some(form) = self.form_mut() {
                    form.activate();
                }
            }
            (Focus::Form, Nav::Prev) => self.focus = Focus::List,
            (Focus::Form, Nav::Next) => {}
        }
        None
    }

    fn back(&mut self, ctx: &mut Ctx) -> bool {
        if self.stop(ctx) {
            return true;
        }
        if self.focus == Focus::Form {
            self.focus = Focus::List;
            return true;
        }
        false
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        view::render(self, area, buf, ctx);
    }

    fn open(&mut self, arg: &PanelArg, ctx: &mut Ctx) {
        let PanelArg::Labs(arg) = arg else {
            return;
        };
        let Some(params) = arg.params.clone() else {
            self.focus = Focus::List;
            return;
        };
        self.stop_and_wait(ctx.now);
        let lab = params.lab();
        self.selected = LabName::ALL.iter().position(|l| *l == lab).unwrap_or(0);
        if let Some(form) = self.form_mut() {
            *form = ParamForm::new(params);
        }
        self.focus = Focus::Form;
        self.run = None;
        self.frame = None;
        ctx.say(tf(
            ctx.lang,
            "labs.opened",
            &[("lab", lab.as_str()), ("key", &RUN_KEY.to_string())],
        ));
    }

    fn wants_ticks(&self) -> bool {
        self.is_running()
    }

    /// A running lab's clock and chart change on every tick.
    fn tick(&mut self, ctx: &mut Ctx) -> bool {
        self.pump_and_report(ctx);
        true
    }

    fn captures_text(&self) -> bool {
        self.live.is_some()
            || (self.focus == Focus::Form && self.form().is_some_and(|f| f.editing.is_some()))
    }

    fn text_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> TextInput {
        if let Some(live) = &mut self.live {
            match key.code {
                KeyCode::Char(c) if live.typing.len() < 512 => live.typing.push(c),
                KeyCode::Backspace => {
                    live.typing.pop();
                }
                KeyCode::Enter => {
                    if let Err(e) = live.send_typed() {
                        ctx.say(tf(ctx.lang, "labs.failed", &[("error", &e)]));
                    }
                }
                KeyCode::Tab | KeyCode::BackTab => live.switch_side(),
                KeyCode::Esc => {
                    self.stop(ctx);
                }
                _ => {}
            }
            return TextInput::Consumed(None);
        }
        let Some(form) = self.form_mut() else {
            return TextInput::Ignored;
        };
        match key.code {
            KeyCode::Char(c) => form.type_char(c),
            KeyCode::Backspace => form.erase(),
            KeyCode::Enter => form.commit(),
            KeyCode::Esc => form.cancel_edit(),
            KeyCode::Up | KeyCode::Down | KeyCode::Tab | KeyCode::BackTab => {
                form.commit();
                if form.editing.is_none() {
                    // The value is kept: let the key move on as usual.
                    return TextInput::Ignored;
                }
            }
            // Other keys (arrows, F-keys) do nothing while typing.
            _ => {}
        }
        TextInput::Consumed(None)
    }

    fn job(&mut self, job: Job, ctx: &mut Ctx) {
        if let Job::LabWake(wake) = job
            && (self.worker.as_ref().is_some_and(|w| w.run == wake.run)
                || self.live.as_ref().is_some_and(|l| l.run == wake.run))
        {
            self.pump_and_report(ctx);
        }
    }

    /// `w`: a finished dhcp run's messages as the frames of a LAN, or the
    /// errors lab's refused connection as captured.
    fn export(&mut self, _ctx: &mut Ctx) -> Option<Result<String, String>> {
        let frames = self.run_frames()?;
        Some(frames.pcap().and_then(|(stem, frames)| {
            super::widgets::export::export_pcap(self.export_dir.as_deref(), stem, &frames)
        }))
    }

    fn leave(&mut self, ctx: &mut Ctx) {
        // A lab does not run unseen: stop it and wait for its thread.
        self.stop_and_wait(ctx.now);
    }
}
