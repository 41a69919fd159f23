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
