//! `nettutor lessons check|list` on the shipped lessons and on broken folders:
//! one error per problem, naming file and line, exit status 1, never a panic.

use crate::common::run::nettutor;
use std::path::Path;

fn bad(case: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad_lessons")
        .join(case)
        .display()
        .to_string()
}

#[test]
fn shipped_lessons_pass_the_check() {
    let (code, out, err) = nettutor(&["lessons", "check"]);
    assert_eq!(code, 0, "stderr: {err}");
    assert!(out.starts_with("ok: "), "{out}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let (code, _, err) = nettutor(&["lessons", "check", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "the lessons/ folder itself checks too: {err}");
}

#[test]
fn list_prints_one_lesson_per_line_id_first() {
    let (code, out, _) = nettutor(&["lessons", "list"]);
    assert_eq!(code, 0);
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("basics\t"), "{first}");
    let (_, zh, _) = nettutor(&["--lang", "zh", "lessons", "list"]);
    assert_ne!(out, zh, "titles follow --lang");
}

/// (folder, file:line the message must name, words the message must contain)
const CASES: &[(&str, &str, &str)] = &[
    ("empty", "empty", "no lessons found"),
    ("malformed", "broken.toml:3:", "unclosed array table"),
    ("unknown_key", "extra.toml:7:", "unknown field `colour`"),
    (
        "unknown_panel",
        "panel.toml:7:",
        "unknown panel 'wireshark'",
    ),
    (
        "unknown_concept",
        "concept.toml:6:",
        "unknown concept id 'subnet.magic'",
    ),
    (
        "missing_translation",
        "half.toml:6:",
        "body has no Chinese translation",
    ),
    (
        "duplicate_id",
        "b.toml:1:",
        "duplicate lesson id 'same' (also in a.toml)",
    ),
    ("no_steps", "nosteps.toml:1:", "no [[steps]]"),
    (
        "bad_panel_arg",
        "arg.toml:7:",
        "scenario='mars' is not one of",
    ),
    (
        "subnet_address",
        "subnet_address.toml:7:",
        "step 1: panel subnet: octet 4 is 300 at column 12, out of range: an octet is 0–255",
    ),
    (
        "subnet_prefix",
        "subnet_prefix.toml:7:",
        "step 1: panel subnet: prefix /33 at column 14 is too long: an IPv4 prefix is 0–32",
    ),
    (
        "expect_error_accepted",
        "expect_error_accepted.toml:7:",
        "step 1: panel subnet: expect_error is set but '192.168.21.36/24' is accepted; remove expect_error",
    ),
    (
        "expect_error_elsewhere",
        "expect_error_elsewhere.toml:7:",
        "step 1: panel osi: expect_error: the osi panel cannot show a refused argument (only subnet can)",
    ),
    (
        "osi_two_views",
        "osi_two_views.toml:7:",
        "step 1: panel osi: choose one view: 'layers' or 'encap'",
    ),
    (
        "handshake_real_and_scenario",
        "handshake_real_and_scenario.toml:7:",
        "step 1: panel handshake: choose one: scenario=NAME or 'real'",
    ),
    (
        "glossary_term",
        "glossary_term.toml:7:",
        "step 1: panel glossary: unknown setting 'term' (this panel takes none)",
    ),
    (
        "lan_loss_range",
        "lan_loss_range.toml:7:",
        "step 1: panel lan: loss='35' must be a percentage from 0 to 20",
    ),
    (
        "lan_loss_seed",
        "lan_loss_seed.toml:7:",
        "step 1: panel lan: seed='first' must be a whole number from 0 to",
    ),
    (
        "step_past_end",
        "step_past_end.toml:7:",
        "step 1: panel handshake: step='99' must be from 1 to 12",
    ),
];

#[test]
fn each_broken_folder_gets_its_own_clear_error() {
    for (case, place, words) in CASES {
        let (code, _, err) = nettutor(&["lessons", "check", &bad(case)]);
        assert_eq!(code, 1, "{case}: {err}");
        assert!(!err.contains("panicked"), "{case}: {err}");
        let line = err.lines().next().unwrap_or_default();
        assert!(line.contains(place), "{case}: expected {place} in {line}");
        assert!(line.contains(words), "{case}: expected '{words}' in {line}");
        assert!(err.contains("1 problem(s) found"), "{case}: {err}");
    }
}

#[test]
fn a_missing_folder_is_an_error_not_a_panic() {
    let (code, _, err) = nettutor(&["lessons", "check", "/nonexistent/lessons"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the lesson folder"), "{err}");
}

#[test]
fn the_tutor_refuses_a_broken_folder_before_touching_the_terminal() {
    let (code, _, err) = nettutor(&["--lessons", &bad("unknown_panel")]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown panel 'wireshark'"), "{err}");
}

#[test]
fn a_teachers_folder_replaces_the_built_in_lessons() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo_lessons");
    let (code, out, err) = nettutor(&["lessons", "list", "--lessons", demo.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1);
    assert!(out.starts_with("demo\t2\t"), "{out}");
}
