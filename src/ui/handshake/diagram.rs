//! The sequence diagram: client and server lifelines labelled with their states,
//! one row per segment, the segment in flight drawn as a growing arrow.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;

use super::{HandshakePanel, STEP_UNITS, fit, side_name};
use crate::i18n::t;
use crate::net::tcp::{Ends, Fate, Flight, Side, Step, TcpState, flags_label};
use crate::ui::panel::RenderCtx;

/// Width of the state column beside each lifeline ("SYN-RECEIVED" + margin).
const STATE_COL: u16 = 13;

/// One row of the diagram.
struct Row<'a> {
    step: &'a Step,
    flight: Option<&'a Flight>,
    /// Index of the flight in `timeline.flights()`.
    ordinal: usize,
    /// 0.0–1.0 of the flight; 1.0 for completed steps.
    progress: f32,
    states: Ends<TcpState>,
    /// Part 0, 1 or 2 of two segments crossing (drawn as an X over three rows).
    cross: Option<u8>,
}

/// Whether a step's two segments cross on the wire (sent by both ends at once).
fn crossing(step: &Step) -> bool {
    matches!(&step.flights[..], [a, b] if a.segment.from != b.segment.from)
}

fn rows(panel: &HandshakePanel) -> Vec<Row<'_>> {
    let steps = &panel.timeline.steps;
    let mut out = Vec::new();
    let mut ordinal = 0;
    let in_flight = (panel.progress > 0).then_some(panel.at);
    for (i, step) in steps.iter().enumerate() {
        let progress = if i < panel.at {
            1.0
        } else if Some(i) == in_flight {
            panel.progress as f32 / STEP_UNITS as f32
        } else {
            break;
        };
        let states = step.states(progress >= 1.0 || step.flights.is_empty() && progress > 0.0);
        if step.flights.is_empty() {
            out.push(Row {
                step,
                flight: None,
                ordinal,
                progress,
                states,
                cross: None,
            });
        }
        if crossing(step) {
            // Sent together at the top, arrived together at the bottom.
            for part in 0..3u8 {
                let states = if part == 2 && progress >= 1.0 {
                    step.after
                } else {
                    step.on_send
                };
                out.push(Row {
                    step,
                    flight: step.flights.get(usize::from(part / 2)),
                    ordinal: ordinal + usize::from(part / 2),
                    progress,
                    states,
                    cross: Some(part),
                });
            }
            ordinal += 2;
            continue;
        }
        for flight in &step.flights {
            out.push(Row {
                step,
                flight: Some(flight),
                ordinal,
                progress,
                states,
                cross: None,
            });
            ordinal += 1;
        }
    }
    out
}

/// How much an arrow's label says, most first. Labels lose the window, then
/// the length, and keep seq and ack while they fit anywhere on the arrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Detail {
    Flags,
    Seq,
    SeqAck,
    Length,
    Window,
}

const DETAILS: [Detail; 5] = [
    Detail::Window,
    Detail::Length,
    Detail::SeqAck,
    Detail::Seq,
    Detail::Flags,
];

/// The label on an arrow: flags, then seq, ack (when ACK is set), length and
/// window as `detail` asks.
fn label_with(flight: &Flight, detail: Detail) -> String {
    let s = &flight.segment;
    let mut label = flags_label(s.flags).to_string();
    if detail >= Detail::Seq {
        label.push_str(&format!(" seq={}", s.seq));
    }
    if detail >= Detail::SeqAck && s.has(pnet_packet::tcp::TcpFlags::ACK) {
        label.push_str(&format!(" ack={}", s.ack));
    }
    if detail >= Detail::Length {
        label.push_str(&format!(" len={}", s.len()));
    }
    if detail >= Detail::Window {
        label.push_str(&format!(" win={}", s.window));
    }
    label
}

/// The label with its margins and fate mark.
fn framed(flight: &Flight, detail: Detail) -> String {
    let mark = match flight.fate {
        Fate::Unanswered => "? ",
        Fate::Dropped => "✗ ",
        Fate::Lost | Fate::Delivered => "",
    };
    format!(" {} {mark}", label_with(flight, detail))
}

/// The fullest label, at most `cap`, that fits in `room` cells.
fn fitting_label(flight: &Flight, room: usize, cap: Detail) -> String {
    DETAILS
        .iter()
        .filter(|d| **d <= cap)
        .map(|d| framed(flight, *d))
        .find(|l| crate::ui::text::width(l) <= room)
        .unwrap_or_else(|| fit(&format!(" {}", flags_label(flight.segment.flags)), room))
}

/// One detail for every arrow of the diagram: the fullest that every arrow
/// shows when it has arrived (on `cells` cells), so the rows line up.
fn common_detail<'a>(flights: impl Iterator<Item = &'a Flight> + Clone, cells: usize) -> Detail {
    DETAILS
        .iter()
        .copied()
        .find(|d| {
            flights
                .clone()
                .all(|f| crate::ui::text::width(&framed(f, *d)) <= cells.saturating_sub(2))
        })
        .unwrap_or(Detail::Flags)
}

/// Cells the diagram needs so that every arrow keeps seq, ack and length.
pub fn needed_width(panel: &HandshakePanel) -> u16 {
    let longest = panel
        .timeline
        .flights()
        .map(|(_, f)| crate::ui::text::width(&label_with(f, Detail::Length)) + 4)
        .max()
        .unwrap_or(0);
    u16::try_from(longest)
        .unwrap_or(u16::MAX)
        .saturating_add(STATE_COL * 2 + 4)
}

pub fn render(panel: &HandshakePanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let block = ctx.theme.block(t(lang, "hs.diagram.title"), false);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width < STATE_COL * 2 + 10 || inner.height < 3 {
        return;
    }
    let left = inner.x + STATE_COL;
    let right = inner.x + inner.width - STATE_COL - 1;
    let theme = ctx.theme;
    let current = panel.timeline.states_after(panel.at.checked_sub(1));
    let current = match panel.current_step() {
        Some(step) if panel.progress > 0 => step.states(false),
        _ => current,
    };
    // Lifeline heads: who, where, and the current state.
    let client_addr = panel.timeline.client.addr.to_string();
    let server_addr = panel.timeline.server.addr.to_string();
    let y = inner.y;
    let room = usize::from(inner.width / 2).saturating_sub(1);
    let client_head = fit(
        &format!("{} {client_addr}", side_name(lang, Side::Client)),
        room,
    );
    buf.set_string(
        inner.x,
        y,
        &client_head,
        theme.client.add_modifier(Modifier::BOLD),
    );
    let server_head = fit(
        &format!("{} {server_addr}", side_name(lang, Side::Server)),
        room,
    );
    let server_w = crate::ui::text::width(&server_head) as u16;
    buf.set_string(
        inner.x + inner.width - server_w,
        y,
        &server_head,
        theme.server.add_modifier(Modifier::BOLD),
    );
    let badge = |state: TcpState| format!("[{}]", state.name());
    buf.set_string(
        inner.x,
        y + 1,
        badge(current.client),
        theme.client.add_modifier(Modifier::REVERSED),
    );
    let sb = badge(current.server);
    buf.set_string(
        inner.x + inner.width - sb.len() as u16,
        y + 1,
        &sb,
        theme.server.add_modifier(Modifier::REVERSED),
    );
    let rows = rows(panel);
    let visible = usize::from(inner.height.saturating_sub(2));
    let mut skip = rows.len().saturating_sub(visible);
    // Keep the segment open in the inspector in view.
    if let Some(selected) = panel.inspecting
        && let Some(row) = rows
            .iter()
            .position(|r| r.flight.is_some() && r.ordinal == selected)
    {
        skip = skip.min(row);
    }
    let mut previous: Option<Ends<TcpState>> = skip
        .checked_sub(1)
        .and_then(|i| rows.get(i))
        .map(|r| r.states);
    if skip == 0 {
        previous = Some(panel.timeline.initial);
    }
    let cells = usize::from(right.saturating_sub(left + 1));
    let detail = common_detail(rows.iter().filter_map(|r| r.flight), cells);
    for (n, row) in rows.iter().skip(skip).enumerate() {
        let y = inner.y + 2 + n as u16;
        buf.set_string(left, y, "│", theme.client);
        buf.set_string(right, y, "│", theme.server);
        for (side, x) in [(Side::Client, inner.x), (Side::Server, right + 2)] {
            let state = *row.states.get(side);
            let changed = previous.is_none_or(|p| *p.get(side) != state);
            let style = if changed {
                theme.base.add_modifier(Modifier::BOLD)
            } else {
                theme.muted
            };
            buf.set_string(x, y, state.name(), style);
        }
        previous = Some(row.states);
        if let Some(part) = row.cross {
            let x0 = left + 1;
            let n = usize::from(right.saturating_sub(left + 1));
            draw_cross(buf, (x0, y, n), row.step, part, row.progress, ctx);
            if panel.inspecting == Some(row.ordinal) && row.flight.is_some() && part != 1 {
                let line = Rect::new(left + 1, y, right - left - 1, 1);
                buf.set_style(line, Style::default().add_modifier(Modifier::REVERSED));
            }
            continue;
        }
        match row.flight {
            Some(flight) => {
                let arrow = Arrow {
                    x0: left + 1,
                    x1: right - 1,
                    y,
                    detail,
                };
                draw_arrow(buf, &arrow, flight, row.progress, ctx);
                if panel.inspecting == Some(row.ordinal) {
                    let line = Rect::new(left + 1, y, right - left - 1, 1);
                    buf.set_style(line, Style::default().add_modifier(Modifier::REVERSED));
                }
            }
            None => {
                let text = note_text(row.step, lang);
                let width = usize::from(right - left - 1);
                let text = fit(&text, width);
                let w = crate::ui::text::width(&text) as u16;
                let x = left + 1 + (right - left - 1).saturating_sub(w) / 2;
                buf.set_string(x, y, &text, theme.muted);
            }
        }
    }
}

/// A step without a segment: its short label, its timer or call, or dots.
fn note_text(step: &Step, lang: crate::i18n::Lang) -> String {
    if let Some(key) = step.note {
        return t(lang, key).to_string();
    }
    let parts: Vec<String> = step
        .transitions
        .iter()
        .map(|t| {
            format!(
                "{}: {} → {}",
                t.transition.event, t.transition.from, t.transition.to
            )
        })
        .collect();
    if parts.is_empty() {
        "·  ·  ·".to_string()
    } else {
        parts.join("  ")
    }
}

/// Where an arrow goes and how much its label may say.
#[derive(Debug, Clone, Copy)]
struct Arrow {
    x0: u16,
    x1: u16,
    y: u16,
    detail: Detail,
}

fn draw_arrow(buf: &mut Buffer, arrow: &Arrow, flight: &Flight, progress: f32, ctx: &RenderCtx) {
    let Arrow { x0, x1, y, detail } = *arrow;
    let theme = ctx.theme;
    let n = usize::from(x1.saturating_sub(x0)) + 1;
    let rightward = flight.segment.from == Side::Client;
    let style: Style = if rightward {
        theme.client
    } else {
        theme.server
    };
    // The label at the diagram's detail decides where it goes; it says less
    // where there is less room.
    let full_width = crate::ui::text::width(&framed(flight, detail));
    // How far the arrow has come; a lost segment stops, crossed out, a little past
    // its label somewhere mid-way.
    let len = match flight.fate {
        Fate::Lost if progress >= 0.5 => (full_width + 4).min(n * 3 / 4).max(1),
        _ => ((progress * n as f32).round() as usize).clamp(1, n),
    };
    let covered = if rightward { 0..len } else { n - len..n };
    let head_at = if rightward { len - 1 } else { n - len };
    let mut cells: Vec<char> = vec![' '; n];
    for i in covered {
        cells[i] = '─';
    }
    cells[head_at] = match flight.fate {
        Fate::Lost if progress >= 0.5 => '✗',
        Fate::Dropped if progress >= 1.0 => '✗',
        _ if rightward => '▶',
        _ => '◀',
    };
    let behind = if rightward { head_at } else { n - head_at - 1 };
    let ahead = n - behind - 1;
    let arrived = progress >= 1.0 && flight.fate != Fate::Lost;
    // Arrived: centred. Flying: behind the head when it fits, else on the wider
    // side, shortened to the flags alone if need be.
    let (room, put_behind) = if arrived {
        (n.saturating_sub(2), true)
    } else if behind >= full_width || behind >= ahead {
        (behind, true)
    } else {
        (ahead, false)
    };
    let text = fitting_label(flight, room, detail);
    let label: Vec<char> = text.chars().collect();
    let lw = label.len();
    let start = if arrived {
        n.saturating_sub(lw) / 2
    } else if put_behind == rightward {
        head_at.saturating_sub(lw)
    } else {
        (head_at + 1).min(n.saturating_sub(lw))
    };
    for (i, c) in label.into_iter().enumerate() {
        let at = start + i;
        if at != head_at
            && let Some(cell) = cells.get_mut(at)
        {
            *cell = c;
        }
    }
    let text: String = cells.into_iter().collect();
    let style = if matches!(flight.fate, Fate::Lost | Fate::Dropped) {
        style.add_modifier(Modifier::DIM)
    } else {
        style
    };
    buf.set_string(x0, y, text, style);
}

/// Two segments sent at the same moment by both ends (a simultaneous close):
/// they leave at the top row, cross in the middle one and arrive at the bottom,
/// drawn as an X — the client's `───╲ ╳ ╲──▶`, the server's `╱─── ╳ ◀──╱`.
fn draw_cross(
    buf: &mut Buffer,
    (x0, y, n): (u16, u16, usize),
    step: &Step,
    part: u8,
    progress: f32,
    ctx: &RenderCtx,
) {
    let theme = ctx.theme;
    let (Some(a), Some(b)) = (step.flights.first(), step.flights.get(1)) else {
        return;
    };
    let (client, server) = if a.segment.from == Side::Client {
        (a, b)
    } else {
        (b, a)
    };
    if n < 9 {
        return;
    }
    let c = n / 2;
    let put = |buf: &mut Buffer, at: usize, text: &str, style: Style| {
        buf.set_string(x0 + at as u16, y, text, style);
    };
    // How much of each path is drawn: the first half of the flight covers the
    // top row, the second the bottom one. Left of the X are `c - 1` cells,
    // right of it `n - c - 2`.
    let (left, right) = (c - 1, n - c - 2);
    let part_of = |f: f32, len: usize| (f * len as f32).round() as usize;
    let top = (progress * 2.0).min(1.0);
    let bottom = ((progress - 0.5) * 2.0).clamp(0.0, 1.0);
    match part {
        0 => {
            put(buf, 0, &"─".repeat(part_of(top, left)), theme.client);
            let r = part_of(top, right);
            put(buf, n - r, &"─".repeat(r), theme.server);
            if top >= 1.0 {
                put(buf, c - 1, "╲", theme.client);
                put(buf, c + 1, "╱", theme.server);
            }
            // Each label in its own half, on the row where the segment leaves.
            // Both say as much as the shorter side allows, so they match.
            let room = left.min(right).saturating_sub(1);
            let detail = common_detail([client, server].into_iter(), room + 2).min(Detail::SeqAck);
            let label = fitting_label(client, room, detail);
            let w = crate::ui::text::width(&label);
            put(buf, left.saturating_sub(w) / 2, &label, theme.client);
            let label = fitting_label(server, room, detail);
            let w = crate::ui::text::width(&label);
            put(
                buf,
                c + 2 + right.saturating_sub(w) / 2,
                &label,
                theme.server,
            );
        }
        1 if progress >= 0.5 => put(buf, c, "╳", theme.base.add_modifier(Modifier::BOLD)),
        2 if progress >= 0.5 => {
            put(buf, c - 1, "╱", theme.server);
            put(buf, c + 1, "╲", theme.client);
            let arrived = progress >= 1.0;
            let head = |len: usize, glyph: &str| {
                if arrived {
                    format!("{}{glyph}", "─".repeat(len.saturating_sub(1)))
                } else {
                    "─".repeat(len)
                }
            };
            let (l, r) = (part_of(bottom, left), part_of(bottom, right));
            if r > 0 {
                put(buf, c + 2, &head(r, "▶"), theme.client);
            }
            if l > 0 {
                let text: String = head(l, "◀").chars().rev().collect();
                put(buf, c - 1 - l, &text, theme.server);
            }
        }
        _ => {}
    }
}
