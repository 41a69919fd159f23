//! The help overlay: every binding of the current screen (and the presenter's
//! and global ones), generated from the keymap. It fits in one column, else in
//! two with wrapped descriptions, else it scrolls (↑/↓, PgUp/PgDn) under a
//! visible "more" line — a binding is never silently left out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::app::{App, Msg};
use super::draw::clear_overlay;
use super::keymap::{Binding, GLOBAL, PRESENTER, screen_bindings};
use super::panel::RenderCtx;
use super::text::{width, wrap};
use crate::i18n::{t, tf};

/// One row of help: the keys and what they do.
pub fn entries(app: &App, lang: crate::i18n::Lang) -> Vec<(String, String)> {
    // The digit keys that open sections share one row.
    let is_section = |b: &&Binding| matches!(b.msg, Msg::Open(_));
    let presenter = if app.present() { PRESENTER } else { &[] };
    let mut rows: Vec<(String, String)> = screen_bindings(app.screen())
        .iter()
        .chain(presenter)
        .chain(GLOBAL)
        .filter(|b| !is_section(b))
        .map(|b| (b.keys_label(), t(lang, b.help).to_string()))
        .collect();
    let last = super::app::Screen::ALL.len().saturating_sub(1);
    rows.push((format!("0–{last}"), t(lang, "key.sections").to_string()));
    rows
}

/// An entry drawn in `text_room` cells: its lines (the keys on the first).
fn entry_lines(
    (keys, text): &(String, String),
    key_w: usize,
    text_room: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let wrapped = wrap(
        &[(text.clone(), theme.base)],
        text_room,
        ("", theme.base),
        ("", theme.base),
    );
    wrapped
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let lead = if i == 0 {
                format!(" {keys}{}  ", " ".repeat(key_w.saturating_sub(width(keys))))
            } else {
                " ".repeat(key_w + 3)
            };
            let mut spans = vec![Span::styled(lead, theme.key)];
            spans.extend(line.spans);
            Line::from(spans)
        })
        .collect()
}

/// How the entries are laid out in the room there is.
enum Shape {
    /// One or two columns, everything visible.
    Columns(Vec<Vec<Line<'static>>>, u16),
    /// One column taller than the room: it scrolls.
    Scrolled(Vec<Line<'static>>),
}

fn shape(rows: &[(String, String)], inner_w: usize, inner_h: usize, ctx: &RenderCtx) -> Shape {
    let key_w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let text_w = rows.iter().map(|(_, d)| width(d)).max().unwrap_or(0);
    let lines_at = |text_room: usize| -> Vec<Vec<Line<'static>>> {
        rows.iter()
            .map(|r| entry_lines(r, key_w, text_room, ctx))
            .collect()
    };
    // One column at full width.
    let full = key_w + text_w + 4;
    if rows.len() <= inner_h && full <= inner_w {
        let col: Vec<Line> = lines_at(text_w).into_iter().flatten().collect();
        return Shape::Columns(vec![col], full as u16);
    }
    // Two columns, descriptions wrapped to half the width.
    let col_w = full.min(inner_w.saturating_sub(1) / 2);
    let text_room = col_w.saturating_sub(key_w + 4);
    if text_room >= 8 {
        let entries = lines_at(text_room);
        let heights: Vec<usize> = entries.iter().map(Vec::len).collect();
        let total: usize = heights.iter().sum();
        // The split that makes the taller column shortest.
        let split = (0..=entries.len())
            .min_by_key(|&k| {
                let left: usize = heights[..k].iter().sum();
                left.max(total - left)
            })
            .unwrap_or(0);
        let left: usize = heights[..split].iter().sum();
        if left.max(total - left) <= inner_h {
            let mut columns = vec![Vec::new(), Vec::new()];
            for (i, lines) in entries.into_iter().enumerate() {
                columns[usize::from(i >= split)].extend(lines);
            }
            return Shape::Columns(columns, col_w as u16);
        }
    }
    // Scrolling, one column wrapped to the whole width.
    let text_room = inner_w.saturating_sub(key_w + 4).max(8);
    Shape::Scrolled(lines_at(text_room).into_iter().flatten().collect())
}

/// Draws the overlay over `body`, one cell inside the panel's border.
pub fn draw(app: &App, body: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let rows = entries(app, ctx.lang);
    // A gap of one cell (two columns) from the panel's own border, so the
    // overlay's frame never lands on it.
    let room = Rect {
        x: body.x.saturating_add(2),
        y: body.y.saturating_add(1),
        width: body.width.saturating_sub(4),
        height: body.height.saturating_sub(2),
    };
    let inner_w = usize::from(room.width.saturating_sub(2));
    let inner_h = usize::from(room.height.saturating_sub(2));
    let title = tf(
        ctx.lang,
        "help.title",
        &[("screen", t(ctx.lang, app.screen().title_key()))],
    );
    let (columns, col_w, hint) = match shape(&rows, inner_w, inner_h, ctx) {
        Shape::Columns(columns, col_w) => (columns, col_w, None),
        Shape::Scrolled(lines) => {
            // The last row says what is hidden and how to reach it.
            let visible = inner_h.saturating_sub(1).max(1);
            let offset = app.help_scroll().min(lines.len().saturating_sub(visible));
            let below = lines.len().saturating_sub(offset + visible);
            let hint = tf(
                ctx.lang,
                "help.more",
                &[
                    ("above", &offset.to_string()),
                    ("below", &below.to_string()),
                ],
            );
            let shown = lines.into_iter().skip(offset).take(visible).collect();
            (vec![shown], room.width.saturating_sub(2), Some(hint))
        }
    };
    let height = columns.iter().map(Vec::len).max().unwrap_or(0) + usize::from(hint.is_some());
    let w = (col_w * columns.len() as u16 + 2).min(room.width);
    let h = (u16::try_from(height).unwrap_or(u16::MAX) + 2).min(room.height);
    let area = Rect {
        x: room.x + room.width.saturating_sub(w) / 2,
        y: room.y + room.height.saturating_sub(h) / 2,
        width: w,
        height: h,
    };
    clear_overlay(area, buf);
    let close = if hint.is_some() {
        "help.close_scroll"
    } else {
        "help.close"
    };
    let block = theme.block(&title, true).style(theme.base).title_bottom(
        Line::from(Span::styled(
            format!(" {} ", t(ctx.lang, close)),
            theme.muted,
        ))
        .right_aligned(),
    );
    let inner = block.inner(area);
    block.render(area, buf);
    for (c, lines) in columns.into_iter().enumerate() {
        let x = inner.x.saturating_add(col_w * c as u16);
        let col = Rect {
            x,
            width: inner.right().saturating_sub(x),
            ..inner
        };
        Paragraph::new(lines)
            .style(Style::default())
            .render(col, buf);
    }
    if let Some(hint) = hint {
        let y = inner.bottom().saturating_sub(1);
        buf.set_string(
            inner.x,
            y,
            super::text::fit(&hint, usize::from(inner.width)),
            theme.accent,
        );
    }
}
