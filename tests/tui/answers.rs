//! A practice step's answer stays hidden behind `a` until the student asks,
//! in both languages; another step hides it again.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::ui::Options;
use nettutor::ui::app::App;
use ratatui::crossterm::event::KeyCode;

/// The shipped "subnet-range" lesson, opened at its last step (Practice).
fn at_practice(lang: Lang) -> App {
    let opts = Options {
        lang,
        lesson_ids: vec!["subnet-range".into()],
        ..Options::default()
    };
    let mut app = app_with(&opts, shipped_lessons(), None).0;
    press(&mut app, KeyCode::End);
    app
}

#[test]
fn the_answer_is_hidden_until_a_and_hidden_again_on_another_step() {
    for (lang, title, hint, heading) in [
        (Lang::En, "Practice", "a for the answer", "Answer"),
        (Lang::Zh, "练一练", "按 a 看答案", "答案"),
    ] {
        let mut app = at_practice(lang);
        let screen = render(&mut app, 120, 60);
        assert!(screen.contains(title), "{screen}");
        assert!(screen.contains(hint), "{lang}: the hint\n{screen}");
        // The broadcast of problem 1 (172.16.5.10/28) is only in the answer.
        assert!(!screen.contains("172.16.5.15"), "hidden\n{screen}");

        press(&mut app, KeyCode::Char('a'));
        let screen = render(&mut app, 120, 60);
        assert!(screen.contains(heading), "{screen}");
        assert!(screen.contains("172.16.5.15"), "{lang}: shown\n{screen}");
        assert!(!screen.contains(hint), "the hint goes when it is shown");

        press(&mut app, KeyCode::Char('a'));
        assert!(
            !render(&mut app, 120, 60).contains("172.16.5.15"),
            "a again hides it"
        );

        press(&mut app, KeyCode::Char('a'));
        press(&mut app, KeyCode::Left);
        press(&mut app, KeyCode::Right);
        let screen = render(&mut app, 120, 60);
        assert!(
            !screen.contains("172.16.5.15"),
            "hidden on coming back\n{screen}"
        );
    }
}

#[test]
fn a_step_without_an_answer_says_so_and_shows_nothing() {
    let mut app = at_practice(Lang::En);
    press(&mut app, KeyCode::Left);
    let before = render(&mut app, 160, 60);
    assert!(!before.contains("a for the answer"), "{before}");
    assert!(
        !before.contains("a show / hide the answer"),
        "not offered: {before}"
    );
    press(&mut app, KeyCode::Right);
    let practice = render(&mut app, 160, 60);
    assert!(
        practice.contains("a show / hide the answer"),
        "offered: {practice}"
    );
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Char('a'));
    let after = render(&mut app, 120, 60);
    assert!(after.contains("no answer to show"), "{after}");
}
