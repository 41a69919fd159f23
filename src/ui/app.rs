//! The one `App` state, the one `Msg` enum, and `update`.
//!
//! Every screen is a panel behind one lookup ([`Panels::get_mut`]); keys are
//! routed by mode in one place ([`App::on_key`]).

use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::Options;
use super::clock::Clock;
use super::field::{MAX_TEXT, is_printable, paste_line};
use super::home;
pub use super::home::HomeEntry;
use super::keymap::{message_for, presenter_message};
pub use super::msg::{AppEvent, Msg, Nav, PanelMsg, Screen};
use super::panel::{Ctx, JobSink, PanelDyn, PanelInit, TextInput};
pub use super::registry::Panels;
use super::theme::{Theme, ThemeName};
use crate::i18n::{Lang, t, tf};
use crate::lesson::{LessonSet, PanelArg};
use crate::store::{Progress, Store};

mod console;
mod lecture;

/// The whole state of the tutor. Read it through the accessors; change it
/// only through messages, keys and events.
pub struct App {
    lang: Lang,
    theme: Theme,
    present: bool,
    screen: Screen,
    history: Vec<Screen>,
    help_open: bool,
    /// Lines the help overlay is scrolled by (when it does not fit).
    help_scroll: usize,
    /// Tab and key bars hidden: the screen is all panel.
    zoom: bool,
    /// The presenter blanked the screen.
    blank: bool,
    status: Option<String>,
    lessons: Arc<LessonSet>,
    panels: Panels,
    store: Option<Store>,
    progress: Progress,
    quit: bool,
    /// The theme to return to when presentation mode ends.
    normal_theme: Theme,
    /// Terminal width at the last draw or resize (mouse hit-testing of the tabs).
    last_width: u16,
    clock: Clock,
    tx: Sender<AppEvent>,
    /// The lesson step whose panel a lecture opened (see `lecture.rs`).
    lecture: Option<lecture::Visit>,
    /// Presenter consoles (see `console.rs`).
    consoles: console::Consoles,
    /// The end-of-lecture card is shown (see `lecture.rs`).
    lecture_end: bool,
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
            Theme::load(ThemeName::HighContrast).unwrap_or(theme)
        } else {
            theme
        };
        let lessons = Arc::new(lessons);
        let panels = Panels::new(&PanelInit {
            lessons: Arc::clone(&lessons),
            store: store.clone(),
            export_dir: opts.export_dir.clone(),
        });
        let mut app = App {
            lang: opts.lang,
            theme,
            present: opts.present,
            screen: Screen::Home,
            history: Vec::new(),
            help_open: false,
            help_scroll: 0,
            zoom: opts.present,
            blank: false,
            status: warning,
            lessons,
            panels,
            store,
            progress,
            quit: false,
            normal_theme,
            last_width: 80,
            clock: Clock::System,
            tx,
            lecture: None,
            consoles: console::Consoles::default(),
            lecture_end: false,
        };
        app.show_resume();
        app.refresh_home();
        if !opts.lesson_ids.is_empty() {
            app.start_playlist(&opts.lesson_ids);
        }
        if let Some(open) = &opts.open {
            app.update(Msg::OpenArg(open.clone()));
        }
        app
    }

    // ---- read-only views (drawing, tests) ----

    pub fn lang(&self) -> Lang {
        self.lang
    }
    pub fn theme(&self) -> &Theme {
        &self.theme
    }
    pub fn present(&self) -> bool {
        self.present
    }
    pub fn screen(&self) -> Screen {
        self.screen
    }
    pub fn help_open(&self) -> bool {
        self.help_open
    }
    /// How far the help overlay is scrolled (lines).
    pub fn help_scroll(&self) -> usize {
        self.help_scroll
    }
    pub fn zoom(&self) -> bool {
        self.zoom
    }
    pub fn blank(&self) -> bool {
        self.blank
    }
    /// The end-of-lecture card is on screen (presenting, past the last step).
    pub fn lecture_end(&self) -> bool {
        self.lecture_end && self.present
    }
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
    /// True once the app should end.
    pub fn quitting(&self) -> bool {
        self.quit
    }
    pub fn lessons(&self) -> &LessonSet {
        &self.lessons
    }
    pub fn progress(&self) -> &Progress {
        &self.progress
    }
    pub fn last_width(&self) -> u16 {
        self.last_width
    }
    /// The loop tells the app the terminal width it draws into.
    pub(super) fn note_width(&mut self, width: u16) {
        self.last_width = width;
    }
    pub fn panel(&self, screen: Screen) -> &dyn PanelDyn {
        self.panels.get(screen)
    }
    /// Every panel, typed (`app.panels().osi()`).
    pub fn panels(&self) -> &Panels {
        &self.panels
    }

    // ---- configuration and replayed input ----

    /// Replaces the clock (tests use [`Clock::manual`] and [`App::advance_clock`]).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Moves the app's clock forward (a system clock becomes a manual one).
    pub fn advance_clock(&mut self, by: Duration) {
        self.clock.advance(by);
    }

    fn start_playlist(&mut self, ids: &[String]) {
        let mut list = Vec::new();
        for id in ids {
            match self.lessons.index_of(id) {
                Some(i) => list.push(i),
                None => self.status = Some(tf(self.lang, "lessons.unknown_id", &[("id", id)])),
            }
        }
        if !list.is_empty() {
            self.panels.reader.start_playlist(list);
            self.screen = Screen::Lessons;
        }
    }

    pub(crate) fn ctx(&self, screen: Screen) -> Ctx {
        Ctx {
            lang: self.lang,
            present: self.present,
            console: self.consoles.attached > 0,
            status: None,
            jobs: JobSink::new(self.tx.clone(), screen),
            now: self.clock.now(),
        }
    }

    fn take_status(&mut self, ctx: Ctx) {
        if ctx.status.is_some() {
            self.status = ctx.status;
        }
    }

    /// Runs `f` on the panel of `screen` with a fresh context; its status
    /// message (if any) goes to the status bar.
    fn with_panel<R>(
        &mut self,
        screen: Screen,
        f: impl FnOnce(&mut dyn PanelDyn, &mut Ctx) -> R,
    ) -> R {
        let mut ctx = self.ctx(screen);
        let r = f(self.panels.get_mut(screen), &mut ctx);
        self.take_status(ctx);
        r
    }

    /// True while typed keys go into a text field (a panel's input or a search
    /// box) rather than the keymap.
    pub fn taking_text(&self) -> bool {
        self.panels.get(self.screen).captures_text()
    }

    /// True while something moves on screen: the loop then sends ticks. Only
    /// what the student (or presenter) started moves: no panel autoplays.
    pub fn wants_ticks(&mut self) -> bool {
        self.panels.get(self.screen).wants_ticks()
    }

    /// Handles one event; returns true when the screen must be redrawn.
    pub fn handle_event(&mut self, event: AppEvent) -> bool {
        match event {
            AppEvent::Input(Event::Key(key)) => {
                self.on_key(key);
                true
            }
            AppEvent::Input(Event::Paste(text)) => {
                self.on_paste(&text);
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
            // Focus: nothing to do.
            AppEvent::Input(_) => false,
            AppEvent::Job(screen, payload) => {
                self.with_panel(screen, |p, ctx| p.job(payload, ctx));
                true
            }
            AppEvent::Console(ev) => {
                self.on_hub_event(ev);
                true
            }
            // SIGTERM, SIGHUP (or the terminal gone), SIGINT, SIGQUIT: quit
            // from whatever screen, mode or dialog is open.
            AppEvent::Signal(_) => {
                self.update(Msg::Quit);
                self.quit = true;
                true
            }
        }
    }

    /// One animation tick for the current panel; true when the screen must be
    /// redrawn (the panel's picture or the status line changed).
    pub fn tick(&mut self) -> bool {
        self.with_panel(self.screen, |p, ctx| p.tick(ctx) || ctx.status.is_some())
    }

    /// A key press, routed by mode — the one place that decides who sees a key:
    /// 1. Ctrl-C always quits, F1 always opens help (even while typing);
    /// 2. the help overlay takes any key (and closes);
    /// 3. a blanked screen takes any key (and comes back);
    /// 4. a panel taking text gets every key first, and a printable key never
    ///    reaches a global or presenter binding (`q`, `?`, `.`, `b` type);
    /// 5. while presenting, the presenter's keys;
    /// 6. the keymap: the screen's keys, then the global ones.
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.update(Msg::Quit);
            return;
        }
        if self.help_open {
            // A help too long for the screen scrolls; any other key closes it.
            let most = super::help::entries(self, self.lang).len() * 3;
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => {
                    self.help_scroll = self.help_scroll.saturating_sub(1)
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    self.help_scroll = (self.help_scroll + 1).min(most)
                }
                KeyCode::PageUp => self.help_scroll = self.help_scroll.saturating_sub(10),
                KeyCode::PageDown => self.help_scroll = (self.help_scroll + 10).min(most),
                _ => self.help_open = false,
            }
            return;
        }
        if self.blank {
            self.blank = false;
            return;
        }
        if key.code == KeyCode::F(1) {
            self.update(Msg::ToggleHelp);
            return;
        }
        self.status = None;
        let screen = self.screen;
        if self.taking_text() {
            match self.with_panel(screen, |p, ctx| p.text_key(key, ctx)) {
                TextInput::Consumed(follow) => {
                    if let Some(msg) = follow {
                        self.update(msg);
                    }
                    return;
                }
                TextInput::Ignored if is_printable(&key) => return,
                TextInput::Ignored => {}
            }
        } else if self.present
            && let Some(msg) = presenter_message(&key)
        {
            self.update(msg);
            return;
        }
        if let Some(msg) = message_for(&key, screen) {
            self.update(msg);
        }
    }

    /// Bracketed paste: the text goes to the focused field in one piece, cut
    /// to [`MAX_TEXT`] characters (the status bar says so).
    fn on_paste(&mut self, text: &str) {
        if self.help_open || self.blank || !self.taking_text() {
            return;
        }
        let line = paste_line(text);
        let cut = line.chars().count() > MAX_TEXT;
        let line: String = line.chars().take(MAX_TEXT).collect();
        self.status = None;
        let follow = self.with_panel(self.screen, |p, ctx| p.paste(&line, ctx));
        if cut {
            let max = MAX_TEXT.to_string();
            self.status = Some(tf(self.lang, "status.paste_cut", &[("n", &max)]));
        }
        if let TextInput::Consumed(Some(msg)) = follow {
            self.update(msg);
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
        if self.screen == Screen::Home {
            self.refresh_home();
        }
    }

    fn update_once(&mut self, msg: Msg) -> Option<Msg> {
        // The end-of-lecture card stays for the clicker's keys (PageDown
        // again, PageUp to go back), blanking and help; anything else closes
        // it, Esc only that.
        if self.lecture_end
            && !matches!(
                msg,
                Msg::Nav(Nav::Next | Nav::Prev) | Msg::ToggleBlank | Msg::ToggleHelp | Msg::Quit
            )
        {
            self.lecture_end = false;
            if msg == Msg::Back {
                return None;
            }
        }
        let mut ctx = self.ctx(self.screen);
        let follow = match msg {
            Msg::Quit => {
                self.quit = true;
                None
            }
            Msg::ToggleHelp => {
                self.help_open = !self.help_open;
                self.help_scroll = 0;
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
            Msg::OpenArg(open) => self.open_panel(&open, &mut ctx),
            Msg::OpenLesson { lesson, step } => {
                self.panels.reader.open_lesson(lesson, step);
                self.go(Screen::Lessons, &mut ctx);
                None
            }
            Msg::LessonAt { lesson, step } => {
                self.save_progress(lesson, step, &mut ctx);
                None
            }
            Msg::Search => {
                if !self.panels.get_mut(self.screen).search(&mut ctx) {
                    self.go(Screen::Glossary, &mut ctx);
                    self.panels.get_mut(Screen::Glossary).search(&mut ctx);
                }
                None
            }
            Msg::TogglePresent => {
                self.present = !self.present;
                ctx.present = self.present;
                self.zoom = self.present;
                self.theme = if self.present && self.normal_theme.name != ThemeName::Mono {
                    Theme::load(ThemeName::HighContrast)
                        .unwrap_or_else(|_| self.normal_theme.clone())
                } else {
                    self.normal_theme.clone()
                };
                let key = if self.present {
                    "status.present_on"
                } else {
                    "status.present_off"
                };
                ctx.say(t(self.lang, key));
                self.start_hub();
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
                match self.panels.get_mut(self.screen).export(&mut ctx) {
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
            Msg::Nav(nav @ (Nav::Next | Nav::Prev)) if self.present => {
                self.lecture_nav(nav == Nav::Next, &mut ctx)
            }
            Msg::Nav(nav) => self.panels.get_mut(self.screen).nav(nav, &mut ctx),
            Msg::Panel(m) => {
                // The context of the panel the message is for (its jobs come
                // back to it), whatever screen is shown.
                let screen = m.screen();
                self.with_panel_msg(screen, m)
            }
        };
        self.take_status(ctx);
        follow
    }

    fn with_panel_msg(&mut self, screen: Screen, msg: PanelMsg) -> Option<Msg> {
        let mut ctx = self.ctx(screen);
        let follow = self.panels.update(msg, &mut ctx);
        self.take_status(ctx);
        follow
    }

    /// Switches to `screen`, remembering where we came from.
    fn go(&mut self, screen: Screen, ctx: &mut Ctx) {
        if screen == self.screen {
            return;
        }
        self.panels.get_mut(self.screen).leave(ctx);
        self.history.push(self.screen);
        if self.history.len() > 64 {
            self.history.remove(0);
        }
        self.screen = screen;
    }

    fn open_panel(&mut self, arg: &PanelArg, ctx: &mut Ctx) -> Option<Msg> {
        let screen = Screen::for_panel(arg.panel());
        self.go(screen, ctx);
        self.with_panel(screen, |p, pctx| p.open(arg, pctx));
        None
    }

    /// Esc/Backspace: the panel's own "back" first (leave a field, close a
    /// view), else the previous screen.
    fn back(&mut self, ctx: &mut Ctx) {
        let panel = self.panels.get_mut(self.screen);
        if panel.back(ctx) {
            return;
        }
        panel.leave(ctx);
        self.screen = self.history.pop().unwrap_or(Screen::Home);
    }

    /// Home's "continue" row from saved progress.
    fn show_resume(&mut self) {
        let resume = self
            .progress
            .last_lesson
            .as_ref()
            .and_then(|id| self.lessons.index_of(id))
            .map(|i| (i, self.progress.last_step))
            // A lesson read to its end continues with the next one.
            .map(|(i, step)| {
                let last = self.lessons.lessons.get(i).map_or(0, |l| l.steps.len());
                if step + 1 >= last && i + 1 < self.lessons.lessons.len() {
                    (i + 1, 0)
                } else {
                    (i, step)
                }
            });
        self.panels.home.set_resume(resume);
    }

    fn save_progress(&mut self, lesson: usize, step: usize, ctx: &mut Ctx) {
        let Some(l) = self.lessons.lessons.get(lesson) else {
            return;
        };
        self.progress.last_lesson = Some(l.id.clone());
        self.progress.last_step = step;
        // The last step seen: the lesson is done (kept in the store's
        // `lessons_done` section), and the student is told so.
        let finished = step + 1 >= l.steps.len();
        let id = l.id.clone();
        let newly_done = finished && self.progress.mark_lesson_done(&id);
        self.show_resume();
        if let Some(store) = &self.store {
            // Under the store's lock, keeping what others wrote (quiz mastery).
            let (last, step) = (self.progress.last_lesson.clone(), step);
            match store.update(|p| {
                p.last_lesson = last;
                p.last_step = step;
                if finished {
                    p.mark_lesson_done(&id);
                }
                p.other.clone()
            }) {
                Ok((other, warning)) => {
                    self.progress.other = other;
                    if let Some(w) = warning {
                        ctx.say(w);
                    }
                }
                Err(e) => ctx.say(e.to_string()),
            }
        }
        if newly_done && ctx.status.is_none() {
            let playlist = &self.panels.reader.playlist;
            let done = self.progress.lessons_done();
            ctx.say(home::completion(
                ctx.lang,
                &self.lessons,
                &done,
                lesson,
                playlist,
            ));
        }
        self.refresh_home();
    }

    /// Home's progress (lessons done, mastery per topic, what is due), from
    /// the progress kept and the quiz panel's mastery; computed on changes,
    /// never per frame.
    fn refresh_home(&mut self) {
        let done = self.progress.lessons_done();
        let quiz = &self.panels.quiz;
        self.panels.home.set_progress(home::HomeProgress {
            lessons_done: self
                .lessons
                .lessons
                .iter()
                .filter(|l| done.contains(&l.id))
                .count(),
            lessons: self.lessons.lessons.len(),
            topics: quiz.mastery.by_topic(chrono::Utc::now()),
            due_today: quiz.due_today,
            drill_missed: quiz.drill.pool,
        });
    }
}
