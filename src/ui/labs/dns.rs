//! dns: while running, the query log (resolver asks, server answers, TTLs
//! counting down); finished, one row per answer — name, type, how it came
//! (UDP, UDP with TC, TCP, cache), rcode, answers, TTL — and the cache left.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::picture::report_or_log;
use super::run::LabRun;
use crate::i18n::{t, tf};
use crate::lab::dns::{DnsReport, Via};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::text::pad;

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let Some(report) = report_or_log::<DnsReport>(run, area, buf, ctx) else {
        return;
    };
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let name_w = report
        .queries
        .iter()
        .map(|q| q.name.len())
        .max()
        .unwrap_or(4)
        .clamp(4, 18);
    let row = |name: &str, rtype: &str, via: &str, rcode: &str, n: &str, ttl: &str| {
        format!(
            "{} {} {} {} {} {}",
            pad(&fit(name, name_w), name_w),
            pad(rtype, 5),
            pad(via, 8),
            pad(rcode, 8),
            pad(n, 3),
            ttl
        )
    };
    let mut lines = vec![Line::from(Span::styled(
        fit(
            &row(
                t(lang, "labs.dns.name"),
                t(lang, "labs.dns.type"),
                t(lang, "labs.dns.via"),
                "rcode",
                "#",
                "TTL",
            ),
            max,
        ),
        theme.muted,
    ))];
    for q in &report.queries {
        let via = match (q.transport, q.truncated) {
            (Via::Udp, true) => "UDP TC".to_string(),
            (Via::Cache, _) => t(lang, "labs.dns.cache").to_string(),
            (v, _) => v.as_str().to_ascii_uppercase(),
        };
        let ttl = q.ttl.map_or("—".to_string(), |t| format!("{t} s"));
        let ttl = if q.refreshed {
            format!("{ttl} {}", t(lang, "labs.dns.refreshed"))
        } else {
            ttl
        };
        let style = match (q.transport, q.truncated) {
            (Via::Udp, true) => theme.bad,
            (Via::Tcp, _) => theme.accent,
            (Via::Cache, _) => theme.good,
            _ => theme.code,
        };
        let text = row(
            &q.name,
            &q.rtype,
            &via,
            &q.rcode,
            &q.answers.len().to_string(),
            &ttl,
        );
        lines.push(Line::from(Span::styled(fit(&text, max), style)));
    }
    if report.truncated_then_tcp {
        let text = tf(
            lang,
            "labs.dns.tc",
            &[("kept", &report.answers_in_truncated.to_string())],
        );
        lines.push(Line::from(Span::styled(fit(&text, max), theme.base)));
    }
    if !report.cache.is_empty() {
        let entries: Vec<String> = report
            .cache
            .iter()
            .map(|c| {
                let short = c.name.split('.').next().unwrap_or(&c.name);
                format!("{short} {} {} s", c.rtype, c.ttl_left)
            })
            .collect();
        let text = tf(
            lang,
            "labs.dns.cache_left",
            &[("entries", &entries.join(" · "))],
        );
        lines.push(Line::from(Span::styled(fit(&text, max), theme.muted)));
    }
    Paragraph::new(lines).render(area, buf);
}
