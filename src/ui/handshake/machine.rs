//! The state machine view: RFC 9293's states laid out as in its diagram, both
//! ends' current states highlighted, and the transitions taken so far traced.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::{Block, Widget};

use super::{HandshakePanel, fit};
use crate::i18n::t;
use crate::net::tcp::{Moment, Side, Taken, TcpState};
use crate::ui::panel::RenderCtx;

/// Where each state sits: row, and horizontal position in eighths of the width
/// (the RFC diagram's shape: opening at the top, closing below ESTABLISHED).
const LAYOUT: [(TcpState, u16, u16); 11] = [
    (TcpState::Closed, 0, 4),
    (TcpState::Listen, 1, 4),
    (TcpState::SynReceived, 2, 1),
    (TcpState::SynSent, 2, 7),
    (TcpState::Established, 3, 4),
    (TcpState::FinWait1, 4, 1),
    (TcpState::CloseWait, 4, 7),
    (TcpState::FinWait2, 5, 1),
    (TcpState::Closing, 5, 4),
    (TcpState::LastAck, 5, 7),
    (TcpState::TimeWait, 6, 1),
];

/// The transitions taken so far (up to what is on screen).
fn taken(panel: &HandshakePanel) -> Vec<&Taken> {
    let steps = &panel.timeline.steps;
    let mut out: Vec<&Taken> = steps
        .iter()
        .take(panel.at)
        .flat_map(|s| &s.transitions)
        .collect();
    if panel.progress > 0
        && let Some(step) = steps.get(panel.at)
    {
        out.extend(step.transitions.iter().filter(|t| t.moment == Moment::Send));
    }
    out
}

pub fn render(panel: &HandshakePanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let block = Block::bordered()
        .title(t(lang, "hs.machine.title"))
        .border_style(ctx.theme.border);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width < 30 || inner.height < 8 {
        return;
    }
    let current = match panel.current_step() {
        Some(step) if panel.progress > 0 => step.states(false),
        _ => panel.timeline.states_after(panel.at.checked_sub(1)),
    };
    let trace = taken(panel);
    let visited: Vec<TcpState> = trace
        .iter()
        .flat_map(|t| [t.transition.from, t.transition.to])
        .collect();
    // Two rows per state row when there is room, one otherwise.
    let grid_rows = 7u16;
    let spacing = if inner.height >= grid_rows * 2 + 6 {
        2
    } else {
        1
    };
    for (state, row, eighth) in LAYOUT {
        let is_client = current.client == state;
        let is_server = current.server == state;
        let label = format!(
            "{}{}{}",
            if is_client { "C▸" } else { "  " },
            state.name(),
            if is_server { "◂S" } else { "  " }
        );
        let style = match (is_client, is_server) {
            (true, true) => theme.selected.add_modifier(Modifier::BOLD),
            (true, false) => theme
                .client
                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
            (false, true) => theme
                .server
                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
            _ if visited.contains(&state) => theme
                .base
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            _ => theme.muted,
        };
        let w = label.chars().count() as u16;
        let centre = inner.x + inner.width * eighth / 8;
        let x = centre
            .saturating_sub(w / 2)
            .max(inner.x)
            .min(inner.x + inner.width.saturating_sub(w));
        let y = inner.y + row * spacing;
        if y < inner.y + inner.height {
            buf.set_string(x, y, label, style);
        }
    }
    // The trace: the latest transitions, newest last.
    let top = inner.y + grid_rows * spacing;
    let room = (inner.y + inner.height).saturating_sub(top + 1);
    if room == 0 {
        return;
    }
    buf.set_string(
        inner.x,
        top,
        fit(t(lang, "hs.machine.trace"), usize::from(inner.width)),
        theme.title,
    );
    let skip = trace.len().saturating_sub(usize::from(room));
    for (n, taken) in trace.iter().skip(skip).enumerate() {
        let tr = taken.transition;
        let send = tr
            .send
            .map(|k| format!(" / {}", crate::net::tcp::flags_label(k.flags())))
            .unwrap_or_default();
        let who = match taken.side {
            Side::Client => "C",
            Side::Server => "S",
        };
        let line = format!("{who} {} ─{}{send}→ {}", tr.from, tr.event, tr.to);
        let style = match taken.side {
            Side::Client => theme.client,
            Side::Server => theme.server,
        };
        buf.set_string(
            inner.x,
            top + 1 + n as u16,
            fit(&line, usize::from(inner.width)),
            style,
        );
    }
}
