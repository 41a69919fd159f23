//! The LAN panel's real mode while the run goes: frames and kernel changes
//! streamed by the lab process ([`LiveItem`]) fill the frame list and the
//! tables before the outcome arrives. Recorded runs, replayed in the order
//! the lab would have streamed them, give stable states and snapshots.

use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::common;

use common::tui::*;

use nettutor::i18n::Lang;
use nettutor::ui::app::{AppEvent, Screen};
use nettutor::ui::lan::LanPanel;
use nettutor::ui::lan::real::{LanRealRun, LiveItem, LiveRun, RealRun, Row, summary};
use nettutor::ui::msg::Job;
use nettutor::ui::panel::{Ctx, Panel};
use nettutor::ui::theme::Theme;
use nettutor::vnet::Outcome;
use nettutor::vnet::watch::Phase;

fn recorded(name: &str) -> Outcome {
    let path = format!(
        "{}/tests/fixtures/vnet/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// What a run had streamed by `cut` (ns since the Unix epoch): its frames
/// captured by then, one batch, and its kernel changes read by then, in the
/// order they happened.
fn streamed_by(outcome: &Outcome, cut: u64) -> Vec<LiveItem> {
    let mut timed: Vec<(u64, LiveItem)> = outcome
        .events
        .iter()
        .filter(|e| e.wall_ns <= cut)
        .map(|e| (e.wall_ns, LiveItem::Event(e.clone())))
        .collect();
    let frames: Vec<_> = outcome
        .frames
        .iter()
        .filter(|f| f.ts_ns <= cut)
        .cloned()
        .collect();
    if let Some(last) = frames.iter().map(|f| f.ts_ns).max() {
        timed.push((last, LiveItem::Frames(frames)));
    }
    timed.sort_by_key(|(at, _)| *at);
    timed.into_iter().map(|(_, item)| item).collect()
}

/// The items streamed after `from` and by `to`.
fn streamed_between(outcome: &Outcome, from: u64, to: u64) -> Vec<LiveItem> {
    let before = streamed_by(outcome, from);
    let mut items = Vec::new();
    for item in streamed_by(outcome, to) {
        match item {
            LiveItem::Event(e) if !before.contains(&LiveItem::Event(e.clone())) => {
                items.push(LiveItem::Event(e));
            }
            LiveItem::Frames(frames) => {
                let new: Vec<_> = frames.into_iter().filter(|f| f.ts_ns > from).collect();
                if !new.is_empty() {
                    items.push(LiveItem::Frames(new));
                }
            }
            LiveItem::Event(_) | LiveItem::Samples(_) => {}
        }
    }
    items
}

fn draw(panel: &LanPanel, lang: Lang) -> String {
    text(
        draw_panel(panel, lang, &Theme::fallback(), 80, 24)
            .backend()
            .buffer(),
    )
}

fn texts(rows: &[Row]) -> Vec<String> {
    rows.iter().map(|r| r.text.clone()).collect()
}

/// When the watcher read A's ARP entry for B (the cache's first change).
fn a_learned_b(outcome: &Outcome) -> u64 {
    outcome
        .events
        .iter()
        .find(|e| e.host == "A" && e.line().contains("neigh 192.168.1.20 "))
        .map(|e| e.wall_ns)
        .unwrap()
}

/// A's ARP request and B's reply captured; nothing read from netlink yet.
fn after_the_reply(outcome: &Outcome) -> u64 {
    let full = RealRun::from_outcome(outcome);
    full.frames[2].ts_ns - 1
}

#[test]
fn streamed_frames_and_changes_fill_the_list_and_tables_mid_run() {
    let outcome = recorded("arp-same-lan");
    let full = RealRun::from_outcome(&outcome);
    let mut live = LiveRun::new("arp-same-lan");
    assert!(live.view.running && live.view.frames.is_empty());

    // The ARP exchange captured: two frames, each once with its points; A's
    // cache still without B (netlink not read yet).
    let first = after_the_reply(&outcome);
    live.absorb(streamed_by(&outcome, first));
    let kinds: Vec<String> = live
        .view
        .frames
        .iter()
        .map(|f| summary(&f.seen, Lang::En))
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:#?}");
    assert!(kinds[0].starts_with("ARP who has 192.168.1.20?"));
    assert!(kinds[1].starts_with("ARP 192.168.1.20 is at"));
    assert_eq!(live.view.frames[0].points, full.frames[0].points);
    assert_eq!(live.captured(), 10, "every copy at every point");
    let tables = live.view.tables_at(1);
    assert!(tables.live);
    assert!(
        !texts(&tables.arp)
            .iter()
            .any(|r| r.starts_with("192.168.1.20")),
        "{tables:#?}"
    );

    // Then the ping's frames and A's new entry: B is in the cache, placed
    // at (and marked new on) B's ARP reply, the frame that taught A; the
    // bridge has not announced B's port yet.
    let second = a_learned_b(&outcome);
    live.absorb(streamed_between(&outcome, first, second));
    assert_eq!(live.view.frames.len(), 4);
    let b_at = |k: usize| {
        live.view
            .tables_at(k)
            .arp
            .into_iter()
            .find(|r| r.text.starts_with("192.168.1.20 → "))
    };
    assert_eq!(b_at(0), None);
    let b = b_at(1).unwrap_or_else(|| panic!("{:#?}", live.view.changes));
    assert_eq!(b.mark, nettutor::ui::lan::real::Mark::Changed);
    assert!(b.text.ends_with("(REACHABLE)"), "{}", b.text);
    assert_eq!(
        b_at(3).map(|r| r.mark),
        Some(nettutor::ui::lan::real::Mark::Kept)
    );
    let bridge_heard = |live: &LiveRun| {
        live.view
            .changes
            .iter()
            .filter(|c| c.event.host == "S" && c.event.phase == Phase::Run)
            .count()
    };
    // What the bridge learned from the ping is read after A's entry.
    let mid = bridge_heard(&live);

    // Everything: the same list and tables as the finished run's.
    live.absorb(streamed_between(&outcome, second, u64::MAX));
    assert!(bridge_heard(&live) >= mid + 2, "{mid}");
    let names = |run: &RealRun| -> Vec<(String, Vec<String>)> {
        run.frames
            .iter()
            .map(|f| (summary(&f.seen, Lang::En), f.points.clone()))
            .collect()
    };
    assert_eq!(names(&live.view), names(&full));
    assert_eq!(live.view.ipv6_frames, full.ipv6_frames);
    let last = full.frames.len() - 1;
    assert_eq!(live.view.tables_at(last), full.tables_at(last));
}

/// A panel in real mode with what `arp-same-lan` had streamed by the time
/// A learned B, as the job channel delivers it.
fn mid_run(lang: Lang) -> (LanPanel, Ctx, Receiver<AppEvent>) {
    let (mut c, rx) = panel_ctx(lang, Screen::Lan);
    let outcome = recorded("arp-same-lan");
    let mut panel = LanPanel::default();
    let live = LiveRun::new("arp-same-lan");
    for item in streamed_by(&outcome, a_learned_b(&outcome)) {
        live.queue.push(item);
    }
    panel.live = Some(live);
    panel.job(Job::LanLive, &mut c);
    (panel, c, rx)
}

#[test]
fn mid_run_the_panel_lists_the_frames_so_far_and_follows_the_newest() {
    let (mut panel, mut c, _rx) = mid_run(Lang::En);
    assert_eq!(panel.real_cursor, 3, "the newest frame is selected");
    let shown = draw(&panel, Lang::En);
    assert!(shown.contains("running… 4 frames so far"), "{shown}");
    assert!(shown.contains("192.168.1.20 → "), "{shown}");
    // Enter opens the selected frame (the echo reply) in the inspector.
    panel.nav(nettutor::ui::app::Nav::Enter, &mut c);
    let shown = draw(&panel, Lang::En);
    assert!(shown.contains("Ethernet II"), "{shown}");
    panel.nav(nettutor::ui::app::Nav::Enter, &mut c);
    // ← moves off the newest frame; what streams next does not move it back.
    panel.nav(nettutor::ui::app::Nav::Prev, &mut c);
    assert_eq!(panel.real_cursor, 2);
    let live = panel.live.as_ref().unwrap();
    let outcome = recorded("arp-same-lan");
    for item in streamed_between(&outcome, a_learned_b(&outcome), u64::MAX) {
        live.queue.push(item);
    }
    panel.job(Job::LanLive, &mut c);
    assert_eq!(panel.real_cursor, 2);
    // The outcome: the finished view, on the frame the student was on.
    panel.show_real(LanRealRun(Ok(Box::new(outcome))), &mut c);
    assert!(panel.live.is_none());
    assert_eq!(panel.real_cursor, 2);
    let shown = draw(&panel, Lang::En);
    assert!(shown.contains("frame 3/4"), "{shown}");
}

#[test]
fn mid_run_screens_in_both_languages() {
    for (lang, name) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let (panel, _c, _rx) = mid_run(lang);
        insta::assert_snapshot!(
            format!("lan_live_same_lan_{name}_80x24"),
            draw(&panel, lang)
        );
    }
}

/// Feeds a real run's streamed items to the panel until the outcome comes;
/// returns it and how many frames the panel listed before it did.
pub fn until_finished(
    panel: &mut LanPanel,
    rx: &Receiver<AppEvent>,
    c: &mut Ctx,
) -> (LanRealRun, usize) {
    let mut most = 0;
    loop {
        let event = rx.recv_timeout(Duration::from_secs(90)).unwrap();
        match event {
            AppEvent::Job(Screen::Lan, Job::LanLive) => {
                panel.job(Job::LanLive, c);
                most = most.max(panel.real_shown().map_or(0, |r| r.frames.len()));
            }
            AppEvent::Job(Screen::Lan, Job::LanReal(run)) => return (run, most),
            other => panic!("unexpected event {other:?}"),
        }
    }
}
