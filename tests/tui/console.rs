//! The presenter console: its screen on TestBackend, and a presenting app
//! followed and driven by a console over a real socket in a temp directory.

use std::time::Duration;

use crate::common;

use common::tui::*;
use nettutor::i18n::{Lang, Text};
use nettutor::presenter::Link;
use nettutor::presenter::proto::{Key, PanelAt, ServerMsg, State};
use nettutor::ui::Options;
use nettutor::ui::app::{App, AppEvent, Screen};
use nettutor::ui::console::{ConsoleView, End, Now, draw};
use nettutor::ui::theme::{Theme, ThemeName};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;

fn sample() -> State {
    State {
        id: "4242".into(),
        started: 1_000_000,
        playlist: vec!["basics".into(), "subnet-and".into()],
        lesson: 2,
        lessons: 2,
        lesson_title: Text::new("IP AND mask", "IP 与掩码做按位与"),
        step: 3,
        steps: 7,
        step_title: Text::new("The network address", "网络地址"),
        notes: Some(Text::new(
            "Ask the class which bits survive the AND. Then type 172.15.255.255/12 into the \
             subnet panel and let them predict the network before you press Enter.\nExpected answer: 172.0.0.0.",
            "问问全班：与运算后哪些位保留下来？然后在子网面板里输入 172.15.255.255/12，\
             按回车之前先让大家预测网络地址。\n预期答案：172.0.0.0。",
        )),
        next: Some(Text::new("The broadcast address", "广播地址")),
        next_lesson: None,
        panel: Some(PanelAt {
            name: Text::new("Subnet", "子网"),
            at: 4,
            of: 9,
        }),
        blank: true,
        end_card: false,
    }
}

fn console_screen(view: &ConsoleView, w: u16, h: u16) -> Buffer {
    let theme = Theme::load(ThemeName::Dark).unwrap();
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    let now = Now {
        clock: "10:15:00".into(),
        unix: 1_000_000 + 754,
    };
    draw(view, &now, &theme, area, &mut buf);
    buf
}

#[test]
fn console_snapshots() {
    for lang in Lang::ALL {
        let mut view = ConsoleView {
            lang,
            id: "4242".into(),
            state: Some(sample()),
            end: None,
        };
        let buf = console_screen(&view, 80, 24);
        insta::assert_snapshot!(format!("console_{lang}_80x24"), rows(&buf).join("\n"));
        let shown = text(&buf);
        assert!(shown.contains("12:34"), "elapsed: {shown}");
        assert!(shown.contains("10:15:00"), "clock");
        // The presentation ended: said first, the last step kept below.
        view.end = Some(End::Ended);
        let buf = console_screen(&view, 80, 24);
        insta::assert_snapshot!(format!("console_{lang}_ended"), rows(&buf).join("\n"));
    }
}

/// Handles what arrived on the app's channel until `want` says it is there.
fn pump(app: &mut App, rx: &std::sync::mpsc::Receiver<AppEvent>, want: impl Fn(&App) -> bool) {
    let start = std::time::Instant::now();
    while !want(app) {
        let left = Duration::from_secs(5).saturating_sub(start.elapsed());
        let ev = rx.recv_timeout(left).expect("the console's event in time");
        app.handle_event(ev);
    }
}

fn state_of(msg: ServerMsg) -> State {
    match msg {
        ServerMsg::State(s) => *s,
        other => panic!("not a state: {other:?}"),
    }
}

#[test]
fn a_console_follows_drives_and_keeps_the_notes_off_the_projected_screen() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = Options {
        lang: Lang::En,
        present: true,
        lesson_ids: vec!["demo".into()],
        ..Options::default()
    };
    let (mut a, rx) = app_with(&opts, demo_lessons(), None);
    // Without a console the first `n` asks (the notes would be projected).
    press(&mut a, KeyCode::Char('n'));
    assert!(a.status().unwrap().contains("press n again"));

    a.enable_console(tmp.path());
    let (id, path) = a
        .console_socket()
        .map(|(i, p)| (i.to_string(), p.to_path_buf()))
        .unwrap();
    assert_eq!(id, std::process::id().to_string());
    a.publish_console();
    let (link, mut reader) = Link::attach(&path).unwrap();
    pump(&mut a, &rx, |a| a.consoles_attached() == 1);
    assert!(
        a.status().unwrap().contains("console attached"),
        "{:?}",
        a.status()
    );
    let s = state_of(reader.next_msg().unwrap());
    assert_eq!((s.lesson, s.lessons, s.step, s.steps), (1, 1, 1, 2));
    assert_eq!(s.step_title.en, "The network address");
    assert_eq!(
        s.notes.unwrap().en,
        "Ask the class which bits survive the AND."
    );
    assert_eq!(s.next.unwrap().en, "Second step");

    // `n`, twice: the notes never reach the projected screen.
    for _ in 0..2 {
        press(&mut a, KeyCode::Char('n'));
        let shown = render(&mut a, 160, 48);
        assert!(!shown.contains("Ask the class"), "{shown}");
        assert!(shown.contains("presenter console"), "{shown}");
    }

    // PageDown on the console: the lecture opens the step's panel.
    link.key(Key::Next).unwrap();
    pump(&mut a, &rx, |a| a.screen() == Screen::Subnet);
    a.publish_console();
    let s = state_of(reader.next_msg().unwrap());
    let panel = s.panel.expect("the panel in the state");
    assert_eq!(panel.name.en, "Subnet");
    // Blank from the console, and back.
    link.key(Key::Blank).unwrap();
    pump(&mut a, &rx, App::blank);
    link.key(Key::Blank).unwrap();
    pump(&mut a, &rx, |a| !a.blank());
    // Keys pressed on the projected terminal: the console follows.
    for _ in 0..50 {
        if a.reader().position() == Some((0, 1)) && a.screen() == Screen::Lessons {
            break;
        }
        terminal(&mut a, 80, 24);
        press(&mut a, KeyCode::PageDown);
    }
    a.publish_console();
    let last = loop {
        let s = state_of(reader.next_msg().unwrap());
        if s.step == 2 && s.panel.is_none() {
            break s;
        }
    };
    assert_eq!(last.step_title.en, "Second step");
    assert_eq!(last.next, None, "the last step of the playlist");

    // The console goes: `n` asks again before projecting.
    drop(link);
    drop(reader);
    pump(&mut a, &rx, |a| a.consoles_attached() == 0);
    press(&mut a, KeyCode::Char('n'));
    assert!(
        a.status().unwrap().contains("press n again"),
        "{:?}",
        a.status()
    );
    // The app gone, its socket too.
    drop(a);
    assert!(!path.exists());
}
