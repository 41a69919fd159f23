//! The labs as a library, for real on loopback: events, reports and their
//! effects, labs against each other, the real-mode handshake capture, and the
//! quiz questions whose answers a lab observes. (The fd/thread leak check is its
//! own binary, `tests/lab_leaks.rs`: those counts are per process.)
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod dhcp;
mod effects;
mod events;
mod handshake_capture;
mod quiz_labrun;
mod quiz_predictions;
mod safety;
