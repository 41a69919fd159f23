//! Progress a student can see on Home: lessons done (kept in the store),
//! "continue" with the next lesson once one is finished, the completion
//! moment, per-topic mastery and what is due today. Snapshots in both
//! languages at 80x24 and 120x40.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::lesson::LessonSet;
use nettutor::quiz::mastery::Mastery;
use nettutor::store::Store;
use nettutor::ui::Options;
use nettutor::ui::app::{App, HomeEntry, Msg, Screen};
use ratatui::crossterm::event::KeyCode;

fn opts(lang: Lang) -> Options {
    Options {
        lang,
        theme: Some(nettutor::ui::theme::ThemeName::Dark),
        ..Options::default()
    }
}

fn app_on(lang: Lang, set: LessonSet, store: &Store) -> App {
    app_with(&opts(lang), set, Some(store.clone())).0
}

/// Reads lesson `lesson` from its first step to its last.
fn read_to_the_end(a: &mut App, lesson: usize, steps: usize) {
    a.update(Msg::OpenLesson { lesson, step: 0 });
    for _ in 1..steps {
        press(a, KeyCode::Char(' '));
    }
}

#[test]
fn the_last_step_marks_the_lesson_done_says_so_and_home_continues_with_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let set = shipped_lessons();
    let (first_id, steps) = (set.lessons[0].id.clone(), set.lessons[0].steps.len());
    let total = set.lessons.len();
    let mut a = app_on(Lang::En, set, &store);
    read_to_the_end(&mut a, 0, steps - 1);
    assert!(
        store.load().0.lessons_done().is_empty(),
        "not done before the last step"
    );
    press(&mut a, KeyCode::Char(' '));
    assert_eq!(a.reader().position(), Some((0, steps - 1)));
    let status = a.status().unwrap_or_default().to_string();
    assert!(status.starts_with("✓ Lesson complete"), "{status}");
    assert!(
        status.contains(&format!("1 of {total} lessons done")),
        "{status}"
    );
    assert_eq!(store.load().0.lessons_done(), vec![first_id.clone()]);
    // Seeing the last step again is not a second completion.
    press(&mut a, KeyCode::Left);
    press(&mut a, KeyCode::Right);
    assert!(
        a.status().is_none_or(|s| !s.contains("complete")),
        "{:?}",
        a.status()
    );
    assert_eq!(store.load().0.lessons_done(), vec![first_id]);
    // A fresh start: Home counts it and continues with lesson 2, step 1.
    let mut b = app_on(Lang::En, shipped_lessons(), &store);
    assert_eq!(
        b.home().entries()[0],
        HomeEntry::Continue { lesson: 1, step: 0 }
    );
    let screen = render(&mut b, 120, 40);
    assert!(
        screen.contains(&format!("Lessons done: 1 of {total}")),
        "{screen}"
    );
}

#[test]
fn the_last_lesson_of_a_playlist_says_the_session_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let set = shipped_lessons();
    let ids: Vec<String> = set.lessons[..2].iter().map(|l| l.id.clone()).collect();
    let steps: usize = set.lessons[..2].iter().map(|l| l.steps.len()).sum();
    let options = Options {
        lesson_ids: ids.clone(),
        ..opts(Lang::Zh)
    };
    let (mut a, _rx) = app_with(&options, set, Some(store.clone()));
    for _ in 1..steps {
        press(&mut a, KeyCode::Char(' '));
    }
    let status = a.status().unwrap_or_default().to_string();
    assert!(status.contains("本次的 2 课全部学完了"), "{status}");
    assert_eq!(store.load().0.lessons_done(), ids);
}

/// A store with two lessons done, some quiz answers (one due today) and a
/// missed drill problem.
fn store_with_progress() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let set = shipped_lessons();
    store
        .update(|p| {
            p.mark_lesson_done(&set.lessons[0].id);
            p.mark_lesson_done(&set.lessons[1].id);
        })
        .unwrap();
    let mut m = Mastery::load(&store);
    let long_ago = chrono::Utc::now() - chrono::Duration::days(30);
    let mut by_topic = std::collections::BTreeMap::new();
    for q in &set.questions {
        by_topic
            .entry(q.topic)
            .or_insert_with(Vec::new)
            .push(q.clone());
    }
    for (i, questions) in by_topic.values().take(3).enumerate() {
        for (j, q) in questions.iter().take(3).enumerate() {
            // Topic 0 all right, topic 1 mixed, topic 2 all wrong (due).
            let right = i == 0 || (i == 1 && j == 0);
            let when = if right { chrono::Utc::now() } else { long_ago };
            m.record_at(q, right, when);
        }
    }
    m.save(&store).unwrap();
    nettutor::quiz::drill::pool::DrillProgress::record_in(
        &store,
        &nettutor::quiz::drill::Spec::Range {
            input: "10.1.2.3/20".into(),
        },
        false,
        0,
    )
    .unwrap();
    (dir, store)
}

#[test]
fn home_shows_lessons_done_what_is_due_and_mastery_per_topic() {
    for lang in Lang::ALL {
        for (w, h) in [(80, 24), (120, 40)] {
            let (_dir, store) = store_with_progress();
            let mut a = app_on(lang, shipped_lessons(), &store);
            let due = Mastery::load(&store).due_today(chrono::Utc::now());
            assert!(due >= 2, "{due}");
            let t = terminal(&mut a, w, h);
            let screen = text(t.backend().buffer());
            let total = shipped_lessons().lessons.len();
            match lang {
                Lang::En => {
                    assert!(
                        screen.contains(&format!("Lessons done: 2 of {total}")),
                        "{screen}"
                    );
                    assert!(screen.contains(&format!("due today: {due}")), "{screen}");
                    assert!(screen.contains("drill problems to redo: 1"), "{screen}");
                }
                Lang::Zh => {
                    assert!(
                        screen.contains(&format!("已学完课程：2/{total}")),
                        "{screen}"
                    );
                    assert!(
                        screen.contains(&format!("今天待复习：{due} 题")),
                        "{screen}"
                    );
                }
            }
            // FSRS: one right answer today gives a memory that lasts about
            // 3 days (log scale, full at 90 days: 31%), fully retrievable now;
            // answers missed a month ago have all but faded (2%).
            assert!(screen.contains("31%"), "the topic answered right: {screen}");
            assert!(screen.contains(" 2%"), "the topic answered wrong: {screen}");
            insta::assert_snapshot!(format!("home_progress_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn home_catches_up_with_a_quiz_answered_in_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let mut a = app_on(Lang::En, shipped_lessons(), &store);
    let before = render(&mut a, 120, 40);
    assert!(before.contains("after your first quiz"), "{before}");
    common::tui::open_panel(
        &mut a,
        nettutor::lesson::PanelId::Quiz,
        "topic=osi count=1 seed=21",
    );
    type_str(&mut a, "zzz");
    press(&mut a, KeyCode::Enter);
    a.update(Msg::Open(Screen::Home));
    let after = render(&mut a, 120, 40);
    assert!(after.contains("osi"), "{after}");
    assert!(!after.contains("after your first quiz"), "{after}");
}
