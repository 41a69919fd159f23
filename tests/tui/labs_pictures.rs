//! The Labs panel drawn from RECORDED event streams (no sockets): every lab's
//! live picture and summary, in English and Chinese, at 80x24 and 160x48; plus
//! style checks where colour carries the meaning (the sticky picture's send and
//! receive rows share each send's colour).

use crate::common;
use crate::labs_fixtures::*;

use common::tui::*;
use nettutor::i18n::Lang;
use ratatui::buffer::Buffer;

#[test]
fn every_lab_picture_from_a_recorded_stream() {
    for (name, run) in all_runs() {
        for lang in Lang::ALL {
            for (w, h) in [(80, 24), (160, 48)] {
                let mut a = app(lang);
                replay_lab(&mut a, run.clone());
                let t = terminal(&mut a, w, h);
                insta::assert_snapshot!(format!("labs_{name}_{lang}_{w}x{h}"), t.backend());
            }
        }
    }
}

/// Row index of the first row containing `needle`.
fn row_with(buf: &Buffer, needle: &str) -> usize {
    rows(buf)
        .iter()
        .position(|r| r.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle:?}"))
}

#[test]
fn sticky_picture_shows_merged_sends_in_the_same_colours() {
    let mut a = app(Lang::En);
    replay_lab(&mut a, sticky_run());
    let t = terminal(&mut a, 80, 24);
    let buf = t.backend().buffer();
    let send_row = row_with(buf, "send() ×10");
    let recv_row = row_with(buf, "recv() ×2");
    let lines = rows(buf);
    let starts =
        |row: usize, glyphs: &[char]| lines[row].chars().filter(|c| glyphs.contains(c)).count();
    assert_eq!(starts(send_row, &['┌', '╷']), 10, "{}", lines[send_row]);
    assert_eq!(starts(recv_row, &['└', '╵']), 2, "{}", lines[recv_row]);
    // The byte rows between them: each column has the same colour above and
    // below (the same send), and both sends' colours appear in the first read.
    let mut colours = Vec::new();
    for x in 0..buf.area.width {
        let above = &buf[(x, send_row as u16 + 1)];
        let below = &buf[(x, send_row as u16 + 2)];
        if above.symbol() != " " && below.symbol() != " " && above.symbol() != "│" {
            assert_eq!(above.fg, below.fg, "column {x}");
            colours.push(above.fg);
        }
    }
    colours.dedup();
    assert!(
        colours.len() >= 10,
        "each send has its own run of colour: {colours:?}"
    );
}

#[test]
fn loss_grid_marks_the_lost_burst() {
    let mut a = app(Lang::En);
    replay_lab(&mut a, udp_loss_run());
    let t = terminal(&mut a, 160, 48);
    let text = rows(t.backend().buffer()).join("\n");
    assert!(text.contains('·'), "lost cells drawn");
    assert!(text.contains('█'), "arrived cells drawn");
    assert!(
        text.contains("UDP: sent 2000, received 1629, lost 371"),
        "{text}"
    );
    assert!(text.contains("lost 0"), "TCP loses nothing: {text}");
}

#[test]
fn equal_datagrams_get_equal_brackets_and_keep_their_labels() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut a = app(Lang::En);
        replay_lab(&mut a, udp_boundaries_run());
        let t = terminal(&mut a, w, h);
        let buf = t.backend().buffer();
        let lines = rows(buf);
        for (needle, open) in [("sendto() ×10", '┌'), ("recvfrom() ×10", '└')] {
            let row = &lines[row_with(buf, needle)];
            // Brackets wholly in view (the last may be cut by the window).
            let brackets: Vec<&str> = row
                .split(open)
                .skip(1)
                .filter(|b| b.contains(['┐', '┘']))
                .collect();
            assert!(brackets.len() >= 5, "{w}x{h}: {row}");
            let widths: Vec<usize> = brackets
                .iter()
                .map(|b| b.chars().take_while(|c| !matches!(c, '┐' | '┘')).count())
                .collect();
            assert!(widths.windows(2).all(|p| p[0] == p[1]), "{w}x{h}: {row}");
            for (i, b) in brackets.iter().enumerate() {
                assert!(b.contains(&i.to_string()), "{w}x{h}: label {i} in {row}");
            }
        }
    }
}

#[test]
fn sticky_picture_quotes_the_glued_bytes_as_python_shows_them() {
    for lang in Lang::ALL {
        for (w, h) in [(80, 24), (160, 48)] {
            let mut a = app(lang);
            replay_lab(&mut a, sticky_run());
            let t = terminal(&mut a, w, h);
            let text = rows(t.backend().buffer()).join("\n");
            assert!(
                text.contains("#0 21 B → b'hello-0hello-1hello-2'"),
                "{text}"
            );
            if h == 48 {
                assert!(text.contains("#1 49 B → b'hello-3hello-4hello-5"), "{text}");
            }
        }
    }
}

#[test]
fn loss_picture_gives_rates_buffer_doubling_and_the_sockets_own_drops() {
    let mut a = app(Lang::En);
    replay_lab(&mut a, udp_loss_run());
    let t = terminal(&mut a, 160, 48);
    let text = rows(t.backend().buffer()).join("\n");
    assert!(text.contains("Sender 3000/s, reader 2000/s"), "{text}");
    assert!(
        text.contains("asked 4096 B, the kernel made it 8192 B"),
        "{text}"
    );
    assert!(text.contains("Linux doubles"), "{text}");
    assert!(text.contains("this socket dropped 371 datagrams"), "{text}");
    let mut a = app(Lang::Zh);
    replay_lab(&mut a, udp_loss_run());
    let t = terminal(&mut a, 160, 48);
    let text: String = rows(t.backend().buffer()).join("").replace(' ', "");
    assert!(text.contains("翻倍"), "{text}");
}

#[test]
fn the_whole_summary_scrolls_with_j_and_k_not_the_lab_list() {
    use nettutor::ui::app::AppEvent;
    use nettutor::ui::labs::LabsMsg;
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut a = app(Lang::En);
    replay_lab(&mut a, udp_loss_run());
    a.update(nettutor::ui::app::Msg::Panel(
        nettutor::ui::app::PanelMsg::Labs(LabsMsg::Summary),
    ));
    let first = |a: &mut nettutor::ui::app::App| {
        let t = terminal(a, 80, 24);
        rows(t.backend().buffer())
            .iter()
            .find(|r| r.contains("What happened") || r.contains('•'))
            .cloned()
            .unwrap_or_default()
    };
    let top = first(&mut a);
    assert!(top.contains("What happened"), "{top}");
    let press = |a: &mut nettutor::ui::app::App, c| {
        a.handle_event(AppEvent::Input(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        ))));
    };
    press(&mut a, 'j');
    press(&mut a, 'j');
    let scrolled = first(&mut a);
    assert_ne!(scrolled, top, "j scrolled the summary");
    assert_eq!(
        a.labs().selected_lab(),
        nettutor::lab::LabName::UdpLoss,
        "j did not move the lab list"
    );
    for _ in 0..50 {
        press(&mut a, 'k');
    }
    assert_eq!(first(&mut a), top, "k scrolls back to the top");
}

#[test]
fn summary_compares_the_prediction_in_both_languages() {
    for (lang, needle) in [(Lang::En, "yousaid10"), (Lang::Zh, "你回答10")] {
        let mut a = app(lang);
        replay_lab(&mut a, sticky_run());
        let t = terminal(&mut a, 160, 48);
        // Wide characters leave blank cells behind them: compare without spaces.
        let text: String = rows(t.backend().buffer())
            .join("")
            .chars()
            .filter(|c| *c != ' ')
            .collect();
        assert!(text.contains(needle), "{lang}: {text}");
    }
}

#[test]
fn parameter_form_with_a_refused_value() {
    use nettutor::lesson::PanelId;
    use nettutor::ui::app::AppEvent;
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    for lang in Lang::ALL {
        for (w, h) in [(80, 24), (160, 48)] {
            let mut a = app(lang);
            common::tui::open_panel(
                &mut a,
                PanelId::Labs,
                "lab=sticky count=12 nodelay=true predict=3",
            );
            let mut press = |code| {
                a.handle_event(AppEvent::Input(Event::Key(KeyEvent::new(
                    code,
                    KeyModifiers::NONE,
                ))))
            };
            press(KeyCode::Down);
            press(KeyCode::Enter); // message
            for _ in 0..5 {
                press(KeyCode::Backspace);
            }
            press(KeyCode::Enter); // empty: refused
            let t = terminal(&mut a, w, h);
            insta::assert_snapshot!(format!("labs_form_error_{lang}_{w}x{h}"), t.backend());
            let text = rows(t.backend().buffer()).join("\n");
            let compact: String = text.chars().filter(|c| *c != ' ').collect();
            assert!(compact.contains("message"), "{text}");
        }
    }
}

#[test]
fn every_picture_survives_small_and_odd_sizes() {
    for (_, run) in all_runs() {
        for lang in Lang::ALL {
            for (w, h) in [(60, 18), (61, 19), (73, 21), (99, 27), (200, 60)] {
                let mut a = app(lang);
                replay_lab(&mut a, run.clone());
                let t = terminal(&mut a, w, h);
                let text = rows(t.backend().buffer()).join("");
                assert!(text.contains(run.lab.as_str()), "{} at {w}x{h}", run.lab);
            }
        }
    }
}

#[test]
fn monochrome_sticky_picture_still_tells_sends_apart() {
    let (mut a, _rx) = app_in(Lang::En, "mono");
    replay_lab(&mut a, sticky_run());
    let t = terminal(&mut a, 80, 24);
    let buf = t.backend().buffer();
    let send_row = row_with(buf, "send() ×10");
    let bytes: String = rows(buf)[send_row + 1]
        .chars()
        .filter(|c| "█▓".contains(*c))
        .collect();
    // Consecutive sends alternate glyphs: 10 sends make 10 runs.
    let runs = 1 + bytes
        .chars()
        .zip(bytes.chars().skip(1))
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(runs, 10, "{bytes}");
    let reads: String = rows(buf)[send_row + 2]
        .chars()
        .filter(|c| "█▒".contains(*c))
        .collect();
    let read_runs = 1 + reads
        .chars()
        .zip(reads.chars().skip(1))
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(read_runs, 2, "two recv() calls: {reads}");
}

#[test]
fn projecting_gives_the_picture_the_whole_width() {
    let mut a = app(Lang::En);
    a.update(nettutor::ui::app::Msg::TogglePresent);
    replay_lab(&mut a, sticky_run());
    press(&mut a, ratatui::crossterm::event::KeyCode::Tab);
    assert_eq!(a.labs().focus, nettutor::ui::labs::Focus::Form);
    let t = terminal(&mut a, 80, 24);
    let text = rows(t.backend().buffer()).join("\n");
    assert!(
        !text.contains("udp-boundaries"),
        "the list is hidden:\n{text}"
    );
    assert!(text.contains("send() ×10"), "{text}");
    press(&mut a, ratatui::crossterm::event::KeyCode::Tab);
    assert_eq!(a.labs().focus, nettutor::ui::labs::Focus::List);
    let t = terminal(&mut a, 80, 24);
    assert!(
        rows(t.backend().buffer())
            .join("\n")
            .contains("udp-boundaries"),
        "the list is back when it has focus"
    );
}

#[test]
fn s_shows_the_whole_summary_on_a_small_terminal() {
    use nettutor::ui::app::AppEvent;
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut a = app(Lang::En);
    replay_lab(&mut a, sticky_run());
    let text = rows(terminal(&mut a, 80, 24).backend().buffer()).join("\n");
    assert!(text.contains("s shows the whole summary"), "{text}");
    assert!(
        !text.contains("Only framing fixes this"),
        "cut at 80x24:\n{text}"
    );
    a.handle_event(AppEvent::Input(Event::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::NONE,
    ))));
    let text = rows(terminal(&mut a, 80, 24).backend().buffer()).join("\n");
    assert!(
        !text.contains("send() ×10"),
        "the picture made room:\n{text}"
    );
    assert!(text.contains("framing fixes this"), "{text}");
    a.update(nettutor::ui::app::Msg::Panel(
        nettutor::ui::app::PanelMsg::Labs(nettutor::ui::labs::LabsMsg::Summary),
    ));
    let text = rows(terminal(&mut a, 80, 24).backend().buffer()).join("\n");
    assert!(text.contains("send() ×10"), "s again: the picture is back");
}

#[test]
fn dhcp_frames_show_in_the_packet_inspector_one_by_one() {
    use ratatui::crossterm::event::KeyCode;
    for lang in Lang::ALL {
        let mut a = app(lang);
        replay_lab(&mut a, dhcp_run());
        press(&mut a, KeyCode::Char('f'));
        let t = terminal(&mut a, 160, 48);
        insta::assert_snapshot!(format!("labs_dhcp_frame_{lang}_160x48"), t.backend());
        let text = rows(t.backend().buffer()).join("\n");
        for needle in ["DHCPDISCOVER", "0.0.0.0", "255.255.255.255", "0x3903f326"] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        // The second frame: the Offer, its yiaddr and options.
        press(&mut a, KeyCode::Char('f'));
        let text = rows(terminal(&mut a, 160, 48).backend().buffer()).join("\n");
        for needle in ["DHCPOFFER", "192.168.1.100", "192.168.1.1"] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        // After the sixth message, f returns to the picture.
        for _ in 0..5 {
            press(&mut a, KeyCode::Char('f'));
        }
        let text = rows(terminal(&mut a, 160, 48).backend().buffer()).join("\n");
        assert!(
            !text.contains("0x63825363") && text.contains("192.168.1.100/24"),
            "{text}"
        );
    }
}

/// Before a udp-loss run the panel states the two rates and the buffer the
/// prediction is reasoned from, and they follow the form's values.
#[test]
fn udp_loss_states_its_rates_before_the_run() {
    for (lang, want) in [
        (
            Lang::En,
            "Sender 3000 datagrams/s, reader 2000/s, SO_RCVBUF asked 4096 B",
        ),
        (
            Lang::Zh,
            "发送方每秒 3000 个数据报，读取方每秒 2000 个，SO_RCVBUF 申请 4096 字节",
        ),
    ] {
        let mut a = shipped_app(lang);
        open_panel(&mut a, nettutor::lesson::PanelId::Labs, "lab=udp-loss");
        let screen = render(&mut a, 200, 50);
        assert!(screen.contains(want), "{lang}\n{screen}");
    }
    let mut a = shipped_app(Lang::En);
    open_panel(
        &mut a,
        nettutor::lesson::PanelId::Labs,
        "lab=udp-loss rate=5000 pause-us=1000 rcvbuf=65536",
    );
    let screen = render(&mut a, 200, 50);
    assert!(
        screen.contains("Sender 5000 datagrams/s, reader 1000/s, SO_RCVBUF asked 65536 B"),
        "{screen}"
    );
}

/// The hint bar (last row) of the Labs panel showing `run`, at 160x48.
fn hint_bar(lang: Lang, run: nettutor::ui::labs::LabRun) -> String {
    let mut a = app(lang);
    replay_lab(&mut a, run);
    let t = terminal(&mut a, 160, 48);
    rows(t.backend().buffer())
        .last()
        .unwrap()
        .trim_end()
        .to_string()
}

#[test]
fn the_hint_bar_offers_f_frames_only_on_a_lab_with_frames_to_inspect() {
    for lang in Lang::ALL {
        let f = format!("f {}", nettutor::i18n::t(lang, "labs.key.frames"));
        // dhcp has its four messages to step through; http and errors have none.
        let dhcp = hint_bar(lang, dhcp_run());
        let http = hint_bar(lang, http_run());
        let errors = hint_bar(lang, errors_run());
        assert!(dhcp.contains(&f), "{lang}: {dhcp}");
        assert!(!http.contains(&f), "{lang}: {http}");
        assert!(!errors.contains(&f), "{lang}: {errors}");
        insta::assert_snapshot!(
            format!("labs_hint_bar_frames_{lang}"),
            format!("dhcp: {dhcp}\nhttp: {http}")
        );
    }
}

#[test]
fn http_picture_at_80x24_shows_the_four_parts_and_each_framing_aligned() {
    for lang in Lang::ALL {
        let mut a = app(lang);
        replay_lab(&mut a, http_run());
        let t = terminal(&mut a, 80, 24);
        let lines = rows(t.backend().buffer());
        let text = lines.join("\n");
        // The request cut into its parts, each part's name before one rule …
        let names = ["line", "headers", "blank", "body"]
            .map(|k| nettutor::i18n::t(lang, &format!("labs.http.{k}")).to_string());
        let rule_at: Vec<usize> = names
            .iter()
            .map(|name| {
                let row = lines
                    .iter()
                    .find(|r| r.contains(&format!("│ {name}")))
                    .unwrap_or_else(|| panic!("{lang}: no row for {name}\n{text}"));
                // Display columns up to the part's rule (CJK counts two).
                let start = row.find(&format!("│ {name}")).unwrap() + "│ ".len();
                let rule = start + row[start..].find('│').unwrap();
                nettutor::ui::text::width(&row[..rule])
            })
            .collect();
        assert!(
            rule_at.windows(2).all(|w| w[0] == w[1]),
            "{lang}: the rules line up: {rule_at:?}\n{text}"
        );
        // … and how each pipelined request's body was framed, and its answer.
        assert!(text.contains("Content-Length: 11"), "{lang}\n{text}");
        assert!(text.contains("chunked, 11 B"), "{lang}\n{text}");
        assert!(text.contains("→ 200 chunked, 21 B"), "{lang}\n{text}");
        assert!(text.contains("→ 200 Content-Length: 13"), "{lang}\n{text}");
    }
}

/// The errors lab run for real: where its refused connection could be
/// captured (root or CAP_NET_RAW), `f` opens the captured SYN and the RST that
/// refused it in the packet inspector, flags selected, and `w` writes them.
#[test]
fn f_opens_the_errors_labs_captured_refused_connection_in_the_inspector() {
    use nettutor::lab::{self, Cancel, LabDetails, LabEvent, LabName, LabParams, NullSink};
    let test = "f_opens_the_errors_labs_captured_refused_connection_in_the_inspector";
    let params =
        LabParams::from_pairs(LabName::Errors, ["timeout-ms=50", "vanished=false"]).unwrap();
    let report = lab::run_lab(&params, &NullSink, &Cancel::new()).unwrap();
    let LabDetails::Errors(errors) = &report.details else {
        panic!("not the errors lab's report");
    };
    if !errors.capture.captured {
        common::skip_here(test, "no packet socket here (needs root or CAP_NET_RAW)");
        return;
    }
    let flags: Vec<String> = errors
        .capture
        .segments
        .iter()
        .map(|s| s.flags.clone())
        .collect();
    assert_eq!(flags.first().map(String::as_str), Some("SYN"), "{flags:?}");
    assert!(flags.iter().any(|f| f.contains("RST")), "{flags:?}");
    let run = nettutor::ui::labs::LabRun::recorded(
        LabName::Errors,
        vec![LabEvent::Finished {
            report: Box::new(report.clone()),
        }],
    );
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_exporting_to(Lang::En, dir.path());
    replay_lab(&mut a, run);
    let bar = rows(terminal(&mut a, 160, 48).backend().buffer())
        .last()
        .cloned()
        .unwrap();
    assert!(bar.contains("f frames"), "{bar}");
    press(&mut a, ratatui::crossterm::event::KeyCode::Char('f'));
    let shown = rows(terminal(&mut a, 160, 48).backend().buffer()).join("\n");
    let port = errors.capture.port.to_string();
    assert!(
        shown.contains("frame 1 of") && shown.contains("as captured on loopback"),
        "{shown}"
    );
    assert!(shown.contains("SYN") && shown.contains(&port), "{shown}");
    assert!(shown.contains("Transmission Control Protocol"), "{shown}");
    // The next one is the RST that refused it.
    press(&mut a, ratatui::crossterm::event::KeyCode::Char('f'));
    let shown = rows(terminal(&mut a, 160, 48).backend().buffer()).join("\n");
    assert!(
        shown.contains("frame 2 of") && shown.contains("RST"),
        "{shown}"
    );
    // w writes the capture as it was taken.
    press(&mut a, ratatui::crossterm::event::KeyCode::Char('w'));
    let written: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let frames = nettutor::net::pcap::read_pcap(&written[0]).unwrap();
    assert_eq!(frames.len(), errors.capture.frames.len());
}
