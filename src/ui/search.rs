//! A one-line search box (lessons and glossary): typed text, a selected result,
//! and the one way text is compared ([`fold`]): case, full-width ASCII forms and
//! `_`/`-`/space do not matter, so `TIME_WAIT`, `time-wait`, `Time Wait` and
//! `ＴＩＭＥ＿ＷＡＩＴ` are one query.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::field::{Edit, TextField};

/// What a key did to the search box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKey {
    /// The query changed (results must be computed again).
    Changed,
    /// Only the selection moved.
    Moved,
    /// A character did not fit.
    Full,
    /// Enter: use the selected result.
    Accept,
    /// Esc: close the box.
    Cancel,
    /// A key the box has no use for.
    Ignored,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchBox {
    field: TextField,
    pub selected: usize,
}

impl SearchBox {
    /// A box holding `query` (cut to the field's maximum).
    pub fn with_query(query: &str) -> SearchBox {
        let mut field = TextField::default();
        field.set(query);
        SearchBox { field, selected: 0 }
    }

    pub fn query(&self) -> &str {
        self.field.as_str()
    }

    /// Applies a key while the box is open; `results` is how many results the
    /// current query has (to bound the selection).
    pub fn key(&mut self, key: &KeyEvent, results: usize) -> SearchKey {
        match self.field.key(key) {
            Edit::Changed => {
                self.selected = 0;
                return SearchKey::Changed;
            }
            Edit::Full => return SearchKey::Full,
            Edit::NotText => {}
        }
        match key.code {
            KeyCode::Esc => SearchKey::Cancel,
            KeyCode::Enter => SearchKey::Accept,
            // Backspace in an empty box does nothing (it does not go back).
            KeyCode::Backspace => SearchKey::Moved,
            KeyCode::Up => {
                self.selected = self.selected.saturating_sub(1);
                SearchKey::Moved
            }
            KeyCode::Down | KeyCode::Tab => {
                self.selected = (self.selected + 1).min(results.saturating_sub(1));
                SearchKey::Moved
            }
            _ => SearchKey::Ignored,
        }
    }

    /// Pasted text goes into the query; false when it was cut.
    pub fn paste(&mut self, text: &str) -> bool {
        self.selected = 0;
        self.field.paste(text)
    }
}

/// `s` as search compares it: lower case, full-width ASCII forms (Ｔ, ＿, the
/// ideographic space) as their ASCII selves, and every run of `_`, `-` and
/// whitespace as one space, trimmed.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        fold_ascii(s)
    } else {
        fold_any(s)
    }
}

/// [`fold`] of any text.
fn fold_any(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        };
        if c == '_' || c == '-' || c.is_whitespace() {
            gap = !out.is_empty();
            continue;
        }
        if gap {
            out.push(' ');
            gap = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// [`fold`] of ASCII text (most of the English side), byte by byte: no
/// full-width forms to map and no Unicode case tables to consult.
fn fold_ascii(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut gap = false;
    for &b in s.as_bytes() {
        if b == b'_' || b == b'-' || b.is_ascii_whitespace() || b == 0x0b {
            gap = !out.is_empty();
            continue;
        }
        if gap {
            out.push(b' ');
            gap = false;
        }
        out.push(b.to_ascii_lowercase());
    }
    // Only ASCII bytes were pushed.
    String::from_utf8(out).unwrap_or_default()
}

/// Whether `haystack` contains `query`, both [`fold`]ed; an empty query
/// matches everything.
pub fn matches(haystack: &str, query: &str) -> bool {
    let q = fold(query);
    q.is_empty() || fold(haystack).contains(&q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_term_fold_alike() {
        for q in [
            "TIME_WAIT",
            "TIME-WAIT",
            "time wait",
            "time_wait",
            "ＴＩＭＥ＿ＷＡＩＴ",
            "  Time　Wait ",
        ] {
            assert_eq!(fold(q), "time wait", "{q}");
            assert!(matches("the socket sits in TIME-WAIT for 2MSL", q), "{q}");
        }
        assert!(matches("三次握手（SYN）", "ｓｙｎ"));
        assert!(matches("三次握手", "握手"));
        assert!(!matches("TIME_WAIT", "close wait"));
        assert!(matches("anything", "  "));
    }

    #[test]
    fn the_ascii_fast_path_folds_as_the_general_one() {
        // Every ASCII byte, alone and between letters, and runs of separators.
        let mut cases: Vec<String> = (0u8..128)
            .map(|b| format!("Ab{}cD", char::from(b)))
            .collect();
        cases.extend(
            [
                "",
                " ",
                "-_ -",
                "  TIME__WAIT  ",
                "a\tb\nc\x0bd\x0ce\rf",
                "SYN-ACK",
                "x--",
            ]
            .map(String::from),
        );
        for case in &cases {
            assert!(case.is_ascii());
            assert_eq!(fold_ascii(case), fold_any(case), "{case:?}");
        }
    }
}
