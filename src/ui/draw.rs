//! Drawing the whole screen: tab bar, the current section, status and key hints,
//! the help overlay, and the "please enlarge" screen. A pure function of `App`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::app::{App, Screen};
use super::keymap::{Binding, GLOBAL, Key};
use super::lessons::fit;
use super::panel::RenderCtx;
use super::text::width;
use crate::i18n::{Lang, t, tf};

/// The smallest terminal the tutor draws into.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;

/// Draws everything into `buf`.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let ctx = RenderCtx {
        lang: app.lang(),
        theme: app.theme(),
        present: app.present(),
    };
    buf.set_style(area, app.theme().base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(area, buf, &ctx);
        return;
    }
    if app.blank() {
        return;
    }
    let bars = if app.zoom() { 0 } else { 1 };
    let [tabs, body, status, hints] = Layout::vertical([
        Constraint::Length(bars),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(bars),
    ])
    .areas(area);
    if !app.zoom() {
        draw_tabs(app, tabs, buf, &ctx);
    }
    if app.lecture_end() {
        let set = app.lessons();
        let lessons: Vec<_> = app
            .lecture_lessons()
            .into_iter()
            .filter_map(|i| set.lessons.get(i))
            .collect();
        super::present::end::draw(&lessons, body, buf, &ctx);
    } else {
        app.panel(app.screen()).render(body, buf, &ctx);
    }
    if let Some(message) = app.status() {
        buf.set_string(
            status.x,
            status.y,
            fit(message, usize::from(status.width)),
            ctx.theme.status,
        );
    }
    if !app.zoom() {
        draw_hints(app, hints, buf, &ctx);
    }
    if app.help_open() {
        super::help::draw(app, body, buf, &ctx);
    }
}

pub(crate) fn too_small(area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let w = MIN_WIDTH.to_string();
    let h = MIN_HEIGHT.to_string();
    let lines = vec![
        Line::from(Span::styled(
            tf(ctx.lang, "too_small", &[("w", &w), ("h", &h)]),
            ctx.theme.warn,
        )),
        Line::from(Span::styled(
            tf(
                ctx.lang,
                "too_small.now",
                &[
                    ("w", &area.width.to_string()),
                    ("h", &area.height.to_string()),
                ],
            ),
            ctx.theme.muted,
        )),
    ];
    let [middle] = Layout::vertical([Constraint::Length(4)])
        .flex(Flex::Center)
        .areas(area);
    Paragraph::new(lines)
        .centered()
        .wrap(Wrap { trim: true })
        .render(middle, buf);
}

/// Tab labels and their x ranges, as drawn (shared with mouse hit-testing).
fn tab_layout(lang: Lang, total: u16) -> Vec<(Screen, String, u16, u16)> {
    // Widest first: "1 Lessons", then the titles alone, then the digits alone.
    let styles: [&dyn Fn(Screen) -> String; 3] = [
        &|s| format!(" {} {} ", s.number(), t(lang, s.title_key())),
        &|s| format!(" {} ", t(lang, s.title_key())),
        &|s| format!(" {} ", s.number()),
    ];
    let labels: Vec<String> = styles
        .iter()
        .map(|label| Screen::ALL.iter().map(|s| label(*s)).collect::<Vec<_>>())
        .find(|labels| labels.iter().map(|l| width(l) + 1).sum::<usize>() <= usize::from(total))
        .unwrap_or_else(|| {
            Screen::ALL
                .iter()
                .map(|s| format!(" {} ", s.number()))
                .collect()
        });
    let mut x = 0u16;
    let mut out = Vec::new();
    for (screen, label) in Screen::ALL.iter().zip(labels) {
        let w = u16::try_from(width(&label)).unwrap_or(0);
        out.push((*screen, label, x, w));
        x = x.saturating_add(w + 1);
    }
    out
}

/// The tab under a mouse click, if any.
pub fn tab_at(app: &App, column: u16, row: u16) -> Option<Screen> {
    if row != 0 {
        return None;
    }
    tab_layout(app.lang(), app.last_width())
        .into_iter()
        .find(|(_, _, x, w)| column >= *x && column < x + w)
        .map(|(s, ..)| s)
}

fn draw_tabs(app: &App, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    for (screen, label, x, w) in tab_layout(ctx.lang, area.width) {
        if x >= area.width {
            break;
        }
        let style = if screen == app.screen() {
            ctx.theme.tab_active
        } else {
            ctx.theme.tab_inactive
        };
        let room = usize::from(area.width.saturating_sub(x).min(w));
        buf.set_stringn(area.x + x, area.y, &label, room, style);
        if x + w < area.width {
            buf.set_string(area.x + x + w, area.y, "│", ctx.theme.border);
        }
    }
}

/// The hint bar, generated from the keymap: quit and help first, then the
/// screen's own keys, then next and back. Quit, help and back always get their
/// place (a student must be able to get out), and next too where stepping is
/// the way forward ([`super::panel::Panel::steps_forward`]); the screen's keys
/// fill the room left, in their table's order, and one that does not fit is
/// left out while shorter ones after it still get theirs. While a field takes
/// text, only keys that still work are named (Ctrl-C, F1, Esc), since letters
/// go into the field.
fn draw_hints(app: &App, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let typing = app.taking_text();
    let global = |help: &'static str| GLOBAL.iter().find(move |b| b.help == help);
    let own: &[Binding] = if typing {
        &[]
    } else {
        app.panel(app.screen()).keys()
    };
    let hint = |b: &Binding| -> Option<(String, &'static str, usize)> {
        let key = hint_key(b, typing)?;
        let text = t(ctx.lang, b.help);
        let w = width(&key) + 1 + width(text) + 2;
        Some((key, text, w))
    };
    let head: Vec<_> = [global("key.quit"), global("key.help")]
        .into_iter()
        .flatten()
        .filter_map(hint)
        .collect();
    // "→ next" is kept when stepping is the way forward here; elsewhere it
    // comes after the screen's own keys, if there is room.
    let next = global("key.next").filter(|_| !typing);
    let next_first = next.filter(|_| app.panel(app.screen()).steps_forward());
    let tail: Vec<_> = [next_first, global("key.back")]
        .into_iter()
        .flatten()
        .filter_map(hint)
        .collect();
    let max = usize::from(area.width);
    let mut used: usize = head.iter().chain(&tail).map(|h| h.2).sum();
    let mut middle = Vec::new();
    let optional = own.iter().chain(next.filter(|_| next_first.is_none()));
    for h in optional.filter_map(hint) {
        if used + h.2 <= max {
            used += h.2;
            middle.push(h);
        }
    }
    let mut spans: Vec<Span> = Vec::new();
    let mut drawn = 0usize;
    for (key, text, w) in head.into_iter().chain(middle).chain(tail) {
        // Narrower than even the fixed hints: keep what fits, in order.
        if drawn + w > max {
            continue;
        }
        drawn += w;
        spans.push(Span::styled(key, ctx.theme.key));
        spans.push(Span::styled(format!(" {text}  "), ctx.theme.hint));
    }
    if typing {
        let note = t(ctx.lang, "hint.typing");
        spans.push(Span::styled(
            fit(note, max.saturating_sub(drawn)),
            ctx.theme.muted,
        ));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The key a hint names for `b`: its first key, or while typing its first key
/// that is not a printable character (those go into the field).
fn hint_key(b: &Binding, typing: bool) -> Option<String> {
    b.keys
        .iter()
        .find(|k| !typing || !matches!(k, Key::Char(_)))
        .map(|k| k.label())
}

/// Clears `area` for an overlay. A double-width character just left of the area
/// would spill its second half over the overlay's border, so it becomes a space.
pub fn clear_overlay(area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    if area.x == 0 {
        return;
    }
    for y in area.top()..area.bottom() {
        if let Some(cell) = buf.cell_mut((area.x - 1, y))
            && width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}
