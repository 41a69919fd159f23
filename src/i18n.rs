//! Languages and the user-interface string table.
//!
//! Lesson prose lives in `lessons/`; the short strings of the interface (key hints,
//! titles, messages) live in `assets/i18n/ui.toml`, one key with an English and a
//! Chinese text each, embedded in the binary.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The two first-class languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language the environment asks for: the first of `LC_ALL`, `LC_MESSAGES`,
    /// `LANG` that is set and not empty; `zh*` means Chinese, anything else English.
    pub fn from_env() -> Lang {
        Self::from_locale_vars(|name| std::env::var(name).ok())
    }

    /// [`Lang::from_env`] over any variable lookup, so tests need not touch the
    /// process environment.
    pub fn from_locale_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| get(name))
            .find(|value| !value.is_empty())
            .map_or(Lang::En, |value| {
                if value.to_ascii_lowercase().starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                }
            })
    }

    /// The other language (the runtime toggle).
    pub fn toggled(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "zh" | "zh-cn" | "chinese" | "中文" => Ok(Lang::Zh),
            other => Err(format!("unknown language '{other}' (use en or zh)")),
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            zh: zh.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

const UI_TOML: &str = include_str!("../assets/i18n/ui.toml");

fn table() -> &'static HashMap<String, Text> {
    static TABLE: OnceLock<HashMap<String, Text>> = OnceLock::new();
    // The table is shipped in the binary and checked by a unit test, so a parse
    // failure here is a build defect; fall back to an empty table rather than panic.
    TABLE.get_or_init(|| toml::from_str(UI_TOML).unwrap_or_default())
}

/// The interface string `key` in `lang`. An unknown key shows itself, so a missing
/// entry is visible on screen (and caught by tests) rather than crashing.
pub fn t(lang: Lang, key: &str) -> &str {
    match table().get(key) {
        Some(text) => text.get(lang),
        None => key,
    }
}

/// Whether the string table has `key` (for tests and validation).
pub fn has(key: &str) -> bool {
    table().contains_key(key)
}

/// `t` with `{name}` placeholders replaced.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut out = t(lang, key).to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_table_parses_and_every_entry_has_both_languages() {
        let parsed: HashMap<String, Text> = toml::from_str(UI_TOML).expect("ui.toml parses");
        assert!(parsed.len() > 20);
        for (key, text) in &parsed {
            assert!(!text.en.trim().is_empty(), "{key}: empty English");
            assert!(!text.zh.trim().is_empty(), "{key}: empty Chinese");
        }
    }

    #[test]
    fn locale_detection_prefers_lc_all_then_lc_messages_then_lang() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "zh_CN.UTF-8")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_MESSAGES", "zh_TW"), ("LANG", "en_US")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_ALL", ""), ("LANG", "zh")])),
            Lang::Zh
        );
        assert_eq!(Lang::from_locale_vars(env(&[])), Lang::En);
    }

    #[test]
    fn unknown_key_shows_itself() {
        assert_eq!(t(Lang::Zh, "no.such.key"), "no.such.key");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            tf(Lang::En, "too_small", &[("w", "80"), ("h", "24")]),
            "Please enlarge the terminal to at least 80×24."
        );
    }
}
