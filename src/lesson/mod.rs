//! Lesson files: raw (serde) → validated model; loader; embedded lessons.
//!
//! A lesson folder holds one lesson per `*.toml` file, plus `curriculum.toml` (the
//! concept ids steps may be tagged with) and `glossary.toml` (English ↔ Chinese
//! terms). A teacher's folder may leave those two out: the built-in ones are used.

mod catalog;
mod codec;
#[cfg(test)]
mod codec_tests;
mod error;
pub mod loader;
pub mod markup;
#[cfg(test)]
mod message_tests;
mod model;
pub mod panel;
mod panel_arg;
mod panel_id;
pub mod question;
mod raw;
mod validate;

pub use catalog::{Concept, Curriculum, Glossary, Term};
pub use error::{Arg, LessonError, LessonErrors, Message};
pub use loader::LessonSource;
pub use model::{Lesson, PanelLink, Step};
pub use panel::{PanelArg, PanelId};
pub use question::{Expected, Question, QuestionKind, Topic};
pub use validate::LessonSet;

/// The words of [`Message`]s: the interface string table (build.rs, which
/// compiles `error.rs` without it, brings its own reader of `ui.toml`).
mod ui_text {
    use crate::i18n::Lang;

    pub fn template(lang: Lang, key: &'static str) -> &'static str {
        crate::i18n::t(lang, key)
    }
}

/// The shipped lessons, glossary and curriculum, checked and encoded by
/// build.rs (`build/lessons.rs`, `codec.rs`).
mod embedded {
    pub static STRUCTURE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lessons.bin"));
    pub static TEXTS: &str = include_str!(concat!(env!("OUT_DIR"), "/lessons.txt"));
}
