//! The packet inspector: a field tree like a protocol analyzer's details pane, a
//! hex dump with an ASCII column, and a bits view. Each layer's bytes have their
//! own colour; the selected field's exact bytes (and bits) are highlighted.
//! Reusable: give it any bytes and their dissection (a built, exported or captured
//! frame; a packet or segment cut out of one).

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::i18n::{Lang, t};
use crate::net::frame::{ChecksumStatus, Dissection, Field, LayerKind, dissect};
use crate::ui::panel::RenderCtx;
use crate::ui::text::width;
use crate::ui::theme::Theme;

/// One line of the field tree.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    depth: usize,
    layer: usize,
    /// `None` for the layer's title row.
    field: Option<Field>,
    bytes: Range<usize>,
}

/// State of one inspector: the bytes, their dissection, the selected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspector {
    bytes: Vec<u8>,
    dissection: Dissection,
    rows: Vec<Row>,
    /// The layer each byte belongs to (for its colour).
    owner: Vec<Option<LayerKind>>,
    selected: usize,
    bits: bool,
}

/// The theme style for a layer's bytes.
pub fn layer_style(theme: &Theme, kind: LayerKind) -> Style {
    match kind {
        LayerKind::Ethernet | LayerKind::Arp => theme.layer_link,
        LayerKind::Ipv4 | LayerKind::Ipv6 => theme.layer_network,
        LayerKind::Tcp | LayerKind::Udp => theme.layer_transport,
        LayerKind::Payload => theme.layer_app,
        LayerKind::Physical => theme.layer_phys,
        LayerKind::Malformed => theme.bad,
    }
}

fn flatten(field: &Field, depth: usize, layer: usize, out: &mut Vec<Row>) {
    out.push(Row {
        depth,
        layer,
        field: Some(field.clone()),
        bytes: field.bytes.clone(),
    });
    for child in &field.children {
        flatten(child, depth + 1, layer, out);
    }
}

impl Inspector {
    /// An inspector over an Ethernet frame (without FCS), dissected here.
    pub fn of_frame(frame: &[u8]) -> Inspector {
        Inspector::new(frame.to_vec(), dissect(frame))
    }

    /// An inspector over `bytes` with a dissection whose offsets index `bytes`.
    pub fn new(bytes: Vec<u8>, dissection: Dissection) -> Inspector {
        let mut rows = Vec::new();
        for (i, layer) in dissection.layers.iter().enumerate() {
            rows.push(Row {
                depth: 0,
                layer: i,
                field: None,
                bytes: layer.bytes.clone(),
            });
            for field in &layer.fields {
                flatten(field, 1, i, &mut rows);
            }
        }
        let mut owner = vec![None; bytes.len()];
        for layer in &dissection.layers {
            for b in layer.bytes.clone() {
                if let Some(slot) = owner.get_mut(b) {
                    *slot = Some(layer.kind);
                }
            }
        }
        // Trailers (padding, FCS) are fields outside their layer's header range.
        for layer in &dissection.layers {
            for field in &layer.fields {
                for b in field.bytes.clone() {
                    if let Some(slot @ None) = owner.get_mut(b) {
                        *slot = Some(layer.kind);
                    }
                }
            }
        }
        Inspector {
            bytes,
            dissection,
            rows,
            owner,
            selected: 0,
            bits: false,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn dissection(&self) -> &Dissection {
        &self.dissection
    }

    pub fn select_next(&mut self) {
        if self.selected + 1 < self.rows.len() {
            self.selected += 1;
        }
    }

    pub fn select_prev(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    /// Selects the first row whose field has this id; false if there is none.
    pub fn select_field(&mut self, id: &str) -> bool {
        match self
            .rows
            .iter()
            .position(|r| r.field.as_ref().is_some_and(|f| f.id == id))
        {
            Some(i) => {
                self.selected = i;
                true
            }
            None => false,
        }
    }

    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// The bytes the selected row covers.
    pub fn selected_bytes(&self) -> Range<usize> {
        self.rows
            .get(self.selected)
            .map_or(0..0, |r| r.bytes.clone())
    }

    /// The selected row's field (None on a layer title).
    pub fn selected_field(&self) -> Option<&Field> {
        self.rows.get(self.selected).and_then(|r| r.field.as_ref())
    }

    /// The line the selected row shows in `lang`.
    pub fn selected_line(&self, lang: Lang) -> String {
        self.rows
            .get(self.selected)
            .map(|r| self.row_text(r, lang))
            .unwrap_or_default()
    }

    pub fn toggle_bits(&mut self) {
        self.bits = !self.bits;
    }

    pub fn set_bits(&mut self, on: bool) {
        self.bits = on;
    }

    pub fn bits(&self) -> bool {
        self.bits
    }

    fn row_text(&self, row: &Row, lang: Lang) -> String {
        match &row.field {
            Some(f) => f.line(lang),
            None => self
                .dissection
                .layers
                .get(row.layer)
                .map(|l| l.title(lang))
                .unwrap_or_default(),
        }
    }

    fn byte_style(&self, i: usize, theme: &Theme) -> Style {
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
        let (tree, dump) = if body.width >= 120 {
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
            let tree_h = (body.height * 11 / 20).max(2);
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
                fit_cells(&text, usize::from(area.width)),
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
        let per_row = if area.width >= 72 { 16 } else { 8 };
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
            fit_cells(&text, usize::from(area.width)),
            usize::from(area.width),
            ctx.theme.accent,
        );
    }
}

/// Whether bit `bit` (7 = most significant) of byte `i` belongs to the field.
fn bit_selected(mask: Option<u32>, range: &Range<usize>, i: usize, bit: u32) -> bool {
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
fn scroll_to(selected: usize, height: usize, total: usize) -> usize {
    if height == 0 || total <= height {
        return 0;
    }
    selected.saturating_sub(height / 2).min(total - height)
}

/// Cuts `s` to at most `max` display cells, with an ellipsis when cut.
fn fit_cells(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = width(&c.to_string());
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::frame::{MacAddr, TcpFlags, TcpSegmentSpec, build_tcp_frame};

    fn syn_ack() -> Vec<u8> {
        build_tcp_frame(&TcpSegmentSpec {
            src_mac: MacAddr(2, 0, 0, 0, 0, 0x0b),
            dst_mac: MacAddr(2, 0, 0, 0, 0, 0x0a),
            src: "192.168.1.20:7".parse().unwrap(),
            dst: "192.168.1.10:49152".parse().unwrap(),
            seq: 5000,
            ack: 1001,
            flags: TcpFlags::SYN | TcpFlags::ACK,
            window: 65160,
            mss: Some(1460),
            payload: &[],
        })
        .unwrap()
    }

    #[test]
    fn selecting_a_field_highlights_exactly_its_bytes() {
        let mut inspector = Inspector::of_frame(&syn_ack());
        assert!(inspector.select_field("tcp.flags"));
        assert_eq!(inspector.selected_bytes(), 46..48);
        assert_eq!(inspector.selected_line(Lang::En), "Flags: 0x012 (SYN, ACK)");
        assert!(inspector.select_field("eth.type"));
        assert_eq!(inspector.selected_bytes(), 12..14);
        assert!(!inspector.select_field("no.such.field"));
    }

    #[test]
    fn bit_patterns_show_only_the_fields_bits() {
        assert_eq!(bit_pattern(&[0x50, 0x12], 0x0fff), ".... 0000 0001 0010");
        assert_eq!(bit_pattern(&[0x45], 0x0f), ".... 0101");
        assert_eq!(bit_pattern(&[0x45], 0xf0), "0100 ....");
        assert!(bit_selected(Some(0x0fff), &(46..48), 46, 3));
        assert!(!bit_selected(Some(0x0fff), &(46..48), 46, 4));
    }

    #[test]
    fn navigation_stays_in_bounds_and_scrolling_keeps_selection_visible() {
        let mut inspector = Inspector::of_frame(&syn_ack());
        inspector.select_prev();
        assert_eq!(inspector.selected_index(), 0);
        for _ in 0..500 {
            inspector.select_next();
        }
        assert_eq!(inspector.selected_index(), inspector.rows.len() - 1);
        assert_eq!(scroll_to(0, 10, 50), 0);
        assert_eq!(scroll_to(49, 10, 50), 40);
        assert_eq!(scroll_to(20, 10, 50), 15);
    }
}
