//! `nettutor class import FILE…`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::class::gradebook::GradeBook;
use crate::cli::out::{say_line, warn};
use crate::i18n::{Lang, tf};
use crate::quiz::results;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Results files written by `nettutor quiz --results FILE.json`.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The grade book (default: gradebook.sqlite3 in the data directory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

/// Imports every file it can; a file that cannot be read is named and the
/// others still go in (exit 1 at the end).
pub fn run(args: &ImportArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let path = super::book_path(args.db.as_deref())?;
    if args.db.is_none()
        && let Some(dir) = path.parent()
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "{}: {}",
                dir.display(),
                crate::output_file::reason_in(&e, lang)
            )
        })?;
    }
    let mut book = GradeBook::open(&path)?;
    let mut failed = false;
    for file in &args.files {
        let outcome = results::read(file)
            .map_err(anyhow::Error::from)
            .and_then(|r| Ok(book.import_results(&r)?));
        match outcome {
            Ok(done) => say_line(&tf(
                lang,
                "class.import.done",
                &[
                    ("path", &file.display().to_string()),
                    ("id", &done.session.to_string()),
                    ("added", &done.added.to_string()),
                    ("rows", &done.rows.to_string()),
                ],
            ))?,
            Err(e) => {
                failed = true;
                warn(&format!(
                    "nettutor: {}",
                    crate::cli::out::error_line(&e, lang)
                ));
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
