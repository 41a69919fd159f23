//! The bit rows: address, mask, AND, wildcard and OR, one cell per bit, network
//! bits and host bits in their theme styles (which differ without colour too:
//! bold+underline vs dim in the mono theme), the bit being computed highlighted,
//! dotted decimal and hex beside each row, and a caret at the prefix boundary.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::i18n::t;
use crate::net::subnet::{
    BitRole, BitRow, Family, RowKind, SubnetFacts, SweepStep, and_rows, group_bits,
    group_separator, or_rows, role,
};
use crate::ui::panel::RenderCtx;
use crate::ui::text::width;

/// Characters a run of `bits` bits takes, with group separators.
fn bits_chars(family: Family, bits: u8) -> usize {
    let group = usize::from(group_bits(family));
    let bits = usize::from(bits);
    bits + bits.div_ceil(group).saturating_sub(1)
}

/// Characters the hex of a chunk takes beside the bits.
fn beside_chars(family: Family, bits: u8) -> usize {
    match family {
        // "255.255.255.255  0xffffffff"
        Family::V4 => 15 + 2 + 10,
        // Four hex digits per 16-bit group, ':' between.
        Family::V6 => bits_chars(family, bits / 4),
    }
}

/// Bits per line: IPv4 always 32; IPv6 in 128, 64 or 32, the widest that fits with
/// its hex beside, else 64 without it, else 32.
pub(super) fn chunk_bits(family: Family, label_width: usize, available: usize) -> u8 {
    if family == Family::V4 {
        return 32;
    }
    let line = |bits: u8, hex: bool| {
        label_width
            + 1
            + bits_chars(family, bits)
            + if hex {
                2 + beside_chars(family, bits)
            } else {
                0
            }
    };
    if line(128, true) <= available {
        128
    } else if line(64, true) <= available || line(64, false) <= available {
        64
    } else {
        32
    }
}

/// The lines of the bit rows for `step`, with the caption last.
pub(super) fn lines(
    facts: &SubnetFacts,
    step: &SweepStep,
    available: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let [address, mask, network] = and_rows(facts);
    let [wildcard, last] = or_rows(facts);
    let rows = [address, mask, network, wildcard, last];
    let label_width = rows
        .iter()
        .map(|r| width(t(ctx.lang, r.kind.label_key())))
        .max()
        .unwrap_or(0);
    let family = facts.family();
    let total = family.bits();
    let chunk = chunk_bits(family, label_width, available);
    let mut out = Vec::new();
    let mut start = 0u8;
    loop {
        let end = start.saturating_add(chunk).min(total);
        for row in &rows {
            let shown = match row.kind {
                RowKind::Wildcard => step.shows_wildcard(),
                RowKind::Last => step.shows_last(),
                _ => true,
            };
            if shown {
                out.push(row_line(
                    row,
                    facts.prefix,
                    step,
                    start,
                    end,
                    label_width,
                    available,
                    ctx,
                ));
            } else {
                out.push(Line::default());
            }
        }
        let p = facts.prefix;
        if (start <= p && p < end) || (p == total && end == total) {
            out.push(marker_line(facts, start, end, label_width, ctx));
        }
        if end >= total {
            break;
        }
        start = end;
    }
    let caption = step.caption(facts, ctx.lang);
    out.push(Line::from(Span::styled(
        crate::ui::text::fit(&caption, available),
        theme.accent,
    )));
    out
}

#[allow(clippy::too_many_arguments)] // one row of a table: every column is a parameter
fn row_line(
    row: &BitRow,
    prefix: u8,
    step: &SweepStep,
    start: u8,
    end: u8,
    label_width: usize,
    available: usize,
    ctx: &RenderCtx,
) -> Line<'static> {
    let theme = ctx.theme;
    let family = row.family();
    let group = group_bits(family);
    let label = t(ctx.lang, row.kind.label_key());
    let mut spans = vec![Span::styled(
        format!(
            "{label}{} ",
            " ".repeat(label_width.saturating_sub(width(label)))
        ),
        theme.bold,
    )];
    let is_result = row.kind == RowKind::Network;
    let in_and = matches!(
        row.kind,
        RowKind::Address | RowKind::Mask | RowKind::Network
    );
    for i in start..end {
        if i > start && i % group == 0 {
            spans.push(Span::styled(
                group_separator(family).to_string(),
                theme.muted,
            ));
        }
        let mut style: Style = match role(prefix, i) {
            BitRole::Network => theme.net_bits,
            BitRole::Host => theme.host_bits,
        };
        if in_and && step.cursor == Some(i) {
            style = style.patch(theme.selected);
        }
        let symbol = if is_result && !step.shows_result_bit(i) {
            style = theme.muted;
            "·"
        } else if row.bit(i) {
            "1"
        } else {
            "0"
        };
        spans.push(Span::styled(symbol, style));
    }
    let used = label_width + 1 + bits_chars(family, end - start);
    let complete = !is_result || step.shows_result_bit(row.width().saturating_sub(1));
    let beside = match family {
        Family::V4 if complete => format!("  {:<15}  {}", row.text(), row.hex()),
        Family::V4 => format!("  {:<15}", "?"),
        Family::V6 if complete => {
            // The hex of this chunk's groups: 4 hex digits per 16 bits.
            let groups: Vec<String> = (start / 16..end.div_ceil(16))
                .map(|g| {
                    let shift = 128 - 16 * (u32::from(g) + 1);
                    let bits = crate::net::subnet::to_bits(row.value) >> shift;
                    format!("{:04x}", bits & 0xffff)
                })
                .collect();
            format!("  {}", groups.join(":"))
        }
        Family::V6 => "  ?".to_string(),
    };
    if used + width(&beside) <= available {
        spans.push(Span::styled(beside, theme.base));
    }
    Line::from(spans)
}

fn marker_line(
    facts: &SubnetFacts,
    start: u8,
    end: u8,
    label_width: usize,
    ctx: &RenderCtx,
) -> Line<'static> {
    let theme = ctx.theme;
    let family = facts.family();
    let p = facts.prefix;
    let offset = p - start;
    let group = group_bits(family);
    let mut column = usize::from(offset) + usize::from(offset / group);
    // All bits are network bits: the caret sits just past the last one.
    if p == end && p > start && offset.is_multiple_of(group) {
        column -= 1;
    }
    let legend = t(ctx.lang, "subnet.bits.legend");
    let (net, host) = legend.split_once(" | ").unwrap_or((legend, ""));
    Line::from(vec![
        Span::raw(" ".repeat(label_width + 1 + column)),
        Span::styled(format!("^ /{p}"), theme.boundary),
        Span::raw("  "),
        Span::styled(net.to_string(), theme.net_bits),
        Span::styled(" | ", theme.muted),
        Span::styled(host.to_string(), theme.host_bits),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_chunks_follow_the_width() {
        assert_eq!(chunk_bits(Family::V6, 9, 200), 128);
        assert_eq!(chunk_bits(Family::V6, 9, 156), 64);
        assert_eq!(chunk_bits(Family::V6, 8, 76), 64);
        assert_eq!(chunk_bits(Family::V6, 9, 76), 32);
        assert_eq!(chunk_bits(Family::V6, 9, 56), 32);
        assert_eq!(chunk_bits(Family::V4, 9, 40), 32);
        assert_eq!(bits_chars(Family::V4, 32), 35);
        assert_eq!(bits_chars(Family::V6, 64), 67);
    }
}
