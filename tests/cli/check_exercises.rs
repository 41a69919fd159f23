//! The exercise files of `nettutor check`: the shipped ones are all embedded and
//! carry the property names teachers and tests refer to; a teacher's folder adds
//! or replaces exercises; a broken file is reported as FILE:LINE, never a panic.

use std::path::Path;
use std::process::{Command, Output};

use nettutor::check::ExerciseSet;
use nettutor::check::catalog::EMBEDDED;

fn nettutor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(args)
        .output()
        .expect("nettutor runs")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn every_file_of_the_exercises_folder_is_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("exercises/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "list new files in src/check/catalog.rs");
}

#[test]
fn shipped_exercises_have_the_property_names_of_the_issue() {
    let set = ExerciseSet::load(None, None).expect("built-in exercises are valid");
    let names = |id: &str| -> Vec<String> {
        set.get(id)
            .unwrap_or_else(|| panic!("{id}"))
            .properties
            .iter()
            .map(|p| p.name.clone())
            .collect()
    };
    assert_eq!(
        names("echo-framed"),
        [
            "basic",
            "split",
            "merged",
            "large",
            "many-clients",
            "concurrent",
            "client-close"
        ]
    );
    assert_eq!(
        names("line-chat"),
        [
            "basic",
            "split",
            "merged",
            "bye",
            "long-line",
            "client-close"
        ]
    );
    assert_eq!(
        names("udp-time"),
        [
            "basic",
            "sender-address",
            "bad-utf8",
            "no-eval",
            "keeps-serving"
        ]
    );
    assert_eq!(
        names("tcp-time"),
        [
            "basic",
            "split",
            "no-eval",
            "out-of-range",
            "bad-utf8",
            "many-clients"
        ]
    );
    assert_eq!(
        names("udp-chat"),
        [
            "basic",
            "sender-address",
            "empty",
            "large",
            "bad-utf8",
            "keeps-serving"
        ]
    );
    // Only `concurrent` is reported without being required.
    let advisory: Vec<&str> = set
        .exercises
        .iter()
        .flat_map(|e| &e.properties)
        .filter(|p| !p.required)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(advisory, ["concurrent"]);
}

#[test]
fn a_teachers_folder_adds_and_replaces_exercises() {
    let dir = fixture("check_teacher");
    let out = nettutor(&["lessons", "check", &dir]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("6 exercises"));
    let out = nettutor(&["--lessons", &dir, "check", "--list"]);
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.contains("shout  (TCP)"), "{list}");
    assert!(list.contains("Echo, first week"), "{list}");
    // The replaced echo-framed has only its two properties; the others remain.
    let echo: Vec<&str> = list
        .lines()
        .skip_while(|l| !l.starts_with("echo-framed"))
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .collect();
    assert_eq!(echo.len(), 2, "{list}");
    assert!(!echo.iter().any(|l| l.contains("many-clients")), "{list}");
    assert!(
        list.contains("line-chat") && list.contains("udp-time"),
        "{list}"
    );
}

#[test]
fn a_broken_exercise_is_reported_by_file_and_line() {
    let dir = fixture("check_bad");
    let out = nettutor(&["lessons", "check", &dir]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let file = Path::new(&dir)
        .join("exercises/broken.toml")
        .display()
        .to_string();
    for (line, message) in [
        (3, "UDP exercises use framing = \"datagram\""),
        (5, "unknown lesson id 'no-such-lesson'"),
        (8, "protocol has no zh text"),
        (12, "unknown move 'teleport'"),
        (19, "duplicate property 'basic'"),
        (20, "move 'pieces' needs a TCP exercise"),
        (22, "piece must be 1 to"),
        (24, "unknown concept id 'no.such-concept'"),
    ] {
        assert!(
            err.contains(&format!("{file}:{line}: {message}")),
            "{line} {message}:\n{err}"
        );
    }
    // The checker itself refuses to run with a broken folder, with the same errors.
    let out = nettutor(&["--lessons", &dir, "check", "--list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown move 'teleport'"));
}
