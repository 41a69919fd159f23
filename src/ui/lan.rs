//! The LAN / ARP section: hosts A, B, C and the gateway router on one switch.
//! The ARP story plays step by step (step / back / play); the switch's MAC table
//! and every ARP cache fill as frames pass, and each frame opens in the inspector.

use std::path::PathBuf;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::app::{Msg, Nav};
use super::keymap::{Binding, Key};
use super::panel::{Ctx, Panel, RenderCtx};
use super::text::wrap;
use super::widgets::inspector::Inspector;
use crate::i18n::{Lang, t, tf};
use crate::net::arp::{Delivery, Lan, LanScenario, LanStep, NodeId, Reaction, scenario};

/// Ticks (of the app's 50 ms timer) between steps while playing.
const TICKS_PER_STEP: u32 = 30;

/// State of the LAN / ARP panel.
#[derive(Debug)]
pub struct LanPanel {
    pub scenario: LanScenario,
    steps: Vec<LanStep>,
    error: Option<String>,
    pub cursor: usize,
    pub playing: bool,
    ticks: u32,
    /// Narrow screens show the inspector instead of the tables.
    pub show_inspector: bool,
    inspector: Option<Inspector>,
    lan: Lan,
    /// Where `w` writes (the working directory unless a test says otherwise).
    pub export_dir: Option<PathBuf>,
}

/// Messages of the LAN / ARP panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanMsg {
    TogglePlay,
    NextScenario,
    ToggleInspector,
    ToggleBits,
}

/// Keys of the LAN / ARP panel.
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[Key::Char('p')],
        msg: Msg::Lan(LanMsg::TogglePlay),
        help: "lan.key.play",
    },
    Binding {
        keys: &[Key::Char('s')],
        msg: Msg::Lan(LanMsg::NextScenario),
        help: "lan.key.scenario",
    },
    Binding {
        keys: &[Key::Char('f')],
        msg: Msg::Lan(LanMsg::ToggleInspector),
        help: "lan.key.frame",
    },
    Binding {
        keys: &[Key::Char('b')],
        msg: Msg::Lan(LanMsg::ToggleBits),
        help: "inspector.key.bits",
    },
];

impl Default for LanPanel {
    fn default() -> Self {
        let mut panel = LanPanel {
            scenario: LanScenario::SameNetwork,
            steps: Vec::new(),
            error: None,
            cursor: 0,
            playing: false,
            ticks: 0,
            show_inspector: false,
            inspector: None,
            lan: Lan::default(),
            export_dir: None,
        };
        panel.load(LanScenario::SameNetwork);
        panel
    }
}

fn delivery_style(ctx: &RenderCtx, d: Delivery) -> Style {
    match d {
        Delivery::Broadcast | Delivery::UnknownUnicast => ctx.theme.broadcast,
        Delivery::Unicast => ctx.theme.unicast,
        Delivery::Multicast => ctx.theme.multicast,
    }
}

fn delivery_key(d: Delivery) -> &'static str {
    match d {
        Delivery::Broadcast => "lan.delivery.broadcast",
        Delivery::Unicast => "lan.delivery.unicast",
        Delivery::Multicast => "lan.delivery.multicast",
        Delivery::UnknownUnicast => "lan.delivery.unknown",
    }
}

impl LanPanel {
    fn load(&mut self, kind: LanScenario) {
        self.scenario = kind;
        match scenario(kind) {
            Ok(steps) => {
                self.steps = steps;
                self.error = None;
            }
            Err(e) => {
                self.steps = Vec::new();
                self.error = Some(e.to_string());
            }
        }
        self.cursor = 0;
        self.playing = false;
        self.refresh_inspector();
    }

    fn refresh_inspector(&mut self) {
        let bits = self.inspector.as_ref().is_some_and(Inspector::bits);
        self.inspector = self.step().and_then(|s| s.frame.as_deref()).map(|f| {
            let mut i = Inspector::of_frame(f);
            i.set_bits(bits);
            i
        });
    }

    /// The step shown now.
    pub fn step(&self) -> Option<&LanStep> {
        self.steps.get(self.cursor)
    }

    pub fn step_count(&self) -> usize {
        self.steps.len()
    }

    pub fn inspector(&self) -> Option<&Inspector> {
        self.inspector.as_ref()
    }

    fn go(&mut self, cursor: usize) {
        self.cursor = cursor.min(self.steps.len().saturating_sub(1));
        self.refresh_inspector();
    }

    /// The frames of the story, each once, as `w` writes them.
    pub fn frames(&self) -> Vec<Vec<u8>> {
        let mut frames: Vec<Vec<u8>> = self.steps.iter().filter_map(|s| s.frame.clone()).collect();
        frames.dedup();
        frames
    }

    fn export_into(&self, dir: PathBuf) -> Result<String, String> {
        let path = dir.join(format!("nettutor-arp-{}.pcap", self.scenario.name()));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let stamped: Vec<_> = self
            .frames()
            .into_iter()
            .enumerate()
            .map(|(i, f)| (now + std::time::Duration::from_millis(i as u64), f))
            .collect();
        crate::net::pcap::write_pcap(&path, &stamped).map_err(|e| e.to_string())?;
        Ok(path.display().to_string())
    }

    fn render_diagram(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let Some(step) = self.step() else { return };
        let lang = ctx.lang;
        let cw = (area.width / 4).min(26);
        let active = step.delivery.map(|d| delivery_style(ctx, d));
        for (i, node) in self.lan.nodes.iter().enumerate() {
            let x = area.x + cw * i as u16;
            let w = usize::from(cw.saturating_sub(1));
            let gw = if node.id == NodeId::Router { " gw" } else { "" };
            let sender = step.from == Some(node.id);
            let name_style = if sender {
                ctx.theme.client
            } else {
                ctx.theme.bold
            };
            buf.set_stringn(
                x,
                area.y,
                format!("[{}] {}{gw}", node.id.name(), node.ip),
                w,
                name_style,
            );
            buf.set_stringn(x, area.y + 1, node.mac.to_string(), w, ctx.theme.muted);
            let reaction = step
                .reactions
                .iter()
                .find(|(id, _)| *id == node.id)
                .map(|(_, r)| *r);
            let (text, style) = match (sender && step.frame.is_some(), reaction) {
                (true, _) => (t(lang, "lan.react.sends"), active.unwrap_or(ctx.theme.base)),
                (_, Some(Reaction::Accepted)) => (t(lang, "lan.react.accepted"), ctx.theme.good),
                (_, Some(Reaction::NotMyIp)) => (t(lang, "lan.react.not-my-ip"), ctx.theme.bad),
                (_, Some(Reaction::DroppedByNic)) => {
                    (t(lang, "lan.react.nic-drops"), ctx.theme.bad)
                }
                (_, None) => ("", ctx.theme.base),
            };
            buf.set_stringn(x, area.y + 2, text, w, style);
            let on_path = sender && step.frame.is_some() || step.out_ports.contains(&node.port);
            let (link, link_style) = match (on_path, active) {
                (true, Some(style)) => ("┃", style),
                _ => ("│", ctx.theme.muted),
            };
            buf.set_string(x + 1, area.y + 3, link, link_style);
            buf.set_stringn(
                x + 3,
                area.y + 3,
                tf(lang, "lan.port", &[("n", &node.port.to_string())]),
                w.saturating_sub(3),
                ctx.theme.muted,
            );
        }
        let switch_w = usize::from((cw * 3 + 3).min(area.width));
        let label = format!(" {} ", t(lang, "lan.switch"));
        let bar = format!("└{}┘", "─".repeat(switch_w.saturating_sub(2)));
        buf.set_stringn(area.x + 1, area.y + 4, &bar, switch_w, ctx.theme.border);
        buf.set_stringn(
            area.x + 3,
            area.y + 4,
            &label,
            switch_w.saturating_sub(4),
            ctx.theme.title,
        );
        if let Some(d) = step.delivery {
            let text = t(lang, delivery_key(d));
            let x = area.x + 3 + super::text::width(&label) as u16 + 1;
            buf.set_stringn(
                x,
                area.y + 4,
                format!(" {text} "),
                usize::from(area.right().saturating_sub(x)),
                delivery_style(ctx, d),
            );
        }
        self.render_frame_in_flight(step, area, cw, buf, ctx);
        if self.scenario == LanScenario::ViaGateway {
            let text = tf(lang, "lan.other-net", &[("net", "203.0.113.0/24")]);
            let x = area
                .right()
                .saturating_sub(super::text::width(&text) as u16)
                .max(area.x);
            buf.set_stringn(
                x,
                area.y + 5,
                text,
                usize::from(area.right().saturating_sub(x)),
                ctx.theme.muted,
            );
        }
    }

    /// While playing, the frame moves along the switch from the sender's port to
    /// each port it leaves by: the renderer interpolates between steps by the tick.
    fn render_frame_in_flight(
        &self,
        step: &LanStep,
        area: Rect,
        cw: u16,
        buf: &mut Buffer,
        ctx: &RenderCtx,
    ) {
        let (Some(from), Some(delivery)) = (step.from, step.delivery) else {
            return;
        };
        if !self.playing || step.frame.is_none() {
            return;
        }
        let column = |port: u8| {
            self.lan
                .nodes
                .iter()
                .position(|n| n.port == port)
                .map(|i| area.x + cw * i as u16 + 1)
        };
        let Some(start) = self.lan.node(from).and_then(|n| column(n.port)) else {
            return;
        };
        let progress = self.ticks as f32 / TICKS_PER_STEP as f32;
        for port in &step.out_ports {
            if let Some(end) = column(*port) {
                let x = f32::from(start) + (f32::from(end) - f32::from(start)) * progress;
                let x = (x.round() as u16).min(area.right().saturating_sub(1));
                buf.set_string(x, area.y + 4, "●", delivery_style(ctx, delivery));
            }
        }
    }

    fn tables(&self, step: &LanStep, lang: Lang, ctx: &RenderCtx) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if let Some(check) = step.check {
            let verdict = if check.same {
                t(lang, "lan.and.same")
            } else {
                t(lang, "lan.and.different")
            };
            lines.push(Line::from(Span::styled(
                format!("{} AND {} = {}", check.dst_ip, check.mask, check.dst_net),
                ctx.theme.net_bits,
            )));
            lines.push(Line::from(Span::styled(
                format!("{} AND {} = {}", check.own_ip, check.mask, check.own_net),
                ctx.theme.net_bits,
            )));
            let style = if check.same {
                ctx.theme.good
            } else {
                ctx.theme.warn
            };
            lines.push(Line::from(Span::styled(format!("→ {verdict}"), style)));
        }
        lines.push(Line::from(Span::styled(
            t(lang, "lan.mac-table").to_string(),
            ctx.theme.title,
        )));
        if step.mac_table.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  {}", t(lang, "lan.empty")),
                ctx.theme.muted,
            )));
        }
        for (mac, port) in &step.mac_table {
            lines.push(Line::from(format!(
                "  {mac} → {}",
                tf(lang, "lan.port", &[("n", &port.to_string())])
            )));
        }
        lines.push(Line::from(Span::styled(
            t(lang, "lan.arp-caches").to_string(),
            ctx.theme.title,
        )));
        for (id, cache) in &step.arp_caches {
            let entries = if cache.is_empty() {
                t(lang, "lan.empty").to_string()
            } else {
                cache
                    .iter()
                    .map(|(ip, mac)| format!("{ip} → {mac}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            lines.push(Line::from(format!("  {}: {entries}", id.name())));
        }
        lines
    }
}

fn draw_lines(lines: &[Line], area: Rect, buf: &mut Buffer) {
    for (i, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

impl Panel for LanPanel {
    type Msg = LanMsg;

    fn update(&mut self, msg: LanMsg, _ctx: &mut Ctx) -> Option<Msg> {
        match msg {
            LanMsg::TogglePlay => {
                if !self.playing && self.cursor + 1 >= self.steps.len() {
                    self.go(0);
                }
                self.playing = !self.playing;
                self.ticks = 0;
            }
            LanMsg::NextScenario => {
                let next = match self.scenario {
                    LanScenario::SameNetwork => LanScenario::ViaGateway,
                    LanScenario::ViaGateway => LanScenario::SameNetwork,
                };
                self.load(next);
            }
            LanMsg::ToggleInspector => self.show_inspector = !self.show_inspector,
            LanMsg::ToggleBits => {
                if let Some(i) = &mut self.inspector {
                    i.toggle_bits();
                }
            }
        }
        None
    }

    fn nav(&mut self, nav: Nav, _ctx: &mut Ctx) -> Option<Msg> {
        match nav {
            Nav::Next => self.go(self.cursor + 1),
            Nav::Prev => self.go(self.cursor.saturating_sub(1)),
            Nav::First => self.go(0),
            Nav::Last => self.go(usize::MAX),
            Nav::Enter => self.show_inspector = !self.show_inspector,
            Nav::Up => {
                if let Some(i) = &mut self.inspector {
                    i.select_prev();
                }
            }
            Nav::Down => {
                if let Some(i) = &mut self.inspector {
                    i.select_next();
                }
            }
            Nav::NextPane | Nav::PrevPane => {}
        }
        None
    }

    fn back(&mut self, _ctx: &mut Ctx) -> bool {
        if self.show_inspector {
            self.show_inspector = false;
            return true;
        }
        false
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let lang = ctx.lang;
        if area.height < 8 || area.width < 40 {
            return;
        }
        if let Some(e) = &self.error {
            buf.set_stringn(area.x, area.y, e, usize::from(area.width), ctx.theme.bad);
            return;
        }
        let Some(step) = self.step() else { return };
        let play = if self.playing {
            t(lang, "lan.playing")
        } else {
            t(lang, "lan.paused")
        };
        let head = format!(
            "{} · {} · {}",
            tf(
                lang,
                "lan.title",
                &[(
                    "scenario",
                    t(lang, &format!("lan.scenario.{}", self.scenario.name()))
                )]
            ),
            tf(
                lang,
                "lan.step",
                &[
                    ("n", &(self.cursor + 1).to_string()),
                    ("m", &self.steps.len().to_string())
                ]
            ),
            play
        );
        buf.set_stringn(
            area.x,
            area.y,
            super::lessons::fit(&head, usize::from(area.width)),
            usize::from(area.width),
            ctx.theme.accent,
        );
        let wide = area.width >= 120 && area.height >= 30;
        let left_w = if wide {
            area.width * 11 / 20
        } else {
            area.width
        };
        let diagram = Rect {
            x: area.x,
            y: area.y + 2,
            width: left_w,
            height: 6,
        };
        self.render_diagram(diagram, buf, ctx);
        let caption = wrap(
            &[(step.caption.text(lang), ctx.theme.base)],
            usize::from(left_w),
            ("", Style::default()),
            ("", Style::default()),
        );
        let cap_h = (caption.len() as u16).min(if wide { 6 } else { 4 });
        let cap_area = Rect {
            x: area.x,
            y: area.y + 8,
            width: left_w,
            height: cap_h,
        };
        draw_lines(&caption, cap_area, buf);
        let below_y = cap_area.bottom() + 1;
        let below = Rect {
            x: area.x,
            y: below_y,
            width: area.width,
            height: area.bottom().saturating_sub(below_y),
        };
        let tables = self.tables(step, lang, ctx);
        if wide {
            let right = Rect {
                x: area.x + left_w + 2,
                y: area.y + 2,
                width: area.width - left_w - 2,
                height: cap_area.bottom().saturating_sub(area.y + 2),
            };
            draw_lines(&tables, right, buf);
            match &self.inspector {
                Some(i) => i.render(below, buf, ctx),
                None => {
                    buf.set_stringn(
                        below.x,
                        below.y,
                        t(lang, "lan.no-frame"),
                        usize::from(below.width),
                        ctx.theme.muted,
                    );
                }
            }
        } else if self.show_inspector {
            match &self.inspector {
                Some(i) => i.render(below, buf, ctx),
                None => {
                    buf.set_stringn(
                        below.x,
                        below.y,
                        t(lang, "lan.no-frame"),
                        usize::from(below.width),
                        ctx.theme.muted,
                    );
                }
            }
        } else {
            draw_lines(&tables, below, buf);
        }
    }

    fn open(&mut self, arg: &str, ctx: &mut Ctx) -> Result<(), String> {
        let bad = || tf(ctx.lang, "lan.bad-arg", &[("arg", arg)]);
        let mut kind = LanScenario::SameNetwork;
        for word in arg.split_whitespace() {
            match word.split_once('=') {
                Some(("scenario", name)) => kind = name.parse().map_err(|_| bad())?,
                _ => return Err(bad()),
            }
        }
        self.load(kind);
        Ok(())
    }

    fn wants_ticks(&self) -> bool {
        self.playing
    }

    fn tick(&mut self, _ctx: &mut Ctx) {
        if !self.playing {
            return;
        }
        self.ticks += 1;
        if self.ticks >= TICKS_PER_STEP {
            self.ticks = 0;
            if self.cursor + 1 >= self.steps.len() {
                self.playing = false;
            } else {
                self.go(self.cursor + 1);
            }
        }
    }

    fn leave(&mut self, _ctx: &mut Ctx) {
        self.playing = false;
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
