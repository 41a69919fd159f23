//! The Labs panel driving REAL labs on loopback through the whole app: keys in,
//! lab events back through the app's one channel, the picture drawn from them.
//! Also: cancelling mid-run ends the worker within a second, leaving the screen
//! stops the lab, the interactive chat, and the parameter form's validation.

use crate::common;

use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::lab::LabEvent;
use nettutor::lesson::panel::LabArg;
use nettutor::lesson::{PanelArg, PanelId};
use nettutor::ui::app::{App, AppEvent, Msg, Screen};
use nettutor::ui::labs::{Focus, RunEnd};
use ratatui::crossterm::event::KeyCode;

fn screen_rows(app: &mut App, w: u16, h: u16) -> Vec<String> {
    rows(terminal(app, w, h).backend().buffer())
}

fn open_lab(app: &mut App, arg: &str) {
    common::tui::open_panel(app, PanelId::Labs, arg);
    assert_eq!(app.screen(), Screen::Labs);
}

/// What the event loop does: hand every event to the app, tick while it asks.
/// Returns when `done` holds or after `limit`.
fn pump(
    app: &mut App,
    rx: &Receiver<AppEvent>,
    limit: Duration,
    done: impl Fn(&App) -> bool,
) -> Duration {
    let start = Instant::now();
    while !done(app) && start.elapsed() < limit {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(ev) => {
                app.handle_event(ev);
            }
            Err(_) => {
                if app.wants_ticks() {
                    app.tick();
                }
            }
        }
    }
    start.elapsed()
}

#[test]
fn the_running_time_shown_comes_from_the_apps_clock() {
    use nettutor::ui::clock::Clock;
    let (mut app, _rx) = app_in(Lang::En, "dark");
    app.set_clock(Clock::manual());
    // A lab that waits 10 s before reading: it is still running below.
    open_lab(&mut app, "lab=sticky delay=10000");
    app.update(Msg::Panel(nettutor::ui::app::PanelMsg::Labs(
        nettutor::ui::labs::LabsMsg::Run,
    )));
    app.advance_clock(Duration::from_secs(42));
    app.tick();
    let shown = screen_rows(&mut app, 120, 40).join("\n");
    assert!(shown.contains("42.0 s"), "the manual clock's 42 s: {shown}");
    app.update(Msg::Panel(nettutor::ui::app::PanelMsg::Labs(
        nettutor::ui::labs::LabsMsg::Stop,
    )));
}

#[test]
fn sticky_lab_runs_for_real_and_the_picture_shows_merged_sends() {
    let (mut app, rx) = app_in(Lang::En, "dark");
    open_lab(&mut app, "lab=sticky count=10 delay=200");
    assert!(
        app.status().unwrap_or("").contains("press r"),
        "{:?}",
        app.status()
    );
    assert!(!app.labs().is_running(), "opening a lab does not run it");
    press(&mut app, KeyCode::Char('r'));
    assert!(app.labs().is_running());
    assert!(app.wants_ticks(), "ticks while the lab runs");
    pump(&mut app, &rx, Duration::from_secs(15), |a| {
        !a.labs().is_running()
    });
    assert!(
        !app.labs().worker_alive() && !app.wants_ticks(),
        "worker joined, no ticks when idle"
    );
    assert!(
        app.status().unwrap_or("").contains("finished"),
        "{:?}",
        app.status()
    );
    let run = app.labs().run.clone().unwrap();
    let report = match &run.end {
        Some(RunEnd::Finished(report)) => report.clone(),
        other => panic!("lab did not finish: {other:?}"),
    };
    let json = serde_json::to_value(&*report).unwrap();
    let recvs = json["recvs"].as_u64().unwrap();
    assert_eq!(json["sends"], 10);
    assert!(
        recvs < 10,
        "a late reader gets several sends per recv: {json}"
    );
    assert_eq!(run.sends().len(), 10, "every Sent event reached the panel");
    assert_eq!(
        run.recvs().len() as u64,
        recvs,
        "every Received event reached the panel"
    );

    let lines = screen_rows(&mut app, 80, 24);
    let send_row = lines.iter().find(|r| r.contains("send() ×10")).unwrap();
    let recv_row = lines
        .iter()
        .find(|r| r.contains(&format!("recv() ×{recvs}")))
        .unwrap();
    let count = |row: &str, marks: &[char]| row.chars().filter(|c| marks.contains(c)).count();
    let send_blocks = count(send_row, &['┌', '╷']);
    let recv_blocks = count(recv_row, &['└', '╵']);
    assert_eq!(send_blocks, 10, "{send_row}");
    assert_eq!(recv_blocks as u64, recvs, "{recv_row}");
    assert!(
        recv_blocks < send_blocks,
        "fewer receive blocks than send blocks:\n{}",
        lines.join("\n")
    );
}

#[test]
fn esc_cancels_a_long_lab_within_a_second_and_leaves_the_panel_idle() {
    // Both run for seconds: 10,000 datagrams read slowly; 3 s of bulk traffic.
    for (arg, busy) in [("lab=udp-loss", "Datagram"), ("lab=throughput", "Sample")] {
        let (mut app, rx) = app_in(Lang::En, "dark");
        open_lab(&mut app, arg);
        press(&mut app, KeyCode::Char('r'));
        pump(&mut app, &rx, Duration::from_secs(2), |a| {
            a.labs().run.as_ref().is_some_and(|r| {
                r.events.iter().any(|e| match e {
                    LabEvent::Datagram { .. } => busy == "Datagram",
                    LabEvent::Sample { .. } => busy == "Sample",
                    _ => false,
                })
            })
        });
        assert!(
            app.labs().is_running(),
            "{arg}: still running when cancelled"
        );
        let pressed = Instant::now();
        press(&mut app, KeyCode::Esc);
        assert_eq!(
            app.screen(),
            Screen::Labs,
            "Esc stopped the lab instead of leaving"
        );
        pump(&mut app, &rx, Duration::from_secs(5), |a| {
            !a.labs().is_running()
        });
        let took = pressed.elapsed();
        assert!(took < Duration::from_secs(1), "{arg}: cancel took {took:?}");
        assert!(!app.labs().is_running() && !app.labs().worker_alive() && !app.wants_ticks());
        match &app.labs().run.as_ref().unwrap().end {
            Some(RunEnd::Failed {
                cancelled: true, ..
            }) => {}
            other => panic!("{arg}: expected a cancelled run, got {other:?}"),
        }
        let text = screen_rows(&mut app, 80, 24).join("\n");
        assert!(text.contains("Stopped"), "{text}");
    }
}

#[test]
fn leaving_the_screen_stops_the_lab_and_joins_its_thread() {
    let (mut app, rx) = app_in(Lang::En, "dark");
    open_lab(&mut app, "lab=sticky delay=10000");
    press(&mut app, KeyCode::Char('r'));
    pump(&mut app, &rx, Duration::from_millis(200), |a| {
        a.labs().run.as_ref().is_some_and(|r| !r.sends().is_empty())
    });
    let left = Instant::now();
    press(&mut app, KeyCode::Char('0'));
    assert_eq!(app.screen(), Screen::Home);
    assert!(
        left.elapsed() < Duration::from_secs(1),
        "leave took {:?}",
        left.elapsed()
    );
    assert!(!app.labs().is_running() && !app.labs().worker_alive());
    // Late wake-ups from the stopped run are ignored.
    pump(&mut app, &rx, Duration::from_millis(100), |_| false);
    assert!(!app.labs().is_running());
}

#[test]
fn interactive_chat_over_udp_ends_with_bye() {
    let (mut app, rx) = app_in(Lang::En, "dark");
    open_lab(&mut app, "lab=chat transport=udp");
    press(&mut app, KeyCode::Char('i'));
    assert!(app.labs().is_running());
    assert_eq!(
        app.labs().typing().map(|(_, t)| t.to_string()),
        Some(String::new())
    );
    // 'q' is text here, not quit.
    type_str(&mut app, "quick hello");
    press(&mut app, KeyCode::Enter);
    assert!(!app.quitting());
    pump(&mut app, &rx, Duration::from_secs(5), |a| {
        a.labs().run.as_ref().is_some_and(|r| {
            r.events.iter().any(
                |e| matches!(e, LabEvent::Line { sent: false, text, .. } if text == "quick hello"),
            )
        })
    });
    press(&mut app, KeyCode::Tab); // the server's pane
    type_str(&mut app, "hi, I know your address now");
    press(&mut app, KeyCode::Enter);
    // A person reads the answer before saying bye.
    pump(&mut app, &rx, Duration::from_secs(5), |a| {
        a.labs().run.as_ref().is_some_and(|r| {
            r.events.iter().any(
                |e| matches!(e, LabEvent::Line { sent: false, text, .. } if text.starts_with("hi, I know")),
            )
        })
    });
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "bye");
    press(&mut app, KeyCode::Enter);
    pump(&mut app, &rx, Duration::from_secs(5), |a| {
        !a.labs().is_running()
    });
    assert!(!app.labs().worker_alive());
    let run = app.labs().run.clone().unwrap();
    let report = run.report().expect("the chat ended with a report");
    let json = serde_json::to_value(report).unwrap();
    assert_eq!(json["lines"], 3, "{json}");
    assert_eq!(json["ended_by_bye"], true, "{json}");
    let text = screen_rows(&mut app, 160, 48).join("\n");
    assert!(
        text.contains("→ quick hello") && text.contains("← quick hello"),
        "{text}"
    );
}

#[test]
fn the_form_validates_typed_values_and_lesson_args() {
    let (mut app, _rx) = app_in(Lang::En, "dark");
    // Refused by the lab's own option table (the parser `lessons check` uses).
    let refused = nettutor::lesson::PanelArg::parse(PanelId::Labs, "lab=sticky count=0", false);
    assert!(refused.unwrap_err().contains("count"));

    open_lab(&mut app, "lab=sticky nodelay=true");
    assert_eq!(app.labs().focus, Focus::Form);
    let form = app.labs().form().unwrap();
    assert_eq!(form.params.get("nodelay").as_deref(), Some("true"));
    // count is the first row: Enter edits it, with the current value.
    press(&mut app, KeyCode::Enter);
    for _ in 0..2 {
        press(&mut app, KeyCode::Backspace);
    }
    type_str(&mut app, "5000");
    press(&mut app, KeyCode::Enter);
    let form = app.labs().form().unwrap();
    assert!(form.editing.is_some(), "out of range: still typing");
    let message = form.error.as_ref().unwrap().message(Lang::En, form.specs());
    assert!(message.contains("1 to 1000"), "{message}");
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_str(&mut app, "25");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.labs().form().unwrap().params.get("count").as_deref(),
        Some("25")
    );
    // p: the prediction, compared in the summary later.
    press(&mut app, KeyCode::Char('p'));
    type_str(&mut app, "3");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.labs().form().unwrap().params.predict(), Some(3));
}

#[test]
fn every_lesson_that_opens_a_lab_opens_it_with_its_parameters() {
    let lessons = shipped_lessons();
    let mut checked = 0;
    for lesson in &lessons.lessons {
        for (i, step) in lesson.steps.iter().enumerate() {
            let Some(link) = step.panel.as_ref().filter(|l| l.panel == PanelId::Labs) else {
                continue;
            };
            // The checker parsed the argument with the lab's own option table.
            let PanelArg::Labs(LabArg {
                params: Some(params),
            }) = &link.open
            else {
                panic!("{} step {}: '{}' names no lab", lesson.id, i + 1, link.arg);
            };
            let mut app = app(Lang::En);
            app.update(Msg::OpenArg(link.open.clone()));
            assert_eq!(app.screen(), Screen::Labs);
            assert_eq!(
                &app.labs().form().unwrap().params,
                params,
                "{} step {}: '{}'",
                lesson.id,
                i + 1,
                link.arg
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} lesson steps open a lab");
}

#[test]
fn esc_ends_an_interactive_tcp_chat_with_bye() {
    let (mut app, rx) = app_in(Lang::En, "dark");
    open_lab(&mut app, "lab=time proto=tcp");
    press(&mut app, KeyCode::Char('i'));
    type_str(&mut app, "1700000000");
    press(&mut app, KeyCode::Enter);
    // The time server answers by itself.
    pump(&mut app, &rx, Duration::from_secs(5), |a| {
        a.labs().run.as_ref().is_some_and(|r| {
            r.events.iter().any(|e| matches!(e, LabEvent::Line { side: nettutor::lab::Side::Client, sent: false, text } if text.starts_with("2023-11-14")))
        })
    });
    let pressed = Instant::now();
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen(), Screen::Labs);
    pump(&mut app, &rx, Duration::from_secs(5), |a| {
        !a.labs().is_running()
    });
    assert!(
        pressed.elapsed() < Duration::from_secs(1),
        "took {:?}",
        pressed.elapsed()
    );
    assert!(!app.labs().worker_alive());
    let json = serde_json::to_value(app.labs().run.as_ref().unwrap().report().unwrap()).unwrap();
    assert_eq!(json["refused"], 0, "{json}");
    assert_eq!(json["exchanges"][0]["request"], "1700000000", "{json}");
}
