//! A set of drill problems as a state machine, for any front end: show
//! [`Drill::current`], mark each field with [`Drill::mark`], then
//! [`Drill::finish_problem`]; [`Drill::stop`] ends the set early (time up, end
//! of input). The score counts fields; the streak counts problems with every
//! field right, one after another.

use super::problem::{Mark, Problem};

/// A set of problems being answered.
#[derive(Debug, Clone)]
pub struct Drill {
    pub problems: Vec<Problem>,
    /// The marks of each problem shown so far (finished ones), in order.
    pub marks: Vec<Vec<Mark>>,
    /// Marks of the current problem's fields, as they are given.
    current: Vec<Option<Mark>>,
    stopped: bool,
    /// Problems in a row with every field right.
    pub streak: u32,
    pub best_streak: u32,
}

impl Drill {
    pub fn new(problems: Vec<Problem>) -> Drill {
        let current = problems
            .first()
            .map_or_else(Vec::new, |p| vec![None; p.fields.len()]);
        Drill {
            problems,
            marks: Vec::new(),
            current,
            stopped: false,
            streak: 0,
            best_streak: 0,
        }
    }

    /// 0-based number of the current problem.
    pub fn index(&self) -> usize {
        self.marks.len()
    }

    /// The problem being answered, or `None` when the set is over.
    pub fn current(&self) -> Option<&Problem> {
        if self.stopped {
            return None;
        }
        self.problems.get(self.index())
    }

    /// Marks `answer` for field `field` of the current problem (again, if it
    /// was marked before: the last answer counts until the problem is finished).
    pub fn mark(&mut self, field: usize, answer: &str) -> Option<Mark> {
        let mark = self.current()?.fields.get(field)?.mark(answer);
        if let Some(slot) = self.current.get_mut(field) {
            *slot = Some(mark.clone());
        }
        Some(mark)
    }

    /// Closes the current problem (fields not marked count as empty) and moves
    /// on; returns its marks.
    pub fn finish_problem(&mut self) -> Option<&[Mark]> {
        self.current()?;
        let marks: Vec<Mark> = std::mem::take(&mut self.current)
            .into_iter()
            .map(|m| m.unwrap_or(Mark::Empty))
            .collect();
        if marks.iter().all(Mark::is_correct) {
            self.streak += 1;
            self.best_streak = self.best_streak.max(self.streak);
        } else {
            self.streak = 0;
        }
        self.marks.push(marks);
        if let Some(next) = self.problems.get(self.index()) {
            self.current = vec![None; next.fields.len()];
        }
        self.marks.last().map(Vec::as_slice)
    }

    /// Ends the set now; the problems not reached score nothing.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    pub fn is_over(&self) -> bool {
        self.current().is_none()
    }

    /// Fields right, and fields in the whole set (those not reached included).
    pub fn score(&self) -> (usize, usize) {
        let right = self
            .marks
            .iter()
            .flatten()
            .filter(|m| m.is_correct())
            .count();
        let total = self.problems.iter().map(|p| p.fields.len()).sum();
        (right, total)
    }

    /// Each finished problem with whether every field was right.
    pub fn results(&self) -> impl Iterator<Item = (&Problem, bool)> {
        self.problems
            .iter()
            .zip(&self.marks)
            .map(|(p, m)| (p, m.iter().all(Mark::is_correct)))
    }
}
