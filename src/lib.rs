//! nettutor — an interactive network-concepts tutor for the terminal.
//!
//! The arrows point one way: `ui` and `cli` depend on `net`, `lab`, `lesson` and
//! `quiz`; nothing depends on `ui`.

pub mod check;
pub mod class;
pub mod cli;
pub mod csv;
pub mod i18n;
pub mod lab;
pub mod lesson;
pub mod net;
pub mod output_file;
pub mod presenter;
pub mod quiz;
pub mod sockopt;
pub mod store;
pub mod ui;
pub mod vnet;
pub mod words;
