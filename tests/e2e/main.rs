//! End to end: the real binary in a real terminal, a private tmux server per
//! test (`common::Tmux`). Skipped with a printed reason where tmux is missing
//! (a failure under `CI=true`).
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod check;
mod class_tui;
mod console;
mod drill;
mod frames;
mod handout;
mod hangup;
mod labs;
mod lan_live;
mod lessons;
mod paste;
mod present;
mod quiz;
mod terminal;
