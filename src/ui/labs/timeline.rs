//! concurrency: a timeline per client — connected (│), waiting for the server
//! (░), being served (█), done — on one time axis, then the longest wait and
//! the kernel's accept queue. Iterative: a staircase; the other models: one
//! block for everyone.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::run::LabRun;
use crate::i18n::{t, tf};
use crate::lab::LabEvent;
use crate::lab::concurrency::{ClientStage, ClientTiming, ConcurrencyReport};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;

/// What one client has reached so far (milliseconds; `None`: not yet).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClientRow {
    pub connect: Option<f64>,
    pub first_reply: Option<f64>,
    pub done: Option<f64>,
}

impl From<&ClientTiming> for ClientRow {
    fn from(c: &ClientTiming) -> ClientRow {
        ClientRow {
            connect: Some(c.connect_ms),
            first_reply: Some(c.first_reply_ms),
            done: Some(c.done_ms),
        }
    }
}

/// The rows: from the report when the run is over, else from the events.
pub fn rows(run: &LabRun) -> Vec<ClientRow> {
    if let Some(report) = run.details_of::<ConcurrencyReport>() {
        return report.clients.iter().map(ClientRow::from).collect();
    }
    let mut rows: Vec<ClientRow> = Vec::new();
    for ev in &run.events {
        if let LabEvent::Client {
            index,
            stage,
            at_ms,
        } = ev
        {
            if rows.len() <= *index {
                rows.resize(index + 1, ClientRow::default());
            }
            let row = &mut rows[*index];
            match stage {
                ClientStage::Connected => row.connect = Some(*at_ms),
                ClientStage::FirstReply => row.first_reply = Some(*at_ms),
                ClientStage::Done => row.done = Some(*at_ms),
            }
        }
    }
    rows
}

/// The accept queue's largest length so far (from the kernel's samples).
fn queue_peak(run: &LabRun) -> Option<u64> {
    run.events
        .iter()
        .filter_map(|ev| match ev {
            LabEvent::Sample {
                series: "accept-queue",
                value,
                ..
            } => Some(*value as u64),
            _ => None,
        })
        .max()
}

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let rows = rows(run);
    let now = run.elapsed_ms as f64;
    // While running the axis grows with the clock; once over, it ends with the
    // last client.
    let last_done = rows.iter().filter_map(|r| r.done).fold(0.0, f64::max);
    let end = if run.is_over() {
        last_done
    } else {
        last_done.max(now)
    }
    .max(1.0);
    let label_w = 5;
    // Room for the "│" and " 1234/1234" after the bar.
    let cells = max.saturating_sub(label_w + 11).max(4);
    let cell_of = |ms: f64| ((ms / end * cells as f64).floor() as usize).min(cells);
    let mut lines: Vec<Line> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(connect) = row.connect else {
            continue;
        };
        let c0 = cell_of(connect);
        let c1 = cell_of(row.first_reply.unwrap_or(now)).max(c0);
        let c2 = cell_of(
            row.done
                .unwrap_or(if row.first_reply.is_some() { now } else { 0.0 }),
        )
        .max(c1);
        let tail = match (row.first_reply, row.done) {
            (Some(first), Some(done)) => format!(" {first:.0}/{done:.0}"),
            (Some(first), None) => format!(" {first:.0}"),
            _ => String::new(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("#{i:<3} "), theme.base),
            Span::raw(" ".repeat(c0)),
            Span::styled("│", theme.client),
            Span::styled("░".repeat(c1.saturating_sub(c0)), theme.warn),
            Span::styled("█".repeat(c2.saturating_sub(c1)), theme.good),
            Span::styled(tail, theme.muted),
        ]));
    }
    // Below the rows, most needed first: what it means, then how to read it.
    let mut notes: Vec<Line> = Vec::new();
    if let Some(report) = run.details_of::<ConcurrencyReport>() {
        let wait = tf(
            lang,
            "labs.conc.wait",
            &[
                ("model", report.model.as_str()),
                ("wait", &format!("{:.0}", report.max_wait_ms)),
                ("ms", &report.service_ms.to_string()),
            ],
        );
        let style = if report.model.is_concurrent() {
            theme.good
        } else {
            theme.bad
        };
        notes.push(Line::from(Span::styled(fit(&wait, max), style)));
    }
    let peak = run
        .details_of::<ConcurrencyReport>()
        .and_then(|r| r.accept_queue_peak)
        .or_else(|| queue_peak(run));
    if let Some(peak) = peak {
        let backlog = run
            .details_of::<ConcurrencyReport>()
            .and_then(|r| r.backlog)
            .map_or_else(|| "?".to_string(), |b| b.to_string());
        let text = tf(
            lang,
            "labs.conc.queue",
            &[("peak", &peak.to_string()), ("backlog", &backlog)],
        );
        notes.push(Line::from(Span::styled(fit(&text, max), theme.accent)));
    }
    notes.push(Line::from(Span::styled(
        fit(
            &tf(lang, "labs.conc.axis", &[("ms", &format!("{end:.0}"))]),
            max,
        ),
        theme.muted,
    )));
    notes.push(Line::from(Span::styled(
        fit(t(lang, "labs.conc.legend"), max),
        theme.muted,
    )));
    // Small terminals: every client row first, then as many notes as fit.
    let room = usize::from(area.height).saturating_sub(lines.len());
    notes.truncate(room);
    lines.extend(notes);
    Paragraph::new(lines).render(area, buf);
}
