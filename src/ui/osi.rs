//! The OSI & encapsulation section: the seven OSI layers beside the four- and
//! five-layer TCP/IP models, and a stepper where a typed message gains one header
//! per layer on the way down and loses them again on the way up, every step's
//! bytes open in the packet inspector.

use std::path::PathBuf;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::app::{Msg, Nav};
use super::keymap::{Binding, Key};
use super::panel::{Ctx, Panel, RenderCtx, TextInput};
use super::text::{width, wrap};
use super::widgets::inspector::{Inspector, layer_style};
use crate::i18n::{Lang, t, tf};
use crate::net::frame::LayerKind;
use crate::net::osi::{
    Direction, Encapsulation, Endpoints, IpVersion, OsiModel, Stage, Transport, encapsulate,
};

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
    inspector: Option<Inspector>,
    /// Where `w` writes (the working directory unless a test says otherwise).
    pub export_dir: Option<PathBuf>,
}

/// Messages of the OSI & encapsulation panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsiMsg {
    ToggleTransport,
    ToggleIp,
    EditMessage,
    ToggleBits,
    ToggleView,
}

/// Keys of the OSI & encapsulation panel.
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[Key::Char('v')],
        msg: Msg::Osi(OsiMsg::ToggleView),
        help: "osi.key.view",
    },
    Binding {
        keys: &[Key::Char('m')],
        msg: Msg::Osi(OsiMsg::EditMessage),
        help: "osi.key.message",
    },
    Binding {
        keys: &[Key::Char('t')],
        msg: Msg::Osi(OsiMsg::ToggleTransport),
        help: "osi.key.transport",
    },
    Binding {
        keys: &[Key::Char('i')],
        msg: Msg::Osi(OsiMsg::ToggleIp),
        help: "osi.key.ip",
    },
    Binding {
        keys: &[Key::Char('b')],
        msg: Msg::Osi(OsiMsg::ToggleBits),
        help: "inspector.key.bits",
    },
];

/// Longest message the input takes (more than any MTU, so the error shows).
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
            inspector: None,
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
        let bits = self.inspector.as_ref().is_some_and(Inspector::bits);
        self.inspector = self.encap.as_ref().ok().and_then(|e| {
            let step = e.steps.get(self.step)?;
            let mut inspector = Inspector::new(step.bytes.clone(), e.dissect_step(self.step)?);
            inspector.set_bits(bits || step.stage == Stage::Physical);
            Some(inspector)
        });
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
        self.inspector.as_ref()
    }

    fn apply_arg(&mut self, arg: &str, lang: Lang) -> Result<(), String> {
        let bad = || tf(lang, "osi.bad-arg", &[("arg", arg)]);
        let mut words = arg.split_whitespace().peekable();
        if words.peek() == Some(&"encap") {
            words.next();
            self.view = OsiView::Encapsulation;
        }
        for word in words {
            let (key, value) = word.split_once('=').ok_or_else(bad)?;
            match (key, value) {
                ("layer", n) => {
                    self.layer = n
                        .parse()
                        .ok()
                        .filter(|n| (1..=7).contains(n))
                        .ok_or_else(bad)?;
                    self.view = OsiView::Layers;
                }
                ("message", m) => self.message = m.to_string(),
                ("proto", "tcp") => self.transport = Transport::Tcp,
                ("proto", "udp") => self.transport = Transport::Udp,
                ("ip", "v4") => self.ip = IpVersion::V4,
                ("ip", "v6") => self.ip = IpVersion::V6,
                _ => return Err(bad()),
            }
        }
        self.step = 0;
        self.rebuild();
        Ok(())
    }

    /// Writes the current frame as pcap into `dir`; returns the path written.
    fn export_into(&self, dir: PathBuf) -> Result<String, String> {
        let e = self.encap.as_ref().map_err(Clone::clone)?;
        let path = dir.join(format!(
            "nettutor-encapsulation-{}-{}.pcap",
            transport_name(self.transport).to_lowercase(),
            ip_name(self.ip).to_lowercase()
        ));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        crate::net::pcap::write_pcap(&path, &[(now, e.frame.clone())])
            .map_err(|e| e.to_string())?;
        Ok(path.display().to_string())
    }

    fn render_layers(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let model = OsiModel::builtin();
        let lang = ctx.lang;
        let wide = area.width >= 120;
        let table_w = if wide { area.width / 2 } else { area.width };
        let cols = [2usize, 15, 23, 19];
        let header = [
            "",
            t(lang, "osi.col.osi"),
            t(lang, "osi.col.tcpip4"),
            t(lang, "osi.col.tcpip5"),
        ];
        let mut y = area.y;
        let mut line = String::new();
        for (text, w) in header.iter().zip(cols) {
            line.push_str(&pad(text, w));
        }
        line.push_str(t(lang, "osi.col.pdu"));
        buf.set_stringn(area.x, y, &line, usize::from(table_w), ctx.theme.title);
        y += 1;
        let mut prev4 = String::new();
        let mut prev5 = String::new();
        for l in &model.layers {
            let name_of = |list: &[crate::net::osi::TcpIpLayer], id: &str| {
                list.iter()
                    .find(|x| x.id == id)
                    .map(|x| x.name.get(lang).to_string())
                    .unwrap_or_default()
            };
            // A TCP/IP layer that spans several OSI layers is named once, then continued.
            let four = if l.tcpip4 == prev4 {
                "│".to_string()
            } else {
                name_of(&model.tcpip4, &l.tcpip4)
            };
            let five = if l.tcpip5 == prev5 {
                "│".to_string()
            } else {
                name_of(&model.tcpip5, &l.tcpip5)
            };
            prev4.clone_from(&l.tcpip4);
            prev5.clone_from(&l.tcpip5);
            let style = if l.number == self.layer {
                ctx.theme.selected
            } else {
                osi_style(ctx, l.number)
            };
            let text = format!(
                "{}{}{}{}{}",
                pad(&l.number.to_string(), cols[0]),
                pad(l.name.get(lang), cols[1]),
                pad(&four, cols[2]),
                pad(&five, cols[3]),
                l.pdu.get(lang)
            );
            buf.set_stringn(
                area.x,
                y,
                super::lessons::fit(&text, usize::from(table_w)),
                usize::from(table_w),
                style,
            );
            y += 1;
        }
        let detail = if wide {
            Rect {
                x: area.x + table_w + 1,
                width: area.width - table_w - 1,
                ..area
            }
        } else {
            Rect {
                y: y + 1,
                height: area.bottom().saturating_sub(y + 1),
                ..area
            }
        };
        let Some(layer) = model.layer(self.layer) else {
            return;
        };
        let max = usize::from(detail.width);
        let mut lines: Vec<Line> = vec![Line::from(Span::styled(
            tf(
                lang,
                "osi.layer-title",
                &[
                    ("n", &self.layer.to_string()),
                    ("name", layer.name.get(lang)),
                ],
            ),
            ctx.theme.title,
        ))];
        let field = |label: &str, value: &str, lines: &mut Vec<Line<'static>>| {
            let runs = vec![
                (format!("{label}: "), ctx.theme.bold),
                (value.to_string(), ctx.theme.base),
            ];
            lines.extend(wrap(
                &runs,
                max,
                ("", Style::default()),
                ("  ", Style::default()),
            ));
        };
        field(t(lang, "osi.job"), layer.job.get(lang), &mut lines);
        field(t(lang, "osi.col.pdu"), layer.pdu.get(lang), &mut lines);
        field(
            t(lang, "osi.protocols"),
            &layer.protocols.join(", "),
            &mut lines,
        );
        field(t(lang, "osi.devices"), layer.devices.get(lang), &mut lines);
        if matches!(self.layer, 2 | 3) {
            let runs = vec![
                (format!("{} ", t(lang, "osi.arp-title")), ctx.theme.warn),
                (model.arp_note.get(lang).to_string(), ctx.theme.callout),
            ];
            lines.extend(wrap(
                &runs,
                max,
                ("> ", ctx.theme.callout),
                ("  ", ctx.theme.callout),
            ));
        }
        draw_lines(&lines, detail, buf);
    }

    fn render_encap(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let lang = ctx.lang;
        let max = usize::from(area.width);
        let cursor = if self.editing { "▏" } else { "" };
        let hint = if self.editing {
            t(lang, "osi.editing")
        } else {
            t(lang, "osi.edit-hint")
        };
        let top = Line::from(vec![
            Span::styled(format!("{}: ", t(lang, "osi.message")), ctx.theme.bold),
            Span::styled(
                format!("{}{cursor}", super::lessons::fit(&self.message, 40)),
                ctx.theme.code,
            ),
            Span::styled(format!(" {hint} · "), ctx.theme.muted),
            Span::styled(
                format!("{} (t)", transport_name(self.transport)),
                ctx.theme.layer_transport,
            ),
            Span::styled(" · ", ctx.theme.muted),
            Span::styled(format!("{} (i)", ip_name(self.ip)), ctx.theme.layer_network),
        ]);
        buf.set_line(area.x, area.y, &top, area.width);
        let e = match &self.encap {
            Ok(e) => e,
            Err(message) => {
                let lines = wrap(
                    &[(message.clone(), ctx.theme.bad)],
                    max,
                    ("", Style::default()),
                    ("", Style::default()),
                );
                draw_lines(
                    &lines,
                    Rect {
                        y: area.y + 2,
                        height: area.height.saturating_sub(2),
                        ..area
                    },
                    buf,
                );
                return;
            }
        };
        let Some(step) = e.steps.get(self.step) else {
            return;
        };
        let model = OsiModel::builtin();
        let stage_name = model
            .layer(step.stage.osi_layer())
            .map(|l| l.name.get(lang))
            .unwrap_or("");
        let dir = match step.direction {
            Direction::Sending => t(lang, "osi.sending"),
            Direction::Receiving => t(lang, "osi.receiving"),
        };
        let head = format!(
            "{} · {dir} · {} {stage_name} · {}: {}",
            tf(
                lang,
                "osi.step",
                &[("n", &(self.step + 1).to_string()), ("m", "10")]
            ),
            step.stage.osi_layer(),
            t(lang, "osi.col.pdu"),
            step.pdu.label().get(lang),
        );
        buf.set_stringn(
            area.x,
            area.y + 1,
            super::lessons::fit(&head, max),
            max,
            ctx.theme.title,
        );
        self.render_ladder(area.x, area.y + 2, max, buf, ctx);
        self.render_blocks(e, area.x, area.y + 3, max, buf, ctx);
        let explain = self.step_text(e, lang);
        let lines = wrap(
            &[(explain, ctx.theme.base)],
            max,
            ("", Style::default()),
            ("", Style::default()),
        );
        let explain_h = (lines.len() as u16).min(3);
        draw_lines(
            &lines,
            Rect {
                y: area.y + 4,
                height: explain_h,
                ..area
            },
            buf,
        );
        let used = 4 + explain_h;
        if let Some(inspector) = &self.inspector {
            let rest = Rect {
                y: area.y + used,
                height: area.height.saturating_sub(used),
                ..area
            };
            inspector.render(rest, buf, ctx);
        }
    }

    /// Application → … → Physical ⇒ Physical → … → Application, current one marked.
    fn render_ladder(&self, x: u16, y: u16, max: usize, buf: &mut Buffer, ctx: &RenderCtx) {
        let short = |n: u8| {
            t(
                ctx.lang,
                match n {
                    7 => "osi.short.7",
                    4 => "osi.short.4",
                    3 => "osi.short.3",
                    2 => "osi.short.2",
                    _ => "osi.short.1",
                },
            )
        };
        // Steps 0–4 go down the sender's stack, 5–9 up the receiver's.
        let order = [7u8, 4, 3, 2, 1, 1, 2, 3, 4, 7];
        let mut spans = Vec::new();
        for (i, n) in order.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(
                    if i == 5 { " ⇒ " } else { "→" },
                    ctx.theme.muted,
                ));
            }
            let style = if i == self.step {
                ctx.theme.selected
            } else {
                osi_style(ctx, *n)
            };
            spans.push(Span::styled(short(*n).to_string(), style));
        }
        buf.set_line(x, y, &Line::from(spans), max as u16);
    }

    /// The unit of data as coloured blocks: [Eth 14][IPv4 20][TCP 20][data 5][pad+FCS].
    fn render_blocks(
        &self,
        e: &Encapsulation,
        x: u16,
        y: u16,
        max: usize,
        buf: &mut Buffer,
        ctx: &RenderCtx,
    ) {
        let Some(step) = e.steps.get(self.step) else {
            return;
        };
        let Some(d) = e.dissect_step(self.step) else {
            return;
        };
        let mut spans = Vec::new();
        for layer in &d.layers {
            let name = match layer.kind {
                LayerKind::Ethernet => "Ethernet",
                LayerKind::Ipv4 => "IPv4",
                LayerKind::Ipv6 => "IPv6",
                LayerKind::Tcp => "TCP",
                LayerKind::Udp => "UDP",
                LayerKind::Payload => "data",
                LayerKind::Physical => "preamble+SFD",
                LayerKind::Arp => "ARP",
                LayerKind::Malformed => "?",
            };
            let mut style = layer_style(ctx.theme, layer.kind);
            if layer.bytes.start == step.header.start
                && layer.bytes == step.header
                && !step.header.is_empty()
            {
                style = ctx.theme.selected;
            }
            spans.push(Span::styled(
                format!("[{name} {}]", layer.bytes.len()),
                style,
            ));
        }
        if !step.trailer.is_empty() {
            let style = if step.direction == Direction::Sending && step.stage == Stage::DataLink {
                ctx.theme.selected
            } else {
                ctx.theme.layer_link
            };
            spans.push(Span::styled(
                format!("[pad+FCS {}]", step.trailer.len()),
                style,
            ));
        }
        spans.push(Span::styled(
            format!(" = {} B", step.bytes.len()),
            ctx.theme.muted,
        ));
        buf.set_line(x, y, &Line::from(spans), max as u16);
    }

    fn step_text(&self, e: &Encapsulation, lang: Lang) -> String {
        let Some(step) = e.steps.get(self.step) else {
            return String::new();
        };
        let dir = match step.direction {
            Direction::Sending => "send",
            Direction::Receiving => "recv",
        };
        let key = format!("osi.step.{dir}.{}", stage_key(step.stage));
        let pad = step.trailer.len().saturating_sub(4);
        tf(
            lang,
            &key,
            &[
                ("n", &step.header.len().to_string()),
                ("len", &self.message.len().to_string()),
                ("transport", transport_name(e.transport)),
                ("ip", ip_name(e.ip)),
                ("pad", &pad.to_string()),
                ("port", &Endpoints::default().dst_port.to_string()),
            ],
        )
    }
}

fn osi_style(ctx: &RenderCtx, n: u8) -> Style {
    match n {
        5..=7 => ctx.theme.layer_app,
        4 => ctx.theme.layer_transport,
        3 => ctx.theme.layer_network,
        2 => ctx.theme.layer_link,
        _ => ctx.theme.layer_phys,
    }
}

/// `s` padded with spaces to `w` display cells (at least one space after it).
fn pad(s: &str, w: usize) -> String {
    let used = width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(used).max(1)))
}

fn draw_lines(lines: &[Line], area: Rect, buf: &mut Buffer) {
    for (i, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

impl Panel for OsiPanel {
    type Msg = OsiMsg;

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
            OsiMsg::ToggleBits => {
                if let Some(i) = &mut self.inspector {
                    i.toggle_bits();
                }
            }
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
            (OsiView::Encapsulation, Nav::Up) => {
                if let Some(i) = &mut self.inspector {
                    i.select_prev();
                }
            }
            (OsiView::Encapsulation, Nav::Down) => {
                if let Some(i) = &mut self.inspector {
                    i.select_next();
                }
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
            super::lessons::fit(&title, usize::from(area.width)),
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

    fn open(&mut self, arg: &str, ctx: &mut Ctx) -> Result<(), String> {
        self.apply_arg(arg, ctx.lang)
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
        let dir = self
            .export_dir
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        Some(self.export_into(dir))
    }
}
