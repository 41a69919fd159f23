//! Time to draw one frame of each screen into a 200x60 buffer.
//! `cargo bench --bench render`

use std::sync::mpsc;

use nettutor::i18n::Lang;
use nettutor::lesson::LessonSet;
use nettutor::ui::Options;
use nettutor::ui::app::{App, Msg, Nav, Screen};
use nettutor::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn main() {
    divan::main();
}

fn app(lang: Lang, screen: Screen) -> App {
    let (tx, _rx) = mpsc::channel();
    let opts = Options {
        lang,
        ..Options::default()
    };
    let lessons = LessonSet::embedded().unwrap_or_default();
    let mut app = App::new(&opts, Theme::fallback(), lessons, None, tx);
    app.update(Msg::Open(screen));
    if screen == Screen::Lessons {
        app.update(Msg::Nav(Nav::Enter));
    }
    app
}

const SCREENS: &[Screen] = Screen::ALL;

#[divan::bench(args = SCREENS)]
fn frame_200x60_en(bencher: divan::Bencher, screen: Screen) {
    let app = app(Lang::En, screen);
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        buf.reset();
        nettutor::ui::draw::draw(&app, area, &mut buf);
    });
}

#[divan::bench(args = SCREENS)]
fn frame_200x60_zh(bencher: divan::Bencher, screen: Screen) {
    let app = app(Lang::Zh, screen);
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        buf.reset();
        nettutor::ui::draw::draw(&app, area, &mut buf);
    });
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

fn key(app: &mut App, code: ratatui::crossterm::event::KeyCode) {
    use ratatui::crossterm::event::{Event, KeyEvent, KeyModifiers};
    app.handle_event(nettutor::ui::app::AppEvent::Input(Event::Key(
        KeyEvent::new(code, KeyModifiers::NONE),
    )));
}

/// The Quiz panel's subnet drills: 0 the kind chooser, 1 a field being
/// typed, 2 a problem marked field by field with hints.
#[divan::bench(args = [0, 1, 2])]
fn drill_200x60_zh(bencher: divan::Bencher, stage: u8) {
    use nettutor::ui::quiz::drill::Stage;
    use ratatui::crossterm::event::KeyCode;
    let mut app = app(Lang::Zh, Screen::Quiz);
    key(&mut app, KeyCode::Char('d'));
    if stage > 0 {
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        for c in "192.168.1.1".chars() {
            key(&mut app, KeyCode::Char(c));
        }
    }
    if stage > 1 {
        for _ in 0..16 {
            if app.quiz().drill.stage == Stage::Marked {
                break;
            }
            key(&mut app, KeyCode::Enter);
        }
    }
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        buf.reset();
        nettutor::ui::draw::draw(&app, area, &mut buf);
    });
}
