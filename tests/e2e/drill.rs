//! End to end: subnet drills in the Quiz panel of the real binary in tmux. A
//! missed problem waiting in the progress file comes first; one wrong field
//! is marked alone with the mistake behind it; right answers three times in a
//! row (across runs) take it out of the pool; the terminal is restored.

use crate::common;

use common::Tmux;

/// The right fields of 192.168.37.77/27, in the order the drill asks them.
const RIGHT: [&str; 5] = [
    "192.168.37.64",
    "192.168.37.95",
    "192.168.37.65",
    "192.168.37.94",
    "30",
];

fn drill_section(t: &Tmux) -> serde_json::Value {
    let text = std::fs::read_to_string(t.file("progress.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["drill"].clone()
}

/// Clears the shell's screen, so the next run's "FINISHED" is its own.
fn clear(t: &Tmux, n: usize) {
    t.type_line(&format!("clear; echo CLEA\"\"RED{n}"));
    t.wait_for(&format!("CLEARED{n}"));
}

/// Opens the drills on `range` and starts a set.
fn start_range_set(t: &Tmux) {
    t.run_tutor("--lang en");
    t.wait_for("Your progress");
    t.send(&["7"]);
    t.wait_for("Due today");
    t.send(&["d"]);
    t.wait_for("Subnet drills");
    t.send(&["Down", "Enter"]);
    t.wait_for("Problem 1 of 5");
}

#[test]
fn a_missed_problem_comes_back_is_marked_field_by_field_and_leaves_after_three_right() {
    let Some(t) = Tmux::start("drill") else {
        return;
    };
    std::fs::write(
        t.file("progress.json"),
        r#"{"drill":{"missed":[{"spec":{"kind":"range","input":"192.168.37.77/27"},"right":0}],"best_streak":0}}"#,
    )
    .unwrap();
    start_range_set(&t);
    let screen = t.wait_for("Host 192.168.37.77/27.");
    assert!(screen.contains("missed before"), "{screen}");
    // The network answered with the host's own address; the rest right.
    t.type_line("192.168.37.77");
    for answer in &RIGHT[1..] {
        t.type_line(answer);
    }
    let screen = t.wait_for("fields 4/5");
    assert!(
        screen.contains("✗ network address: you said 192.168.37.77"),
        "{screen}"
    );
    assert!(
        screen.contains("That is the host's own address"),
        "{screen}"
    );
    assert!(
        screen.contains("✓ broadcast address: 192.168.37.95"),
        "{screen}"
    );
    // Esc: back to the chooser; q quits from there (not a field).
    t.send(&["Escape"]);
    t.wait_for("Enter start");
    t.send(&["q"]);
    t.assert_terminal_restored();
    assert_eq!(drill_section(&t)["missed"][0]["right"], 0);

    // Three more runs answering it right: it leaves the pool.
    for run in 1..=3 {
        clear(&t, run);
        start_range_set(&t);
        t.wait_for("Host 192.168.37.77/27.");
        for answer in RIGHT {
            t.type_line(answer);
        }
        t.wait_for("fields 5/5 · streak 1");
        t.send(&["Escape"]);
        t.wait_for("Enter start");
        t.send(&["q"]);
        t.assert_terminal_restored();
        let missed = drill_section(&t)["missed"].clone();
        if run < 3 {
            assert_eq!(missed[0]["right"], run, "{missed}");
        } else {
            assert_eq!(missed, serde_json::json!([]), "{missed}");
        }
    }
}
