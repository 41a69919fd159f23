//! Drawing the check reports screen: the list of recent checks on the left; on
//! the right the report's properties, what happened in the selected one (sent,
//! expected, got, the program's end, the hint) and its exchange as a sequence
//! diagram between the checker's clients and the student's program.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{CheckPanel, Focus, Row, Toward};
use crate::check::wire::local_strftime;
use crate::check::{CheckReport, PropertyReport};
use crate::i18n::{Lang, t, tf};
use crate::ui::panel::RenderCtx;
use crate::ui::text::{fit, pad, width, wrap};
use crate::ui::theme::Theme;

/// From this width the list of checks takes a column of its own.
const LIST_WIDTH: u16 = 26;

pub fn render(panel: &CheckPanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let [list, main] =
        Layout::horizontal([Constraint::Length(LIST_WIDTH), Constraint::Min(20)]).areas(area);
    render_list(panel, list, buf, ctx);
    match &panel.report {
        Some(Ok(report)) => render_report(panel, report, main, buf, ctx),
        Some(Err(why)) => {
            let text = if why.is_empty() {
                t(ctx.lang, "check.view.no_report").to_string()
            } else {
                tf(ctx.lang, "check.view.gone", &[("why", why)])
            };
            message(&text, main, buf, ctx);
        }
        None => message(t(ctx.lang, "check.view.none"), main, buf, ctx),
    }
}

fn message(text: &str, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let block = ctx.theme.block(t(ctx.lang, "tab.check"), false);
    let inner = block.inner(area);
    block.render(area, buf);
    let runs = [(text.to_string(), ctx.theme.muted)];
    let lines = wrap(
        &runs,
        usize::from(inner.width),
        ("", ctx.theme.muted),
        ("", ctx.theme.muted),
    );
    Paragraph::new(lines).render(inner, buf);
}

fn render_list(panel: &CheckPanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let focused = panel.focus == Focus::Reports;
    let block = theme.block(t(ctx.lang, "check.view.reports"), focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let max = usize::from(inner.width);
    let lines: Vec<Line> = panel
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let selected = i == panel.selected;
            let marker = if selected { "▸" } else { " " };
            let verdict = if r.total == 0 {
                "?".to_string()
            } else if r.failed == 0 {
                "✓".to_string()
            } else {
                format!("✗{}", r.failed)
            };
            let when = if r.at > 0 {
                local_strftime("%H:%M", i64::try_from(r.at).unwrap_or(0)).unwrap_or_default()
            } else {
                String::new()
            };
            let text = format!("{marker}{} {verdict:>3} {when}", pad(&r.exercise, 11));
            let style = match (selected, focused, r.failed) {
                (true, true, _) => theme.selected,
                (true, false, _) => theme.bold,
                (false, _, 0) => theme.base,
                (false, _, _) => theme.bad,
            };
            Line::from(Span::styled(fit(&text, max), style))
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

fn render_report(
    panel: &CheckPanel,
    report: &CheckReport,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    let shown = report.properties.len().min(8) as u16 + 2;
    let detail = detail_lines(panel.current(), area.width.saturating_sub(2), ctx);
    let detail_h = (detail.len() as u16 + 2).min(area.height.saturating_sub(shown + 4) / 2 + 3);
    let [props, what, exchange] = Layout::vertical([
        Constraint::Length(shown),
        Constraint::Length(detail_h),
        Constraint::Min(3),
    ])
    .areas(area);
    render_properties(panel, report, props, buf, ctx);
    let title = panel.current().map_or(String::new(), |p| {
        tf(ctx.lang, "check.view.detail", &[("name", &p.name)])
    });
    let block = ctx.theme.block(&title, false);
    let inner = block.inner(what);
    block.render(what, buf);
    Paragraph::new(detail).render(inner, buf);
    render_exchange(panel, exchange, buf, ctx);
}

fn render_properties(
    panel: &CheckPanel,
    report: &CheckReport,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    let theme = ctx.theme;
    let focused = panel.focus == Focus::Properties;
    let mut title = tf(
        ctx.lang,
        "check.view.properties",
        &[
            ("exercise", &report.exercise),
            ("passed", &report.passed.to_string()),
            ("total", &report.properties.len().to_string()),
        ],
    );
    if let Some(user) = &report.ran_as {
        title = format!(
            "{title} · {}",
            tf(ctx.lang, "check.view.ran_as", &[("user", user)])
        );
    }
    let block = theme.block(&title, focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = usize::from(inner.height);
    let first = panel.property.saturating_sub(rows.saturating_sub(1));
    let max = usize::from(inner.width);
    let lines: Vec<Line> = report
        .properties
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, p)| {
            let selected = i == panel.property;
            let (mark, style) = verdict(p, report.strict, ctx.lang, theme);
            let marker = if selected { "▸" } else { " " };
            let text = format!("{marker}{} {:<14} {}", pad(mark, 5), p.name, p.detail);
            let style = if selected && focused {
                theme.selected
            } else {
                style
            };
            Line::from(Span::styled(fit(&text, max), style))
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

fn verdict(p: &PropertyReport, strict: bool, lang: Lang, theme: &Theme) -> (&'static str, Style) {
    if p.passed {
        (t(lang, "check.pass"), theme.good)
    } else if p.required || strict {
        (t(lang, "check.fail"), theme.bad)
    } else {
        (t(lang, "check.fail_advisory"), theme.warn)
    }
}

/// What happened in `p`, labelled as the plain report labels it.
fn detail_lines(p: Option<&PropertyReport>, width: u16, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let Some(p) = p else {
        return Vec::new();
    };
    let theme = ctx.theme;
    let label_w = 10;
    let max = usize::from(width).max(label_w + 8);
    let mut out = Vec::new();
    let mut field = |key: &str, value: &str, style: Style| {
        if value.is_empty() {
            return;
        }
        let label = pad(t(ctx.lang, key), label_w);
        let indent = " ".repeat(label_w);
        for (i, part) in value.lines().enumerate() {
            let first = if i == 0 {
                label.as_str()
            } else {
                indent.as_str()
            };
            out.extend(wrap(
                &[(part.to_string(), style)],
                max,
                (first, theme.muted),
                (indent.as_str(), theme.muted),
            ));
        }
    };
    if p.passed {
        field("check.pass", t(ctx.lang, "check.view.passed"), theme.good);
    }
    field("check.sent", &p.sent, theme.base);
    field("check.expected", &p.expected, theme.good);
    field(
        "check.got",
        &p.got,
        if p.passed { theme.good } else { theme.bad },
    );
    if let Some(program) = &p.program {
        // The first line, and the exception at the end of a traceback.
        let mut lines = program.lines();
        let head = lines.next().unwrap_or_default();
        let last = lines.last().unwrap_or_default();
        let shown = if last.is_empty() {
            head.to_string()
        } else {
            format!("{head}\n{last}")
        };
        field("check.program", &shown, theme.warn);
    }
    if !p.passed {
        let hint = tf(
            ctx.lang,
            "check.hint_line",
            &[
                ("hint", &p.hint),
                ("concept", &p.concept),
                ("lesson", &p.lesson),
            ],
        );
        field("check.hint", &hint, theme.accent);
    }
    out
}

fn render_exchange(panel: &CheckPanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    // A frame open in the inspector takes the lower part, under its row.
    let area = if panel.inspector.get().is_some() && area.height >= 12 {
        let [diagram, frame] =
            Layout::vertical([Constraint::Length(area.height / 3), Constraint::Min(8)]).areas(area);
        let block = ctx.theme.block(t(ctx.lang, "check.view.frame"), true);
        let inner = block.inner(frame);
        block.render(frame, buf);
        panel
            .inspector
            .render(inner, buf, ctx, "check.view.no_frames");
        diagram
    } else if panel.inspector.get().is_some() {
        panel
            .inspector
            .render(area, buf, ctx, "check.view.no_frames");
        return;
    } else {
        area
    };
    let theme = ctx.theme;
    let focused = panel.focus == Focus::Exchange;
    let has_frames = panel.current().is_some_and(|p| !p.frames.is_empty());
    let key = match (panel.frames_view, has_frames) {
        (true, _) => "check.view.exchange_frames",
        (false, true) => "check.view.exchange_log",
        (false, false) => "check.view.exchange_log_only",
    };
    let block = theme.block(t(ctx.lang, key), focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(p) = panel.current() else {
        return;
    };
    let rows = panel.rows(ctx.lang);
    let w = usize::from(inner.width);
    // Columns: time (8), client (4), the checker's lifeline, the arrow, the program's.
    let left = 12;
    let right = w.saturating_sub(2).max(left + 10);
    let server = p.server.map(|s| s.to_string()).unwrap_or_default();
    let program = tf(ctx.lang, "check.view.program", &[("addr", &server)]);
    let checker = t(ctx.lang, "check.view.checker");
    let gap = right
        .saturating_sub(left + width(checker) + width(&program))
        .max(1);
    let head = format!(
        "{}{checker}{}{program}",
        " ".repeat(left.saturating_sub(width(checker) / 2)),
        " ".repeat(gap)
    );
    let mut lines = vec![Line::from(Span::styled(fit(&head, w), theme.bold))];
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            t(ctx.lang, "check.view.empty").to_string(),
            theme.muted,
        )));
    }
    let room = usize::from(inner.height).saturating_sub(1);
    let first = panel.scroll.min(rows.len().saturating_sub(room.max(1)));
    lines.extend(
        rows.iter()
            .enumerate()
            .skip(first)
            .take(room)
            .map(|(i, r)| {
                let line = arrow_line(r, left, right, w, theme);
                // The selected row (what `i` opens) stands out while the pane is focused.
                if focused && i == panel.scroll {
                    line.style(theme.selected)
                } else {
                    line
                }
            }),
    );
    Paragraph::new(lines).render(inner, buf);
}

/// `  0.021s  c1 │──"hello" 5 B──────────▶│` or the same pointing back.
fn arrow_line(row: &Row, left: usize, right: usize, w: usize, theme: &Theme) -> Line<'static> {
    let time = format!("{:>7.3}s", row.at_us as f64 / 1e6);
    let client = format!(" c{:<2}", row.client);
    let span = right.saturating_sub(left + 1);
    let label = fit(&row.label, span.saturating_sub(4));
    let fill = span.saturating_sub(width(&label) + 3);
    let (body, style) = match row.toward {
        Toward::Program => (format!("──{label}{}▶", "─".repeat(fill)), theme.client),
        Toward::Checker => (format!("◀{}{label}──", "─".repeat(fill)), theme.server),
    };
    let lead = left.saturating_sub(width(&time) + width(&client));
    let text = format!("{time}{client}{}│{body}│", " ".repeat(lead));
    Line::from(Span::styled(fit(&text, w), style))
}
