//! The exercises: shipped in the binary (the `exercises/` folder), plus a
//! teacher's own in the `exercises/` subfolder of their lesson folder.
//!
//! A teacher's exercise is added to the built-in ones; one with the id of a
//! built-in exercise replaces it. Built-in exercises refer to the built-in
//! lessons; a teacher's exercises refer to the lessons of the teacher's folder.

use std::fs;
use std::path::{Path, PathBuf};

use super::exercise::{Exercise, Known, parse_exercise};
use crate::lesson::{Arg, LessonError, LessonErrors, LessonSet, Message};
use crate::output_file::io_text;

/// The subfolder of a lesson folder that holds exercises.
pub const EXERCISE_DIR: &str = "exercises";

/// The exercise files shipped in the binary, as (file name, contents).
/// `tests/cli/check_exercises.rs` checks that this lists every file of `exercises/`.
pub static EMBEDDED: &[(&str, &str)] = &[
    (
        "echo-framed.toml",
        include_str!("../../exercises/echo-framed.toml"),
    ),
    (
        "line-chat.toml",
        include_str!("../../exercises/line-chat.toml"),
    ),
    (
        "udp-time.toml",
        include_str!("../../exercises/udp-time.toml"),
    ),
    (
        "tcp-time.toml",
        include_str!("../../exercises/tcp-time.toml"),
    ),
    (
        "udp-chat.toml",
        include_str!("../../exercises/udp-chat.toml"),
    ),
];

/// Every exercise, sorted by `order`, then id.
#[derive(Debug, Clone, Default)]
pub struct ExerciseSet {
    pub exercises: Vec<Exercise>,
}

impl ExerciseSet {
    /// The built-in exercises, plus those of `lessons_dir/exercises/` (checked
    /// against the lessons of `teacher`, the set loaded from `lessons_dir`).
    pub fn load(
        lessons_dir: Option<&Path>,
        teacher: Option<&LessonSet>,
    ) -> Result<ExerciseSet, LessonErrors> {
        let builtin = LessonSet::embedded()?;
        let files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut exercises = parse_all(Path::new(EXERCISE_DIR), files, &builtin)?;
        if let Some(dir) = lessons_dir {
            let folder = dir.join(EXERCISE_DIR);
            if folder.is_dir() {
                let own = match teacher {
                    Some(set) => set.clone(),
                    None => LessonSet::load(&crate::lesson::LessonSource::Dir(dir.to_path_buf()))?,
                };
                let files = read_folder(&folder)?;
                for exercise in parse_all(&folder, files, &own)? {
                    exercises.retain(|e| e.id != exercise.id);
                    exercises.push(exercise);
                }
            }
        }
        exercises.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
        Ok(ExerciseSet { exercises })
    }

    pub fn get(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }
}

fn parse_all(
    prefix: &Path,
    files: Vec<(String, String)>,
    lessons: &LessonSet,
) -> Result<Vec<Exercise>, LessonErrors> {
    let lesson_ids: Vec<String> = lessons.lessons.iter().map(|l| l.id.clone()).collect();
    let concepts: Vec<String> = lessons
        .curriculum
        .concepts
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let known = Known {
        lessons: &lesson_ids,
        concepts: &concepts,
    };
    let mut errors = Vec::new();
    let mut exercises: Vec<Exercise> = Vec::new();
    for (name, text) in &files {
        let shown = prefix.join(name).display().to_string();
        match parse_exercise(&shown, text, &known) {
            Ok(exercise) => {
                if let Some(first) = exercises.iter().find(|e| e.id == exercise.id) {
                    errors.push(LessonError::at(
                        &shown,
                        text,
                        0,
                        Message::new("exercise.err.duplicate")
                            .with("id", &exercise.id)
                            .with("file", &first.file),
                    ));
                }
                exercises.push(exercise);
            }
            Err(found) => errors.extend(found),
        }
    }
    if errors.is_empty() {
        Ok(exercises)
    } else {
        Err(LessonErrors(errors))
    }
}

fn read_folder(dir: &Path) -> Result<Vec<(String, String)>, LessonErrors> {
    let label = dir.display().to_string();
    let entries = fs::read_dir(dir).map_err(|e| {
        LessonErrors(vec![LessonError::folder(
            &label,
            Message::new("exercise.err.read_folder")
                .with("error", Arg::in_both(|lang| io_text(&e, lang))),
        )])
    })?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in entries.flatten() {
        let path: PathBuf = entry.path();
        if path.extension().is_none_or(|x| x != "toml") || !path.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        match fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push((name, text)),
                Err(_) => errors.push(LessonError::folder(
                    &path.display().to_string(),
                    Message::new("exercise.err.not_utf8"),
                )),
            },
            Err(e) => errors.push(LessonError::folder(
                &path.display().to_string(),
                Message::new("lesson.err.cannot_read")
                    .with("reason", Arg::in_both(|lang| io_text(&e, lang))),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(LessonErrors(errors));
    }
    files.sort();
    Ok(files)
}
