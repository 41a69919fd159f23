//! The tick redraws only when something visible changed (`Panel::tick`'s
//! answer): a countdown shows whole seconds, a sweep moves by steps, a flying
//! segment is drawn about 10 times a second; with nothing moving there are no ticks.

use std::time::Duration;

use crate::common;

use common::tui::*;
use ratatui::crossterm::event::KeyCode;

use nettutor::i18n::Lang;
use nettutor::lesson::PanelId;
use nettutor::ui::TICK;
use nettutor::ui::app::App;

/// Runs `ticks` ticks `TICK` apart on the app's clock; answers how many asked
/// for a redraw.
fn redraws(app: &mut App, ticks: usize) -> usize {
    (0..ticks)
        .filter(|_| {
            app.advance_clock(TICK);
            app.tick()
        })
        .count()
}

#[test]
fn a_timed_quiz_redraws_once_a_second() {
    let mut a = shipped_app(Lang::En);
    common::tui::open_panel(&mut a, PanelId::Quiz, "topic=osi count=3 seed=21 time=5");
    assert!(a.wants_ticks());
    let ticks_in_3s = (Duration::from_secs(3).as_millis() / TICK.as_millis()) as usize;
    let drawn = redraws(&mut a, ticks_in_3s);
    // 60 ticks, and the number shown changed 3 times (5 → 4 → 3 → 2); the first
    // tick may also set the number for the first time.
    assert!((3..=4).contains(&drawn), "{drawn} redraws in 3 s");
    assert!(
        render(&mut a, 80, 24).contains("2 s left"),
        "{}",
        render(&mut a, 80, 24)
    );
}

#[test]
fn the_subnet_sweep_redraws_once_per_step() {
    let mut a = shipped_app(Lang::En);
    press_all(&mut a, &[KeyCode::Char('5'), KeyCode::Char('p')]);
    assert!(a.wants_ticks(), "p plays the sweep");
    let before = render(&mut a, 200, 60);
    let mut frames = 0;
    let mut ticks = 0;
    while a.wants_ticks() && ticks < 10_000 {
        ticks += 1;
        if a.tick() {
            frames += 1;
        }
    }
    assert!(ticks > 0 && !a.wants_ticks(), "the sweep ends by itself");
    // IPv4: three ticks per step, one redraw per step.
    assert_eq!(frames, ticks / 3, "{frames} redraws in {ticks} ticks");
    assert_ne!(before, render(&mut a, 200, 60), "the sweep moved");
}

#[test]
fn a_handshake_autoplay_redraws_about_every_other_tick() {
    let mut a = shipped_app(Lang::En);
    press_all(&mut a, &[KeyCode::Char('4'), KeyCode::Char('p')]);
    assert!(a.wants_ticks(), "p plays the handshake");
    let mut shown = render(&mut a, 200, 60);
    let (mut ticks, mut frames, mut unseen_moves) = (0, 0, 0);
    while a.wants_ticks() && ticks < 10_000 {
        ticks += 1;
        let redraw = a.tick();
        let now = render(&mut a, 200, 60);
        if redraw {
            frames += 1;
            shown = now;
        } else if now != shown {
            // Skipped: the arrow moved a little, drawn on the next frame.
            unseen_moves += 1;
        }
    }
    assert!(!a.wants_ticks(), "the scenario ends by itself");
    // Every other tick, plus the tick that starts each new step at once.
    assert!(
        frames * 100 <= ticks * 55,
        "{frames} redraws in {ticks} ticks"
    );
    assert!(frames > 0 && unseen_moves <= ticks / 2, "{unseen_moves}");
    assert_eq!(shown, render(&mut a, 200, 60), "the last frame is drawn");
}

#[test]
fn nothing_moving_means_no_ticks() {
    let mut a = shipped_app(Lang::En);
    for screen in ['0', '1', '2', '3', '4', '5', '6', '7', '8'] {
        press(&mut a, KeyCode::Char(screen));
        assert!(
            !a.wants_ticks(),
            "screen {screen} ticks without being asked"
        );
    }
}
