//! The LAN / ARP panel's real mode: a scenario run in the virtual network of
//! the student's own kernel and shown from the capture. Recorded runs
//! (`tests/fixtures/vnet/*.json`, outcomes of `nettutor __vnet`) give stable
//! snapshots; one test runs the real network when this machine allows it.

use crate::common;

use common::tui::*;
use ratatui::buffer::Buffer;

use nettutor::i18n::Lang;
use nettutor::net::arp::LanScenario;
use nettutor::net::pcap::read_pcap;
use nettutor::ui::app::{Nav, Screen};
use nettutor::ui::lan::real::{LanRealRun, RealLanError};
use nettutor::ui::lan::{LanMsg, LanPanel};
use nettutor::ui::panel::Panel;
use nettutor::ui::theme::Theme;
use nettutor::vnet::Outcome;

fn draw(panel: &LanPanel, lang: Lang, w: u16, h: u16) -> Buffer {
    draw_panel(panel, lang, &Theme::fallback(), w, h)
        .backend()
        .buffer()
        .clone()
}

fn recorded(name: &str) -> Box<Outcome> {
    let path = format!(
        "{}/tests/fixtures/vnet/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let json = std::fs::read_to_string(&path).unwrap();
    Box::new(serde_json::from_str(&json).unwrap())
}

/// A panel showing the recorded run of `experiment`.
fn showing(experiment: &str, lang: Lang) -> LanPanel {
    let (mut c, _rx) = panel_ctx(lang, Screen::Lan);
    let mut panel = LanPanel::default();
    if experiment == "arp-via-gateway" {
        panel.update(LanMsg::NextScenario, &mut c);
    }
    panel.show_real(LanRealRun(Ok(recorded(experiment))), &mut c);
    panel
}

#[test]
fn a_recorded_run_on_one_lan_shows_each_captured_frame_once_with_where_it_was_seen() {
    let panel = showing("arp-same-lan", Lang::En);
    let run = panel.real.as_ref().unwrap();
    // ARP request, ARP reply, echo request, echo reply: each once, although
    // every one was captured at four to six points.
    let kinds: Vec<String> = run
        .frames
        .iter()
        .map(|f| nettutor::ui::lan::real::summary(&f.seen, Lang::En))
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:#?}");
    assert!(kinds[0].starts_with("ARP who has 192.168.1.20? tell 192.168.1.10"));
    assert!(kinds[1].starts_with("ARP 192.168.1.20 is at"));
    assert_eq!(run.frames[0].seen.dst_mac, "ff:ff:ff:ff:ff:ff");
    // The broadcast reached every port; C (LAN 2) never saw it.
    assert_eq!(
        run.frames[0].points,
        ["A:eth0", "S:a", "S:b", "S:r", "B:eth0", "R:eth0"]
    );
    assert!(!run.frames[1].points.iter().any(|p| p == "S:r"));
    assert!(run.frames.windows(2).all(|w| w[0].ts_ns <= w[1].ts_ns));
    let facts = nettutor::ui::lan::real::facts(run, Lang::En).join("\n");
    assert!(
        facts.contains("captured only at A:eth0, B:eth0, S:a, S:b"),
        "{facts}"
    );
    assert!(facts.contains("saw 0 frames from A"), "{facts}");
    let shown = text(&draw(&panel, Lang::En, 160, 48));
    assert!(
        shown.contains("Ethernet II"),
        "the inspector shows the frame"
    );
    insta::assert_snapshot!("lan_real_same_lan_en_160x48", shown);
    insta::assert_snapshot!(
        "lan_real_same_lan_zh_80x24",
        text(&draw(&showing("arp-same-lan", Lang::Zh), Lang::Zh, 80, 24))
    );
}

/// The rows of one table, as `+ text`, `- text` or `  text`.
fn marked(rows: &[nettutor::ui::lan::real::Row]) -> Vec<String> {
    use nettutor::ui::lan::real::Mark;
    rows.iter()
        .map(|r| {
            let sign = match r.mark {
                Mark::Kept => ' ',
                Mark::Changed => '+',
                Mark::Removed => '-',
            };
            format!("{sign} {}", r.text)
        })
        .collect()
}

#[test]
fn the_kernels_tables_follow_the_frames_as_netlink_announced_each_change() {
    let panel = showing("arp-same-lan", Lang::En);
    let run = panel.real.as_ref().unwrap();
    assert!(run.changes.len() > 20, "set-up and run events recorded");
    let mac = |key: &str| run.report["macs"][key].as_str().unwrap().to_string();
    let (a, b) = (mac("A"), mac("B"));
    // Once the broadcast request has passed: the bridge has learned A on
    // port a (from the request's source MAC) and forgotten what set-up had
    // taught it (the experiment flushes it); A's cache has no B yet.
    let first = run.tables_at(0);
    assert!(first.live);
    let bridge = marked(&first.bridge);
    assert!(bridge.contains(&format!("+ {a} → a")), "{bridge:#?}");
    assert!(
        !bridge.iter().any(|r| r.starts_with('+') && r.contains(&b)),
        "{bridge:#?}"
    );
    assert!(first.arp.is_empty(), "{:#?}", first.arp);
    // The routing tables were heard as set-up made them: A's default route
    // names R, longest prefix first.
    let routes = marked(&first.routes);
    assert_eq!(
        routes,
        [
            "  A: 192.168.1.0/24 dev eth0",
            "  A: 0.0.0.0/0 via 192.168.1.1 dev eth0",
            "  R: 192.168.1.0/24 dev eth0",
            "  R: 192.168.2.0/24 dev eth1",
        ]
    );
    // The reply: B learned on port b, A's cache gains B.
    let second = run.tables_at(1);
    let bridge = marked(&second.bridge);
    assert!(bridge.contains(&format!("  {a} → a")), "{bridge:#?}");
    assert!(bridge.contains(&format!("+ {b} → b")), "{bridge:#?}");
    assert_eq!(
        marked(&second.arp),
        [format!("+ 192.168.1.20 → {b} (REACHABLE)")]
    );
    // The echo request changes nothing: every row as it was.
    let third = run.tables_at(2);
    assert!(
        [&third.arp, &third.bridge, &third.routes].iter().all(|t| t
            .iter()
            .all(|r| r.mark == nettutor::ui::lan::real::Mark::Kept)),
        "{third:#?}"
    );
    // The last frame's tables are what the experiment read after the ping.
    let last = run.tables_at(run.frames.len() - 1);
    let read: Vec<String> = nettutor::ui::lan::real::arp_cache(run);
    let shown: Vec<String> = last.arp.iter().map(|r| r.text.clone()).collect();
    assert_eq!(shown, read);
    let mut learned: Vec<String> = last.bridge.iter().map(|r| r.text.clone()).collect();
    let mut fdb = nettutor::ui::lan::real::bridge_table(run).unwrap();
    learned.sort();
    fdb.sort();
    assert_eq!(learned, fdb);
    // Stepping redraws the tables: the reply's frame shows B's entry marked.
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = showing("arp-same-lan", Lang::En);
    let before = text(&draw(&panel, Lang::En, 160, 48));
    assert!(!before.contains("+ 192.168.1.20"), "{before}");
    panel.nav(Nav::Next, &mut c);
    let after = text(&draw(&panel, Lang::En, 160, 48));
    assert!(
        after.contains(&format!("+ 192.168.1.20 → {b} (REACHABLE)")),
        "{after}"
    );
    insta::assert_snapshot!("lan_real_same_lan_reply_en_160x48", after);
    let mut zh = showing("arp-same-lan", Lang::Zh);
    zh.nav(Nav::Next, &mut c);
    let buf = draw(&zh, Lang::Zh, 120, 40);
    // The tables' column starts at the same cell on every row, whatever
    // double-width text the headings hold.
    assert_starts_at(
        &buf,
        &[
            "A 的 ARP 缓存",
            "交换机的 MAC 地址表",
            "路由表",
            "+ 192.168.1.20",
            "  A: 0.0.0.0/0",
        ],
        68,
    );
    insta::assert_snapshot!("lan_real_same_lan_reply_zh_120x40", text(&buf));
}

#[test]
fn through_the_gateway_a_learns_r_and_the_bridge_learns_r_on_its_port() {
    let panel = showing("arp-via-gateway", Lang::En);
    let run = panel.real.as_ref().unwrap();
    let r_mac = run.report["macs"]["R_eth0"].as_str().unwrap().to_string();
    let reply = run
        .frames
        .iter()
        .position(|f| f.seen.arp.as_ref().is_some_and(|a| !a.request))
        .unwrap();
    let before = run.tables_at(reply - 1);
    assert!(before.arp.is_empty(), "{before:#?}");
    let at = run.tables_at(reply);
    // A's cache gains the gateway, never C: the exam trap, by the kernel.
    assert_eq!(
        marked(&at.arp),
        [format!("+ 192.168.1.1 → {r_mac} (REACHABLE)")]
    );
    assert!(marked(&at.bridge).contains(&format!("+ {r_mac} → r")));
    let last = run.tables_at(run.frames.len() - 1);
    assert!(!last.arp.iter().any(|r| r.text.contains("192.168.2.30")));
    let mut zh = showing("arp-via-gateway", Lang::Zh);
    let (mut c, _rx) = panel_ctx(Lang::Zh, Screen::Lan);
    zh.nav(Nav::Next, &mut c);
    let buf = draw(&zh, Lang::Zh, 80, 24);
    assert_starts_at(&buf, &["A 的 ARP 缓存", "+ 192.168.1.1"], 0);
    insta::assert_snapshot!("lan_real_via_gateway_reply_zh_80x24", text(&buf));
}

/// Each of `needles` is on screen and begins at cell column `x`.
fn assert_starts_at(buf: &Buffer, needles: &[&str], x: u16) {
    for needle in needles {
        let at = find(buf, needle).unwrap_or_else(|| panic!("{needle:?} not on\n{}", text(buf)));
        assert_eq!(at.0, x, "{needle:?} at {at:?}\n{}", text(buf));
    }
}

#[test]
fn a_recorded_run_through_the_gateway_shows_the_arp_for_the_router_and_the_ttl() {
    let panel = showing("arp-via-gateway", Lang::En);
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(
        shown.contains("ARP who has 192.168.1.1? tell 192.168.1.10"),
        "{shown}"
    );
    insta::assert_snapshot!("lan_real_via_gateway_en_80x24", shown);
    let run = panel.real.as_ref().unwrap();
    let facts = nettutor::ui::lan::real::facts(run, Lang::En).join("\n");
    assert!(
        facts.contains("A asked ARP for 192.168.1.1, its gateway, not for 192.168.2.30"),
        "{facts}"
    );
    assert!(facts.contains("TTL 64 on LAN 1 and 63 on LAN 2"), "{facts}");
    // The echo request twice: on LAN 1 from A's MAC, on LAN 2 from R's, same IPs.
    let echoes: Vec<_> = run.frames.iter().filter(|f| f.seen.icmp(8)).collect();
    assert_eq!(echoes.len(), 2);
    assert_ne!(echoes[0].seen.src_mac, echoes[1].seen.src_mac);
    assert_eq!(
        echoes[0].seen.ip.as_ref().unwrap().src,
        echoes[1].seen.ip.as_ref().unwrap().src
    );
    assert_eq!(
        (
            echoes[0].seen.ip.as_ref().unwrap().ttl,
            echoes[1].seen.ip.as_ref().unwrap().ttl
        ),
        (64, 63)
    );
    insta::assert_snapshot!(
        "lan_real_via_gateway_zh_160x48",
        text(&draw(
            &showing("arp-via-gateway", Lang::Zh),
            Lang::Zh,
            160,
            48
        ))
    );
}

#[test]
fn keys_walk_the_captured_frames_and_w_writes_them_with_the_kernels_timestamps() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.export_dir = Some(dir.path().to_path_buf());
    panel.show_real(LanRealRun(Ok(recorded("arp-same-lan"))), &mut c);
    panel.nav(Nav::Next, &mut c);
    assert_eq!(panel.real_cursor, 1);
    assert_eq!(panel.lecture_position(), Some((1, 3)));
    let reply = panel.real.as_ref().unwrap().frames[1].data.clone();
    assert_eq!(panel.inspector().unwrap().bytes(), reply.as_slice());
    panel.nav(Nav::Last, &mut c);
    assert_eq!(panel.real_cursor, 3);
    let written = panel.export(&mut c).unwrap().unwrap();
    assert!(
        written.ends_with("nettutor-arp-real-same-network.pcap"),
        "{written}"
    );
    let frames = read_pcap(std::path::Path::new(&written)).unwrap();
    let run = panel.real.as_ref().unwrap();
    assert_eq!(frames.len(), run.frames.len());
    assert_eq!(frames[1].data, reply);
    // `r` again: back to the simulated story, where it was.
    panel.update(LanMsg::Real, &mut c);
    assert!(panel.real.is_none());
    assert_eq!(panel.scenario, LanScenario::SameNetwork);
}

#[test]
fn a_run_whose_capture_queues_overflowed_says_the_frames_are_missing() {
    for (lang, warning) in [
        (
            Lang::En,
            "The kernel dropped 3 frames at the capture points",
        ),
        (Lang::Zh, "内核在抓包点丢弃了 3 帧"),
    ] {
        let (mut c, _rx) = panel_ctx(lang, Screen::Lan);
        let mut panel = LanPanel::default();
        let complete = recorded("arp-same-lan");
        assert_eq!(complete.capture_dropped, 0);
        panel.show_real(LanRealRun(Ok(complete.clone())), &mut c);
        let shown = text(&draw(&panel, lang, 160, 48));
        assert!(!shown.contains(warning), "{shown}");
        let mut short = complete;
        short.capture_dropped = 3;
        panel.update(LanMsg::Real, &mut c);
        panel.show_real(LanRealRun(Ok(short)), &mut c);
        let shown = text(&draw(&panel, lang, 160, 48));
        assert!(shown.contains(warning), "{shown}");
    }
}

#[test]
fn without_user_namespaces_the_panel_names_the_remedy_and_keeps_the_simulation() {
    let (mut c, _rx) = panel_ctx(Lang::Zh, Screen::Lan);
    let mut panel = LanPanel::default();
    let remedy = "sudo sysctl -w kernel.unprivileged_userns_clone=1".to_string();
    panel.show_real(
        LanRealRun(Err(RealLanError::NoNamespaces {
            remedy: Some(remedy.clone()),
        })),
        &mut c,
    );
    assert!(panel.real.is_none());
    let said = c.status.clone().unwrap();
    assert!(said.contains(&remedy) && said.contains("sudo"), "{said}");
    assert!(text(&draw(&panel, Lang::Zh, 80, 24)).contains("局域网 / ARP"));
}

#[test]
fn the_students_own_case_is_not_run_for_real() {
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    let open = nettutor::lesson::PanelArg::parse(
        nettutor::lesson::PanelId::Lan,
        "own=10.0.0.5/24 dst=10.0.0.9",
        false,
    )
    .unwrap();
    panel.open(&open, &mut c);
    panel.update(LanMsg::Real, &mut c);
    assert!(!panel.real_running());
    assert!(c.status.unwrap().contains("lesson's addresses"));
    assert!(rx.try_recv().is_err());
}

/// `r` on the real kernel, when this machine has user namespaces (or root).
#[test]
fn r_runs_the_scenario_in_the_virtual_network_of_this_kernel() {
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.lab_exe = Some(env!("CARGO_BIN_EXE_nettutor").into());
    // `r` asks for a prediction first; ↓ Enter picks "only on its way to A".
    panel.update(LanMsg::Real, &mut c);
    assert_eq!(panel.predicting, Some(0));
    assert!(!panel.real_running());
    panel.nav(Nav::Down, &mut c);
    panel.nav(Nav::Enter, &mut c);
    assert!(panel.real_running());
    let (run, listed_live) = super::lan_live::until_finished(&mut panel, &rx, &mut c);
    if let Err(RealLanError::NoNamespaces { .. }) = &run.0 {
        common::skip_here(
            "r_runs_the_scenario_in_the_virtual_network_of_this_kernel",
            "no user namespaces and not root",
        );
        return;
    }
    // Streamed as captured: the frames were listed before the outcome came.
    assert!(listed_live >= 1, "nothing listed while it ran");
    panel.show_real(run, &mut c);
    assert!(!panel.real_running());
    let real = panel.real.as_ref().expect("a real run");
    assert!(listed_live <= real.frames.len());
    let kinds: Vec<String> = real
        .frames
        .iter()
        .map(|f| nettutor::ui::lan::real::summary(&f.seen, Lang::En))
        .collect();
    // The kernel may announce its multicast groups (IGMP) before the ping.
    let request = real
        .frames
        .iter()
        .find(|f| f.seen.arp.is_some())
        .unwrap_or_else(|| panic!("no ARP captured: {kinds:#?}"));
    let arp = request
        .seen
        .arp
        .as_ref()
        .unwrap_or_else(|| panic!("{kinds:#?}"));
    assert!(arp.request);
    assert_eq!(arp.target_ip.to_string(), "192.168.1.20");
    assert_eq!(request.seen.dst_mac, "ff:ff:ff:ff:ff:ff");
    assert!(request.points.iter().any(|p| p == "B:eth0"));
    assert!(!request.points.iter().any(|p| p == "C:eth0"));
    let cache = nettutor::ui::lan::real::arp_cache(real);
    assert!(
        cache.iter().any(|row| row.starts_with("192.168.1.20 → ")),
        "{cache:?}"
    );
    // The tables as the kernel announced them: before B's reply reached A,
    // A's cache had no B; once it had, the entry is there, marked new.
    let reply = real
        .frames
        .iter()
        .position(|f| f.seen.arp.as_ref().is_some_and(|a| !a.request))
        .unwrap_or_else(|| panic!("no ARP reply: {kinds:#?}"));
    let has_b = |k: usize| {
        real.tables_at(k)
            .arp
            .iter()
            .any(|r| r.text.starts_with("192.168.1.20 → "))
    };
    assert!(real.tables_at(reply).live);
    assert!(!has_b(reply - 1), "{:#?}", real.changes);
    assert!(has_b(reply), "{:#?}", real.changes);
    assert!(has_b(real.frames.len() - 1));
    let shown = text(&draw(&panel, Lang::En, 160, 48));
    assert!(shown.contains("your kernel"), "{shown}");
    assert_eq!(nettutor::ui::lan::real::observed_choice(real), Some(1));
    assert!(shown.contains("The capture agrees."), "{shown}");
}

#[test]
fn r_asks_for_a_prediction_first_and_the_run_is_compared_with_it() {
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.update(LanMsg::NextScenario, &mut c);
    panel.update(LanMsg::Real, &mut c);
    assert_eq!(panel.predicting, Some(0));
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(shown.contains("Which address will"), "{shown}");
    insta::assert_snapshot!("lan_predict_gateway_en_80x24", shown);
    let mut zh = LanPanel::default();
    zh.update(LanMsg::Real, &mut c);
    insta::assert_snapshot!(
        "lan_predict_same_lan_zh_80x24",
        text(&draw(&zh, Lang::Zh, 80, 24))
    );
    // Esc cancels: nothing runs.
    assert!(panel.back(&mut c));
    assert_eq!(panel.predicting, None);
    assert!(rx.try_recv().is_err());
    // The trap answer ("C's own address") against the recorded capture.
    panel.prediction = Some(0);
    panel.show_real(LanRealRun(Ok(recorded("arp-via-gateway"))), &mut c);
    let run = panel.real.as_ref().unwrap();
    assert_eq!(nettutor::ui::lan::real::observed_choice(run), Some(1));
    let verdict = nettutor::ui::lan::real::verdict(run, LanScenario::ViaGateway, 0, Lang::En);
    assert_eq!(
        verdict,
        "You predicted: 192.168.2.30, C's own address. The capture shows: 192.168.1.1, the gateway R."
    );
    let wide = text(&draw(&panel, Lang::En, 160, 48));
    assert!(wide.contains("You predicted: 192.168.2.30"), "{wide}");
}

#[test]
fn a_lesson_link_with_real_opens_the_prediction_of_its_scenario() {
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    let parse =
        |arg: &str| nettutor::lesson::PanelArg::parse(nettutor::lesson::PanelId::Lan, arg, false);
    panel.open(&parse("scenario=via-gateway real").unwrap(), &mut c);
    assert_eq!(panel.scenario, LanScenario::ViaGateway);
    assert_eq!(panel.predicting, Some(0));
    assert!(rx.try_recv().is_err(), "nothing runs before the prediction");
    assert!(parse("scenario=via-gateway real=yes").is_err());
    // The shipped lessons link both scenarios this way.
    let lessons = nettutor::lesson::LessonSet::embedded().unwrap();
    let links: Vec<String> = lessons
        .lessons
        .iter()
        .flat_map(|l| &l.steps)
        .filter_map(|s| s.panel.as_ref())
        .filter(|p| p.arg.split_whitespace().any(|w| w == "real"))
        .map(|p| p.arg.clone())
        .collect();
    assert!(
        links.iter().any(|a| a.contains("same-network")),
        "{links:?}"
    );
    assert!(links.iter().any(|a| a.contains("via-gateway")), "{links:?}");
}

/// A lesson's `experiment=NAME` says what it will run; Enter (or `r`) runs
/// it with no question, and real mode lists its frames, each named (ICMP
/// time exceeded, port unreachable), with the sentences `nettutor net run`
/// prints, in both languages; `r` goes back to the simulation and forgets the
/// experiment.
#[test]
fn a_lesson_link_with_experiment_runs_it_and_lists_its_frames_and_facts() {
    let test = "a_lesson_link_with_experiment_runs_it_and_lists_its_frames_and_facts";
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.lab_exe = Some(env!("CARGO_BIN_EXE_nettutor").into());
    let arg = nettutor::lesson::PanelArg::parse(
        nettutor::lesson::PanelId::Lan,
        "experiment=traceroute",
        false,
    )
    .unwrap();
    panel.open(&arg, &mut c);
    assert_eq!(panel.predicting, None, "no question before an experiment");
    assert!(!panel.real_running(), "opening a step starts no lab");
    assert!(rx.try_recv().is_err());
    assert_eq!(panel.lecture_position(), Some((0, 0)));
    for (lang, words) in [
        (
            Lang::En,
            ["Your kernel will run: Traceroute", "r or Enter runs it"],
        ),
        (Lang::Zh, ["你的内核将要运行：", "按 r 或 Enter"]),
    ] {
        let shown = text(&draw(&panel, lang, 80, 24));
        for w in words {
            assert!(shown.contains(w), "{shown}");
        }
    }
    // Esc forgets it; the link again, then Enter runs it.
    assert!(panel.back(&mut c));
    assert_eq!(panel.experiment, None);
    panel.open(&arg, &mut c);
    panel.nav(Nav::Enter, &mut c);
    assert!(panel.real_running(), "Enter runs it, with no question");
    let (run, _) = super::lan_live::until_finished(&mut panel, &rx, &mut c);
    if let Err(RealLanError::NoNamespaces { .. }) = &run.0 {
        common::skip_here(test, "no user namespaces and not root");
        return;
    }
    panel.show_real(run, &mut c);
    let real = panel.real.as_ref().expect("a real run");
    assert_eq!(real.experiment, "traceroute");
    // TTL 1: R answers; TTL 2: C does.
    let named: Vec<String> = real
        .frames
        .iter()
        .map(|f| nettutor::ui::lan::real::summary(&f.seen, Lang::En))
        .collect();
    assert!(
        named
            .iter()
            .any(|s| s.starts_with("ICMP time exceeded 192.168.1.1 → 192.168.1.10")),
        "{named:#?}"
    );
    assert!(
        named
            .iter()
            .any(|s| s
                .starts_with("ICMP destination unreachable (code 3) 192.168.2.30 → 192.168.1.10")),
        "{named:#?}"
    );
    let facts = nettutor::ui::lan::real::facts(real, Lang::En);
    assert!(
        facts
            .iter()
            .any(|f| f.starts_with("TTL 1: answered by 192.168.1.1")),
        "{facts:?}"
    );
    let en = text(&draw(&panel, Lang::En, 160, 48));
    assert!(en.contains("TTL 1: answered by 192.168.1.1"), "{en}");
    let zh = text(&draw(&panel, Lang::Zh, 160, 48));
    assert!(zh.contains("TTL 1：由 192.168.1.1 回答"), "{zh}");
    assert!(
        zh.contains("ICMP 超时报文 192.168.1.1 → 192.168.1.10"),
        "{zh}"
    );
    // `r` leaves real mode; the next `r` asks the scenario's own question.
    panel.update(LanMsg::Real, &mut c);
    assert!(panel.real.is_none() && panel.experiment.is_none());
    panel.update(LanMsg::Real, &mut c);
    assert_eq!(panel.predicting, Some(0));
}

/// The lab drawn above the frames lights the cables the selected frame was
/// captured on: A's broadcast every cable of LAN 1, B's unicast reply only
/// A's and B's (the switch knew A's port), never C's; ▶ marks the sender.
#[test]
fn the_drawn_lab_lights_the_cables_each_frame_crossed() {
    let mut panel = showing("arp-same-lan", Lang::En);
    let theme = Theme::named("dark").unwrap();
    let draw = |panel: &LanPanel| {
        draw_panel(panel, Lang::En, &theme, 80, 24)
            .backend()
            .buffer()
            .clone()
    };
    let lit = |buf: &Buffer, needle: &str| {
        let (x, y) = find(buf, needle).unwrap_or_else(|| panic!("no {needle:?} drawn"));
        // The cable's first dash.
        buf[(x + 1, y)].fg == theme.accent.fg.unwrap_or_default()
    };
    let cables = |buf: &Buffer| {
        ["─a─┐", "─b─┘", "─r─", "─── C"]
            .iter()
            .map(|c| lit(buf, c))
            .collect::<Vec<_>>()
    };
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    panel.nav(Nav::First, &mut c);
    let buf = draw(&panel);
    assert_eq!(cables(&buf), [true, true, true, false], "{}", text(&buf));
    assert!(
        text(&buf).contains("▶A 192.168.1.10 ─a─┐"),
        "{}",
        text(&buf)
    );
    panel.nav(Nav::Next, &mut c);
    let buf = draw(&panel);
    assert_eq!(cables(&buf), [true, true, false, false], "{}", text(&buf));
    assert!(
        text(&buf).contains("▶B 192.168.1.20 ─b─┘"),
        "{}",
        text(&buf)
    );
}

/// The scenario switched (`s`) while the via-gateway run went on: the
/// finished run is still judged against its own question (which address A
/// ARPs for), not against the same-LAN one now chosen.
#[test]
fn a_run_is_judged_by_its_own_question_whatever_scenario_is_chosen_meanwhile() {
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.update(LanMsg::NextScenario, &mut c);
    panel.prediction = Some(0);
    panel.update(LanMsg::NextScenario, &mut c);
    panel.show_real(LanRealRun(Ok(recorded("arp-via-gateway"))), &mut c);
    let wide = text(&draw(&panel, Lang::En, 160, 48));
    assert!(
        wide.contains("You predicted: 192.168.2.30, C's own address."),
        "{wide}"
    );
}

/// Playing a real run steps through its frames; the frame does not move
/// between steps, so only a step asks for a redraw (the simulation's
/// animated frame asks on every tick).
#[test]
fn playing_a_real_run_redraws_only_when_it_steps() {
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = showing("arp-same-lan", Lang::En);
    panel.update(LanMsg::TogglePlay, &mut c);
    let redraws = (0..60).filter(|_| panel.tick(&mut c)).count();
    assert_eq!(redraws, 2, "60 ticks, a step every 30");
    let mut simulated = LanPanel::default();
    simulated.update(LanMsg::TogglePlay, &mut c);
    assert_eq!((0..60).filter(|_| simulated.tick(&mut c)).count(), 60);
}
