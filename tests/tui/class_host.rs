//! The host screen of a live class (`nettutor class host`), drawn from a real
//! room: a host on loopback, students joined over TCP with the client (CJK
//! names among them), their answers sent as frames. Snapshots in English and
//! Chinese at 80×24 and 120×36 of the lobby, a question with its live
//! histogram, the reveal and the end.

use std::net::SocketAddr;

use nettutor::class::live::client::{Connection, Welcome};
use nettutor::class::live::host::{Host, Phase, RoomView};
use nettutor::class::live::protocol::ClientMsg;
use nettutor::i18n::Lang;
use nettutor::lesson::QuestionKind;
use nettutor::ui::class::host::{HostScreen, draw};
use nettutor::ui::panel::RenderCtx;
use nettutor::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::class_room::{each_lang_and_size, host, join, questions, step_until};
use crate::common::tui::text;

const NAMES: [&str; 4] = ["Ada", "王小明", "Grace Hopper", "李雷"];

fn answer(host: &mut Host, student: &mut (Connection, Welcome), position: usize, given: &str) {
    let before = host.view().answered;
    student
        .0
        .send(&ClientMsg::Answer {
            token: student.1.token.clone(),
            position,
            answer: given.into(),
        })
        .unwrap();
    step_until(host, |h| h.view().answered > before);
}

/// The view with the address fixed (the port is ephemeral).
fn fixed(mut view: RoomView) -> RoomView {
    view.addr = "127.0.0.1:7700".parse::<SocketAddr>().unwrap();
    view
}

fn shot(view: &RoomView, screen: &HostScreen, lang: Lang, w: u16, h: u16) -> Terminal<TestBackend> {
    let theme = Theme::named("dark").unwrap();
    let ctx = RenderCtx {
        lang,
        theme: &theme,
        present: true,
    };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(view, screen, f.area(), f.buffer_mut(), &ctx))
        .unwrap();
    t
}

fn each_size(view: &RoomView, screen: &HostScreen, name: &str) {
    each_lang_and_size(|lang, w, h| {
        let t = shot(view, screen, lang, w, h);
        insta::assert_snapshot!(format!("class_host_{name}_{lang}_{w}x{h}"), t.backend());
    });
}

#[test]
fn the_host_screen_follows_the_room() {
    let mut host = host(false);
    let lobby_empty = fixed(host.view());
    let screen = HostScreen::default();
    let t = shot(&lobby_empty, &screen, Lang::En, 80, 24);
    let shown = text(t.backend().buffer());
    assert!(shown.contains("K 7 M 2 Q X"), "{shown}");
    assert!(
        shown.contains("nettutor class join 127.0.0.1:7700 --code K7M2QX"),
        "{shown}"
    );
    assert!(shown.contains("only this machine"), "{shown}");

    let mut students: Vec<_> = NAMES.iter().map(|n| join(&mut host, n)).collect();
    let lobby = fixed(host.view());
    assert_eq!(lobby.students.len(), 4);
    each_size(&lobby, &screen, "lobby");
    // CJK names line up with the Latin ones: the second column starts at
    // the same cell on every row.
    let rows =
        crate::common::tui::rows(shot(&lobby, &screen, Lang::En, 120, 36).backend().buffer());
    let col = |needle: &str| {
        rows.iter()
            .find_map(|r| {
                r.find(needle)
                    .map(|at| unicode_width::UnicodeWidthStr::width(&r[..at]))
            })
            .unwrap()
    };
    assert_eq!(col("王小明"), col("李雷").min(col("王小明")));

    host.next_question();
    let QuestionKind::Choice { correct, .. } = questions()[0].kind.clone() else {
        unreachable!()
    };
    let right = nettutor::lesson::question::letter(correct).to_string();
    let wrong = nettutor::lesson::question::letter((correct + 1) % 4).to_string();
    answer(&mut host, &mut students[0], 0, &right);
    answer(&mut host, &mut students[1], 0, &right);
    answer(&mut host, &mut students[2], 0, &wrong);
    let open = fixed(host.view());
    assert!(matches!(open.phase, Phase::Open { .. }));
    let counts: Vec<usize> = open.histogram.bars.iter().map(|b| b.count).collect();
    let mut expected = vec![0; 4];
    expected[correct] = 2;
    expected[(correct + 1) % 4] = 1;
    assert_eq!(counts, expected);
    let asking = HostScreen {
        seconds_left: Some(42),
        ..HostScreen::default()
    };
    each_size(&open, &asking, "question");
    let shown = text(shot(&open, &asking, Lang::En, 80, 24).backend().buffer());
    assert!(shown.contains("42 s left"), "{shown}");
    assert!(shown.contains("answers: 3 of 4"), "{shown}");
    // Never who answered what: no student's name on the question screen.
    for name in NAMES {
        assert!(!shown.contains(name), "{name} on the projector: {shown}");
    }
    assert!(
        !shown.contains('✓'),
        "the answer shows before the reveal: {shown}"
    );

    host.reveal();
    let revealed = fixed(host.view());
    each_size(&revealed, &HostScreen::default(), "reveal");
    let shown = text(
        shot(&revealed, &HostScreen::default(), Lang::En, 120, 36)
            .backend()
            .buffer(),
    );
    assert!(shown.contains(&format!("Answer: {right}")), "{shown}");
    assert!(shown.contains("2 ✓"), "{shown}");

    host.next_question();
    answer(&mut host, &mut students[0], 1, "a");
    host.finish();
    let end = fixed(host.view());
    assert_eq!(end.phase, Phase::Ended);
    each_size(&end, &HostScreen::default(), "end");
    let top = HostScreen {
        leaderboard: true,
        ..HostScreen::default()
    };
    let shown = text(shot(&end, &top, Lang::En, 120, 36).backend().buffer());
    assert!(shown.contains("Top five"), "{shown}");
    let plain = text(
        shot(&end, &HostScreen::default(), Lang::En, 120, 36)
            .backend()
            .buffer(),
    );
    assert!(
        !plain.contains("Top five"),
        "leaderboard without --leaderboard: {plain}"
    );
    insta::assert_snapshot!(
        "class_host_end_leaderboard_en_120x36",
        shot(&end, &top, Lang::En, 120, 36).backend()
    );
}

#[test]
fn a_too_small_terminal_gets_the_apps_message_and_a_lan_address_a_warning() {
    let host = host(false);
    let mut view = fixed(host.view());
    let shown = text(
        shot(&view, &HostScreen::default(), Lang::En, 50, 12)
            .backend()
            .buffer(),
    );
    assert!(shown.contains("Please enlarge the terminal"), "{shown}");
    assert!(!shown.contains("K7M2QX"), "{shown}");
    // Listening on every address: the warning, and the address a student
    // types is this machine's, never 0.0.0.0.
    view.addr = "0.0.0.0:7700".parse().unwrap();
    let lan = HostScreen {
        lan: vec!["192.168.1.20".parse().unwrap(), "10.0.0.7".parse().unwrap()],
        ..HostScreen::default()
    };
    let shown = text(shot(&view, &lan, Lang::En, 80, 24).backend().buffer());
    assert!(shown.contains("reachable from the network"), "{shown}");
    assert!(!shown.contains("only this machine can join"), "{shown}");
    assert!(
        shown.contains("class join 192.168.1.20:7700 --code K7M2QX"),
        "{shown}"
    );
    assert!(
        shown.contains("192.168.1.20:7700, 10.0.0.7:7700"),
        "{shown}"
    );
    assert!(!shown.contains("join 0.0.0.0"), "{shown}");
    insta::assert_snapshot!(
        "class_host_lobby_lan_en_80x24",
        shot(&view, &lan, Lang::En, 80, 24).backend()
    );
    let shown = text(shot(&view, &lan, Lang::Zh, 80, 24).backend().buffer());
    assert!(shown.contains("网络上的其他机器也能连接"), "{shown}");
    insta::assert_snapshot!(
        "class_host_lobby_lan_zh_80x24",
        shot(&view, &lan, Lang::Zh, 80, 24).backend()
    );
    // No address known: it says what to type instead.
    let shown = text(
        shot(&view, &HostScreen::default(), Lang::En, 80, 24)
            .backend()
            .buffer(),
    );
    assert!(
        shown.contains("this machine's network address with port 7700"),
        "{shown}"
    );
    // A LAN address listened on is the one to type, with the warning.
    view.addr = "192.168.1.20:7700".parse().unwrap();
    let shown = text(
        shot(&view, &HostScreen::default(), Lang::En, 80, 24)
            .backend()
            .buffer(),
    );
    assert!(shown.contains("class join 192.168.1.20:7700"), "{shown}");
    assert!(shown.contains("reachable from the network"), "{shown}");
}

#[test]
fn quitting_mid_session_asks_first() {
    let mut host = host(false);
    host.next_question();
    let view = fixed(host.view());
    let asking = HostScreen {
        seconds_left: Some(9),
        confirm_quit: true,
        ..HostScreen::default()
    };
    for lang in [Lang::En, Lang::Zh] {
        let t = shot(&view, &asking, lang, 80, 24);
        insta::assert_snapshot!(format!("class_host_confirm_{lang}_80x24"), t.backend());
    }
    let shown = text(shot(&view, &asking, Lang::En, 80, 24).backend().buffer());
    assert!(shown.contains("y quits"), "{shown}");
}
