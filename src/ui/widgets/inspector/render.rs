//! Drawing the inspector: field tree, hex dump with ASCII, bits view, and the
//! selected field's value.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Inspector, layer_style};
use crate::i18n::t;
use crate::net::frame::ChecksumStatus;
use crate::ui::layout::{HEX_ROW_16, MIN_HEX_ROWS, WIDE};
use crate::ui::panel::RenderCtx;
use crate::ui::text::fit;
use crate::ui::theme::Theme;

impl Inspector {
    fn byte_style(&self, i: usize, theme: &Theme) -> Style {
        if self.byte_cursor == Some(i) {
            return theme
                .selected
                .add_modifier(ratatui::style::Modifier::UNDERLINED);
        }
        if self.selected_bytes().contains(&i) {
            return theme.selected;
        }
        match self.owner.get(i).copied().flatten() {
            Some(kind) => layer_style(theme, kind),
            None => theme.muted,
        }
    }

    /// Draws tree, bytes and the selected field's value into `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        if area.width < 20 || area.height < 4 {
            return;
        }
        let detail = Rect {
            y: area.bottom() - 1,
            height: 1,
            ..area
        };
        let body = Rect {
            height: area.height - 1,
            ..area
        };
        // Wide: tree beside bytes. Narrow: tree above bytes.
        let (tree, dump) = if body.width >= WIDE {
            let dump_w = 78.min(body.width / 2);
            (
                Rect {
                    width: body.width - dump_w - 1,
                    ..body
                },
                Rect {
                    x: body.right() - dump_w,
                    width: dump_w,
                    ..body
                },
            )
        } else {
            // The bytes get the rows they need (up to ~half, but at least
            // MIN_HEX_ROWS with the title), the tree the rest.
            let per_row = if body.width >= HEX_ROW_16 { 16 } else { 8 };
            let dump_need = self.bytes.len().div_ceil(per_row) as u16 + 1;
            let dump_h = dump_need
                .min((body.height * 9 / 20).max(MIN_HEX_ROWS))
                .min(body.height.saturating_sub(2))
                .max(2);
            let tree_h = body.height.saturating_sub(dump_h).max(2);
            (
                Rect {
                    height: tree_h,
                    ..body
                },
                Rect {
                    y: body.y + tree_h,
                    height: body.height - tree_h,
                    ..body
                },
            )
        };
        self.render_tree(tree, buf, ctx);
        if self.bits {
            self.render_bits(dump, buf, ctx);
        } else {
            self.render_hex(dump, buf, ctx);
        }
        self.render_detail(detail, buf, ctx);
    }

    fn render_tree(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let title = t(ctx.lang, "inspector.fields");
        buf.set_stringn(
            area.x,
            area.y,
            title,
            usize::from(area.width),
            ctx.theme.title,
        );
        let h = usize::from(area.height.saturating_sub(1));
        if h == 0 {
            return;
        }
        let first = scroll_to(self.selected, h, self.rows.len());
        for (n, row) in self.rows.iter().enumerate().skip(first).take(h) {
            let y = area.y + 1 + (n - first) as u16;
            let style = if n == self.selected {
                ctx.theme.selected
            } else if row.field.is_none() {
                self.dissection
                    .layers
                    .get(row.layer)
                    .map_or(ctx.theme.base, |l| layer_style(ctx.theme, l.kind))
            } else {
                match row.field.as_ref().and_then(|f| f.checksum) {
                    Some(ChecksumStatus::Incorrect { .. }) => ctx.theme.bad,
                    _ => ctx.theme.base,
                }
            };
            let marker = if row.field.is_none() { "▾ " } else { "" };
            let text = format!(
                "{}{marker}{}",
                "  ".repeat(row.depth),
                self.row_text(row, ctx.lang)
            );
            buf.set_stringn(
                area.x,
                y,
                fit(&text, usize::from(area.width)),
                usize::from(area.width),
                style,
            );
        }
    }

    fn render_hex(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let title = t(ctx.lang, "inspector.bytes");
        buf.set_stringn(
            area.x,
            area.y,
            title,
            usize::from(area.width),
            ctx.theme.title,
        );
        // offset(6) + 16 × "xx " + 1 gap + 1 + 16 ASCII = 72 cells; else 8 per row.
        let per_row = if area.width >= HEX_ROW_16 { 16 } else { 8 };
        let h = usize::from(area.height.saturating_sub(1));
        let rows = self.bytes.len().div_ceil(per_row);
        let sel_row = self.selected_bytes().start / per_row;
        let first = scroll_to(sel_row, h, rows);
        for r in first..(first + h).min(rows) {
            let y = area.y + 1 + (r - first) as u16;
            let mut spans = vec![Span::styled(
                format!("{:04x}  ", r * per_row),
                ctx.theme.muted,
            )];
            let start = r * per_row;
            let end = (start + per_row).min(self.bytes.len());
            for i in start..end {
                spans.push(Span::styled(
                    format!("{:02x}", self.bytes[i]),
                    self.byte_style(i, ctx.theme),
                ));
                spans.push(Span::raw(if i - start == 7 { "  " } else { " " }));
            }
            let pad = (per_row - (end - start)) * 3 + usize::from(end - start < 8);
            spans.push(Span::raw(" ".repeat(pad + 1)));
            for i in start..end {
                let b = self.bytes[i];
                let c = if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                };
                spans.push(Span::styled(c.to_string(), self.byte_style(i, ctx.theme)));
            }
            buf.set_line(area.x, y, &Line::from(spans), area.width);
        }
    }

    fn render_bits(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let title = t(ctx.lang, "inspector.bits");
        buf.set_stringn(
            area.x,
            area.y,
            title,
            usize::from(area.width),
            ctx.theme.title,
        );
        let per_row = (usize::from(area.width).saturating_sub(6) / 9).clamp(1, 8);
        let h = usize::from(area.height.saturating_sub(1));
        let rows = self.bytes.len().div_ceil(per_row);
        let selected = self.selected_bytes();
        let mask = self.selected_field().and_then(|f| f.mask);
        let first = scroll_to(selected.start / per_row, h, rows);
        for r in first..(first + h).min(rows) {
            let y = area.y + 1 + (r - first) as u16;
            let mut spans = vec![Span::styled(
                format!("{:04x}  ", r * per_row),
                ctx.theme.muted,
            )];
            for i in r * per_row..((r + 1) * per_row).min(self.bytes.len()) {
                let base = if selected.contains(&i) {
                    ctx.theme.base
                } else {
                    self.byte_style(i, ctx.theme)
                };
                for bit in (0..8).rev() {
                    let on = self.bytes[i] >> bit & 1 == 1;
                    let style = if selected.contains(&i) && bit_selected(mask, &selected, i, bit) {
                        ctx.theme.selected
                    } else {
                        base
                    };
                    spans.push(Span::styled(if on { "1" } else { "0" }, style));
                }
                spans.push(Span::raw(" "));
            }
            buf.set_line(area.x, y, &Line::from(spans), area.width);
        }
    }

    fn render_detail(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        let range = self.selected_bytes();
        let mut text = format!("▶ {}", self.selected_line(ctx.lang));
        if let Some(f) = self.selected_field() {
            if let Some(mask) = f.mask {
                text.push_str(&format!(
                    "  [{}]",
                    bit_pattern(&self.bytes[f.bytes.clone()], mask)
                ));
            } else if !range.is_empty() {
                text.push_str(&format!("  [{}..{}]", range.start, range.end));
            }
        }
        buf.set_stringn(
            area.x,
            area.y,
            fit(&text, usize::from(area.width)),
            usize::from(area.width),
            ctx.theme.accent,
        );
    }
}

/// Whether bit `bit` (7 = most significant) of byte `i` belongs to the field.
pub(super) fn bit_selected(mask: Option<u32>, range: &Range<usize>, i: usize, bit: u32) -> bool {
    match mask {
        None => true,
        Some(mask) => {
            // Bit position counted from the least significant end of the field.
            let from_end = (range.end - 1 - i) as u32 * 8 + bit;
            from_end < 32 && mask >> from_end & 1 == 1
        }
    }
}

/// The field's bits as a protocol analyzer prints them: `.... 0000 0001 0010`.
pub fn bit_pattern(bytes: &[u8], mask: u32) -> String {
    let total = bytes.len() * 8;
    let mut out = String::new();
    for (n, pos) in (0..total).rev().enumerate() {
        if n > 0 && n % 4 == 0 {
            out.push(' ');
        }
        let byte = bytes[bytes.len() - 1 - pos / 8];
        let in_field = pos < 32 && mask >> pos & 1 == 1;
        out.push(match (in_field, byte >> (pos % 8) & 1) {
            (false, _) => '.',
            (true, 1) => '1',
            (true, _) => '0',
        });
    }
    out
}

/// The first visible row so that `selected` stays in a window of `height` rows.
pub(super) fn scroll_to(selected: usize, height: usize, total: usize) -> usize {
    if height == 0 || total <= height {
        return 0;
    }
    selected.saturating_sub(height / 2).min(total - height)
}
