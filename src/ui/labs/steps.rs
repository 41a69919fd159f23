//! Step-by-step labs (port-in-use, unix): each step with ✔ or ✘ and the error
//! the kernel gave, then the remarks and the report's values.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::picture::{log_lines, text_or_key};
use super::run::LabRun;
use crate::i18n::{has, t, tf};
use crate::lab::LabDetails;
use crate::lab::LabEvent;
use crate::lab::errors::ErrorsReport;
use crate::lab::unix::{EchoResult, UnixReport};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    if let Some(LabDetails::Errors(report)) = run.details() {
        let lines = errors_table(report, ctx, max);
        Paragraph::new(lines).render(area, buf);
        return;
    }
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
    if let Some(LabDetails::Unix(report)) = run.details() {
        lines.extend(unix_table(report, ctx, max));
    }
    // Keep the latest lines in view while a long lab runs.
    let skip = lines.len().saturating_sub(usize::from(area.height));
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(area, buf);
}

/// errors, once over: one row a case, what the program saw first (errno →
/// Python's exception), then what the case did.
fn errors_table(report: &ErrorsReport, ctx: &RenderCtx, max: usize) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let mut lines = Vec::new();
    for (i, case) in report.cases.iter().enumerate() {
        let (mark, style) = match (&case.skipped, case.expected) {
            (Some(_), _) => ("–", theme.muted),
            (None, true) => ("✔", theme.good),
            (None, false) => ("✘", theme.bad),
        };
        let seen = match (&case.skipped, case.errno, case.python) {
            (Some(reason), _, _) => tf(lang, "lab.errors.skipped", &[("reason", reason)]),
            (None, Some(errno), Some(python)) => {
                format!("{}() → {errno} → {python}", case.call)
            }
            (None, Some(errno), None) => format!("{}() → {errno}", case.call),
            _ => format!("{}() → {}", case.call, t(lang, "labs.errors.no_error")),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {}. ", i + 1), style),
            Span::styled(fit(&seen, max.saturating_sub(5)), theme.code),
        ]));
        let key = format!("lab.errors.step.{}", case.case);
        lines.push(Line::from(Span::styled(
            fit(&format!("     {}", t(lang, &key)), max),
            theme.muted,
        )));
    }
    lines
}

/// AF_UNIX beside AF_INET: address, messages echoed, median round trip.
fn unix_table(report: &UnixReport, ctx: &RenderCtx, max: usize) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
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
    let families: [(&EchoResult, &str); 2] = [(&report.unix, "AF_UNIX"), (&report.inet, "AF_INET")];
    for (family, name) in families {
        let echoed = format!("{}/{}", family.echoed, family.messages);
        let rtt = format!("{} µs", family.rtt_us);
        let address = fit(&family.address, 24);
        let row = format!("{name:<9} {address:<24} {echoed:>8} {rtt:>10}");
        lines.push(Line::from(Span::styled(fit(&row, max), theme.code)));
    }
    let key = if report.socket_file_seen && report.socket_file_removed {
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
