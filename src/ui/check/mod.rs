//! The check reports screen: the student's recent `nettutor check` runs (from
//! `check::history`), one report's properties with what was sent, expected and
//! received (as the Labs panel shows a run), and the failing property's
//! exchange as a sequence diagram, from the byte log or from the frames
//! captured on loopback.
//!
//! A captured frame of the exchange opens in the packet inspector (`i` or
//! Enter on its row), the same one the OSI, LAN and Handshake panels use.
//!
//! Opened from the Labs panel (`c`), by `nettutor check … --open`, or by a
//! lesson link (`open = "check"`). Reports are read from disk when chosen,
//! never while drawing.

mod exchange;
mod view;

pub use exchange::{Row, Toward, frame_rows, log_rows};

use crate::ui::msg::PanelMsg;
use std::path::{Path, PathBuf};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::keymap::{Binding, Key};
use super::msg::{Msg, Nav};
use super::panel::{Ctx, Panel, RenderCtx};
use super::widgets::inspector::{InspectorMsg, InspectorPane, inspector_keys};
use crate::check::CheckReport;
use crate::check::history::{self, CheckRecord};
use crate::i18n::{t, tf};
use crate::lesson::PanelArg;

/// The most a report file may weigh (a 1 MiB exchange with frames is ~5 MiB).
const MAX_REPORT: u64 = 64 << 20;

/// Which pane the arrows move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Reports,
    Properties,
    Exchange,
}

/// State of the check reports screen.
#[derive(Debug, Default)]
pub struct CheckPanel {
    /// The progress folder the history lives in (none: no list, only `--open`).
    home: Option<PathBuf>,
    pub records: Vec<CheckRecord>,
    pub selected: usize,
    /// The selected record's report, read when it was chosen.
    pub report: Option<Result<CheckReport, String>>,
    pub property: usize,
    pub focus: Focus,
    /// The captured frames instead of the byte log.
    pub frames_view: bool,
    /// The selected row of the exchange (the diagram keeps it on screen).
    pub scroll: usize,
    /// The selected row's frame in the packet inspector (`i`), if open.
    pub inspector: InspectorPane,
}

/// Messages of the check reports screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckMsg {
    /// Byte log ↔ captured frames.
    ToggleFrames,
    /// Read the history again (after a check in another terminal).
    Reload,
    /// Open (or close) the selected row's frame in the packet inspector.
    Inspect,
    Inspector(InspectorMsg),
}

pub const KEYS: &[Binding] = inspector_keys!(
    PanelMsg::Check,
    CheckMsg::Inspector,
    [
        Binding {
            keys: &[Key::Char('f')],
            msg: Msg::Panel(PanelMsg::Check(CheckMsg::ToggleFrames)),
            help: "check.key.frames",
        },
        Binding {
            keys: &[Key::Char('i')],
            msg: Msg::Panel(PanelMsg::Check(CheckMsg::Inspect)),
            help: "check.key.inspect",
        },
        Binding {
            keys: &[Key::Char('r')],
            msg: Msg::Panel(PanelMsg::Check(CheckMsg::Reload)),
            help: "check.key.reload",
        },
    ]
);

/// Reads a whole report (bounded), or says why not.
pub fn read_report(path: &Path) -> Result<CheckReport, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_REPORT)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

impl CheckPanel {
    pub fn new(home: Option<PathBuf>) -> CheckPanel {
        CheckPanel {
            home,
            ..CheckPanel::default()
        }
    }

    /// The selected property of the loaded report.
    pub fn current(&self) -> Option<&crate::check::PropertyReport> {
        match &self.report {
            Some(Ok(r)) => r.properties.get(self.property),
            _ => None,
        }
    }

    /// The exchange rows of the selected property in the current view.
    pub fn rows(&self, lang: crate::i18n::Lang) -> Vec<Row> {
        match self.current() {
            Some(p) if self.frames_view => match p.server {
                Some(server) => frame_rows(&p.frames, server, lang),
                None => Vec::new(),
            },
            Some(p) => log_rows(&p.log, lang),
            None => Vec::new(),
        }
    }

    /// Opens the selected row's frame in the inspector (or closes it); says
    /// why not when the row has no frame.
    fn inspect(&mut self, ctx: &mut Ctx) {
        if self.inspector.get().is_some() {
            self.inspector.show(None);
            return;
        }
        let rows = self.rows(ctx.lang);
        let frame = rows
            .get(self.scroll)
            .and_then(|r| r.frame)
            .and_then(|i| self.current().and_then(|p| p.frames.get(i)))
            .map(|f| f.bytes.clone());
        match frame {
            Some(bytes) => {
                self.focus = Focus::Exchange;
                self.inspector.show_frame(Some(&bytes));
            }
            None => {
                let has_frames = self.current().is_some_and(|p| !p.frames.is_empty());
                let key = if has_frames && !self.frames_view {
                    "check.view.inspect_frames_first"
                } else {
                    "check.view.no_frames"
                };
                ctx.say(t(ctx.lang, key));
            }
        }
    }

    fn reload(&mut self) {
        self.records = self.home.as_deref().map(history::load).unwrap_or_default();
    }

    /// Shows record `index`: reads its report and selects its first failure.
    fn choose(&mut self, index: usize) {
        self.selected = index.min(self.records.len().saturating_sub(1));
        self.report = self.records.get(self.selected).map(|r| match &r.report {
            Some(path) => read_report(path),
            None => Err(String::new()),
        });
        self.property = match &self.report {
            Some(Ok(r)) => r.properties.iter().position(|p| !p.passed).unwrap_or(0),
            _ => 0,
        };
        self.scroll = 0;
        self.inspector.show(None);
        // Without captured frames, the byte log is the exchange.
        self.frames_view = self.current().is_some_and(|p| !p.frames.is_empty());
    }

    /// Opens `path` first in the list (a report `--open` was asked for).
    fn open_report(&mut self, path: &Path) {
        let index = self
            .records
            .iter()
            .position(|r| r.report.as_deref() == Some(path));
        let index = match (index, read_report(path)) {
            (Some(i), _) => i,
            (None, Ok(report)) => {
                let mut record = CheckRecord::of(&report);
                // Not from the history: no time to show.
                record.at = 0;
                record.report = Some(path.to_path_buf());
                self.records.insert(0, record);
                0
            }
            (None, Err(e)) => {
                self.records.insert(
                    0,
                    CheckRecord {
                        exercise: path.display().to_string(),
                        at: 0,
                        passed: 0,
                        failed: 0,
                        total: 0,
                        report: Some(path.to_path_buf()),
                    },
                );
                self.choose(0);
                self.report = Some(Err(e));
                return;
            }
        };
        self.choose(index);
        self.focus = Focus::Properties;
    }

    fn properties(&self) -> usize {
        match &self.report {
            Some(Ok(r)) => r.properties.len(),
            _ => 0,
        }
    }

    fn select_property(&mut self, index: usize) {
        self.property = index.min(self.properties().saturating_sub(1));
        self.scroll = 0;
        self.inspector.show(None);
        let has_frames = self.current().is_some_and(|p| !p.frames.is_empty());
        self.frames_view = self.frames_view && has_frames;
    }
}

impl Panel for CheckPanel {
    type Msg = CheckMsg;

    const KEYS: &'static [crate::ui::keymap::Binding] = KEYS;

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        CheckPanel::new(init.store.as_ref().map(|s| s.dir().to_path_buf()))
    }

    fn update(&mut self, msg: CheckMsg, ctx: &mut Ctx) -> Option<Msg> {
        match msg {
            CheckMsg::ToggleFrames => {
                let has_frames = self.current().is_some_and(|p| !p.frames.is_empty());
                if has_frames || self.frames_view {
                    self.frames_view = !self.frames_view;
                    self.scroll = 0;
                    self.inspector.show(None);
                } else {
                    ctx.say(t(ctx.lang, "check.view.no_frames"));
                }
            }
            CheckMsg::Inspect => self.inspect(ctx),
            CheckMsg::Inspector(m) => self.inspector.update(m),
            CheckMsg::Reload => {
                self.reload();
                self.choose(0);
                ctx.say(tf(
                    ctx.lang,
                    "check.view.reloaded",
                    &[("n", &self.records.len().to_string())],
                ));
            }
        }
        None
    }

    fn nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
        // With a frame open, ↑↓ walk its fields.
        if self.inspector.nav(nav) {
            return None;
        }
        let last_record = self.records.len().saturating_sub(1);
        let last_property = self.properties().saturating_sub(1);
        let last_row = if self.focus == Focus::Exchange {
            self.rows(ctx.lang).len().saturating_sub(1)
        } else {
            0
        };
        match (self.focus, nav) {
            (Focus::Reports, Nav::NextPane) | (Focus::Exchange, Nav::PrevPane) => {
                self.focus = Focus::Properties;
            }
            (Focus::Properties, Nav::NextPane) => self.focus = Focus::Exchange,
            (Focus::Properties, Nav::PrevPane) | (Focus::Exchange, Nav::NextPane) => {
                self.focus = Focus::Reports;
            }
            (Focus::Reports, Nav::PrevPane) => self.focus = Focus::Exchange,
            (Focus::Reports, Nav::Up) => self.choose(self.selected.saturating_sub(1)),
            (Focus::Reports, Nav::Down) => self.choose(self.selected + 1),
            (Focus::Reports, Nav::First) => self.choose(0),
            (Focus::Reports, Nav::Last) => self.choose(last_record),
            (Focus::Reports, Nav::Enter | Nav::Next) => self.focus = Focus::Properties,
            (Focus::Properties, Nav::Up) => self.select_property(self.property.saturating_sub(1)),
            (Focus::Properties, Nav::Down) => self.select_property(self.property + 1),
            (Focus::Properties, Nav::First) => self.select_property(0),
            (Focus::Properties, Nav::Last) => self.select_property(last_property),
            (Focus::Properties, Nav::Enter | Nav::Next) => self.focus = Focus::Exchange,
            (Focus::Properties, Nav::Prev) => self.focus = Focus::Reports,
            (Focus::Exchange, Nav::Up) => self.scroll = self.scroll.saturating_sub(1),
            (Focus::Exchange, Nav::Down) => self.scroll = (self.scroll + 1).min(last_row),
            (Focus::Exchange, Nav::First) => self.scroll = 0,
            (Focus::Exchange, Nav::Last) => self.scroll = last_row,
            (Focus::Exchange, Nav::Prev) => self.focus = Focus::Properties,
            (Focus::Exchange, Nav::Enter) => self.inspect(ctx),
            (_, Nav::Next | Nav::Prev) => {}
        }
        None
    }

    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        if self.inspector.get().is_some() {
            self.inspector.show(None);
            return true;
        }
        match self.focus {
            Focus::Reports => false,
            Focus::Properties => {
                self.focus = Focus::Reports;
                true
            }
            Focus::Exchange => {
                self.focus = Focus::Properties;
                true
            }
        }
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        view::render(self, area, buf, ctx);
    }

    fn open(&mut self, arg: &PanelArg, _ctx: &mut Ctx) {
        let PanelArg::Check(arg) = arg else {
            return;
        };
        self.reload();
        self.focus = Focus::Reports;
        match &arg.report {
            Some(path) => self.open_report(path),
            None => self.choose(0),
        }
    }
}
