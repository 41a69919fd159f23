//! chat and time: two panes, the server's on the left and the client's on the
//! right; what each side wrote (→) and read (←), in order.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::picture::render_log;
use super::run::LabRun;
use crate::i18n::t;
use crate::lab::{LabEvent, Side};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;

/// The lines of `side`: (written by it?, text).
pub fn lines_of(run: &LabRun, side: Side) -> Vec<(bool, &str)> {
    run.events
        .iter()
        .filter_map(|ev| match ev {
            LabEvent::Line {
                side: s,
                sent,
                text,
            } if *s == side => Some((*sent, text.as_str())),
            _ => None,
        })
        .collect()
}

pub fn render(
    run: &LabRun,
    typing: Option<(Side, &str)>,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    let log_h = if area.height > 8 { 2 } else { 0 };
    let [panes, log] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(log_h)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(panes);
    let typed = |side: Side| typing.filter(|(s, _)| *s == side).map(|(_, text)| text);
    pane(run, Side::Server, typed(Side::Server), left, buf, ctx);
    pane(run, Side::Client, typed(Side::Client), right, buf, ctx);
    render_log(run, log, buf, ctx);
}

fn pane(
    run: &LabRun,
    side: Side,
    typing: Option<&str>,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    let theme = ctx.theme;
    let (title, own): (&str, Style) = match side {
        Side::Server => (t(ctx.lang, "labs.chat.server"), theme.server),
        Side::Client => (t(ctx.lang, "labs.chat.client"), theme.client),
    };
    let block = theme.block_titled(Span::styled(format!(" {title} "), own), typing.is_some());
    let inner = block.inner(area);
    block.render(area, buf);
    let max = usize::from(inner.width);
    let mut lines: Vec<Line> = lines_of(run, side)
        .into_iter()
        .map(|(sent, text)| {
            let (arrow, style) = if sent {
                ("→ ", own)
            } else {
                ("← ", theme.base)
            };
            Line::from(vec![
                Span::styled(arrow, theme.arrow),
                Span::styled(fit(text, max.saturating_sub(2)), style),
            ])
        })
        .collect();
    if let Some(text) = typing {
        let shown = fit(&format!("{text}▏"), max.saturating_sub(2));
        lines.push(Line::from(vec![
            Span::styled("> ", theme.key),
            Span::styled(shown, theme.accent),
        ]));
    }
    let skip = lines.len().saturating_sub(usize::from(inner.height));
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(inner, buf);
}
