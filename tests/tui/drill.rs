//! Subnet drills in the Quiz panel (chooser, fields typed one by one, each
//! marked with the mistake behind it, streak, the pool of missed problems)
//! and spaced repetition by days ("due today" in the Quiz panel, `r`).
//! Snapshots in both languages at 80x24 and 120x40.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::quiz::drill::pool::{DrillProgress, PoolEntry};
use nettutor::quiz::drill::{Mark, Mistake, Spec};
use nettutor::quiz::mastery::Mastery;
use nettutor::store::Store;
use nettutor::ui::Options;
use nettutor::ui::app::{App, Msg, Screen};
use nettutor::ui::quiz::Mode;
use nettutor::ui::quiz::drill::Stage;
use ratatui::crossterm::event::KeyCode;

const DRILL_SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Five range problems, missed before: with them in the pool, a `range` set
/// is exactly these, in this order.
const MISSED: [&str; 5] = [
    "192.168.37.77/27",
    "10.20.30.40 255.255.252.0",
    "172.16.5.130/25",
    "192.168.1.10/31",
    "2001:db8:0:1::5/64",
];

fn home_with_pool() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let pool = DrillProgress {
        missed: MISSED
            .iter()
            .map(|s| PoolEntry {
                spec: Spec::Range {
                    input: s.to_string(),
                },
                right: 0,
            })
            .collect(),
        best_streak: 0,
    };
    pool.save(&store).unwrap();
    (dir, store)
}

fn app_on(lang: Lang, store: &Store) -> App {
    let opts = Options {
        lang,
        theme: Some(nettutor::ui::theme::ThemeName::Dark),
        ..Options::default()
    };
    app_with(&opts, shipped_lessons(), Some(store.clone())).0
}

/// The drill chooser open on `range` (row 1: row 0 is every kind).
fn on_range_chooser(a: &mut App) {
    a.update(Msg::Open(Screen::Quiz));
    press(a, KeyCode::Char('d'));
    assert_eq!(a.quiz().mode, Mode::Drill);
    assert_eq!(a.quiz().drill.stage, Stage::Choose);
    press(a, KeyCode::Down);
}

/// A `range` set started on the pool of [`MISSED`].
fn range_set(lang: Lang) -> (tempfile::TempDir, Store, App) {
    let (dir, store) = home_with_pool();
    let mut a = app_on(lang, &store);
    on_range_chooser(&mut a);
    press(&mut a, KeyCode::Enter);
    (dir, store, a)
}

fn right_answers(a: &App, lang: Lang) -> Vec<String> {
    a.quiz().drill.current().unwrap().answers(lang)
}

/// Types one answer per field, Enter after each.
fn answer_fields(a: &mut App, answers: &[String]) {
    for answer in answers {
        type_str(a, answer);
        press(a, KeyCode::Enter);
    }
}

#[test]
fn the_chooser_lists_every_kind_and_says_how_many_missed_problems_wait() {
    for lang in Lang::ALL {
        for (w, h) in DRILL_SIZES {
            let (_dir, store) = home_with_pool();
            let mut a = app_on(lang, &store);
            on_range_chooser(&mut a);
            let t = terminal(&mut a, w, h);
            let screen = text(t.backend().buffer());
            for kind in [
                "range", "hosts", "subnets", "mask", "split", "vlsm", "route", "same",
            ] {
                assert!(screen.contains(kind), "{kind} missing:\n{screen}");
            }
            assert!(screen.contains('5'), "the pool of 5:\n{screen}");
            insta::assert_snapshot!(format!("drill_choose_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn fields_take_every_printable_key_and_move_with_enter_tab_and_arrows() {
    let (_dir, store) = home_with_pool();
    let mut a = app_on(Lang::En, &store);
    on_range_chooser(&mut a);
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.quiz().drill.stage, Stage::Answering);
    let problem = a.quiz().drill.current().unwrap().clone();
    assert_eq!(
        problem.spec,
        Spec::Range {
            input: MISSED[0].into()
        }
    );
    // q, ?, d, n, m are keys elsewhere; here they are text.
    type_str(&mut a, "q?dnm");
    assert_eq!(a.quiz().drill.answers[0].as_str(), "q?dnm");
    assert_eq!(a.screen(), Screen::Quiz);
    // Esc clears a field that has text, and does not leave.
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.quiz().drill.answers[0].as_str(), "");
    assert_eq!(a.quiz().drill.stage, Stage::Answering);
    type_str(&mut a, "192.168.37.64");
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.quiz().drill.field, 1);
    press(&mut a, KeyCode::Up);
    assert_eq!(a.quiz().drill.field, 0);
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.quiz().drill.field, 1, "Enter moves to the next field");
    assert_eq!(a.quiz().drill.stage, Stage::Answering);
}

#[test]
fn right_answers_score_every_field_and_the_problem_leaves_the_pool_after_three() {
    let (_dir, store) = home_with_pool();
    let mut a = app_on(Lang::En, &store);
    on_range_chooser(&mut a);
    press(&mut a, KeyCode::Enter);
    for i in 0..MISSED.len() {
        let answers = right_answers(&a, Lang::En);
        answer_fields(&mut a, &answers);
        assert_eq!(a.quiz().drill.stage, Stage::Marked);
        let (_, marks) = a.quiz().drill.marked().unwrap();
        assert!(marks.iter().all(Mark::is_correct), "{marks:?}");
        assert_eq!(a.quiz().drill.drill.as_ref().unwrap().streak, i as u32 + 1);
        press(&mut a, KeyCode::Enter);
    }
    assert_eq!(a.quiz().drill.stage, Stage::Done);
    let d = a.quiz().drill.drill.as_ref().unwrap();
    let (right, fields) = d.score();
    assert_eq!(right, fields);
    // Written to the store as each problem was marked: right once each.
    let saved = DrillProgress::load(&store);
    assert_eq!(saved.missed.len(), 5);
    assert!(saved.missed.iter().all(|e| e.right == 1), "{saved:?}");
    assert_eq!(saved.best_streak, 5);
    let screen = render(&mut a, 100, 30);
    assert!(screen.contains("Every field right"), "{screen}");
}

#[test]
fn one_wrong_field_is_marked_alone_with_the_mistake_it_matches() {
    for lang in Lang::ALL {
        for (w, h) in DRILL_SIZES {
            let (_dir, store, mut a) = range_set(lang);
            let mut answers = right_answers(&a, lang);
            // The network of 192.168.37.77/27 answered with the host's own address.
            answers[0] = "192.168.37.77".into();
            answer_fields(&mut a, &answers);
            let (problem, marks) = a.quiz().drill.marked().unwrap();
            assert_eq!(marks[0].mistake(), Some(Mistake::OwnAddress), "{marks:?}");
            assert!(marks[1..].iter().all(Mark::is_correct), "{marks:?}");
            let hint = marks[0].hint(&problem.fields[0], lang).unwrap();
            let t = terminal(&mut a, w, h);
            let screen = text(t.backend().buffer()).replace('\n', " ");
            let first_words: String = hint.chars().take(12).collect();
            assert!(screen.contains(&first_words), "hint {hint}:\n{screen}");
            insta::assert_snapshot!(format!("drill_marked_{lang}_{w}x{h}"), t.backend());
            // The streak is 0; the problem stays in the pool with its count reset.
            assert_eq!(a.quiz().drill.drill.as_ref().unwrap().streak, 0);
            let saved = DrillProgress::load(&store);
            assert_eq!(saved.missed[0].right, 0);
        }
    }
}

#[test]
fn answering_snapshots_show_the_field_being_typed_and_its_form() {
    for lang in Lang::ALL {
        for (w, h) in DRILL_SIZES {
            let (_dir, _store, mut a) = range_set(lang);
            type_str(&mut a, "192.168.37.64");
            press(&mut a, KeyCode::Enter);
            type_str(&mut a, "192.168.37.9");
            let t = terminal(&mut a, w, h);
            let screen = text(t.backend().buffer());
            assert!(screen.contains("192.168.37.64"), "{screen}");
            assert!(screen.contains("192.168.37.9█"), "{screen}");
            insta::assert_snapshot!(format!("drill_answering_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn esc_on_an_empty_field_ends_the_set_and_unreached_fields_score_nothing() {
    for lang in Lang::ALL {
        let (_dir, _store, mut a) = range_set(lang);
        let answers = right_answers(&a, lang);
        answer_fields(&mut a, &answers);
        press(&mut a, KeyCode::Enter);
        press(&mut a, KeyCode::Esc);
        assert_eq!(a.quiz().drill.stage, Stage::Done);
        let (right, fields) = a.quiz().drill.drill.as_ref().unwrap().score();
        assert_eq!(right, answers.len());
        assert!(fields > right);
        let t = terminal(&mut a, 80, 24);
        insta::assert_snapshot!(format!("drill_done_{lang}_80x24"), t.backend());
        // Esc again: the chooser; once more: the quiz menu.
        press(&mut a, KeyCode::Esc);
        assert_eq!(a.quiz().drill.stage, Stage::Choose);
        press(&mut a, KeyCode::Esc);
        assert_eq!(a.quiz().mode, Mode::Menu);
    }
}

/// A store whose one question card was answered wrong `days_ago` days ago.
fn store_with_a_miss(days_ago: i64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let set = shipped_lessons();
    let question = set.questions.first().unwrap().clone();
    let mut m = Mastery::load(&store);
    let when = chrono::Utc::now() - chrono::Duration::days(days_ago);
    m.record_at(&question, false, when);
    m.save(&store).unwrap();
    (dir, store)
}

#[test]
fn the_quiz_menu_counts_what_is_due_today_and_r_asks_only_that() {
    let (_dir, store) = store_with_a_miss(2);
    let mut a = app_on(Lang::En, &store);
    a.update(Msg::Open(Screen::Quiz));
    let screen = render(&mut a, 100, 30);
    assert!(
        screen.contains("Due today (spaced repetition): 1"),
        "{screen}"
    );
    press(&mut a, KeyCode::Char('r'));
    assert_eq!(a.quiz().mode, Mode::Asking);
    let session = a.quiz().session.as_ref().unwrap();
    assert_eq!(session.questions.len(), 1);
    let due_id = &shipped_lessons().questions[0].id;
    assert_eq!(&session.questions[0].id, due_id);
}

#[test]
fn nothing_due_is_said_with_the_next_review_day() {
    // Missed just now: due tomorrow, not today.
    let (_dir, store) = store_with_a_miss(0);
    let mut a = app_on(Lang::Zh, &store);
    a.update(Msg::Open(Screen::Quiz));
    press(&mut a, KeyCode::Char('r'));
    assert_eq!(a.quiz().mode, Mode::Menu);
    let status = a.status().unwrap_or_default().to_string();
    assert!(status.contains("今天没有要复习的题"), "{status}");
    assert!(status.contains("1 天"), "{status}");
}

/// A lesson's `drill=KIND seed=N` link starts a set of that kind at once, the
/// same set for the same seed; `drill=all` draws from every kind.
#[test]
fn a_lesson_link_starts_a_drill_set_of_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let first_problem = |arg: &str| {
        let mut a = app_on(Lang::En, &store);
        open_panel(&mut a, nettutor::lesson::PanelId::Quiz, arg);
        assert_eq!(a.screen(), Screen::Quiz);
        assert_eq!(a.quiz().mode, Mode::Drill, "{arg}");
        assert_eq!(a.quiz().drill.stage, Stage::Answering, "{arg}");
        let d = a.quiz().drill.drill.as_ref().unwrap();
        let kinds: Vec<_> = d.problems.iter().map(|p| p.spec.kind()).collect();
        (d.problems[0].spec.clone(), kinds)
    };
    let (a, kinds) = first_problem("drill=mask seed=7");
    assert!(kinds.iter().all(|k| k.name() == "mask"), "{kinds:?}");
    assert_eq!(
        first_problem("drill=mask seed=7").0,
        a,
        "same seed, same set"
    );
    let (_, kinds) = first_problem("drill=all seed=3");
    assert!(
        kinds.iter().any(|k| k.name() != kinds[0].name()),
        "{kinds:?}"
    );
    // The shipped lesson on the AND links its practice to the range drill.
    let set = shipped_lessons();
    let and = set.lessons.iter().find(|l| l.id == "subnet-and").unwrap();
    let link = and.steps.last().unwrap().panel.as_ref().unwrap();
    assert_eq!(link.arg, "drill=range");
}

#[test]
fn drill_links_that_make_no_sense_are_refused_with_the_reason() {
    use nettutor::lesson::{PanelArg, PanelId};
    let err = PanelArg::parse(PanelId::Quiz, "drill=subnet", false).unwrap_err();
    assert!(
        err.contains("drill='subnet' is not a drill") && err.contains("range"),
        "{err}"
    );
    let err = PanelArg::parse(PanelId::Quiz, "drill=range topic=osi", false).unwrap_err();
    assert!(err.contains("topic="), "{err}");
}

/// A timed set (`drill=… time=… count=…`, or `t` and `+`/`-` in the
/// chooser): the header counts down once a second, and when the time runs
/// out the fields typed so far are marked and the rest score nothing.
#[test]
fn a_timed_set_counts_down_and_ends_when_its_time_runs_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let mut a = app_on(Lang::En, &store);
    open_panel(
        &mut a,
        nettutor::lesson::PanelId::Quiz,
        "drill=range seed=5 count=3 time=90",
    );
    assert_eq!(a.quiz().drill.drill.as_ref().unwrap().problems.len(), 3);
    assert!(render(&mut a, 120, 40).contains("Problem 1 of 3 · range · streak 0 · 1:30 left"));
    assert!(a.wants_ticks(), "a timed set ticks");
    // One problem answered right, then the clock runs out inside the second.
    for answer in right_answers(&a, Lang::En) {
        type_str(&mut a, &answer);
        press(&mut a, KeyCode::Enter);
    }
    press(&mut a, KeyCode::Enter);
    a.advance_clock(std::time::Duration::from_secs(31));
    assert!(a.tick(), "the seconds shown changed");
    assert!(!a.tick(), "same second: nothing to redraw");
    assert!(render(&mut a, 120, 40).contains("0:59 left"));
    let first_field = right_answers(&a, Lang::En)[0].clone();
    type_str(&mut a, &first_field);
    a.advance_clock(std::time::Duration::from_secs(60));
    assert!(a.tick());
    assert_eq!(a.quiz().drill.stage, Stage::Done);
    assert!(!a.wants_ticks(), "no ticks once the set is over");
    let screen = render(&mut a, 120, 40);
    assert!(
        screen.contains("Time ran out after 2 of 3 problems"),
        "{screen}"
    );
    let (right, _) = a.quiz().drill.drill.as_ref().unwrap().score();
    let first = a.quiz().drill.drill.as_ref().unwrap().problems[0]
        .fields
        .len();
    assert_eq!(right, first + 1, "problem 1 whole, one field of problem 2");

    // In the chooser: t cycles the limit, + and - the size.
    let mut a = app_on(Lang::Zh, &store);
    a.update(Msg::Open(Screen::Quiz));
    press(&mut a, KeyCode::Char('d'));
    assert!(render(&mut a, 120, 40).contains("不限时"));
    press_all(
        &mut a,
        &[KeyCode::Char('t'), KeyCode::Char('t'), KeyCode::Char('+')],
    );
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("限时：整组 2:00"), "{screen}");
    assert!(screen.contains("开始一组 6 题"), "{screen}");
}
