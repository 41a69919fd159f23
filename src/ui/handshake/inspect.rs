//! The bytes of the selected segment in the packet inspector (field tree, hex,
//! bits). Captured segments show the kernel's own bytes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};

use super::{HandshakePanel, fit};
use crate::i18n::t;
use crate::net::tcp::Flight;
use crate::ui::panel::RenderCtx;

/// The segment the inspector shows.
pub fn inspected(panel: &HandshakePanel) -> Option<&Flight> {
    let index = panel.inspecting?;
    panel.timeline.flights().nth(index).map(|(_, f)| f)
}

/// Draw the inspector over `popup` (a pane beside the diagram, or most of the
/// screen on narrow terminals).
pub fn render(panel: &HandshakePanel, popup: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let Some(flight) = inspected(panel) else {
        return;
    };
    Clear.render(popup, buf);
    let number = panel.inspecting.map_or(0, |i| i + 1);
    let title = format!(
        "{} #{number} — {} ([ ])",
        t(lang, "hs.inspect.title"),
        flight.segment.summary()
    );
    let block = ctx.theme.block(
        &fit(&title, usize::from(popup.width.saturating_sub(4))),
        true,
    );
    let inner = block.inner(popup);
    block.render(popup, buf);
    if let Some(inspector) = panel.inspector() {
        inspector.render(inner, buf, ctx);
    }
}
