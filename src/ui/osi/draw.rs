//! Drawing the OSI panel: the layer table with the selected layer's facts, and
//! the encapsulation stepper (ladder, header blocks, explanation, inspector).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::super::panel::RenderCtx;
use super::super::text::{width, wrap};
use super::super::widgets::inspector::layer_style;
use super::{OsiPanel, ip_name, stage_key, transport_name};
use crate::i18n::{Lang, t, tf};
use crate::net::frame::LayerKind;
use crate::net::osi::{Direction, Encapsulation, Endpoints, OsiModel, Stage};

impl OsiPanel {
    pub(super) fn render_layers(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let model = OsiModel::builtin();
        let lang = ctx.lang;
        let wide = area.width >= crate::ui::layout::WIDE;
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
                super::super::text::fit(&text, usize::from(table_w)),
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

    pub(super) fn render_encap(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
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
                format!("{}{cursor}", super::super::text::fit(&self.message, 40)),
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
            super::super::text::fit(&head, max),
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
        if let Some(inspector) = self.inspector.get() {
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
                LayerKind::Payload => t(ctx.lang, "osi.block.data"),
                LayerKind::Physical => t(ctx.lang, "osi.block.preamble"),
                LayerKind::Arp => "ARP",
                LayerKind::Dhcp => "DHCP",
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
                format!(
                    "[{} {}]",
                    t(ctx.lang, "osi.block.trailer"),
                    step.trailer.len()
                ),
                style,
            ));
        }
        spans.push(Span::styled(
            tf(
                ctx.lang,
                "osi.block.total",
                &[("n", &step.bytes.len().to_string())],
            ),
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
