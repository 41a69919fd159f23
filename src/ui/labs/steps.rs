//! Step-by-step labs (port-in-use, unix): each step with ✔ or ✘ and the error
//! the kernel gave, then the remarks and the report's values.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::picture::{log_lines, report_table, text_or_key};
use super::run::LabRun;
use crate::lab::{LabEvent, LabName};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let mut lines: Vec<Line> = Vec::new();
    for ev in &run.events {
        if let LabEvent::Step { index, name, ok, error } = ev {
            let (mark, style) = if *ok { ("✔", theme.good) } else { ("✘", theme.bad) };
            let head = format!("{mark} {}. {}", index + 1, text_or_key(lang, name));
            lines.push(Line::from(Span::styled(fit(&head, max), style)));
            if let Some(error) = error {
                lines.push(Line::from(Span::styled(fit(&format!("    {error}"), max), theme.warn)));
            }
        }
    }
    for line in log_lines(run, lang) {
        lines.push(Line::from(Span::styled(fit(&line, max), theme.muted)));
    }
    if run.lab == LabName::Unix {
        for line in report_table(run) {
            lines.push(Line::from(Span::styled(fit(&line, max), theme.code)));
        }
    }
    // Keep the latest lines in view while a long lab runs.
    let skip = lines.len().saturating_sub(usize::from(area.height));
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(area, buf);
}
