//! The OSI & encapsulation panel and the LAN / ARP panel on ratatui's TestBackend:
//! keys → state, snapshots at 80x24 and 160x48 in English and Chinese, colour
//! checks where colour carries meaning, and `w` writing a pcap tshark-clean file.

use crate::common;

use common::tui::*;
use nettutor::i18n::Lang;
use nettutor::lesson::{LessonSet, LessonSource};
use nettutor::net::pcap::read_pcap;
use nettutor::ui::app::{App, Screen};
use nettutor::ui::theme::Theme;
use ratatui::crossterm::event::KeyCode;

#[test]
fn osi_layers_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = app(lang);
            press_all(
                &mut a,
                &[
                    KeyCode::Char('2'),
                    KeyCode::Down,
                    KeyCode::Down,
                    KeyCode::Down,
                    KeyCode::Down,
                    KeyCode::Down,
                ],
            );
            assert_eq!(a.screen(), Screen::Osi);
            assert_eq!(a.osi().layer, 2);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("osi_layers_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn osi_encapsulation_snapshots() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = app(lang);
            // Open the stepper, step down to the transport layer, select the flags.
            press_all(&mut a, &[KeyCode::Char('2'), KeyCode::Tab, KeyCode::Right]);
            for _ in 0..6 {
                press_all(&mut a, &[KeyCode::Down]);
            }
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("osi_encap_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn typing_a_message_and_toggling_protocols_rebuilds_the_frame() {
    let mut a = app(Lang::En);
    press_all(&mut a, &[KeyCode::Char('2'), KeyCode::Char('m')]);
    press_all(&mut a, &[KeyCode::Backspace; 5]);
    type_str(&mut a, "hi q"); // 'q' is text here, not quit
    press_all(
        &mut a,
        &[KeyCode::Enter, KeyCode::Char('t'), KeyCode::Char('i')],
    );
    assert!(!a.quitting());
    assert_eq!(a.osi().message, "hi q");
    let e = a.osi().encapsulation().unwrap();
    // UDP over IPv6: 14 + 40 + 8 + 4 bytes.
    assert_eq!(e.frame.len(), 66);
    assert_eq!(&e.frame[62..], b"hi q");
    press_all(&mut a, &[KeyCode::End]);
    assert_eq!(a.osi().step, 9);
    assert_eq!(a.osi().inspector().unwrap().bytes(), b"hi q");
}

#[test]
fn the_inspector_highlights_the_selected_fields_bytes_in_the_hex_dump() {
    let mut a = app(Lang::En);
    press_all(
        &mut a,
        &[
            KeyCode::Char('2'),
            KeyCode::Tab,
            KeyCode::Right,
            KeyCode::Right,
            KeyCode::Right,
        ],
    );
    assert_eq!(a.osi().step, 3); // the frame, with padding and FCS
    while a.osi().inspector().unwrap().selected_field().map(|f| f.id) != Some("eth.type") {
        press_all(&mut a, &[KeyCode::Down]);
    }
    let t = terminal(&mut a, 80, 24);
    let buf = t.backend().buffer();
    let theme = Theme::named("dark").unwrap();
    // Find the hex row "0000" and check bytes 12..14 ("08 00") are selected, 0..12 are link-coloured.
    let row = (0..24)
        .find(|y| {
            buf[(0, *y)].symbol() == "0"
                && buf[(3, *y)].symbol() == "0"
                && buf[(6, *y)].symbol() == "0"
        })
        .unwrap();
    let cell_of = |byte: u16| 6 + byte * 3 + u16::from(byte >= 8);
    assert_eq!(buf[(cell_of(12), row)].symbol(), "0");
    assert_eq!(buf[(cell_of(12) + 1, row)].symbol(), "8");
    assert_eq!(buf[(cell_of(12), row)].style().fg, theme.selected.fg);
    assert_eq!(buf[(cell_of(12), row)].style().bg, theme.selected.bg);
    assert_eq!(buf[(cell_of(0), row)].style().fg, theme.layer_link.fg);
    assert_eq!(buf[(cell_of(14), row)].style().fg, theme.layer_network.fg);
    assert_ne!(theme.layer_link.fg, theme.layer_network.fg);
}

#[test]
fn lan_snapshots_in_both_scenarios() {
    for lang in Lang::ALL {
        for (w, h) in SIZES {
            let mut a = app(lang);
            press_all(
                &mut a,
                &[KeyCode::Char('3'), KeyCode::Right, KeyCode::Right],
            );
            assert_eq!(a.screen(), Screen::Lan);
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("lan_same_network_{lang}_{w}x{h}"), t.backend());
            press_all(
                &mut a,
                &[
                    KeyCode::Char('s'),
                    KeyCode::End,
                    KeyCode::Left,
                    KeyCode::Enter,
                    KeyCode::Down,
                ],
            );
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("lan_via_gateway_{lang}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn lan_plays_to_the_end_with_ticks_and_then_stops() {
    let mut a = app(Lang::En);
    press_all(&mut a, &[KeyCode::Char('3'), KeyCode::Char('p')]);
    assert!(a.lan().playing);
    for _ in 0..1000 {
        a.tick();
    }
    assert!(!a.lan().playing);
    assert_eq!(a.lan().cursor, a.lan().step_count() - 1);
    press_all(&mut a, &[KeyCode::Home]);
    assert_eq!(a.lan().cursor, 0);
}

#[test]
fn w_writes_the_panels_frames_as_pcap_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_exporting_to(Lang::En, dir.path());
    press_all(
        &mut a,
        &[KeyCode::Char('2'), KeyCode::Char('t'), KeyCode::Char('w')],
    );
    let osi_file = dir.path().join("nettutor-encapsulation-udp-ipv4.pcap");
    assert!(
        a.status()
            .unwrap()
            .contains(&osi_file.display().to_string()),
        "{:?}",
        a.status()
    );
    assert_eq!(
        read_pcap(&osi_file).unwrap()[0].data,
        a.osi().encapsulation().unwrap().frame
    );
    press_all(
        &mut a,
        &[KeyCode::Char('3'), KeyCode::Char('s'), KeyCode::Char('w')],
    );
    let lan_file = dir.path().join("nettutor-arp-via-gateway.pcap");
    assert_eq!(read_pcap(&lan_file).unwrap().len(), 3);
    assert!(
        a.status()
            .unwrap()
            .contains("nettutor-arp-via-gateway.pcap")
    );
}

#[test]
fn lesson_arguments_open_the_panels_in_the_asked_state() {
    use nettutor::lesson::panel::PanelId;
    let mut a = app(Lang::Zh);
    common::tui::open_panel(&mut a, PanelId::Osi, "encap message=hey proto=udp ip=v6");
    assert_eq!(a.osi().message, "hey");
    assert_eq!(
        a.osi().encapsulation().unwrap().frame.len(),
        14 + 40 + 8 + 3
    );
    // A refused argument never reaches the panel: the parser `lessons check`
    // uses says why.
    let refused = nettutor::lesson::PanelArg::parse(PanelId::Osi, "layer=9", false);
    assert!(refused.unwrap_err().contains("layer='9' must be 1 to 7"));
    common::tui::open_panel(&mut a, PanelId::Lan, "scenario=via-gateway");
    assert_eq!(
        a.lan().scenario,
        nettutor::net::arp::LanScenario::ViaGateway
    );
}

#[test]
fn every_shipped_lesson_step_opens_these_panels_without_error() {
    use nettutor::lesson::panel::PanelId;
    use nettutor::ui::app::Msg;
    let shipped = LessonSet::load(&LessonSource::Embedded).unwrap();
    let mut opened = 0;
    for lesson in &shipped.lessons {
        for step in &lesson.steps {
            let Some(link) = &step.panel else { continue };
            if !matches!(link.panel, PanelId::Osi | PanelId::Lan) {
                continue;
            }
            let mut a = app(Lang::En);
            a.update(Msg::OpenArg(link.open.clone()));
            assert_eq!(a.status(), None, "{}: {}", lesson.id, link.arg);
            opened += 1;
        }
    }
    assert!(opened > 0);
}

#[test]
fn the_physical_step_opens_in_the_bits_view() {
    let mut a = app(Lang::En);
    press_all(&mut a, &[KeyCode::Char('2'), KeyCode::Tab]);
    press_all(&mut a, &[KeyCode::Right; 4]);
    assert!(a.osi().inspector().unwrap().bits());
    let t = terminal(&mut a, 80, 24);
    let text: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    // Preamble bytes 0x55 and the SFD 0xd5 as bits.
    assert!(text.contains("01010101 01010101"), "{text}");
    assert!(text.contains("11010101"));
}

#[test]
fn broadcast_and_unicast_links_are_drawn_in_their_own_styles() {
    let theme = Theme::named("dark").unwrap();
    let mut a = app(Lang::En);
    press_all(&mut a, &[KeyCode::Char('3'), KeyCode::Right]);
    let link_style = |a: &mut App, port_col: u16| {
        let t = terminal(a, 80, 24);
        let buf = t.backend().buffer().clone();
        let row = (0..24)
            .find(|y| buf[(1, *y)].symbol() == "┃" || buf[(1, *y)].symbol() == "│")
            .unwrap();
        (
            buf[(port_col, row)].symbol().to_string(),
            buf[(port_col, row)].style().fg,
        )
    };
    // Step 2: the ARP request is flooded: every port's link in the broadcast style.
    assert_eq!(
        link_style(&mut a, 21),
        ("┃".to_string(), theme.broadcast.fg)
    );
    assert_eq!(
        link_style(&mut a, 41),
        ("┃".to_string(), theme.broadcast.fg)
    );
    // Step 4: the reply is unicast: only A's port (and B's, the sender) light up.
    press_all(&mut a, &[KeyCode::Right, KeyCode::Right]);
    assert_eq!(link_style(&mut a, 1), ("┃".to_string(), theme.unicast.fg));
    assert_eq!(link_style(&mut a, 41).0, "│");
    assert_ne!(theme.broadcast.fg, theme.unicast.fg);
}

#[test]
fn while_playing_the_frame_moves_from_the_sender_toward_the_receivers() {
    let mut a = app(Lang::En);
    press_all(
        &mut a,
        &[KeyCode::Char('3'), KeyCode::Right, KeyCode::Char('p')],
    );
    assert_eq!(a.lan().cursor, 1);
    let markers = |a: &mut App| {
        let t = terminal(a, 80, 24);
        let buf = t.backend().buffer().clone();
        let row = (0..24)
            .find(|y| buf[(1, *y)].symbol() == "└" || buf[(1, *y)].symbol() == "●")
            .unwrap();
        (0..80)
            .filter(|x| buf[(*x, row)].symbol() == "●")
            .collect::<Vec<u16>>()
    };
    // At the start all three copies of the broadcast sit at A's port (column 1).
    assert_eq!(markers(&mut a), [1]);
    for _ in 0..15 {
        a.tick();
    }
    // Halfway: one copy per out port, between A and ports 2, 3, 4 (columns 21, 41, 61).
    assert_eq!(markers(&mut a), [11, 21, 31]);
    press_all(&mut a, &[KeyCode::Char('p')]);
    assert!(markers(&mut a).is_empty());
}

#[test]
fn every_key_of_these_panels_has_help_in_both_languages() {
    for binding in nettutor::ui::osi::KEYS
        .iter()
        .chain(nettutor::ui::lan::KEYS)
    {
        assert!(nettutor::i18n::has(binding.help), "{}", binding.help);
        for lang in Lang::ALL {
            assert_ne!(nettutor::i18n::t(lang, binding.help), binding.help);
        }
    }
}

#[test]
fn bracket_keys_point_at_bytes_and_name_their_field() {
    let mut a = app(Lang::En);
    press_all(&mut a, &[KeyCode::Char('3'), KeyCode::Right]);
    // From the first row (Ethernet header, byte 0) to byte 12: the EtherType.
    for _ in 0..12 {
        press_all(&mut a, &[KeyCode::Char(']')]);
    }
    let inspector = a.lan().inspector().unwrap();
    assert_eq!(inspector.byte_cursor(), Some(12));
    assert_eq!(inspector.selected_line(Lang::En), "Type: 0x0806 (ARP)");
    let t = terminal(&mut a, 160, 48);
    let text: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("▶ Type: 0x0806 (ARP)"));
}

#[test]
fn lan_explanations_are_whole_at_60x20() {
    use nettutor::ui::app::Nav;
    use nettutor::ui::lan::{LanMsg, LanPanel};
    use nettutor::ui::panel::Panel;
    let theme = Theme::named("dark").unwrap();
    for lang in Lang::ALL {
        let (mut c, _rx) = panel_ctx(lang, Screen::Lan);
        let mut panel = LanPanel::default();
        for _scenario in 0..2 {
            panel.nav(Nav::First, &mut c);
            for _ in 0..panel.step_count() {
                let caption = panel.step().unwrap().caption.text(lang);
                // The body of a 60x20 terminal: tabs, status and hints take 3 rows.
                let t = draw_panel(&panel, lang, &theme, 60, 17);
                let buf = t.backend().buffer();
                let screen: String = (0..buf.area.height)
                    .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
                    .map(|(x, y)| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .split_whitespace()
                    .collect();
                let want: String = caption.split_whitespace().collect();
                assert!(
                    screen.contains(&want),
                    "{lang} step {}: caption cut:\n{caption}\n{}",
                    panel.cursor,
                    t.backend()
                );
                panel.nav(Nav::Next, &mut c);
            }
            panel.update(LanMsg::NextScenario, &mut c);
        }
    }
}

#[test]
fn w_never_overwrites_an_earlier_export_and_names_the_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_exporting_to(Lang::En, dir.path());
    let mut written = Vec::new();
    for screen in ['2', '3', '4'] {
        for _ in 0..2 {
            press_all(&mut a, &[KeyCode::Char(screen), KeyCode::Char('w')]);
            let status = a.status().unwrap().to_string();
            let path: String = status
                .split_whitespace()
                .find(|w| w.contains(".pcap"))
                .unwrap()
                .trim_end_matches(['.', ','])
                .to_string();
            assert!(std::path::PathBuf::from(&path).is_absolute(), "{status}");
            assert!(
                std::path::PathBuf::from(&path).starts_with(dir.path()),
                "{status}"
            );
            assert!(!read_pcap(std::path::Path::new(&path)).unwrap().is_empty());
            written.push(path);
        }
    }
    let mut unique = written.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 6, "{written:?}");
}

#[test]
fn the_handshake_hint_bar_names_the_inspector_keys_at_80x24() {
    for lang in Lang::ALL {
        let mut a = app(lang);
        press_all(&mut a, &[KeyCode::Char('4'), KeyCode::End]);
        let hints = |a: &mut App| {
            render(a, 80, 24)
                .lines()
                .last()
                .unwrap_or_default()
                .to_string()
        };
        let closed = hints(&mut a);
        assert!(closed.contains("i "), "{lang}: {closed}");
        press(&mut a, KeyCode::Char('i'));
        let open = hints(&mut a);
        for key in ["i ", "[ ", "] ", "Esc "] {
            assert!(open.contains(key), "{lang}: '{key}' missing: {open}");
        }
        // `b` (bits) joins them as soon as there is room.
        let wide = render(&mut a, 100, 30);
        let wide = wide.lines().last().unwrap_or_default();
        assert!(wide.contains("b "), "{lang}: {wide}");
    }
}

/// The bar's last row, at `w` columns.
fn hint_bar(a: &mut App, w: u16) -> String {
    render(a, w, 24)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_hint_bar_always_names_quit_help_and_back_on_every_screen() {
    for lang in Lang::ALL {
        for &screen in Screen::ALL {
            for w in [60, 80] {
                let mut a = app(lang);
                press(
                    &mut a,
                    KeyCode::Char(char::from(b'0' + screen.number() as u8)),
                );
                assert_eq!(a.screen(), screen);
                let bar = hint_bar(&mut a, w);
                for key in ["q ", "? ", "Esc "] {
                    assert!(
                        bar.contains(key),
                        "{lang} {screen:?} at {w}: '{key}' missing: {bar}"
                    );
                }
            }
        }
    }
}

#[test]
fn while_reading_a_lesson_the_hint_bar_names_the_next_step() {
    for lang in Lang::ALL {
        let mut a = app(lang);
        press_all(&mut a, &[KeyCode::Char('1'), KeyCode::Enter]);
        assert!(a.reader().open.is_some());
        for w in [60, 80] {
            let bar = hint_bar(&mut a, w);
            for key in ["q ", "? ", "→ ", "Esc "] {
                assert!(bar.contains(key), "{lang} at {w}: '{key}' missing: {bar}");
            }
        }
    }
}
