//! The time the app sees. The quiz countdown and anything else that depends on
//! "now" read it from the app's [`Clock`] (lent through `Ctx::now`), so tests
//! advance time instead of sleeping.

use std::time::{Duration, Instant};

/// The system clock, or a manual one that moves only when told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    #[default]
    System,
    /// Stands still at this instant until [`Clock::advance`].
    Manual(Instant),
}

impl Clock {
    /// A manual clock starting now.
    pub fn manual() -> Clock {
        Clock::Manual(Instant::now())
    }

    pub fn now(&self) -> Instant {
        match self {
            Clock::System => Instant::now(),
            Clock::Manual(at) => *at,
        }
    }

    /// Moves a manual clock forward; a system clock becomes a manual one at
    /// `now + by`.
    pub fn advance(&mut self, by: Duration) {
        *self = Clock::Manual(self.now() + by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced() {
        let mut clock = Clock::manual();
        let start = clock.now();
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(3));
        assert_eq!(clock.now() - start, Duration::from_secs(3));
    }
}
