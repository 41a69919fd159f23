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
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Widget};

use super::picture::{bar, palette, render_log};
use super::run::{LabRun, recvs_in, sends_in};
use crate::i18n::{Lang, t, tf};
use crate::lab::{LabDetails, LabEvent, LabName};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::text::width;

/// How bytes map onto cells: `bytes` bytes take `cells` cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub bytes: usize,
    pub cells: usize,
    /// Bytes drawn (a prefix of the stream when it does not fit).
    pub shown: usize,
}

impl Scale {
    fn per_cell(n: usize, shown: usize) -> Scale {
        Scale {
            bytes: n.max(1),
            cells: 1,
            shown,
        }
    }

    /// The cell that byte offset `at` falls in.
    pub fn cell_of(&self, at: usize) -> usize {
        at * self.cells / self.bytes
    }

    /// The first byte drawn in cell `c`.
    pub fn byte_at(&self, c: usize) -> usize {
        c * self.bytes / self.cells
    }

    /// One byte a cell: the bytes themselves can be drawn.
    pub fn is_text(&self) -> bool {
        self.bytes == self.cells
    }

    /// "2", "1.75": bytes per cell for the legend.
    pub fn bytes_per_cell(&self) -> String {
        if self.bytes.is_multiple_of(self.cells) {
            (self.bytes / self.cells).to_string()
        } else {
            let v = self.bytes as f64 / self.cells as f64;
            format!("{v:.2}").trim_end_matches('0').to_string()
        }
    }
}

/// The scale for blocks of sizes `lens` (sends and reads) totalling `total`
/// bytes in `cells` cells: everything when every block still gets two cells;
/// otherwise the start of the stream at a scale where the smallest block does.
///
/// When the blocks share a common size step (ten 7-byte messages read as 21 +
/// 49 bytes), a step takes a whole number of cells, so equal blocks get equal
/// brackets and every block starts on a cell boundary (7 bytes in 4 cells, not
/// brackets of 3 and 4 cells at 2 bytes a cell).
pub fn scale_for(lens: &[usize], total: usize, cells: usize) -> Scale {
    let cells = cells.max(1);
    let smallest = lens.iter().copied().filter(|l| *l > 0).min().unwrap_or(1);
    let step = lens.iter().fold(0, |g, l| gcd(g, *l));
    if step <= 1 || !total.is_multiple_of(step) {
        return proportional(total, smallest, cells);
    }
    // Cells a step needs for the smallest block to get two (at most one a byte).
    let need = (2 * step).div_ceil(smallest).clamp(1, step);
    let fits = (cells / (total / step)).min(step);
    let per_step = if fits >= need { fits } else { need };
    let shown = if fits >= need {
        total
    } else {
        total.min(cells * step / per_step)
    };
    let g = gcd(step, per_step);
    Scale {
        bytes: step / g,
        cells: per_step / g,
        shown,
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Blocks of unrelated sizes: the scale where the smallest still gets two cells.
fn proportional(total: usize, smallest: usize, cells: usize) -> Scale {
    let fit_all = total.div_ceil(cells).max(1);
    let readable = (smallest / 2).max(1);
    if fit_all <= readable {
        Scale::per_cell(fit_all, total)
    } else {
        Scale::per_cell(readable, total.min(readable * cells))
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
        let c0 = scale.cell_of(start);
        let c1 = scale.cell_of(end).max(c0 + 1).min(cells);
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

/// Which blocks go on past the `shown` bytes.
fn cut_off(ends: &[usize], scale: Scale) -> Vec<bool> {
    ends.iter().map(|end| *end > scale.shown).collect()
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
    cut: &[bool],
) -> Vec<(usize, String)> {
    let (left, right, single) = open;
    cells
        .iter()
        .zip(labels)
        .zip(cut.iter().chain(std::iter::repeat(&false)))
        .map(|(((c0, c1), label), cut)| {
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
                // A block that goes on past the window ends in an arrow.
                let close = if *cut && w > 2 { '›' } else { right };
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
    // split reports at most 1,000 reads as events; the report has the count.
    let recv_count = match run.details() {
        Some(LabDetails::Sticky(r)) => Some(r.recvs),
        Some(LabDetails::Split(r)) => Some(r.recvs),
        _ => None,
    }
    .unwrap_or(recvs.len() as u64);
    let recv_label = format!("{recv_word} ×{recv_count}");
    let label_w = width(&send_label).max(width(&recv_label)) + 1;
    let cells = usize::from(area.width).saturating_sub(label_w);
    if cells < 4 || area.height < 4 {
        return;
    }
    let sent_total: usize = sends.iter().sum();
    let recv_total: usize = recvs.iter().sum();
    let total = sent_total.max(recv_total);
    let lens: Vec<usize> = sends.iter().chain(&recvs).copied().collect();
    let scale = scale_for(&lens, total, cells);
    let x0 = area.x + u16::try_from(label_w).unwrap_or(0);
    let colours = palette(theme);
    let send_ends = prefix_sums(&sends);
    let recv_ends = prefix_sums(&recvs);

    buf.set_string(area.x, area.y, &send_label, theme.client);
    buf.set_string(area.x, area.y + 3, &recv_label, theme.server);
    let send_cells = block_cells(&sends, scale, cells);
    let send_names: Vec<String> = (0..send_cells.len()).map(|i| i.to_string()).collect();
    for (c, text) in brackets(
        &send_cells,
        &send_names,
        ('┌', '┐', '╷'),
        &cut_off(&send_ends, scale),
    ) {
        buf.set_stringn(x0 + cell(c), area.y, &text, cells - c, theme.client);
    }
    let recv_cells = block_cells(&recvs, scale, cells);
    let recv_names: Vec<String> = recv_cells
        .iter()
        .zip(&recvs)
        .enumerate()
        .map(|(i, ((c0, c1), len))| {
            let long = format!("#{i} {len} B");
            let short = format!("#{i}");
            if width(&long) + 2 <= c1 - c0 {
                long
            } else if width(&short) + 2 <= c1 - c0 {
                short
            } else {
                i.to_string()
            }
        })
        .collect();
    for (c, text) in brackets(
        &recv_cells,
        &recv_names,
        ('└', '┘', '╵'),
        &cut_off(&recv_ends, scale),
    ) {
        buf.set_stringn(x0 + cell(c), area.y + 3, &text, cells - c, theme.server);
    }
    // At one byte a cell, the bytes themselves (from the reads' previews; the
    // stream carries exactly the bytes sent, so the writer row shows them too).
    let text = if scale.is_text() {
        stream_text(events)
    } else {
        None
    };
    for c in 0..cells {
        let at = scale.byte_at(c);
        if at >= scale.shown {
            break;
        }
        let from = owner(&send_ends, at);
        let style: Style = colours[from % colours.len()];
        let byte = text
            .as_ref()
            .and_then(|t| t.get(at))
            .map(|ch| ch.to_string());
        // Odd sends underlined in text mode, so the monochrome theme keeps them apart.
        let text_style = if from.is_multiple_of(2) {
            style
        } else {
            style.add_modifier(Modifier::UNDERLINED)
        };
        if at < sent_total {
            match &byte {
                Some(ch) => buf.set_string(x0 + cell(c), area.y + 1, ch, text_style),
                None => {
                    let glyph = if from.is_multiple_of(2) { "█" } else { "▓" };
                    buf.set_string(x0 + cell(c), area.y + 1, glyph, style);
                }
            }
        }
        if at < recv_total {
            let read = owner(&recv_ends, at);
            match &byte {
                Some(ch) => buf.set_string(x0 + cell(c), area.y + 2, ch, text_style),
                None => {
                    let glyph = if read.is_multiple_of(2) { "█" } else { "▒" };
                    buf.set_string(x0 + cell(c), area.y + 2, glyph, style);
                }
            }
        }
    }

    let max = usize::from(area.width);
    // The bytes of each read first (what the lesson quotes), then the legend.
    let mut lines: Vec<Line> = read_bytes_lines(events, recv_word, ctx, max);
    let scale_note = if scale.shown < total {
        tf(
            lang,
            "labs.pic.window",
            &[
                ("shown", &scale.shown.to_string()),
                ("total", &total.to_string()),
                ("n", &scale.bytes_per_cell()),
            ],
        )
    } else {
        tf(
            lang,
            "labs.pic.scale",
            &[
                ("n", &scale.bytes_per_cell()),
                ("total", &total.to_string()),
            ],
        )
    };
    let reads: Vec<String> = recvs.iter().map(ToString::to_string).collect();
    let reads = tf(
        lang,
        "labs.pic.reads",
        &[("word", recv_word), ("reads", &reads.join(" "))],
    );
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(fit(&reads, max), theme.base)));
    }
    lines.push(Line::from(Span::styled(fit(&scale_note, max), theme.muted)));
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

/// The stream's bytes as printable characters, when every read's preview is
/// the whole read in plain ASCII (no escapes, nothing cut off).
fn stream_text(events: &[LabEvent]) -> Option<Vec<char>> {
    let mut out = Vec::new();
    for (len, preview) in recvs_in(events) {
        let plain = preview.len() == len
            && preview.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
            && !preview.contains('\\');
        if !plain {
            return None;
        }
        out.extend(preview.chars());
    }
    Some(out)
}

/// Python's view of what a read returned: `b'hello-0hello-1…'` (the bytes the
/// lesson quotes), ending in `…` when the preview is only the read's start.
pub fn bytes_literal(preview: &str) -> String {
    let quoted = preview.trim_end_matches('…').replace('\'', "\\'");
    let cut = preview.ends_with('…');
    format!("b'{quoted}{}'", if cut { "…" } else { "" })
}

/// One line per read with its size and the bytes it returned, glued as they
/// arrived; none when there are more than six reads (the sizes line says it
/// better, the report has them all).
fn read_bytes_lines(
    events: &[LabEvent],
    recv_word: &str,
    ctx: &RenderCtx,
    max: usize,
) -> Vec<Line<'static>> {
    const SHOWN: usize = 6;
    let recvs = recvs_in(events);
    if recvs.len() > SHOWN {
        return Vec::new();
    }
    recvs
        .iter()
        .enumerate()
        .map(|(i, (len, preview))| {
            let text = format!("{recv_word} #{i} {len} B → {}", bytes_literal(preview));
            Line::from(Span::styled(fit(&text, max), ctx.theme.code))
        })
        .collect()
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
    match run.details() {
        Some(LabDetails::Split(r)) => {
            let (mtu, mss) = (r.loopback_mtu, r.mss);
            if mtu.is_some() || mss.is_some() {
                let show = |v: Option<u32>| v.map_or("?".to_string(), |v| v.to_string());
                let text = tf(
                    lang,
                    "labs.split.mtu",
                    &[("mtu", &show(mtu)), ("mss", &show(mss))],
                );
                lines.push(Line::from(Span::styled(fit(&text, max), theme.accent)));
            }
        }
        Some(LabDetails::Framing(r)) => {
            let sent = r.sent;
            let ways = [
                ("labs.framing.naive", r.naive_recovered),
                ("labs.framing.length", r.length_prefix_recovered),
                ("labs.framing.delimiter", r.delimiter_recovered),
                ("labs.framing.sleep", r.sleep_recovered),
            ];
            for (key, got) in ways {
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
        Some(LabDetails::UdpBoundaries(r)) => {
            let merged = r.merged;
            let text = tf(lang, "labs.udp.merged", &[("merged", &merged.to_string())]);
            let style = if merged == 0 { theme.good } else { theme.bad };
            lines.push(Line::from(Span::styled(fit(&text, max), style)));
        }
        _ => {}
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_messages_get_equal_brackets_and_their_labels() {
        // Ten 7-byte messages read as 21 + 49 bytes, 47 cells wide (80x24):
        // 2 B a cell would give brackets of 3 and 4 cells and drop "#0".
        let lens = [[7usize; 10].as_slice(), &[21, 49]].concat();
        let s = scale_for(&lens, 70, 47);
        assert_eq!(
            s,
            Scale {
                bytes: 7,
                cells: 4,
                shown: 70
            }
        );
        assert_eq!(s.bytes_per_cell(), "1.75");
        let sends = block_cells(&[7; 10], s, 47);
        let widths: Vec<usize> = sends.iter().map(|(a, b)| b - a).collect();
        assert_eq!(widths, vec![4; 10]);
        let reads = block_cells(&[21, 49], s, 47);
        assert_eq!(reads, vec![(0, 12), (12, 40)], "reads start where sends do");
        let labels: Vec<String> = (0..sends.len()).map(|i| i.to_string()).collect();
        let drawn = brackets(&sends, &labels, ('┌', '┐', '╷'), &[false; 10]);
        assert!(
            drawn
                .iter()
                .all(|(_, t)| t.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
        );
        // Six 7-byte datagrams fit whole at 1 B a cell.
        assert!(scale_for(&[7; 12], 42, 47).is_text());
        // Too many to fit: the start, still 2 cells for the smallest.
        let s = scale_for(&[7; 100], 350, 47);
        assert_eq!((s.bytes, s.cells), (7, 2));
        assert!(s.shown < 350);
    }

    #[test]
    fn reads_are_shown_as_python_bytes() {
        assert_eq!(bytes_literal("hello-0hello-1"), "b'hello-0hello-1'");
        assert_eq!(bytes_literal("abc…"), "b'abc…'");
        assert_eq!(bytes_literal("it's"), "b'it\\'s'");
    }

    #[test]
    fn everything_fits_when_blocks_stay_readable() {
        let s = proportional(70, 7, 44);
        assert_eq!(
            s,
            Scale {
                bytes: 2,
                cells: 1,
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
        let s = proportional(1 << 20, 1024, 50);
        assert_eq!(s.bytes_per_cell(), "512");
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
