//! The real binary as a command: `nettutor SUBCOMMAND …` run as a child
//! process (arguments, stdin, exit codes, files written, signals sent to it).
//! One module per subcommand or concern; shared runners live in `common`.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod app_live;
mod check_exercises;
mod check_verdicts;
mod class_gradebook;
mod class_live;
mod class_load;
mod class_misbehave;
mod class_reconnect;
mod drill_plain;
mod errors_capture;
mod errors_lang;
mod handout;
mod handshake_export;
mod lab;
mod lessons_check;
mod lessons_check_lang;
mod licenses;
mod pcap_tshark;
mod quiz_bank;
mod quiz_due;
mod quiz_exam;
mod quiz_export;
mod quiz_plain;
mod safety_input;
mod safety_lessons;
mod safety_output;
mod safety_stdio;
mod safety_store;
mod subnet;
mod subnet_errors;
