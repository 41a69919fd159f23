//! Subnet drills in the Quiz panel: choose a kind, type each field the
//! problem asks for, then every field is marked on its own with the mistake
//! behind a wrong one; a streak, and the problems missed before come back
//! first (the same `quiz::drill` engine and pool as `nettutor drill subnet`).

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::i18n::t;
use crate::quiz::drill::pool::DrillProgress;
use crate::quiz::drill::{self, Drill, DrillKind, Mark, Problem};
use crate::quiz::session::fresh_seed;
use crate::store::Store;
use crate::ui::field::{Edit, TextField};
use crate::ui::msg::Nav;
use crate::ui::panel::{Ctx, TextInput};

/// Where a drill set stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stage {
    /// Choosing the kind of problem.
    #[default]
    Choose,
    /// Typing the fields of the current problem.
    Answering,
    /// The problem just finished, every field marked.
    Marked,
    /// The set is over: score and best streak.
    Done,
}

/// Problems in one set, unless the student or a lesson link asks for more.
pub const SET_SIZE: usize = 5;
/// The largest set (`+` in the chooser, `count=` in a link).
pub const MAX_SET: usize = 30;
/// The time limits `t` cycles through in the chooser (seconds; 0: untimed).
pub const TIME_LIMITS: [u64; 5] = [0, 60, 120, 300, 600];
/// The longest answer to one field (an IPv6 address fits).
const FIELD_MAX: usize = 64;

/// The drill side of the Quiz panel.
#[derive(Debug)]
pub struct DrillMode {
    pub stage: Stage,
    /// Row under the cursor in the chooser: 0 = every kind, then one per kind.
    pub cursor: usize,
    pub drill: Option<Drill>,
    /// One answer per field of the current problem.
    pub answers: Vec<TextField>,
    /// The field being typed.
    pub field: usize,
    /// Problems of this set that came from the pool of missed ones.
    pub from_pool: usize,
    /// The streak before the problem just marked (to say it ended).
    pub streak_before: u32,
    /// Problems waiting in the pool of missed ones (at the start of the set).
    pub pool: usize,
    /// Problems for the next set; None = a fresh seed (tests give one).
    pub seed: Option<u64>,
    /// Problems in a set.
    pub set_size: usize,
    /// A timed set ends when this runs out (None: untimed).
    pub time_limit: Option<Duration>,
    /// When the running timed set ends.
    pub deadline: Option<Instant>,
    /// Whole seconds left at the last tick (what the header shows).
    pub seconds_left: Option<u64>,
    /// The set ended because its time ran out.
    pub timed_out: bool,
}

impl Default for DrillMode {
    fn default() -> DrillMode {
        DrillMode {
            stage: Stage::default(),
            cursor: 0,
            drill: None,
            answers: Vec::new(),
            field: 0,
            from_pool: 0,
            streak_before: 0,
            pool: 0,
            seed: None,
            set_size: SET_SIZE,
            time_limit: None,
            deadline: None,
            seconds_left: None,
            timed_out: false,
        }
    }
}

impl DrillMode {
    /// The kinds the chooser's row stands for.
    pub fn kinds(&self) -> Vec<DrillKind> {
        match self.cursor.checked_sub(1) {
            None => DrillKind::ALL.to_vec(),
            Some(i) => DrillKind::ALL
                .get(i)
                .map_or(DrillKind::ALL.to_vec(), |k| vec![*k]),
        }
    }

    /// Rows of the chooser.
    pub fn rows() -> usize {
        DrillKind::ALL.len() + 1
    }

    /// Opens the chooser (the pool size is read once, here).
    pub fn choose(&mut self, store: Option<&Store>) {
        self.stage = Stage::Choose;
        self.pool = store.map_or(0, |s| DrillProgress::load(s).missed.len());
    }

    /// Starts a set of the chosen kinds at `now`: missed problems first, then
    /// new ones; a timed set's clock starts here.
    pub fn start(&mut self, store: Option<&Store>, now: Instant) {
        let size = self.set_size.clamp(1, MAX_SET);
        let kinds = self.kinds();
        let pool: Vec<Problem> = match (self.seed, store) {
            (None, Some(store)) => DrillProgress::load(store)
                .due(&kinds, size)
                .iter()
                .filter_map(|spec| spec.build().ok())
                .collect(),
            _ => Vec::new(),
        };
        self.from_pool = pool.len();
        let mut problems = pool;
        let seed = self.seed.unwrap_or_else(fresh_seed);
        problems.extend(drill::generate(seed, size - self.from_pool, &kinds));
        self.drill = Some(Drill::new(problems));
        self.streak_before = 0;
        self.timed_out = false;
        self.deadline = self.time_limit.map(|d| now + d);
        self.seconds_left = self.time_limit.map(|d| d.as_secs());
        self.ask();
    }

    /// Fresh answer fields for the current problem.
    fn ask(&mut self) {
        match self.current() {
            Some(problem) => {
                let n = problem.fields.len();
                self.answers = (0..n).map(|_| TextField::new(FIELD_MAX)).collect();
                self.field = 0;
                self.stage = Stage::Answering;
            }
            None => self.stage = Stage::Done,
        }
    }

    pub fn current(&self) -> Option<&Problem> {
        self.drill.as_ref()?.current()
    }

    /// The problem just marked and its marks.
    pub fn marked(&self) -> Option<(&Problem, &[Mark])> {
        let d = self.drill.as_ref()?;
        let i = d.index().checked_sub(1)?;
        Some((d.problems.get(i)?, d.marks.get(i)?.as_slice()))
    }

    /// Marks every field of the current problem, records it in the pool
    /// (under the store's lock, read-merge-write) and shows the marks.
    fn submit(&mut self, store: Option<&Store>, ctx: &mut Ctx) {
        let Some(d) = self.drill.as_mut() else {
            return;
        };
        for (i, answer) in self.answers.iter().enumerate() {
            d.mark(i, answer.as_str());
        }
        self.streak_before = d.streak;
        if d.finish_problem().is_none() {
            return;
        }
        if let (Some(store), Some((problem, all_right))) = (store, d.results().last()) {
            match DrillProgress::record_in(store, &problem.spec, all_right, d.best_streak) {
                Ok(None) => {}
                Ok(Some(warning)) => ctx.say(warning),
                Err(e) => ctx.say(e.to_string()),
            }
            self.pool = DrillProgress::load(store).missed.len();
        }
        self.stage = Stage::Marked;
    }

    /// Ends the set now (Esc while answering): the problems not reached score nothing.
    pub fn stop(&mut self) {
        if let Some(d) = self.drill.as_mut() {
            d.stop();
        }
        self.stage = Stage::Done;
        self.deadline = None;
    }

    /// A timed set's clock at `now`: true when what is shown changed (the
    /// seconds left, or the set ending). At the end the fields typed so far
    /// are marked, and the problems not reached score nothing.
    pub fn tick(&mut self, now: Instant, store: Option<&Store>, ctx: &mut Ctx) -> bool {
        let Some(deadline) = self.deadline else {
            return false;
        };
        if now >= deadline {
            if self.stage == Stage::Answering && self.answers.iter().any(|a| !a.is_empty()) {
                self.submit(store, ctx);
            }
            self.stop();
            self.timed_out = true;
            self.seconds_left = Some(0);
            ctx.say(t(ctx.lang, "quiz.time_up"));
            return true;
        }
        let left = Some(deadline.saturating_duration_since(now).as_secs());
        let changed = left != self.seconds_left;
        self.seconds_left = left;
        changed
    }

    /// `+`/`-` in the chooser: one problem more or fewer per set.
    pub fn resize(&mut self, more: bool) {
        self.set_size = if more {
            (self.set_size + 1).min(MAX_SET)
        } else {
            self.set_size.saturating_sub(1).max(1)
        };
    }

    /// `t` in the chooser: the next time limit (off, 1, 2, 5, 10 minutes).
    pub fn cycle_time_limit(&mut self) {
        let now = self.time_limit.map_or(0, |d| d.as_secs());
        let i = TIME_LIMITS.iter().position(|&s| s == now).unwrap_or(0);
        let next = TIME_LIMITS[(i + 1) % TIME_LIMITS.len()];
        self.time_limit = (next > 0).then(|| Duration::from_secs(next));
    }

    /// Arrows, Enter, Tab: move in the chooser, between fields, to the next problem.
    pub fn nav(&mut self, nav: Nav, store: Option<&Store>, now: Instant) {
        match self.stage {
            Stage::Choose => match nav {
                Nav::Up | Nav::PrevPane => self.cursor = self.cursor.saturating_sub(1),
                Nav::Down | Nav::NextPane => self.cursor = (self.cursor + 1).min(Self::rows() - 1),
                Nav::First => self.cursor = 0,
                Nav::Last => self.cursor = Self::rows() - 1,
                Nav::Enter | Nav::Next => self.start(store, now),
                Nav::Prev => {}
            },
            Stage::Answering => match nav {
                Nav::Down | Nav::NextPane => {
                    self.field = (self.field + 1).min(self.answers.len().saturating_sub(1));
                }
                Nav::Up | Nav::PrevPane => self.field = self.field.saturating_sub(1),
                _ => {}
            },
            Stage::Marked => {
                if matches!(nav, Nav::Enter | Nav::Next) {
                    self.ask();
                }
            }
            Stage::Done => {
                if matches!(nav, Nav::Enter | Nav::Next) {
                    self.choose(store);
                }
            }
        }
    }

    /// Esc: clear the field being typed, else stop the set; from the marks
    /// or the score, back to the chooser. False: leave the drills.
    pub fn back(&mut self, store: Option<&Store>) -> bool {
        match self.stage {
            Stage::Answering => {
                match self.answers.get_mut(self.field) {
                    Some(f) if !f.is_empty() => f.clear(),
                    _ => self.stop(),
                }
                true
            }
            Stage::Marked | Stage::Done => {
                self.choose(store);
                true
            }
            Stage::Choose => false,
        }
    }

    /// Every key while a field is typed: text into the field, Enter to the
    /// next field (after the last one the problem is marked), Tab/↑/↓ move.
    pub fn text_key(&mut self, key: KeyEvent, store: Option<&Store>, ctx: &mut Ctx) -> TextInput {
        let Some(field) = self.answers.get_mut(self.field) else {
            return TextInput::Ignored;
        };
        match field.key(&key) {
            Edit::Changed => TextInput::Consumed(None),
            Edit::Full => {
                ctx.say(t(ctx.lang, "status.field_full"));
                TextInput::Consumed(None)
            }
            Edit::NotText if key.code == KeyCode::Enter => {
                if self.field + 1 < self.answers.len() {
                    self.field += 1;
                } else {
                    self.submit(store, ctx);
                }
                TextInput::Consumed(None)
            }
            Edit::NotText if key.code == KeyCode::Backspace => TextInput::Consumed(None),
            Edit::NotText => TextInput::Ignored,
        }
    }

    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) -> TextInput {
        if let Some(field) = self.answers.get_mut(self.field)
            && !field.paste(text)
        {
            ctx.say(t(ctx.lang, "status.field_full"));
        }
        TextInput::Consumed(None)
    }
}
