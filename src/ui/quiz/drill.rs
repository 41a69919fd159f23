//! Subnet drills in the Quiz panel: choose a kind, type each field the
//! problem asks for, then every field is marked on its own with the mistake
//! behind a wrong one; a streak, and the problems missed before come back
//! first (the same `quiz::drill` engine and pool as `nettutor drill subnet`).

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

/// Problems in one set.
pub const SET_SIZE: usize = 5;
/// The longest answer to one field (an IPv6 address fits).
const FIELD_MAX: usize = 64;

/// The drill side of the Quiz panel.
#[derive(Debug, Default)]
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

    /// Starts a set of the chosen kinds: missed problems first, then new ones.
    pub fn start(&mut self, store: Option<&Store>) {
        let kinds = self.kinds();
        let pool: Vec<Problem> = match (self.seed, store) {
            (None, Some(store)) => DrillProgress::load(store)
                .due(&kinds, SET_SIZE)
                .iter()
                .filter_map(|spec| spec.build().ok())
                .collect(),
            _ => Vec::new(),
        };
        self.from_pool = pool.len();
        let mut problems = pool;
        let seed = self.seed.unwrap_or_else(fresh_seed);
        problems.extend(drill::generate(seed, SET_SIZE - self.from_pool, &kinds));
        self.drill = Some(Drill::new(problems));
        self.streak_before = 0;
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
    }

    /// Arrows, Enter, Tab: move in the chooser, between fields, to the next problem.
    pub fn nav(&mut self, nav: Nav, store: Option<&Store>) {
        match self.stage {
            Stage::Choose => match nav {
                Nav::Up | Nav::PrevPane => self.cursor = self.cursor.saturating_sub(1),
                Nav::Down | Nav::NextPane => self.cursor = (self.cursor + 1).min(Self::rows() - 1),
                Nav::First => self.cursor = 0,
                Nav::Last => self.cursor = Self::rows() - 1,
                Nav::Enter | Nav::Next => self.start(store),
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
