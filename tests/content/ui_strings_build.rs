//! The build-time check of `assets/i18n/ui.toml` (build.rs): what a translator's
//! mistake looks like when it stops the build.

#[path = "../../build/ui_strings.rs"]
mod ui_strings;

use ui_strings::generate;

fn errors(source: &str) -> Vec<String> {
    match generate("assets/i18n/ui.toml", source) {
        Ok(code) => panic!("expected the build to fail, got:\n{code}"),
        Err(errors) => errors,
    }
}

#[test]
fn a_key_without_chinese_fails_with_its_line() {
    let source = "# strings\n\"a\" = { en = \"A\", zh = \"甲\" }\n\"b\" = { en = \"B\" }\n";
    assert_eq!(
        errors(source),
        ["assets/i18n/ui.toml:3: \"b\" has no Chinese (zh) text"]
    );
}

#[test]
fn every_problem_is_listed_with_its_own_line() {
    let source = "\"a\" = { zh = \"甲\" }\n\n\"b\" = { en = \"B\", zh = \"  \" }\n\
                  \"c\" = { en = \"{n} left\", zh = \"剩 {m} 个\" }\n";
    assert_eq!(
        errors(source),
        [
            "assets/i18n/ui.toml:1: \"a\" has no English (en) text",
            "assets/i18n/ui.toml:3: \"b\": the Chinese (zh) text is blank",
            "assets/i18n/ui.toml:4: \"c\": placeholders differ: en {\"n\"}, zh {\"m\"}",
        ]
    );
}

#[test]
fn malformed_toml_and_unknown_fields_fail_with_a_line() {
    let broken = errors("\"a\" = { en = \"A\", zh = \"甲\" }\n\"b\" = { en = \"B\", zh = \n");
    assert_eq!(broken.len(), 1);
    assert!(
        broken[0].starts_with("assets/i18n/ui.toml:2: "),
        "{broken:?}"
    );
    let duplicate =
        errors("\"a\" = { en = \"A\", zh = \"甲\" }\n\"a\" = { en = \"B\", zh = \"乙\" }\n");
    assert!(
        duplicate[0].starts_with("assets/i18n/ui.toml:2: "),
        "{duplicate:?}"
    );
    let typo = errors("\"a\" = { en = \"A\", zh = \"甲\", fr = \"A\" }\n");
    assert!(typo[0].starts_with("assets/i18n/ui.toml:1: "), "{typo:?}");
    assert!(typo[0].contains("fr"), "{typo:?}");
}

#[test]
fn a_good_file_becomes_a_sorted_table_with_escaped_texts() {
    let source = "\"z\" = { en = \"last \\\"one\\\"\", zh = \"最后\" }\n\"a\" = { en = \"{n}\\n\", zh = \"{n}个\" }\n";
    let code = generate("ui.toml", source).expect("valid");
    let a = code.find("(\"a\", \"{n}\\n\", \"{n}个\")").expect("a row");
    let z = code
        .find("(\"z\", \"last \\\"one\\\"\", \"最后\")")
        .expect("z row");
    assert!(a < z, "sorted by key:\n{code}");
}

#[test]
fn the_shipped_file_passes() {
    let source = include_str!("../../assets/i18n/ui.toml");
    assert!(generate("assets/i18n/ui.toml", source).is_ok());
}
