//! Step-by-step labs (port-in-use, unix): each step with ✔ or ✘ and the error
//! the kernel gave, then the remarks and the report's values.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::picture::{log_lines, report_table, text_or_key};
use super::run::LabRun;
use crate::i18n::{has, t};
use crate::lab::{LabEvent, LabName};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let mut lines: Vec<Line> = Vec::new();
    for ev in &run.events {
        if let LabEvent::Step {
            index,
            name,
            ok,
            error,
        } = ev
        {
            let (mark, style) = if *ok {
                ("✔", theme.good)
            } else {
                ("✘", theme.bad)
            };
            // Step ids name their text as `lab.<lab>.step.<id>`.
            let key = format!("lab.{}.step.{name}", run.lab);
            let text = if has(&key) {
                t(lang, &key).to_string()
            } else {
                text_or_key(lang, name)
            };
            let head = format!("{mark} {}. {text}", index + 1);
            lines.push(Line::from(Span::styled(fit(&head, max), style)));
            if let Some(error) = error {
                lines.push(Line::from(Span::styled(
                    fit(&format!("    {error}"), max),
                    theme.warn,
                )));
            }
        }
    }
    for line in log_lines(run, lang) {
        lines.push(Line::from(Span::styled(fit(&line, max), theme.muted)));
    }
    if run.lab == LabName::Unix {
        lines.extend(unix_table(run, ctx, max));
    }
    // Keep the latest lines in view while a long lab runs.
    let skip = lines.len().saturating_sub(usize::from(area.height));
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(area, buf);
}

/// AF_UNIX beside AF_INET: address, messages echoed, median round trip.
fn unix_table(run: &LabRun, ctx: &RenderCtx, max: usize) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    if run.json("unix").is_none() {
        return report_table(run)
            .into_iter()
            .map(|l| Line::from(Span::styled(fit(&l, max), theme.code)))
            .collect();
    }
    let field = |family: &str, key: &str| {
        run.json(&format!("{family}.{key}"))
            .map_or("?".to_string(), |v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
    };
    let mut lines = vec![Line::from(Span::styled(
        fit(
            &format!(
                "{:<9} {:<24} {:>8} {:>10}",
                "",
                t(lang, "labs.unix.address"),
                t(lang, "labs.unix.echoed"),
                t(lang, "labs.unix.rtt")
            ),
            max,
        ),
        theme.muted,
    ))];
    for (family, name) in [("unix", "AF_UNIX"), ("inet", "AF_INET")] {
        let echoed = format!("{}/{}", field(family, "echoed"), field(family, "messages"));
        let rtt = format!("{} µs", field(family, "rtt_us"));
        let address = fit(&field(family, "address"), 24);
        let row = format!("{name:<9} {address:<24} {echoed:>8} {rtt:>10}");
        lines.push(Line::from(Span::styled(fit(&row, max), theme.code)));
    }
    let seen = run
        .json("socket_file_seen")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let removed = run
        .json("socket_file_removed")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let key = if seen && removed {
        "labs.unix.file_ok"
    } else {
        "labs.unix.file_odd"
    };
    lines.push(Line::from(Span::styled(
        fit(t(lang, key), max),
        theme.muted,
    )));
    lines
}
