//! End to end: the real binary in tmux runs the sticky lab from the Labs panel
//! and draws the merged sends; a long lab is stopped with Esc and the tutor
//! quits cleanly. Skipped, with a printed reason, where tmux is not installed.

use crate::common;

use common::Tmux;

use std::time::Duration;

#[test]
fn sticky_lab_runs_in_a_real_terminal_and_esc_stops_a_long_lab() {
    let Some(t) = Tmux::start("sticky") else {
        return;
    };
    t.run_tutor("--lang en");
    t.wait_within("Lessons", Duration::from_secs(10));
    t.send(&["6"]);
    t.wait_within("udp-boundaries", Duration::from_secs(5));
    t.send(&["r"]);
    let (screen, _) = t.wait_within("Finished in", Duration::from_secs(15));
    let send_row = screen
        .lines()
        .find(|l| l.contains("send() ×10"))
        .unwrap_or_else(|| panic!("{screen}"));
    let recv_row = screen
        .lines()
        .find(|l| l.contains("recv() ×"))
        .unwrap_or_else(|| panic!("{screen}"));
    let sends = send_row.chars().filter(|c| ['┌', '╷'].contains(c)).count();
    let recvs = recv_row.chars().filter(|c| ['└', '╵'].contains(c)).count();
    assert_eq!(sends, 10, "{screen}");
    assert!(
        recvs >= 1 && recvs < sends,
        "fewer reads than sends:\n{screen}"
    );

    // udp-loss (the sixth lab) runs for seconds; Esc stops it at once.
    for _ in 0..5 {
        t.send(&["Down"]);
    }
    t.send(&["r"]);
    t.wait_within("x/Esc stops", Duration::from_secs(5));
    t.send(&["Escape"]);
    // Stopped, not finished: the lab was cut short (it runs for seconds).
    let screen = t.wait_for("Stopped");
    assert!(!screen.contains("Finished in"), "{screen}");
    t.send(&["q"]);
    t.assert_terminal_restored();
}
