//! Every problem the lesson and exercise checkers can report is worded in
//! both languages: each key they name is in the interface string table with
//! an English and a Chinese text (build.rs has checked that no text in the
//! table is blank and that both languages have the same placeholders), and
//! the table holds no checker string nothing uses.

use super::error::{Arg, LessonError, Message};
use crate::i18n::{self, Lang, Text};

/// The files that build [`Message`]s.
const SOURCES: &[(&str, &str)] = &[
    ("src/lesson/catalog.rs", include_str!("catalog.rs")),
    ("src/lesson/codec.rs", include_str!("codec.rs")),
    ("src/lesson/error.rs", include_str!("error.rs")),
    ("src/lesson/loader.rs", include_str!("loader.rs")),
    ("src/lesson/model.rs", include_str!("model.rs")),
    ("src/lesson/panel.rs", include_str!("panel.rs")),
    ("src/lesson/panel_arg.rs", include_str!("panel_arg.rs")),
    ("src/lesson/question.rs", include_str!("question.rs")),
    ("src/lesson/validate.rs", include_str!("validate.rs")),
    ("src/check/catalog.rs", include_str!("../check/catalog.rs")),
    ("src/check/parse.rs", include_str!("../check/parse.rs")),
];

/// The string table's sections for these messages.
const PREFIXES: &[&str] = &["lesson.err.", "lesson.arg.", "exercise.err."];

/// Every quoted `"lesson.err.…"` (etc.) in `source`.
fn keys_in(source: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    for prefix in PREFIXES {
        let quoted = format!("\"{prefix}");
        let mut rest = source;
        while let Some(at) = rest.find(&quoted) {
            let after = &rest[at + 1..];
            let end = after.find('"').unwrap_or(after.len());
            keys.push(&after[..end]);
            rest = &after[end..];
        }
    }
    keys
}

/// `text` without its `{name}` placeholders.
fn words_of(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn every_key_the_checkers_use_has_an_english_and_a_chinese_text() {
    let mut seen = 0;
    for (file, source) in SOURCES {
        for key in keys_in(source) {
            seen += 1;
            assert!(
                i18n::has(key),
                "{file}: {key} is not in assets/i18n/ui.toml"
            );
            let (en, zh) = (i18n::t(Lang::En, key), i18n::t(Lang::Zh, key));
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{key}");
            // A text that is more than its placeholders is translated.
            if !words_of(en).trim().is_empty() {
                assert_ne!(en, zh, "{key}: the Chinese is the English");
            }
        }
    }
    assert!(
        seen > 100,
        "only {seen} keys found: is the scan still right?"
    );
}

#[test]
fn every_checker_string_in_the_table_is_used() {
    let table: toml::Table =
        toml::from_str(include_str!("../../assets/i18n/ui.toml")).expect("ui.toml parses");
    let used: Vec<&str> = SOURCES.iter().flat_map(|(_, s)| keys_in(s)).collect();
    for key in table.keys() {
        if PREFIXES.iter().any(|p| key.starts_with(p)) {
            assert!(used.contains(&key.as_str()), "{key} is used by no checker");
        }
    }
}

#[test]
fn a_message_says_each_of_its_parts_in_the_language_asked_for() {
    let why = Message::new("lesson.err.panel")
        .with("name", "subnet")
        .with("why", Arg::Text(Text::new("bad octet", "字节段有误")));
    let message = Message::about(Message::new("lesson.err.step").with("n", 2usize), why);
    assert_eq!(message.render(Lang::En), "step 2: panel subnet: bad octet");
    assert_eq!(message.to_string(), message.render(Lang::En));
    assert_eq!(message.render(Lang::Zh), "第 2 步：面板 subnet：字节段有误");
    let error = LessonError::at_line("a.toml", 7, message);
    assert_eq!(
        error.to_string(),
        "a.toml:7: step 2: panel subnet: bad octet"
    );
    assert_eq!(
        error.render(Lang::Zh),
        "a.toml:7: 第 2 步：面板 subnet：字节段有误"
    );
}

#[test]
fn a_toml_error_keeps_the_librarys_detail_inside_a_translated_frame() {
    let err = toml::from_str::<toml::Table>("[[steps]\n").unwrap_err();
    let detail = err.message().trim().replace('\n', " ");
    let message = Message::toml(&err);
    assert_eq!(message.render(Lang::En), detail);
    assert_eq!(message.render(Lang::Zh), format!("TOML 解析错误：{detail}"));
}
