//! udp-truncate: each datagram's size as sent beside what recvfrom() returned
//! into a smaller buffer; the cut-off part is drawn as dropped (MSG_TRUNC), and
//! the 65,508-byte payload that sendto() refuses (EMSGSIZE).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::picture::render_log;
use super::run::LabRun;
use crate::i18n::tf;
use crate::lab::LabDetails;
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;

/// One datagram: bytes sent, bytes received, whether the kernel flagged MSG_TRUNC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatagramRow {
    pub sent: usize,
    pub received: Option<usize>,
    pub truncated: bool,
}

/// The rows: from the report when the run is over, else from the events.
pub fn rows(run: &LabRun) -> Vec<DatagramRow> {
    if let Some(LabDetails::UdpTruncate(report)) = run.details() {
        return report
            .datagrams
            .iter()
            .map(|d| DatagramRow {
                sent: d.sent_len,
                received: Some(d.received_len),
                truncated: d.truncated,
            })
            .collect();
    }
    let recvs = run.recvs();
    run.sends()
        .into_iter()
        .enumerate()
        .map(|(i, sent)| {
            let received = recvs.get(i).map(|(len, _)| *len);
            DatagramRow {
                sent,
                received,
                truncated: received.is_some_and(|r| r < sent),
            }
        })
        .collect()
}

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let rows = rows(run);
    let biggest = rows.iter().map(|r| r.sent).max().unwrap_or(1).max(1);
    // Two lines a datagram: the numbers, then a bar as long as what was sent,
    // solid for what recvfrom() returned and hatched for what the kernel dropped.
    let bar_cells = max.saturating_sub(5).max(4);
    let mut lines: Vec<Line> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let got = row.received.unwrap_or(0);
        let sent_cells = (row.sent * bar_cells).div_ceil(biggest).max(1);
        let got_cells = (got * sent_cells).checked_div(row.sent).unwrap_or(0);
        let head = format!(
            "#{i:<2} {:>6} B → {:>6} B  ",
            row.sent,
            row.received.map_or("…".to_string(), |r| r.to_string())
        );
        let verdict = match (row.received, row.truncated) {
            (None, _) => String::new(),
            (Some(_), true) => tf(
                lang,
                "labs.trunc.cut",
                &[("lost", &row.sent.saturating_sub(got).to_string())],
            ),
            (Some(_), false) => tf(lang, "labs.trunc.whole", &[]),
        };
        let verdict_style = if row.truncated { theme.bad } else { theme.good };
        lines.push(Line::from(vec![
            Span::styled(head.clone(), theme.base),
            Span::styled(fit(&verdict, max.saturating_sub(head.len())), verdict_style),
        ]));
        lines.push(Line::from(vec![
            Span::styled("    ", theme.base),
            Span::styled("█".repeat(got_cells), theme.good),
            Span::styled("░".repeat(sent_cells.saturating_sub(got_cells)), theme.bad),
        ]));
    }
    let oversize = match run.details() {
        Some(LabDetails::UdpTruncate(report)) => {
            Some((report.oversize_len, &report.oversize_error))
        }
        _ => None,
    };
    let len = oversize.map_or("?".to_string(), |(n, _)| n.to_string());
    match oversize.map(|(_, error)| error) {
        Some(Some(error)) => {
            let text = tf(
                lang,
                "labs.trunc.oversize",
                &[("error", error), ("len", &len)],
            );
            lines.push(Line::from(Span::styled(fit(&text, max), theme.warn)));
        }
        Some(None) => {
            lines.push(Line::from(Span::styled(
                fit(&tf(lang, "labs.trunc.oversize_ok", &[("len", &len)]), max),
                theme.warn,
            )));
        }
        None => {}
    }
    let used = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    Paragraph::new(lines).render(area, buf);
    let rest = Rect {
        y: area.y + used,
        height: area.height.saturating_sub(used),
        ..area
    };
    render_log(run, rest, buf, ctx);
}
