//! throughput: a live chart of MB/s over time for TCP and UDP, then the
//! round-trip times and UDP's loss at that rate.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};

use super::run::LabRun;
use crate::i18n::tf;
use crate::lab::{LabDetails, LabEvent};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;

/// The points of one series: (elapsed ms, MB/s).
pub fn series(run: &LabRun, name: &str) -> Vec<(f64, f64)> {
    run.events
        .iter()
        .filter_map(|ev| match ev {
            LabEvent::Sample {
                series,
                elapsed_ms,
                value,
            } if *series == name => Some((*elapsed_ms as f64, *value)),
            _ => None,
        })
        .collect()
}

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let tcp = series(run, "tcp");
    let udp = series(run, "udp");
    let mut text: Vec<Line> = Vec::new();
    if let Some(LabDetails::Throughput(report)) = run.details() {
        let num = |v: f64| format!("{v:.1}");
        let line = tf(
            lang,
            "labs.tput.rates",
            &[
                ("tcp", &num(report.tcp_mbytes_per_s)),
                ("udp", &num(report.udp_mbytes_per_s)),
                ("loss", &num(report.udp_loss_percent)),
            ],
        );
        text.push(Line::from(Span::styled(fit(&line, max), theme.accent)));
        let (tcp_rtt, udp_rtt) = (report.rtt_us.tcp.to_string(), report.rtt_us.udp.to_string());
        let line = tf(
            lang,
            "labs.tput.rtt",
            &[("tcp", &tcp_rtt), ("udp", &udp_rtt)],
        );
        text.push(Line::from(Span::styled(fit(&line, max), theme.accent)));
    }
    let text_h = u16::try_from(text.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    let chart_area = Rect {
        height: area.height.saturating_sub(text_h),
        ..area
    };
    let below = Rect {
        y: area.y + chart_area.height,
        height: text_h,
        ..area
    };
    Paragraph::new(text).render(below, buf);
    if chart_area.height < 4 || (tcp.is_empty() && udp.is_empty()) {
        return;
    }
    let x_max = tcp.iter().chain(&udp).map(|p| p.0).fold(1.0, f64::max);
    let y_max = tcp.iter().chain(&udp).map(|p| p.1).fold(1.0, f64::max) * 1.1;
    let datasets = vec![
        Dataset::default()
            .name("TCP")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.client)
            .data(&tcp),
        Dataset::default()
            .name("UDP")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.server)
            .data(&udp),
    ];
    let x_labels = vec![
        Span::raw("0"),
        Span::raw(format!("{:.1} s", x_max / 1000.0)),
    ];
    let y_labels = vec![Span::raw("0"), Span::raw(format!("{y_max:.0} MB/s"))];
    Chart::new(datasets)
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels(x_labels)
                .style(theme.muted),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max])
                .labels(y_labels)
                .style(theme.muted),
        )
        .render(chart_area, buf);
}
