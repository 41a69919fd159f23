//! `nettutor lab NAME …` (issue: live labs).

use std::process::ExitCode;

use clap::Args;

use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct LabArgs {
    /// The lab to run.
    pub name: String,
}

pub fn run(_args: LabArgs, _lang: Lang) -> anyhow::Result<ExitCode> {
    anyhow::bail!("labs are not built yet")
}
