//! The live class session's two screens: the host's on the projector
//! ([`host`]) and each student's ([`student`]). Both are pure functions of
//! their state for drawing (snapshot-tested on ratatui's TestBackend), and
//! each has a loop that blocks on its events — the room's sockets, the keys,
//! a signal — and wakes once a second only while a countdown runs.

pub mod host;
pub mod student;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::keymap::Key;
use super::panel::RenderCtx;
use super::text::width;
use crate::i18n::t;

/// What a key does on a class screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Next,
}

/// One key binding: these keys, this action, the ui.toml key of its help.
#[derive(Debug, Clone, Copy)]
pub struct ClassKey {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
}

/// The action of `ev` in `table`.
pub fn action(table: &[ClassKey], ev: &KeyEvent) -> Option<Action> {
    table
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

/// The hint bar from the same table the keys are read with (so it never
/// lies): each binding's first key and its help, as many as fit.
pub fn draw_hints(table: &[ClassKey], area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let max = usize::from(area.width);
    let mut spans = Vec::new();
    let mut used = 0;
    for b in table {
        let Some(key) = b.keys.first().map(|k| k.label()) else {
            continue;
        };
        let text = t(ctx.lang, b.help);
        let w = width(&key) + 1 + width(text) + 2;
        if used + w > max {
            continue;
        }
        used += w;
        spans.push(Span::styled(key, ctx.theme.key));
        spans.push(Span::styled(format!(" {text}  "), ctx.theme.hint));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The help overlay's lines: every binding with all its keys.
pub fn help_lines(table: &[ClassKey], ctx: &RenderCtx) -> Vec<Line<'static>> {
    let labels: Vec<String> = table
        .iter()
        .map(|b| {
            b.keys
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let w = labels.iter().map(|l| width(l)).max().unwrap_or(0);
    table
        .iter()
        .zip(labels)
        .map(|(b, l)| {
            Line::from(vec![
                Span::styled(super::text::pad(&l, w + 2), ctx.theme.key),
                Span::styled(t(ctx.lang, b.help).to_string(), ctx.theme.base),
            ])
        })
        .collect()
}

/// Draws the help overlay in the middle of `area`.
pub fn draw_help(table: &[ClassKey], area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    use ratatui::layout::{Constraint, Flex, Layout};
    let mut lines = help_lines(table, ctx);
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        t(ctx.lang, "help.close").to_string(),
        ctx.theme.hint,
    )));
    let inner_w = lines.iter().map(Line::width).max().unwrap_or(0) + 4;
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let w = u16::try_from(inner_w).unwrap_or(u16::MAX);
    let [row] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(row);
    super::draw::clear_overlay(rect, buf);
    let title = t(ctx.lang, "key.help").to_string();
    let block = ctx.theme.block(&title, true);
    Paragraph::new(lines).block(block).render(rect, buf);
}
