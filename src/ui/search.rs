//! A one-line search box (lessons and glossary): typed text, a selected result.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the search box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKey {
    /// The query or the selection changed.
    Changed,
    /// Enter: use the selected result.
    Accept,
    /// Esc: close the box.
    Cancel,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchBox {
    pub query: String,
    pub selected: usize,
}

impl SearchBox {
    /// Applies a key while the box is open; `results` is how many results the
    /// current query has (to bound the selection).
    pub fn key(&mut self, key: &KeyEvent, results: usize) -> SearchKey {
        match key.code {
            KeyCode::Esc => SearchKey::Cancel,
            KeyCode::Enter => SearchKey::Accept,
            KeyCode::Backspace => {
                self.query.pop();
                self.selected = 0;
                SearchKey::Changed
            }
            KeyCode::Up => {
                self.selected = self.selected.saturating_sub(1);
                SearchKey::Changed
            }
            KeyCode::Down | KeyCode::Tab => {
                self.selected = (self.selected + 1).min(results.saturating_sub(1));
                SearchKey::Changed
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.query.push(c);
                self.selected = 0;
                SearchKey::Changed
            }
            _ => SearchKey::Changed,
        }
    }
}

/// Case-insensitive "contains" that also works for Chinese.
pub fn matches(haystack: &str, query: &str) -> bool {
    let q = query.trim();
    q.is_empty() || haystack.to_lowercase().contains(&q.to_lowercase())
}
