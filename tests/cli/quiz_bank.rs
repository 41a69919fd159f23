//! Question banks in lesson folders: `lessons check` validates questions and
//! names file, line and problem for each broken one; a lesson file may carry
//! its own [[questions]], and a `kind = "questions"` file is a bank.

use crate::common::run::nettutor;
use std::path::{Path, PathBuf};

use nettutor::lesson::{LessonSet, LessonSource, QuestionKind};

fn check(dir: &Path) -> (i32, String, String) {
    nettutor(&["lessons", "check", dir.to_str().unwrap()])
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// (folder, file:line the message names, words it contains)
const CASES: &[(&str, &str, &str)] = &[
    ("unknown_kind", "bank.toml:8:", "unknown kind 'essay'"),
    (
        "bad_letter",
        "bank.toml:12:",
        "answer 'e' is not one of the option letters",
    ),
    (
        "bad_ipv4",
        "bank.toml:12:",
        "'192.168.1' is not an IPv4 address",
    ),
    ("bad_mask", "bank.toml:12:", "not a valid dotted mask"),
    (
        "unknown_checker",
        "bank.toml:11:",
        "unknown checker 'colour'",
    ),
    ("unknown_topic", "bank.toml:7:", "unknown topic 'dns'"),
    (
        "unknown_concept",
        "bank.toml:9:",
        "unknown concept id 'osi.magic'",
    ),
    (
        "missing_translation",
        "bank.toml:12:",
        "explanation has no Chinese translation",
    ),
    ("bank_with_steps", "bank.toml:5:", "has no [[steps]]"),
    ("unknown_field", "bank.toml:11:", "unknown field `hint`"),
    (
        "bool_as_string",
        "bank.toml:11:",
        "answer must be true or false",
    ),
    (
        "bad_show_me",
        "bank.toml:13:",
        "lab='teleport' is not one of",
    ),
    (
        "duplicate_question",
        "b.toml:6:",
        "duplicate question id 'q1' (also in a.toml)",
    ),
    (
        "order_with_answer",
        "bank.toml:12:",
        "an order question has no answer",
    ),
];

#[test]
fn each_broken_question_gets_its_own_clear_error() {
    for (case, place, words) in CASES {
        let dir = fixtures().join("bad_questions").join(case);
        let (code, _, err) = check(&dir);
        assert_eq!(code, 1, "{case}: {err}");
        assert!(err.contains(place), "{case}: wanted {place} in: {err}");
        assert!(err.contains(words), "{case}: wanted '{words}' in: {err}");
        assert!(!err.contains("panicked"), "{case}: {err}");
    }
}

#[test]
fn lessons_may_carry_questions_and_banks_are_not_lessons() {
    let dir = tempfile::tempdir().unwrap();
    let demo = std::fs::read_to_string(fixtures().join("demo_lessons/demo.toml")).unwrap();
    let with_question = format!(
        "{demo}\n[[questions]]\nid = \"demo.q\"\ntopic = \"subnet\"\nkind = \"fill-in\"\nconcepts = [\"subnet.mask\"]\n\
         prompt = {{ en = \"Prefix of 255.255.255.0?\", zh = \"255.255.255.0 的前缀？\" }}\ncheck = \"prefix\"\nanswer = \"24\"\n\
         explanation = {{ en = \"24 ones.\", zh = \"24 个 1。\" }}\npanel = {{ open = \"subnet\", arg = \"10.0.0.1/24\" }}\n"
    );
    std::fs::write(dir.path().join("demo.toml"), with_question).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/quiz-tcp.toml"),
        dir.path().join("quiz-tcp.toml"),
    )
    .unwrap();
    let (code, out, err) = check(dir.path());
    assert_eq!(code, 0, "{err}");
    let set = LessonSet::load(&LessonSource::Dir(dir.path().to_path_buf())).unwrap();
    assert_eq!(set.lessons.len(), 1, "the bank is not listed as a lesson");
    assert!(
        out.contains(&format!("{} quiz questions", set.questions.len())),
        "{out}"
    );
    let q = set.questions.iter().find(|q| q.id == "demo.q").unwrap();
    assert!(matches!(q.kind, QuestionKind::FillIn { .. }));
    assert!(set.questions.iter().any(|q| q.id == "tcp.handshake-order"));
}

#[test]
fn shipped_banks_cover_every_cli_topic() {
    let set = LessonSet::embedded().unwrap();
    for topic in ["subnet", "tcp", "osi", "lab", "addr", "sockets"] {
        assert!(
            set.questions.iter().any(|q| q.topic.name() == topic),
            "no authored {topic} question"
        );
    }
    for kind in ["choice", "true-false", "order", "fill-in"] {
        let has = set.questions.iter().any(|q| {
            matches!(
                (kind, &q.kind),
                ("choice", QuestionKind::Choice { .. })
                    | ("true-false", QuestionKind::TrueFalse { .. })
                    | ("order", QuestionKind::Order { .. })
                    | ("fill-in", QuestionKind::FillIn { .. })
            )
        });
        assert!(has, "no authored {kind} question");
    }
}
