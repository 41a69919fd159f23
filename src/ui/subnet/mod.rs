//! The Subnet calculator panel: an input line validated as the student types, the
//! address, mask and AND result as rows of bits with an animated AND sweep, and
//! panes for the facts, the same-network check, splitting and VLSM.
//!
//! All the networking is in `net::subnet`; this file keeps the panel's state and
//! turns keys into state changes, `view.rs` draws it.

mod bits_view;
mod panes;
mod view;

use crate::ui::msg::PanelMsg;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::app::{Msg, Nav};
use super::field::MAX_TEXT;
use super::keymap::{Binding, Key};
use super::panel::{Ctx, Panel, RenderCtx, TextInput};
use crate::i18n::t;
use crate::lesson::PanelArg;
use crate::lesson::panel::{LanArg, LanSource};
use crate::net::subnet::{
    SubnetError, SubnetFacts, SubnetRequest, SweepStep, and_sweep, parse_panel_arg,
};

/// The example the panel starts with: the textbook computation.
const TEXTBOOK: &str = "192.168.21.36/24";

/// Animation ticks (of `ui::TICK`) per sweep step while playing: IPv4's 36 steps
/// take about 5 s; IPv6's 132 steps go one per tick, about 7 s.
const TICKS_PER_STEP_V4: u8 = 3;
const TICKS_PER_STEP_V6: u8 = 1;

/// The lower pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Facts,
    Same,
    Split,
    Vlsm,
}

impl Pane {
    const ALL: [Pane; 4] = [Pane::Facts, Pane::Same, Pane::Split, Pane::Vlsm];

    fn title_key(self) -> &'static str {
        match self {
            Pane::Facts => "subnet.pane.facts",
            Pane::Same => "subnet.pane.same",
            Pane::Split => "subnet.pane.split",
            Pane::Vlsm => "subnet.pane.vlsm",
        }
    }
}

/// State of the Subnet calculator panel.
#[derive(Debug, Clone)]
pub struct SubnetPanel {
    /// The input line as typed (address, then optional same= gateway= split= vlsm=).
    pub input: String,
    /// The input line has the keyboard.
    pub editing: bool,
    /// What is wrong with `input`, if anything (live validation).
    pub error: Option<SubnetError>,
    /// The input the student last confirmed (Enter, a lesson, `+`/`-`): the rows
    /// and panes show it, never a half-typed line that happens to parse.
    pub confirmed: String,
    /// The request of `confirmed`.
    pub request: SubnetRequest,
    pub facts: SubnetFacts,
    /// The AND sweep animation, computed up front.
    pub steps: Vec<SweepStep>,
    pub step: usize,
    pub playing: bool,
    ticks: u8,
    pub pane: Pane,
    /// First line (or, in the split list, first subnet) shown in the pane.
    pub scroll: u128,
}

impl Default for SubnetPanel {
    fn default() -> Self {
        let mut panel = SubnetPanel {
            input: String::new(),
            editing: false,
            error: None,
            confirmed: String::new(),
            request: SubnetRequest::new(crate::net::subnet::SubnetInput {
                address: std::net::IpAddr::V4(std::net::Ipv4Addr::new(192, 168, 21, 36)),
                prefix: 24,
                source: crate::net::subnet::PrefixSource::Length,
            }),
            facts: SubnetFacts::new(
                std::net::IpAddr::V4(std::net::Ipv4Addr::new(192, 168, 21, 36)),
                24,
            ),
            steps: Vec::new(),
            step: 0,
            playing: false,
            ticks: 0,
            pane: Pane::Facts,
            scroll: 0,
        };
        panel.set_input(TEXTBOOK);
        panel.step = panel.last_step();
        panel
    }
}

/// Messages of the Subnet calculator panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetMsg {
    /// Give the input line the keyboard.
    Edit,
    /// Play or pause the AND sweep (from the start when it is at the end).
    PlayPause,
    /// Open the LAN panel on the same-network case.
    OpenLan,
    ShowPane(Pane),
    /// Prefix one longer (+) or shorter (−).
    PrefixLonger,
    PrefixShorter,
}

use Key::Char;

/// Keys of the Subnet calculator panel.
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[Char('e'), Char('/')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::Edit)),
        help: "subnet.key.edit",
    },
    Binding {
        keys: &[Char('p')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::PlayPause)),
        help: "subnet.key.play",
    },
    Binding {
        keys: &[Char('g')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::OpenLan)),
        help: "subnet.key.lan",
    },
    Binding {
        keys: &[Char('f')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::ShowPane(Pane::Facts))),
        help: "subnet.key.facts",
    },
    Binding {
        keys: &[Char('s')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::ShowPane(Pane::Same))),
        help: "subnet.key.same",
    },
    Binding {
        keys: &[Char('d')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::ShowPane(Pane::Split))),
        help: "subnet.key.split",
    },
    Binding {
        keys: &[Char('v')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::ShowPane(Pane::Vlsm))),
        help: "subnet.key.vlsm",
    },
    Binding {
        keys: &[Char('+'), Char('=')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::PrefixLonger)),
        help: "subnet.key.longer",
    },
    Binding {
        keys: &[Char('-')],
        msg: Msg::Panel(PanelMsg::Subnet(SubnetMsg::PrefixShorter)),
        help: "subnet.key.shorter",
    },
];

impl SubnetPanel {
    fn last_step(&self) -> usize {
        self.steps.len().saturating_sub(1)
    }

    /// The current sweep step (the last one when there are none).
    pub fn current_step(&self) -> Option<&SweepStep> {
        self.steps.get(self.step.min(self.last_step()))
    }

    /// Replace the input and confirm it: a valid one replaces the request and
    /// resets the animation to its end (the complete computation).
    pub fn set_input(&mut self, text: &str) {
        self.input = text.to_string();
        self.confirm();
    }

    /// Live validation while typing: the error (and its column) follows every
    /// key, the rows keep showing the confirmed request.
    fn revalidate(&mut self) {
        self.error = parse_panel_arg(&self.input).err();
    }

    /// Enter: a valid input becomes the request shown; returns false (and keeps
    /// everything shown) when the input is refused.
    fn confirm(&mut self) -> bool {
        match parse_panel_arg(&self.input) {
            Ok(request) => {
                self.error = None;
                self.facts = request.facts();
                self.steps = and_sweep(&self.facts);
                self.step = self.last_step();
                self.request = request;
                self.confirmed = self.input.clone();
                self.scroll = 0;
                true
            }
            Err(e) => {
                self.error = Some(e);
                false
            }
        }
    }

    /// The typed line differs from what the rows show.
    pub fn unconfirmed(&self) -> bool {
        self.input.trim() != self.confirmed.trim()
    }

    fn set_step(&mut self, step: usize) {
        self.step = step.min(self.last_step());
    }

    /// Rewrite the input with the prefix moved by `delta`, keeping the options.
    fn change_prefix(&mut self, longer: bool) {
        let input = self.request.input;
        let max = input.family().bits();
        let prefix = if longer {
            input.prefix.saturating_add(1).min(max)
        } else {
            input.prefix.saturating_sub(1)
        };
        let options: Vec<&str> = self
            .confirmed
            .split_whitespace()
            .filter(|w| w.contains('='))
            .collect();
        let mut text = format!("{}/{prefix}", input.address);
        for option in options {
            text.push(' ');
            text.push_str(option);
        }
        self.set_input(&text);
    }

    fn pane_for(request: &SubnetRequest) -> Pane {
        if request.same.is_some() || request.gateway.is_some() {
            Pane::Same
        } else if request.split.is_some() || request.count.is_some() {
            Pane::Split
        } else if request.vlsm.is_some() {
            Pane::Vlsm
        } else {
            Pane::Facts
        }
    }
}

impl Panel for SubnetPanel {
    type Msg = SubnetMsg;

    const KEYS: &'static [crate::ui::keymap::Binding] = KEYS;

    fn create(_init: &crate::ui::panel::PanelInit) -> Self {
        SubnetPanel::default()
    }

    fn update(&mut self, msg: SubnetMsg, ctx: &mut Ctx) -> Option<Msg> {
        match msg {
            SubnetMsg::Edit => self.editing = true,
            SubnetMsg::PlayPause => {
                if self.playing {
                    self.playing = false;
                } else {
                    if self.step >= self.last_step() {
                        self.step = 0;
                    }
                    self.playing = true;
                    self.ticks = 0;
                }
            }
            // The LAN panel simulates the student's own addresses, mask and gateway.
            SubnetMsg::OpenLan => match self.request.same_network() {
                Some(Ok(check)) => match check.lan_case() {
                    Some(case) => match case.lan() {
                        Ok(_) => {
                            return Some(Msg::OpenArg(PanelArg::Lan(LanArg {
                                source: LanSource::Case(case),
                                step: None,
                                real: false,
                                loss: None,
                                experiment: None,
                            })));
                        }
                        Err(e) => ctx.say(e.message(ctx.lang)),
                    },
                    None => ctx.say(t(ctx.lang, "subnet.lan_v4_only")),
                },
                _ => ctx.say(t(ctx.lang, "subnet.no_same")),
            },
            SubnetMsg::ShowPane(pane) => {
                self.pane = pane;
                self.scroll = 0;
            }
            SubnetMsg::PrefixLonger => self.change_prefix(true),
            SubnetMsg::PrefixShorter => self.change_prefix(false),
        }
        None
    }

    fn nav(&mut self, nav: Nav, _ctx: &mut Ctx) -> Option<Msg> {
        match nav {
            Nav::Next => {
                self.playing = false;
                self.set_step(self.step + 1);
            }
            Nav::Prev => {
                self.playing = false;
                self.set_step(self.step.saturating_sub(1));
            }
            Nav::First => {
                self.playing = false;
                self.step = 0;
            }
            Nav::Last => {
                self.playing = false;
                self.step = self.last_step();
            }
            Nav::Up => self.scroll = self.scroll.saturating_sub(1),
            Nav::Down => self.scroll = self.scroll.saturating_add(1),
            Nav::NextPane | Nav::PrevPane => {
                let i = Pane::ALL.iter().position(|p| *p == self.pane).unwrap_or(0);
                let n = Pane::ALL.len();
                let next = if nav == Nav::NextPane {
                    i + 1
                } else {
                    i + n - 1
                };
                self.pane = Pane::ALL[next % n];
                self.scroll = 0;
            }
            Nav::Enter => self.editing = true,
        }
        None
    }

    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        if self.editing {
            self.editing = false;
            return true;
        }
        false
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        view::render(self, area, buf, ctx);
    }

    /// Opens on a lesson's argument. An argument whose address or mask is wrong is
    /// still shown, with its error and column, as if the student had typed it: a
    /// lesson may do that on purpose (e.g. the mask 255.0.255.0).
    fn open(&mut self, arg: &PanelArg, _ctx: &mut Ctx) {
        let PanelArg::Subnet(arg) = arg else {
            return;
        };
        self.editing = false;
        self.playing = false;
        self.set_input(&arg.text);
        self.pane = Self::pane_for(&self.request);
        // A lesson opens the panel at the start of the sweep (or the step it
        // names), to step through it.
        self.step = arg.step.unwrap_or(0).min(self.last_step());
    }

    fn wants_ticks(&self) -> bool {
        self.playing
    }

    /// The bit-by-bit sweep.
    fn lecture_position(&self) -> Option<(usize, usize)> {
        Some((self.step.min(self.last_step()), self.last_step()))
    }

    /// Only a new sweep step (or the end) changes the picture: ticks between
    /// two steps redraw nothing.
    fn tick(&mut self, _ctx: &mut Ctx) -> bool {
        if !self.playing {
            return false;
        }
        self.ticks += 1;
        let per_step = match self.facts.family() {
            crate::net::subnet::Family::V4 => TICKS_PER_STEP_V4,
            crate::net::subnet::Family::V6 => TICKS_PER_STEP_V6,
        };
        if self.ticks < per_step {
            return false;
        }
        self.ticks = 0;
        if self.step >= self.last_step() {
            self.playing = false;
        } else {
            self.step += 1;
        }
        true
    }

    fn captures_text(&self) -> bool {
        self.editing
    }

    fn text_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> TextInput {
        if !self.editing {
            return TextInput::Ignored;
        }
        let ctrl_alt = key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.clear();
                self.revalidate();
            }
            KeyCode::Char(_) if !ctrl_alt && self.input.chars().count() >= MAX_TEXT => {
                ctx.say(crate::i18n::t(ctx.lang, "status.field_full"));
            }
            KeyCode::Char(c) if !ctrl_alt => {
                self.input.push(c);
                self.revalidate();
            }
            KeyCode::Backspace => {
                self.input.pop();
                self.revalidate();
            }
            KeyCode::Enter => {
                // A refused line stays open for fixing; its error is on screen.
                if self.confirm() {
                    self.editing = false;
                }
            }
            KeyCode::Esc => self.editing = false,
            _ => return TextInput::Ignored,
        }
        TextInput::Consumed(None)
    }
}
