//! Key routing by mode, paste, the hint bar and help overlay, presentation
//! ticks, the glossary's selection and detail view, and search that folds
//! spellings — each a defect a student or presenter met, driven through keys.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::lesson::PanelId;
use nettutor::ui::app::{Msg, Screen};
use ratatui::crossterm::event::KeyCode;

#[test]
fn a_presenter_types_dots_and_bs_into_the_subnet_field_without_blanking() {
    let mut a = app(Lang::En);
    a.update(Msg::TogglePresent);
    press(&mut a, KeyCode::Char('5'));
    press(&mut a, KeyCode::Char('e'));
    assert!(a.subnet().editing);
    type_str(&mut a, "10.0.0.1/24 b");
    assert!(!a.blank(), "'.' and 'b' are text while typing, not 'blank'");
    assert!(
        a.subnet().input.ends_with("10.0.0.1/24 b"),
        "{}",
        a.subnet().input
    );
    // Not typing: the presenter's keys work again.
    press(&mut a, KeyCode::Esc);
    assert!(!a.subnet().editing, "Esc leaves the field");
    press(&mut a, KeyCode::Char('.'));
    assert!(a.blank());
}

#[test]
fn play_in_a_panel_moves_while_presenting_and_nothing_autoplays() {
    let mut a = app(Lang::En);
    a.update(Msg::TogglePresent);
    press(&mut a, KeyCode::Char('3'));
    assert_eq!(a.screen(), Screen::Lan);
    assert!(!a.wants_ticks(), "opening a panel does not autoplay");
    press(&mut a, KeyCode::Char('p'));
    assert!(a.lan().playing);
    assert!(a.wants_ticks(), "the presenter asked for it: ticks run");
    let before = a.lan().cursor;
    for _ in 0..200 {
        a.tick();
    }
    assert!(a.lan().cursor > before, "the animation moved");
}

#[test]
fn the_hint_bar_always_shows_quit_and_help_at_80x24() {
    for lang in Lang::ALL {
        for &screen in Screen::ALL {
            let mut a = shipped_app(lang);
            a.update(Msg::Open(screen));
            let shown = render(&mut a, 80, 24);
            let bar = shown.lines().last().unwrap();
            let quit = if lang == Lang::En {
                "q quit"
            } else {
                "q 退出"
            };
            assert!(bar.starts_with(quit), "{screen:?} {lang}: {bar}");
            assert!(bar.contains("? "), "{screen:?} {lang}: {bar}");
        }
    }
}

#[test]
fn the_help_overlay_keeps_clear_of_the_panel_border() {
    for (w, h) in [(60, 18), (80, 24), (160, 48)] {
        for &screen in Screen::ALL {
            let mut a = shipped_app(Lang::Zh);
            a.update(Msg::Open(screen));
            let plain = terminal(&mut a, w, h).backend().buffer().clone();
            press(&mut a, KeyCode::Char('?'));
            assert!(a.help_open());
            let t = terminal(&mut a, w, h);
            let helped = t.backend().buffer();
            // The outermost ring of the body (rows 1 and h-3, columns 0 and
            // w-1) is the panel's own: the overlay leaves it as it was.
            let (top, bottom) = (1, h - 3);
            let ring = (0..w)
                .flat_map(|x| [(x, top), (x, bottom)])
                .chain((top..=bottom).flat_map(|y| [(0, y), (w - 1, y)]));
            for (x, y) in ring {
                assert_eq!(
                    plain[(x, y)].symbol(),
                    helped[(x, y)].symbol(),
                    "{screen:?} {w}x{h}: the overlay touches the panel's edge at ({x},{y})\n{}",
                    text(helped)
                );
            }
        }
    }
}

#[test]
fn the_glossary_has_a_selected_row_and_a_detail_view_with_the_whole_note() {
    let mut a = shipped_app(Lang::En);
    press(&mut a, KeyCode::Char('8'));
    assert_eq!(a.glossary().selected, 0);
    press(&mut a, KeyCode::Char('j'));
    press(&mut a, KeyCode::Down);
    assert_eq!(a.glossary().selected, 2);
    press(&mut a, KeyCode::Char('k'));
    assert_eq!(a.glossary().selected, 1);
    // Find a term whose note is longer than a row and open it.
    let long = a
        .glossary()
        .results()
        .iter()
        .position(|t| t.note.as_ref().is_some_and(|n| n.en.chars().count() > 60))
        .unwrap();
    press(&mut a, KeyCode::Home);
    for _ in 0..long {
        press(&mut a, KeyCode::Down);
    }
    let term = a.glossary().selected_term().unwrap().clone();
    let note = term.note.clone().unwrap().en;
    let list = render(&mut a, 80, 24);
    assert!(list.contains('…'), "the table cuts long notes:\n{list}");
    press(&mut a, KeyCode::Enter);
    assert!(a.glossary().detail);
    let shown = render(&mut a, 80, 24);
    let flat: String = shown
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    let note_words = note.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&note_words), "whole note shown:\n{shown}");
    assert!(shown.contains(&term.zh));
    press(&mut a, KeyCode::Esc);
    assert!(!a.glossary().detail, "Esc closes the detail view");
    assert_eq!(a.screen(), Screen::Glossary);
}

#[test]
fn spellings_of_time_wait_find_the_same_glossary_terms_and_lesson_steps() {
    let spellings = [
        "TIME_WAIT",
        "TIME-WAIT",
        "time wait",
        "time_wait",
        "ＴＩＭＥ－ＷＡＩＴ",
    ];
    let mut glossary_hits = Vec::new();
    let mut lesson_hits = Vec::new();
    for q in spellings {
        let mut a = shipped_app(Lang::En);
        press(&mut a, KeyCode::Char('/'));
        assert_eq!(a.screen(), Screen::Glossary);
        type_str(&mut a, q);
        let found: Vec<String> = a
            .glossary()
            .results()
            .iter()
            .map(|t| t.en.clone())
            .collect();
        assert!(
            found.iter().any(|e| e.contains("TIME_WAIT")),
            "{q}: {found:?}"
        );
        glossary_hits.push(found);

        let mut b = shipped_app(Lang::En);
        press(&mut b, KeyCode::Char('1'));
        press(&mut b, KeyCode::Char('/'));
        paste(&mut b, q);
        let steps: Vec<(usize, usize)> = b
            .reader()
            .hits()
            .iter()
            .map(|h| (h.lesson, h.step))
            .collect();
        assert!(!steps.is_empty(), "{q}");
        lesson_hits.push(steps);
    }
    assert!(
        glossary_hits.windows(2).all(|w| w[0] == w[1]),
        "{glossary_hits:?}"
    );
    assert!(
        lesson_hits.windows(2).all(|w| w[0] == w[1]),
        "{lesson_hits:?}"
    );
}

#[test]
fn chinese_search_folds_full_width_letters() {
    let mut a = shipped_app(Lang::Zh);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "ｔｃｐ");
    let wide = a.glossary().results().len();
    let mut b = shipped_app(Lang::Zh);
    press(&mut b, KeyCode::Char('/'));
    type_str(&mut b, "TCP");
    assert!(wide > 0);
    assert_eq!(wide, b.glossary().results().len());
}

#[test]
fn a_huge_paste_into_a_search_box_is_cut_and_answers_at_once() {
    let mut a = shipped_app(Lang::En);
    press(&mut a, KeyCode::Char('1'));
    press(&mut a, KeyCode::Char('/'));
    let huge = "handshake ".repeat(1_000);
    paste(&mut a, &huge);
    render(&mut a, 80, 24);
    // One paste, one search: the paste path says it cut the text (typed key by
    // key, the field would say "The field is full." instead).
    assert!(
        a.status()
            .is_some_and(|s| s.contains("Pasted text cut to 256")),
        "{:?}",
        a.status()
    );
    assert!(a.taking_text(), "still in the search box");
    press(&mut a, KeyCode::Esc);
    assert!(!a.taking_text());
}

#[test]
fn paste_outside_a_text_field_does_nothing() {
    let mut a = app(Lang::En);
    paste(&mut a, "q?.b");
    assert!(!a.quitting() && !a.help_open() && !a.blank());
    assert_eq!(a.screen(), Screen::Home);
}

#[test]
fn a_lesson_link_to_the_quiz_still_opens_it() {
    let mut a = shipped_app(Lang::En);
    common::tui::open_panel(&mut a, PanelId::Quiz, "topic=osi count=2 seed=3");
    assert_eq!(a.screen(), Screen::Quiz);
    assert!(a.taking_text());
}

#[test]
fn a_huge_paste_into_the_subnet_field_stops_at_the_maximum() {
    let mut a = app(Lang::En);
    press(&mut a, KeyCode::Char('5'));
    press(&mut a, KeyCode::Char('e'));
    press_with(
        &mut a,
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    paste(&mut a, &"1".repeat(10_000));
    render(&mut a, 80, 24);
    assert_eq!(a.subnet().input.chars().count(), 256);
    // One paste call, not 10,000 keys: the paste path's message.
    assert!(
        a.status()
            .is_some_and(|s| s.contains("Pasted text cut to 256")),
        "{:?}",
        a.status()
    );
    press(&mut a, KeyCode::Char('1'));
    assert_eq!(
        a.subnet().input.chars().count(),
        256,
        "typing stops there too"
    );
    assert_eq!(a.status(), Some("The field is full."));
}
