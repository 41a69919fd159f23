//! `nettutor quiz …` (issue: quiz mode).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct QuizArgs {}

pub fn run(_args: QuizArgs, _lessons: Option<PathBuf>, _lang: Lang) -> anyhow::Result<ExitCode> {
    anyhow::bail!("quiz mode is not built yet")
}
