//! http: the first request cut into its parts (request line, headers, blank
//! line, body), then each request of the pipelined write with the framing that
//! ended it and the response it got.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::picture::report_or_log;
use super::run::LabRun;
use crate::i18n::{t, tf};
use crate::lab::http::{Framing, HttpReport};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::text::pad;

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    // Running: the server's log of what it parsed.
    let Some(report) = report_or_log::<HttpReport>(run, area, buf, ctx) else {
        return;
    };
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let names = [
        t(lang, "labs.http.line"),
        t(lang, "labs.http.headers"),
        t(lang, "labs.http.blank"),
        t(lang, "labs.http.body"),
    ];
    let name_w = names
        .iter()
        .map(|n| crate::ui::text::width(n))
        .max()
        .unwrap_or(8)
        + 1;
    let part = |name: &str, text: &str, style| {
        Line::from(vec![
            Span::styled(pad(name, name_w), theme.muted),
            Span::styled("│ ", theme.muted),
            Span::styled(fit(text, max.saturating_sub(name_w + 2)), style),
        ])
    };
    let head = report.first_request.trim_end_matches("\r\n");
    let mut head_lines = head.split("\r\n");
    let request_line = head_lines.next().unwrap_or_default();
    let headers: Vec<&str> = head_lines.collect();
    let writes = tf(
        lang,
        "labs.http.writes",
        &[("n", &report.byte_by_byte_writes.to_string())],
    );
    let pipelined = tf(
        lang,
        "labs.http.pipelined",
        &[("n", &report.pipelined_in_one_write.to_string())],
    );
    let mut rows = Vec::new();
    let pipelined_requests = || report.requests.iter().zip(&report.responses).skip(1);
    let target_w = pipelined_requests()
        .map(|(req, _)| req.method.len() + 1 + req.path.len())
        .max()
        .unwrap_or(0)
        + 1;
    for (req, res) in pipelined_requests() {
        let framing = match req.framing {
            Framing::None => "—".to_string(),
            Framing::ContentLength => format!("Content-Length: {}", req.body_len),
            Framing::Chunked => format!("chunked, {} B", req.body_len),
        };
        // Narrow enough for 80 columns: method, path, how the request's body
        // was framed → status and how the response's body was.
        let answer = if res.chunked {
            format!("{} chunked, {} B", res.status, res.bytes)
        } else {
            format!("{} Content-Length: {}", res.status, res.bytes)
        };
        let target = format!("{} {}", req.method, req.path);
        let text = format!("{target:<target_w$}{framing:<19}→ {answer}");
        rows.push(Line::from(Span::styled(fit(&text, max), theme.code)));
    }
    // What fits: the four parts and how each pipelined request was framed come
    // first; the two sentences (the summary says them too) go when the room is
    // short, then the headers share one row.
    let room = usize::from(area.height).saturating_sub(usize::from(report.url.is_some()));
    let parts = 3 + headers.len().max(1);
    let sentences = room >= parts + 2 + rows.len();
    let header_rows: Vec<String> = if sentences || parts + rows.len() <= room {
        headers.iter().map(|h| h.to_string()).collect()
    } else {
        vec![headers.join(" · ")]
    };
    let mut lines = vec![part(names[0], request_line, theme.accent)];
    for (i, header) in header_rows.iter().enumerate() {
        lines.push(part(if i == 0 { names[1] } else { "" }, header, theme.code));
    }
    lines.push(part(names[2], t(lang, "labs.http.blank_note"), theme.muted));
    lines.push(part(names[3], t(lang, "labs.http.no_body"), theme.muted));
    if sentences {
        lines.push(Line::from(Span::styled(fit(&writes, max), theme.base)));
        lines.push(Line::from(Span::styled(fit(&pipelined, max), theme.base)));
    }
    lines.extend(rows);
    if let Some(url) = &report.url {
        lines.push(Line::from(Span::styled(fit(url, max), theme.accent)));
    }
    Paragraph::new(lines).render(area, buf);
}
