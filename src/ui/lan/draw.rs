//! Drawing the LAN panel: hosts and switch with the frame's path, the caption,
//! the MAC table and ARP caches, and the inspector.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::super::layout::{LAN_DIAGRAM_MIN, LAN_TALL};
use super::super::panel::RenderCtx;
use super::super::text::wrap;
use super::real::{self, KernelTables, Mark, RealRun};
use super::{LanPanel, TICKS_PER_STEP};
use crate::i18n::{Lang, t, tf};
use crate::net::arp::{Delivery, LanStep, NodeId, Reaction};

impl LanPanel {
    pub(super) fn draw(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
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
        let scenario = match &self.case {
            Some(case) => tf(
                lang,
                "lan.scenario.own",
                &[
                    ("own", &format!("{}/{}", case.own, case.prefix)),
                    ("dst", &case.dst.to_string()),
                ],
            ),
            None => t(lang, &format!("lan.scenario.{}", self.scenario.name())).to_string(),
        };
        let head = format!(
            "{} · {} · {}",
            tf(lang, "lan.title", &[("scenario", &scenario)]),
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
            super::super::text::fit(&head, usize::from(area.width)),
            usize::from(area.width),
            ctx.theme.accent,
        );
        // Side by side only when the diagram keeps 18+ columns per host
        // ("[A] 192.168.1.10" and a full MAC address).
        let wide = area.width * 11 / 20 >= LAN_DIAGRAM_MIN && area.height >= LAN_TALL;
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
        // The explanation is never cut: on a narrow screen it takes the rows it
        // needs and the tables below get what is left.
        let room = area.bottom().saturating_sub(area.y + 8);
        let cap_h = (caption.len() as u16).min(if wide { 6.max(room / 2) } else { room });
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
            self.inspector.render(below, buf, ctx, "lan.no-frame");
        } else if self.show_inspector {
            self.inspector.render(below, buf, ctx, "lan.no-frame");
        } else {
            draw_lines(&tables, below, buf);
        }
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
            let full = format!("[{}] {}{gw}", node.id.name(), node.ip);
            let label = if full.len() <= w {
                full
            } else {
                format!("{} {}", node.id.name(), node.ip)
            };
            buf.set_stringn(x, area.y, label, w, name_style);
            // A narrow column keeps the MAC's distinctive end rather than its start.
            let mac = node.mac.to_string();
            let mac = if mac.len() <= w {
                mac
            } else {
                format!("…{}", &mac[mac.len().saturating_sub(w.saturating_sub(1))..])
            };
            buf.set_stringn(x, area.y + 1, mac, w, ctx.theme.muted);
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
            let x = area.x + 3 + super::super::text::width(&label) as u16 + 1;
            buf.set_stringn(
                x,
                area.y + 4,
                format!(" {text} "),
                usize::from(area.right().saturating_sub(x)),
                delivery_style(ctx, d),
            );
        }
        self.render_frame_in_flight(step, area, cw, buf, ctx);
        let beyond = self.steps.first().and_then(|s| s.check).filter(|c| !c.same);
        if let Some(check) = beyond {
            let net = format!("{}/{}", check.dst_net, self.lan.net.prefix_len());
            let text = tf(lang, "lan.other-net", &[("net", &net)]);
            let x = area
                .right()
                .saturating_sub(super::super::text::width(&text) as u16)
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

fn draw_lines(lines: &[Line], area: Rect, buf: &mut Buffer) {
    for (i, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

impl LanPanel {
    /// Real mode: the captured frames (the selected one in the inspector), where
    /// each was seen, the kernel's tables as they stood once the selected frame
    /// had passed, and the experiment's facts.
    pub(super) fn draw_real(&self, run: &RealRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let lang = ctx.lang;
        let width = usize::from(area.width);
        let key = format!("net.{}.title", run.experiment);
        let title = t(lang, &key);
        let head = if run.running {
            tf(
                lang,
                "lan.real.live-title",
                &[("experiment", title), ("n", &run.frames.len().to_string())],
            )
        } else {
            tf(
                lang,
                "lan.real.title",
                &[
                    ("experiment", title),
                    ("n", &(self.real_cursor + 1).to_string()),
                    ("m", &run.frames.len().to_string()),
                ],
            )
        };
        buf.set_stringn(
            area.x,
            area.y,
            super::super::text::fit(&head, width),
            width,
            ctx.theme.accent,
        );
        let wide = area.width >= 120 && area.height >= LAN_TALL;
        let left_w = if wide {
            area.width * 11 / 20
        } else {
            area.width
        };
        let lw = usize::from(left_w);
        let mut left: Vec<Line<'static>> = Vec::new();
        let plain = |s: String| (s, ctx.theme.muted);
        // The lab drawn, the selected frame's cables lit (the newest frame's
        // while the run streams).
        let selected = run.frames.get(self.real_cursor);
        left.extend(super::topo::lines(
            super::topo::Lit {
                points: selected.map_or(&[], |f| f.points.as_slice()),
                sender: selected.and_then(|f| f.sender.as_deref()),
            },
            lw,
            ctx,
        ));
        left.extend(wrap(
            &[plain(t(lang, "lan.real.legend").to_string())],
            lw,
            ("", Style::default()),
            ("", Style::default()),
        ));
        let timing = tf(
            lang,
            "lan.real.timing",
            &[
                ("setup", &format!("{:.1}", run.setup_ms)),
                ("run", &format!("{:.1}", run.run_ms)),
                ("teardown", &format!("{:.1}", run.teardown_ms)),
                ("ipv6", &run.ipv6_frames.to_string()),
            ],
        );
        if !run.running {
            left.extend(wrap(
                &[plain(timing)],
                lw,
                ("", Style::default()),
                ("", Style::default()),
            ));
            if run.capture_dropped > 0 {
                let n = run.capture_dropped.to_string();
                left.extend(wrap(
                    &[(tf(lang, "net.capture_dropped", &[("n", &n)]), ctx.theme.bad)],
                    lw,
                    ("", Style::default()),
                    ("", Style::default()),
                ));
            }
        }
        left.push(Line::default());
        // As many frames as half the height holds, the selected one among them.
        let rows = usize::from(area.height / 2).max(3);
        let shown = frame_window(run.frames.len(), self.real_cursor, rows);
        if shown.start > 0 {
            left.push(Line::styled(
                tf(lang, "lan.real.earlier", &[("n", &shown.start.to_string())]),
                ctx.theme.muted,
            ));
        }
        for (i, frame) in run
            .frames
            .iter()
            .enumerate()
            .take(shown.end)
            .skip(shown.start)
        {
            let mark = if i == self.real_cursor { "▸" } else { " " };
            let ms = format!("{:.3}", frame.at_us as f64 / 1000.0);
            let row = format!("{mark}{ms:>8} ms  {}", real::summary(&frame.seen, lang));
            // Frames after the selected one are not "on the wire" yet: stepping
            // (→ or p) brings them in one by one, in capture order.
            let style = match i.cmp(&self.real_cursor) {
                std::cmp::Ordering::Equal => ctx.theme.selected,
                std::cmp::Ordering::Less => ctx.theme.base,
                std::cmp::Ordering::Greater => ctx.theme.muted,
            };
            left.push(Line::styled(super::super::text::fit(&row, lw), style));
        }
        left.push(Line::default());
        if let Some(frame) = run.frames.get(self.real_cursor) {
            left.extend(wrap(
                &[(real::seen_at(frame, lang), ctx.theme.base)],
                lw,
                ("", Style::default()),
                ("  ", Style::default()),
            ));
        }
        let mut tables: Vec<Line<'static>> = Vec::new();
        let tw = if wide {
            usize::from(area.width - left_w - 2)
        } else {
            width
        };
        // The question the run answers is its own experiment's, whatever
        // scenario was chosen while it ran.
        let asked = real::scenario_of(&run.experiment);
        if let (Some(predicted), Some(asked)) = (self.prediction.filter(|_| !run.running), asked) {
            let right = real::observed_choice(run) == Some(predicted);
            let style = if right { ctx.theme.good } else { ctx.theme.bad };
            tables.extend(wrap(
                &[(real::verdict(run, asked, predicted, lang), style)],
                tw,
                ("• ", Style::default()),
                ("  ", Style::default()),
            ));
        }
        tables.extend(kernel_tables(&run.tables_at(self.real_cursor), tw, ctx));
        tables.push(Line::styled(
            t(lang, "lan.real.facts").to_string(),
            ctx.theme.bold,
        ));
        if run.running {
            tables.extend(wrap(
                &[(t(lang, "lan.real.live-facts").to_string(), ctx.theme.muted)],
                tw,
                ("", Style::default()),
                ("", Style::default()),
            ));
        }
        let facts = if run.running {
            Vec::new()
        } else {
            real::facts(run, lang)
        };
        for fact in facts {
            tables.extend(wrap(
                &[(fact, ctx.theme.base)],
                tw,
                ("• ", Style::default()),
                ("  ", Style::default()),
            ));
        }
        let top = area.y + 2;
        let height = area.bottom().saturating_sub(top);
        if wide {
            let used = (left.len().max(tables.len()) as u16).min(height);
            draw_lines(&left, Rect::new(area.x, top, left_w, used), buf);
            draw_lines(
                &tables,
                Rect::new(area.x + left_w + 2, top, area.width - left_w - 2, used),
                buf,
            );
            let below_y = top + used + 1;
            let below = Rect::new(
                area.x,
                below_y,
                area.width,
                area.bottom().saturating_sub(below_y),
            );
            self.inspector.render(below, buf, ctx, "lan.no-frame");
        } else {
            let used = (left.len() as u16).min(height);
            draw_lines(&left, Rect::new(area.x, top, area.width, used), buf);
            let below_y = top + used;
            let below = Rect::new(
                area.x,
                below_y,
                area.width,
                area.bottom().saturating_sub(below_y),
            );
            if self.show_inspector {
                self.inspector.render(below, buf, ctx, "lan.no-frame");
            } else {
                draw_lines(&tables, below, buf);
            }
        }
    }
}

/// Which of `len` frames a list of `rows` lines shows: all when they fit;
/// else a window holding `cursor`, the line it loses to "… n earlier" counted.
fn frame_window(len: usize, cursor: usize, rows: usize) -> std::ops::Range<usize> {
    if len <= rows {
        return 0..len;
    }
    let rows = rows.saturating_sub(1).max(1);
    let start = (cursor + 1).saturating_sub(rows).min(len - rows);
    start..start + rows
}

/// A's ARP cache, the switch's MAC table and the routing tables at the frame
/// shown: rows changed since the frame before marked `+`, rows gone `−`.
fn kernel_tables(tables: &KernelTables, width: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    let mut lines = Vec::new();
    if tables.live {
        lines.extend(wrap(
            &[(t(lang, "lan.real.kernel").to_string(), ctx.theme.muted)],
            width,
            ("", Style::default()),
            ("", Style::default()),
        ));
    }
    let sections = [
        ("lan.real.cache", &tables.arp),
        ("lan.real.bridge", &tables.bridge),
        ("lan.real.routes", &tables.routes),
    ];
    for (title, rows) in sections {
        if title == "lan.real.routes" && !tables.live {
            continue;
        }
        lines.push(Line::styled(t(lang, title).to_string(), ctx.theme.bold));
        if rows.is_empty() {
            lines.push(Line::styled(
                format!("  {}", t(lang, "lan.empty")),
                ctx.theme.muted,
            ));
        }
        for row in rows {
            let (mark, style) = match row.mark {
                Mark::Kept => ("  ", ctx.theme.base),
                Mark::Changed => ("+ ", ctx.theme.good),
                Mark::Removed => ("− ", ctx.theme.muted.add_modifier(Modifier::CROSSED_OUT)),
            };
            lines.push(Line::styled(
                super::super::text::fit(&format!("{mark}{}", row.text), width),
                style,
            ));
        }
    }
    lines
}

impl LanPanel {
    /// A lesson's experiment before its run: what it is and how to run it.
    pub(super) fn draw_armed(&self, name: &str, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let lang = ctx.lang;
        let width = usize::from(area.width);
        let para = |key: String, style: Style| {
            wrap(
                &[(key, style)],
                width,
                ("", Style::default()),
                ("", Style::default()),
            )
        };
        let mut lines: Vec<Line<'static>> = vec![Line::styled(
            super::super::text::fit(
                &tf(
                    lang,
                    "lan.experiment.title",
                    &[("title", t(lang, &format!("net.{name}.title")))],
                ),
                width,
            ),
            ctx.theme.accent,
        )];
        lines.push(Line::default());
        lines.extend(para(
            t(lang, &format!("net.{name}.about")).to_string(),
            ctx.theme.base,
        ));
        lines.push(Line::default());
        let keys = if self.real_running() {
            tf(lang, "lan.experiment.running", &[("name", name)])
        } else {
            t(lang, "lan.experiment.keys").to_string()
        };
        lines.extend(para(keys, ctx.theme.muted));
        draw_lines(&lines, area, buf);
    }

    /// Predict, then observe: the question before a real run, and its choices.
    pub(super) fn draw_question(
        &self,
        choice: usize,
        area: Rect,
        buf: &mut Buffer,
        ctx: &RenderCtx,
    ) {
        let lang = ctx.lang;
        super::predict::draw(
            t(lang, "lan.predict.title"),
            None,
            &real::question(self.scenario),
            choice,
            t(lang, "lan.predict.keys"),
            &[],
            area,
            buf,
            ctx,
        );
    }
}
