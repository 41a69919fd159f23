//! The byte-stream picture (sticky, split, framing, udp-boundaries): the
//! sender's writes as coloured blocks on one row, the receiver's reads on the row
//! below in the same colours, each read bracketed, so several sends inside one
//! read — or one send cut into many reads — jump out.
//!
//! Colour says which send a byte came from; brackets (and the glyph on the
//! receive row) say which recv() returned it. Byte offsets line up: the stream
//! carries exactly the bytes that were sent, in order.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Widget};

use super::picture::{bar, palette, render_log};
use super::run::{LabRun, recvs_in, sends_in};
use crate::i18n::{Lang, t, tf};
use crate::lab::LabName;
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::text::width;

/// How bytes map onto cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Bytes per cell.
    pub bytes_per_cell: usize,
    /// Bytes drawn (a prefix of the stream when it does not fit).
    pub shown: usize,
}

/// The scale for blocks of `lens` in `cells` cells: everything when every block
/// still gets two cells; otherwise the start of the stream at a scale where the
/// smallest block does.
pub fn scale_for(total: usize, smallest: usize, cells: usize) -> Scale {
    let cells = cells.max(1);
    let fit_all = total.div_ceil(cells).max(1);
    let readable = (smallest / 2).max(1);
    if fit_all <= readable {
        Scale {
            bytes_per_cell: fit_all,
            shown: total,
        }
    } else {
        Scale {
            bytes_per_cell: readable,
            shown: total.min(readable * cells),
        }
    }
}

/// Cell ranges `[c0, c1)` of blocks of sizes `lens`, clipped to `cells`.
pub fn block_cells(lens: &[usize], scale: Scale, cells: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for len in lens {
        let end = start + len;
        if start >= scale.shown {
            break;
        }
        let c0 = start / scale.bytes_per_cell;
        let c1 = (end / scale.bytes_per_cell).max(c0 + 1).min(cells);
        if c0 < cells {
            out.push((c0, c1));
        }
        start = end;
    }
    out
}

/// Index of the block that holds byte `at` (blocks of sizes `lens`).
fn owner(prefix: &[usize], at: usize) -> usize {
    // prefix[i] = end offset of block i.
    prefix.partition_point(|end| *end <= at)
}

fn prefix_sums(lens: &[usize]) -> Vec<usize> {
    lens.iter()
        .scan(0usize, |sum, len| {
            *sum += len;
            Some(*sum)
        })
        .collect()
}

/// A bracket row: `┌0────┐` above sends, `└#0 30 B┘` below reads.
fn brackets(
    cells: &[(usize, usize)],
    labels: &[String],
    open: (char, char, char),
    limit: usize,
) -> Vec<(usize, String)> {
    let (left, right, single) = open;
    cells
        .iter()
        .zip(labels)
        .map(|((c0, c1), label)| {
            let w = c1 - c0;
            let text = if w == 1 {
                single.to_string()
            } else {
                let inner = w - 2;
                let label = if width(label) <= inner {
                    label.clone()
                } else {
                    String::new()
                };
                let fill = "─".repeat(inner.saturating_sub(width(&label)));
                let close = if *c1 >= limit && w > 2 { '›' } else { right };
                format!("{left}{label}{fill}{close}")
            };
            (*c0, text)
        })
        .collect()
}

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    // Framing runs the same burst four ways; the picture is the naive one,
    // where the merged messages are (the bars below count the other three).
    let events = if run.lab == LabName::Framing {
        run.phase("naive")
    } else {
        &run.events
    };
    let sends = sends_in(events);
    let recvs: Vec<usize> = recvs_in(events).iter().map(|(len, _)| *len).collect();
    let (send_word, recv_word) = words(run.lab, lang);
    let send_label = format!("{send_word} ×{}", sends.len());
    let recv_label = format!("{recv_word} ×{}", recvs.len());
    let label_w = width(&send_label).max(width(&recv_label)) + 1;
    let cells = usize::from(area.width).saturating_sub(label_w);
    if cells < 4 || area.height < 4 {
        return;
    }
    let sent_total: usize = sends.iter().sum();
    let recv_total: usize = recvs.iter().sum();
    let total = sent_total.max(recv_total);
    let smallest = sends
        .iter()
        .chain(&recvs)
        .copied()
        .filter(|l| *l > 0)
        .min()
        .unwrap_or(1);
    let scale = scale_for(total, smallest, cells);
    let x0 = area.x + u16::try_from(label_w).unwrap_or(0);
    let colours = palette(theme);
    let send_ends = prefix_sums(&sends);
    let recv_ends = prefix_sums(&recvs);

    buf.set_string(area.x, area.y, &send_label, theme.client);
    buf.set_string(area.x, area.y + 3, &recv_label, theme.server);
    let send_cells = block_cells(&sends, scale, cells);
    let send_names: Vec<String> = (0..send_cells.len()).map(|i| i.to_string()).collect();
    for (c, text) in brackets(&send_cells, &send_names, ('┌', '┐', '╷'), cells) {
        buf.set_stringn(x0 + cell(c), area.y, &text, cells - c, theme.client);
    }
    let recv_cells = block_cells(&recvs, scale, cells);
    let recv_names: Vec<String> = recv_cells
        .iter()
        .zip(&recvs)
        .enumerate()
        .map(|(i, ((c0, c1), len))| {
            let long = format!("#{i} {len} B");
            if width(&long) + 2 <= c1 - c0 {
                long
            } else {
                format!("#{i}")
            }
        })
        .collect();
    for (c, text) in brackets(&recv_cells, &recv_names, ('└', '┘', '╵'), cells) {
        buf.set_stringn(x0 + cell(c), area.y + 3, &text, cells - c, theme.server);
    }
    for c in 0..cells {
        let at = c * scale.bytes_per_cell;
        if at >= scale.shown {
            break;
        }
        let from = owner(&send_ends, at);
        let style: Style = colours[from % colours.len()];
        if at < sent_total {
            let glyph = if from.is_multiple_of(2) { "█" } else { "▓" };
            buf.set_string(x0 + cell(c), area.y + 1, glyph, style);
        }
        if at < recv_total {
            let read = owner(&recv_ends, at);
            let glyph = if read.is_multiple_of(2) { "█" } else { "▒" };
            buf.set_string(x0 + cell(c), area.y + 2, glyph, style);
        }
    }

    let max = usize::from(area.width);
    let mut lines: Vec<Line> = Vec::new();
    let scale_note = if scale.shown < total {
        tf(
            lang,
            "labs.pic.window",
            &[
                ("shown", &scale.shown.to_string()),
                ("total", &total.to_string()),
                ("n", &scale.bytes_per_cell.to_string()),
            ],
        )
    } else {
        tf(
            lang,
            "labs.pic.scale",
            &[
                ("n", &scale.bytes_per_cell.to_string()),
                ("total", &total.to_string()),
            ],
        )
    };
    lines.push(Line::from(Span::styled(fit(&scale_note, max), theme.muted)));
    let reads: Vec<String> = recvs.iter().map(ToString::to_string).collect();
    let reads = tf(
        lang,
        "labs.pic.reads",
        &[("word", recv_word), ("reads", &reads.join(" "))],
    );
    lines.push(Line::from(Span::styled(fit(&reads, max), theme.base)));
    lines.extend(extra_lines(run, lang, ctx, max));
    let below = Rect {
        y: area.y + 4,
        height: area.height.saturating_sub(4),
        ..area
    };
    let used = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(below.height);
    Paragraph::new(lines).render(below, buf);
    let rest = Rect {
        y: below.y + used,
        height: below.height.saturating_sub(used),
        ..below
    };
    if run.lab == LabName::Split && rest.height >= 3 && recvs.len() > 1 {
        // The size of every recv() as a bar chart: the stream arrives in pieces
        // whose sizes the receiver does not choose.
        let data: Vec<u64> = recvs.iter().map(|l| *l as u64).collect();
        let spark = Rect {
            height: 3.min(rest.height),
            ..rest
        };
        Sparkline::default()
            .data(&data)
            .style(theme.server)
            .render(spark, buf);
        let log = Rect {
            y: spark.y + spark.height,
            height: rest.height.saturating_sub(spark.height),
            ..rest
        };
        render_log(run, log, buf, ctx);
    } else {
        render_log(run, rest, buf, ctx);
    }
}

fn cell(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn words(lab: LabName, lang: Lang) -> (&'static str, &'static str) {
    if lab == LabName::UdpBoundaries {
        (t(lang, "labs.pic.sendto"), t(lang, "labs.pic.recvfrom"))
    } else {
        (t(lang, "labs.pic.send"), t(lang, "labs.pic.recv"))
    }
}

/// What each stream lab adds under the picture, from its report.
fn extra_lines(run: &LabRun, lang: Lang, ctx: &RenderCtx, max: usize) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let mut lines = Vec::new();
    match run.lab {
        LabName::Split => {
            let mtu = run.json_u64("loopback_mtu").or_else(|| run.json_u64("mtu"));
            let mss = run.json_u64("mss");
            if mtu.is_some() || mss.is_some() {
                let show = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
                let text = tf(
                    lang,
                    "labs.split.mtu",
                    &[("mtu", &show(mtu)), ("mss", &show(mss))],
                );
                lines.push(Line::from(Span::styled(fit(&text, max), theme.accent)));
            }
        }
        LabName::Framing => {
            let sent = run.json_u64("sent").unwrap_or(0);
            let ways = [
                ("labs.framing.naive", "naive_recovered"),
                ("labs.framing.length", "length_prefix_recovered"),
                ("labs.framing.delimiter", "delimiter_recovered"),
                ("labs.framing.sleep", "sleep_recovered"),
            ];
            for (key, json) in ways {
                let Some(got) = run.json_u64(json) else {
                    continue;
                };
                let (full, empty) = bar(got, sent, 20);
                let style = if got == sent { theme.good } else { theme.bad };
                let name = format!("{:<16}", fit(t(lang, key), 16));
                lines.push(Line::from(vec![
                    Span::styled(name, theme.base),
                    Span::styled(full, style),
                    Span::styled(empty, theme.muted),
                    Span::styled(format!(" {got}/{sent}"), style),
                ]));
            }
        }
        LabName::UdpBoundaries => {
            if let Some(merged) = run.json_u64("merged") {
                let text = tf(lang, "labs.udp.merged", &[("merged", &merged.to_string())]);
                let style = if merged == 0 { theme.good } else { theme.bad };
                lines.push(Line::from(Span::styled(fit(&text, max), style)));
            }
        }
        _ => {}
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_fits_when_blocks_stay_readable() {
        let s = scale_for(70, 7, 44);
        assert_eq!(
            s,
            Scale {
                bytes_per_cell: 2,
                shown: 70
            }
        );
        let cells = block_cells(&[7; 10], s, 44);
        assert_eq!(cells.len(), 10);
        assert!(cells.iter().all(|(a, b)| b - a >= 3));
        // Adjacent blocks never share a cell.
        assert!(cells.windows(2).all(|w| w[0].1 <= w[1].0));
    }

    #[test]
    fn a_long_stream_shows_its_start() {
        // One 1 MiB send read 1024 bytes at a time.
        let s = scale_for(1 << 20, 1024, 50);
        assert_eq!(s.bytes_per_cell, 512);
        assert_eq!(s.shown, 512 * 50);
        assert_eq!(block_cells(&[1024; 1024], s, 50).len(), 25);
        assert_eq!(block_cells(&[1 << 20], s, 50), vec![(0, 50)]);
    }

    #[test]
    fn owners_follow_offsets() {
        let ends = prefix_sums(&[3, 4, 5]);
        assert_eq!(
            [0, 2, 3, 6, 7, 11].map(|b| owner(&ends, b)),
            [0, 0, 1, 1, 2, 2]
        );
    }
}
