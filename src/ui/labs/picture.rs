//! The live picture of a run: which drawing each lab gets, and what they share
//! (the colours of the sends, the log of remarks). Every picture reads the
//! run's typed report (`LabRun::details`), never its JSON.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::run::LabRun;
use super::{chat, datagrams, dhcp, dns, http, loss, steps, stream, throughput, timeline};
use crate::i18n::{Lang, has, t, tf};
use crate::lab::{LabEvent, LabName, Side};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::theme::Theme;

/// Draws the picture of `run` into `area`.
/// `typing`: the pane the student types into and the text so far (interactive
/// chat and time).
pub fn render(
    run: &LabRun,
    typing: Option<(Side, &str)>,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    if area.height == 0 || area.width < 8 {
        return;
    }
    match run.lab {
        LabName::Sticky | LabName::Split | LabName::Framing | LabName::UdpBoundaries => {
            stream::render(run, area, buf, ctx)
        }
        LabName::UdpTruncate => datagrams::render(run, area, buf, ctx),
        LabName::UdpLoss => loss::render(run, area, buf, ctx),
        LabName::PortInUse | LabName::Unix | LabName::Errors => steps::render(run, area, buf, ctx),
        LabName::Chat | LabName::Time => chat::render(run, typing, area, buf, ctx),
        LabName::Throughput => throughput::render(run, area, buf, ctx),
        LabName::Concurrency => timeline::render(run, area, buf, ctx),
        LabName::Http => http::render(run, area, buf, ctx),
        LabName::Dns => dns::render(run, area, buf, ctx),
        LabName::Dhcp => dhcp::render(run, area, buf, ctx),
    }
}

/// Styles that tell consecutive sends apart (colour; the glyph alternates too,
/// so the monochrome theme keeps the distinction).
pub fn palette(theme: &Theme) -> [Style; 5] {
    [
        theme.layer_app,
        theme.layer_transport,
        theme.layer_network,
        theme.layer_link,
        theme.client,
    ]
}

/// A `ui.toml` key in the current language, or the text itself when it is not
/// a key (names the lab logic may send as plain words).
pub fn text_or_key(lang: Lang, key: &str) -> String {
    if has(key) {
        t(lang, key).to_string()
    } else {
        key.to_string()
    }
}

/// The `Log` remarks and `Phase` titles of the run, in order.
pub fn log_lines(run: &LabRun, lang: Lang) -> Vec<String> {
    run.events
        .iter()
        .filter_map(|ev| match ev {
            LabEvent::Log { key, args } => {
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                Some(if has(key) {
                    tf(lang, key, &args)
                } else {
                    (*key).to_string()
                })
            }
            LabEvent::Phase { key } => Some(format!("▶ {}", text_or_key(lang, key))),
            _ => None,
        })
        .collect()
}

/// The finished run's report of type `T`; while the run is still going
/// (no report yet) its log is drawn instead and the answer is None.
pub fn report_or_log<'a, T: crate::lab::OfDetails>(
    run: &'a LabRun,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) -> Option<&'a T> {
    let report = run.details_of::<T>();
    if report.is_none() {
        render_log(run, area, buf, ctx);
    }
    report
}

/// The last `height` log lines, drawn muted.
pub fn render_log(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lines = log_lines(run, ctx.lang);
    let max = usize::from(area.width);
    let skip = lines.len().saturating_sub(usize::from(area.height));
    let shown: Vec<Line> = lines
        .iter()
        .skip(skip)
        .map(|l| Line::from(Span::styled(fit(l, max), ctx.theme.muted)))
        .collect();
    Paragraph::new(shown).render(area, buf);
}

/// A horizontal bar of `value` out of `total` in `cells` cells.
pub fn bar(value: u64, total: u64, cells: usize) -> (String, String) {
    let filled = if total == 0 {
        0
    } else {
        (value.min(total) as f64 / total as f64 * cells as f64).round() as usize
    };
    ("█".repeat(filled), "░".repeat(cells.saturating_sub(filled)))
}
