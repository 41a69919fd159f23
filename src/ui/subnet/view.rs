//! Drawing the panel: input line, validation line, bit rows, pane tabs, pane.
//! A pure function of the panel state.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{Pane, SubnetPanel, bits_view, panes};
use crate::i18n::{t, tf};
use crate::net::subnet::SubnetError;
use crate::ui::panel::RenderCtx;
use crate::ui::text::fit;
use crate::ui::text::{width, wrap};

const PROMPT: &str = "› ";

pub(super) fn render(panel: &SubnetPanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let block = theme.block(t(ctx.lang, "subnet.title"), panel.editing);
    let inner = block.inner(area);
    block.render(area, buf);
    let inner = Rect {
        x: inner.x.saturating_add(1),
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let available = usize::from(inner.width);
    let (input, skipped) = input_line(panel, available, ctx);
    let mut lines = vec![input];
    lines.extend(status_lines(panel, skipped, available, ctx));
    if let Some(step) = panel.current_step() {
        lines.extend(bits_view::lines(&panel.facts, step, available, ctx));
    }
    lines.push(pane_tabs(panel, ctx));
    let room = usize::from(inner.height).saturating_sub(lines.len());
    lines.extend(panes::lines(panel, room, available, ctx));
    Paragraph::new(lines).render(inner, buf);
}

/// The input line, and how many characters of the input were cut on the left to
/// keep the end (where the student types) visible.
fn input_line(panel: &SubnetPanel, available: usize, ctx: &RenderCtx) -> (Line<'static>, usize) {
    let theme = ctx.theme;
    if panel.input.is_empty() && !panel.editing {
        let hint = fit(
            t(ctx.lang, "subnet.input.hint"),
            available.saturating_sub(2),
        );
        return (
            Line::from(vec![
                Span::styled(PROMPT, theme.key),
                Span::styled(hint, theme.muted),
            ]),
            0,
        );
    }
    let room = available.saturating_sub(width(PROMPT) + 1);
    let chars: Vec<char> = panel.input.chars().collect();
    let mut skipped = 0;
    while skipped < chars.len() && width(&chars[skipped..].iter().collect::<String>()) > room {
        skipped += 1;
    }
    let shown: String = chars[skipped..].iter().collect();
    let mut spans = vec![
        Span::styled(PROMPT, theme.key),
        Span::styled(
            shown,
            if panel.error.is_some() {
                theme.bad
            } else {
                theme.accent
            },
        ),
    ];
    if panel.editing {
        spans.push(Span::styled("█", theme.key));
    }
    (Line::from(spans), skipped)
}

/// Under the input: the error with a caret at its column (and, for a refused mask,
/// its bits with the one that breaks the run of ones), or the scope and the
/// animation state.
fn status_lines(
    panel: &SubnetPanel,
    skipped: usize,
    available: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let Some(err) = &panel.error else {
        if panel.editing && panel.unconfirmed() {
            return wrapped_muted(&stale(panel, ctx), available, ctx);
        }
        return vec![ok_line(panel, available, ctx)];
    };
    if *err == SubnetError::Empty {
        return vec![Line::from(Span::styled(
            fit(&err.message(ctx.lang), available),
            theme.muted,
        ))];
    }
    let mut out = Vec::new();
    if let Some(column) = err.column() {
        let before: String = panel
            .input
            .chars()
            .skip(skipped)
            .take(column.saturating_sub(1 + skipped))
            .collect();
        let x = width(PROMPT) + width(&before);
        out.push(Line::from(vec![
            Span::raw(" ".repeat(x)),
            Span::styled("^", theme.boundary),
        ]));
    }
    let message = wrap(
        &[(err.message(ctx.lang), theme.bad)],
        available,
        ("", theme.bad),
        ("", theme.bad),
    );
    out.extend(message.into_iter().take(3));
    if let SubnetError::NonContiguousMask { mask, bit, .. } = err {
        out.extend(refused_mask(mask, *bit, ctx));
    }
    out.extend(wrapped_muted(&stale(panel, ctx), available, ctx));
    out
}

/// "The rows below show …, the last input you confirmed with Enter."
fn stale(panel: &SubnetPanel, ctx: &RenderCtx) -> String {
    tf(
        ctx.lang,
        "subnet.input.stale",
        &[("input", panel.confirmed.trim())],
    )
}

fn wrapped_muted(text: &str, available: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let style = ctx.theme.muted;
    wrap(
        &[(text.to_string(), style)],
        available,
        ("", style),
        ("", style),
    )
}

/// The bits of a refused mask, the breaking bit (1-based) marked.
fn refused_mask(mask: &str, bit: u8, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let Ok(value) = mask.parse::<std::net::Ipv4Addr>() else {
        return Vec::new();
    };
    let value = u32::from(value);
    let label = format!("{}  ", t(ctx.lang, "subnet.mask.refused"));
    let mut spans = vec![Span::styled(label.clone(), theme.bold)];
    let mut seen_zero = false;
    for i in 0..32u8 {
        if i > 0 && i % 8 == 0 {
            spans.push(Span::styled(".", theme.muted));
        }
        let one = value >> (31 - i) & 1 == 1;
        seen_zero |= !one;
        let style = if i + 1 == bit {
            theme.bad.patch(theme.selected)
        } else if one && !seen_zero {
            theme.net_bits
        } else {
            theme.host_bits
        };
        spans.push(Span::styled(if one { "1" } else { "0" }, style));
    }
    let index = usize::from(bit.saturating_sub(1));
    let column = width(&label) + index + index / 8;
    vec![
        Line::from(spans),
        Line::from(vec![
            Span::raw(" ".repeat(column)),
            Span::styled(format!("^ {bit}"), theme.bad),
        ]),
    ]
}

fn ok_line(panel: &SubnetPanel, available: usize, ctx: &RenderCtx) -> Line<'static> {
    let theme = ctx.theme;
    let left = if panel.editing {
        t(ctx.lang, "subnet.input.editing").to_string()
    } else {
        format!("✓ {}", t(ctx.lang, &panel.facts.scope.text_key()))
    };
    let total = panel.steps.len().to_string();
    let n = (panel.step.min(panel.steps.len().saturating_sub(1)) + 1).to_string();
    let state = if panel.playing {
        "subnet.playing"
    } else {
        "subnet.paused"
    };
    let right = format!(
        "{}  {}",
        tf(ctx.lang, "subnet.step", &[("n", &n), ("total", &total)]),
        t(ctx.lang, state)
    );
    let left = fit(&left, available.saturating_sub(width(&right) + 2));
    let gap = available.saturating_sub(width(&left) + width(&right));
    Line::from(vec![
        Span::styled(
            left,
            if panel.editing {
                theme.muted
            } else {
                theme.good
            },
        ),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, theme.muted),
    ])
}

fn pane_tabs(panel: &SubnetPanel, ctx: &RenderCtx) -> Line<'static> {
    let theme = ctx.theme;
    let mut spans = Vec::new();
    for (i, pane) in Pane::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("│", theme.border));
        }
        let style = if *pane == panel.pane {
            theme.tab_active
        } else {
            theme.tab_inactive
        };
        spans.push(Span::styled(
            format!(" {} ", t(ctx.lang, pane.title_key())),
            style,
        ));
    }
    Line::from(spans)
}
