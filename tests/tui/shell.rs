//! The terminal shell on ratatui's TestBackend: keys → messages → state, and
//! snapshots of the home screen, the help overlay, a lesson step and the
//! too-small screen, in English and Chinese, at 80x24 and 160x48.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::store::Store;
use nettutor::ui::Options;
use nettutor::ui::app::{AppEvent, Screen};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::style::Modifier;

fn english_dark() -> Options {
    Options {
        lang: Lang::En,
        theme: Some(nettutor::ui::theme::ThemeName::Dark),
        ..Options::default()
    }
}

#[test]
fn home_screen_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = app(lang);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("home_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn help_overlay_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = app(lang);
            press_all(
                &mut a,
                &[KeyCode::Char('1'), KeyCode::Enter, KeyCode::Char('?')],
            );
            assert!(a.help_open());
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("help_lessons_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn lesson_step_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = app(lang);
            press_all(&mut a, &[KeyCode::Char('1'), KeyCode::Enter]);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("lesson_step_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn too_small_screen_snapshots_and_no_size_panics() {
    for lang in Lang::ALL {
        let mut a = app(lang);
        let t = terminal(&mut a, 50, 12);
        insta::assert_snapshot!(format!("too_small_{lang}"), t.backend());
    }
    // Every size from nothing up to the minimum and a bit beyond: no underflow.
    let mut a = app(Lang::Zh);
    press_all(
        &mut a,
        &[KeyCode::Char('1'), KeyCode::Enter, KeyCode::Char('n')],
    );
    for w in (0..=90).step_by(3) {
        for h in 0..=26 {
            terminal(&mut a, w, h);
        }
    }
    press(&mut a, KeyCode::Char('?'));
    assert!(a.help_open());
    for (w, h) in [(60, 18), (61, 19), (200, 60)] {
        terminal(&mut a, w, h);
    }
}

#[test]
fn keys_walk_through_sections_and_lessons() {
    let mut a = app(Lang::En);
    assert_eq!(a.screen(), Screen::Home);
    press_all(&mut a, &[KeyCode::Down, KeyCode::Enter]);
    assert_eq!(a.screen(), Screen::Osi, "second home entry is OSI");
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.screen(), Screen::Home);
    press(&mut a, KeyCode::Char('1'));
    assert_eq!(a.screen(), Screen::Lessons);
    assert_eq!(a.reader().open, None);
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.reader().position(), Some((0, 0)));
    // Presentation clickers: Space / → / PageDown forward, ← / PageUp back.
    press(&mut a, KeyCode::Char(' '));
    assert_eq!(a.reader().position(), Some((0, 1)));
    press(&mut a, KeyCode::PageDown);
    assert_eq!(
        a.reader().position(),
        Some((0, 1)),
        "last step of the last lesson stays"
    );
    press(&mut a, KeyCode::PageUp);
    assert_eq!(a.reader().position(), Some((0, 0)));
    press(&mut a, KeyCode::Right);
    press(&mut a, KeyCode::Left);
    assert_eq!(a.reader().position(), Some((0, 0)));
    press(&mut a, KeyCode::End);
    assert_eq!(a.reader().position(), Some((0, 1)));
    press(&mut a, KeyCode::Home);
    assert_eq!(a.reader().position(), Some((0, 0)));
    // The step's panel opens with o; Esc comes back to the lesson.
    press(&mut a, KeyCode::Char('o'));
    assert_eq!(a.screen(), Screen::Subnet);
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.screen(), Screen::Lessons);
    assert_eq!(a.reader().position(), Some((0, 0)));
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.reader().open, None, "Esc leaves the reader for the list");
    press(&mut a, KeyCode::Backspace);
    assert_eq!(a.screen(), Screen::Home);
    press(&mut a, KeyCode::Char('q'));
    assert!(a.quitting());
}

#[test]
fn help_language_and_quit_keys() {
    let mut a = app(Lang::En);
    press(&mut a, KeyCode::Char('?'));
    assert!(a.help_open());
    press(&mut a, KeyCode::Char('x'));
    assert!(!a.help_open(), "any key closes help");
    assert!(!a.quitting());
    press(&mut a, KeyCode::Char('L'));
    assert_eq!(a.lang(), Lang::Zh);
    let t = terminal(&mut a, 80, 24);
    assert!(format!("{:?}", t.backend()).contains("课程"));
    a.handle_event(AppEvent::Input(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    ))));
    assert!(a.quitting(), "Ctrl-C quits");
    let mut b = app(Lang::En);
    b.handle_event(AppEvent::Signal(15));
    assert!(b.quitting(), "SIGTERM quits cleanly");
}

#[test]
fn mouse_click_selects_a_tab() {
    let mut a = app(Lang::En);
    let t = terminal(&mut a, 100, 30);
    let top: String = (0..100)
        .map(|x| t.backend().buffer()[(x, 0)].symbol().to_string())
        .collect();
    let byte = top.find("5 Subnet").expect("numbered tabs at 100 columns");
    let x = u16::try_from(top[..byte].chars().count()).unwrap();
    a.handle_event(AppEvent::Input(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x + 2,
        row: 0,
        modifiers: KeyModifiers::NONE,
    })));
    assert_eq!(a.screen(), Screen::Subnet);
}

#[test]
fn progress_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = || Some(Store::at(dir.path().to_path_buf()));
    let (mut a, _rx) = app_with(&english_dark(), demo_lessons(), store());
    press_all(
        &mut a,
        &[KeyCode::Char('1'), KeyCode::Enter, KeyCode::Char(' ')],
    );
    assert_eq!(a.reader().position(), Some((0, 1)));
    drop(a);
    let (mut b, _rx) = app_with(&english_dark(), demo_lessons(), store());
    let t = terminal(&mut b, 80, 24);
    assert!(
        format!("{:?}", t.backend()).contains("Continue"),
        "home offers to continue"
    );
    press(&mut b, KeyCode::Enter);
    assert_eq!(b.screen(), Screen::Lessons);
    assert_eq!(b.reader().position(), Some((0, 1)));
}

#[test]
fn selection_is_visible_in_colour_and_in_monochrome() {
    for theme in ["dark", "mono"] {
        let (mut a, _rx) = app_in(Lang::En, theme);
        let t = terminal(&mut a, 80, 24);
        let buf = t.backend().buffer();
        // The tab of the current screen ("0 Home") and the selected home row.
        let tab = buf[(1, 0)].style();
        let other_tab = buf[(10, 0)].style();
        assert_ne!(tab, other_tab, "{theme}: the current tab stands out");
        if theme == "mono" {
            assert!(
                tab.add_modifier.contains(Modifier::REVERSED),
                "{theme}: {tab:?}"
            );
            assert!(
                matches!(tab.fg, None | Some(ratatui::style::Color::Reset)),
                "{tab:?}"
            );
        }
    }
}

#[test]
fn help_shows_every_binding_at_80x24_on_lessons() {
    use nettutor::ui::help::entries;
    for lang in Lang::ALL {
        for present in [false, true] {
            let mut a = app(lang);
            press_all(&mut a, &[KeyCode::Char('1'), KeyCode::Enter]);
            if present {
                a.update(nettutor::ui::app::Msg::TogglePresent);
            }
            press(&mut a, KeyCode::Char('?'));
            assert!(a.help_open());
            // Scroll through the overlay (a no-op when it fits), collecting
            // what is drawn; every binding's keys and text must appear.
            let mut seen = String::new();
            for _ in 0..40 {
                let screen = render(&mut a, 80, 24);
                seen.push_str(&screen);
                press(&mut a, KeyCode::Down);
                assert!(a.help_open(), "↓ scrolls the help, it does not close it");
            }
            let flat: String = seen.split_whitespace().collect::<Vec<_>>().join(" ");
            for (keys, text) in entries(&a, lang) {
                assert!(
                    seen.contains(&keys),
                    "{lang} present={present}: {keys} missing\n{seen}"
                );
                // A description may wrap: its beginning and its end are on
                // screen, and (English) each of its words.
                let chars: Vec<char> = text.chars().collect();
                let start: String = chars.iter().take(4).collect();
                // (A wrapped Chinese text may break between any two characters.)
                let tail = if lang == Lang::En { 3 } else { 1 };
                let end: String = chars[chars.len().saturating_sub(tail)..].iter().collect();
                for part in [start.trim(), end.trim()] {
                    assert!(
                        seen.contains(part),
                        "{lang} present={present}: '{part}' of '{text}' missing"
                    );
                }
                if lang == Lang::En {
                    for word in text.split_whitespace() {
                        assert!(
                            flat.contains(word),
                            "present={present}: '{word}' of '{text}' missing"
                        );
                    }
                }
            }
            press(&mut a, KeyCode::Char('x'));
            assert!(!a.help_open(), "any other key closes");
        }
    }
}
