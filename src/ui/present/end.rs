//! The end-of-lecture card: past the playlist's last step (and its panel's
//! last animation step), PageDown shows what the lecture covered instead of
//! doing nothing; PageUp (or Esc) goes back to where it was.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use super::big_title;
use crate::i18n::{t, tf};
use crate::lesson::Lesson;
use crate::ui::panel::RenderCtx;
use crate::ui::text::wrap;

/// Draws the card for a lecture of `lessons` into `area`.
pub fn draw(lessons: &[&Lesson], area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let block = theme.block(t(ctx.lang, "app.name"), true);
    let inner = block.inner(area);
    block.render(area, buf);
    let pad = 2.min(inner.width / 4);
    let mut text = Rect {
        x: inner.x + pad,
        width: inner.width.saturating_sub(pad * 2),
        y: inner.y.saturating_add(1).min(inner.bottom()),
        height: inner.height.saturating_sub(1),
    };
    let used = big_title(t(ctx.lang, "present.end.title"), text, buf, theme.title);
    text.y = text.y.saturating_add(used + 1).min(inner.bottom());
    text.height = text.height.saturating_sub(used + 1);
    let max = usize::from(text.width);
    let para = |s: String, style| wrap(&[(s, style)], max, ("", style), ("", style));
    let mut lines: Vec<Line> = Vec::new();
    lines.extend(para(
        tf(
            ctx.lang,
            "present.end.covered",
            &[("n", &lessons.len().to_string())],
        ),
        theme.bold,
    ));
    for (i, lesson) in lessons.iter().enumerate() {
        let n = format!("{:>3}. ", i + 1);
        let style = theme.base;
        lines.extend(wrap(
            &[(lesson.title.get(ctx.lang).to_string(), style)],
            max,
            (&n, style),
            ("     ", style),
        ));
    }
    lines.push(Line::default());
    lines.extend(para(
        t(ctx.lang, "present.end.back").to_string(),
        theme.muted,
    ));
    Paragraph::new(lines).render(text, buf);
}
