//! Turns `assets/i18n/ui.toml` into a static, sorted table at build time, so the
//! binary never parses TOML to print an interface string. A malformed file, a key
//! without both languages, a blank text or placeholders that differ between the two
//! languages stop the build with `file:line: problem`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Deserialize;
use toml::Spanned;

/// One key's texts as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    en: Option<Spanned<String>>,
    zh: Option<Spanned<String>>,
}

/// The 1-based line of byte `offset`.
fn line_of(source: &str, offset: usize) -> usize {
    source.as_bytes()[..offset.min(source.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                found.insert(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    found
}

/// Rust source for `UI_STRINGS: &[(key, en, zh)]`, sorted by key, or every problem
/// found as `file:line: message`.
pub fn generate(file: &str, source: &str) -> Result<String, Vec<String>> {
    let table: BTreeMap<String, Spanned<Entry>> = toml::from_str(source).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(source, s.start));
        vec![format!(
            "{file}:{line}: {}",
            e.message().trim().replace('\n', " ")
        )]
    })?;
    let mut errors = Vec::new();
    let mut out = String::from(
        "/// Every interface string as (key, English, Chinese), sorted by key; generated\n\
         /// from assets/i18n/ui.toml by build.rs.\n\
         static UI_STRINGS: &[(&str, &str, &str)] = &[\n",
    );
    for (key, entry) in &table {
        let line = line_of(source, entry.span().start);
        let entry = entry.get_ref();
        let mut text = |value: &Option<Spanned<String>>, name: &str| match value {
            Some(v) if !v.get_ref().trim().is_empty() => v.get_ref().clone(),
            Some(v) => {
                let line = line_of(source, v.span().start);
                errors.push(format!(
                    "{file}:{line}: \"{key}\": the {name} text is blank"
                ));
                String::new()
            }
            None => {
                errors.push(format!("{file}:{line}: \"{key}\" has no {name} text"));
                String::new()
            }
        };
        let en = text(&entry.en, "English (en)");
        let zh = text(&entry.zh, "Chinese (zh)");
        let mut zh_placeholders = placeholders(&zh);
        if key.starts_with("noun.") {
            // A counted noun (src/words.rs): English "singular|plural" gets the number
            // put before it; the Chinese places `{n}` itself, before its measure word.
            zh_placeholders.remove("n");
        }
        if !en.is_empty() && !zh.is_empty() && placeholders(&en) != zh_placeholders {
            errors.push(format!(
                "{file}:{line}: \"{key}\": placeholders differ: en {:?}, zh {:?}",
                placeholders(&en),
                placeholders(&zh)
            ));
        }
        let _ = writeln!(out, "    ({key:?}, {en:?}, {zh:?}),");
    }
    out.push_str("];\n");
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
