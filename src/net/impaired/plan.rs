//! The seeded impairment plan: what happens to frame `n` of a stream — dropped,
//! duplicated, held back so that later frames overtake it (reordered), and how
//! long it is delayed. Every verdict is a pure function of (seed, stream, n):
//! a counter-based generator (SplitMix64's finaliser over the three numbers),
//! not a generator whose state depends on how many frames came before in other
//! streams or on timing. So the same seed drops the same frames on every
//! machine, and a whole class sees the same run.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A probability, in parts per million (exact for the percentages a teacher types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Chance {
    ppm: u32,
}

const MILLION: u32 = 1_000_000;

/// Why a chance or a plan was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{0:?} is not a percentage (a number from 0 to 100, e.g. 5 or 0.5)")]
    NotAPercentage(String),
    #[error("{0} % is outside 0–100 %")]
    OutOfRange(String),
}

impl Chance {
    pub const NEVER: Chance = Chance { ppm: 0 };
    pub const ALWAYS: Chance = Chance { ppm: MILLION };

    /// `percent` % (0–100; finer than a millionth is rounded).
    pub fn percent(percent: f64) -> Result<Chance, PlanError> {
        if !percent.is_finite() {
            return Err(PlanError::NotAPercentage(percent.to_string()));
        }
        if !(0.0..=100.0).contains(&percent) {
            return Err(PlanError::OutOfRange(percent.to_string()));
        }
        // In range, so the product fits: 0..=1_000_000.
        let ppm = (percent * 10_000.0).round() as u32;
        Ok(Chance {
            ppm: ppm.min(MILLION),
        })
    }

    pub fn as_percent(self) -> f64 {
        f64::from(self.ppm) / 10_000.0
    }

    pub fn is_never(self) -> bool {
        self.ppm == 0
    }

    /// Whether a uniformly random `draw` falls inside this chance.
    fn hits(self, draw: u64) -> bool {
        // 2^64 mod 10^6 is tiny next to 2^64: the bias is below 10^-13.
        (draw % u64::from(MILLION)) < u64::from(self.ppm)
    }
}

impl FromStr for Chance {
    type Err = PlanError;

    /// `5`, `5%`, `0.5`, `0.5 %`.
    fn from_str(s: &str) -> Result<Chance, PlanError> {
        let number = s.trim().trim_end_matches('%').trim();
        let value: f64 = number
            .parse()
            .map_err(|_| PlanError::NotAPercentage(s.to_string()))?;
        Chance::percent(value)
    }
}

impl fmt::Display for Chance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.as_percent())
    }
}

/// What a link does to the frames of one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Impairment {
    pub loss: Chance,
    pub duplicate: Chance,
    pub reorder: Chance,
    /// Every frame waits this long on the wire (one-way delay).
    #[serde(with = "micros")]
    pub delay: Duration,
    /// Plus a uniformly drawn extra in [0, jitter].
    #[serde(with = "micros")]
    pub jitter: Duration,
    /// A reordered frame waits this much longer, so the frames after it overtake it.
    #[serde(with = "micros")]
    pub reorder_hold: Duration,
}

/// Durations as whole microseconds in JSON.
mod micros {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_micros(u64::deserialize(d)?))
    }
}

impl Impairment {
    /// A wire that only drops, `loss` of the frames.
    pub fn lossy(loss: Chance) -> Impairment {
        Impairment {
            loss,
            ..Impairment::default()
        }
    }

    /// Whether this changes nothing but the delay.
    pub fn is_clean(&self) -> bool {
        self.loss.is_never() && self.duplicate.is_never() && self.reorder.is_never()
    }
}

/// What happens to one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub drop: bool,
    /// Sent twice (the copy right after the original).
    pub duplicate: bool,
    /// Held back by [`Impairment::reorder_hold`].
    pub reorder: bool,
    /// How long the frame (and its copy) waits before it is sent on.
    pub delay: Duration,
}

/// The independent draws for one frame.
#[derive(Clone, Copy)]
enum Draw {
    Loss = 1,
    Duplicate = 2,
    Reorder = 3,
    Jitter = 4,
}

/// A seeded plan for one link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub seed: u64,
    pub impairment: Impairment,
}

/// SplitMix64's output function: a bijection of u64 that mixes every bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64's increment (the golden ratio), to keep seed 0 from mixing to 0.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl Plan {
    pub fn new(seed: u64, impairment: Impairment) -> Plan {
        Plan { seed, impairment }
    }

    /// A uniformly distributed number for (seed, stream, n, what).
    fn draw(&self, stream: u64, n: u64, what: Draw) -> u64 {
        let mut h = mix(self.seed.wrapping_add(GAMMA));
        h = mix(h ^ stream.wrapping_mul(GAMMA));
        h = mix(h ^ n);
        mix(h ^ (what as u64))
    }

    /// The fate of frame `n` (0, 1, 2, …) of `stream`.
    pub fn verdict(&self, stream: u64, n: u64) -> Verdict {
        let imp = &self.impairment;
        if imp.loss.hits(self.draw(stream, n, Draw::Loss)) {
            return Verdict {
                drop: true,
                duplicate: false,
                reorder: false,
                delay: Duration::ZERO,
            };
        }
        let reorder = imp.reorder.hits(self.draw(stream, n, Draw::Reorder));
        let jitter_ns = u64::try_from(imp.jitter.as_nanos()).unwrap_or(u64::MAX);
        let extra = match jitter_ns {
            0 => 0,
            j => self.draw(stream, n, Draw::Jitter) % (j.saturating_add(1)),
        };
        let mut delay = imp.delay + Duration::from_nanos(extra);
        if reorder {
            delay += imp.reorder_hold;
        }
        Verdict {
            drop: false,
            duplicate: imp.duplicate.hits(self.draw(stream, n, Draw::Duplicate)),
            reorder,
            delay,
        }
    }

    /// Which of the first `count` frames of `stream` this plan drops.
    pub fn drops(&self, stream: u64, count: u64) -> Vec<u64> {
        (0..count)
            .filter(|&n| self.verdict(stream, n).drop)
            .collect()
    }
}
