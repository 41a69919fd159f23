//! `nettutor class …`: the class grade book (`report`, `import`) and the live
//! session (`host`, `join`).

mod host;
mod import;
mod join;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use crate::i18n::Lang;

#[derive(Debug, Subcommand)]
pub enum ClassCmd {
    /// Host a live session: the room answers each question from its own
    /// terminals (`class join`); every answer goes into the grade book.
    Host(host::HostArgs),
    /// Join a live session from a student's machine.
    Join(join::JoinArgs),
    /// Per-question difficulty, per-student scores and the class distribution
    /// from the grade book; `--csv` writes the scores for an LMS.
    Report(report::ReportArgs),
    /// Merge results files (`quiz --results FILE.json`) from machines that
    /// were offline into the grade book; importing a file twice adds nothing.
    Import(import::ImportArgs),
}

/// `--theme` and `--no-color`, for the screens.
pub type Look = (Option<crate::ui::theme::ThemeName>, bool);

pub fn run(
    cmd: ClassCmd,
    lessons: Option<PathBuf>,
    lang: Lang,
    look: Look,
) -> anyhow::Result<ExitCode> {
    match cmd {
        ClassCmd::Host(args) => host::run(&args, lessons, lang, look),
        ClassCmd::Join(args) => join::run(&args, lang, look),
        ClassCmd::Report(args) => report::run(&args, lang),
        ClassCmd::Import(args) => import::run(&args, lang),
    }
}

/// `--db FILE`, else the grade book in the data directory.
pub fn book_path(db: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(db) = db {
        return Ok(db.to_path_buf());
    }
    let store = crate::store::Store::open_default()?;
    Ok(store.dir().join(crate::class::gradebook::FILE_NAME))
}
