//! Presentation mode, the glossary and search, on TestBackend.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::mpsc;

use nettutor::i18n::Lang;
use nettutor::lesson::{LessonSet, LessonSource};
use nettutor::ui::Options;
use nettutor::ui::app::{App, AppEvent, Screen};
use nettutor::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn demo() -> LessonSet {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo_lessons");
    LessonSet::load(&LessonSource::Dir(dir)).unwrap()
}

fn app(opts: Options, lessons: LessonSet) -> App {
    let (tx, _rx) = mpsc::channel();
    let theme = Theme::choose(opts.theme.as_deref(), opts.no_color).unwrap();
    App::new(&opts, theme, lessons, None, tx)
}

fn presenting(lang: Lang) -> App {
    app(
        Options {
            lang,
            present: true,
            lesson_ids: vec!["demo".into()],
            ..Options::default()
        },
        demo(),
    )
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_event(AppEvent::Input(Event::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn render(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.last_width = w;
    terminal
        .draw(|f| nettutor::ui::draw::draw(app, f.area(), f.buffer_mut()))
        .unwrap();
    terminal
}

fn screen_text(t: &Terminal<TestBackend>) -> String {
    format!("{:?}", t.backend())
}

#[test]
fn presentation_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in [(80, 24), (160, 48), (200, 60)] {
            let mut a = presenting(lang);
            assert_eq!(a.screen, Screen::Lessons, "--lesson opens the lesson");
            assert_eq!(a.theme.name, "high-contrast");
            let t = render(&mut a, w, h);
            insta::assert_snapshot!(format!("present_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn presenter_keys_advance_blank_and_show_notes() {
    let mut a = presenting(Lang::En);
    assert!(!a.wants_ticks(), "no autoplay while presenting");
    key(&mut a, KeyCode::PageDown);
    assert_eq!(a.reader.position(), Some((0, 1)));
    key(&mut a, KeyCode::PageUp);
    assert_eq!(a.reader.position(), Some((0, 0)));
    let t = render(&mut a, 80, 24);
    assert!(
        screen_text(&t).contains("step 1/2"),
        "footer shows the step"
    );
    key(&mut a, KeyCode::Char('n'));
    let t = render(&mut a, 160, 48);
    assert!(
        screen_text(&t).contains("Ask the class"),
        "speaker notes on n"
    );
    key(&mut a, KeyCode::Char('b'));
    assert!(a.blank);
    let t = render(&mut a, 80, 24);
    assert!(
        !screen_text(&t).contains("step 1/2"),
        "blank screen shows nothing"
    );
    key(&mut a, KeyCode::Char('x'));
    assert!(!a.blank, "any key un-blanks");
    assert_eq!(a.reader.position(), Some((0, 0)), "and does nothing else");
    key(&mut a, KeyCode::Char('.'));
    assert!(a.blank);
    key(&mut a, KeyCode::Char('.'));
    key(&mut a, KeyCode::Char('z'));
    assert!(!a.zoom, "z shows the bars again");
    let t = render(&mut a, 80, 24);
    assert!(screen_text(&t).contains("Lessons"), "tab bar back");
    key(&mut a, KeyCode::Char('P'));
    assert!(!a.present);
    assert_eq!(
        a.theme.name, "dark",
        "leaving presentation restores the theme"
    );
}

#[test]
fn glossary_search_filters_english_and_chinese() {
    let mut a = app(
        Options {
            lang: Lang::En,
            ..Options::default()
        },
        LessonSet::embedded().unwrap(),
    );
    key(&mut a, KeyCode::Char('/'));
    assert_eq!(a.screen, Screen::Glossary);
    typed(&mut a, "handshake");
    let results = a.glossary.results(&a.lessons.glossary);
    assert!(results.iter().any(|t| t.zh == "三次握手"), "{results:?}");
    assert!(results.len() < a.lessons.glossary.terms.len());
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.glossary.filter, "handshake");
    let t = render(&mut a, 100, 30);
    assert!(screen_text(&t).contains("三次握手"));
    key(&mut a, KeyCode::Esc);
    assert!(a.glossary.filter.is_empty(), "Esc clears the filter first");
    assert_eq!(a.screen, Screen::Glossary);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "黏包");
    let results = a.glossary.results(&a.lessons.glossary);
    assert!(
        results.iter().any(|t| t.en.contains("sticky")),
        "{results:?}"
    );
    for lang in Lang::ALL {
        a.lang = lang;
        let t = render(&mut a, 80, 24);
        insta::assert_snapshot!(format!("glossary_search_{lang}_80x24"), t.backend());
    }
}

#[test]
fn lesson_search_jumps_to_the_matching_step() {
    let mut a = app(
        Options {
            lang: Lang::En,
            ..Options::default()
        },
        demo(),
    );
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('/'));
    assert!(a.reader.search.is_some());
    typed(&mut a, "ones, then");
    let t = render(&mut a, 80, 24);
    assert!(
        screen_text(&t).contains("1 steps match") || screen_text(&t).contains("— 1 steps"),
        "{}",
        screen_text(&t)
    );
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.reader.position(),
        Some((0, 1)),
        "jumped to the second step"
    );
    assert!(a.reader.search.is_none());
    // Chinese text is found from the English interface too.
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "网络地址");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.reader.position(), Some((0, 0)));
}
