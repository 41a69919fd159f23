//! End to end: `nettutor check … --open` in a real terminal prints the report,
//! then opens the tutor on the failing property and its exchange; the Labs
//! panel's `c` finds the same check in the recent list; q restores the terminal
//! and the exit status is the check's (1: a property failed).

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use crate::common;

use common::Tmux;

#[test]
fn check_open_shows_the_failing_exchange_then_the_labs_list_has_it() {
    if !common::have("check --open", "python3", "--version") {
        return;
    }
    let Some(t) = Tmux::start("check-open") else {
        return;
    };
    // As root the program runs as nobody: it must sit where nobody may read it.
    let folder = tempfile::tempdir().unwrap();
    std::fs::set_permissions(folder.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let program = folder.path().join("udp_chat_empty.py");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/check_programs/udp_chat_empty.py");
    std::fs::copy(source, &program).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o644)).unwrap();
    let evidence = t.file("evidence");
    t.run_tutor(&format!(
        "--lang en check udp-chat --open -o {} -- python3 {} {{port}}",
        evidence.display(),
        program.display()
    ));
    // The title is drawn before the list under it: wait for the row itself.
    let (screen, _) = t.wait_within("▸FAIL  empty", Duration::from_secs(30));
    assert!(screen.contains("udp-chat: 5 of 6 passed"), "{screen}");
    // The byte log: one empty datagram out, nothing back.
    t.send(&["Tab"]);
    let screen = t.screen();
    let exchange = if screen.contains("0 B \"\"") {
        screen
    } else {
        t.send(&["f"]);
        t.wait_within("0 B \"\"", Duration::from_secs(5)).0
    };
    assert!(exchange.contains("checker"), "{exchange}");
    // The same check from the Labs panel's list.
    t.send(&["Escape", "Escape", "Escape"]);
    t.send(&["6"]);
    t.wait_within("udp-boundaries", Duration::from_secs(5));
    t.send(&["c"]);
    let (screen, _) = t.wait_within("Check reports", Duration::from_secs(5));
    assert!(screen.contains("▸udp-chat"), "{screen}");
    t.send(&["q"]);
    let screen = t.wait_for("FINISHED");
    assert!(screen.contains("EXIT=1"), "the check's status:\n{screen}");
    assert!(!t.alternate_on(), "left the alternate screen");
    let before = std::fs::read_to_string(t.file("before")).unwrap();
    let after = std::fs::read_to_string(t.file("after")).unwrap();
    assert_eq!(before, after, "tty settings restored");
    assert!(evidence.join("report.json").is_file());
}
