//! `nettutor lessons list|check`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use crate::i18n::Lang;

#[derive(Debug, Subcommand)]
pub enum LessonsCmd {
    /// One lesson per line, its id first.
    List,
    /// Validate a lesson folder (default: the built-in lessons).
    Check {
        /// The folder to check.
        dir: Option<PathBuf>,
    },
}

pub fn run(_cmd: LessonsCmd, _dir: Option<PathBuf>, _lang: Lang) -> anyhow::Result<ExitCode> {
    anyhow::bail!("lessons are not built yet")
}
