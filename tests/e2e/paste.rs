//! Bracketed paste in a real terminal (tmux): the tutor asks for it, so a
//! paste arrives as one event — text outside a field is ignored (a pasted `q`
//! does not quit), and a huge paste into a search box is cut once, with a
//! message, instead of arriving as thousands of key presses.

use crate::common;

use common::Tmux;

/// Pastes `text` the way a terminal does: with `-p`, tmux wraps it in the
/// bracketed-paste markers only when the program asked for them.
fn paste(t: &Tmux, text: &str) {
    t.tmux(&["set-buffer", "--", text]);
    t.tmux(&["paste-buffer", "-p", "-t", "main"]);
}

#[test]
fn a_paste_is_one_event_and_a_huge_one_is_cut() {
    let Some(t) = Tmux::start("paste") else {
        return;
    };
    t.run_tutor("--lang en");
    t.wait_for("Lessons");
    // On the home screen no field takes text: a pasted "q" is not a key.
    paste(&t, "q");
    t.send(&["8"]);
    t.wait_for("Glossary —");
    t.send(&["/"]);
    paste(&t, "time-wait");
    let screen = t.wait_for("/ time-wait");
    assert!(screen.contains("TIME_WAIT"), "{screen}");
    t.send(&["Escape"]);
    t.send(&["/"]);
    let huge = "x".repeat(10_000);
    paste(&t, &huge);
    // One bracketed paste, one event: the paste path's message (typed key by
    // key the field would say "The field is full." after 256 redraws).
    let screen = t.wait_for("Pasted text cut to 256");
    assert!(screen.contains("No term matches"), "{screen}");
    assert!(!screen.contains("The field is full"), "{screen}");
    t.send(&["Escape", "Escape", "q"]);
    t.assert_terminal_restored();
}
