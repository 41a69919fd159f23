//! The presentation's side of the presenter console (`nettutor presenter`):
//! the app publishes where the lecture is to the consoles attached to its
//! socket ([`crate::presenter::hub`]) and takes the presenter's keys from them
//! as events on its one channel. While a console is attached the speaker notes
//! are on it, never on the projected screen.

use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, AppEvent, Msg, Nav, Screen};
use crate::i18n::{Text, t, tf};
use crate::presenter::hub::{Hub, HubEvent};
use crate::presenter::proto::{Key, PanelAt, State};

/// The consoles' end of the app.
#[derive(Default)]
pub(in crate::ui) struct Consoles {
    /// Where presentations listen (None: no console for this app, as in tests
    /// that do not ask for one).
    dir: Option<std::path::PathBuf>,
    hub: Option<Hub>,
    /// Consoles attached, as the hub last said.
    pub(super) attached: usize,
    /// When the presentation started (seconds since the Unix epoch).
    started: i64,
}

impl App {
    /// Lets consoles attach through a socket in `dir` whenever the app
    /// presents (now, or from when `P` turns presenting on).
    pub fn enable_console(&mut self, dir: &Path) {
        self.consoles.dir = Some(dir.to_path_buf());
        self.start_hub();
    }

    /// The presentation's id and socket, once it listens.
    pub fn console_socket(&self) -> Option<(&str, &Path)> {
        self.consoles.hub.as_ref().map(|h| (h.id(), h.path()))
    }

    /// Consoles attached now.
    pub fn consoles_attached(&self) -> usize {
        self.consoles.attached
    }

    /// Starts listening if presenting and allowed; a failure is said on the
    /// status line (the presentation goes on without a console).
    pub(super) fn start_hub(&mut self) {
        let Some(dir) = self.consoles.dir.clone() else {
            return;
        };
        if !self.present || self.consoles.hub.is_some() {
            return;
        }
        let tx = self.tx.clone();
        let id = std::process::id().to_string();
        match Hub::start(&dir, &id, move |ev| {
            let _ = tx.send(AppEvent::Console(ev));
        }) {
            Ok(hub) => {
                self.consoles.started = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
                self.consoles.hub = Some(hub);
            }
            Err(e) => {
                let error = e.to_string();
                self.status = Some(tf(self.lang, "console.unavailable", &[("error", &error)]));
            }
        }
    }

    /// Sends the lecture's state to the consoles (only when it changed; the
    /// loop calls this before each redraw).
    pub fn publish_console(&self) {
        if let Some(hub) = &self.consoles.hub {
            hub.publish(&self.console_state(hub.id()));
        }
    }

    /// What a console shows: lesson and step, notes, what comes next.
    pub fn console_state(&self, id: &str) -> State {
        let reader = &self.panels.reader;
        let set = &*self.lessons;
        let playlist = self.lecture_lessons();
        let mut state = State {
            id: id.to_string(),
            started: self.consoles.started,
            playlist: playlist
                .iter()
                .filter_map(|&i| set.lessons.get(i).map(|l| l.id.clone()))
                .collect(),
            lessons: playlist.len(),
            blank: self.blank,
            end_card: self.lecture_end(),
            ..State::default()
        };
        let Some((lesson, step)) = reader.position() else {
            return state;
        };
        let Some(l) = set.lessons.get(lesson) else {
            return state;
        };
        let step = step.min(l.steps.len().saturating_sub(1));
        let place = playlist.iter().position(|&i| i == lesson);
        state.lesson = place.map_or(0, |p| p + 1);
        state.lesson_title = l.title.clone();
        state.steps = l.steps.len();
        if let Some(s) = l.steps.get(step) {
            state.step = step + 1;
            state.step_title = s.title.clone();
            state.notes = s.notes.clone();
        }
        if let Some(next) = l.steps.get(step + 1) {
            state.next = Some(next.title.clone());
        } else if let Some(next) = place
            .and_then(|p| playlist.get(p + 1))
            .and_then(|&i| set.lessons.get(i))
        {
            state.next = next.steps.first().map(|s| s.title.clone());
            state.next_lesson = Some(next.title.clone());
        }
        if self.screen != Screen::Lessons
            && let Some((at, last)) = self.panels.get(self.screen).lecture_position()
        {
            let key = self.screen.title_key();
            state.panel = Some(PanelAt {
                name: Text::new(t(crate::i18n::Lang::En, key), t(crate::i18n::Lang::Zh, key)),
                at: at + 1,
                of: last + 1,
            });
        }
        state
    }

    /// A console's message: a key, or the number of consoles changed.
    pub(super) fn on_hub_event(&mut self, ev: HubEvent) {
        match ev {
            HubEvent::Consoles(n) => {
                let before = self.consoles.attached;
                self.consoles.attached = n;
                if n > 0 {
                    // Notes shown on the projected screen go to the console.
                    self.panels.reader.show_notes = false;
                }
                if n > before {
                    self.status = Some(t(self.lang, "console.attached").to_string());
                } else if n == 0 && before > 0 {
                    self.status = Some(t(self.lang, "console.detached").to_string());
                }
            }
            HubEvent::Key(key) => self.console_key(key),
        }
    }

    /// The presenter's key from a console: what the same key does on the
    /// projected terminal, except that it never types into a text field.
    fn console_key(&mut self, key: Key) {
        if self.help_open {
            self.help_open = false;
            return;
        }
        if self.blank {
            self.blank = false;
            return;
        }
        self.status = None;
        let msg = match key {
            Key::Next => Msg::Nav(Nav::Next),
            Key::Prev => Msg::Nav(Nav::Prev),
            Key::First => Msg::Nav(Nav::First),
            Key::Last => Msg::Nav(Nav::Last),
            Key::Blank => Msg::ToggleBlank,
            // `p` of a panel with an animation (elsewhere `p` means other things).
            Key::Play => {
                let p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE);
                match super::message_for(&p, self.screen) {
                    Some(msg) if self.panels.get(self.screen).lecture_position().is_some() => msg,
                    _ => return,
                }
            }
        };
        self.update(msg);
    }
}
