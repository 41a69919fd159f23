//! One line of typed text with a maximum length: search boxes, the quiz answer,
//! and any panel field that wants it. Pasted text arrives in one piece
//! ([`TextField::paste`]) and is cut at the maximum, which the caller reports.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The longest text any field takes (a pasted novel is cut here).
pub const MAX_TEXT: usize = 256;

/// What a key did to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// A character did not fit (the field is full).
    Full,
    /// Not an editing key (Enter, Esc, arrows…): the caller decides.
    NotText,
}

/// True for a key that types a character (no Ctrl/Alt).
pub fn is_printable(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Pasted text as one line: line breaks and tabs become spaces, other control
/// characters are dropped, trailing whitespace goes.
pub fn paste_line(text: &str) -> String {
    let line: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    line.trim_end().to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextField {
    text: String,
    /// Characters (not bytes) it takes.
    max: usize,
}

impl Default for TextField {
    fn default() -> TextField {
        TextField::new(MAX_TEXT)
    }
}

impl TextField {
    /// An empty field taking at most `max` characters (never more than
    /// [`MAX_TEXT`]).
    pub fn new(max: usize) -> TextField {
        TextField {
            text: String::new(),
            max: max.min(MAX_TEXT),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
    }

    /// Replaces the text, cut at the maximum; true when it was cut.
    pub fn set(&mut self, text: &str) -> bool {
        self.text.clear();
        !self.push_str(text)
    }

    /// Appends `c`; false when the field is full.
    pub fn push(&mut self, c: char) -> bool {
        if self.text.chars().count() >= self.max {
            return false;
        }
        self.text.push(c);
        true
    }

    /// Appends as much of `text` as fits; false when some was cut.
    fn push_str(&mut self, text: &str) -> bool {
        let room = self.max.saturating_sub(self.text.chars().count());
        for (taken, c) in text.chars().enumerate() {
            if taken == room {
                return false;
            }
            self.text.push(c);
        }
        true
    }

    /// Appends pasted text as one line (see [`paste_line`]); false when some
    /// was cut because the field is full.
    pub fn paste(&mut self, text: &str) -> bool {
        self.push_str(&paste_line(text))
    }

    /// Typing and Backspace; everything else is [`Edit::NotText`].
    pub fn key(&mut self, key: &KeyEvent) -> Edit {
        match key.code {
            KeyCode::Char(c) if is_printable(key) => {
                if self.push(c) {
                    Edit::Changed
                } else {
                    Edit::Full
                }
            }
            KeyCode::Backspace if !self.text.is_empty() => {
                self.text.pop();
                Edit::Changed
            }
            _ => Edit::NotText,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_stops_at_its_maximum_and_says_so() {
        let mut f = TextField::new(3);
        for c in "abc".chars() {
            assert_eq!(
                f.key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                Edit::Changed
            );
        }
        assert_eq!(
            f.key(&KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE)),
            Edit::Full
        );
        assert_eq!(f.as_str(), "abc");
        let mut g = TextField::new(5);
        assert!(!g.paste("12\n345678"), "cut");
        assert_eq!(g.as_str(), "12 34");
        assert_eq!(TextField::new(10_000).max, MAX_TEXT);
    }

    #[test]
    fn pasted_lines_become_one_line() {
        assert_eq!(paste_line("a\tb\r\nc\n"), "a b c");
        assert_eq!(paste_line("\u{1b}[31mred"), "[31mred");
    }
}
