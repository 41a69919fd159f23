//! Spaced repetition by days: when a card comes back is scheduled by FSRS
//! (the `rs-fsrs` scheduler, long-term mode: intervals in whole days, no fuzz,
//! the published default weights). A right answer rates the review `Good`, a
//! wrong one `Again`: a missed card comes back the next day, a known one after
//! a few days, then weeks.
//!
//! "Today" is the student's local calendar day: a card is due today when its
//! review date falls before the next local midnight.

use chrono::{DateTime, Duration, Local, NaiveTime, TimeZone, Utc};
use rs_fsrs::{FSRS, Parameters, Rating};

/// A card's schedule (due date, stability, difficulty, reviews, lapses), as
/// the scheduler keeps it; stored in the progress file as it is.
pub type Schedule = rs_fsrs::Card;

fn scheduler() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

/// The schedule after one answer given at `now` (`previous` = None: a card
/// never answered before).
pub fn next(previous: Option<&Schedule>, right: bool, now: DateTime<Utc>) -> Schedule {
    let card = previous.cloned().unwrap_or_else(|| Schedule {
        due: now,
        last_review: now,
        ..Schedule::default()
    });
    let rating = if right { Rating::Good } else { Rating::Again };
    scheduler().next(card, now, rating).card
}

/// Stability (days) at which a memory counts as fully mastered.
const MASTERED_DAYS: f64 = 90.0;

/// 0.0–1.0 for a card reviewed as `s`, at `now`: its stability on a log
/// scale (1.0 from [`MASTERED_DAYS`]) times its retrievability today (the
/// chance, on FSRS's forgetting curve, that it is recalled now).
pub fn strength(s: &Schedule, now: DateTime<Utc>) -> f64 {
    if !(s.stability.is_finite() && s.stability > 0.0) {
        return 0.0;
    }
    let elapsed = now.signed_duration_since(s.last_review).num_days().max(0) as f64;
    let lasting = (s.stability.ln_1p() / MASTERED_DAYS.ln_1p()).min(1.0);
    let left = Parameters::forgetting_curve(elapsed, s.stability);
    (lasting * left).clamp(0.0, 1.0)
}

/// A schedule read from a file, checked: values no scheduler writes (a NaN
/// or negative stability, a difficulty out of 1–10, negative counters) are
/// repaired or, when the stability is unusable, the schedule is dropped (the
/// card is then due, and scheduled afresh at its next answer).
pub fn sane(mut s: Schedule) -> Option<Schedule> {
    if !(s.stability.is_finite() && s.stability > 0.0) {
        return None;
    }
    s.difficulty = if s.difficulty.is_finite() {
        s.difficulty.clamp(1.0, 10.0)
    } else {
        5.0
    };
    s.reps = s.reps.max(0);
    s.lapses = s.lapses.max(0);
    s.elapsed_days = s.elapsed_days.max(0);
    s.scheduled_days = s.scheduled_days.max(0);
    Some(s)
}

/// The next local midnight after `now`: cards due before it are due today.
pub fn end_of_today(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&Local);
    local
        .date_naive()
        .succ_opt()
        .map(|d| d.and_time(NaiveTime::MIN))
        .and_then(|midnight| Local.from_local_datetime(&midnight).earliest())
        .map_or(now + Duration::days(1), |d| d.with_timezone(&Utc))
}

/// Whole days from `now` until `due` (0 = due today or overdue).
pub fn days_until(due: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let today = end_of_today(now);
    if due < today {
        0
    } else {
        (due - today).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: i64) -> DateTime<Utc> {
        // Noon UTC on 2026-12-01 plus `day` days.
        DateTime::from_timestamp(1_796_126_400 + day * 86_400, 0).unwrap()
    }

    #[test]
    fn a_miss_comes_back_the_next_day_and_a_known_card_waits_longer_each_time() {
        let missed = next(None, false, at(0));
        assert_eq!((missed.due - at(0)).num_days(), 1, "{missed:?}");
        let mut card = next(None, true, at(0));
        let mut gaps = vec![(card.due - at(0)).num_days()];
        for _ in 0..4 {
            let now = card.due;
            card = next(Some(&card), true, now);
            gaps.push((card.due - now).num_days());
        }
        assert!(gaps[0] >= 2, "a first right answer waits days: {gaps:?}");
        assert!(
            gaps.windows(2).all(|w| w[1] > w[0]),
            "each right answer on time waits longer: {gaps:?}"
        );
        // A lapse after that brings it back far sooner than the last wait.
        let lapsed = next(Some(&card), false, card.due);
        let after_lapse = (lapsed.due - card.due).num_days();
        let last = gaps.last().copied().unwrap_or(0);
        assert!(after_lapse * 4 < last, "{after_lapse} vs {gaps:?}");
        assert_eq!(lapsed.lapses, 1);
    }

    #[test]
    fn the_same_answers_at_the_same_times_give_the_same_schedule() {
        let a = next(Some(&next(None, true, at(0))), true, at(3));
        let b = next(Some(&next(None, true, at(0))), true, at(3));
        assert_eq!(a, b, "no fuzz, no clock read inside the scheduler");
    }

    #[test]
    fn broken_values_from_a_file_are_repaired_or_dropped() {
        let good = next(None, true, at(0));
        let nan = Schedule {
            stability: f64::NAN,
            ..good.clone()
        };
        assert_eq!(sane(nan), None);
        let wild = Schedule {
            difficulty: 99.0,
            reps: -4,
            ..good.clone()
        };
        let fixed = sane(wild).unwrap();
        assert_eq!(fixed.difficulty, 10.0);
        assert_eq!(fixed.reps, 0);
        // The repaired schedule still schedules.
        assert!(next(Some(&fixed), true, at(5)).due > at(5));
    }

    #[test]
    fn today_ends_at_the_next_local_midnight() {
        let now = at(0);
        let end = end_of_today(now);
        assert!(end > now && end - now <= Duration::days(1) + Duration::hours(1));
        assert_eq!(days_until(now, now), 0);
        assert_eq!(days_until(end, now), 1);
        assert_eq!(days_until(end + Duration::days(2), now), 3);
    }
}
