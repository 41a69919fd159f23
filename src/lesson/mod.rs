//! Lesson files: raw (serde) → validated model; loader; embedded lessons.
//!
//! A lesson folder holds one lesson per `*.toml` file, plus `curriculum.toml` (the
//! concept ids steps may be tagged with) and `glossary.toml` (English ↔ Chinese
//! terms). A teacher's folder may leave those two out: the built-in ones are used.

mod catalog;
mod error;
pub mod loader;
pub mod markup;
mod model;
pub mod panel;
mod panel_arg;
pub mod question;
mod raw;

pub use catalog::{Concept, Curriculum, Glossary, Term};
pub use error::{LessonError, LessonErrors};
pub use loader::{LessonSet, LessonSource};
pub use model::{Lesson, PanelLink, Step};
pub use panel::{PanelArg, PanelId};
pub use question::{Expected, Question, QuestionKind, Topic};

/// The lesson files shipped in the binary, as (file name, contents).
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_lessons.rs"));
}
