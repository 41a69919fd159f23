//! Time to draw one frame of each screen, at 80×24 and 200×60, in English and
//! Chinese; the help overlay; and a keystroke to its frame (a key typed into
//! the lesson and glossary search boxes, the hits recomputed, the screen
//! drawn). `cargo bench --bench render`

use std::sync::mpsc;

use nettutor::i18n::Lang;
use nettutor::lesson::LessonSet;
use nettutor::ui::Options;
use nettutor::ui::app::{App, Msg, Nav, Screen};
use nettutor::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

#[path = "common/big_folder.rs"]
mod big_folder;

fn main() {
    divan::main();
}

fn app(lang: Lang, screen: Screen) -> App {
    let mut app = app_on(lang, screen);
    if screen == Screen::Lessons {
        app.update(Msg::Nav(Nav::Enter));
    }
    app
}

/// The app on `screen` as it opens (the lesson list, not a lesson).
fn app_on(lang: Lang, screen: Screen) -> App {
    app_with(lang, screen, LessonSet::embedded().unwrap_or_default())
}

/// The app on `screen` with its own lesson set.
fn app_with(lang: Lang, screen: Screen, lessons: LessonSet) -> App {
    let (tx, _rx) = mpsc::channel();
    let opts = Options {
        lang,
        ..Options::default()
    };
    let mut app = App::new(&opts, Theme::fallback(), lessons, None, tx);
    app.update(Msg::Open(screen));
    app
}

const SCREENS: &[Screen] = Screen::ALL;

fn frame(bencher: divan::Bencher, lang: Lang, screen: Screen, width: u16, height: u16) {
    let app = app(lang, screen);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        buf.reset();
        nettutor::ui::draw::draw(&app, area, &mut buf);
    });
}

#[divan::bench(args = SCREENS)]
fn frame_80x24_en(bencher: divan::Bencher, screen: Screen) {
    frame(bencher, Lang::En, screen, 80, 24);
}

#[divan::bench(args = SCREENS)]
fn frame_80x24_zh(bencher: divan::Bencher, screen: Screen) {
    frame(bencher, Lang::Zh, screen, 80, 24);
}

#[divan::bench(args = SCREENS)]
fn frame_200x60_en(bencher: divan::Bencher, screen: Screen) {
    frame(bencher, Lang::En, screen, 200, 60);
}

#[divan::bench(args = SCREENS)]
fn frame_200x60_zh(bencher: divan::Bencher, screen: Screen) {
    frame(bencher, Lang::Zh, screen, 200, 60);
}

#[divan::bench]
fn help_overlay_200x60(bencher: divan::Bencher) {
    let mut app = app(Lang::En, Screen::Lessons);
    app.update(Msg::ToggleHelp);
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        buf.reset();
        nettutor::ui::draw::draw(&app, area, &mut buf);
    });
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// One iteration: a letter typed into the open search box and its frame, then
/// Backspace and its frame (so the query stays "tc" + one letter).
fn keystroke_to_frame(bencher: divan::Bencher, screen: Screen, lang: Lang) {
    keys_to_frames(bencher, app_on(lang, screen));
}

fn keys_to_frames(bencher: divan::Bencher, mut app: App) {
    for code in [KeyCode::Char('/'), KeyCode::Char('t'), KeyCode::Char('c')] {
        app.on_key(key(code));
    }
    assert!(app.taking_text(), "the search box is open");
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        for code in [KeyCode::Char('p'), KeyCode::Backspace] {
            app.on_key(key(code));
            buf.reset();
            nettutor::ui::draw::draw(&app, area, &mut buf);
        }
    });
}

#[divan::bench(args = [Lang::En, Lang::Zh])]
fn lesson_search_two_keys_200x60(bencher: divan::Bencher, lang: Lang) {
    keystroke_to_frame(bencher, Screen::Lessons, lang);
}

/// The same two keys on a teacher's folder of 500 lessons × 20 steps (the
/// index is built before timing starts, at the first query).
#[divan::bench(args = [Lang::En, Lang::Zh])]
fn lesson_search_two_keys_500_lessons_200x60(bencher: divan::Bencher, lang: Lang) {
    let set = LessonSet::from_files("bench", big_folder::lessons(500, 20))
        .expect("the generated folder is valid");
    keys_to_frames(bencher, app_with(lang, Screen::Lessons, set));
}

#[divan::bench(args = [Lang::En, Lang::Zh])]
fn glossary_search_two_keys_200x60(bencher: divan::Bencher, lang: Lang) {
    keystroke_to_frame(bencher, Screen::Glossary, lang);
}

/// The Quiz panel's subnet drills: 0 the kind chooser, 1 a field being
/// typed, 2 a problem marked field by field with hints.
#[divan::bench(args = [0, 1, 2])]
fn drill_200x60_zh(bencher: divan::Bencher, stage: u8) {
    use nettutor::ui::quiz::drill::Stage;
    let mut app = app(Lang::Zh, Screen::Quiz);
    app.on_key(key(KeyCode::Char('d')));
    if stage > 0 {
        app.on_key(key(KeyCode::Down));
        app.on_key(key(KeyCode::Enter));
        for c in "192.168.1.1".chars() {
            app.on_key(key(KeyCode::Char(c)));
        }
    }
    if stage > 1 {
        for _ in 0..16 {
            if app.quiz().drill.stage == Stage::Marked {
                break;
            }
            app.on_key(key(KeyCode::Enter));
        }
    }
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        buf.reset();
        nettutor::ui::draw::draw(&app, area, &mut buf);
    });
}
