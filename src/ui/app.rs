//! The one `App` state, the one `Msg` enum, and `update`.

use std::sync::mpsc::Sender;

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::Options;
use super::glossary::GlossaryView;
use super::handshake::HandshakePanel;
pub use super::home::HomeEntry;
use super::keymap::message_for;
use super::labs::LabsPanel;
use super::lan::LanPanel;
use super::lessons::{LessonsView, search_steps};
pub use super::msg::{AppEvent, Msg, Nav, Screen};
use super::osi::OsiPanel;
use super::panel::{Ctx, JobSink, Panel, TextInput};
use super::quiz::QuizPanel;
use super::search::{SearchBox, SearchKey};
use super::subnet::SubnetPanel;
use super::theme::Theme;
use crate::i18n::{Lang, t, tf};
use crate::lesson::{LessonSet, PanelId};
use crate::store::{Progress, Store};

/// The whole state of the tutor.
pub struct App {
    pub lang: Lang,
    pub theme: Theme,
    pub present: bool,
    pub screen: Screen,
    pub history: Vec<Screen>,
    pub help_open: bool,
    /// Tab and key bars hidden: the screen is all panel.
    pub zoom: bool,
    /// The presenter blanked the screen.
    pub blank: bool,
    pub status: Option<String>,
    pub lessons: LessonSet,
    pub home_selected: usize,
    pub reader: LessonsView,
    pub glossary: GlossaryView,
    pub osi: OsiPanel,
    pub lan: LanPanel,
    pub handshake: HandshakePanel,
    pub subnet: SubnetPanel,
    pub labs: LabsPanel,
    pub quiz: QuizPanel,
    pub store: Option<Store>,
    pub progress: Progress,
    pub quit: bool,
    /// The theme to return to when presentation mode ends.
    pub normal_theme: Theme,
    /// Terminal width at the last draw (mouse hit-testing of the tab bar).
    pub last_width: u16,
    tx: Sender<AppEvent>,
}

/// Runs `$body` with `$p` bound to the panel of `$screen`; `None` for screens
/// that are not panels.
macro_rules! with_panel {
    ($app:expr, $screen:expr, |$p:ident| $body:expr) => {
        match $screen {
            Screen::Osi => {
                let $p = &mut $app.osi;
                Some($body)
            }
            Screen::Lan => {
                let $p = &mut $app.lan;
                Some($body)
            }
            Screen::Handshake => {
                let $p = &mut $app.handshake;
                Some($body)
            }
            Screen::Subnet => {
                let $p = &mut $app.subnet;
                Some($body)
            }
            Screen::Labs => {
                let $p = &mut $app.labs;
                Some($body)
            }
            Screen::Quiz => {
                let $p = &mut $app.quiz;
                Some($body)
            }
            Screen::Home | Screen::Lessons | Screen::Glossary => None,
        }
    };
}

impl App {
    /// A new app on `lessons`. `store` is None when progress cannot be kept.
    pub fn new(
        opts: &Options,
        theme: Theme,
        lessons: LessonSet,
        store: Option<Store>,
        tx: Sender<AppEvent>,
    ) -> App {
        let (progress, warning) = store.as_ref().map(Store::load).unwrap_or_default();
        // Presentation mode uses the high-contrast theme unless one was chosen.
        let normal_theme = theme.clone();
        let theme = if opts.present && opts.theme.is_none() && !opts.no_color {
            Theme::named("high-contrast").unwrap_or(theme)
        } else {
            theme
        };
        let mut app = App {
            lang: opts.lang,
            theme,
            present: opts.present,
            screen: Screen::Home,
            history: Vec::new(),
            help_open: false,
            zoom: opts.present,
            blank: false,
            status: warning,
            lessons,
            home_selected: 0,
            reader: LessonsView::default(),
            glossary: GlossaryView::default(),
            osi: OsiPanel::default(),
            lan: LanPanel::default(),
            handshake: HandshakePanel::default(),
            subnet: SubnetPanel::default(),
            labs: LabsPanel::default(),
            quiz: QuizPanel::default(),
            store,
            progress,
            quit: false,
            normal_theme,
            last_width: 80,
            tx,
        };
        app.quiz = QuizPanel::new(app.lessons.questions.clone(), app.store.clone());
        app.quiz.concepts = app.lessons.curriculum.clone();
        if !opts.lesson_ids.is_empty() {
            app.start_playlist(&opts.lesson_ids);
        }
        if let Some((panel, arg)) = &opts.open {
            app.update(Msg::OpenPanel {
                panel: *panel,
                arg: arg.clone(),
            });
        }
        app
    }

    fn start_playlist(&mut self, ids: &[String]) {
        let mut list = Vec::new();
        for id in ids {
            match self.lessons.index_of(id) {
                Some(i) => list.push(i),
                None => self.status = Some(tf(self.lang, "lessons.unknown_id", &[("id", id)])),
            }
        }
        if let Some(&first) = list.first() {
            self.reader.playlist = list;
            self.reader.open_lesson(first, 0);
            self.screen = Screen::Lessons;
        }
    }

    pub(crate) fn ctx(&self, screen: Screen) -> Ctx {
        Ctx {
            lang: self.lang,
            present: self.present,
            status: None,
            jobs: JobSink::new(self.tx.clone(), screen),
        }
    }

    fn take_status(&mut self, ctx: Ctx) {
        if ctx.status.is_some() {
            self.status = ctx.status;
        }
    }

    /// True while typed keys go into a text field (a panel's input or a search
    /// box) rather than the keymap.
    pub fn taking_text(&self) -> bool {
        match self.screen {
            Screen::Lessons => self.reader.search.is_some(),
            Screen::Glossary => self.glossary.search.is_some(),
            Screen::Home => false,
            Screen::Osi => self.osi.captures_text(),
            Screen::Lan => self.lan.captures_text(),
            Screen::Handshake => self.handshake.captures_text(),
            Screen::Subnet => self.subnet.captures_text(),
            Screen::Labs => self.labs.captures_text(),
            Screen::Quiz => self.quiz.captures_text(),
        }
    }

    /// True while something moves on screen: the loop then sends ticks.
    /// Presentation mode never autoplays: every reveal waits for a presenter key.
    pub fn wants_ticks(&mut self) -> bool {
        if self.present {
            return false;
        }
        with_panel!(self, self.screen, |p| p.wants_ticks()).unwrap_or(false)
    }

    /// Handles one event; returns true when the screen must be redrawn.
    pub fn handle_event(&mut self, event: AppEvent) -> bool {
        match event {
            AppEvent::Input(Event::Key(key)) => {
                self.on_key(key);
                true
            }
            AppEvent::Input(Event::Mouse(m)) => match m.kind {
                MouseEventKind::Down(MouseButton::Left) => {
                    self.update(Msg::Click {
                        column: m.column,
                        row: m.row,
                    });
                    true
                }
                _ => false,
            },
            AppEvent::Input(Event::Resize(w, _)) => {
                self.last_width = w;
                true
            }
            // Paste, focus: nothing to do.
            AppEvent::Input(_) => false,
            AppEvent::Job(screen, payload) => {
                let mut ctx = self.ctx(screen);
                let handled = with_panel!(self, screen, |p| p.job(payload, &mut ctx));
                self.take_status(ctx);
                handled.is_some()
            }
            AppEvent::Signal(_) => {
                self.update(Msg::Quit);
                true
            }
        }
    }

    /// One animation tick for the current panel.
    pub fn tick(&mut self) {
        let mut ctx = self.ctx(self.screen);
        with_panel!(self, self.screen, |p| p.tick(&mut ctx));
        self.take_status(ctx);
    }

    /// A key press: Ctrl-C always quits; an open help overlay takes any key;
    /// a panel taking text sees printable keys first; then the keymap.
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.update(Msg::Quit);
            return;
        }
        if self.help_open {
            self.help_open = false;
            return;
        }
        if self.blank {
            self.blank = false;
            return;
        }
        self.status = None;
        if self.search_key(&key) {
            return;
        }
        if self.present
            && let Some(msg) = super::keymap::presenter_message(&key)
        {
            self.update(msg);
            return;
        }
        let mut ctx = self.ctx(self.screen);
        let typed = with_panel!(self, self.screen, |p| if p.captures_text() {
            p.text_key(key, &mut ctx)
        } else {
            TextInput::Ignored
        });
        self.take_status(ctx);
        match typed {
            Some(TextInput::Consumed(follow)) => {
                if let Some(msg) = follow {
                    self.update(msg);
                }
            }
            _ => {
                if let Some(msg) = message_for(&key, self.screen) {
                    self.update(msg);
                }
            }
        }
    }

    /// Applies `msg` and any follow-up messages it produces.
    pub fn update(&mut self, msg: Msg) {
        let mut next = Some(msg);
        // A follow-up chain is short; the bound guards against a cycle.
        for _ in 0..16 {
            match next.take() {
                Some(m) => next = self.update_once(m),
                None => break,
            }
        }
    }

    fn update_once(&mut self, msg: Msg) -> Option<Msg> {
        let mut ctx = self.ctx(self.screen);
        let follow = match msg {
            Msg::Quit => {
                self.quit = true;
                None
            }
            Msg::ToggleHelp => {
                self.help_open = !self.help_open;
                None
            }
            Msg::ToggleLang => {
                self.lang = self.lang.toggled();
                ctx.lang = self.lang;
                ctx.say(t(self.lang, "status.lang"));
                None
            }
            Msg::Back => {
                self.back(&mut ctx);
                None
            }
            Msg::Open(screen) => {
                self.go(screen, &mut ctx);
                None
            }
            Msg::OpenPanel { panel, arg } => self.open_panel(panel, &arg, &mut ctx),
            Msg::OpenStepPanel => match self
                .reader
                .current_step(&self.lessons)
                .and_then(|s| s.panel.clone())
            {
                Some(link) => Some(Msg::OpenPanel {
                    panel: link.panel,
                    arg: link.arg,
                }),
                None => {
                    ctx.say(t(self.lang, "lessons.no_panel"));
                    None
                }
            },
            Msg::ToggleNotes => {
                self.reader.show_notes = !self.reader.show_notes;
                None
            }
            Msg::Search => {
                if self.screen == Screen::Lessons {
                    self.reader.search = Some(SearchBox::default());
                } else {
                    self.go(Screen::Glossary, &mut ctx);
                    self.glossary.search = Some(SearchBox {
                        query: self.glossary.filter.clone(),
                        selected: 0,
                    });
                }
                None
            }
            Msg::TogglePresent => {
                self.present = !self.present;
                ctx.present = self.present;
                self.zoom = self.present;
                self.theme = if self.present && self.normal_theme.name != "mono" {
                    Theme::named("high-contrast").unwrap_or_else(|_| self.normal_theme.clone())
                } else {
                    self.normal_theme.clone()
                };
                let key = if self.present {
                    "status.present_on"
                } else {
                    "status.present_off"
                };
                ctx.say(t(self.lang, key));
                None
            }
            Msg::ToggleZoom => {
                self.zoom = !self.zoom;
                None
            }
            Msg::ToggleBlank => {
                self.blank = !self.blank;
                None
            }
            Msg::Export => {
                let result = with_panel!(self, self.screen, |p| p.export(&mut ctx)).flatten();
                match result {
                    Some(Ok(path)) => ctx.say(tf(self.lang, "status.exported", &[("path", &path)])),
                    Some(Err(e)) => {
                        ctx.say(tf(self.lang, "status.export_failed", &[("error", &e)]))
                    }
                    None => ctx.say(t(self.lang, "status.nothing_to_export")),
                }
                None
            }
            Msg::Click { column, row } => {
                if let Some(screen) = super::draw::tab_at(self, column, row) {
                    self.go(screen, &mut ctx);
                }
                None
            }
            Msg::Nav(nav) => self.nav(nav, &mut ctx),
            Msg::Osi(m) => self.osi.update(m, &mut ctx),
            Msg::Lan(m) => self.lan.update(m, &mut ctx),
            Msg::Handshake(m) => self.handshake.update(m, &mut ctx),
            Msg::Subnet(m) => self.subnet.update(m, &mut ctx),
            Msg::Labs(m) => self.labs.update(m, &mut ctx),
            Msg::Quiz(m) => self.quiz.update(m, &mut ctx),
        };
        self.take_status(ctx);
        follow
    }

    /// Switches to `screen`, remembering where we came from.
    pub(super) fn go(&mut self, screen: Screen, ctx: &mut Ctx) {
        if screen == self.screen {
            return;
        }
        with_panel!(self, self.screen, |p| p.leave(ctx));
        self.history.push(self.screen);
        if self.history.len() > 64 {
            self.history.remove(0);
        }
        self.screen = screen;
    }

    fn open_panel(&mut self, panel: PanelId, arg: &str, ctx: &mut Ctx) -> Option<Msg> {
        let Some(screen) = Screen::for_panel(panel) else {
            ctx.say(tf(
                self.lang,
                "status.no_such_panel",
                &[("panel", panel.name())],
            ));
            return None;
        };
        self.go(screen, ctx);
        let mut pctx = self.ctx(screen);
        let opened = with_panel!(self, screen, |p| p.open(arg, &mut pctx));
        self.take_status(pctx);
        if let Some(Err(why)) = opened {
            ctx.say(tf(self.lang, "status.open_failed", &[("error", &why)]));
        }
        None
    }

    fn back(&mut self, ctx: &mut Ctx) {
        let used = match self.screen {
            Screen::Lessons => self.reader.back(),
            Screen::Glossary => !std::mem::take(&mut self.glossary.filter).is_empty(),
            screen => with_panel!(self, screen, |p| p.back(ctx)).unwrap_or(false),
        };
        if used {
            return;
        }
        with_panel!(self, self.screen, |p| p.leave(ctx));
        self.screen = self.history.pop().unwrap_or(Screen::Home);
    }

    fn nav(&mut self, nav: Nav, ctx: &mut Ctx) -> Option<Msg> {
        match self.screen {
            Screen::Home => self.home_nav(nav, ctx),
            Screen::Glossary => {
                let total = self.glossary.results(&self.lessons.glossary).len();
                self.glossary.nav(nav, total);
                None
            }
            Screen::Lessons => {
                let changed = self.reader.nav(nav, &self.lessons);
                if changed {
                    self.save_progress(ctx);
                }
                None
            }
            screen => with_panel!(self, screen, |p| p.nav(nav, ctx)).flatten(),
        }
    }

    /// Typing into an open search box (lessons or glossary). True when used.
    fn search_key(&mut self, key: &KeyEvent) -> bool {
        match self.screen {
            Screen::Lessons => {
                let Some(search) = self.reader.search.as_mut() else {
                    return false;
                };
                let hits = search_steps(&self.lessons, &search.query, self.lang);
                match search.key(key, hits.len()) {
                    SearchKey::Changed => {}
                    SearchKey::Cancel => self.reader.search = None,
                    SearchKey::Accept => {
                        if let Some(hit) = hits.get(search.selected) {
                            self.reader.search = None;
                            self.reader.open_lesson(hit.lesson, hit.step);
                            let mut ctx = self.ctx(self.screen);
                            self.save_progress(&mut ctx);
                            self.take_status(ctx);
                        }
                    }
                }
                true
            }
            Screen::Glossary => {
                let Some(search) = self.glossary.search.as_mut() else {
                    return false;
                };
                let total = self.lessons.glossary.terms.len();
                match search.key(key, total) {
                    SearchKey::Changed => {}
                    SearchKey::Cancel => self.glossary.search = None,
                    SearchKey::Accept => {
                        self.glossary.filter = search.query.clone();
                        self.glossary.search = None;
                    }
                }
                self.glossary.scroll = 0;
                true
            }
            _ => false,
        }
    }

    pub(super) fn save_progress(&mut self, ctx: &mut Ctx) {
        let Some((lesson, step)) = self.reader.position() else {
            return;
        };
        let Some(l) = self.lessons.lessons.get(lesson) else {
            return;
        };
        self.progress.last_lesson = Some(l.id.clone());
        self.progress.last_step = step;
        if let Some(store) = &self.store {
            // Keep sections written since start by others (quiz mastery).
            self.progress.other = store.load().0.other;
            if let Err(e) = store.save(&self.progress) {
                ctx.say(e.to_string());
            }
        }
    }
}
