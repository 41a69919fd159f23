//! The check reports screen: a report opened as `nettutor check --open` opens
//! it (the failing property selected, its exchange as a sequence diagram from
//! the captured frames, `f` for the byte log), and the Labs panel's `c` lists
//! the student's recent checks from the progress folder.

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::KeyCode;

use crate::common::tui::{app_with, demo_lessons, press, render, terminal};
use nettutor::check::history::{CheckRecord, record};
use nettutor::i18n::Lang;
use nettutor::lesson::PanelArg;
use nettutor::lesson::panel::CheckArg;
use nettutor::store::Store;
use nettutor::ui::Options;
use nettutor::ui::app::{App, Screen};
use nettutor::ui::theme::ThemeName;

/// A real report (tcp-time, a server that takes one recv() as the request, run
/// as root so its frames were captured), its paths made relative.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check_report/report.json")
}

fn opened(lang: Lang) -> App {
    let opts = Options {
        lang,
        theme: Some(ThemeName::Dark),
        open: Some(PanelArg::Check(CheckArg {
            report: Some(fixture()),
        })),
        ..Options::default()
    };
    app_with(&opts, demo_lessons(), None).0
}

#[test]
fn an_opened_report_shows_the_failure_and_its_exchange() {
    for lang in [Lang::En, Lang::Zh] {
        for (w, h) in [(100, 30), (80, 24)] {
            let mut app = opened(lang);
            assert_eq!(app.screen(), Screen::Check);
            let t = terminal(&mut app, w, h);
            insta::assert_snapshot!(format!("frames_{lang}_{w}x{h}"), t.backend());
        }
    }
    let mut app = opened(Lang::En);
    let screen = render(&mut app, 100, 30);
    // The first failure is selected, with what was sent, expected and received.
    assert!(screen.contains("▸FAIL  split"), "{screen}");
    assert!(screen.contains("\"1970-01-01 00:00:01\""), "{screen}");
    // The captured handshake opens the diagram, pointing at the program.
    assert!(screen.contains("[SYN] seq=0"), "{screen}");
    assert!(
        screen.contains("◀") && screen.contains("[SYN,ACK] seq=0 ack=1"),
        "{screen}"
    );
    press(&mut app, KeyCode::Char('f'));
    let t = terminal(&mut app, 100, 30);
    insta::assert_snapshot!("byte_log_en_100x30", t.backend());
}

#[test]
fn keys_move_between_the_panes_and_esc_goes_back() {
    let mut app = opened(Lang::En);
    // Properties are focused: Down selects the next one (which passed).
    press(&mut app, KeyCode::Down);
    let screen = render(&mut app, 100, 30);
    assert!(screen.contains("▸pass  no-eval"), "{screen}");
    assert!(screen.contains("this property passed"), "{screen}");
    // Up back to the failure, Tab to the exchange, then Esc, Esc, Esc: out.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen(), Screen::Check);
    press(&mut app, KeyCode::Esc);
    assert_ne!(app.screen(), Screen::Check);
}

#[test]
fn labs_c_lists_the_recent_checks() {
    let home = tempfile::tempdir().unwrap();
    for (exercise, failed, report) in [("udp-chat", 0, None), ("tcp-time", 1, Some(fixture()))] {
        let entry = CheckRecord {
            exercise: exercise.into(),
            at: 1_700_000_000,
            passed: 6 - failed,
            failed,
            total: 6,
            report,
        };
        record(home.path(), entry).unwrap();
    }
    let opts = Options {
        lang: Lang::En,
        theme: Some(ThemeName::Dark),
        ..Options::default()
    };
    let store = Store::at(home.path().to_path_buf());
    let mut app = app_with(&opts, demo_lessons(), Some(store)).0;
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.screen(), Screen::Labs);
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(app.screen(), Screen::Check);
    let screen = render(&mut app, 100, 30);
    // Newest first: the tcp-time failure is chosen and its report read.
    assert!(screen.contains("▸tcp-time     ✗1"), "{screen}");
    assert!(screen.contains(" udp-chat      ✓"), "{screen}");
    assert!(screen.contains("tcp-time: 5 of 6 passed"), "{screen}");
    // The older check kept no report: the screen says so.
    press(&mut app, KeyCode::Down);
    let screen = render(&mut app, 100, 30);
    assert!(screen.contains("no report was kept"), "{screen}");
    // Esc returns to the Labs panel.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen(), Screen::Labs);
}

#[test]
fn without_reports_the_screen_says_how_to_make_one() {
    let home = tempfile::tempdir().unwrap();
    let opts = Options {
        lang: Lang::Zh,
        theme: Some(ThemeName::Dark),
        ..Options::default()
    };
    let mut app = app_with(&opts, demo_lessons(), Some(Store::at(home.path().into()))).0;
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('c'));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("还没有检查报告"), "{screen}");
}

#[test]
fn a_captured_frame_opens_in_the_packet_inspector() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = opened(lang);
        // To the exchange (captured frames), the first row is the SYN.
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Char('i'));
        let inspector = app.check().inspector.get().expect("a frame is open");
        let syn = inspector.bytes();
        // An Ethernet frame on lo carrying IPv4 or IPv6 and TCP with only SYN set.
        let (proto, tcp) = nettutor::check::evidence::ip_payload(syn).expect("an IP frame");
        assert_eq!(proto, pnet_packet::ip::IpNextHeaderProtocols::Tcp);
        assert_eq!(tcp[13], 0x02, "{lang}: flags of the first frame");
        let t = terminal(&mut app, 100, 30);
        insta::assert_snapshot!(format!("inspector_{lang}_100x30"), t.backend());
        let screen = render(&mut app, 100, 30);
        // The field tree and the hex dump of that frame (IPv4 header from 0x0e).
        assert!(
            lang != Lang::En || screen.contains("Ethernet II"),
            "{screen}"
        );
        assert!(screen.contains("08 00 45 00"), "{screen}");
        // Down walks the fields, not the rows; Esc closes the frame, not the screen.
        press(&mut app, KeyCode::Esc);
        assert!(app.check().inspector.get().is_none());
        assert_eq!(app.screen(), Screen::Check);
        // The next row (SYN,ACK) opens with Enter.
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
        let synack = app.check().inspector.get().expect("the second frame");
        let (_, tcp) = nettutor::check::evidence::ip_payload(synack.bytes()).expect("IP");
        assert_eq!(tcp[13], 0x12, "{lang}: SYN+ACK");
    }
    // In the byte log there is no frame to open: the status says how to get one.
    let mut app = opened(Lang::En);
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('i'));
    assert!(app.check().inspector.get().is_none());
    assert!(
        app.status().unwrap_or("").contains("press f"),
        "{:?}",
        app.status()
    );
}
