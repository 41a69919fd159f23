//! `nettutor presenter`: the presenter's own screen, in a second terminal on
//! the same machine. It follows a running presentation over its socket
//! ([`crate::presenter`]): the step's speaker notes, the next step's title,
//! where the lecture is, the time elapsed and the clock; the clicker's keys
//! pressed here drive the projected screen. The terminal is restored on every
//! way out (keys, signals, a panic), and the end of the presentation is shown,
//! not a crash: the console closes on the next key.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::text::{fit, width, wrap};
use super::theme::Theme;
use crate::i18n::{Lang, t, tf};
use crate::presenter::proto::{Key, ServerMsg, State};
use crate::presenter::{Found, Link};

/// What the console knows.
#[derive(Debug, Clone)]
pub struct ConsoleView {
    pub lang: Lang,
    pub id: String,
    /// The presentation's last state (None: not yet heard).
    pub state: Option<State>,
    /// The presentation is gone: None while it runs, else why.
    pub end: Option<End>,
}

/// How the link ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The presentation quit.
    Ended,
    /// The connection broke or the presentation refused us.
    Lost(String),
}

/// The time the console shows: the wall clock (HH:MM:SS) and the seconds
/// since the Unix epoch (the presentation's `started` is in those).
#[derive(Debug, Clone)]
pub struct Now {
    pub clock: String,
    pub unix: i64,
}

impl Now {
    pub fn system() -> Now {
        Now {
            clock: chrono::Local::now().format("%H:%M:%S").to_string(),
            unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
        }
    }
}

/// `h:mm:ss` (or `mm:ss` under an hour).
fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// `left` and `right` on one line of `w` cells (right aligned; cut to fit).
fn ends(left: Vec<Span<'static>>, right: Span<'static>, w: usize) -> Line<'static> {
    let used: usize = left.iter().map(|s| width(&s.content)).sum();
    let room = w.saturating_sub(used);
    let right_w = width(&right.content);
    let mut spans = left;
    if right_w < room {
        spans.push(Span::raw(" ".repeat(room - right_w)));
        spans.push(right);
    }
    Line::from(spans)
}

/// Draws the console.
pub fn draw(view: &ConsoleView, now: &Now, theme: &Theme, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, theme.base);
    if area.width < 20 || area.height < 8 {
        buf.set_string(
            area.x,
            area.y,
            fit(t(view.lang, "console.title"), usize::from(area.width)),
            theme.title,
        );
        return;
    }
    let lang = view.lang;
    let w = usize::from(area.width);
    let inner = Rect {
        x: area.x + 1,
        width: area.width - 2,
        ..area
    };
    let iw = usize::from(inner.width);
    let [head, place, rule1, body, rule2, foot, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let title = format!("{} · {}", t(lang, "console.title"), view.id);
    let clock = tf(lang, "console.clock", &[("time", &now.clock)]);
    ends(
        vec![Span::styled(fit(&title, iw), theme.title)],
        Span::styled(clock, theme.accent),
        iw,
    )
    .render(head, buf);
    let rule = "─".repeat(w);
    for r in [rule1, rule2] {
        buf.set_string(area.x, r.y, &rule, theme.border);
    }
    Line::from(Span::styled(t(lang, "console.keys"), theme.hint)).render(keys, buf);

    let state = view.state.as_ref();
    let body_lines = match (&view.end, state) {
        (Some(End::Ended), _) => vec![Line::from(Span::styled(
            t(lang, "console.ended").to_string(),
            theme.warn,
        ))],
        (Some(End::Lost(why)), _) => vec![Line::from(Span::styled(
            tf(lang, "console.lost", &[("error", why)]),
            theme.bad,
        ))],
        (None, None) => vec![Line::from(Span::styled(
            t(lang, "console.waiting").to_string(),
            theme.muted,
        ))],
        (None, Some(s)) => step_lines(s, lang, theme, iw),
    };
    // The end goes above what was last shown, which stays for reference.
    let mut lines = body_lines;
    if view.end.is_some()
        && let Some(s) = state
    {
        lines.push(Line::default());
        lines.extend(step_lines(s, lang, theme, iw));
    }
    Paragraph::new(lines).render(body, buf);

    if let Some(s) = state {
        let mut left = vec![Span::styled(
            tf(
                lang,
                "console.lesson",
                &[("k", &s.lesson.to_string()), ("l", &s.lessons.to_string())],
            ),
            theme.bold,
        )];
        if s.lesson > 0 {
            left.push(Span::styled(
                format!(" · {}", s.lesson_title.get(lang)),
                theme.base,
            ));
        }
        let mut right = tf(
            lang,
            "console.step",
            &[("n", &s.step.to_string()), ("m", &s.steps.to_string())],
        );
        if let Some(p) = &s.panel {
            right.push_str(" · ");
            right.push_str(&tf(
                lang,
                "console.panel",
                &[
                    ("panel", p.name.get(lang)),
                    ("at", &p.at.to_string()),
                    ("of", &p.of.to_string()),
                ],
            ));
        }
        let right_w = width(&right);
        let left_room = iw.saturating_sub(right_w + 2);
        let left_text: String = left.iter().map(|s| s.content.to_string()).collect();
        let left = if width(&left_text) > left_room {
            vec![Span::styled(fit(&left_text, left_room), theme.bold)]
        } else {
            left
        };
        ends(left, Span::styled(right, theme.accent), iw).render(place, buf);
        let elapsed = if s.started > 0 {
            duration(now.unix - s.started)
        } else {
            "--:--".into()
        };
        let mut spans = vec![Span::styled(
            tf(lang, "console.elapsed", &[("time", &elapsed)]),
            theme.accent,
        )];
        if s.blank {
            spans.push(Span::raw("   "));
            spans.push(Span::styled(
                t(lang, "console.blanked").to_string(),
                theme.warn,
            ));
        } else if s.end_card {
            spans.push(Span::raw("   "));
            spans.push(Span::styled(
                t(lang, "console.end_card").to_string(),
                theme.warn,
            ));
        }
        Line::from(spans).render(foot, buf);
    }
}

/// The step's title, its notes and what comes next, wrapped to `w` cells.
fn step_lines(s: &State, lang: Lang, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let para =
        |text: &str, style: Style| wrap(&[(text.to_string(), style)], w, ("", style), ("", style));
    if s.step == 0 {
        lines.push(Line::from(Span::styled(
            t(lang, "console.no_lesson").to_string(),
            theme.muted,
        )));
        return lines;
    }
    lines.extend(para(s.step_title.get(lang), theme.title));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        t(lang, "lessons.notes").to_string(),
        theme.muted,
    )));
    match &s.notes {
        Some(notes) => {
            for p in notes.get(lang).split('\n') {
                lines.extend(para(p, theme.base));
            }
        }
        None => lines.push(Line::from(Span::styled(
            t(lang, "lessons.no_notes").to_string(),
            theme.muted,
        ))),
    }
    lines.push(Line::default());
    match &s.next {
        Some(next) => {
            let mut text = tf(lang, "console.next", &[("title", next.get(lang))]);
            if let Some(lesson) = &s.next_lesson {
                text.push_str(&format!(
                    " ({})",
                    tf(lang, "console.next_lesson", &[("title", lesson.get(lang))])
                ));
            }
            lines.extend(para(&text, theme.accent));
        }
        None => lines.extend(para(t(lang, "console.last"), theme.accent)),
    }
    lines
}

/// The console's keys: the presenter's key each one sends.
pub fn key_for(key: &KeyEvent) -> Option<Key> {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    Some(match key.code {
        KeyCode::PageDown | KeyCode::Right | KeyCode::Down | KeyCode::Char(' ' | 'l' | 'j') => {
            Key::Next
        }
        KeyCode::PageUp | KeyCode::Left | KeyCode::Up | KeyCode::Char('h' | 'k') => Key::Prev,
        KeyCode::Char('b' | '.') => Key::Blank,
        KeyCode::Char('p') => Key::Play,
        KeyCode::Home => Key::First,
        KeyCode::End => Key::Last,
        _ => return None,
    })
}

/// Whether `key` closes the console.
fn quits(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
        || (key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c'))
}

enum Ev {
    Input(Event),
    Server(ServerMsg),
    Lost(String),
    Quit,
}

/// Runs the console attached to `found` until the presenter closes it.
pub fn run(found: &Found, lang: Lang, theme: &Theme) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let (link, mut reader) = Link::attach(&found.path)
        .with_context(|| format!("cannot attach to presentation {}", found.id))?;
    anyhow::ensure!(
        std::io::IsTerminal::is_terminal(&std::io::stdout()),
        "standard output is not a terminal: the console needs one (for scripts use \
         `nettutor presenter --plain`)"
    );
    let (tx, rx) = mpsc::channel();
    let server = tx.clone();
    std::thread::spawn(move || {
        loop {
            match reader.next_msg() {
                Ok(ServerMsg::Ended) => {
                    let _ = server.send(Ev::Server(ServerMsg::Ended));
                    break;
                }
                Ok(msg) => {
                    if server.send(Ev::Server(msg)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = server.send(Ev::Lost(e.to_string()));
                    break;
                }
            }
        }
    });
    spawn_signals(tx.clone())?;
    let mut guard = super::TerminalGuard::enter()?;
    let hangup = tx.clone();
    super::watch_hangup(move || {
        let _ = hangup.send(Ev::Quit);
    });
    let input = tx;
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(ev) => {
                    if input.send(Ev::Input(ev)).is_err() {
                        break;
                    }
                }
                Err(_) => {
                    let _ = input.send(Ev::Quit);
                    break;
                }
            }
        }
    });
    let mut view = ConsoleView {
        lang,
        id: found.id.clone(),
        state: found.state.clone(),
        end: None,
    };
    loop {
        let now = Now::system();
        guard
            .terminal
            .draw(|f| draw(&view, &now, theme, f.area(), f.buffer_mut()))?;
        // The clock moves once a second; nothing else is timed.
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_millis());
        let wait = Duration::from_millis(u64::from(1000 - millis.min(999)));
        let ev = match rx.recv_timeout(wait) {
            Ok(ev) => ev,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        match ev {
            Ev::Quit => break,
            Ev::Server(ServerMsg::State(s)) => view.state = Some(*s),
            Ev::Server(ServerMsg::Ended) => view.end = view.end.clone().or(Some(End::Ended)),
            Ev::Server(ServerMsg::Error { message }) | Ev::Lost(message) => {
                view.end = view.end.clone().or(Some(End::Lost(message)));
            }
            Ev::Input(Event::Key(key)) if key.kind != KeyEventKind::Release => {
                if view.end.is_some() || quits(&key) {
                    break;
                }
                if let Some(k) = key_for(&key)
                    && let Err(e) = link.key(k)
                {
                    view.end = Some(End::Lost(e.to_string()));
                }
            }
            Ev::Input(_) => {}
        }
    }
    drop(guard);
    Ok(())
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT close the console (terminal restored).
fn spawn_signals(tx: Sender<Ev>) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
        .context("cannot install signal handlers")?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Ev::Quit);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_keys() {
        assert_eq!(duration(0), "00:00");
        assert_eq!(duration(754), "12:34");
        assert_eq!(duration(3600 + 61), "1:01:01");
        assert_eq!(duration(-5), "00:00");
        let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(key_for(&k(KeyCode::PageDown)), Some(Key::Next));
        assert_eq!(key_for(&k(KeyCode::PageUp)), Some(Key::Prev));
        assert_eq!(key_for(&k(KeyCode::Char('.'))), Some(Key::Blank));
        assert_eq!(key_for(&k(KeyCode::Char('q'))), None);
        assert!(quits(&k(KeyCode::Char('q'))));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(quits(&ctrl_c) && key_for(&ctrl_c).is_none());
    }
}
