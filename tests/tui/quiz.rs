//! The Quiz panel on ratatui's TestBackend: keys → answers → feedback →
//! score → progress, snapshotted in English and Chinese at 80x24 and 160x48,
//! with the colours that carry meaning (right/wrong) asserted.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::lesson::PanelId;
use nettutor::quiz::answer::correct_answer;
use nettutor::ui::app::{App, Msg, Screen};
use nettutor::ui::quiz::Mode;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
/// A quiz whose first question is a choice question (checked below).
const QUIZ: &str = "topic=osi count=3 seed=21";

fn start_quiz(lang: Lang) -> App {
    let mut a = shipped_app(lang);
    common::tui::open_panel(&mut a, PanelId::Quiz, QUIZ);
    assert_eq!(a.screen(), Screen::Quiz);
    assert_eq!(a.quiz().mode, Mode::Asking);
    a
}

/// The right answer to the question being asked, and a wrong one.
fn answers(app: &App) -> (String, String) {
    let q = app.quiz().session.as_ref().unwrap().current().unwrap();
    let right = correct_answer(&q.kind);
    // A well-formed wrong answer (not one the quiz cannot read).
    let wrong = match &q.kind {
        nettutor::lesson::QuestionKind::TrueFalse { correct } => (!correct).to_string(),
        _ if right == "a" => "b".to_string(),
        _ => "a".to_string(),
    };
    (right, wrong)
}

#[test]
fn menu_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = shipped_app(lang);
            a.update(Msg::Open(Screen::Quiz));
            press(&mut a, KeyCode::Down);
            press(&mut a, KeyCode::Enter);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("menu_{lang}_{w}x{h}"), t.backend());
        }
        let a = shipped_app(lang);
        assert_eq!(a.quiz().topics, Vec::new());
    }
}

#[test]
fn question_and_typed_answer_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = start_quiz(lang);
            // Keys the keymap binds (s, p, n) are text while an answer is typed.
            for c in "dsxpn".chars() {
                press(&mut a, KeyCode::Char(c));
            }
            press(&mut a, KeyCode::Backspace);
            press(&mut a, KeyCode::Backspace);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("asking_{lang}_{w}x{h}"), t.backend());
            assert_eq!(a.quiz().input.as_str(), "dsx");
            assert_eq!(a.quiz().mode, Mode::Asking);
        }
    }
}

#[test]
fn feedback_snapshots_and_colours() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = start_quiz(lang);
            let (_, wrong) = answers(&a);
            answer(&mut a, &wrong);
            assert_eq!(a.quiz().mode, Mode::Feedback);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("feedback_wrong_{lang}_{w}x{h}"), t.backend());
            let mark = find(t.backend().buffer(), "✗").expect("a verdict mark");
            assert_eq!(
                t.backend().buffer()[mark].style().fg,
                a.theme().bad.fg,
                "wrong is drawn in the 'bad' colour"
            );
        }
    }
    let mut a = start_quiz(Lang::En);
    let (right, _) = answers(&a);
    answer(&mut a, &right);
    let t = terminal(&mut a, 80, 24);
    let mark = find(t.backend().buffer(), "✓").expect("a verdict mark");
    assert_eq!(t.backend().buffer()[mark].style().fg, a.theme().good.fg);
}

#[test]
fn show_me_opens_the_questions_own_case() {
    let mut a = start_quiz(Lang::En);
    let (_, wrong) = answers(&a);
    let link = a
        .quiz()
        .session
        .as_ref()
        .unwrap()
        .current()
        .unwrap()
        .panel
        .clone()
        .unwrap();
    answer(&mut a, &wrong);
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(a.screen(), Screen::for_panel(link.panel), "{link:?}");
}

fn finish(a: &mut App) {
    // Wrong, then right, then no answer.
    let (_, wrong) = answers(a);
    answer(a, &wrong);
    press(a, KeyCode::Char(' '));
    let (right, _) = answers(a);
    answer(a, &right);
    press(a, KeyCode::Enter);
    press(a, KeyCode::Enter);
    press(a, KeyCode::Enter);
    assert_eq!(a.quiz().mode, Mode::Finished);
}

#[test]
fn final_score_review_and_progress_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = start_quiz(lang);
            finish(&mut a);
            assert_eq!(a.quiz().session.as_ref().unwrap().score(), 1);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("finished_{lang}_{w}x{h}"), t.backend());
            press(&mut a, KeyCode::Char('p'));
            assert_eq!(a.quiz().mode, Mode::Progress);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("progress_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn q_and_question_mark_type_into_an_empty_answer() {
    let mut a = start_quiz(Lang::En);
    press(&mut a, KeyCode::Char('q'));
    assert!(!a.quitting(), "q in an empty answer is a letter, not quit");
    press(&mut a, KeyCode::Char('?'));
    assert!(!a.help_open(), "? in an answer is a character, not help");
    assert_eq!(a.quiz().input.as_str(), "q?");
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Backspace);
    assert_eq!(a.quiz().input.as_str(), "");
    // Help and quit keep keys that are not letters while typing.
    press(&mut a, KeyCode::F(1));
    assert!(a.help_open(), "F1 opens help while typing");
    press(&mut a, KeyCode::Esc);
    assert!(!a.help_open());
    assert_eq!(a.screen(), Screen::Quiz);
    let hints = render(&mut a, 80, 24);
    let bar = hints.lines().last().unwrap();
    assert!(
        bar.contains("Ctrl-C quit") && bar.contains("F1 help"),
        "{bar}"
    );
    press_with(&mut a, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(a.quitting());
}

#[test]
fn a_pasted_answer_arrives_whole_and_is_cut_at_the_field_length() {
    let mut a = start_quiz(Lang::En);
    paste(&mut a, "192.168.1.0\n");
    assert_eq!(a.quiz().input.as_str(), "192.168.1.0");
    let long = "x".repeat(10_000);
    let started = std::time::Instant::now();
    paste(&mut a, &long);
    render(&mut a, 80, 24);
    // Not a timing assertion on a shared machine: a generous bound that a
    // per-character re-render or an O(n²) field would still blow through.
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(
        a.quiz().input.as_str().chars().count(),
        64,
        "the answer field's maximum"
    );
    assert!(
        a.status().is_some_and(|s| s.contains("256")),
        "{:?}",
        a.status()
    );
}

#[test]
fn a_time_limit_ticks_and_ends_the_quiz() {
    let mut a = shipped_app(Lang::En);
    common::tui::open_panel(&mut a, PanelId::Quiz, "topic=osi count=3 seed=21 time=1");
    assert!(a.wants_ticks(), "a running timed quiz asks for ticks");
    let t = terminal(&mut a, 80, 24);
    assert!(find(t.backend().buffer(), "1 s left").is_some());
    a.advance_clock(std::time::Duration::from_millis(1100));
    a.tick();
    assert_eq!(a.quiz().mode, Mode::Finished);
    assert_eq!(a.status(), Some("Time is up."));
    assert!(!a.wants_ticks(), "idle again once it is over");
    let s = a.quiz().session.as_ref().unwrap();
    assert_eq!((s.score(), s.records.len()), (0, 3));
}

#[test]
fn a_timed_quiz_times_out_while_presenting() {
    let mut a = shipped_app(Lang::En);
    a.update(Msg::TogglePresent);
    common::tui::open_panel(&mut a, PanelId::Quiz, "topic=osi count=3 seed=21 time=2");
    assert!(a.present());
    assert!(a.wants_ticks(), "the countdown runs while presenting");
    a.advance_clock(std::time::Duration::from_secs(1));
    a.tick();
    assert_eq!(a.quiz().mode, Mode::Asking, "one second of two");
    a.advance_clock(std::time::Duration::from_secs(1));
    a.tick();
    assert_eq!(a.quiz().mode, Mode::Finished);
}

/// Types `text` into the answer and presses Enter.
fn answer(app: &mut App, text: &str) {
    type_str(app, text);
    press(app, KeyCode::Enter);
}
