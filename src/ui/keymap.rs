//! Keys become messages here, in one place. The help overlay and the key-hint bar
//! are generated from the same tables, so hints never lie.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Msg, Nav, Screen};
use super::registry::TAB_KEYS;

/// A key as bindings name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character, without Ctrl/Alt (Shift is part of the character).
    Char(char),
    /// A non-printable key.
    Code(KeyCode),
    /// Ctrl + a letter.
    Ctrl(char),
}

impl Key {
    pub fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl_alt = ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match self {
            Key::Char(c) => ev.code == KeyCode::Char(c) && !ctrl_alt,
            Key::Code(code) => {
                ev.code == code
                    || (code == KeyCode::BackTab
                        && ev.code == KeyCode::Tab
                        && ev.modifiers.contains(KeyModifiers::SHIFT))
            }
            Key::Ctrl(c) => {
                ev.modifiers.contains(KeyModifiers::CONTROL)
                    && matches!(ev.code, KeyCode::Char(k) if k.eq_ignore_ascii_case(&c))
            }
        }
    }

    /// How the key is written in hints and help.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Code(code) => match code {
                KeyCode::Esc => "Esc".into(),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "Shift-Tab".into(),
                KeyCode::Backspace => "Backspace".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::F(n) => format!("F{n}"),
                other => format!("{other:?}"),
            },
        }
    }
}

/// One entry of a keymap: these keys send this message; `help` is the ui.toml
/// key of its description.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: &'static [Key],
    pub msg: Msg,
    pub help: &'static str,
}

impl Binding {
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("/")
    }
}

use Key::{Char, Code, Ctrl};

/// Keys that work on every screen (unless a panel is taking typed text).
pub const GLOBAL: &[Binding] = &[
    Binding {
        keys: &[Char('q'), Ctrl('c')],
        msg: Msg::Quit,
        help: "key.quit",
    },
    Binding {
        keys: &[Char('?'), Code(KeyCode::F(1))],
        msg: Msg::ToggleHelp,
        help: "key.help",
    },
    Binding {
        keys: &[Code(KeyCode::Esc), Code(KeyCode::Backspace)],
        msg: Msg::Back,
        help: "key.back",
    },
    Binding {
        keys: &[
            Code(KeyCode::Right),
            Char(' '),
            Code(KeyCode::PageDown),
            Char('l'),
        ],
        msg: Msg::Nav(Nav::Next),
        help: "key.next",
    },
    Binding {
        keys: &[Code(KeyCode::Left), Code(KeyCode::PageUp), Char('h')],
        msg: Msg::Nav(Nav::Prev),
        help: "key.prev",
    },
    Binding {
        keys: &[Code(KeyCode::Up), Char('k')],
        msg: Msg::Nav(Nav::Up),
        help: "key.up",
    },
    Binding {
        keys: &[Code(KeyCode::Down), Char('j')],
        msg: Msg::Nav(Nav::Down),
        help: "key.down",
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        msg: Msg::Nav(Nav::Enter),
        help: "key.enter",
    },
    Binding {
        keys: &[Code(KeyCode::Tab)],
        msg: Msg::Nav(Nav::NextPane),
        help: "key.tab",
    },
    Binding {
        keys: &[Code(KeyCode::BackTab)],
        msg: Msg::Nav(Nav::PrevPane),
        help: "key.backtab",
    },
    Binding {
        keys: &[Code(KeyCode::Home)],
        msg: Msg::Nav(Nav::First),
        help: "key.first",
    },
    Binding {
        keys: &[Code(KeyCode::End)],
        msg: Msg::Nav(Nav::Last),
        help: "key.last",
    },
    Binding {
        keys: &[Char('L')],
        msg: Msg::ToggleLang,
        help: "key.lang",
    },
    Binding {
        keys: &[Char('w')],
        msg: Msg::Export,
        help: "key.export",
    },
    Binding {
        keys: &[Char('/')],
        msg: Msg::Search,
        help: "key.search",
    },
    Binding {
        keys: &[Char('P')],
        msg: Msg::TogglePresent,
        help: "key.present",
    },
];

/// Presentation mode's keys: they win over a panel's own while presenting.
pub const PRESENTER: &[Binding] = &[
    Binding {
        keys: &[Char('b'), Char('.')],
        msg: Msg::ToggleBlank,
        help: "key.blank",
    },
    Binding {
        keys: &[Char('z')],
        msg: Msg::ToggleZoom,
        help: "key.zoom",
    },
];

/// The message of a presenter key, if `ev` is one.
pub fn presenter_message(ev: &KeyEvent) -> Option<Msg> {
    PRESENTER
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.msg.clone())
}

/// The keys of `screen` (without the global ones): its panel's table.
pub fn screen_bindings(screen: Screen) -> &'static [Binding] {
    super::registry::screen_keys(screen)
}

/// Every global binding: [`GLOBAL`], then the digits that open the tabs.
pub fn global_bindings() -> impl Iterator<Item = &'static Binding> {
    GLOBAL.iter().chain(TAB_KEYS)
}

/// The message a key press means on `screen`; screen keys win over global ones.
pub fn message_for(ev: &KeyEvent, screen: Screen) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    screen_bindings(screen)
        .iter()
        .chain(global_bindings())
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.msg.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn clicker_keys_step_forward_and_back() {
        for code in [KeyCode::Right, KeyCode::Char(' '), KeyCode::PageDown] {
            assert_eq!(
                message_for(&key(code), Screen::Lessons),
                Some(Msg::Nav(Nav::Next))
            );
        }
        for code in [KeyCode::Left, KeyCode::PageUp] {
            assert_eq!(
                message_for(&key(code), Screen::Lessons),
                Some(Msg::Nav(Nav::Prev))
            );
        }
    }

    #[test]
    fn ctrl_c_quits_but_plain_c_does_not() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(message_for(&ctrl_c, Screen::Home), Some(Msg::Quit));
        assert_eq!(message_for(&key(KeyCode::Char('c')), Screen::Home), None);
    }

    #[test]
    fn shift_letters_and_back_tab() {
        let shift_l = KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT);
        assert_eq!(message_for(&shift_l, Screen::Home), Some(Msg::ToggleLang));
        let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            message_for(&back_tab, Screen::Home),
            Some(Msg::Nav(Nav::PrevPane))
        );
    }

    #[test]
    fn every_help_text_exists_in_both_languages() {
        for b in global_bindings().chain(Screen::EVERY.iter().flat_map(|s| screen_bindings(*s))) {
            assert!(crate::i18n::has(b.help), "ui.toml lacks '{}'", b.help);
        }
    }

    #[test]
    fn no_key_is_bound_twice_on_one_screen() {
        for &screen in Screen::EVERY {
            let mut seen: Vec<Key> = Vec::new();
            for b in screen_bindings(screen) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{screen:?}: {k:?} bound twice");
                    seen.push(*k);
                }
            }
            // A panel may not take the keys a lost student reaches for.
            for k in [Char('q'), Char('?'), Code(KeyCode::Esc), Ctrl('c')] {
                assert!(!seen.contains(&k), "{screen:?} shadows {k:?}");
            }
        }
    }
}
