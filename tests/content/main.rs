//! The shipped content checked against independent sources: lessons,
//! curriculum and terminology, the UI string table, the quiz generators and
//! banks, the subnet drills.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
// `crate::i18n::Text` for the lesson checker compiled in `lessons_build` (as build.rs has it).
#[path = "../../src/lang.rs"]
#[allow(dead_code)]
mod i18n;

mod check_commands;
mod corrections;
mod curriculum;
mod drill_kinds;
mod drill_range;
mod lesson_python;
mod lessons_big_folder;
mod lessons_build;
mod net_commands;
mod network_lessons;
mod practice_answers;
mod quiz_answers;
mod quiz_distractors;
mod quiz_fairness;
mod quiz_generators;
mod subnet_links;
mod terminology;
mod ui_strings_build;
