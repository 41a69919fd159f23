//! `nettutor lessons list|check|export`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::out::{say, say_line, warn};
use crate::check::ExerciseSet;
use crate::i18n::{Lang, tf};
use crate::lesson::{LessonErrors, LessonSet, LessonSource};

#[derive(Debug, Subcommand)]
pub enum LessonsCmd {
    /// One lesson per line: its id, its number of steps, its title.
    List,
    /// Validate a lesson folder (default: the built-in lessons); every problem is
    /// printed as FILE:LINE: message, and the exit status is 1 when there are any.
    Check {
        /// The folder to check.
        dir: Option<PathBuf>,
    },
    /// Write the lessons as a handout for students: an index and one page per
    /// lesson, every step with its panel's picture (HTML and/or Markdown).
    Export(ExportArgs),
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("format").required(true).multiple(true).args(["html", "md"])))]
pub struct ExportArgs {
    /// Write self-contained HTML pages into DIR (index.html, 01-….html, …).
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// Write Markdown pages into DIR (index.md, 01-….md, …).
    #[arg(long, value_name = "DIR")]
    pub md: Option<PathBuf>,
    /// The lessons, in this order (comma-separated ids, as for `--present
    /// --lesson`); all of them by default.
    #[arg(long, value_name = "ID[,ID…]", value_delimiter = ',')]
    pub lesson: Vec<String>,
    /// Replace files of an earlier handout in DIR (otherwise nothing is
    /// overwritten).
    #[arg(long)]
    pub force: bool,
}

pub fn run(cmd: LessonsCmd, dir: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
        LessonsCmd::Export(args) => export(&args, dir, lang),
        LessonsCmd::List => match LessonSet::load(&LessonSource::from_option(dir)) {
            Ok(set) => {
                let mut text = String::new();
                for lesson in &set.lessons {
                    text.push_str(&format!(
                        "{}\t{}\t{}\n",
                        lesson.id,
                        lesson.steps.len(),
                        lesson.title.get(lang)
                    ));
                }
                say(&text)?;
                Ok(ExitCode::SUCCESS)
            }
            Err(errors) => {
                warn(&errors.message(lang));
                Ok(ExitCode::FAILURE)
            }
        },
        LessonsCmd::Check { dir: folder } => {
            let folder = folder.or(dir);
            let source = LessonSource::from_option(folder.clone());
            match LessonSet::load(&source) {
                Ok(set) => {
                    // The folder's exercises (`exercises/`) are checked against its lessons.
                    let exercises = match ExerciseSet::load(folder.as_deref(), Some(&set)) {
                        Ok(exercises) => exercises,
                        Err(errors) => {
                            warn(&errors.message(lang));
                            warn(&problems_found(&errors, lang));
                            return Ok(ExitCode::FAILURE);
                        }
                    };
                    let steps: usize = set.lessons.iter().map(|l| l.steps.len()).sum();
                    say_line(&tf(
                        lang,
                        "lessons.check.ok",
                        &[
                            ("lessons", &set.lessons.len().to_string()),
                            ("steps", &steps.to_string()),
                            ("questions", &set.questions.len().to_string()),
                            ("concepts", &set.curriculum.concepts.len().to_string()),
                            ("terms", &set.glossary.terms.len().to_string()),
                            ("exercises", &exercises.exercises.len().to_string()),
                        ],
                    ))?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(errors) => {
                    warn(&errors.message(lang));
                    warn(&problems_found(&errors, lang));
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

/// The count line after the problems of `lessons check`.
fn problems_found(errors: &LessonErrors, lang: Lang) -> String {
    tf(
        lang,
        "lessons.check.problems",
        &[("n", &errors.0.len().to_string())],
    )
}

/// `nettutor lessons export`: every path is checked (and nothing existing is
/// in the way, unless `--force`) before the first file is written; each file
/// is written atomically.
fn export(args: &ExportArgs, dir: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    use crate::output_file;
    use crate::ui::handout::{self, Format};

    let set = super::lesson_set(dir, lang)?;
    let lessons: Vec<usize> = if args.lesson.is_empty() {
        (0..set.lessons.len()).collect()
    } else {
        args.lesson
            .iter()
            .map(|id| {
                set.index_of(id).ok_or_else(|| {
                    anyhow::anyhow!(crate::i18n::tf(lang, "lessons.err.no_id", &[("id", id)]))
                })
            })
            .collect::<anyhow::Result<_>>()?
    };
    let targets: Vec<(Format, &PathBuf)> =
        [(Format::Html, &args.html), (Format::Markdown, &args.md)]
            .into_iter()
            .filter_map(|(format, dir)| dir.as_ref().map(|d| (format, d)))
            .collect();
    let pages = handout::build(&set, &lessons, lang);
    let mut plan: Vec<(&PathBuf, Vec<(PathBuf, String)>)> = Vec::new();
    for (format, folder) in &targets {
        match std::fs::metadata(folder) {
            Ok(meta) if !meta.is_dir() => {
                return Err(output_file::OutputError::NotAFolder {
                    path: (*folder).clone(),
                }
                .into());
            }
            Ok(_) => {}
            Err(_) => std::fs::create_dir_all(folder).map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    crate::i18n::tf(
                        lang,
                        "lessons.err.create",
                        &[
                            ("path", &folder.display().to_string()),
                            ("reason", &output_file::reason_in(&e, lang)),
                        ],
                    )
                )
            })?,
        }
        let mut files = Vec::new();
        for (name, text) in handout::files(&pages, lang, *format) {
            let path = folder.join(name);
            output_file::check(&path)?;
            if !args.force && path.symlink_metadata().is_ok() {
                anyhow::bail!(crate::i18n::tf(
                    lang,
                    "lessons.err.exists",
                    &[("path", &path.display().to_string())]
                ));
            }
            files.push((path, text));
        }
        plan.push((folder, files));
    }
    let steps: usize = pages.iter().map(|p| p.steps.len()).sum();
    let pictures = pages
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.picture.is_some())
        .count();
    for (folder, files) in &plan {
        for (path, text) in files {
            if args.force {
                output_file::write_atomic(path, text.as_bytes())?;
            } else {
                output_file::write_new(path, text.as_bytes())?;
            }
        }
        warn(&crate::i18n::tf(
            lang,
            "handout.written",
            &[
                ("dir", &folder.display().to_string()),
                ("files", &files.len().to_string()),
                ("lessons", &pages.len().to_string()),
                ("steps", &steps.to_string()),
                ("pictures", &pictures.to_string()),
            ],
        ));
    }
    Ok(ExitCode::SUCCESS)
}
