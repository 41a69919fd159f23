//! The OSI & encapsulation section: the seven OSI layers beside the four- and
//! five-layer TCP/IP models, and a stepper where a typed message gains one header
//! per layer on the way down and loses them again on the way up, every step's
//! bytes open in the packet inspector.

use crate::ui::msg::PanelMsg;
use std::path::PathBuf;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::app::{Msg, Nav};
use super::keymap::{Binding, Key};
use super::panel::{Ctx, Panel, RenderCtx, TextInput};
use super::widgets::export::{export_pcap, stamped};
use super::widgets::inspector::{Inspector, InspectorMsg, InspectorPane, inspector_keys};
use crate::i18n::t;
use crate::lesson::PanelArg;
use crate::lesson::panel::{OsiArg, OsiView as ArgView};
use crate::net::osi::{Encapsulation, Endpoints, IpVersion, Stage, Transport, encapsulate};

/// Which half of the section is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsiView {
    Layers,
    Encapsulation,
}

/// State of the OSI & encapsulation panel.
#[derive(Debug)]
pub struct OsiPanel {
    pub view: OsiView,
    /// The selected OSI layer, 1–7.
    pub layer: u8,
    pub message: String,
    pub editing: bool,
    pub transport: Transport,
    pub ip: IpVersion,
    encap: Result<Encapsulation, String>,
    pub step: usize,
    inspector: InspectorPane,
    /// Where `w` writes (the working directory unless a test says otherwise).
    pub export_dir: Option<PathBuf>,
}

/// Messages of the OSI & encapsulation panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsiMsg {
    ToggleTransport,
    ToggleIp,
    EditMessage,
    ToggleView,
    Inspector(InspectorMsg),
}

/// Keys of the OSI & encapsulation panel (the inspector's after its own).
pub const KEYS: &[Binding] = inspector_keys!(
    PanelMsg::Osi,
    OsiMsg::Inspector,
    [
        Binding {
            keys: &[Key::Char('v')],
            msg: Msg::Panel(PanelMsg::Osi(OsiMsg::ToggleView)),
            help: "osi.key.view",
        },
        Binding {
            keys: &[Key::Char('m')],
            msg: Msg::Panel(PanelMsg::Osi(OsiMsg::EditMessage)),
            help: "osi.key.message",
        },
        Binding {
            keys: &[Key::Char('t')],
            msg: Msg::Panel(PanelMsg::Osi(OsiMsg::ToggleTransport)),
            help: "osi.key.transport",
        },
        Binding {
            keys: &[Key::Char('i')],
            msg: Msg::Panel(PanelMsg::Osi(OsiMsg::ToggleIp)),
            help: "osi.key.ip",
        },
    ]
);

/// Longest message the input takes (more than any MTU, so the error shows).
mod draw;

const MAX_TYPED: usize = 2000;

impl Default for OsiPanel {
    fn default() -> Self {
        let mut panel = OsiPanel {
            view: OsiView::Layers,
            layer: 7,
            message: "hello".into(),
            editing: false,
            transport: Transport::Tcp,
            ip: IpVersion::V4,
            encap: Err(String::new()),
            step: 0,
            inspector: InspectorPane::default(),
            export_dir: None,
        };
        panel.rebuild();
        panel
    }
}

fn stage_key(stage: Stage) -> &'static str {
    match stage {
        Stage::Application => "app",
        Stage::Transport => "transport",
        Stage::Network => "network",
        Stage::DataLink => "link",
        Stage::Physical => "phys",
    }
}

fn transport_name(t: Transport) -> &'static str {
    match t {
        Transport::Tcp => "TCP",
        Transport::Udp => "UDP",
    }
}

fn ip_name(ip: IpVersion) -> &'static str {
    match ip {
        IpVersion::V4 => "IPv4",
        IpVersion::V6 => "IPv6",
    }
}

impl OsiPanel {
    /// Recomputes the encapsulation after the message or a protocol changed.
    fn rebuild(&mut self) {
        self.encap = encapsulate(
            self.message.as_bytes(),
            self.transport,
            self.ip,
            &Endpoints::default(),
        )
        .map_err(|e| e.to_string());
        self.step = self.step.min(9);
        self.refresh_inspector();
    }

    fn refresh_inspector(&mut self) {
        let shown = self.encap.as_ref().ok().and_then(|e| {
            let step = e.steps.get(self.step)?;
            let mut inspector = Inspector::new(step.bytes.clone(), e.dissect_step(self.step)?);
            // The physical step is bits on the wire: it opens in the bits view.
            inspector.set_bits(step.stage == Stage::Physical);
            Some(inspector)
        });
        self.inspector.show(shown);
    }

    fn go_step(&mut self, step: usize) {
        self.step = step.min(9);
        self.refresh_inspector();
    }

    /// The encapsulation shown, if the message fits.
    pub fn encapsulation(&self) -> Option<&Encapsulation> {
        self.encap.as_ref().ok()
    }

    pub fn inspector(&self) -> Option<&Inspector> {
        self.inspector.get()
    }

    /// Applies a lesson's parsed argument (see `lesson::panel::OsiArg`).
    fn apply_arg(&mut self, arg: &OsiArg) {
        if let Some(view) = arg.view {
            self.view = match view {
                ArgView::Layers => OsiView::Layers,
                ArgView::Encapsulation => OsiView::Encapsulation,
            };
        }
        if let Some(layer) = arg.layer {
            self.layer = layer;
        }
        if let Some(message) = &arg.message {
            self.message = message.clone();
        }
        if let Some(transport) = arg.transport {
            self.transport = transport;
        }
        if let Some(ip) = arg.ip {
            self.ip = ip;
        }
        self.step = arg.step.unwrap_or(0);
        self.rebuild();
    }

    /// Writes the current frame as pcap into `dir`; returns the path written.
    fn export_frame(&self) -> Result<String, String> {
        let e = self.encap.as_ref().map_err(Clone::clone)?;
        let stem = format!(
            "nettutor-encapsulation-{}-{}",
            transport_name(self.transport).to_lowercase(),
            ip_name(self.ip).to_lowercase()
        );
        export_pcap(
            self.export_dir.as_deref(),
            &stem,
            &stamped([e.frame.clone()]),
        )
    }
}

impl Panel for OsiPanel {
    type Msg = OsiMsg;

    const KEYS: &'static [crate::ui::keymap::Binding] = KEYS;

    fn create(init: &crate::ui::panel::PanelInit) -> Self {
        OsiPanel {
            export_dir: init.export_dir.clone(),
            ..OsiPanel::default()
        }
    }

    fn update(&mut self, msg: OsiMsg, _ctx: &mut Ctx) -> Option<Msg> {
        match msg {
            OsiMsg::ToggleView => {
                self.view = match self.view {
                    OsiView::Layers => OsiView::Encapsulation,
                    OsiView::Encapsulation => OsiView::Layers,
                };
            }
            OsiMsg::ToggleTransport => {
                self.transport = match self.transport {
                    Transport::Tcp => Transport::Udp,
                    Transport::Udp => Transport::Tcp,
                };
                self.view = OsiView::Encapsulation;
                self.rebuild();
            }
            OsiMsg::ToggleIp => {
                self.ip = match self.ip {
                    IpVersion::V4 => IpVersion::V6,
                    IpVersion::V6 => IpVersion::V4,
                };
                self.view = OsiView::Encapsulation;
                self.rebuild();
            }
            OsiMsg::EditMessage => {
                self.view = OsiView::Encapsulation;
                self.editing = true;
            }
            OsiMsg::Inspector(m) => self.inspector.update(m),
        }
        None
    }

    fn nav(&mut self, nav: Nav, _ctx: &mut Ctx) -> Option<Msg> {
        match (self.view, nav) {
            (_, Nav::NextPane | Nav::PrevPane) => {
                self.view = match self.view {
                    OsiView::Layers => OsiView::Encapsulation,
                    OsiView::Encapsulation => OsiView::Layers,
                };
            }
            (OsiView::Layers, Nav::Up | Nav::Prev) => self.layer = (self.layer + 1).min(7),
            (OsiView::Layers, Nav::Down | Nav::Next) => {
                self.layer = self.layer.saturating_sub(1).max(1)
            }
            (OsiView::Layers, Nav::First) => self.layer = 7,
            (OsiView::Layers, Nav::Last) => self.layer = 1,
            (OsiView::Layers, Nav::Enter) => self.view = OsiView::Encapsulation,
            (OsiView::Encapsulation, Nav::Next) => self.go_step(self.step + 1),
            (OsiView::Encapsulation, Nav::Prev) => self.go_step(self.step.saturating_sub(1)),
            (OsiView::Encapsulation, Nav::First) => self.go_step(0),
            (OsiView::Encapsulation, Nav::Last) => self.go_step(9),
            (OsiView::Encapsulation, Nav::Up | Nav::Down) => {
                self.inspector.nav(nav);
            }
            (OsiView::Encapsulation, Nav::Enter) => {}
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
        if area.height < 4 {
            return;
        }
        let title = match self.view {
            OsiView::Layers => t(ctx.lang, "osi.view.layers"),
            OsiView::Encapsulation => t(ctx.lang, "osi.view.encap"),
        };
        let title = format!("{title}  ({})", t(ctx.lang, "osi.view.switch"));
        buf.set_stringn(
            area.x,
            area.y,
            super::text::fit(&title, usize::from(area.width)),
            usize::from(area.width),
            ctx.theme.accent,
        );
        let body = Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        };
        match self.view {
            OsiView::Layers => self.render_layers(body, buf, ctx),
            OsiView::Encapsulation => self.render_encap(body, buf, ctx),
        }
    }

    fn open(&mut self, arg: &PanelArg, _ctx: &mut Ctx) {
        if let PanelArg::Osi(arg) = arg {
            self.apply_arg(arg);
        }
    }

    fn captures_text(&self) -> bool {
        self.editing
    }

    fn text_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> TextInput {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return TextInput::Ignored;
        }
        match key.code {
            KeyCode::Char(c) => {
                if self.message.chars().count() < MAX_TYPED {
                    self.message.push(c);
                    self.rebuild();
                }
                TextInput::Consumed(None)
            }
            KeyCode::Backspace => {
                self.message.pop();
                self.rebuild();
                TextInput::Consumed(None)
            }
            KeyCode::Enter => {
                self.editing = false;
                TextInput::Consumed(None)
            }
            _ => TextInput::Ignored,
        }
    }

    fn export(&mut self, _ctx: &mut Ctx) -> Option<Result<String, String>> {
        Some(self.export_frame())
    }

    /// The encapsulation steps (the layer view has nothing to step through).
    fn lecture_position(&self) -> Option<(usize, usize)> {
        (self.view == OsiView::Encapsulation).then_some((self.step, 9))
    }
}
