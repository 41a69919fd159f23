//! The state machine view: RFC 9293's diagram with its edges (`figure.rs`), each
//! end's current state boxed in its own line weight (client ━ heavy and `C`,
//! server ═ double and `S`, so they differ without colour too), the transition
//! each end just took drawn in that weight, the edges taken before in plain
//! lines; below it the listener's queues (SYN flood) or the transitions taken.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;

use super::figure::{self, Dir, Figure, Shape, StateBox};
use super::{HandshakePanel, fit};
use crate::i18n::{t, tf};
use crate::net::tcp::{Ends, Moment, Queues, Side, Taken, TcpState};
use crate::ui::panel::RenderCtx;

/// The transitions taken so far (up to what is on screen).
fn taken(panel: &HandshakePanel) -> Vec<&Taken> {
    let steps = &panel.timeline.steps;
    let mut out: Vec<&Taken> = steps
        .iter()
        .take(panel.at)
        .flat_map(|s| &s.transitions)
        .collect();
    out.extend(fresh(panel));
    out
}

/// The transitions of the step on screen: those of the step in flight that
/// happen as it is sent, or all of the last completed step.
fn fresh(panel: &HandshakePanel) -> Vec<&Taken> {
    let steps = &panel.timeline.steps;
    if panel.progress > 0 {
        steps
            .get(panel.at)
            .map(|s| {
                s.transitions
                    .iter()
                    .filter(|t| t.moment == Moment::Send)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    }
}

/// What the view highlights, computed once per frame.
struct View {
    current: Ends<TcpState>,
    /// The state-changing transition each end took in the step on screen.
    just: Ends<Option<(TcpState, TcpState)>>,
    /// Every state-changing transition taken so far, by either end.
    visited: Vec<(TcpState, TcpState)>,
    /// Each end's last state-changing transition (which CLOSED box it is in).
    last: Ends<Option<(TcpState, TcpState)>>,
}

impl View {
    fn of(panel: &HandshakePanel) -> View {
        let current = match panel.current_step() {
            Some(step) if panel.progress > 0 => step.states(false),
            _ => panel.timeline.states_after(panel.at.checked_sub(1)),
        };
        let moves = |list: &[&Taken], side: Side| {
            list.iter()
                .filter(|t| t.side == side && t.transition.from != t.transition.to)
                .map(|t| (t.transition.from, t.transition.to))
                .next_back()
        };
        let recent: Vec<&Taken> = if panel.progress > 0 {
            fresh(panel)
        } else {
            panel
                .at
                .checked_sub(1)
                .and_then(|i| panel.timeline.steps.get(i))
                .map(|s| s.transitions.iter().collect())
                .unwrap_or_default()
        };
        let all = taken(panel);
        View {
            current,
            just: Ends {
                client: moves(&recent, Side::Client),
                server: moves(&recent, Side::Server),
            },
            visited: all
                .iter()
                .filter(|t| t.transition.from != t.transition.to)
                .map(|t| (t.transition.from, t.transition.to))
                .collect(),
            last: Ends {
                client: moves(&all, Side::Client),
                server: moves(&all, Side::Server),
            },
        }
    }

    /// Whether `side` is in box `index` of `figure` (CLOSED is drawn twice: the
    /// end is in the one its last transition led to).
    fn in_box(&self, figure: &Figure, index: usize, side: Side) -> bool {
        let state = *self.current.get(side);
        let b = &figure.boxes[index];
        if b.state != state {
            return false;
        }
        let arrived = self
            .last
            .get(side)
            .filter(|(_, to)| *to == state)
            .and_then(|(from, to)| figure.edge(from, to));
        match arrived {
            Some(edge) => edge.to == index,
            None => figure.boxes.iter().position(|b| b.state == state) == Some(index),
        }
    }
}

/// Line weights: light for the diagram, heavy for the client, double for the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Light,
    Heavy,
    Double,
}

/// The box-drawing character joining the sides in `mask` (see `figure::UP`…).
fn line_glyph(mask: u8, weight: Weight) -> char {
    const ORDER: [u8; 11] = [3, 12, 10, 6, 9, 5, 11, 7, 14, 13, 15];
    const LIGHT: [char; 11] = ['│', '─', '┌', '┐', '└', '┘', '├', '┤', '┬', '┴', '┼'];
    const HEAVY: [char; 11] = ['┃', '━', '┏', '┓', '┗', '┛', '┣', '┫', '┳', '┻', '╋'];
    const DOUBLE: [char; 11] = ['║', '═', '╔', '╗', '╚', '╝', '╠', '╣', '╦', '╩', '╬'];
    let set = match weight {
        Weight::Light => &LIGHT,
        Weight::Heavy => &HEAVY,
        Weight::Double => &DOUBLE,
    };
    ORDER
        .iter()
        .position(|m| *m == mask)
        .map_or('·', |i| set[i])
}

fn head_glyph(dir: Dir) -> char {
    match dir {
        Dir::Up => '▲',
        Dir::Down => '▼',
        Dir::Left => '◀',
        Dir::Right => '▶',
    }
}

pub fn render(panel: &HandshakePanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let block = ctx.theme.block(t(lang, "hs.machine.title"), false);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width < 20 || inner.height < 4 {
        return;
    }
    let view = View::of(panel);
    let queues = panel.current_step().and_then(|s| s.queues.as_ref());
    let listener = queues.map(|q| listener_lines(panel, q, ctx));
    let reserve = 1 + listener.as_ref().map_or(0, Vec::len) as u16;
    let fits = |f: &&Figure| f.width <= inner.width && f.height + reserve <= inner.height;
    let mut y = inner.y;
    match figure::figures().ok().and_then(|fs| fs.iter().find(fits)) {
        Some(figure) => {
            let x = inner.x + (inner.width - figure.width) / 2;
            let at = Rect::new(x, y, figure.width, figure.height);
            draw_figure(figure, &view, at, buf, ctx);
            y += figure.height;
            buf.set_string(
                inner.x,
                y,
                fit(t(lang, "hs.machine.legend"), usize::from(inner.width)),
                ctx.theme.muted,
            );
            y += 1;
        }
        None => y = draw_names(&view, inner, buf, ctx),
    }
    let bottom = inner.y + inner.height;
    let room = usize::from(bottom.saturating_sub(y));
    let lines: Vec<(String, Style)> = match listener {
        // The queues from the top (their titles first) …
        Some(lines) => lines.into_iter().take(room).collect(),
        // … the trace with its newest transitions, under its title.
        None if room >= 2 => {
            let mut lines = trace_lines(panel, ctx);
            let skip = lines.len().saturating_sub(room);
            lines.drain(1..1 + skip);
            lines
        }
        None => Vec::new(),
    };
    for (line, style) in lines {
        buf.set_string(inner.x, y, fit(&line, usize::from(inner.width)), style);
        y += 1;
    }
}

/// Below the smallest figure: the state names on a grid, as before edges fit.
fn draw_names(view: &View, inner: Rect, buf: &mut Buffer, ctx: &RenderCtx) -> u16 {
    const GRID: [(TcpState, u16, u16); 11] = [
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
    let mut bottom = inner.y;
    for (state, row, eighth) in GRID {
        let y = inner.y + row;
        if y >= inner.y + inner.height {
            continue;
        }
        let (c, s) = (view.current.client == state, view.current.server == state);
        let label = format!(
            "{}{}{}",
            if c { "C▸" } else { "  " },
            state.name(),
            if s { "◂S" } else { "  " }
        );
        let w = crate::ui::text::width(&label) as u16;
        let x = (inner.x + inner.width * eighth / 8)
            .saturating_sub(w / 2)
            .max(inner.x)
            .min(inner.x + inner.width.saturating_sub(w));
        buf.set_string(x, y, label, side_style(c, s, ctx, ctx.theme.muted));
        bottom = bottom.max(y + 1);
    }
    bottom
}

/// The style of something belonging to the client, the server or both.
fn side_style(client: bool, server: bool, ctx: &RenderCtx, otherwise: Style) -> Style {
    let theme = ctx.theme;
    match (client, server) {
        (true, true) => theme.selected.add_modifier(Modifier::BOLD),
        (true, false) => theme
            .client
            .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        (false, true) => theme
            .server
            .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        _ => otherwise,
    }
}

fn draw_figure(figure: &Figure, view: &View, at: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let w = usize::from(figure.width);
    // Plain edges first, merged so that crossings become ┼; lit edges on top.
    let mut masks = vec![0u8; w * usize::from(figure.height)];
    let mut styles = vec![theme.muted; masks.len()];
    let mut lit = Vec::new();
    for edge in &figure.edges {
        let pair = (figure.boxes[edge.from].state, figure.boxes[edge.to].state);
        let by = |side: Side| *view.just.get(side) == Some(pair);
        let (client, server) = (by(Side::Client), by(Side::Server));
        let visited = view.visited.contains(&pair);
        let style = if visited { theme.base } else { theme.muted };
        if client || server {
            lit.push((edge, client, server));
            continue;
        }
        for cell in &edge.cells {
            let i = usize::from(cell.y) * w + usize::from(cell.x);
            match cell.shape {
                Shape::Line(bits) => masks[i] |= bits,
                Shape::Head(_) => {}
            }
            if visited {
                styles[i] = style;
            }
        }
        for cell in &edge.cells {
            if let Shape::Head(dir) = cell.shape {
                buf.set_string(
                    at.x + cell.x,
                    at.y + cell.y,
                    head_glyph(dir).to_string(),
                    style,
                );
            }
        }
        draw_label(edge, at, buf, style);
    }
    for (i, mask) in masks.iter().enumerate() {
        if *mask != 0 {
            let (x, y) = ((i % w) as u16, (i / w) as u16);
            buf.set_string(
                at.x + x,
                at.y + y,
                line_glyph(*mask, Weight::Light).to_string(),
                styles[i],
            );
        }
    }
    for (index, b) in figure.boxes.iter().enumerate() {
        let client = view.in_box(figure, index, Side::Client);
        let server = view.in_box(figure, index, Side::Server);
        let seen = view
            .visited
            .iter()
            .any(|(f, t)| *f == b.state || *t == b.state);
        let plain = if seen { theme.base } else { theme.muted };
        draw_box(
            b,
            at,
            buf,
            (client, server),
            side_style(client, server, ctx, plain),
        );
    }
    // Junctions where plain edges leave framed boxes, in the box's own weight.
    for edge in &figure.edges {
        if let Some((x, y, dir)) = edge.junction
            && !lit.iter().any(|(e, ..)| std::ptr::eq(*e, edge))
        {
            let client = view.in_box(figure, edge.from, Side::Client);
            let server = view.in_box(figure, edge.from, Side::Server);
            let weight = match (client, server) {
                (true, true) if matches!(dir, Dir::Down | Dir::Right) => Weight::Double,
                (true, _) => Weight::Heavy,
                (false, true) => Weight::Double,
                (false, false) => Weight::Light,
            };
            let glyph = line_glyph(junction_mask(dir), weight);
            let cell = buf.cell((at.x + x, at.y + y)).map(|c| c.style());
            buf.set_string(
                at.x + x,
                at.y + y,
                glyph.to_string(),
                cell.unwrap_or(theme.muted),
            );
        }
    }
    for (edge, client, server) in lit {
        for (n, cell) in edge.cells.iter().enumerate() {
            // Both ends on one edge (a simultaneous close): the weights alternate.
            let heavy = client && (!server || n % 2 == 0);
            let (weight, style) = if heavy {
                (Weight::Heavy, theme.client)
            } else {
                (Weight::Double, theme.server)
            };
            let glyph = match cell.shape {
                Shape::Line(bits) => line_glyph(bits, weight),
                Shape::Head(dir) => head_glyph(dir),
            };
            buf.set_string(
                at.x + cell.x,
                at.y + cell.y,
                glyph.to_string(),
                style.add_modifier(Modifier::BOLD),
            );
        }
        if let Some((x, y, dir)) = edge.junction {
            let weight = if client {
                Weight::Heavy
            } else {
                Weight::Double
            };
            let style = if client { theme.client } else { theme.server };
            buf.set_string(
                at.x + x,
                at.y + y,
                line_glyph(junction_mask(dir), weight).to_string(),
                style.add_modifier(Modifier::BOLD),
            );
        }
        let style = side_style(client, server, ctx, theme.base).remove_modifier(Modifier::REVERSED);
        draw_label(edge, at, buf, style);
    }
}

/// The junction on a box border where an edge leaves in `dir` (`┴` for up …).
fn junction_mask(dir: Dir) -> u8 {
    match dir {
        Dir::Up => figure::UP | figure::LEFT | figure::RIGHT,
        Dir::Down => figure::DOWN | figure::LEFT | figure::RIGHT,
        Dir::Left => figure::LEFT | figure::UP | figure::DOWN,
        Dir::Right => figure::RIGHT | figure::UP | figure::DOWN,
    }
}

fn draw_label(edge: &figure::Edge, at: Rect, buf: &mut Buffer, style: Style) {
    if let Some((x, y, lines)) = &edge.label {
        for (row, line) in lines.iter().enumerate() {
            buf.set_string(at.x + x, at.y + y + row as u16, line, style);
        }
    }
}

/// A state's box: the client's in heavy lines marked `C`, the server's in
/// double lines marked `S` (a one-row box: `┃NAME┃`, `║NAME║`, `┃NAME║`).
fn draw_box(
    b: &StateBox,
    at: Rect,
    buf: &mut Buffer,
    (client, server): (bool, bool),
    style: Style,
) {
    let (x, y) = (at.x + b.x, at.y + b.y);
    let name_style = style;
    let border = if client || server {
        style.remove_modifier(Modifier::REVERSED)
    } else {
        style
    };
    let inner = usize::from(b.w.saturating_sub(2));
    if b.h < 3 {
        let left = if client {
            '┃'
        } else if server {
            '║'
        } else {
            '['
        };
        let right = if server {
            '║'
        } else if client {
            '┃'
        } else {
            ']'
        };
        buf.set_string(x, y, left.to_string(), border);
        buf.set_string(x + 1, y, centred(&b.name, inner), name_style);
        buf.set_string(x + b.w - 1, y, right.to_string(), border);
        return;
    }
    let top = if client {
        Weight::Heavy
    } else if server {
        Weight::Double
    } else {
        Weight::Light
    };
    let bottom = if server { Weight::Double } else { top };
    let rule = |weight| line_glyph(figure::LEFT | figure::RIGHT, weight).to_string();
    let side = |weight| line_glyph(figure::UP | figure::DOWN, weight).to_string();
    let corner = |mask, weight| match weight {
        Weight::Light => match mask {
            m if m == figure::DOWN | figure::RIGHT => '╭',
            m if m == figure::DOWN | figure::LEFT => '╮',
            m if m == figure::UP | figure::RIGHT => '╰',
            _ => '╯',
        },
        other => line_glyph(mask, other),
    };
    let w = usize::from(b.w.saturating_sub(2));
    let tl = if client {
        'C'
    } else {
        corner(figure::DOWN | figure::RIGHT, top)
    };
    let tr = if server {
        'S'
    } else {
        corner(figure::DOWN | figure::LEFT, top)
    };
    buf.set_string(x, y, format!("{tl}{}{tr}", rule(top).repeat(w)), border);
    buf.set_string(x, y + 1, side(top), border);
    buf.set_string(x + 1, y + 1, centred(&b.name, inner), name_style);
    buf.set_string(x + b.w - 1, y + 1, side(bottom), border);
    let bl = corner(figure::UP | figure::RIGHT, bottom);
    let br = corner(figure::UP | figure::LEFT, bottom);
    buf.set_string(
        x,
        y + 2,
        format!("{bl}{}{br}", rule(bottom).repeat(w)),
        border,
    );
}

fn centred(text: &str, width: usize) -> String {
    let w = crate::ui::text::width(text);
    let left = width.saturating_sub(w) / 2;
    crate::ui::text::pad(&format!("{}{text}", " ".repeat(left)), width)
}

/// The listening socket's two queues, one row per connection in them.
fn listener_lines(panel: &HandshakePanel, q: &Queues, ctx: &RenderCtx) -> Vec<(String, Style)> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let n = |v: usize| v.to_string();
    let mut out = vec![
        (t(lang, "hs.listener.title").to_string(), theme.title),
        (
            tf(
                lang,
                "hs.listener.limit",
                &[
                    ("backlog", &n(q.backlog)),
                    ("somaxconn", &n(q.somaxconn)),
                    ("limit", &n(q.limit())),
                ],
            ),
            theme.title,
        ),
    ];
    out.push((
        tf(
            lang,
            "hs.listener.syn",
            &[("n", &n(q.syn_queue.len())), ("max", &n(q.limit()))],
        ),
        theme.accent,
    ));
    for (i, addr) in q.syn_queue.iter().enumerate() {
        out.push((
            format!(
                " {}. {addr:<21} SYN-RECEIVED  {}",
                i + 1,
                t(lang, "hs.listener.half_open")
            ),
            theme.server,
        ));
    }
    let dropped: Vec<_> = panel
        .current_step()
        .into_iter()
        .flat_map(|s| &s.flights)
        .filter(|f| f.fate == crate::net::tcp::Fate::Dropped)
        .map(|f| f.segment.src)
        .collect();
    for addr in dropped {
        out.push((
            format!(" ✗  {addr:<21} {}", t(lang, "hs.listener.dropped")),
            theme.bad,
        ));
    }
    out.push((
        tf(
            lang,
            "hs.listener.accept",
            &[("n", &n(q.accept_queue.len())), ("max", &n(q.limit()))],
        ),
        theme.accent,
    ));
    for (i, addr) in q.accept_queue.iter().enumerate() {
        out.push((
            format!(
                " {}. {addr:<21} ESTABLISHED   {}",
                i + 1,
                t(lang, "hs.listener.waiting")
            ),
            theme.client,
        ));
    }
    out
}

/// "Transitions taken:" and one line per transition, oldest first.
fn trace_lines(panel: &HandshakePanel, ctx: &RenderCtx) -> Vec<(String, Style)> {
    let mut out = vec![(t(ctx.lang, "hs.machine.trace").to_string(), ctx.theme.title)];
    for taken in taken(panel) {
        let tr = taken.transition;
        let send = tr
            .send
            .map(|k| format!(" / {}", crate::net::tcp::flags_label(k.flags())))
            .unwrap_or_default();
        let (who, style) = match taken.side {
            Side::Client => ("C", ctx.theme.client),
            Side::Server => ("S", ctx.theme.server),
        };
        out.push((
            format!("{who} {} ─{}{send}→ {}", tr.from, tr.event, tr.to),
            style,
        ));
    }
    out
}
