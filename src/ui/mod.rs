//! The ratatui front end.

use std::path::PathBuf;

use crate::i18n::Lang;

/// What the command line asks of the terminal tutor.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub lang: Lang,
    pub lessons_dir: Option<PathBuf>,
    pub theme: Option<String>,
    pub no_color: bool,
    pub present: bool,
    pub lesson_ids: Vec<String>,
}

pub fn run(_opts: Options) -> anyhow::Result<()> {
    anyhow::bail!("the terminal tutor is not built yet")
}
