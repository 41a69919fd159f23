//! `nettutor lessons list|check`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::out::{say, say_line, warn};
use crate::check::ExerciseSet;
use crate::i18n::Lang;
use crate::lesson::{LessonSet, LessonSource};

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
}

pub fn run(cmd: LessonsCmd, dir: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
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
                warn(&errors.to_string());
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
                            warn(&errors.to_string());
                            warn(&format!("{} problem(s) found", errors.0.len()));
                            return Ok(ExitCode::FAILURE);
                        }
                    };
                    let steps: usize = set.lessons.iter().map(|l| l.steps.len()).sum();
                    say_line(&format!(
                        "ok: {} lessons, {steps} steps, {} quiz questions, {} concepts, {} glossary terms, {} exercises",
                        set.lessons.len(),
                        set.questions.len(),
                        set.curriculum.concepts.len(),
                        set.glossary.terms.len(),
                        exercises.exercises.len()
                    ))?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(errors) => {
                    warn(&errors.to_string());
                    warn(&format!("{} problem(s) found", errors.0.len()));
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
