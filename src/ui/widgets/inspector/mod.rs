//! The packet inspector: a field tree like a protocol analyzer's details pane, a
//! hex dump with an ASCII column, and a bits view. Each layer's bytes have their
//! own colour; the selected field's exact bytes (and bits) are highlighted.
//! Reusable: give it any bytes and their dissection (a built, exported or captured
//! frame; a packet or segment cut out of one).

use std::ops::Range;

use ratatui::style::Style;

use crate::i18n::Lang;
use crate::net::frame::{Dissection, Field, LayerKind, dissect};
use crate::ui::theme::Theme;

mod pane;
mod render;

pub(crate) use pane::inspector_keys;
pub use pane::{InspectorMsg, InspectorPane};
pub use render::bit_pattern;

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
    /// The byte the student points at with `[` / `]`, if any.
    byte_cursor: Option<usize>,
}

/// The theme style for a layer's bytes.
pub fn layer_style(theme: &Theme, kind: LayerKind) -> Style {
    match kind {
        LayerKind::Ethernet | LayerKind::Arp => theme.layer_link,
        LayerKind::Ipv4 | LayerKind::Ipv6 => theme.layer_network,
        LayerKind::Tcp | LayerKind::Udp => theme.layer_transport,
        LayerKind::Payload | LayerKind::Dhcp => theme.layer_app,
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

    /// One inspector per frame of a classic pcap file (an export, or a capture).
    pub fn open_pcap(
        path: &std::path::Path,
    ) -> Result<Vec<Inspector>, crate::net::pcap::PcapFileError> {
        Ok(crate::net::pcap::read_pcap(path)?
            .iter()
            .map(|f| Inspector::of_frame(&f.data))
            .collect())
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
            byte_cursor: None,
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
        self.byte_cursor = None;
    }

    pub fn select_prev(&mut self) {
        self.selected = self.selected.saturating_sub(1);
        self.byte_cursor = None;
    }

    /// Points at byte `offset`: selects the narrowest field that contains it (the
    /// parent when its sub-fields span the same bytes). False when no field does.
    pub fn select_byte(&mut self, offset: usize) -> bool {
        let best = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.field.is_some() && r.bytes.contains(&offset))
            .min_by_key(|(_, r)| (r.bytes.len(), r.depth))
            .map(|(i, _)| i);
        self.byte_cursor = (offset < self.bytes.len()).then_some(offset);
        match best {
            Some(i) => {
                self.selected = i;
                true
            }
            None => false,
        }
    }

    /// The byte pointed at, if the student is moving byte by byte.
    pub fn byte_cursor(&self) -> Option<usize> {
        self.byte_cursor
    }

    /// Moves the byte pointer one byte on (or back) and selects that byte's field.
    pub fn step_byte(&mut self, forward: bool) {
        if self.bytes.is_empty() {
            return;
        }
        let here = self.byte_cursor.unwrap_or(self.selected_bytes().start);
        let next = if forward {
            (here + 1).min(self.bytes.len() - 1)
        } else {
            here.saturating_sub(1)
        };
        self.select_byte(next);
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
}

#[cfg(test)]
mod tests {
    use super::render::{bit_selected, scroll_to};
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
    fn a_pcap_file_opens_frame_by_frame() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.pcap");
        let frame = syn_ack();
        crate::net::pcap::write_pcap(&path, &[(std::time::Duration::from_secs(1), frame.clone())])
            .unwrap();
        let opened = Inspector::open_pcap(&path).unwrap();
        assert_eq!(opened.len(), 1);
        assert_eq!(opened[0].bytes(), &frame[..]);
        assert!(Inspector::open_pcap(&dir.path().join("missing.pcap")).is_err());
    }

    #[test]
    fn pointing_at_a_byte_selects_the_field_it_belongs_to() {
        let mut inspector = Inspector::of_frame(&syn_ack());
        let at = |i: &mut Inspector, offset: usize| {
            assert!(i.select_byte(offset));
            i.selected_field().unwrap().id
        };
        assert_eq!(at(&mut inspector, 0), "eth.dst");
        assert_eq!(at(&mut inspector, 13), "eth.type");
        assert_eq!(at(&mut inspector, 14), "ip.version");
        assert_eq!(at(&mut inspector, 24), "ip.checksum");
        assert_eq!(at(&mut inspector, 46), "tcp.hdr_len");
        // The flags byte: the whole flags field, not its first single bit.
        assert_eq!(at(&mut inspector, 47), "tcp.flags");
        assert_eq!(at(&mut inspector, 56), "tcp.options");
        assert!(!inspector.select_byte(10_000));
        inspector.select_byte(12);
        inspector.step_byte(true);
        assert_eq!(inspector.byte_cursor(), Some(13));
        inspector.step_byte(false);
        inspector.step_byte(false);
        assert_eq!(inspector.selected_field().unwrap().id, "eth.src");
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

    #[test]
    fn byte_rows_keep_a_minimum_on_short_areas() {
        let inspector = Inspector::of_frame(&syn_ack());
        let theme = crate::ui::theme::Theme::named("dark").unwrap();
        let ctx = crate::ui::panel::RenderCtx {
            lang: Lang::En,
            theme: &theme,
            present: false,
        };
        let needed = syn_ack().len().div_ceil(16);
        for h in 8..=16u16 {
            let area = ratatui::layout::Rect::new(0, 0, 80, h);
            let mut buf = ratatui::buffer::Buffer::empty(area);
            inspector.render(area, &mut buf, &ctx);
            let hex_rows = (0..h)
                .filter(|y| {
                    let row: String = (0..6).map(|x| buf[(x, *y)].symbol().to_string()).collect();
                    row.len() == 6
                        && row[..4].chars().all(|c| c.is_ascii_hexdigit())
                        && &row[4..] == "  "
                })
                .count();
            assert!(hex_rows >= needed.min(3), "80x{h}: {hex_rows} byte rows");
            let tree_rows = (0..h)
                .filter(|y| {
                    let row: String = (0..80).map(|x| buf[(x, *y)].symbol().to_string()).collect();
                    row.contains("Ethernet") || row.contains(':')
                })
                .count();
            assert!(tree_rows >= 1, "80x{h}: no field rows");
        }
    }
}
