//! The bytes of the selected segment: its protocol fields (dissected from the
//! real frame) and a hex dump. Captured segments show the kernel's own bytes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::{HandshakePanel, fit};
use crate::i18n::t;
use crate::net::frame::{LayerKind, dissect};
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
    let width = usize::from(popup.width.saturating_sub(2));
    let mut lines = Vec::new();
    match flight.frame() {
        Ok(frame) => {
            let dissection = dissect(&frame);
            for layer in &dissection.layers {
                let head = format!("{} {}", layer.kind.label().get(lang), layer.summary);
                lines.push(Line::styled(fit(&head, width), ctx.theme.title));
                // TCP is the lesson: show its fields; other layers stay one line.
                if layer.kind == LayerKind::Tcp {
                    for field in &layer.fields {
                        let text = format!("  {}: {}", field.label.get(lang), field.shown);
                        lines.push(Line::styled(fit(&text, width), ctx.theme.layer_transport));
                        // Options (MSS, window scale, timestamps…) sit one level down.
                        if field.id.starts_with("tcp.options") {
                            for child in &field.children {
                                let text =
                                    format!("    {}: {}", child.label.get(lang), child.shown);
                                lines.push(Line::styled(
                                    fit(&text, width),
                                    ctx.theme.layer_transport,
                                ));
                            }
                        }
                    }
                }
            }
            lines.push(Line::raw(""));
            for (i, chunk) in frame.chunks(16).enumerate() {
                let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
                let text = format!("{:04x}  {}", i * 16, hex.join(" "));
                lines.push(Line::styled(fit(&text, width), ctx.theme.code));
            }
        }
        Err(e) => lines.push(Line::styled(e.to_string(), ctx.theme.bad)),
    }
    let number = panel.inspecting.map_or(0, |i| i + 1);
    let title = format!(
        "{} #{number} — {} (↑/↓)",
        t(lang, "hs.inspect.title"),
        flight.segment.summary()
    );
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .title(fit(&title, width))
                .border_style(ctx.theme.border_focus),
        )
        .render(popup, buf);
}
