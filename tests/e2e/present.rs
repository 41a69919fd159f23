//! Presenting a lecture in a real terminal (tmux): typing wins in every text
//! field while presenting (`.` and `b` type, they do not blank the screen), and
//! a clicker's PageDown alone walks the whole shipped playlist.

use std::time::{Duration, Instant};

use crate::common;

use common::Tmux;

#[test]
fn typing_wins_while_presenting_dotted_and_ipv6_addresses() {
    let Some(t) = Tmux::start("present-typing") else {
        return;
    };
    t.run_tutor("--lang en --present");
    t.wait_for("Lessons");
    // The subnet panel: `e` edits, Ctrl-U clears the line.
    t.send(&["5", "e", "C-u"]);
    t.type_text("172.15.255.255/12");
    let screen = t.wait_for("172.15.255.255/12");
    assert!(!screen.trim().is_empty(), "not blanked");
    t.send(&["Enter"]);
    let screen = t.wait_for("172.0.0.0");
    assert!(screen.contains("172.15.255.255"), "{screen}");
    // An IPv6 address with the presenter's keys in it: b, e, '.' is not in it,
    // but the blank key 'b' is.
    t.send(&["e", "C-u"]);
    t.type_text("2001:db8:beef::b/64");
    let screen = t.wait_for("2001:db8:beef::b/64");
    assert!(!screen.contains("17255555"), "{screen}");
    t.send(&["Enter"]);
    t.wait_for("2001:db8:beef::");
    // Outside a field the blank key still blanks; any key brings it back.
    t.send(&["b"]);
    let start = Instant::now();
    while !t.screen().trim().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "b blanks the screen"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    t.send(&["Right"]);
    t.wait_for("2001:db8:beef::");
    // The glossary search takes `.` and `b` too.
    t.send(&["8", "/"]);
    t.type_text("b.");
    t.wait_for("/ b.");
    t.send(&["Escape", "Escape", "q"]);
    t.assert_terminal_restored();
}

/// The lesson title and step counter of a lesson screen: its frame's top
/// ("┌ Title ──…") and bottom ("── step n/m ┘") lines.
pub(crate) fn lesson_mark(screen: &str) -> Option<(String, String)> {
    let first = screen.lines().next()?.strip_prefix("┌ ")?;
    let title = first.split(" ─").next()?.trim().to_string();
    let counter = screen.lines().rev().find_map(|l| {
        let l = l.trim_end().strip_suffix(" ┘")?;
        let at = l.rfind("step ")?;
        Some(l[at..].to_string())
    })?;
    Some((title, counter))
}

#[test]
fn pagedown_alone_walks_the_whole_shipped_playlist() {
    let Some(t) = Tmux::start("present-clicker") else {
        return;
    };
    let set = nettutor::lesson::LessonSet::embedded().unwrap();
    let ids: Vec<&str> = set.lessons.iter().map(|l| l.id.as_str()).collect();
    t.run_tutor(&format!("--lang en --present --lesson {}", ids.join(",")));
    let titles: Vec<String> = set
        .lessons
        .iter()
        .map(|l| l.title.get(nettutor::i18n::Lang::En).to_string())
        .collect();
    let mut screen = t.wait_for("step 1/");
    let pid: i32 = t.tutor_pid().parse().unwrap();
    let mut marks: Vec<(String, String)> = Vec::new();
    marks.extend(lesson_mark(&screen));
    let mut presses = 0;
    // PageDown until a press changes nothing (waited for generously): every
    // press before that must change the screen — no dead end. The next press
    // goes only once the last one's frame is whole (`Tmux::next_frame`), so
    // every frame the walk passes is seen, and a step skipped or shown twice
    // shows in the marks.
    loop {
        t.tmux(&["send-keys", "-t", "main", "PageDown"]);
        presses += 1;
        let Some(next) = t.next_frame(pid, &screen, Duration::from_secs(5)) else {
            break;
        };
        screen = next;
        if let Some(mark) = lesson_mark(&screen)
            && titles.contains(&mark.0)
            && marks.last() != Some(&mark)
        {
            marks.push(mark);
        }
        assert!(presses < 20_000, "the playlist never ended");
    }
    // Every step of every lesson, in order, nothing skipped.
    let expected: Vec<(String, String)> = set
        .lessons
        .iter()
        .flat_map(|l| {
            let m = l.steps.len();
            (1..=m).map(move |n| {
                (
                    l.title.get(nettutor::i18n::Lang::En).to_string(),
                    format!("step {n}/{m}"),
                )
            })
        })
        .collect();
    assert_eq!(marks, expected, "after {presses} presses");
    // The walk ended on the end-of-lecture card, with every lesson on it;
    // PageUp goes back to the last step (through its panel, when it opens one).
    let covered = format!("This lecture covered {} lessons", set.lessons.len());
    assert!(screen.contains(&covered), "{screen}");
    assert!(screen.contains(&titles[0]), "{screen}");
    t.send(&["PageUp"]);
    let last_step = set.lessons.last().and_then(|l| l.steps.last());
    if last_step.is_some_and(|s| s.panel.is_some()) {
        t.wait_until(
            "main",
            Duration::from_secs(10),
            |s| !s.contains(&covered),
            "the last step's panel",
        );
        t.send(&["PageUp"]);
    }
    let last = expected.last().unwrap();
    let back = t.wait_for(&last.1);
    assert_eq!(lesson_mark(&back).as_ref(), Some(last), "{back}");
    t.send(&["q"]);
    t.assert_terminal_restored();
}
