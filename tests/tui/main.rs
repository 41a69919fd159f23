//! The app on ratatui's TestBackend (`common::tui`): keys in, screen text
//! out, insta snapshots in `tests/tui/snapshots/`. One module per panel or
//! shell concern.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod answers;
mod check;
mod class_host;
mod class_room;
mod class_student;
mod console;
mod drill;
mod frames;
mod handshake;
mod keys;
mod labs_fixtures;
mod labs_live;
mod labs_pictures;
mod lan_live;
mod lan_loss;
mod lan_real;
mod present;
mod progress;
mod quiz;
mod quiz_exam;
mod shell;
mod subnet;
mod text;
mod ticks;
