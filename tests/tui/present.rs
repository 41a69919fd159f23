//! Presentation mode, the glossary and search, on TestBackend.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::ui::Options;
use nettutor::ui::app::{App, Msg, Screen};
use ratatui::crossterm::event::KeyCode;

fn presenting(lang: Lang) -> App {
    let opts = Options {
        lang,
        present: true,
        lesson_ids: vec!["demo".into()],
        ..Options::default()
    };
    app_with(&opts, demo_lessons(), None).0
}

#[test]
fn presentation_snapshots() {
    for lang in Lang::ALL {
        // The laptop, and the sizes a zoomed terminal gives on a projector.
        for (w, h) in [
            (80, 24),
            (100, 30),
            (120, 36),
            (160, 45),
            (160, 48),
            (200, 60),
        ] {
            let mut a = presenting(lang);
            assert_eq!(a.screen(), Screen::Lessons, "--lesson opens the lesson");
            assert_eq!(a.theme().name, "high-contrast");
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("present_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn presenter_keys_advance_blank_and_show_notes() {
    let mut a = presenting(Lang::En);
    assert!(!a.wants_ticks(), "no autoplay while presenting");
    // The first step links to the subnet panel: the clicker opens it, steps
    // through its sweep, and comes back to the next step.
    let mut panels = Vec::new();
    for _ in 0..100 {
        terminal(&mut a, 80, 24);
        press(&mut a, KeyCode::PageDown);
        panels.push(a.screen());
        if a.reader().position() == Some((0, 1)) && a.screen() == Screen::Lessons {
            break;
        }
    }
    assert!(panels.contains(&Screen::Subnet), "{panels:?}");
    assert_eq!(a.reader().position(), Some((0, 1)));
    for _ in 0..100 {
        terminal(&mut a, 80, 24);
        press(&mut a, KeyCode::PageUp);
        if a.reader().position() == Some((0, 0)) && a.screen() == Screen::Lessons {
            break;
        }
    }
    assert_eq!(a.screen(), Screen::Lessons);
    assert_eq!(a.reader().position(), Some((0, 0)));
    // Back at the top of the first step (PageUp pages up to it).
    for _ in 0..10 {
        terminal(&mut a, 80, 24);
        press(&mut a, KeyCode::PageUp);
    }
    let t = terminal(&mut a, 80, 24);
    assert!(
        text(t.backend().buffer()).contains("step 1/2"),
        "footer shows the step"
    );
    // The first n asks (the notes would be projected), the second shows them.
    press(&mut a, KeyCode::Char('n'));
    let t = terminal(&mut a, 160, 48);
    let shown = text(t.backend().buffer());
    assert!(!shown.contains("Ask the class"), "{shown}");
    assert!(shown.contains("press n again"), "{shown}");
    press(&mut a, KeyCode::Char('n'));
    let t = terminal(&mut a, 160, 48);
    assert!(
        text(t.backend().buffer()).contains("Ask the class"),
        "speaker notes on the second n"
    );
    press(&mut a, KeyCode::Char('b'));
    assert!(a.blank());
    let t = terminal(&mut a, 80, 24);
    assert!(
        !text(t.backend().buffer()).contains("step 1/2"),
        "blank screen shows nothing"
    );
    press(&mut a, KeyCode::Char('x'));
    assert!(!a.blank(), "any key un-blanks");
    assert_eq!(a.reader().position(), Some((0, 0)), "and does nothing else");
    press(&mut a, KeyCode::Char('.'));
    assert!(a.blank());
    press(&mut a, KeyCode::Char('.'));
    press(&mut a, KeyCode::Char('z'));
    assert!(!a.zoom(), "z shows the bars again");
    let t = terminal(&mut a, 80, 24);
    assert!(
        text(t.backend().buffer()).contains("Lessons"),
        "tab bar back"
    );
    press(&mut a, KeyCode::Char('P'));
    assert!(!a.present());
    assert_eq!(
        a.theme().name,
        "dark",
        "leaving presentation restores the theme"
    );
}

#[test]
fn glossary_search_filters_english_and_chinese() {
    let mut a = shipped_app(Lang::En);
    press(&mut a, KeyCode::Char('/'));
    assert_eq!(a.screen(), Screen::Glossary);
    type_str(&mut a, "handshake");
    let results = a.glossary().results();
    assert!(results.iter().any(|t| t.zh == "三次握手"), "{results:?}");
    assert!(results.len() < a.lessons().glossary.terms.len());
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.glossary().filter, "handshake");
    let t = terminal(&mut a, 100, 30);
    assert!(text(t.backend().buffer()).contains("三次握手"));
    press(&mut a, KeyCode::Esc);
    assert!(
        a.glossary().filter.is_empty(),
        "Esc clears the filter first"
    );
    assert_eq!(a.screen(), Screen::Glossary);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "黏包");
    let results = a.glossary().results();
    assert!(
        results.iter().any(|t| t.en.contains("sticky")),
        "{results:?}"
    );
    for lang in Lang::ALL {
        if a.lang() != lang {
            a.update(Msg::ToggleLang);
        }
        let t = terminal(&mut a, 80, 24);
        insta::assert_snapshot!(format!("glossary_search_{lang}_80x24"), t.backend());
    }
}

#[test]
fn lesson_search_jumps_to_the_matching_step() {
    let mut a = app(Lang::En);
    press(&mut a, KeyCode::Char('1'));
    press(&mut a, KeyCode::Char('/'));
    assert!(a.reader().search.is_some());
    type_str(&mut a, "ones, then");
    let t = terminal(&mut a, 80, 24);
    assert!(
        text(t.backend().buffer()).contains("1 steps match")
            || text(t.backend().buffer()).contains("— 1 steps"),
        "{}",
        text(t.backend().buffer())
    );
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        a.reader().position(),
        Some((0, 1)),
        "jumped to the second step"
    );
    assert!(a.reader().search.is_none());
    // Chinese text is found from the English interface too.
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "网络地址");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.reader().position(), Some((0, 0)));
}

/// What a clicker press showed: the screen, the lesson step, the panel's
/// animation step (None on the lesson text), and whether the end-of-lecture
/// card covers it.
type Shown = (Screen, (usize, usize), Option<usize>, bool);

fn shown(a: &App) -> Shown {
    let panel = (a.screen() != Screen::Lessons).then(|| {
        a.panel(a.screen())
            .lecture_position()
            .map_or(0, |(at, _)| at)
    });
    (
        a.screen(),
        a.reader().position().unwrap_or((usize::MAX, 0)),
        panel,
        a.lecture_end(),
    )
}

/// Presses `key` until nothing changes; every state after each press (drawn at
/// `w`×`h`, so pages are the screen's), deduplicated where only the scroll
/// moved, and how many presses only scrolled. Going forward, a step's text is
/// left only once its end was on screen.
fn walk(a: &mut App, key: KeyCode, w: u16, h: u16) -> (Vec<Shown>, usize) {
    terminal(a, w, h);
    let mut seen = vec![shown(a)];
    let mut pages = 0;
    for _ in 0..20_000 {
        let (scroll, last, _) = a.reader().page_metrics();
        let before = shown(a);
        press(a, key);
        // Drawn as the loop draws after each key (the reader pages by what
        // the screen shows); panels do not page.
        if a.screen() == Screen::Lessons {
            terminal(a, w, h);
        }
        let now = shown(a);
        if now == before {
            if now.2.is_none() && a.reader().page_metrics().0 != scroll {
                pages += 1;
                continue;
            }
            return (seen, pages);
        }
        if key == KeyCode::PageDown && before.2.is_none() {
            assert_eq!(scroll, last, "{before:?} left before its end was shown");
        }
        seen.push(now);
    }
    panic!("the clicker never reached the end");
}

#[test]
fn a_clicker_walks_the_whole_shipped_playlist_and_back() {
    for lang in Lang::ALL {
        clicker_walk(lang);
    }
}

fn clicker_walk(lang: Lang) {
    let lessons = shipped_lessons();
    let ids: Vec<String> = lessons.lessons.iter().map(|l| l.id.clone()).collect();
    let opts = Options {
        lang,
        present: true,
        lesson_ids: ids,
        ..Options::default()
    };
    let (mut a, _rx) = app_with(&opts, lessons, None);
    let (with_card, pages) = walk(&mut a, KeyCode::PageDown, 100, 30);
    assert!(pages > 0, "long steps scroll before the lecture moves on");
    // The last press showed the end-of-lecture card over the last step; a
    // further press changed nothing.
    let (card, forward) = with_card.split_last().unwrap();
    assert!(card.3, "the end card: {card:?}");
    assert!(forward.iter().all(|s| !s.3));
    assert_eq!((card.0, card.1, card.2), {
        let l = forward.last().unwrap();
        (l.0, l.1, l.2)
    });
    let t = terminal(&mut a, 100, 30);
    let screen = text(t.backend().buffer());
    let covered = match lang {
        Lang::En => format!("covered {} lessons", a.lessons().lessons.len()),
        Lang::Zh => format!("共 {} 课", a.lessons().lessons.len()),
    };
    assert!(screen.contains(&covered), "{screen}");
    assert!(
        screen.contains(a.lessons().lessons[0].title.get(lang)),
        "{screen}"
    );
    // Every step of every lesson, in order, each followed by its panel's
    // animation from the lesson's starting step to its last, one by one.
    let set = a.lessons();
    let mut expected: Vec<(usize, usize)> = Vec::new();
    for (l, lesson) in set.lessons.iter().enumerate() {
        for s in 0..lesson.steps.len() {
            expected.push((l, s));
        }
    }
    let steps: Vec<(usize, usize)> = forward
        .iter()
        .filter(|s| s.2.is_none())
        .map(|s| s.1)
        .collect();
    assert_eq!(steps, expected, "every step once, in order");
    let mut panels = 0;
    for window in forward.windows(2) {
        let (before, after) = (&window[0], &window[1]);
        match (before.2, after.2) {
            // Inside a panel: one animation step at a time.
            (Some(x), Some(y)) => {
                assert_eq!(before.1, after.1, "{before:?} → {after:?}");
                assert_eq!(y, x + 1, "{before:?} → {after:?}: no step skipped");
            }
            // Into the step's own panel, from its text.
            (None, Some(_)) => {
                panels += 1;
                assert_eq!(before.1, after.1, "{before:?} → {after:?}");
                let step = &set.lessons[before.1.0].steps[before.1.1];
                assert!(step.panel.is_some(), "{before:?} has no panel");
            }
            // Out of a panel (or from a step without one) to the next step.
            (_, None) => assert_ne!(before.1, after.1, "{before:?} → {after:?}"),
        }
    }
    let with_panel = set
        .lessons
        .iter()
        .flat_map(|l| &l.steps)
        .filter(|s| {
            s.panel
                .as_ref()
                .is_some_and(|p| p.open.panel() != nettutor::lesson::PanelId::Lessons)
        })
        .count();
    assert_eq!(panels, with_panel, "every step's panel was opened");
    // The lecture ended on the last step.
    let last = forward.last().unwrap();
    let final_step = (
        set.lessons.len() - 1,
        set.lessons.last().unwrap().steps.len() - 1,
    );
    assert_eq!(last.1, final_step, "{last:?}");
    // PageUp walks the same path back to the first step (closing the card first).
    let (mut backward, _) = walk(&mut a, KeyCode::PageUp, 100, 30);
    backward.reverse();
    let forward = &with_card;
    if let Some(i) = (0..forward.len().min(backward.len())).find(|&i| forward[i] != backward[i]) {
        panic!(
            "PageUp leaves the path at {i}: forward {:?}, backward {:?}",
            &forward[i.saturating_sub(2)..(i + 3).min(forward.len())],
            &backward[i.saturating_sub(2)..(i + 3).min(backward.len())]
        );
    }
    assert_eq!(backward.len(), forward.len(), "PageUp retraces PageDown");
}

#[test]
fn the_end_of_lecture_card_follows_the_last_step_and_pageup_leaves_it() {
    for lang in Lang::ALL {
        let mut a = presenting(lang);
        for _ in 0..200 {
            if a.lecture_end() {
                break;
            }
            terminal(&mut a, 100, 30);
            press(&mut a, KeyCode::PageDown);
        }
        assert!(
            a.lecture_end(),
            "PageDown past the last step shows the card"
        );
        assert_eq!(a.reader().position(), Some((0, 1)));
        let t = terminal(&mut a, 100, 30);
        insta::assert_snapshot!(format!("present_end_card_{lang}_100x30"), t.backend());
        // PageDown again: still the card; PageUp: back to the last step.
        press(&mut a, KeyCode::PageDown);
        assert!(a.lecture_end());
        press(&mut a, KeyCode::PageUp);
        assert!(!a.lecture_end());
        assert_eq!(a.reader().position(), Some((0, 1)));
        // Esc closes it too, and does nothing else.
        press(&mut a, KeyCode::PageDown);
        assert!(a.lecture_end());
        press(&mut a, KeyCode::Esc);
        assert!(!a.lecture_end());
        assert_eq!(a.screen(), Screen::Lessons);
        assert_eq!(a.reader().position(), Some((0, 1)));
    }
}

/// Every shipped step, presented at `w`×`h` in `lang`: the steps whose text
/// does not fit (as "lesson-id step N: rows too many").
fn overflowing_steps(lang: Lang, w: u16, h: u16) -> Vec<String> {
    let lessons = shipped_lessons();
    let ids: Vec<String> = lessons.lessons.iter().map(|l| l.id.clone()).collect();
    let opts = Options {
        lang,
        present: true,
        lesson_ids: ids,
        ..Options::default()
    };
    let (mut a, _rx) = app_with(&opts, lessons, None);
    let more = nettutor::i18n::t(lang, "lessons.more");
    let mut long = Vec::new();
    let count: Vec<(String, usize)> = a
        .lessons()
        .lessons
        .iter()
        .map(|l| (l.id.clone(), l.steps.len()))
        .collect();
    for (lesson, (id, steps)) in count.into_iter().enumerate() {
        for step in 0..steps {
            a.update(Msg::OpenLesson { lesson, step });
            let t = terminal(&mut a, w, h);
            let (_, last, _) = a.reader().page_metrics();
            let marked = text(t.backend().buffer()).contains(more);
            assert_eq!(marked, last > 0, "{id} step {}", step + 1);
            if last > 0 {
                long.push(format!("{id} step {}: {last} rows too many", step + 1));
            }
        }
    }
    long
}

#[test]
fn every_shipped_step_fits_a_projector_at_120x36() {
    for lang in Lang::ALL {
        let long = overflowing_steps(lang, 120, 36);
        assert!(long.is_empty(), "{lang}: {long:#?}");
    }
}
