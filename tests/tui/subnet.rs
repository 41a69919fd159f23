//! The Subnet calculator panel on ratatui's TestBackend: snapshots in English and
//! Chinese at 80x24 and 160x48 (including the AND sweep's middle frame), styles of
//! network vs host bits, live validation, keys and the LAN hand-over.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::lesson::{PanelArg, PanelId};
use nettutor::ui::app::{Msg, Nav, Screen};
use nettutor::ui::panel::{Ctx, Panel, TextInput};
use nettutor::ui::subnet::{Pane, SubnetMsg, SubnetPanel};
use nettutor::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

fn opened(arg: &str) -> SubnetPanel {
    let mut panel = SubnetPanel::default();
    panel.open(
        &parsed(PanelId::Subnet, arg, false),
        &mut panel_ctx(Lang::En, Screen::Subnet).0,
    );
    panel
}

/// A lesson argument parsed by the panel's parser (as `lessons check` does).
fn parsed(panel: PanelId, arg: &str, expect_error: bool) -> PanelArg {
    PanelArg::parse(panel, arg, expect_error).unwrap()
}

fn sizes() -> [(u16, u16); 2] {
    [(80, 24), (160, 48)]
}

fn dark() -> Theme {
    Theme::named("dark").unwrap()
}

#[test]
fn textbook_snapshots_complete_and_middle_of_the_sweep() {
    for lang in Lang::ALL {
        for (w, h) in sizes() {
            let mut panel = opened("192.168.21.36/24");
            panel.nav(Nav::Last, &mut panel_ctx(lang, Screen::Subnet).0);
            let t = draw_panel(&panel, lang, &dark(), w, h);
            insta::assert_snapshot!(format!("textbook_{lang}_{w}x{h}"), t.backend());
            // The middle frame: half of the 32 AND steps done.
            panel.step = panel.steps.len() / 2;
            let t = draw_panel(&panel, lang, &dark(), w, h);
            insta::assert_snapshot!(format!("sweep_middle_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn same_network_split_vlsm_and_ipv6_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in sizes() {
            let cases = [
                (
                    "same",
                    "192.168.21.36/24 same=192.168.22.7 gateway=192.168.21.1",
                ),
                ("split", "10.0.0.0/8 split=30"),
                ("vlsm", "192.168.1.0/24 vlsm=50,20,10,2"),
                ("ipv6", "2001:db8::1/64"),
            ];
            for (name, arg) in cases {
                let mut panel = opened(arg);
                panel.nav(Nav::Last, &mut panel_ctx(lang, Screen::Subnet).0);
                let t = draw_panel(&panel, lang, &dark(), w, h);
                insta::assert_snapshot!(format!("{name}_{lang}_{w}x{h}"), t.backend());
            }
        }
    }
}

#[test]
fn typing_an_error_shows_where() {
    let mut panel = SubnetPanel::default();
    let mut c = panel_ctx(Lang::En, Screen::Subnet).0;
    panel.update(SubnetMsg::Edit, &mut c);
    assert!(panel.captures_text());
    // Clear the line, then type an address with a bad octet.
    panel.text_key(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        &mut c,
    );
    for ch in "192.168.300.1/24".chars() {
        let r = panel.text_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE), &mut c);
        assert_eq!(r, TextInput::Consumed(None));
    }
    let err = panel.error.clone().unwrap();
    assert_eq!(err.column(), Some(9));
    let t = draw_panel(&panel, Lang::En, &dark(), 80, 24);
    insta::assert_snapshot!("typing_error_en_80x24", t.backend());
    // Fixing it makes the input valid again, live.
    for _ in 0.."300.1/24".len() {
        panel.text_key(
            KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
            &mut c,
        );
    }
    for ch in "30.1/24".chars() {
        panel.text_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE), &mut c);
    }
    assert!(panel.error.is_none());
    // The rows change when the student confirms the input with Enter.
    assert_eq!(panel.facts.network.to_string(), "192.168.21.0/24");
    panel.text_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), &mut c);
    assert!(!panel.captures_text());
    assert_eq!(panel.facts.network.to_string(), "192.168.30.0/24");
}

/// The screen column where `needle` starts in a row of cell symbols.
fn column_of(row: &str, needle: &str) -> u16 {
    let byte = row.find(needle).unwrap();
    u16::try_from(row[..byte].chars().count()).unwrap()
}

/// The cells of the address row's bits: (network bit cell, host bit cell).
fn bit_cells(buf: &Buffer, prefix_col: u16) -> (ratatui::style::Style, ratatui::style::Style) {
    // Row 3 of the screen: border, input, status, then the address row.
    let y = 3;
    let row: String = (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect();
    assert!(row.contains("11000000.10101000.00010101.00100100"), "{row}");
    let start = column_of(&row, "11000000");
    let net = buf[(start, y)].style();
    let host = buf[(start + prefix_col, y)].style();
    (net, host)
}

#[test]
fn network_and_host_bits_are_styled_differently_with_and_without_colour() {
    let mut panel = opened("192.168.21.36/24");
    panel.nav(Nav::Last, &mut panel_ctx(Lang::En, Screen::Subnet).0);
    // Bit 25 (the first host bit) is at column 24 + 3 separators.
    for theme in ["dark", "light", "high-contrast", "mono"] {
        let theme = Theme::named(theme).unwrap();
        let t = draw_panel(&panel, Lang::En, &theme, 80, 24);
        let (net, host) = bit_cells(t.backend().buffer(), 27);
        assert_ne!(
            net, host,
            "{}: network and host bits look the same",
            theme.name
        );
        assert_eq!(net.add_modifier, theme.net_bits.add_modifier);
        assert_eq!(host.add_modifier, theme.host_bits.add_modifier);
    }
    let mono = Theme::named("mono").unwrap();
    let t = draw_panel(&panel, Lang::En, &mono, 80, 24);
    let (net, host) = bit_cells(t.backend().buffer(), 27);
    // No colour at all: the difference is in the modifiers alone.
    for style in [net, host] {
        assert!(matches!(style.fg, None | Some(Color::Reset)), "{style:?}");
    }
    assert!(
        net.add_modifier
            .contains(Modifier::BOLD | Modifier::UNDERLINED)
    );
    assert!(host.add_modifier.contains(Modifier::DIM));
}

#[test]
fn sweep_steps_play_and_stop_at_the_end() {
    let mut panel = opened("10.1.2.3/8");
    let mut c = panel_ctx(Lang::En, Screen::Subnet).0;
    assert_eq!(panel.step, 0, "a lesson opens at the start of the sweep");
    panel.nav(Nav::Next, &mut c);
    panel.nav(Nav::Next, &mut c);
    assert_eq!(panel.step, 2);
    panel.nav(Nav::Prev, &mut c);
    assert_eq!(panel.step, 1);
    panel.update(SubnetMsg::PlayPause, &mut c);
    assert!(panel.wants_ticks());
    for _ in 0..1000 {
        panel.tick(&mut c);
    }
    assert!(!panel.wants_ticks(), "idle after the last step");
    assert_eq!(panel.step, panel.steps.len() - 1);
    // Playing again from the end restarts.
    panel.update(SubnetMsg::PlayPause, &mut c);
    assert_eq!(panel.step, 0);
}

/// The LAN panel opened on a parsed argument, as the app does on `g`.
fn lan_opened_on(arg: &PanelArg) -> nettutor::ui::lan::LanPanel {
    let mut lan = nettutor::ui::lan::LanPanel::default();
    lan.open(arg, &mut panel_ctx(Lang::En, Screen::Subnet).0);
    lan
}

/// Every step's frame, dissected.
fn lan_frames(lan: &mut nettutor::ui::lan::LanPanel) -> Vec<nettutor::net::frame::Dissection> {
    let mut out = Vec::new();
    let mut c = panel_ctx(Lang::En, Screen::Subnet).0;
    lan.nav(Nav::First, &mut c);
    for _ in 0..lan.step_count() {
        if let Some(frame) = lan.step().and_then(|s| s.frame.clone()) {
            out.push(nettutor::net::frame::dissect(&frame));
        }
        lan.nav(Nav::Next, &mut c);
    }
    out
}

fn shown(d: &nettutor::net::frame::Dissection, id: &str) -> String {
    d.field(id).map(|f| f.shown.clone()).unwrap_or_default()
}

#[test]
fn lan_key_simulates_the_students_own_addresses() {
    let mut c = panel_ctx(Lang::En, Screen::Subnet).0;
    // Same network: A ARPs for B itself, and the datagram goes to B's MAC.
    let mut same = opened("10.20.30.40/27 same=10.20.30.50 gateway=10.20.30.33");
    assert_eq!(same.pane, Pane::Same);
    // The student's case travels typed, not as text to parse again.
    let Some(Msg::OpenArg(arg)) = same.update(SubnetMsg::OpenLan, &mut c) else {
        panic!("g opens a panel");
    };
    assert_eq!(arg.panel(), PanelId::Lan);
    let mut lan = lan_opened_on(&arg);
    let check = lan.step().unwrap().check.unwrap();
    assert!(check.same);
    assert_eq!(check.own_ip.to_string(), "10.20.30.40");
    assert_eq!(check.mask.to_string(), "255.255.255.224");
    let frames = lan_frames(&mut lan);
    assert_eq!(shown(&frames[0], "arp.src.proto_ipv4"), "10.20.30.40");
    assert_eq!(shown(&frames[0], "arp.dst.proto_ipv4"), "10.20.30.50");
    let udp = frames.iter().find(|d| d.field("ip.dst").is_some()).unwrap();
    assert_eq!(shown(udp, "ip.dst"), "10.20.30.50");

    // Another network (with A's /27): A ARPs for its gateway; the IP stays B's.
    let mut other = opened("10.20.30.40/27 same=10.20.30.99 gateway=10.20.30.33");
    let Some(Msg::OpenArg(arg)) = other.update(SubnetMsg::OpenLan, &mut c) else {
        panic!("g opens a panel");
    };
    let mut lan = lan_opened_on(&arg);
    let check = lan.step().unwrap().check.unwrap();
    assert!(!check.same);
    assert_eq!(check.dst_net.to_string(), "10.20.30.96");
    let frames = lan_frames(&mut lan);
    assert_eq!(shown(&frames[0], "arp.dst.proto_ipv4"), "10.20.30.33");
    let udp = frames.iter().find(|d| d.field("ip.dst").is_some()).unwrap();
    assert_eq!(shown(udp, "ip.dst"), "10.20.30.99");
    assert_eq!(shown(udp, "ip.src"), "10.20.30.40");
    // The screen names the student's addresses, not the canned 192.168.1.x.
    lan.nav(Nav::First, &mut panel_ctx(Lang::En, Screen::Lan).0);
    let t = draw_panel(&lan, Lang::En, &dark(), 120, 40);
    let screen = format!("{}", t.backend());
    assert!(screen.contains("10.20.30.40"), "{screen}");
    assert!(!screen.contains("192.168.1."), "{screen}");

    let mut none = opened("192.168.21.36/24");
    assert_eq!(none.update(SubnetMsg::OpenLan, &mut c), None);
    assert!(c.status.is_some());
    // An unusable gateway is said, not simulated.
    let mut c = panel_ctx(Lang::En, Screen::Subnet).0;
    let mut bad_gw = opened("10.20.30.40/27 same=10.20.30.99 gateway=10.20.30.63");
    assert_eq!(bad_gw.update(SubnetMsg::OpenLan, &mut c), None);
    assert!(c.status.unwrap().contains("10.20.30.63"));
}

#[test]
fn prefix_keys_and_bad_open_args() {
    let mut c = panel_ctx(Lang::En, Screen::Subnet).0;
    let mut panel = opened("192.168.21.36/24 same=192.168.21.99");
    panel.update(SubnetMsg::PrefixLonger, &mut c);
    assert_eq!(panel.input, "192.168.21.36/25 same=192.168.21.99");
    assert_eq!(panel.facts.network.to_string(), "192.168.21.0/25");
    panel.update(SubnetMsg::PrefixShorter, &mut c);
    panel.update(SubnetMsg::PrefixShorter, &mut c);
    assert_eq!(panel.facts.network.to_string(), "192.168.20.0/23");
    // A wrong prefix in a lesson's argument is shown in the panel, at its column.
    panel.open(&parsed(PanelId::Subnet, "10.0.0.1/33", true), &mut c);
    let err = panel.error.clone().unwrap();
    assert!(err.to_string().contains("column 10"), "{err}");
    panel.open(
        &parsed(PanelId::Subnet, "10.0.0.1/24", false),
        &mut panel_ctx(Lang::Zh, Screen::Subnet).0,
    );
    assert!(panel.error.is_none());
    assert_eq!(panel.facts.network.to_string(), "10.0.0.0/24");
}

#[test]
fn huge_split_list_scrolls_without_building_it() {
    let mut panel = opened("::/0 split=128");
    assert_eq!(panel.pane, Pane::Split);
    let mut c = panel_ctx(Lang::En, Screen::Subnet).0;
    panel.scroll = u128::MAX - 5;
    panel.nav(Nav::Down, &mut c);
    let t = draw_panel(&panel, Lang::En, &dark(), 160, 48);
    let text = format!("{}", t.backend());
    assert!(
        text.contains("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
        "{text}"
    );
}

#[test]
fn the_bit_being_computed_is_highlighted() {
    let mut panel = opened("192.168.21.36/24");
    panel.step = 18; // computing bit 18 (index 17)
    assert_eq!(panel.current_step().unwrap().cursor, Some(17));
    let theme = dark();
    let t = draw_panel(&panel, Lang::En, &theme, 80, 24);
    let buf = t.backend().buffer();
    let y = 3;
    let row: String = (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect();
    let start = column_of(&row, "11000000");
    // Index 17 sits after two '.' separators.
    let cursor = buf[(start + 19, y)].style();
    let before = buf[(start + 18, y)].style();
    assert_eq!(cursor.bg, theme.selected.bg);
    assert_ne!(before.bg, theme.selected.bg);
    // The AND row shows the first 18 result bits, then dots.
    let and_row: String = (0..buf.area.width)
        .map(|x| buf[(x, y + 2)].symbol().to_string())
        .collect();
    assert!(
        and_row.contains("11000000.10101000.00······.········"),
        "{and_row}"
    );
}

#[test]
fn in_the_app_keys_reach_the_panel_and_g_opens_the_lan_panel() {
    let mut app = app(Lang::En);
    let press = press_with;
    press(&mut app, KeyCode::Char('5'), KeyModifiers::NONE);
    assert_eq!(app.screen(), Screen::Subnet);
    press(&mut app, KeyCode::Char('e'), KeyModifiers::NONE);
    assert!(app.subnet().editing);
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    // 'q' is typed while editing, not "quit".
    for ch in "10.0.0.1/24 same=10.0.1.1 q".chars() {
        press(&mut app, KeyCode::Char(ch), KeyModifiers::NONE);
    }
    assert!(!app.quitting());
    assert!(app.subnet().error.is_some(), "'q' is not an option");
    press(&mut app, KeyCode::Backspace, KeyModifiers::NONE);
    press(&mut app, KeyCode::Backspace, KeyModifiers::NONE);
    assert!(app.subnet().error.is_none(), "{:?}", app.subnet().error);
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(!app.subnet().editing);
    press(&mut app, KeyCode::Char('s'), KeyModifiers::NONE);
    assert_eq!(app.subnet().pane, Pane::Same);
    press(&mut app, KeyCode::Char('p'), KeyModifiers::NONE);
    assert!(app.wants_ticks());
    press(&mut app, KeyCode::Char('p'), KeyModifiers::NONE);
    assert!(!app.wants_ticks());
    press(&mut app, KeyCode::Char('g'), KeyModifiers::NONE);
    assert_eq!(app.screen(), Screen::Lan);
    // The LAN panel simulates the typed case: 10.0.1.1 is beyond A's /24.
    let case = app.lan().case.unwrap();
    assert_eq!(case.to_string(), "own=10.0.0.1/24 dst=10.0.1.1");
    assert!(!case.same_network());
}

#[test]
fn a_lesson_may_open_on_a_refused_mask_and_the_panel_shows_why() {
    for lang in Lang::ALL {
        let mut panel = SubnetPanel::default();
        panel.open(
            &parsed(PanelId::Subnet, "192.168.21.36 255.0.255.0", true),
            &mut panel_ctx(lang, Screen::Subnet).0,
        );
        let err = panel.error.clone().unwrap();
        assert_eq!(err.column(), Some(21), "the octet holding bit 17");
        let t = draw_panel(&panel, lang, &dark(), 80, 24);
        insta::assert_snapshot!(format!("refused_mask_{lang}_80x24"), t.backend());
    }
    // Bad options are the lesson author's mistake: refused with a message.
    let err = PanelArg::parse(PanelId::Subnet, "192.168.21.36/24 colour=red", true).unwrap_err();
    assert!(err.contains("unknown option 'colour'"), "{err}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever is typed, at whatever size, drawing never panics.
    #[test]
    fn any_input_draws_at_any_size(
        text in "[0-9a-fA-F:./ =,%é中-]{0,70}",
        w in 1u16..170,
        h in 1u16..50,
        step in 0usize..140,
        lang in proptest::prop_oneof![proptest::strategy::Just(Lang::En), proptest::strategy::Just(Lang::Zh)],
    ) {
        let mut panel = SubnetPanel::default();
        panel.set_input(&text);
        panel.step = step.min(panel.steps.len().saturating_sub(1));
        panel.scroll = u128::from(step as u64) * 1_000_000_007;
        for pane in [Pane::Facts, Pane::Same, Pane::Split, Pane::Vlsm] {
            panel.pane = pane;
            let _ = draw_panel(&panel, lang, &dark(), w, h);
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Valid inputs of both IP versions, every pane, any size: drawing never panics.
    #[test]
    fn valid_inputs_draw_at_any_size(
        a in proptest::prelude::any::<u128>(),
        v6 in proptest::prelude::any::<bool>(),
        prefix in 0u8..=128,
        extra in 0u8..=10,
        w in 1u16..170,
        h in 1u16..50,
        step in 0usize..140,
    ) {
        let (address, max) = if v6 {
            (std::net::IpAddr::V6(std::net::Ipv6Addr::from(a)), 128)
        } else {
            (std::net::IpAddr::V4(std::net::Ipv4Addr::from(a as u32)), 32)
        };
        let p = prefix.min(max);
        let split = (p + extra).min(max);
        let other = match address {
            std::net::IpAddr::V4(v) => std::net::IpAddr::V4(std::net::Ipv4Addr::from(u32::from(v) ^ 0x0000_0f0f)),
            std::net::IpAddr::V6(v) => std::net::IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v) ^ 0xf0f0)),
        };
        let mut panel = SubnetPanel::default();
        panel.set_input(&format!("{address}/{p} same={other} split={split}"));
        proptest::prop_assert!(panel.error.is_none(), "{:?}", panel.error);
        panel.step = step.min(panel.steps.len().saturating_sub(1));
        panel.scroll = u128::from(step as u64) << 100;
        for pane in [Pane::Facts, Pane::Same, Pane::Split, Pane::Vlsm] {
            panel.pane = pane;
            let _ = draw_panel(&panel, Lang::Zh, &dark(), w, h);
        }
    }
}

fn type_text(panel: &mut SubnetPanel, text: &str, c: &mut Ctx) {
    for ch in text.chars() {
        panel.text_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE), c);
    }
}

fn press_enter(panel: &mut SubnetPanel, c: &mut Ctx) {
    panel.text_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), c);
}

#[test]
fn rows_show_the_last_confirmed_input_not_the_last_valid_keystroke() {
    for lang in Lang::ALL {
        let mut c = panel_ctx(lang, Screen::Subnet).0;
        let mut panel = SubnetPanel::default();
        panel.update(SubnetMsg::Edit, &mut c);
        panel.text_key(
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            &mut c,
        );
        // On the way, "192.168.9.9 25" is a valid /25: nobody asked for it.
        type_text(&mut panel, "192.168.9.9 255.255.0.255", &mut c);
        assert!(panel.error.is_some());
        assert_eq!(panel.facts.network.to_string(), "192.168.21.0/24");
        let screen = format!("{}", draw_panel(&panel, lang, &dark(), 120, 40).backend());
        assert!(!screen.contains("/25"), "{screen}");
        assert!(screen.contains("192.168.21.36/24"), "{screen}");
        // Enter on a refused input changes nothing shown and keeps the line.
        press_enter(&mut panel, &mut c);
        assert!(panel.captures_text());
        assert_eq!(panel.facts.network.to_string(), "192.168.21.0/24");
        // A valid input is shown only once confirmed.
        panel.text_key(
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            &mut c,
        );
        type_text(&mut panel, "10.1.0.0/16 vlsm=500,20", &mut c);
        assert!(panel.error.is_none());
        assert!(panel.request.vlsm.is_none(), "no plan before Enter");
        press_enter(&mut panel, &mut c);
        assert!(!panel.captures_text());
        assert_eq!(panel.facts.network.to_string(), "10.1.0.0/16");
        assert!(panel.request.vlsm.is_some());
        // Half-typed VLSM list after that: the plan stays the confirmed one.
        panel.update(SubnetMsg::Edit, &mut c);
        type_text(&mut panel, "0,x", &mut c);
        assert!(panel.error.is_some());
        let plan = panel.request.vlsm_plan().unwrap().unwrap();
        assert_eq!(plan.allocations.len(), 2, "plan of 500,20 only");
    }
}

#[test]
fn refused_input_says_which_input_the_rows_show() {
    let mut c = panel_ctx(Lang::En, Screen::Subnet).0;
    let mut panel = opened("192.168.21.36/24");
    panel.update(SubnetMsg::Edit, &mut c);
    type_text(&mut panel, " same=1.2.3", &mut c);
    let t = draw_panel(&panel, Lang::En, &dark(), 80, 24);
    insta::assert_snapshot!("refused_shows_confirmed_en_80x24", t.backend());
    let t = draw_panel(&panel, Lang::Zh, &dark(), 80, 24);
    insta::assert_snapshot!("refused_shows_confirmed_zh_80x24", t.backend());
}
