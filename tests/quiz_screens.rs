//! The Quiz panel on ratatui's TestBackend: keys → answers → feedback →
//! score → progress, snapshotted in English and Chinese at 80x24 and 160x48,
//! with the colours that carry meaning (right/wrong) asserted.
#![allow(clippy::unwrap_used)]

use std::sync::mpsc;

use nettutor::i18n::Lang;
use nettutor::lesson::{LessonSet, PanelId};
use nettutor::quiz::answer::correct_answer;
use nettutor::ui::Options;
use nettutor::ui::app::{App, AppEvent, Msg, Screen};
use nettutor::ui::quiz::Mode;
use nettutor::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
/// A quiz whose first question is a choice question (checked below).
const QUIZ: &str = "topic=osi count=3 seed=21";

fn app(lang: Lang) -> App {
    let (tx, _rx) = mpsc::channel();
    let opts = Options {
        lang,
        ..Options::default()
    };
    App::new(
        &opts,
        Theme::named("dark").unwrap(),
        LessonSet::embedded().unwrap(),
        None,
        tx,
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
    key(app, KeyCode::Enter);
}

fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.last_width = w;
    terminal
        .draw(|f| nettutor::ui::draw::draw(app, f.area(), f.buffer_mut()))
        .unwrap();
    terminal
}

fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buf.area;
    for y in 0..area.height {
        let row: String = (0..area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(at) = row.find(needle) {
            let x = row[..at].chars().count();
            return Some((u16::try_from(x).unwrap(), y));
        }
    }
    None
}

fn start_quiz(lang: Lang) -> App {
    let mut a = app(lang);
    a.update(Msg::OpenPanel {
        panel: PanelId::Quiz,
        arg: QUIZ.into(),
    });
    assert_eq!(a.screen, Screen::Quiz);
    assert_eq!(a.quiz.mode, Mode::Asking);
    a
}

/// The right answer to the question being asked, and a wrong one.
fn answers(app: &App) -> (String, String) {
    let q = app.quiz.session.as_ref().unwrap().current().unwrap();
    let right = correct_answer(&q.kind);
    let wrong = if right == "a" { "b" } else { "a" }.to_string();
    (right, wrong)
}

#[test]
fn menu_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = app(lang);
            a.update(Msg::Open(Screen::Quiz));
            key(&mut a, KeyCode::Down);
            key(&mut a, KeyCode::Enter);
            let t = draw(&mut a, w, h);
            insta::assert_snapshot!(format!("menu_{lang}_{w}x{h}"), t.backend());
        }
        let a = app(lang);
        assert_eq!(a.quiz.topics, Vec::new());
    }
}

#[test]
fn question_and_typed_answer_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = start_quiz(lang);
            // Keys the keymap binds (s, p, n) are text while an answer is typed.
            for c in "dsxpn".chars() {
                key(&mut a, KeyCode::Char(c));
            }
            key(&mut a, KeyCode::Backspace);
            key(&mut a, KeyCode::Backspace);
            let t = draw(&mut a, w, h);
            insta::assert_snapshot!(format!("asking_{lang}_{w}x{h}"), t.backend());
            assert_eq!(a.quiz.input, "dsx");
            assert_eq!(a.quiz.mode, Mode::Asking);
        }
    }
}

#[test]
fn feedback_snapshots_and_colours() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = start_quiz(lang);
            let (_, wrong) = answers(&a);
            typed(&mut a, &wrong);
            assert_eq!(a.quiz.mode, Mode::Feedback);
            let t = draw(&mut a, w, h);
            insta::assert_snapshot!(format!("feedback_wrong_{lang}_{w}x{h}"), t.backend());
            let mark = find(t.backend().buffer(), "✗").expect("a verdict mark");
            assert_eq!(
                t.backend().buffer()[mark].style().fg,
                a.theme.bad.fg,
                "wrong is drawn in the 'bad' colour"
            );
        }
    }
    let mut a = start_quiz(Lang::En);
    let (right, _) = answers(&a);
    typed(&mut a, &right);
    let t = draw(&mut a, 80, 24);
    let mark = find(t.backend().buffer(), "✓").expect("a verdict mark");
    assert_eq!(t.backend().buffer()[mark].style().fg, a.theme.good.fg);
}

#[test]
fn show_me_opens_the_questions_own_case() {
    let mut a = start_quiz(Lang::En);
    let (_, wrong) = answers(&a);
    let link = a
        .quiz
        .session
        .as_ref()
        .unwrap()
        .current()
        .unwrap()
        .panel
        .clone()
        .unwrap();
    typed(&mut a, &wrong);
    key(&mut a, KeyCode::Char('s'));
    assert_eq!(a.screen, Screen::for_panel(link.panel).unwrap(), "{link:?}");
}

fn finish(a: &mut App) {
    // Wrong, then right, then no answer.
    let (_, wrong) = answers(a);
    typed(a, &wrong);
    key(a, KeyCode::Char(' '));
    let (right, _) = answers(a);
    typed(a, &right);
    key(a, KeyCode::Enter);
    key(a, KeyCode::Enter);
    key(a, KeyCode::Enter);
    assert_eq!(a.quiz.mode, Mode::Finished);
}

#[test]
fn final_score_review_and_progress_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = start_quiz(lang);
            finish(&mut a);
            assert_eq!(a.quiz.session.as_ref().unwrap().score(), 1);
            let t = draw(&mut a, w, h);
            insta::assert_snapshot!(format!("finished_{lang}_{w}x{h}"), t.backend());
            key(&mut a, KeyCode::Char('p'));
            assert_eq!(a.quiz.mode, Mode::Progress);
            let t = draw(&mut a, w, h);
            insta::assert_snapshot!(format!("progress_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn quit_and_help_still_work_before_typing() {
    let mut a = start_quiz(Lang::En);
    key(&mut a, KeyCode::Char('?'));
    assert!(a.help_open);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('x'));
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.quiz.input, "");
    assert_eq!(
        a.screen,
        Screen::Quiz,
        "backspace edits the answer, not the screen"
    );
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);
}

#[test]
fn a_time_limit_ticks_and_ends_the_quiz() {
    let mut a = app(Lang::En);
    a.update(Msg::OpenPanel {
        panel: PanelId::Quiz,
        arg: "topic=osi count=3 seed=21 time=1".into(),
    });
    assert!(a.wants_ticks(), "a running timed quiz asks for ticks");
    let t = draw(&mut a, 80, 24);
    assert!(find(t.backend().buffer(), "1 s left").is_some());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    a.tick();
    assert_eq!(a.quiz.mode, Mode::Finished);
    assert_eq!(a.status.as_deref(), Some("Time is up."));
    assert!(!a.wants_ticks(), "idle again once it is over");
    let s = a.quiz.session.as_ref().unwrap();
    assert_eq!((s.score(), s.records.len()), (0, 3));
}
