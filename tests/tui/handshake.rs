//! The Handshake & teardown panel on a TestBackend: chosen animation frames in
//! both languages at 80×24 and 160×48, plus the behaviour behind the keys.

use crate::common;

use common::tui::*;
use ratatui::buffer::Buffer;

use nettutor::i18n::Lang;
use nettutor::net::tcp::{Scenario, TcpState};
use nettutor::ui::app::{AppEvent, Nav, Screen};
use nettutor::ui::handshake::{HandshakeMsg, HandshakePanel, STEP_UNITS, Source};
use nettutor::ui::panel::Panel;
use nettutor::ui::theme::Theme;

fn draw(panel: &HandshakePanel, lang: Lang, w: u16, h: u16) -> Buffer {
    draw_panel(panel, lang, &Theme::fallback(), w, h)
        .backend()
        .buffer()
        .clone()
}

fn panel_at(scenario: Scenario, at: usize, progress: u32) -> HandshakePanel {
    let mut panel = HandshakePanel::default();
    panel.load(scenario);
    panel.seek(at);
    panel.progress = progress;
    panel
}

#[test]
fn snapshots_of_chosen_frames() {
    // (name, scenario, steps done, progress of the next)
    let frames = [
        ("normal_start", Scenario::Normal, 0, 0),
        (
            "normal_synack_in_flight",
            Scenario::Normal,
            2,
            STEP_UNITS / 2,
        ),
        ("normal_established", Scenario::Normal, 4, 0),
        ("normal_end", Scenario::Normal, 12, 0),
        ("lost_syn_lost", Scenario::LostSyn, 2, 0),
        (
            "simultaneous_fins_crossing",
            Scenario::SimultaneousClose,
            8,
            STEP_UNITS * 3 / 4,
        ),
        ("syn_flood_full", Scenario::SynFlood, 9, 0),
        ("time_wait_restart", Scenario::TimeWait, 15, 0),
    ];
    for (name, scenario, at, progress) in frames {
        let panel = panel_at(scenario, at, progress);
        for lang in Lang::ALL {
            for (w, h) in [(80, 24), (160, 48)] {
                let buf = draw(&panel, lang, w, h);
                insta::assert_snapshot!(format!("{name}_{lang}_{w}x{h}"), text(&buf));
            }
        }
    }
}

#[test]
fn restart_during_time_wait_is_labelled_on_the_diagram() {
    let panel = panel_at(Scenario::TimeWait, 15, 0);
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(
        shown.contains("restart: bind(:8080) → EADDRINUSE"),
        "{shown}"
    );
    assert!(shown.contains("TIME-WAIT"), "{shown}");
    let shown = text(&draw(&panel, Lang::Zh, 80, 24));
    assert!(shown.contains("重启：bind(:8080) → EADDRINUSE"), "{shown}");
}

#[test]
fn narrow_screen_toggles_to_the_state_machine_and_inspector_shows_bytes() {
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Handshake);
    let mut panel = panel_at(Scenario::Normal, 4, 0);
    panel.update(HandshakeMsg::ToggleMachine, &mut c);
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(shown.contains("TCP state machine"), "{shown}");
    // Both ends in ESTABLISHED: the client's heavy bar, the server's double one.
    assert!(shown.contains("┃ESTABLISHED║"), "{shown}");
    insta::assert_snapshot!("machine_established_en_80x24", shown);
    panel.update(HandshakeMsg::Inspect, &mut c);
    // The latest segment on screen: the handshake's ACK (the third segment).
    assert_eq!(panel.inspecting, Some(2));
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(shown.contains("Flags: 0x010 (ACK)"), "{shown}");
    // The frame's first bytes: destination MAC 02:00:00:00:00:20 (the server).
    assert!(shown.contains("02 00 00 00 00 20"), "{shown}");
    assert!(shown.contains("#3 — ACK seq="), "{shown}");
    // The inspector starts on the TCP flags; ↓ walks on to the next field.
    let inspector = panel.inspector().unwrap();
    assert_eq!(inspector.selected_field().unwrap().id, "tcp.flags");
    panel.nav(Nav::Down, &mut c);
    assert_ne!(
        panel.inspector().unwrap().selected_field().unwrap().id,
        "tcp.flags"
    );
    // [ opens the SYN,ACK: its bytes go to the client's MAC.
    panel.update(HandshakeMsg::PrevSegment, &mut c);
    assert_eq!(panel.inspecting, Some(1));
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(shown.contains("#2 — SYN,ACK"), "{shown}");
    assert!(shown.contains("02 00 00 00 00 10"), "{shown}");
    assert_eq!(
        panel.inspector().unwrap().bytes(),
        &panel.timeline.steps[2].flights[0].frame().unwrap()[..]
    );
    // Wide screens keep the diagram beside the bytes, the selected row reversed.
    let buf = draw(&panel, Lang::En, 160, 48);
    let wide = text(&buf);
    assert!(
        wide.contains("Sequence diagram") && wide.contains("Segment bytes"),
        "{wide}"
    );
    insta::assert_snapshot!("inspect_synack_en_160x48", wide);
    let row = wide
        .lines()
        .position(|l| l.contains("◀─") && l.contains("SYN,ACK seq"))
        .unwrap();
    let col = wide
        .lines()
        .nth(row)
        .unwrap()
        .chars()
        .position(|c| c == '◀')
        .unwrap();
    assert!(
        buf[(col as u16, row as u16)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
    assert!(panel.back(&mut c));
    assert!(panel.inspecting.is_none());
}

#[test]
fn colours_and_line_weights_mark_which_end_is_in_which_state() {
    let panel = panel_at(Scenario::Normal, 2, 0);
    let theme = Theme::fallback();
    let buf = draw(&panel, Lang::En, 200, 60);
    // The client's box: heavy lines, `C` in its corner, the client's colour.
    let (x, y) = find(&buf, "C━").expect("the client's box");
    assert_eq!(buf[(x, y)].fg, theme.client.fg.unwrap_or(buf[(x, y)].fg));
    let row = rows(&buf)[usize::from(y) + 1].clone();
    assert!(row.contains("┫   SYN-SENT   ┃"), "{row}");
    // The server's: double lines and `S`.
    let (x, y) = find(&buf, "═S").expect("the server's box");
    assert_eq!(
        buf[(x + 1, y)].fg,
        theme.server.fg.unwrap_or(buf[(x + 1, y)].fg)
    );
    let row = rows(&buf)[usize::from(y) + 1].clone();
    assert!(row.contains("║ SYN-RECEIVED ║"), "{row}");
}

/// The machine pane alone, as rows (the right-hand pane on wide screens).
fn machine_rows(panel: &HandshakePanel, lang: Lang, w: u16, h: u16) -> Vec<String> {
    let buf = draw(panel, lang, w, h);
    let (x, _) = find(&buf, "TCP state machine")
        .or_else(|| find(&buf, "TCP 状态机"))
        .expect("the machine pane");
    // The border, then a space before the title.
    rows_from(&buf, x.saturating_sub(2))
}

#[test]
fn state_diagram_snapshots_at_every_size() {
    let frames = [
        ("established", Scenario::Normal, 4),
        ("simultaneous_closing", Scenario::SimultaneousClose, 8),
        ("syn_flood_full", Scenario::SynFlood, 9),
    ];
    for (name, scenario, at) in frames {
        let mut panel = panel_at(scenario, at, 0);
        // Narrow screens show the machine instead of the sequence diagram.
        panel.show_machine = true;
        for lang in Lang::ALL {
            for (w, h) in [(80, 24), (120, 40), (200, 50)] {
                let buf = draw(&panel, lang, w, h);
                insta::assert_snapshot!(format!("rfc_machine_{name}_{lang}_{w}x{h}"), text(&buf));
            }
        }
    }
}

#[test]
fn the_state_diagram_draws_the_rfc_edges_and_grows_with_the_screen() {
    let panel = panel_at(Scenario::Normal, 4, 0);
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let mut panel = panel_at(Scenario::Normal, 4, 0);
        panel.show_machine = true;
        let pane = machine_rows(&panel, Lang::En, w, h).join("\n");
        for state in TcpState::ALL {
            let name = match (state, w) {
                (TcpState::Established, 120) => "ESTAB",
                (TcpState::SynReceived, 120) => "SYN-RCVD",
                _ => state.name(),
            };
            assert!(pane.contains(name), "{w}x{h}: no {name}\n{pane}");
        }
        // Twenty edges, each with its arrowhead.
        let heads = pane.chars().filter(|c| "▲▼◀▶".contains(*c)).count();
        assert!(heads >= 20, "{w}x{h}: {heads} arrowheads\n{pane}");
    }
    // The big screen also labels the edges with their event and action.
    let pane = machine_rows(&panel, Lang::En, 200, 50).join("\n");
    for label in [
        "rcv SYN / snd SYN,ACK",
        "rcv SYN,ACK",
        "snd ACK",
        "2MSL",
        "rcv RST",
    ] {
        assert!(pane.contains(label), "{label}\n{pane}");
    }
    // The server just took SYN-RECEIVED → ESTABLISHED (on the client's ACK):
    // that edge is drawn in the server's double line.
    assert!(pane.contains("╚══════════▶┃  ESTABLISHED  ║"), "{pane}");
}

#[test]
fn simultaneous_close_lights_fin_wait_1_to_closing_for_both_ends() {
    let mut panel = panel_at(Scenario::SimultaneousClose, 8, 0);
    panel.show_machine = true;
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let pane = machine_rows(&panel, Lang::En, w, h).join("\n");
        // One edge taken by both ends: heavy and double alternate along it,
        // and both ends are in CLOSING.
        assert!(
            pane.contains("━═━═") || pane.contains("═━═━") || pane.contains("┗▶┃CLOSING║"),
            "{w}x{h}\n{pane}"
        );
        assert!(
            pane.contains("┃CLOSING║") || pane.contains("┃    CLOSING    ║"),
            "{w}x{h}\n{pane}"
        );
    }
    // In the sequence diagram the two FINs cross: sent on one row from both
    // lifelines, an X below, and both arrive on the row after it.
    let rows = rows(&draw(&panel, Lang::En, 160, 48));
    let sent = rows
        .iter()
        .position(|r| r.matches("FIN,ACK seq=").count() == 2)
        .expect("both FINs leave on one row");
    assert!(rows[sent].contains("╲ ╱"), "{}", rows[sent]);
    assert!(rows[sent].starts_with("│FIN-WAIT-1") && rows[sent].contains("│ FIN-WAIT-1"));
    assert!(rows[sent + 1].contains('╳'), "{}", rows[sent + 1]);
    let arrived = &rows[sent + 2];
    assert!(
        arrived.contains("│◀") && arrived.contains("╱ ╲") && arrived.contains("▶│"),
        "{arrived}"
    );
    assert!(
        arrived.starts_with("│CLOSING") && arrived.contains("│ CLOSING"),
        "{arrived}"
    );
}

#[test]
fn syn_flood_lists_each_half_open_connection_and_the_queue_bound() {
    let panel = panel_at(Scenario::SynFlood, 9, 0);
    let forged: Vec<String> = panel
        .timeline
        .flights()
        .map(|(_, f)| f.segment.src.to_string())
        .filter(|a| a.starts_with("203.0.113."))
        .collect();
    assert_eq!(forged.len(), 2);
    for lang in Lang::ALL {
        let pane = machine_rows(&panel, lang, 120, 40);
        for (i, addr) in forged.iter().enumerate() {
            let row = pane
                .iter()
                .find(|r| r.contains(&format!(" {}. {addr}", i + 1)))
                .unwrap_or_else(|| panic!("{lang}: no row for {addr}\n{}", pane.join("\n")));
            assert!(row.contains("SYN-RECEIVED"), "{row}");
        }
        let pane = pane.join("\n");
        assert!(pane.contains("min(backlog, somaxconn)"), "{pane}");
        assert!(pane.contains("= min(2, 4096) = 2"), "{pane}");
        // The caption names each entry too, also where the pane is hidden.
        let narrow = text(&draw(&panel, lang, 80, 24));
        for addr in &forged {
            assert!(narrow.contains(&format!("■ {addr}")), "{narrow}");
        }
    }
}

#[test]
fn stepping_playing_and_speed_are_exact() {
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Handshake);
    let mut panel = HandshakePanel::default();
    assert_eq!(panel.source, Source::Scenario(Scenario::Normal));
    let total = panel.timeline.steps.len();
    panel.nav(Nav::Next, &mut c);
    panel.nav(Nav::Next, &mut c);
    assert_eq!(panel.at, 2);
    assert_eq!(
        panel.timeline.states_after(Some(1)).client,
        TcpState::SynSent
    );
    panel.nav(Nav::Prev, &mut c);
    assert_eq!(panel.at, 1);
    panel.nav(Nav::Last, &mut c);
    assert_eq!(panel.at, total);
    panel.nav(Nav::First, &mut c);
    assert_eq!(panel.at, 0);
    // Play at 4×: the whole scenario in a bounded number of ticks, then stop.
    for _ in 0..4 {
        panel.update(HandshakeMsg::Faster, &mut c);
    }
    panel.update(HandshakeMsg::PlayPause, &mut c);
    assert!(panel.wants_ticks());
    let mut ticks = 0;
    while panel.wants_ticks() && ticks < 10_000 {
        panel.tick(&mut c);
        ticks += 1;
    }
    assert_eq!(panel.at, total);
    assert!(!panel.wants_ticks(), "idle after the end");
    // 4× is 16× faster than 0.25×.
    let fast = ticks;
    let mut slow_panel = HandshakePanel::default();
    for _ in 0..4 {
        slow_panel.update(HandshakeMsg::Slower, &mut c);
    }
    slow_panel.update(HandshakeMsg::PlayPause, &mut c);
    let mut slow = 0;
    while slow_panel.wants_ticks() && slow < 100_000 {
        slow_panel.tick(&mut c);
        slow += 1;
    }
    assert!(
        slow >= fast * 15 && slow <= fast * 17,
        "slow {slow} fast {fast}"
    );
}

#[test]
fn lesson_arguments_open_scenarios() {
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Handshake);
    let mut panel = HandshakePanel::default();
    let parse = |arg: &str| {
        nettutor::lesson::PanelArg::parse(nettutor::lesson::PanelId::Handshake, arg, false)
    };
    panel.open(&parse("scenario=time-wait").unwrap(), &mut c);
    assert_eq!(panel.source, Source::Scenario(Scenario::TimeWait));
    let err = parse("scenario=bogus").unwrap_err();
    assert!(err.contains("bogus"), "{err}");
    // The picker: last row is the real mode; Esc closes it.
    panel.update(HandshakeMsg::Pick, &mut c);
    panel.nav(Nav::Up, &mut c);
    panel.nav(Nav::Enter, &mut c);
    assert_eq!(panel.source, Source::Scenario(Scenario::SynFlood));
    panel.update(HandshakeMsg::Pick, &mut c);
    assert!(panel.back(&mut c));
    assert!(panel.picker.is_none());
}

#[test]
fn real_mode_runs_in_the_background_and_reports_through_the_channel() {
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Handshake);
    let mut panel = HandshakePanel::default();
    panel.update(HandshakeMsg::Real, &mut c);
    assert!(panel.wants_ticks(), "ticks while the capture runs");
    let event = rx.recv_timeout(std::time::Duration::from_secs(15)).unwrap();
    let AppEvent::Job(Screen::Handshake, payload) = event else {
        panic!("unexpected event");
    };
    panel.job(payload, &mut c);
    assert!(!panel.wants_ticks());
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        assert_eq!(panel.source, Source::Real);
        assert!(panel.timeline.steps.len() >= 9);
        let shown = text(&draw(&panel, Lang::En, 160, 48));
        assert!(shown.contains("127.0.0.1"), "{shown}");
    } else {
        eprintln!("not root: checking the one-line remedy instead of a capture");
        let shown = text(&draw(&panel, Lang::En, 160, 48));
        assert!(shown.contains("setcap cap_net_raw+ep"), "{shown}");
    }
}

#[test]
fn without_privilege_the_panel_names_the_remedy_and_offers_scenarios() {
    use nettutor::ui::handshake::{RealCaptureError, RealCaptured};
    let (mut c, _rx) = panel_ctx(Lang::Zh, Screen::Handshake);
    let mut panel = HandshakePanel::default();
    panel.job(
        RealCaptured(Err(RealCaptureError::NoPermission)).into(),
        &mut c,
    );
    assert_eq!(panel.source, Source::Scenario(Scenario::Normal));
    assert_eq!(panel.picker, Some(0), "scenario picker offered");
    assert!(
        c.status
            .as_deref()
            .unwrap()
            .contains("setcap cap_net_raw+ep")
    );
    let shown = text(&draw(&panel, Lang::Zh, 80, 24));
    assert!(shown.contains("场景"), "{shown}");
    insta::assert_snapshot!("no_permission_zh_80x24", shown);
}

/// Arrow rows of the sequence diagram: rows with an arrow head (left of the
/// state machine's pane, which has arrowheads of its own).
fn arrow_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.split("││").next().unwrap_or(l))
        .filter(|l| l.contains('▶') || l.contains('◀'))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_wider_terminal_never_shows_less_on_the_arrows() {
    for lang in Lang::ALL {
        for (w, h) in [(80, 24), (100, 30), (120, 40), (160, 48), (200, 50)] {
            let panel = panel_at(Scenario::Normal, usize::MAX, 0);
            let screen = text(&draw(&panel, lang, w, h));
            let arrows = arrow_rows(&screen);
            assert!(arrows.len() >= 3, "{w}x{h}:\n{screen}");
            for row in &arrows {
                assert!(
                    row.contains("seq="),
                    "{lang} {w}x{h}: an arrow lost its seq:\n{screen}"
                );
                if !row.contains(" SYN seq") {
                    assert!(
                        row.contains("ack="),
                        "{lang} {w}x{h}: an ACK arrow lost its ack:\n{screen}"
                    );
                }
            }
        }
    }
}
