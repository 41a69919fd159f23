//! `nettutor check`: drive a student's own socket program over real loopback
//! sockets with the checker's adversarial moves, property by property.
//!
//! - [`exercise`]: the exercise model (protocol + properties), validated from TOML;
//! - [`catalog`]: the built-in exercises and a teacher's `exercises/` folder;
//! - `moves`: the fixed set of adversarial moves, over TCP and UDP;
//! - `process`: the student's program in its own process group, bounded;
//! - `evidence`: the loopback capture and the files kept for a failing property;
//! - [`runner`]: one check, start to end; [`report`]: its serialisable result.

pub mod catalog;
pub mod evidence;
pub mod exercise;
pub mod history;
mod listen;
pub mod log;
mod moves;
mod parse;
mod process;
mod raw;
pub mod report;
pub mod runner;
pub mod wire;

pub use catalog::ExerciseSet;
pub use exercise::{Exercise, Move, Property, Transport};
pub use report::{CheckReport, PropertyReport};
pub use runner::{CheckError, Options, Target, run};
