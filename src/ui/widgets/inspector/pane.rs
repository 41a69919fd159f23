//! The inspector as every panel holds it (OSI, LAN, Handshake): the inspector of
//! the frame shown now, if any, the student's choice of hex or bits kept from
//! one frame to the next, its keys (`b`, `[`, `]`, ↑↓) and its drawing — one
//! handling instead of one per panel.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::Inspector;
use crate::i18n::t;
use crate::ui::app::Nav;
use crate::ui::panel::RenderCtx;

/// What the inspector's own keys ask for, the same on every panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectorMsg {
    /// `b`: the hex dump or the bits.
    ToggleBits,
    /// `[` / `]`: point at the previous / next byte (and name its field).
    PrevByte,
    NextByte,
}

/// A panel's key table with the inspector's bindings after its own, wrapped
/// in that panel's messages:
/// `inspector_keys!(PanelMsg::Lan, LanMsg::Inspector, [own bindings…])`.
/// `bits_only` leaves out byte stepping (the Handshake panel's `[`/`]` move
/// between segments instead); a second list puts keys after the inspector's.
macro_rules! inspector_keys {
    ($outer:path, $inner:path, [$($own:expr),* $(,)?]) => {
        $crate::ui::widgets::inspector::inspector_keys!($outer, $inner, [$($own),*], [])
    };
    ($outer:path, $inner:path, [$($own:expr),* $(,)?], [$($after:expr),* $(,)?]) => {
        &[
            $($own,)*
            $crate::ui::keymap::Binding {
                keys: &[$crate::ui::keymap::Key::Char('b')],
                msg: $crate::ui::msg::Msg::Panel($outer($inner($crate::ui::widgets::inspector::InspectorMsg::ToggleBits))),
                help: "inspector.key.bits",
            },
            $crate::ui::keymap::Binding {
                keys: &[$crate::ui::keymap::Key::Char('[')],
                msg: $crate::ui::msg::Msg::Panel($outer($inner($crate::ui::widgets::inspector::InspectorMsg::PrevByte))),
                help: "inspector.key.prev-byte",
            },
            $crate::ui::keymap::Binding {
                keys: &[$crate::ui::keymap::Key::Char(']')],
                msg: $crate::ui::msg::Msg::Panel($outer($inner($crate::ui::widgets::inspector::InspectorMsg::NextByte))),
                help: "inspector.key.next-byte",
            },
            $($after,)*
        ]
    };
    ($outer:path, $inner:path, bits_only, [$($own:expr),* $(,)?]) => {
        $crate::ui::widgets::inspector::inspector_keys!(
            $outer, $inner, bits_only, [$($own),*], []
        )
    };
    ($outer:path, $inner:path, bits_only, [$($before:expr),* $(,)?], [$($after:expr),* $(,)?]) => {
        &[
            $($before,)*
            $crate::ui::keymap::Binding {
                keys: &[$crate::ui::keymap::Key::Char('b')],
                msg: $crate::ui::msg::Msg::Panel($outer($inner($crate::ui::widgets::inspector::InspectorMsg::ToggleBits))),
                help: "inspector.key.bits",
            },
            $($after,)*
        ]
    };
}
pub(crate) use inspector_keys;

/// The inspector of the frame on screen, if there is one, and the view chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectorPane {
    inspector: Option<Inspector>,
    /// The bits view was chosen (kept while frames change).
    bits: bool,
}

impl InspectorPane {
    /// Shows `inspector` (or nothing) in the view the student chose.
    pub fn show(&mut self, inspector: Option<Inspector>) {
        self.inspector = inspector.map(|mut i| {
            i.set_bits(self.bits || i.bits());
            i
        });
    }

    /// Shows the dissection of `frame` (or nothing).
    pub fn show_frame(&mut self, frame: Option<&[u8]>) {
        self.show(frame.map(Inspector::of_frame));
    }

    pub fn get(&self) -> Option<&Inspector> {
        self.inspector.as_ref()
    }

    pub fn get_mut(&mut self) -> Option<&mut Inspector> {
        self.inspector.as_mut()
    }

    pub fn update(&mut self, msg: InspectorMsg) {
        let Some(i) = &mut self.inspector else {
            return;
        };
        match msg {
            InspectorMsg::ToggleBits => {
                i.toggle_bits();
                self.bits = i.bits();
            }
            InspectorMsg::PrevByte => i.step_byte(false),
            InspectorMsg::NextByte => i.step_byte(true),
        }
    }

    /// ↑↓ move through the field tree; true when the key was used.
    pub fn nav(&mut self, nav: Nav) -> bool {
        let Some(i) = &mut self.inspector else {
            return false;
        };
        match nav {
            Nav::Up => i.select_prev(),
            Nav::Down => i.select_next(),
            _ => return false,
        }
        true
    }

    /// Draws the inspector, or `empty_key`'s text when there is no frame.
    pub fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx, empty_key: &str) {
        match &self.inspector {
            Some(i) => i.render(area, buf, ctx),
            None => {
                buf.set_stringn(
                    area.x,
                    area.y,
                    t(ctx.lang, empty_key),
                    usize::from(area.width),
                    ctx.theme.muted,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::frame::{ArpSpec, MacAddr, build_arp_frame};

    fn frame(last: u8) -> Vec<u8> {
        build_arp_frame(&ArpSpec::request(
            MacAddr(2, 0, 0, 0, 0, last),
            "10.0.0.1".parse().unwrap(),
            "10.0.0.2".parse().unwrap(),
        ))
    }

    #[test]
    fn the_bits_choice_survives_a_new_frame_and_keys_act_on_the_shown_one() {
        let mut pane = InspectorPane::default();
        pane.update(InspectorMsg::ToggleBits);
        assert!(pane.get().is_none());
        pane.show_frame(Some(&frame(1)));
        assert!(!pane.get().unwrap().bits());
        pane.update(InspectorMsg::ToggleBits);
        pane.show_frame(Some(&frame(2)));
        assert!(pane.get().unwrap().bits(), "bits kept for the next frame");
        pane.update(InspectorMsg::NextByte);
        assert_eq!(pane.get().unwrap().byte_cursor(), Some(1));
        assert!(pane.nav(Nav::Down));
        assert!(!pane.nav(Nav::Next));
        pane.show_frame(None);
        assert!(!pane.nav(Nav::Down));
    }
}
