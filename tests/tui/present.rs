//! Presentation mode, the glossary and search, on TestBackend.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::ui::Options;
use nettutor::ui::app::{App, Msg, Screen};
use ratatui::crossterm::event::KeyCode;

fn presenting(lang: Lang) -> App {
    let opts = Options {
        lang,
        present: true,
        lesson_ids: vec!["demo".into()],
        ..Options::default()
    };
    app_with(&opts, demo_lessons(), None).0
}

#[test]
fn presentation_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in [(80, 24), (160, 48), (200, 60)] {
            let mut a = presenting(lang);
            assert_eq!(a.screen(), Screen::Lessons, "--lesson opens the lesson");
            assert_eq!(a.theme().name, "high-contrast");
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("present_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn presenter_keys_advance_blank_and_show_notes() {
    let mut a = presenting(Lang::En);
    assert!(!a.wants_ticks(), "no autoplay while presenting");
    press(&mut a, KeyCode::PageDown);
    assert_eq!(a.reader().position(), Some((0, 1)));
    press(&mut a, KeyCode::PageUp);
    assert_eq!(a.reader().position(), Some((0, 0)));
    let t = terminal(&mut a, 80, 24);
    assert!(
        text(t.backend().buffer()).contains("step 1/2"),
        "footer shows the step"
    );
    press(&mut a, KeyCode::Char('n'));
    let t = terminal(&mut a, 160, 48);
    assert!(
        text(t.backend().buffer()).contains("Ask the class"),
        "speaker notes on n"
    );
    press(&mut a, KeyCode::Char('b'));
    assert!(a.blank());
    let t = terminal(&mut a, 80, 24);
    assert!(
        !text(t.backend().buffer()).contains("step 1/2"),
        "blank screen shows nothing"
    );
    press(&mut a, KeyCode::Char('x'));
    assert!(!a.blank(), "any key un-blanks");
    assert_eq!(a.reader().position(), Some((0, 0)), "and does nothing else");
    press(&mut a, KeyCode::Char('.'));
    assert!(a.blank());
    press(&mut a, KeyCode::Char('.'));
    press(&mut a, KeyCode::Char('z'));
    assert!(!a.zoom(), "z shows the bars again");
    let t = terminal(&mut a, 80, 24);
    assert!(
        text(t.backend().buffer()).contains("Lessons"),
        "tab bar back"
    );
    press(&mut a, KeyCode::Char('P'));
    assert!(!a.present());
    assert_eq!(
        a.theme().name,
        "dark",
        "leaving presentation restores the theme"
    );
}

#[test]
fn glossary_search_filters_english_and_chinese() {
    let mut a = shipped_app(Lang::En);
    press(&mut a, KeyCode::Char('/'));
    assert_eq!(a.screen(), Screen::Glossary);
    type_str(&mut a, "handshake");
    let results = a.glossary().results();
    assert!(results.iter().any(|t| t.zh == "三次握手"), "{results:?}");
    assert!(results.len() < a.lessons().glossary.terms.len());
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.glossary().filter, "handshake");
    let t = terminal(&mut a, 100, 30);
    assert!(text(t.backend().buffer()).contains("三次握手"));
    press(&mut a, KeyCode::Esc);
    assert!(
        a.glossary().filter.is_empty(),
        "Esc clears the filter first"
    );
    assert_eq!(a.screen(), Screen::Glossary);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "黏包");
    let results = a.glossary().results();
    assert!(
        results.iter().any(|t| t.en.contains("sticky")),
        "{results:?}"
    );
    for lang in Lang::ALL {
        if a.lang() != lang {
            a.update(Msg::ToggleLang);
        }
        let t = terminal(&mut a, 80, 24);
        insta::assert_snapshot!(format!("glossary_search_{lang}_80x24"), t.backend());
    }
}

#[test]
fn lesson_search_jumps_to_the_matching_step() {
    let mut a = app(Lang::En);
    press(&mut a, KeyCode::Char('1'));
    press(&mut a, KeyCode::Char('/'));
    assert!(a.reader().search.is_some());
    type_str(&mut a, "ones, then");
    let t = terminal(&mut a, 80, 24);
    assert!(
        text(t.backend().buffer()).contains("1 steps match")
            || text(t.backend().buffer()).contains("— 1 steps"),
        "{}",
        text(t.backend().buffer())
    );
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        a.reader().position(),
        Some((0, 1)),
        "jumped to the second step"
    );
    assert!(a.reader().search.is_none());
    // Chinese text is found from the English interface too.
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "网络地址");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.reader().position(), Some((0, 0)));
}
