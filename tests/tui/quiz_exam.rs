//! The Quiz panel in exam mode (`nettutor quiz --exam`): no verdict, key or
//! explanation until the end, a malformed answer asked again without penalty,
//! the hint bar offering no key the exam turns off, and every answer in the
//! grade book as it is given.

use crate::common;

use common::tui::*;
use nettutor::class::gradebook::GradeBook;
use nettutor::i18n::Lang;
use nettutor::lesson::PanelArg;
use nettutor::lesson::panel::QuizArg;
use nettutor::quiz::answer::correct_answer;
use nettutor::quiz::{QuestionKind, Topic};
use nettutor::ui::app::{App, Msg, Screen};
use nettutor::ui::quiz::Mode;
use ratatui::crossterm::event::KeyCode;

/// An exam of three osi questions (seed 21: the first is not a text one),
/// recorded in `db`.
fn start_exam(lang: Lang, db: &std::path::Path) -> App {
    let mut a = shipped_app(lang);
    a.update(Msg::OpenArg(PanelArg::Quiz(QuizArg {
        topics: vec![Topic::Osi],
        count: Some(3),
        seed: Some(21),
        exam: true,
        student: Some("ada".into()),
        db: Some(db.to_path_buf()),
        ..QuizArg::default()
    })));
    assert_eq!(a.screen(), Screen::Quiz);
    assert_eq!(a.quiz().mode, Mode::Asking);
    assert!(a.quiz().in_exam());
    a
}

fn current_kind(a: &App) -> QuestionKind {
    let s = a.quiz().session.as_ref().unwrap();
    s.current().unwrap().kind.clone()
}

/// A well-formed wrong answer to `kind`.
fn wrong_for(kind: &QuestionKind) -> String {
    let right = correct_answer(kind);
    match kind {
        QuestionKind::TrueFalse { correct } => (!correct).to_string(),
        QuestionKind::Order { shown, .. } => {
            // The right order reversed is a different, readable order.
            let mut letters: Vec<&str> = right.split(' ').collect();
            letters.reverse();
            if shown.len() < 2 {
                right
            } else {
                letters.join(" ")
            }
        }
        _ if right == "a" => "b".into(),
        _ => "a".into(),
    }
}

fn answer(a: &mut App, text: &str) {
    type_str(a, text);
    press(a, KeyCode::Enter);
}

/// The last row of the screen: the hint bar.
fn hint_bar(a: &mut App) -> String {
    render(a, 80, 24)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn an_exam_shows_nothing_until_the_end_and_records_every_answer() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("book.sqlite3");
    let mut a = start_exam(Lang::En, &db);
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("exam: 0 answered"), "{screen}");
    assert!(!screen.contains("score"), "{screen}");

    // Malformed: asked again, nothing recorded, the field kept to mend.
    let kind = current_kind(&a);
    assert!(
        !matches!(
            &kind,
            QuestionKind::FillIn {
                expected: nettutor::quiz::Expected::Text(_)
            }
        ),
        "\"zz\" is readable text: {kind:?}"
    );
    answer(&mut a, "zz");
    assert_eq!(a.quiz().session.as_ref().unwrap().records.len(), 0);
    assert_eq!(a.quiz().input.as_str(), "zz");
    let status = a.status().unwrap_or_default().to_string();
    assert!(
        status.contains("please answer again (no penalty)"),
        "{status}"
    );
    for _ in 0..2 {
        press(&mut a, KeyCode::Backspace);
    }

    // Wrong, right, no answer: each goes straight to the next question.
    let first = current_kind(&a);
    let explained: String = {
        let s = a.quiz().session.as_ref().unwrap();
        s.current()
            .unwrap()
            .explanation
            .en
            .chars()
            .take(24)
            .collect()
    };
    answer(&mut a, &wrong_for(&first));
    assert_eq!(a.quiz().mode, Mode::Asking, "no feedback in an exam");
    assert_eq!(a.status(), Some("Answer recorded."));
    let screen = render(&mut a, 80, 24);
    for revealing in ["Wrong", "Correct", "the answer is", explained.as_str()] {
        assert!(!screen.contains(revealing), "{revealing}: {screen}");
    }
    let second = current_kind(&a);
    answer(&mut a, &correct_answer(&second));
    answer(&mut a, "");
    assert_eq!(a.quiz().mode, Mode::Finished);

    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("Score: 1/3"), "{screen}");
    assert!(
        screen.contains("Right: 2. Wrong or not answered: 1, 3."),
        "{screen}"
    );
    assert!(
        !screen.contains("the answer is"),
        "the key, never: {screen}"
    );

    // The grade book has the exam, who took it and each answer as given.
    let book = GradeBook::open(&db).unwrap();
    let sessions = book.sessions().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].kind, "exam");
    assert_eq!(sessions[0].seed, "21");
    assert!(sessions[0].ended.is_some());
    let rows: Vec<(String, i64, String, bool)> = book
        .connection()
        .prepare("SELECT student, position, answer, correct FROM answers ORDER BY position")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![
            ("ada".into(), 0, wrong_for(&first), false),
            ("ada".into(), 1, correct_answer(&second), true),
            ("ada".into(), 2, String::new(), false),
        ]
    );
}

#[test]
fn the_exam_offers_no_key_it_turns_off() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("book.sqlite3");
    let mut a = start_exam(Lang::En, &db);
    for _ in 0..3 {
        answer(&mut a, "");
    }
    assert_eq!(a.quiz().mode, Mode::Finished);
    let bar = hint_bar(&mut a);
    assert!(
        bar.contains("n new exam") && bar.contains("m topics"),
        "{bar}"
    );
    for off in ["show me", "progress", "drill", "due"] {
        assert!(!bar.contains(off), "{off} is off in an exam: {bar}");
    }
    // And the keys really are off: s (show me) and Enter open nothing, p
    // shows no mastery.
    for key in [KeyCode::Char('s'), KeyCode::Enter, KeyCode::Char('p')] {
        press(&mut a, key);
        assert_eq!(a.screen(), Screen::Quiz, "{key:?}");
        assert_eq!(a.quiz().mode, Mode::Finished, "{key:?}");
    }
    assert_eq!(a.status(), Some("Not during an exam."));
    // An ordinary quiz still offers them.
    let mut plain = shipped_app(Lang::En);
    common::tui::open_panel(
        &mut plain,
        nettutor::lesson::PanelId::Quiz,
        "topic=osi count=1 seed=21",
    );
    answer(&mut plain, "");
    press(&mut plain, KeyCode::Enter);
    assert_eq!(plain.quiz().mode, Mode::Finished);
    let bar = hint_bar(&mut plain);
    assert!(bar.contains("show me"), "{bar}");
}

#[test]
fn exam_snapshots() {
    for lang in Lang::ALL {
        let home = tempfile::tempdir().unwrap();
        let mut a = start_exam(lang, &home.path().join("book.sqlite3"));
        let first = current_kind(&a);
        answer(&mut a, &wrong_for(&first));
        let t = terminal(&mut a, 80, 24);
        insta::assert_snapshot!(format!("exam_asking_{lang}_80x24"), t.backend());
        answer(&mut a, "");
        answer(&mut a, "");
        let t = terminal(&mut a, 80, 24);
        insta::assert_snapshot!(format!("exam_finished_{lang}_80x24"), t.backend());
    }
}
