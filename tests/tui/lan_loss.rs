//! The LAN panel's loss view (`t`): tcp-loss run in the virtual network with
//! the student's loss and seed, shown as a cwnd/ssthresh chart of the sender's
//! TCP_INFO, the captured connection with each loss, resend and duplicate ACK
//! marked, and the final numbers. A recorded run
//! (`tests/fixtures/vnet/tcp-loss.json`: 5 %, seed 1, UDP frames left out)
//! gives stable snapshots; one test runs it live when this machine allows.

use crate::common;

use common::tui::*;
use ratatui::buffer::Buffer;

use nettutor::i18n::Lang;
use nettutor::ui::app::{AppEvent, Nav, Screen};
use nettutor::ui::lan::loss::{LossRun, QUESTIONS, Resend, observed, verdicts};
use nettutor::ui::lan::real::{LanRealRun, LiveItem, RealLanError};
use nettutor::ui::lan::{LanMsg, LanPanel};
use nettutor::ui::panel::Panel;
use nettutor::ui::theme::Theme;
use nettutor::vnet::Outcome;
use nettutor::vnet::proto::Recovery;
use nettutor::vnet::tcpinfo::Sample;

fn draw(panel: &LanPanel, lang: Lang, w: u16, h: u16) -> Buffer {
    draw_panel(panel, lang, &Theme::fallback(), w, h)
        .backend()
        .buffer()
        .clone()
}

fn recorded() -> Box<Outcome> {
    let path = format!(
        "{}/tests/fixtures/vnet/tcp-loss.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Box::new(serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap())
}

fn showing(lang: Lang) -> LanPanel {
    let (mut c, _rx) = panel_ctx(lang, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.update(LanMsg::Loss, &mut c);
    panel.show_real(LanRealRun(Ok(recorded())), &mut c);
    panel
}

/// A row as a failure message names it.
fn describe(i: usize, r: &nettutor::ui::lan::loss::SeqRow) -> String {
    format!(
        "row {i} at {} ms: {} flags {:#04x} seq {} ack {} len {}{}{}",
        r.t_ms,
        if r.from_a { "A → C" } else { "C → A" },
        r.flags,
        r.seq,
        r.ack,
        r.len,
        if r.lost { ", lost" } else { "" },
        r.resend
            .map(|k| format!(", resend {k:?}"))
            .unwrap_or_default()
    )
}

/// What every run's view must agree on: the marks read from the frames at A
/// and C match what the relay dropped and what the report counted.
fn assert_marks_agree(run: &LossRun, outcome_report: &serde_json::Value) {
    let tcp = &outcome_report["tcp"];
    let link = &outcome_report["link"];
    let count = |v: &serde_json::Value, what: &str| {
        v.as_u64()
            .unwrap_or_else(|| panic!("the report has no {what}: {v}"))
    };
    let lost: Vec<String> = run
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.lost)
        .map(|(i, r)| describe(i, r))
        .collect();
    // Every frame the link's plan dropped was A's (the plan drops R → C only),
    // and none of them reached C's capture.
    let dropped = count(
        &link["forward"]["tcp"]["dropped"],
        "link.forward.tcp.dropped",
    );
    assert_eq!(
        lost.len() as u64,
        dropped,
        "segments of A's never captured at C (the view's lost rows) against TCP frames the \
         link's plan dropped; of {} rows, the lost ones:\n  {}\nthe link forward: {}\nthe last rows:\n  {}",
        run.rows.len(),
        lost.join("\n  "),
        link["forward"],
        run.rows
            .iter()
            .enumerate()
            .skip(run.rows.len().saturating_sub(4))
            .map(|(i, r)| describe(i, r))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    // The totals line's count is of data segments, the other dropped frames
    // (bare ACKs, SYN, FIN) apart: together, the relay's count; apart, what the
    // report read from the capture.
    let lost_data = run.rows.iter().filter(|r| r.lost && r.len > 0).count() as u64;
    assert_eq!(
        (run.totals.dropped_data, run.totals.dropped_other),
        (lost_data, lost.len() as u64 - lost_data),
        "the totals' dropped data segments and other frames against the lost rows"
    );
    let kinds = &tcp["dropped"];
    assert_eq!(
        (run.totals.dropped_data, run.totals.dropped_other),
        (
            count(&kinds["data"], "tcp.dropped.data"),
            count(&kinds["bare_acks"], "tcp.dropped.bare_acks")
                + count(&kinds["syn_fin_rst"], "tcp.dropped.syn_fin_rst")
        ),
        "the view's dropped data segments and other frames against the report's {kinds}"
    );
    let resent = run.rows.iter().filter(|r| r.resend.is_some()).count() as u64;
    let listed = tcp["retransmissions"]["list"].to_string();
    assert_eq!(
        resent,
        count(
            &tcp["retransmissions"]["total"],
            "tcp.retransmissions.total"
        ),
        "resends marked in the view against the report's; the report's: {listed}"
    );
    assert_eq!(
        Some(resent),
        tcp["tcp_info"]["total_retrans"].as_u64(),
        "resends marked in the view against the kernel's own count (TCP_INFO \
         tcpi_total_retrans); the report's list: {listed}"
    );
    let data_from_a = run.rows.iter().filter(|r| r.from_a && r.len > 0).count() as u64;
    assert_eq!(
        data_from_a,
        count(&tcp["data_segments_sent"], "tcp.data_segments_sent"),
        "A's data segments in the view against the report's count from A's capture"
    );
    // A data segment that was lost is sent again later, from the same seq.
    for (i, row) in run.rows.iter().enumerate() {
        if row.lost && row.len > 0 {
            assert!(
                run.rows[i + 1..]
                    .iter()
                    .any(|r| r.from_a && r.seq == row.seq && r.resend.is_some()),
                "lost and never resent: {}",
                describe(i, row)
            );
        }
    }
    if let Some(i) = run.rows.windows(2).position(|w| w[0].t_ms > w[1].t_ms) {
        panic!(
            "rows out of time order: {} before {}",
            describe(i, &run.rows[i]),
            describe(i + 1, &run.rows[i + 1])
        );
    }
    assert_eq!(
        run.totals.bytes_delivered,
        128 * 1024,
        "bytes C read of the 128 KiB A sent"
    );
    assert!(
        run.totals.in_order,
        "C's bytes were not A's, in order ({} delivered)",
        run.totals.bytes_delivered
    );
}

#[test]
fn a_recorded_run_marks_each_loss_resend_and_duplicate_ack_from_the_capture() {
    let panel = showing(Lang::En);
    let view = panel.loss.as_ref().unwrap();
    let run = view.run.as_ref().unwrap();
    assert_eq!(run.knobs.loss_pct, 5.0);
    assert_eq!(run.knobs.seed, 1);
    assert_marks_agree(run, &recorded().report);
    // Of the five frames the link dropped, one was the handshake's bare ACK:
    // the totals say four data segments and one other frame.
    assert_eq!((run.totals.dropped_data, run.totals.dropped_other), (4, 1));
    let shown = text(&draw(&panel, Lang::En, 120, 36));
    assert!(
        shown.contains("the link dropped 4 of them and 1 other frame (ACK/SYN/FIN)"),
        "{shown}"
    );
    // Seed 1 at 5 %: the fast retransmit follows three duplicate ACKs of C.
    let fast = run
        .rows
        .iter()
        .position(|r| r.resend == Some(Resend::Fast))
        .expect("a fast retransmit");
    let dups: Vec<u32> = run.rows[..fast].iter().filter_map(|r| r.dup_ack).collect();
    assert!(dups.contains(&3), "{dups:?}");
    assert!(run.rows[..fast].iter().any(|r| !r.from_a && r.sack));
    // The chart's data: cwnd from TCP_INFO, ssthresh set once a loss was seen.
    assert_eq!(run.samples[0].cwnd, 10.0);
    assert!(run.samples[0].ssthresh.is_none());
    assert!(run.samples.iter().any(|s| s.ssthresh.is_some()));
}

#[test]
fn the_loss_view_in_both_languages_and_two_sizes() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let mut panel = showing(lang);
        // The first fast retransmit selected, so the diagram shows its neighbours.
        let at = {
            let run = panel.loss.as_ref().unwrap().run.as_ref().unwrap();
            run.rows.iter().position(|r| r.resend.is_some()).unwrap()
        };
        let (mut c, _rx) = panel_ctx(lang, Screen::Lan);
        panel.nav(Nav::First, &mut c);
        for _ in 0..at {
            panel.nav(Nav::Next, &mut c);
        }
        for (w, h) in [(80, 24), (120, 36)] {
            let shown = text(&draw(&panel, lang, w, h));
            insta::assert_snapshot!(format!("lan_loss_{tag}_{w}x{h}"), shown);
        }
    }
}

#[test]
fn the_knobs_set_what_runs_and_the_inspector_opens_the_selected_segment() {
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.update(LanMsg::Loss, &mut c);
    panel.update(LanMsg::LossStep(true), &mut c);
    panel.update(LanMsg::LossStep(true), &mut c);
    panel.update(LanMsg::NextSeed, &mut c);
    panel.update(LanMsg::ToggleRecovery, &mut c);
    let knobs = panel.loss.as_ref().unwrap().knobs;
    assert_eq!((knobs.loss_pct, knobs.seed), (20.0, 2));
    assert_eq!(knobs.recovery, Recovery::Classic);
    assert_eq!(knobs.params().recovery, Some(Recovery::Classic));
    let shown = text(&draw(&panel, Lang::En, 120, 36));
    assert!(
        shown.contains("drops 20 %, seed 2, classic recovery: no SACK"),
        "{shown}"
    );
    let zh = text(&draw(&panel, Lang::Zh, 120, 36));
    assert!(
        zh.contains("经典恢复：不用 SACK") && zh.contains("c 恢复方式"),
        "{zh}"
    );
    panel.update(LanMsg::ToggleRecovery, &mut c);
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(
        shown.contains("drops 20 %, seed 2, Linux's recovery"),
        "{shown}"
    );
    assert!(shown.contains("c recovery"), "{shown}");
    assert!(shown.contains("Nothing run yet"), "{shown}");
    assert!(rx.try_recv().is_err(), "nothing runs before r");
    // A recorded run: → walks the segments, the inspector shows each frame.
    panel.show_real(LanRealRun(Ok(recorded())), &mut c);
    panel.nav(Nav::Next, &mut c);
    let inspected = panel.inspector().expect("a frame in the inspector");
    let _ = inspected;
    panel.update(LanMsg::ToggleInspector, &mut c);
    let shown = text(&draw(&panel, Lang::En, 120, 36));
    assert!(shown.contains("Transmission Control"), "{shown}");
    // t (or Esc) goes back to the simulation.
    panel.update(LanMsg::ToggleInspector, &mut c);
    assert!(panel.back(&mut c));
    assert!(panel.loss.is_none());
}

/// `t` then `r` on the real kernel, when this machine has user namespaces.
#[test]
fn t_then_r_runs_tcp_loss_live_with_the_chosen_loss_and_seed() {
    let test = "t_then_r_runs_tcp_loss_live_with_the_chosen_loss_and_seed";
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.lab_exe = Some(env!("CARGO_BIN_EXE_nettutor").into());
    panel.update(LanMsg::Loss, &mut c);
    panel.update(LanMsg::LossStep(true), &mut c); // 10 %
    for _ in 0..6 {
        panel.update(LanMsg::NextSeed, &mut c); // seed 7
    }
    // r asks first: every byte in order; 1 to 10 resends; UDP about 10 %.
    panel.update(LanMsg::Real, &mut c);
    assert!(!panel.real_running(), "the questions come first");
    panel.nav(Nav::Enter, &mut c);
    panel.nav(Nav::Down, &mut c);
    panel.nav(Nav::Enter, &mut c);
    panel.nav(Nav::Down, &mut c);
    panel.nav(Nav::Enter, &mut c);
    assert!(
        panel.real_running(),
        "the run starts after the third answer"
    );
    let started = std::time::Instant::now();
    // What streams while it runs fills the view before the outcome; a
    // segment marked lost then is lost in the end (never one still on its way).
    let (mut mid_rows, mut mid_samples) = (0, 0);
    let mut lost_mid_run: Vec<u64> = Vec::new();
    let run = loop {
        let event = rx
            .recv_timeout(std::time::Duration::from_secs(120))
            .unwrap_or_else(|e| {
                panic!(
                    "no outcome from the lab within 120 s ({e}); before: {mid_rows} segments, \
                     {mid_samples} samples streamed"
                )
            });
        match event {
            AppEvent::Job(Screen::Lan, nettutor::ui::msg::Job::LanLive) => {
                panel.absorb_live();
                let so_far = panel.loss.as_ref().and_then(|v| v.run.as_ref());
                let so_far = so_far.expect("a live batch shows the run so far");
                assert!(
                    so_far.progress.is_some(),
                    "a run under way shows its progress"
                );
                mid_rows = mid_rows.max(so_far.rows.len());
                mid_samples = mid_samples.max(so_far.samples.len());
                lost_mid_run.extend(so_far.rows.iter().filter(|r| r.lost).map(|r| r.ts_ns));
            }
            AppEvent::Job(Screen::Lan, nettutor::ui::msg::Job::LanReal(run)) => break run,
            other => panic!("unexpected event while tcp-loss ran: {other:?}"),
        }
    };
    if let Err(RealLanError::NoNamespaces { .. }) = &run.0 {
        common::skip_here(test, "no user namespaces and not root");
        return;
    }
    let report = match &run.0 {
        Ok(outcome) => outcome.report.clone(),
        Err(e) => panic!(
            "tcp-loss at 10 %, seed 7 failed after {:?}: {e:?}",
            started.elapsed()
        ),
    };
    panel.show_real(run, &mut c);
    assert!(!panel.real_running(), "the outcome shown, the run is over");
    let live = panel
        .loss
        .as_ref()
        .and_then(|v| v.run.as_ref())
        .expect("the loss view shows the finished run");
    assert_eq!(
        (live.knobs.loss_pct, live.knobs.seed),
        (10.0, 7),
        "the knobs the run reports (loss %, seed)"
    );
    assert_marks_agree(live, &report);
    assert!(
        live.rows.iter().any(|r| r.lost),
        "10 % lost nothing: {} rows, the link forward: {}",
        live.rows.len(),
        report["link"]["forward"]
    );
    // TCP delivered every byte in order, and UDP lost the plan's share (the
    // same datagrams on every machine): those two answers were right.
    let view = panel.loss.as_ref().expect("the loss view");
    let verdicts = verdicts(view, live, Lang::En);
    assert_eq!(verdicts.len(), 3, "one verdict per answer: {verdicts:?}");
    assert_eq!(verdicts[0].1, Some(true), "{verdicts:?}");
    assert_eq!(
        verdicts[2].1,
        Some(true),
        "UDP about 10 %: {:?} % lost (the plan dropped {}); {verdicts:?}",
        live.totals.udp_lost_pct,
        report["udp"]["dropped_by_link"]
    );
    let resent = live.totals.retransmitted;
    assert_eq!(
        verdicts[1].1,
        Some((1..=10).contains(&resent)),
        "{resent} resent; {verdicts:?}"
    );
    let shown = text(&draw(&panel, Lang::En, 120, 36));
    assert!(shown.contains("run at 10 %, seed 7"), "{shown}");
    assert!(shown.contains("cwnd"), "{shown}");
    // The chart and the diagram had filled before the outcome came.
    assert!(
        mid_rows > 0 && mid_samples > 0,
        "before the outcome: {mid_rows} segments, {mid_samples} samples"
    );
    let lost_in_the_end: Vec<u64> = live
        .rows
        .iter()
        .filter(|r| r.lost)
        .map(|r| r.ts_ns)
        .collect();
    for ts in &lost_mid_run {
        assert!(
            lost_in_the_end.contains(ts),
            "the segment at {ts} was marked lost mid-run and reached C"
        );
    }
}

/// A lesson's `loss=PCT seed=S` opens the loss view with those knobs (nothing
/// runs until `r`); a link without them closes it again.
#[test]
fn a_lesson_link_opens_the_loss_view_with_its_loss_and_seed() {
    use nettutor::lesson::PanelArg;
    use nettutor::lesson::panel::PanelId;
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    let arg = PanelArg::parse(PanelId::Lan, "loss=10 seed=23", false).unwrap();
    panel.open(&arg, &mut c);
    let knobs = panel.loss.as_ref().expect("the loss view").knobs;
    assert_eq!((knobs.loss_pct, knobs.seed), (10.0, 23));
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(shown.contains("drops 10 %, seed 23"), "{shown}");
    assert!(rx.try_recv().is_err(), "nothing runs before r");
    assert!(!panel.real_running());
    // `+` steps on from the lesson's setting.
    panel.update(LanMsg::LossStep(true), &mut c);
    assert_eq!(panel.loss.as_ref().unwrap().knobs.loss_pct, 20.0);
    let arg = PanelArg::parse(PanelId::Lan, "scenario=via-gateway", false).unwrap();
    panel.open(&arg, &mut c);
    assert!(
        panel.loss.is_none(),
        "a link without loss= shows the simulation"
    );
}

/// Predict, then observe: `r` asks three questions (each its own screen),
/// the run starts after the last answer, and the recorded run's view sets
/// each answer beside what the report shows — right in one colour, wrong in
/// another, with the observed choice named.
#[test]
fn the_predictions_come_before_the_run_and_are_judged_by_its_report() {
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    // A lab binary that is not there: the run fails at once, and the recorded
    // outcome is shown instead.
    panel.lab_exe = Some("nettutor-absent-for-this-test".into());
    panel.update(LanMsg::Loss, &mut c);
    panel.update(LanMsg::Real, &mut c);
    assert!(!panel.real_running(), "nothing runs before the answers");
    let asking = panel.loss.as_ref().unwrap().asking.clone().unwrap();
    assert_eq!((asking.at, asking.answers.len()), (0, QUESTIONS.len()));
    for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let shown = text(&draw(&panel, lang, 80, 24));
        insta::assert_snapshot!(format!("lan_loss_predict_{tag}_80x24"), shown);
    }
    // Answers: every byte in order (right); many resends (wrong: 4); hardly
    // any UDP lost (wrong: 4.6 % of 1,000 at 5 %).
    panel.nav(Nav::Enter, &mut c);
    panel.nav(Nav::Down, &mut c);
    panel.nav(Nav::Down, &mut c);
    panel.nav(Nav::Down, &mut c);
    assert!(!panel.real_running());
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(shown.contains("question 2 of 3"), "{shown}");
    assert!(shown.contains("▸ many: more than 10"), "{shown}");
    panel.nav(Nav::Enter, &mut c);
    panel.nav(Nav::Up, &mut c);
    panel.nav(Nav::Enter, &mut c);
    assert!(panel.real_running(), "the last answer starts the run");
    let event = rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
    let AppEvent::Job(Screen::Lan, nettutor::ui::msg::Job::LanReal(failed)) = event else {
        panic!("unexpected event");
    };
    assert!(failed.0.is_err(), "no lab binary, no run");
    panel.show_real(LanRealRun(Ok(recorded())), &mut c);
    let view = panel.loss.as_ref().unwrap();
    assert_eq!(view.predicted, vec![Some(0), Some(2), Some(0)]);
    let run = view.run.as_ref().unwrap();
    assert_eq!(observed(run), [Some(0), Some(1), Some(1)]);
    let judged: Vec<Option<bool>> = verdicts(view, run, Lang::En).iter().map(|v| v.1).collect();
    assert_eq!(judged, vec![Some(true), Some(false), Some(false)]);
    for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let shown = text(&draw(&panel, lang, 120, 36));
        insta::assert_snapshot!(format!("lan_loss_judged_{tag}_120x36"), shown);
        let shown = text(&draw(&panel, lang, 80, 24));
        insta::assert_snapshot!(format!("lan_loss_judged_{tag}_80x24"), shown);
        // At 80 columns too each verdict wraps whole: the observed answer,
        // the point of it, is never cut off.
        let seen = match lang {
            Lang::En => "about 5 %, what the link drops.",
            Lang::Zh => "是链路丢掉的那些”。",
        };
        assert!(shown.contains(seen), "{shown}");
        assert!(!shown.contains('…'), "{shown}");
        assert!(
            shown.contains("ssthresh"),
            "the chart keeps its legend: {shown}"
        );
    }
    let shown = text(&draw(&panel, Lang::En, 120, 36));
    assert!(
        shown.contains("✗ Resends: you said many: more than 10 — the run shows a few: 1 to 10."),
        "{shown}"
    );
}

/// `r` twice runs without predicting; Esc while asking cancels the questions.
#[test]
fn r_again_skips_the_questions_and_esc_cancels_them() {
    let (mut c, rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.lab_exe = Some("nettutor-absent-for-this-test".into());
    panel.update(LanMsg::Loss, &mut c);
    panel.update(LanMsg::Real, &mut c);
    assert!(panel.back(&mut c), "Esc cancels the questions");
    assert!(panel.loss.as_ref().is_some_and(|v| v.asking.is_none()));
    assert!(!panel.real_running());
    // Enter on a view that has not run yet asks too.
    panel.nav(Nav::Enter, &mut c);
    assert!(panel.loss.as_ref().unwrap().asking.is_some());
    panel.update(LanMsg::Real, &mut c);
    assert!(panel.real_running());
    assert_eq!(
        panel.loss.as_ref().unwrap().predicted,
        vec![None, None, None]
    );
    let _ = rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
    panel.show_real(LanRealRun(Ok(recorded())), &mut c);
    let view = panel.loss.as_ref().unwrap();
    assert!(verdicts(view, view.run.as_ref().unwrap(), Lang::En).is_empty());
}

/// `w` in the loss view writes the run as captured at A — every transmission,
/// the ones the link dropped too — with the kernel's timestamps; tshark reads
/// it with no malformed frame and finds the resends. Before a run there is
/// nothing to write, and it says so.
#[test]
fn w_writes_the_loss_runs_capture_at_a() {
    let test = "w_writes_the_loss_runs_capture_at_a";
    let dir = tempfile::tempdir().unwrap();
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.export_dir = Some(dir.path().to_path_buf());
    panel.update(LanMsg::Loss, &mut c);
    let refused = panel.export(&mut c).unwrap().unwrap_err();
    assert!(refused.contains("Nothing run yet"), "{refused}");
    panel.show_real(LanRealRun(Ok(recorded())), &mut c);
    let written = panel.export(&mut c).unwrap().unwrap();
    assert!(
        written.ends_with("nettutor-tcp-loss-5pct-seed1.pcap"),
        "{written}"
    );
    let frames = nettutor::net::pcap::read_pcap(std::path::Path::new(&written)).unwrap();
    let run = panel.loss.as_ref().unwrap().run.as_ref().unwrap();
    assert_eq!(frames.len(), run.rows.len());
    let lost = run.rows.iter().position(|r| r.lost).unwrap();
    assert_eq!(
        frames[lost].data, run.rows[lost].data,
        "a dropped segment is in it"
    );
    assert!(frames.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
    if !common::have(test, "tshark", "--version") {
        return;
    }
    let count = |filter: &str| {
        let pcap = std::path::Path::new(&written);
        common::run::tshark_fields(test, pcap, &[], filter, &["frame.number"])
            .unwrap()
            .len()
    };
    assert_eq!(count("_ws.malformed || _ws.expert.severity == error"), 0);
    assert!(count("tcp.analysis.retransmission || tcp.analysis.fast_retransmission") >= 1);
}

/// The recorded run streamed as the lab would have: its frames and samples
/// by `cut` (ns since the Unix epoch), a batch each. The samples' clock
/// starts at A's SYN, near enough for a replay.
fn streamed_by(outcome: &Outcome, cut: u64) -> Vec<LiveItem> {
    let frames: Vec<_> = outcome
        .frames
        .iter()
        .filter(|f| f.ts_ns <= cut)
        .cloned()
        .collect();
    let syn = LossRun::from_outcome(outcome).rows[0].ts_ns;
    let samples: Vec<Sample> =
        serde_json::from_value(outcome.report["tcp"]["cwnd_samples"].clone()).unwrap();
    let since_syn_ms = cut.saturating_sub(syn) as f64 / 1e6;
    let samples = samples
        .into_iter()
        .filter(|s| s.t_ms <= since_syn_ms)
        .collect();
    vec![LiveItem::Frames(frames), LiveItem::Samples(samples)]
}

/// What [`streamed_by`] `to` adds to what it streamed by `from`.
fn streamed_between(outcome: &Outcome, from: u64, to: u64) -> Vec<LiveItem> {
    let count = |items: &[LiveItem]| match items {
        [LiveItem::Frames(f), LiveItem::Samples(s)] => (f.len(), s.len()),
        _ => (0, 0),
    };
    let (frames_before, samples_before) = count(&streamed_by(outcome, from));
    match streamed_by(outcome, to).as_slice() {
        [LiveItem::Frames(f), LiveItem::Samples(s)] => vec![
            LiveItem::Frames(f[frames_before..].to_vec()),
            LiveItem::Samples(s[samples_before..].to_vec()),
        ],
        _ => Vec::new(),
    }
}

/// When the recorded connection is `share` of its segments through.
fn cut_at(outcome: &Outcome, share: f64) -> u64 {
    let rows = LossRun::from_outcome(outcome).rows;
    rows[(rows.len() as f64 * share) as usize].ts_ns
}

/// The recorded run replayed in two steps: the diagram and chart grow, the
/// counts so far are the rows', a segment is marked lost mid-run only when
/// a later one has reached C (so never one still on its way), and the
/// finished run takes over.
#[test]
fn streamed_frames_and_samples_grow_the_loss_view_mid_run() {
    let outcome = recorded();
    let full = LossRun::from_outcome(&outcome);
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.update(LanMsg::Loss, &mut c);
    let (mut seen_rows, mut last_cut) = (0, 0);
    for share in [0.3, 0.7] {
        // What was streamed after the step before: its frames and samples
        // by this cut, less those by the last one.
        let cut = cut_at(&outcome, share);
        let view = panel.loss.as_mut().unwrap();
        let queue = match &view.live {
            Some(live) => live.queue.clone(),
            None => view.begin_live().queue.clone(),
        };
        for item in streamed_between(&outcome, last_cut, cut) {
            queue.push(item);
        }
        last_cut = cut;
        panel.absorb_live();
        let view = panel.loss.as_ref().unwrap();
        let run = view.run.as_ref().expect("the run so far");
        let progress = run.progress.clone().expect("progress while running");
        assert!(run.rows.len() > seen_rows, "{share}: the diagram grew");
        assert!(
            run.rows.len() < full.rows.len(),
            "{share}: not all of it yet"
        );
        seen_rows = run.rows.len();
        assert!(!run.samples.is_empty() && run.samples.len() <= full.samples.len());
        // The cursor follows the newest segment.
        assert_eq!(view.cursor, run.rows.len() - 1);
        let sent = run.rows.iter().filter(|r| r.from_a && r.len > 0).count() as u64;
        assert_eq!(progress.segments, sent);
        // The counts so far: A's dropped data segments, its other dropped
        // frames apart (the handshake's ACK, lost in this recording, is one).
        let lost_data = run.rows.iter().filter(|r| r.lost && r.len > 0).count() as u64;
        assert_eq!(
            (progress.lost, progress.lost_other),
            (
                lost_data,
                run.rows.iter().filter(|r| r.lost).count() as u64 - lost_data
            )
        );
        assert_eq!(progress.lost_other, 1, "the handshake's ACK");
        for row in run.rows.iter().filter(|r| r.lost) {
            let end = full.rows.iter().find(|r| r.ts_ns == row.ts_ns).unwrap();
            assert!(end.lost, "{share}: a segment marked lost mid-run reached C");
        }
        // The same rows as the finished run's, but for losses not yet known.
        for (mid, end) in run.rows.iter().zip(&full.rows) {
            assert_eq!(
                (mid.ts_ns, mid.seq, mid.resend),
                (end.ts_ns, end.seq, end.resend)
            );
        }
    }
    // A loss is known mid-run once a later segment reaches C.
    let view = panel.loss.as_ref().unwrap();
    let run = view.run.as_ref().unwrap();
    assert!(run.rows.iter().any(|r| r.lost), "no loss known at 70 %");
    panel.show_real(LanRealRun(Ok(outcome)), &mut c);
    let view = panel.loss.as_ref().unwrap();
    assert!(view.live.is_none());
    assert_eq!(view.run.as_ref(), Some(&full));
    assert_eq!(view.cursor, 0, "a finished run opens at its first segment");
}

/// Mid-run, in both languages and two sizes: the counts so far instead of
/// the totals, no verdicts yet, the chart and diagram as far as they go.
#[test]
fn the_loss_view_mid_run_in_both_languages_and_two_sizes() {
    let outcome = recorded();
    for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let (mut c, _rx) = panel_ctx(lang, Screen::Lan);
        let mut panel = LanPanel::default();
        panel.update(LanMsg::Loss, &mut c);
        let queue = panel.loss.as_mut().unwrap().begin_live().queue.clone();
        for item in streamed_by(&outcome, cut_at(&outcome, 0.5)) {
            queue.push(item);
        }
        panel.absorb_live();
        for (w, h) in [(80, 24), (120, 36)] {
            let shown = text(&draw(&panel, lang, w, h));
            insta::assert_snapshot!(format!("lan_loss_mid_run_{tag}_{w}x{h}"), shown);
        }
    }
}

/// The lab above the numbers follows the selected segment: a segment the
/// link dropped ends in a ╳ at W, one it delivered goes through to C.
#[test]
fn the_drawn_link_crosses_out_w_at_a_dropped_segment() {
    let mut panel = showing(Lang::En);
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let run = panel.loss.as_ref().unwrap().run.clone().unwrap();
    let lost = run
        .rows
        .iter()
        .position(|r| r.lost)
        .expect("a lost segment");
    panel.nav(Nav::First, &mut c);
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(shown.contains("A ── S ── R ── W ── C"), "{shown}");
    for _ in 0..lost {
        panel.nav(Nav::Next, &mut c);
    }
    let shown = text(&draw(&panel, Lang::En, 80, 24));
    assert!(shown.contains("A ── S ── R ──╳W ── C"), "{shown}");
    assert!(shown.contains("✗ lost on the link"), "{shown}");
}

/// Knobs turned while a run streams are the next run's: the title and the
/// drawn link keep the running run's loss and seed, a line names the next
/// run's, and the finished run does not turn them back.
#[test]
fn knobs_turned_mid_run_are_the_next_runs() {
    let outcome = recorded();
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.update(LanMsg::Loss, &mut c);
    let queue = panel.loss.as_mut().unwrap().begin_live().queue.clone();
    for item in streamed_by(&outcome, cut_at(&outcome, 0.5)) {
        queue.push(item);
    }
    panel.update(LanMsg::LossStep(true), &mut c);
    panel.update(LanMsg::NextSeed, &mut c);
    panel.absorb_live();
    let shown = text(&draw(&panel, Lang::En, 120, 36));
    assert!(shown.contains("drops 5 %, seed 1"), "{shown}");
    assert!(shown.contains("and drops 5 % of R → C"), "{shown}");
    assert!(shown.contains("next run (r): 10 % loss, seed 2"), "{shown}");
    let run = panel.loss.as_ref().unwrap().run.as_ref().unwrap();
    assert_eq!((run.knobs.loss_pct, run.knobs.seed), (5.0, 1));
    panel.show_real(LanRealRun(Ok(outcome)), &mut c);
    let view = panel.loss.as_ref().unwrap();
    assert_eq!((view.knobs.loss_pct, view.knobs.seed), (10.0, 2));
    let shown = text(&draw(&panel, Lang::En, 120, 36));
    assert!(shown.contains("drops 5 %, seed 1"), "{shown}");
    assert!(shown.contains("next run (r): 10 % loss, seed 2"), "{shown}");
}

/// A tcp-loss run that ends after the student left the loss view does not
/// bring it back.
#[test]
fn a_run_ending_after_the_loss_view_closed_does_not_reopen_it() {
    let (mut c, _rx) = panel_ctx(Lang::En, Screen::Lan);
    let mut panel = LanPanel::default();
    panel.update(LanMsg::Loss, &mut c);
    panel.update(LanMsg::Loss, &mut c);
    assert!(panel.loss.is_none());
    panel.show_real(LanRealRun(Ok(recorded())), &mut c);
    assert!(panel.loss.is_none());
}
