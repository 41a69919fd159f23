//! `nettutor subnet …` (issue: subnet calculator).

use std::process::ExitCode;

use clap::Args;

use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct SubnetArgs {
    /// ADDRESS[/PREFIX|/MASK] [MASK]
    #[arg(allow_hyphen_values = true)]
    pub input: Vec<String>,
}

pub fn run(_args: SubnetArgs, _lang: Lang) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the subnet calculator is not built yet")
}
