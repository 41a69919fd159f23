//! udp-loss: a grid of sequence numbers, received (█) or missing (·); the
//! sender's and the reader's rates and the buffer (asked for, and as the kernel
//! doubled it); the kernel's own count of datagrams this socket dropped (the
//! `drops` column of /proc/net/udp) beside the machine-wide RcvbufErrors; then
//! TCP under the same pressure, losing nothing.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::run::LabRun;
use crate::i18n::tf;
use crate::lab::LabEvent;
use crate::lab::udp_loss::UdpLossReport;
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;

/// What the UDP part saw: how many datagrams were (or are being) sent, how far
/// the sender got, and which sequence numbers arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LossPicture {
    pub total: u64,
    pub sent_so_far: u64,
    pub arrived: Vec<bool>,
}

impl LossPicture {
    pub fn of(run: &LabRun) -> LossPicture {
        let (udp, _) = run.split_at_phase("tcp");
        let mut total = 0;
        let mut sent_so_far = 0;
        for ev in udp {
            if let LabEvent::Progress { done, total: t } = ev {
                total = *t;
                sent_so_far = *done;
            }
        }
        if let Some(report) = run.details_of::<UdpLossReport>() {
            total = report.sent;
            sent_so_far = report.sent;
        }
        // Cap what is drawn: the grid never has more cells than this anyway.
        let cap = usize::try_from(total.min(1 << 20)).unwrap_or(0);
        let mut arrived = vec![false; cap];
        for ev in udp {
            if let LabEvent::Datagram {
                seq,
                received: true,
            } = ev
                && let Some(slot) = usize::try_from(*seq).ok().and_then(|s| arrived.get_mut(s))
            {
                *slot = true;
            }
        }
        LossPicture {
            total,
            sent_so_far,
            arrived,
        }
    }

    pub fn received(&self) -> u64 {
        self.arrived.iter().filter(|a| **a).count() as u64
    }
}

/// Below this height the picture drops its least needed lines for the grid.
const SHORT: u16 = 14;

/// The udp-loss report, once the run has finished.
pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let pic = LossPicture::of(run);
    let report = run.details_of::<UdpLossReport>();
    let received = report.map_or_else(|| pic.received(), |r| r.received);
    let lost = report.map_or(pic.sent_so_far.saturating_sub(received), |r| r.lost);
    let pct = if pic.sent_so_far == 0 {
        0.0
    } else {
        lost as f64 * 100.0 / pic.sent_so_far as f64
    };
    let mut text: Vec<Line> = vec![Line::from(Span::styled(
        fit(
            &tf(
                lang,
                "labs.loss.udp",
                &[
                    ("sent", &pic.sent_so_far.to_string()),
                    ("received", &received.to_string()),
                    ("lost", &lost.to_string()),
                    ("pct", &format!("{pct:.1}")),
                ],
            ),
            max,
        ),
        if lost > 0 { theme.bad } else { theme.base },
    ))];
    let (_, tcp_part) = run.split_at_phase("tcp");
    if let Some(report) = report {
        // A short picture keeps rows for the grid: the machine-wide counter
        // (in the summary too) goes first.
        let mut kernel = kernel_lines(report, ctx, max);
        if area.height < SHORT && report.snmp_available {
            kernel.pop();
        }
        text.extend(kernel);
        let tcp = &report.tcp;
        let line = tf(
            lang,
            "labs.loss.tcp",
            &[
                ("sent", &tcp.sent.to_string()),
                ("received", &tcp.received.to_string()),
                ("lost", &tcp.lost.to_string()),
            ],
        );
        text.push(Line::from(Span::styled(
            fit(&line, max),
            if tcp.lost == 0 { theme.good } else { theme.bad },
        )));
    } else if !tcp_part.is_empty() {
        let line = tf(lang, "labs.loss.tcp_running", &[]);
        text.push(Line::from(Span::styled(fit(&line, max), theme.accent)));
    }
    let legend_h = usize::from(area.height >= SHORT);
    let text_h = u16::try_from(text.len() + legend_h).unwrap_or(u16::MAX);
    let grid_h = area.height.saturating_sub(text_h);
    let per_cell = pic
        .arrived
        .len()
        .div_ceil((usize::from(area.width) * usize::from(grid_h)).max(1))
        .max(1);
    let legend = tf(lang, "labs.loss.legend", &[("n", &per_cell.to_string())]);
    if area.height >= SHORT {
        text.push(Line::from(Span::styled(fit(&legend, max), theme.muted)));
    }
    let grid = Rect {
        height: grid_h,
        ..area
    };
    render_grid(&pic, grid, buf, ctx);
    let below = Rect {
        y: area.y + grid_h,
        height: area.height.saturating_sub(grid_h),
        ..area
    };
    Paragraph::new(text).render(below, buf);
}

/// The rates and the buffer, then the kernel's counts: this socket's drops and
/// the machine-wide RcvbufErrors.
fn kernel_lines(report: &UdpLossReport, ctx: &RenderCtx, max: usize) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let read = report
        .read_rate
        .map_or_else(|| "∞".to_string(), |r| r.to_string());
    let mut lines = vec![
        tf(
            lang,
            "labs.loss.rates",
            &[("send", &report.send_rate.to_string()), ("read", &read)],
        ),
        tf(
            lang,
            "labs.loss.buffer",
            &[
                ("asked", &report.rcvbuf_requested.to_string()),
                ("effective", &report.rcvbuf_effective.to_string()),
            ],
        ),
    ];
    if let Some(drops) = report.socket_drops {
        lines.push(tf(lang, "labs.loss.drops", &[("n", &drops.to_string())]));
    }
    if report.snmp_available {
        lines.push(tf(
            lang,
            "labs.loss.kernel",
            &[("n", &report.kernel_rcvbuf_errors.to_string())],
        ));
    }
    lines
        .into_iter()
        .map(|l| Line::from(Span::styled(fit(&l, max), theme.accent)))
        .collect()
}

/// Each cell stands for `per_cell` consecutive sequence numbers: all arrived █,
/// some ▒, none ·; not sent yet: blank.
fn render_grid(pic: &LossPicture, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let cells = usize::from(area.width) * usize::from(area.height);
    let count = pic.arrived.len();
    if cells == 0 || count == 0 {
        return;
    }
    let per_cell = count.div_ceil(cells).max(1);
    let sent = usize::try_from(pic.sent_so_far)
        .unwrap_or(usize::MAX)
        .min(count);
    for (i, chunk) in pic.arrived.chunks(per_cell).enumerate() {
        let start = i * per_cell;
        let x = area.x + u16::try_from(i % usize::from(area.width)).unwrap_or(0);
        let y = area.y + u16::try_from(i / usize::from(area.width)).unwrap_or(0);
        if start >= sent {
            break;
        }
        let got = chunk.iter().filter(|a| **a).count();
        let (glyph, style) = if got == chunk.len() {
            ("█", theme.good)
        } else if got == 0 {
            ("·", theme.bad)
        } else {
            ("▒", theme.warn)
        };
        buf.set_string(x, y, glyph, style);
    }
}
