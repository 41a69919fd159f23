//! The panel's frame: header line, layout of diagram and state machine, caption
//! with queue counters and notices, and the scenario picker.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::{HandshakePanel, SIDE_BY_SIDE, Source, diagram, fit, inspect, machine};
use crate::i18n::{t, tf};
use crate::net::tcp::Scenario;
use crate::ui::panel::RenderCtx;

pub(super) fn render_panel(panel: &HandshakePanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let caption_height = caption_lines(panel, ctx, area.width).clamp(3, (area.height / 3).max(3));
    let [header, body, caption] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(caption_height),
    ])
    .areas(area);
    render_header(panel, header, buf, ctx);
    if area.width >= SIDE_BY_SIDE {
        // The sequence diagram first takes the width its labels need (at least
        // 58 %), the state machine the rest.
        let need = diagram::needed_width(panel).max(area.width * 58 / 100);
        let [left, right] =
            Layout::horizontal([Constraint::Length(need), Constraint::Min(0)]).areas(body);
        diagram::render(panel, left, buf, ctx);
        if panel.inspecting.is_some() {
            // Wide screens keep the diagram (with the selected row) in view.
            inspect::render(panel, right, buf, ctx);
        } else {
            machine::render(panel, right, buf, ctx);
        }
    } else if panel.show_machine {
        machine::render(panel, body, buf, ctx);
    } else {
        diagram::render(panel, body, buf, ctx);
    }
    render_caption(panel, caption, buf, ctx);
    if panel.picker.is_some() {
        render_picker(panel, area, buf, ctx);
    } else if panel.inspecting.is_some() && area.width < SIDE_BY_SIDE {
        let popup = Rect::new(
            area.x + 1,
            area.y + 1,
            area.width.saturating_sub(2),
            area.height.saturating_sub(2),
        );
        inspect::render(panel, popup, buf, ctx);
    }
}

/// Rows the caption needs at `width` (with its top border).
fn caption_lines(panel: &HandshakePanel, ctx: &RenderCtx, width: u16) -> u16 {
    let width = usize::from(width.max(10));
    let lines = caption_text(panel, ctx)
        .iter()
        .map(|line| crate::ui::text::width(line).div_ceil(width).max(1) + 1)
        .sum::<usize>();
    u16::try_from(lines + 1).unwrap_or(u16::MAX)
}

/// The caption's lines before wrapping: notices, queue counters, the step's text.
fn caption_text(panel: &HandshakePanel, ctx: &RenderCtx) -> Vec<String> {
    let lang = ctx.lang;
    let mut lines = Vec::new();
    if let Some(key) = panel.notice {
        lines.push(t(lang, key).to_string());
    }
    if let Some(err) = &panel.capture_error {
        lines.push(err.clone());
    }
    if let Some(q) = panel.current_step().and_then(|s| s.queues.as_ref()) {
        // Each connection in a queue on its own: ■ per entry, □ per free slot.
        let queue = |entries: &[std::net::SocketAddr]| {
            let mut text = format!("{}/{}", entries.len(), q.limit());
            for addr in entries {
                text.push_str(&format!(" ■ {addr}"));
            }
            text.push_str(&" □".repeat(q.limit().saturating_sub(entries.len())));
            text
        };
        lines.push(tf(
            lang,
            "hs.queues",
            &[
                ("syn", &queue(&q.syn_queue)),
                ("accept", &queue(&q.accept_queue)),
                ("backlog", &q.backlog.to_string()),
                ("somaxconn", &q.somaxconn.to_string()),
            ],
        ));
    }
    lines.push(match panel.current_step() {
        Some(step) => {
            let args = step.caption_args();
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            tf(lang, step.caption, &args)
        }
        None => t(lang, "hs.cap.start").to_string(),
    });
    lines
}

fn render_header(panel: &HandshakePanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let (name, description) = match panel.source {
        Source::Scenario(s) => (s.name(), t(lang, s.description_key())),
        Source::Real => ("real", t(lang, "hs.real.title")),
    };
    let state = if panel.playing { "▶" } else { "⏸" };
    let position = tf(
        lang,
        "hs.position",
        &[
            ("at", &panel.at.to_string()),
            ("total", &panel.timeline.steps.len().to_string()),
        ],
    );
    let right = format!(" {state} {}  {position}", panel.speed_label());
    let room = usize::from(area.width).saturating_sub(crate::ui::text::width(&right) + 1);
    let left = fit(&format!("{name} — {description}"), room);
    let pad = room.saturating_sub(crate::ui::text::width(&left));
    Paragraph::new(Line::from(vec![
        Span::styled(left, ctx.theme.title),
        Span::raw(" ".repeat(pad + 1)),
        Span::styled(right, ctx.theme.accent),
    ]))
    .render(area, buf);
}

fn render_caption(panel: &HandshakePanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let texts = caption_text(panel, ctx);
    let last = texts.len().saturating_sub(1);
    let lines: Vec<Line> = texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            // Notices and counters first, in their colours; the explanation last.
            let style = if i == last {
                ctx.theme.base
            } else if text.contains('■') || text.contains('□') {
                ctx.theme.accent
            } else {
                ctx.theme.warn
            };
            Line::styled(text, style)
        })
        .collect();
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(ctx.theme.border),
        )
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

fn render_picker(panel: &HandshakePanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let rows = HandshakePanel::picker_rows() as u16;
    let width = area.width.saturating_sub(4).min(100);
    let height = (rows + 2).min(area.height);
    // Start on an odd column next to the left border so no double-width
    // character of the diagram's title is cut in half on narrow screens.
    let x = if area.width < crate::ui::layout::PICKER_NARROW {
        area.x + 1
    } else {
        area.x + (area.width - width) / 2
    };
    let width = if area.width < crate::ui::layout::PICKER_NARROW {
        area.width.saturating_sub(2)
    } else {
        width
    };
    let popup = Rect::new(x, area.y + 1, width, height);
    Clear.render(popup, buf);
    let selected = panel.picker.unwrap_or(0);
    let inner_width = usize::from(width.saturating_sub(2));
    let mut lines: Vec<Line> = Scenario::ALL
        .iter()
        .map(|s| format!("{:<20} {}", s.name(), t(lang, s.description_key())))
        .chain(std::iter::once(format!(
            "{:<20} {}",
            "real",
            t(lang, "hs.real.title")
        )))
        .enumerate()
        .map(|(i, text)| {
            let style = if i == selected {
                ctx.theme.selected
            } else {
                ctx.theme.base
            };
            Line::styled(fit(&text, inner_width), style)
        })
        .collect();
    lines.truncate(usize::from(height.saturating_sub(2)));
    Paragraph::new(lines)
        .block(ctx.theme.block(t(lang, "hs.picker.title"), true))
        .render(popup, buf);
}
