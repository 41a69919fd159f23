//! End to end: the real binary in tmux runs a lesson's zero-window experiment
//! from the LAN panel; while it runs the screen says it is running and lists
//! the frames captured so far, then it shows the finished run. The same for
//! the loss view: tcp-loss's counts, chart and segments grow while it runs.
//! Skipped, with a printed reason, where tmux or user namespaces are missing.

use crate::common;

use common::Tmux;

use std::time::Duration;

/// One lesson whose only step opens the LAN panel on zero-window (about two
/// seconds of probes: long enough to be seen running).
const LESSON: &str = r#"
id = "live"
order = 1
title = { en = "Live capture", zh = "实时抓包" }
summary = { en = "zero-window, watched as it runs.", zh = "边运行边看 zero-window。" }

[[steps]]
title = { en = "A receiver that stops reading", zh = "不再读取的接收方" }
concepts = ["tcp.flow-control"]
body.en = "Run it and watch the frames arrive."
body.zh = "运行它，看帧一个个到来。"
panel = { open = "lan", arg = "experiment=zero-window" }
"#;

/// The frame count in "running… N frames so far", when the screen says it.
fn running_count(screen: &str) -> Option<usize> {
    let line = screen.lines().find(|l| l.contains("running…"))?;
    let rest = line.split("running…").nth(1)?;
    rest.split_whitespace().next()?.parse().ok()
}

#[test]
fn the_lan_panel_lists_frames_while_zero_window_runs_then_shows_the_finished_run() {
    let test = "the_lan_panel_lists_frames_while_zero_window_runs_then_shows_the_finished_run";
    let Some(t) = Tmux::start("lan-live") else {
        return;
    };
    let lessons = t.dir().join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::write(lessons.join("live.toml"), LESSON).unwrap();
    t.run_tutor(&format!("--lang en --lessons '{}'", lessons.display()));
    t.wait_within("Lessons", Duration::from_secs(10));
    t.send(&["1", "Enter"]);
    t.wait_for("step 1/");
    t.send(&["o"]);
    t.wait_for("Your kernel will run");
    t.send(&["Enter"]);
    // Mid-run: the status with a count, or why there is no virtual network.
    let (screen, _) = t.wait_until(
        "main",
        Duration::from_secs(60),
        |s| running_count(s).is_some_and(|n| n >= 1) || s.contains("no user namespaces"),
        "running… N frames so far",
    );
    if screen.contains("no user namespaces") {
        common::skip(test, "no user namespaces here");
        t.send(&["q"]);
        return;
    }
    let first = running_count(&screen).unwrap_or_default();
    assert!(screen.contains("frames so far"), "{screen}");
    assert!(screen.contains("ms  "), "a frame row is listed:\n{screen}");
    // The finished view: its title counts the frames, the running status is gone.
    let (done, _) = t.wait_until(
        "main",
        Duration::from_secs(60),
        |s| s.contains("· frame ") && !s.contains("running…"),
        "the finished view",
    );
    assert!(done.contains("frame 1/"), "{done}");
    let total: usize = done
        .split("frame 1/")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(
        total >= first,
        "{first} listed mid-run, {total} at the end:\n{done}"
    );
    t.send(&["q"]);
}

/// One lesson whose only step opens the loss view at 20 % (timeouts of 200 ms
/// and more: the run lasts about a second).
const LOSS_LESSON: &str = r#"
id = "loss"
order = 1
title = { en = "Loss, live", zh = "实时丢包" }
summary = { en = "tcp-loss at 20 %, watched as it runs.", zh = "边运行边看 20% 丢包的 tcp-loss。" }

[[steps]]
title = { en = "TCP over a lossy link", zh = "有丢包链路上的 TCP" }
concepts = ["tcp.retransmission"]
body.en = "Predict, then run it and watch."
body.zh = "先预测，再运行并观察。"
panel = { open = "lan", arg = "loss=20 seed=1" }
"#;

/// The TCP data segments in "TCP: A sent N data segments", when shown.
fn segments_so_far(screen: &str) -> Option<usize> {
    let line = screen.lines().find(|l| l.contains("running… UDP"))?;
    let rest = line.split("TCP: A sent ").nth(1)?;
    rest.split_whitespace().next()?.parse().ok()
}

#[test]
fn the_loss_view_counts_and_draws_while_tcp_loss_runs_then_shows_the_report() {
    let test = "the_loss_view_counts_and_draws_while_tcp_loss_runs_then_shows_the_report";
    let Some(t) = Tmux::start("lan-loss-live") else {
        return;
    };
    let lessons = t.dir().join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::write(lessons.join("loss.toml"), LOSS_LESSON).unwrap();
    t.run_tutor(&format!("--lang en --lessons '{}'", lessons.display()));
    t.wait_within("Lessons", Duration::from_secs(10));
    t.send(&["1", "Enter"]);
    t.wait_for("step 1/");
    t.send(&["o"]);
    t.wait_for("drops 20 %");
    // r: the three questions; Enter takes each first choice, the run starts.
    t.send(&["r"]);
    t.wait_for("question 1 of 3");
    t.send(&["Enter"]);
    t.wait_for("question 2 of 3");
    t.send(&["Enter"]);
    t.wait_for("question 3 of 3");
    t.send(&["Enter"]);
    let (screen, _) = t.wait_until(
        "main",
        Duration::from_secs(60),
        |s| s.contains("running… UDP") || s.contains("no user namespaces"),
        "running… UDP: A sent …",
    );
    if screen.contains("no user namespaces") {
        common::skip(test, "no user namespaces here");
        t.send(&["q"]);
        return;
    }
    // TCP's segments counted while it runs (timeouts hold it for 200 ms
    // and more), then the report's numbers with the verdicts.
    let (screen, _) = t.wait_until(
        "main",
        Duration::from_secs(60),
        |s| segments_so_far(s).is_some_and(|n| n > 0) || s.contains("run at 20 %"),
        "running… with TCP segments counted",
    );
    let mid = segments_so_far(&screen);
    assert!(
        mid.is_some_and(|n| n > 0),
        "the run ended before any TCP segment was counted on screen:\n{screen}"
    );
    let (done, _) = t.wait_until(
        "main",
        Duration::from_secs(90),
        |s| s.contains("run at 20 %, seed 1") && !s.contains("running…"),
        "the finished run's numbers",
    );
    let sent: usize = done
        .split("A sent ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(sent > 0, "{done}");
    eprintln!("tcp-loss 20 %: {mid:?} data segments counted mid-run, {sent} in the end");
    assert!(
        mid.is_some_and(|n| n <= sent),
        "{mid:?} segments mid-run, {sent} at the end:\n{done}"
    );
    assert!(done.contains("cwnd"), "the chart is drawn:\n{done}");
    assert!(done.contains("every byte"), "a verdict is shown:\n{done}");
    t.send(&["q"]);
}
