//! `lessons check` follows `--lang`: one folder of broken lesson files (a TOML
//! syntax error, an unknown panel, a duplicate id, a missing Chinese text, a
//! panel argument the subnet parser refuses, a question whose answer is no
//! option) checked with `--lang en` and `--lang zh`. English is exactly what
//! it always was; in Chinese every problem keeps its file:line, says what is
//! wrong in Chinese, and keeps only the names the author wrote (and the TOML
//! library's own detail) in English.

use std::fs;
use std::path::Path;

use crate::common::run::{assert_chinese, nettutor};

const STEP: &str = "\n[[steps]]\ntitle = { en = \"Step\", zh = \"步骤\" }\n";

/// A lesson file `id` whose one step ends with `step_end` (line 6 onwards).
fn lesson(id: &str, step_end: &str) -> String {
    format!("id = \"{id}\"\ntitle = {{ en = \"T\", zh = \"题\" }}\n{STEP}{step_end}\n")
}

/// The broken folder, and each file's path as the problems name it.
fn broken_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| fs::write(dir.path().join(name), text).unwrap();
    let body = "body = { en = \"Text.\", zh = \"正文。\" }";
    write("a.toml", &lesson("same", body));
    write("b.toml", &lesson("same", body));
    write(
        "broken.toml",
        "id = \"broken\"\ntitle = { en = \"B\", zh = \"坏\" }\n[[steps]\n",
    );
    write(
        "half.toml",
        &lesson("half", "body = { en = \"Only English.\" }"),
    );
    write(
        "panel.toml",
        &lesson(
            "panel",
            &format!("{body}\npanel = {{ open = \"wireshark\" }}"),
        ),
    );
    write(
        "subnet.toml",
        &lesson(
            "subnet",
            &format!("{body}\npanel = {{ open = \"subnet\", arg = \"192.168.50.300/26\" }}"),
        ),
    );
    write(
        "bank.toml",
        "id = \"bank\"\nkind = \"questions\"\ntitle = { en = \"Bank\", zh = \"题库\" }\n\n\
         [[questions]]\nid = \"q1\"\ntopic = \"osi\"\nkind = \"choice\"\n\
         concepts = [\"osi.layers\"]\nprompt = { en = \"p\", zh = \"p\" }\n\
         options = [{ en = \"a\", zh = \"a\" }, { en = \"b\", zh = \"b\" }]\n\
         answer = \"e\"\nexplanation = { en = \"e\", zh = \"e\" }\n",
    );
    dir
}

/// `nettutor --lang LANG lessons check DIR`: exit code and stderr lines.
fn check(lang: &str, dir: &Path) -> (i32, Vec<String>) {
    let (code, _, err) = nettutor(&["--lang", lang, "lessons", "check", dir.to_str().unwrap()]);
    (code, err.lines().map(str::to_string).collect())
}

const PANELS: &str = "lessons, osi, lan, handshake, subnet, labs, quiz, glossary, check";

#[test]
fn every_problem_keeps_its_line_and_is_said_in_the_language_asked_for() {
    let dir = broken_folder();
    let at = |file: &str| dir.path().join(file).display().to_string();
    let (code, en) = check("en", dir.path());
    assert_eq!(code, 1);
    let english = [
        format!(
            "{}:1: duplicate lesson id 'same' (also in a.toml)",
            at("b.toml")
        ),
        format!(
            "{}:12: question q1: answer 'e' is not one of the option letters",
            at("bank.toml")
        ),
        format!(
            "{}:3: unclosed array table, expected `]`",
            at("broken.toml")
        ),
        format!(
            "{}:6: step 1: body has no Chinese translation (add `zh = \"…\"`)",
            at("half.toml")
        ),
        format!(
            "{}:7: step 1: unknown panel 'wireshark' (one of: {PANELS})",
            at("panel.toml")
        ),
        format!(
            "{}:7: step 1: panel subnet: octet 4 is 300 at column 12, out of range: an octet is 0–255",
            at("subnet.toml")
        ),
        "6 problem(s) found".to_string(),
    ];
    assert_eq!(en, english);

    let (code, zh) = check("zh", dir.path());
    assert_eq!(code, 1);
    assert_eq!(zh.len(), english.len(), "{zh:#?}");
    // (file:line, a phrase of the Chinese, the names that stay as written)
    let cases: [(String, &str, &[&str]); 6] = [
        (
            format!("{}:1: ", at("b.toml")),
            "课程 id“same”重复（a.toml 里也有）",
            &["same", "a.toml"],
        ),
        (
            format!("{}:12: ", at("bank.toml")),
            "题目 q1：答案“e”不是任何一个选项的字母",
            &[],
        ),
        (
            format!("{}:3: ", at("broken.toml")),
            "TOML 解析错误：unclosed array table, expected `]`",
            // The library's own words stay as it wrote them.
            &["TOML", "unclosed array table, expected"],
        ),
        (
            format!("{}:6: ", at("half.toml")),
            "第 1 步：body 缺少中文译文（请加上 `zh = \"…\"`）",
            &["body"],
        ),
        (
            format!("{}:7: ", at("panel.toml")),
            "第 1 步：未知的面板“wireshark”（可选：",
            &["wireshark", PANELS],
        ),
        (
            format!("{}:7: ", at("subnet.toml")),
            "第 1 步：面板 subnet：",
            &["subnet"],
        ),
    ];
    for (line, (place, phrase, names)) in zh.iter().zip(&cases) {
        let message = line
            .strip_prefix(place.as_str())
            .unwrap_or_else(|| panic!("{line:?} does not start with {place:?}"));
        assert_chinese(message, phrase, names);
    }
    assert_eq!(zh[6], "共发现 6 个问题");
    // The subnet parser's own Chinese, not its English, inside the frame.
    assert!(zh[5].contains("超出范围"), "{}", zh[5]);
}

#[test]
fn the_tutor_refuses_a_broken_folder_in_the_language_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let body = "body = { en = \"Text.\", zh = \"正文。\" }";
    fs::write(
        dir.path().join("panel.toml"),
        lesson(
            "panel",
            &format!("{body}\npanel = {{ open = \"wireshark\" }}"),
        ),
    )
    .unwrap();
    let file = dir.path().join("panel.toml").display().to_string();
    let folder = dir.path().to_str().unwrap();
    let (code, _, en) = nettutor(&["--lang", "en", "--lessons", folder]);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        format!(
            "nettutor: the lessons have problems: {file}:7: step 1: unknown panel 'wireshark' (one of: {PANELS})\n"
        )
    );
    let (code, _, zh) = nettutor(&["--lang", "zh", "--lessons", folder]);
    assert_eq!(code, 1);
    let message = zh
        .trim_end()
        .strip_prefix("nettutor: 课程文件有问题：")
        .and_then(|rest| rest.strip_prefix(&format!("{file}:7: ")))
        .unwrap_or_else(|| panic!("{zh:?}"));
    assert_chinese(
        message,
        "第 1 步：未知的面板“wireshark”",
        &["wireshark", PANELS],
    );
}

#[test]
fn a_broken_exercise_is_reported_in_the_language_asked_for() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check_bad");
    let folder = dir.to_str().unwrap();
    let file = dir.join("exercises/broken.toml").display().to_string();
    let (code, _, en) = nettutor(&["--lang", "en", "--lessons", folder, "check", "--list"]);
    assert_eq!(code, 1);
    assert!(
        en.contains(&format!("{file}:5: unknown lesson id 'no-such-lesson'\n")),
        "{en}"
    );
    let (code, _, zh) = nettutor(&["--lang", "zh", "--lessons", folder, "check", "--list"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = zh.lines().collect();
    assert_eq!(lines.len(), en.lines().count(), "{zh}");
    for (line, (place, phrase, names)) in lines.iter().zip([
        (3, "UDP 练习用 framing = \"datagram\"", &["UDP", "TCP", "framing", "datagram"][..]),
        (5, "未知的课程 id“no-such-lesson”", &["no-such-lesson"]),
        (8, "protocol 缺少 zh 文本", &["protocol"]),
        (12, "未知的动作“teleport”", &["teleport", "exchange, pieces, glue, large, half-close, reset, vanish, clients-at-once, one-after-another, goodbye, bad-utf8, oversize, second-address, nothing, eval-marker, repeat, odd-requests"]),
        (19, "检查项“basic”重复", &["basic"]),
        (20, "动作“pieces”只适用于 TCP 练习", &["pieces", "TCP"]),
        (22, "piece 必须在 1 到", &["piece"]),
        (24, "未知的概念 id“no.such-concept”", &["no.such-concept"]),
    ]) {
        let message = line
            .strip_prefix(&format!("{file}:{place}: "))
            .unwrap_or_else(|| panic!("{line:?} is not at line {place}"));
        assert_chinese(message, phrase, names);
    }
}

#[test]
fn a_folder_that_passes_says_so_in_the_language_asked_for() {
    let (code, en, _) = nettutor(&["--lang", "en", "lessons", "check"]);
    assert_eq!(code, 0);
    assert!(en.starts_with("ok: ") && en.contains(" lessons, "), "{en}");
    let (code, zh, _) = nettutor(&["--lang", "zh", "lessons", "check"]);
    assert_eq!(code, 0);
    assert_chinese(zh.trim_end(), "检查通过：", &[]);
    // The same counts, in the same order.
    let numbers = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(numbers(&zh), numbers(&en));
}
