//! The Handshake & teardown panel: a sequence diagram of the scenario's segments,
//! the state machine with both ends' states, the segment's bytes, and the real
//! connection captured on loopback.
//!
//! The timeline is computed up front (`crate::net::tcp`); playing moves a cursor
//! (`at` steps done, `progress` of the next one), so stepping, jumping and speed
//! are exact and every frame is reproducible.

mod chrome;
mod diagram;
mod figure;
mod inspect;
mod keys;
mod machine;

pub use keys::KEYS;

use std::thread::JoinHandle;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::app::{Msg, Nav};
use super::msg::Job;
use super::panel::{Ctx, Panel, RenderCtx};
use super::widgets::export::export_pcap;
use super::widgets::inspector::{Inspector, InspectorMsg, InspectorPane};
use crate::i18n::{Lang, t};
use crate::lab::capture::{CaptureError, CaptureReport, capture_handshake};
use crate::lesson::PanelArg;
use crate::lesson::panel::HandshakeSource;
use crate::net::tcp::{DEFAULT_SEED, Scenario, Step, Timeline};

/// Playback speeds (× real pace).
pub const SPEEDS: [f32; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
const NORMAL_SPEED: usize = 2;
/// Progress units of one step.
pub const STEP_UNITS: u32 = 1000;
/// Progress per tick at 1× (a tick is 50 ms: one step takes 1.25 s).
const UNITS_PER_TICK: f32 = 40.0;
/// Ticks per redraw while a segment flies: the arrow moves at the same pace,
/// drawn 10 times a second instead of 20 (half the CPU of an autoplay).
const TICKS_PER_FRAME: u8 = 2;
/// Below this width the diagram and the state machine share the screen by turns.
const SIDE_BY_SIDE: u16 = super::layout::WIDE;

/// Where the shown timeline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Scenario(Scenario),
    /// The student's own connection, captured on loopback.
    Real,
}

/// What the background capture reports.
#[derive(Debug)]
pub struct RealCaptured(pub Result<CaptureReport, RealCaptureError>);

/// Why the real mode could not run, as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RealCaptureError {
    NoPermission,
    Failed(String),
}

/// State of the Handshake & teardown panel.
#[derive(Debug)]
pub struct HandshakePanel {
    pub source: Source,
    pub timeline: Timeline,
    /// Steps completed (0 = the initial states).
    pub at: usize,
    /// Progress of step `at` while it plays (0..STEP_UNITS).
    pub progress: u32,
    pub playing: bool,
    /// Ticks since the picture was last redrawn (see [`TICKS_PER_FRAME`]).
    frame_ticks: u8,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Open scenario picker and its selected row (the last row is "real").
    pub picker: Option<usize>,
    /// The segment whose bytes are open (its index in `timeline.flights()`).
    pub inspecting: Option<usize>,
    /// The packet inspector over that segment's frame.
    inspector: InspectorPane,
    /// Where `w` writes (the working directory unless a test says otherwise).
    pub export_dir: Option<std::path::PathBuf>,
    /// Narrow screens: show the state machine instead of the diagram.
    pub show_machine: bool,
    capture: Option<JoinHandle<()>>,
    /// A one-line notice (e.g. the privilege remedy), as a ui.toml key.
    pub notice: Option<&'static str>,
    pub capture_error: Option<String>,
}

impl Default for HandshakePanel {
    fn default() -> Self {
        let mut panel = HandshakePanel {
            source: Source::Scenario(Scenario::Normal),
            timeline: empty_timeline(),
            at: 0,
            progress: 0,
            playing: false,
            frame_ticks: 0,
            speed: NORMAL_SPEED,
            picker: None,
            inspecting: None,
            inspector: InspectorPane::default(),
            export_dir: None,
            show_machine: false,
            capture: None,
            notice: None,
            capture_error: None,
        };
        panel.load(Scenario::Normal);
        panel
    }
}

fn empty_timeline() -> Timeline {
    use crate::net::tcp::{Endpoint, Ends, TcpState};
    let nowhere = Endpoint {
        addr: std::net::SocketAddr::from(([0, 0, 0, 0], 0)),
        mac: [0; 6],
    };
    Timeline {
        name: String::new(),
        client: nowhere,
        server: nowhere,
        initial: Ends {
            client: TcpState::Closed,
            server: TcpState::Closed,
        },
        steps: Vec::new(),
    }
}

/// Messages of the Handshake & teardown panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeMsg {
    PlayPause,
    Faster,
    Slower,
    Pick,
    Real,
    Inspect,
    ToggleMachine,
    PrevSegment,
    NextSegment,
    Inspector(InspectorMsg),
}

impl HandshakePanel {
    /// Show `scenario` from its start.
    pub fn load(&mut self, scenario: Scenario) {
        match scenario.timeline(DEFAULT_SEED) {
            Ok(timeline) => {
                self.source = Source::Scenario(scenario);
                self.show(timeline);
            }
            // The scripts are fixed and tested; keep the old timeline if one fails.
            Err(err) => self.capture_error = Some(err.to_string()),
        }
    }

    fn show(&mut self, timeline: Timeline) {
        self.timeline = timeline;
        self.at = 0;
        self.progress = 0;
        self.playing = false;
        self.select_segment(None);
    }

    /// Jump to `at` steps done (clamped), paused.
    pub fn seek(&mut self, at: usize) {
        self.at = at.min(self.timeline.steps.len());
        self.progress = 0;
        self.playing = false;
        if self.inspecting.is_some() {
            self.select_segment(self.shown_flights().checked_sub(1));
        }
    }

    /// Open the bytes of segment `index` (of `timeline.flights()`), or close them.
    pub fn select_segment(&mut self, index: Option<usize>) {
        self.inspecting = index;
        let shown = index
            .and_then(|i| self.timeline.flights().nth(i))
            .and_then(|(_, flight)| flight.frame().ok())
            .map(|frame| {
                let mut inspector = Inspector::of_frame(&frame);
                // Start on the TCP header: it is what the lesson is about.
                inspector.select_field("tcp.flags");
                inspector
            });
        self.inspector.show(shown);
    }

    /// The packet inspector of the open segment.
    pub fn inspector(&self) -> Option<&Inspector> {
        self.inspector.get()
    }

    /// How many segments are on screen (sent in completed steps or in flight).
    pub fn shown_flights(&self) -> usize {
        let shown = if self.progress > 0 {
            self.at + 1
        } else {
            self.at
        };
        self.timeline
            .steps
            .iter()
            .take(shown)
            .map(|s| s.flights.len())
            .sum()
    }

    /// The step in flight (while playing) or the last one completed.
    pub fn current_step(&self) -> Option<&Step> {
        if self.progress > 0 {
            self.timeline.steps.get(self.at)
        } else {
            self.at
                .checked_sub(1)
                .and_then(|i| self.timeline.steps.get(i))
        }
    }

    fn speed_label(&self) -> String {
        let speed = SPEEDS.get(self.speed).copied().unwrap_or(1.0);
        format!("{speed}×")
    }

    fn start_capture(&mut self, ctx: &mut Ctx) {
        if self.capture.is_some() {
            return;
        }
        self.notice = Some("hs.real.running");
        self.capture_error = None;
        let sink = ctx.jobs.clone();
        // The capture bounds every blocking call; its thread is joined when the
        // result arrives (see `job`).
        self.capture = Some(std::thread::spawn(move || {
            let result = capture_handshake().map_err(|e| match e {
                CaptureError::NoPermission(_) => RealCaptureError::NoPermission,
                other => RealCaptureError::Failed(other.to_string()),
            });
            sink.send(RealCaptured(result));
        }));
    }

    pub(crate) fn picker_rows() -> usize {
        Scenario::ALL.len() + 1
    }
}

impl Panel for HandshakePanel {
    type Msg = HandshakeMsg;

    const KEYS: &'static [crate::ui::keymap::Binding] = keys::KEYS;

    /// With a segment open, the inspector's keys come first (the hint bar
    /// shows the table in order).
    fn keys(&self) -> &'static [crate::ui::keymap::Binding] {
        if self.inspecting.is_some() {
            keys::INSPECTING
        } else {
            KEYS
        }
    }

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        HandshakePanel {
            export_dir: init.export_dir.clone(),
            ..HandshakePanel::default()
        }
    }

    fn update(&mut self, msg: HandshakeMsg, ctx: &mut Ctx) -> Option<Msg> {
        match msg {
            HandshakeMsg::PlayPause => {
                if self.at >= self.timeline.steps.len() {
                    self.seek(0);
                }
                self.playing = !self.playing;
            }
            HandshakeMsg::Faster => self.speed = (self.speed + 1).min(SPEEDS.len() - 1),
            HandshakeMsg::Slower => self.speed = self.speed.saturating_sub(1),
            HandshakeMsg::Pick => {
                let row = match self.source {
                    Source::Scenario(s) => Scenario::ALL.iter().position(|x| *x == s).unwrap_or(0),
                    Source::Real => Scenario::ALL.len(),
                };
                self.picker = if self.picker.is_some() {
                    None
                } else {
                    Some(row)
                };
            }
            HandshakeMsg::Real => self.start_capture(ctx),
            HandshakeMsg::Inspect => {
                if let Some(row) = self.picker {
                    self.picker = None;
                    match Scenario::ALL.get(row) {
                        Some(s) => self.load(*s),
                        None => self.start_capture(ctx),
                    }
                } else {
                    let open = match self.inspecting {
                        Some(_) => None,
                        None => self.shown_flights().checked_sub(1),
                    };
                    self.select_segment(open);
                }
            }
            HandshakeMsg::ToggleMachine => self.show_machine = !self.show_machine,
            HandshakeMsg::PrevSegment => {
                let last = self.shown_flights().checked_sub(1);
                let prev = self.inspecting.map_or(last, |i| Some(i.saturating_sub(1)));
                self.select_segment(prev);
            }
            HandshakeMsg::NextSegment => {
                let last = self.shown_flights().checked_sub(1);
                let next = self
                    .inspecting
                    .map_or(last, |i| last.map(|l| (i + 1).min(l)));
                self.select_segment(next);
            }
            HandshakeMsg::Inspector(m) => self.inspector.update(m),
        }
        None
    }

    fn nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
        if let Some(row) = self.picker {
            let rows = Self::picker_rows();
            match nav {
                Nav::Up | Nav::Prev => self.picker = Some(row.checked_sub(1).unwrap_or(rows - 1)),
                Nav::Down | Nav::Next => self.picker = Some((row + 1) % rows),
                Nav::Enter => return self.update(HandshakeMsg::Inspect, ctx),
                _ => {}
            }
            return None;
        }
        let steps = self.timeline.steps.len();
        // Up/Down walk the fields of the open segment, as in the other panels.
        if self.inspector.nav(nav) {
            return None;
        }
        match nav {
            // A step in flight completes first; otherwise the next one completes.
            Nav::Next | Nav::Down => self.seek(self.at + 1),
            Nav::Prev | Nav::Up => {
                let back = if self.progress > 0 {
                    self.at
                } else {
                    self.at.saturating_sub(1)
                };
                self.seek(back);
            }
            Nav::First => self.seek(0),
            Nav::Last => self.seek(steps),
            Nav::Enter => return self.update(HandshakeMsg::Inspect, ctx),
            Nav::NextPane | Nav::PrevPane => self.show_machine = !self.show_machine,
        }
        None
    }

    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        if self.picker.take().is_some() {
            return true;
        }
        let was_open = self.inspecting.is_some();
        self.select_segment(None);
        was_open
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        chrome::render_panel(self, area, buf, ctx);
    }

    fn open(&mut self, arg: &PanelArg, ctx: &mut Ctx) {
        let PanelArg::Handshake(arg) = arg else {
            return;
        };
        match arg.source {
            // Nothing is shown until the student's own connection is captured
            // (then it can be stepped through like a scenario).
            HandshakeSource::Real => {
                self.show(empty_timeline());
                self.start_capture(ctx);
            }
            HandshakeSource::Scenario(scenario) => {
                self.load(scenario);
                if let Some(step) = arg.step {
                    // Steps up to and including `step` are drawn.
                    self.at = (step + 1).min(self.timeline.steps.len());
                }
            }
        }
    }

    fn wants_ticks(&self) -> bool {
        self.playing || self.capture.is_some()
    }

    /// A new step, the end, or every [`TICKS_PER_FRAME`]th tick of a flight.
    fn tick(&mut self, _ctx: &mut Ctx) -> bool {
        if !self.playing {
            return false;
        }
        let at = self.at;
        let speed = SPEEDS.get(self.speed).copied().unwrap_or(1.0);
        let step = (UNITS_PER_TICK * speed).round().max(1.0) as u32;
        // Carry the remainder so the pace is exactly proportional to the speed.
        self.progress += step;
        while self.progress >= STEP_UNITS {
            self.progress -= STEP_UNITS;
            self.at += 1;
        }
        if self.at >= self.timeline.steps.len() {
            self.at = self.timeline.steps.len();
            self.progress = 0;
            self.playing = false;
        }
        self.frame_ticks += 1;
        if self.at != at || !self.playing || self.frame_ticks >= TICKS_PER_FRAME {
            self.frame_ticks = 0;
            return true;
        }
        false
    }

    fn job(&mut self, job: Job, ctx: &mut Ctx) {
        let Job::HandshakeCaptured(captured) = job else {
            return;
        };
        if let Some(handle) = self.capture.take() {
            // The worker has sent its last message; joining returns at once.
            let _ = handle.join();
        }
        match captured.0 {
            Ok(report) => {
                self.notice = None;
                self.source = Source::Real;
                self.show(report.timeline());
            }
            Err(RealCaptureError::NoPermission) => {
                // Say how to grant the privilege, and offer the simulated scenarios.
                self.notice = Some("hs.capture.no_permission");
                ctx.say(t(ctx.lang, "hs.capture.no_permission"));
                let row = match self.source {
                    Source::Scenario(s) => Scenario::ALL.iter().position(|x| *x == s),
                    Source::Real => None,
                };
                self.picker = Some(row.unwrap_or(0));
            }
            Err(RealCaptureError::Failed(e)) => {
                self.notice = None;
                self.capture_error = Some(e);
            }
        }
    }

    fn export(&mut self, _ctx: &mut Ctx) -> Option<Result<String, String>> {
        let frames = match self.timeline.pcap_frames(std::time::Duration::ZERO) {
            Ok(frames) if !frames.is_empty() => frames,
            Ok(_) => return None,
            Err(e) => return Some(Err(e.to_string())),
        };
        let stem = format!("nettutor-handshake-{}", self.timeline.name);
        Some(export_pcap(self.export_dir.as_deref(), &stem, &frames))
    }

    fn leave(&mut self, _ctx: &mut Ctx) {
        self.playing = false;
    }

    fn lecture_position(&self) -> Option<(usize, usize)> {
        Some((self.at, self.timeline.steps.len()))
    }
}

pub(crate) use super::text::fit;

/// The language-neutral label of a state for both ends ("client"/"server").
pub(crate) fn side_name(lang: Lang, side: crate::net::tcp::Side) -> &'static str {
    match side {
        crate::net::tcp::Side::Client => t(lang, "hs.client"),
        crate::net::tcp::Side::Server => t(lang, "hs.server"),
    }
}
