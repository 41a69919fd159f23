//! Prose as a student reads it: every shipped lesson step drawn at 60x20, 80x24
//! and 120x40 in both languages. The "↓ more" marker has a row of its own, no
//! raw markup shows through, no line ends on an opening bracket or starts with
//! a closing one, and no curriculum id ("(tcp.sticky)") leaks into text.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;

/// The rows of a buffer as strings (a double-width cell's partner is skipped),
/// without rows of code blocks (code is shown as written, cut at the edge).
fn rows(buf: &Buffer) -> Vec<String> {
    let code = Theme::named("dark").unwrap().code;
    (0..buf.area.height)
        .filter(|y| {
            let first = (1..buf.area.width)
                .map(|x| &buf[(x, *y)])
                .find(|c| !matches!(c.symbol(), " " | "│"));
            first.is_none_or(|c| c.style().fg != code.fg || code.fg.is_none())
        })
        .map(|y| {
            let mut row = String::new();
            let mut x = 0;
            while x < buf.area.width {
                let s = buf[(x, y)].symbol();
                row.push_str(s);
                x += u16::try_from(unicode_width::UnicodeWidthStr::width(s).max(1)).unwrap();
            }
            row
        })
        .collect()
}

/// Every lesson step's screen at `w`×`h`, walking forward with Space.
fn every_step(lang: Lang, w: u16, h: u16) -> Vec<Vec<String>> {
    let mut a = shipped_app(lang);
    press(&mut a, KeyCode::Char('1'));
    press(&mut a, KeyCode::Enter);
    let mut screens: Vec<Vec<String>> = Vec::new();
    for _ in 0..2000 {
        let screen = rows(&terminal(&mut a, w, h).backend().buffer().clone());
        if screens.last() == Some(&screen) {
            break;
        }
        screens.push(screen);
        press(&mut a, KeyCode::Char(' '));
    }
    assert!(screens.len() > 20, "walked {} steps", screens.len());
    screens
}

fn ids() -> Vec<String> {
    let set = shipped_lessons();
    set.curriculum
        .concepts
        .iter()
        .map(|c| c.id.clone())
        .collect()
}

#[test]
fn lesson_prose_reads_cleanly_at_every_size_in_both_languages() {
    let ids = ids();
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        for (w, h) in [(60, 20), (80, 24), (120, 40)] {
            for screen in every_step(lang, w, h) {
                for row in &screen {
                    // Inside the lesson's border: "│ text │".
                    let inner = row.trim_matches(|c| c == ' ' || c == '│');
                    // The marker is checked in its own pane: at the projection size the
                    // lesson list beside the prose ("…││ ↓ more") is another pane.
                    for pane in inner.split("││") {
                        for marker in ["↓ more", "↓ 还有"] {
                            if let Some(at) = pane.find(marker) {
                                let before = pane[..at].trim();
                                if !before.is_empty() {
                                    problems.push(format!("{lang} {w}x{h}: marker over '{inner}'"));
                                }
                            }
                        }
                    }
                    if inner.contains("**") || inner.contains('`') {
                        problems.push(format!("{lang} {w}x{h}: raw markup in '{inner}'"));
                    }
                    if inner.ends_with(['(', '（', '[', '“']) {
                        problems.push(format!("{lang} {w}x{h}: ends on a bracket: '{inner}'"));
                    }
                    if inner.starts_with([')', '）', ']', '”']) {
                        problems.push(format!("{lang} {w}x{h}: starts on a bracket: '{inner}'"));
                    }
                    for id in &ids {
                        if inner.contains(&format!("({id}")) || inner.contains(&format!("（{id}"))
                        {
                            problems.push(format!("{lang} {w}x{h}: concept id in '{inner}'"));
                        }
                    }
                }
            }
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_interface_string_names_a_curriculum_id() {
    let table: toml::Table = toml::from_str(include_str!("../../assets/i18n/ui.toml")).unwrap();
    let ids = ids();
    let mut leaks = Vec::new();
    for (key, value) in &table {
        for lang in ["en", "zh"] {
            let text = value.get(lang).and_then(|v| v.as_str()).unwrap_or_default();
            for id in &ids {
                // "(tcp.sticky)", "(udp.loss, tcp.properties)", "、net.mtu）"
                let shown = [
                    format!("({id}"),
                    format!("（{id}"),
                    format!(", {id}"),
                    format!("、{id}"),
                ];
                if shown.iter().any(|s| text.contains(s.as_str())) {
                    leaks.push(format!("{key}.{lang}: {id}"));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
