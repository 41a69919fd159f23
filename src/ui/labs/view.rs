//! The panel's layout: the lab list on the left; on the right the lab's
//! description, its parameters, the run line (hint, progress bar or outcome), the
//! live picture and the summary.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Widget};

use super::form::{PREDICT, ParamForm};
use super::run::{LabRun, RunEnd};
use super::{Focus, LabsPanel, RUN_KEY, picture};
use crate::i18n::{Lang, t, tf};
use crate::lab::{LabName, OptKind};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::text::{render_scrolled, width, wrap};

/// Width from which the list also shows each lab's title.
const WIDE: u16 = 120;

pub fn render(panel: &LabsPanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    // Projecting: once a lab is chosen the picture gets the whole width.
    let list_w = match (
        ctx.present && panel.focus != Focus::List,
        area.width >= WIDE,
    ) {
        (true, _) => 0,
        (false, true) => 40,
        (false, false) => 20,
    };
    let [list, main] =
        Layout::horizontal([Constraint::Length(list_w), Constraint::Min(10)]).areas(area);
    if list.width > 0 {
        render_list(panel, list, buf, ctx);
    }
    render_main(panel, main, buf, ctx);
}

fn render_list(panel: &LabsPanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let focused = panel.focus == Focus::List;
    let block = theme.block(t(ctx.lang, "labs.list.title"), focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let max = usize::from(inner.width);
    let lines: Vec<Line> = LabName::ALL
        .iter()
        .enumerate()
        .map(|(i, lab)| {
            let selected = i == panel.selected;
            let marker = if selected { "▸ " } else { "  " };
            let mut text = format!("{marker}{:<15}", lab.as_str());
            if inner.width + 2 >= 40 {
                text.push_str(t(ctx.lang, lab.title_key()));
            }
            let style = match (selected, focused, ParamForm::available(*lab)) {
                (true, true, _) => theme.selected,
                (true, false, _) => theme.bold,
                (false, _, true) => theme.base,
                (false, _, false) => theme.muted,
            };
            Line::from(Span::styled(fit(&text, max), style))
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// Wraps plain `text` in `style` to `max` cells.
pub fn wrapped(text: &str, style: Style, max: usize) -> Vec<Line<'static>> {
    wrap(&[(text.to_string(), style)], max, ("", style), ("", style))
}

fn render_main(panel: &LabsPanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let lab = panel.selected_lab();
    let title = format!("{} · {}", lab.as_str(), t(lang, lab.title_key()));
    let block = theme.block(&title, panel.focus == Focus::Form);
    let inner = block.inner(area);
    block.render(area, buf);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let max = usize::from(inner.width);

    let mut top: Vec<Line> = wrapped(t(lang, lab.about_key()), theme.muted, max);
    // Once there is a picture, it needs the room more than the description.
    let has_run = panel.run.as_ref().is_some_and(|r| r.lab == lab);
    top.truncate(if has_run && inner.height < 30 { 1 } else { 2 });
    let Some(form) = panel.form() else {
        return;
    };
    if !ParamForm::available(lab) {
        top.push(Line::from(Span::styled(
            t(lang, "labs.unavailable"),
            theme.warn,
        )));
    } else if panel.focus == Focus::Form {
        top.extend(form_lines(form, lab, lang, ctx, max));
    } else {
        top.extend(params_summary(form, lab, lang, ctx, max));
    }
    if !has_run && let crate::lab::LabParams::UdpLoss(p) = &form.params {
        // The two rates and the buffer, before the run: what the prediction
        // is to be reasoned from.
        let reader = p.read_rate().map_or_else(
            || t(lang, "labs.udp-loss.reader_free").to_string(),
            |r| tf(lang, "labs.udp-loss.per_second", &[("n", &r.to_string())]),
        );
        let text = tf(
            lang,
            "labs.udp-loss.rates",
            &[
                ("sender", &p.rate.to_string()),
                ("reader", &reader),
                ("rcvbuf", &p.rcvbuf.to_string()),
            ],
        );
        top.extend(wrapped(&text, theme.accent, max));
    }
    let top_h = u16::try_from(top.len())
        .unwrap_or(u16::MAX)
        .min(inner.height);
    let [top_area, status_area, rest] = Layout::vertical([
        Constraint::Length(top_h),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    Paragraph::new(top).render(top_area, buf);
    render_status(panel, status_area, buf, ctx);

    let Some(run) = panel.run.as_ref().filter(|r| r.lab == lab) else {
        return;
    };
    let mut summary = summary_lines(run, lang, ctx, max);
    if panel.showing_whole_summary() && !summary.is_empty() {
        // `s`: the whole summary in place of the picture, scrolled with j/k.
        let height = usize::from(rest.height);
        panel.set_summary_last(summary.len().saturating_sub(height));
        render_scrolled(
            &summary,
            panel.summary_scroll,
            (t(lang, "labs.summary.scroll"), theme.key),
            rest,
            buf,
        );
        return;
    }
    if let Some((i, frames)) = panel
        .frame
        .and_then(|i| Some((i, panel.run_frames().filter(|f| i < f.len())?)))
    {
        render_frame(i, frames, rest, buf, ctx);
        return;
    }
    let room = rest.height.saturating_sub(1);
    let want = u16::try_from(summary.len()).unwrap_or(u16::MAX);
    // The picture keeps at least half of the room; the summary takes the rest.
    let summary_h = if summary.is_empty() {
        0
    } else {
        want.min(room.saturating_sub(room / 2).max(3)).min(room)
    };
    let [picture_area, gap, summary_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(summary_h > 0)),
        Constraint::Length(summary_h),
    ])
    .areas(rest);
    let _ = gap;
    picture::render(run, panel.typing(), picture_area, buf, ctx);
    if summary.len() > usize::from(summary_h) && summary_h > 0 {
        // Cut: say how to read the rest.
        summary.truncate(usize::from(summary_h).saturating_sub(1));
        summary.push(Line::from(Span::styled(
            t(lang, "labs.summary.more"),
            theme.key,
        )));
    }
    Paragraph::new(summary).render(summary_area, buf);
}

fn form_lines(
    form: &ParamForm,
    lab: LabName,
    lang: Lang,
    ctx: &RenderCtx,
    max: usize,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let mut lines = Vec::new();
    for (i, row) in form.rows().into_iter().enumerate() {
        let at_cursor = i == form.cursor;
        let value = match (&form.editing, at_cursor) {
            (Some(text), true) => format!("{text}▏"),
            _ if row.name == PREDICT && row.value.is_empty() => "—".to_string(),
            _ => row.value.clone(),
        };
        let label = if row.name == PREDICT {
            t(lang, "labs.form.predict").to_string()
        } else {
            row.name.to_string()
        };
        let help = match row.help {
            Some(key) => t(lang, key).to_string(),
            None => t(lang, lab.predict_key()).to_string(),
        };
        let hint = match row.kind {
            Some(OptKind::Flag) | Some(OptKind::Choice(_)) => t(lang, "labs.form.toggle"),
            _ => "",
        };
        let marker = if at_cursor { "▸ " } else { "  " };
        // While typing, the end of a long value is the part that matters.
        let value = tail_fit(&value, (max / 2).max(10));
        let name_part = format!("{marker}{} ", pad(&label, 12));
        let value_part = format!("{} ", pad(&value, 10));
        let head_w = width(&name_part) + width(&value_part);
        let value_style = if at_cursor && form.editing.is_some() {
            theme.accent
        } else {
            theme.code
        };
        let name_style = if at_cursor {
            theme.selected
        } else {
            theme.base
        };
        let tail = fit(&format!("{help}{hint}"), max.saturating_sub(head_w));
        lines.push(Line::from(vec![
            Span::styled(name_part, name_style),
            Span::styled(value_part, value_style),
            Span::styled(tail, theme.muted),
        ]));
    }
    if let Some(error) = &form.error {
        let message = error.message(lang, form.specs());
        lines.extend(wrapped(&message, theme.bad, max).into_iter().take(2));
    } else if form.editing.is_some() {
        lines.push(Line::from(Span::styled(
            t(lang, "labs.form.editing"),
            theme.hint,
        )));
    }
    lines
}

fn params_summary(
    form: &ParamForm,
    lab: LabName,
    lang: Lang,
    ctx: &RenderCtx,
    max: usize,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let values: Vec<String> = form
        .rows()
        .into_iter()
        .filter(|r| r.name != PREDICT)
        .map(|r| format!("{}={}", r.name, r.value))
        .collect();
    let mut lines = if values.is_empty() {
        Vec::new()
    } else {
        wrapped(&values.join("  "), theme.code, max)
    };
    lines.truncate(2);
    let question = t(lang, lab.predict_key());
    let predict = match form.params.predict() {
        Some(n) => tf(
            lang,
            "labs.predict.set",
            &[("question", question), ("n", &n.to_string())],
        ),
        None => tf(lang, "labs.predict.none", &[("question", question)]),
    };
    lines.push(Line::from(Span::styled(fit(&predict, max), theme.accent)));
    lines
}

fn render_status(panel: &LabsPanel, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let key = RUN_KEY.to_string();
    let lab = panel.selected_lab();
    let run = panel.run.as_ref().filter(|r| r.lab == lab);
    let (text, style) = match run.map(|r| (r, &r.end)) {
        Some(_) if panel.typing().is_some() => {
            (t(lang, "labs.talk.started").to_string(), theme.accent)
        }
        Some((run, None)) => return render_gauge(run, panel.stopping(), area, buf, ctx),
        Some((_, Some(RunEnd::Finished(report)))) => (
            tf(
                lang,
                "labs.finished",
                &[("ms", &report.elapsed_ms.to_string()), ("key", &key)],
            ),
            theme.good,
        ),
        Some((
            _,
            Some(RunEnd::Failed {
                cancelled: true, ..
            }),
        )) => (tf(lang, "labs.cancelled", &[("key", &key)]), theme.warn),
        Some((_, Some(RunEnd::Failed { error, .. }))) => {
            (tf(lang, "labs.failed", &[("error", error)]), theme.bad)
        }
        None if matches!(lab, LabName::Chat | LabName::Time) => {
            (tf(lang, "labs.hint.talk", &[("key", &key)]), theme.key)
        }
        None => (tf(lang, "labs.hint.idle", &[("key", &key)]), theme.key),
    };
    buf.set_string(area.x, area.y, fit(&text, max), style);
}

/// The progress bar: the lab's own progress when it reports some, otherwise
/// the time elapsed; shown from half a second on.
fn render_gauge(run: &LabRun, stopping: bool, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let secs = format!("{:.1}", run.elapsed_ms as f64 / 1000.0);
    let label = match run.progress() {
        Some(p) => tf(
            lang,
            "labs.progress",
            &[("pct", &format!("{:.0}", p * 100.0)), ("s", &secs)],
        ),
        None => tf(lang, "labs.running", &[("s", &secs)]),
    };
    // Which part of the lab is running ("now the same over TCP").
    let label = match run.phases().last() {
        Some(phase) => format!("{} · {label}", super::picture::text_or_key(lang, phase)),
        None => label,
    };
    let label = if stopping {
        format!("{label} · {}", t(lang, "labs.stopping"))
    } else {
        label
    };
    if run.elapsed_ms < 500 && run.progress().is_none() {
        buf.set_string(
            area.x,
            area.y,
            fit(&label, usize::from(area.width)),
            theme.accent,
        );
        return;
    }
    // Without a progress report, a sweep that shows the lab is alive.
    let ratio = run
        .progress()
        .unwrap_or_else(|| (run.elapsed_ms % 2000) as f64 / 2000.0);
    Gauge::default()
        .ratio(ratio)
        .label(Span::styled(label, theme.bold))
        .gauge_style(theme.accent)
        .use_unicode(true)
        .render(area, buf);
}

fn summary_lines(run: &LabRun, lang: Lang, ctx: &RenderCtx, max: usize) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let Some(report) = run.report() else {
        return Vec::new();
    };
    let mut lines = vec![Line::from(Span::styled(
        t(lang, "labs.summary.title"),
        theme.title,
    ))];
    let verdict_style = match &report.prediction {
        Some(p) if p.matched => theme.good,
        Some(_) => theme.bad,
        None => theme.base,
    };
    let text = report.summary(lang);
    let all: Vec<&str> = text.lines().collect();
    // The first line repeats the title; the last is the wall time (on the run line).
    let body = all.get(1..all.len().saturating_sub(1)).unwrap_or(&[]);
    // "Predict, then observe": the verdict comes first, the explanation after.
    let (verdict, rest) = match (report.prediction, body.split_last()) {
        (Some(_), Some((last, rest))) => (Some(*last), rest),
        _ => (None, body),
    };
    for (line, style) in verdict
        .map(|v| (v, verdict_style))
        .into_iter()
        .chain(rest.iter().map(|l| (*l, theme.base)))
    {
        lines.extend(wrap(
            &[(line.to_string(), style)],
            max,
            ("• ", theme.muted),
            ("  ", theme.muted),
        ));
    }
    lines
}

/// `s` padded with spaces to `cells` display cells (CJK counts two).
fn pad(s: &str, cells: usize) -> String {
    format!("{s}{}", " ".repeat(cells.saturating_sub(width(s))))
}

/// The last `cells` display cells of `s`, with "…" in front when cut.
fn tail_fit(s: &str, cells: usize) -> String {
    if width(s) <= cells {
        return s.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in s.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > cells {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// `f` on a run with frames: frame `index` in the packet inspector (field
/// tree, hex dump), the field it is about selected.
fn render_frame(
    index: usize,
    frames: super::RunFrames<'_>,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    use crate::ui::widgets::inspector::Inspector;
    if area.height < 2 {
        return;
    }
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let head = tf(
        lang,
        frames.title_key(),
        &[
            ("n", &(index + 1).to_string()),
            ("count", &frames.len().to_string()),
            ("line", &frames.line(index, lang)),
        ],
    );
    buf.set_stringn(area.x, area.y, fit(&head, max), max, ctx.theme.accent);
    let body = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    match frames.frame(index) {
        Ok(frame) => {
            let mut inspector = Inspector::of_frame(&frame);
            inspector.select_field(frames.focus());
            inspector.render(body, buf, ctx);
        }
        Err(e) => {
            buf.set_stringn(body.x, body.y, fit(&e, max), max, ctx.theme.bad);
        }
    }
}
