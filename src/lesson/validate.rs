//! The lesson checker: a folder's files (name, text) → a validated
//! [`LessonSet`] or every problem with file:line. One checker for everything:
//! build.rs compiles this file (and the model, question, catalog, raw, error
//! and panel-id modules it uses) to check the shipped lessons at build time,
//! and the program runs it on a teacher's `--lessons DIR`. The one part the
//! build cannot run is a panel link's argument parser (it needs the crate's
//! network and lab code): build.rs checks the panel's name, and the argument
//! is parsed when the built-in set is decoded (see `codec.rs`; every test and
//! `lessons check` run that).

use std::collections::HashMap;

use super::catalog::{Curriculum, Glossary, toml_error};
use super::error::{LessonError, LessonErrors, Message};
use super::model::{Checker, Lesson, validate_file};
use super::question::Question;
use super::raw::RawLesson;

pub const CURRICULUM_FILE: &str = "curriculum.toml";
pub const GLOSSARY_FILE: &str = "glossary.toml";

/// Everything a lesson folder holds, validated.
#[derive(Debug, Clone, Default)]
pub struct LessonSet {
    /// Sorted by `order`, then id.
    pub lessons: Vec<Lesson>,
    pub curriculum: Curriculum,
    pub glossary: Glossary,
    /// Authored quiz questions from every file, in file order.
    pub questions: Vec<Question>,
}

impl LessonSet {
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.lessons.iter().position(|l| l.id == id)
    }
}

/// Validates a set of (file name, contents): every problem found is reported,
/// not just the first. A folder without `curriculum.toml` or `glossary.toml`
/// gets `builtin_curriculum()` / `builtin_glossary()`.
pub fn validate_files(
    label: &str,
    files: Vec<(String, String)>,
    builtin_curriculum: fn() -> Curriculum,
    builtin_glossary: fn() -> Glossary,
) -> Result<LessonSet, LessonErrors> {
    let mut errors = Vec::new();
    let find = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
    };
    // The glossary is needed by nobody below: it is parsed on a thread of
    // its own while the lesson files are checked (two thirds of a start-up
    // is this parsing; see docs/PERFORMANCE.md).
    let (curriculum, glossary, checked) = std::thread::scope(|scope| {
        let glossary = scope.spawn(|| match find(GLOSSARY_FILE) {
            Some(text) => Glossary::parse(GLOSSARY_FILE, &text),
            None => Ok(builtin_glossary()),
        });
        let curriculum = match find(CURRICULUM_FILE) {
            Some(text) => Curriculum::parse(CURRICULUM_FILE, &text),
            None => Ok(builtin_curriculum()),
        };
        let checked = {
            let known = curriculum.as_ref().ok();
            let empty = Curriculum::default();
            let curriculum = known.unwrap_or(&empty);
            let lesson_files: Vec<&(String, String)> = files
                .iter()
                .filter(|(name, _)| name != CURRICULUM_FILE && name != GLOSSARY_FILE)
                .collect();
            check_files(&lesson_files, curriculum)
        };
        let glossary = glossary.join().unwrap_or_else(|_| {
            Err(vec![LessonError::folder(
                label,
                Message::new("lesson.err.glossary_failed"),
            )])
        });
        (curriculum, glossary, checked)
    });
    let curriculum = curriculum.unwrap_or_else(|e| {
        errors.extend(e);
        Curriculum::default()
    });
    let glossary = glossary.unwrap_or_else(|e| {
        errors.extend(e);
        Glossary::default()
    });
    let mut lessons: Vec<Lesson> = Vec::new();
    let mut questions: Vec<Question> = Vec::new();
    // First file of each question id and lesson id: duplicates are found by
    // lookup, not by scanning everything loaded so far.
    let mut question_files: HashMap<String, &str> = HashMap::new();
    let mut lesson_files: HashMap<String, &str> = HashMap::new();
    for file in checked {
        let FileChecked {
            name,
            mut check,
            lesson,
            found,
            question_at,
            id_at,
        } = match file {
            Ok(file) => file,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        for question in found {
            if let Some(file) = question_files.get(&question.id) {
                let at = question_at.get(&question.id).copied().unwrap_or(0);
                check.error(
                    at,
                    Message::new("lesson.err.duplicate_question")
                        .with("id", &question.id)
                        .with("file", *file),
                );
            } else {
                question_files.insert(question.id.clone(), name);
            }
            questions.push(question);
        }
        if let Some(lesson) = lesson {
            if let Some(file) = lesson_files.get(&lesson.id) {
                check.error(
                    id_at,
                    Message::new("lesson.err.duplicate_lesson")
                        .with("id", &lesson.id)
                        .with("file", *file),
                );
            } else {
                lesson_files.insert(lesson.id.clone(), name);
            }
            lessons.push(lesson);
        }
        errors.extend(check.errors);
    }
    if lessons.is_empty() && errors.is_empty() {
        errors.push(LessonError::folder(
            label,
            Message::new("lesson.err.no_lessons"),
        ));
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(LessonErrors(errors));
    }
    lessons.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    Ok(LessonSet {
        lessons,
        curriculum,
        glossary,
        questions,
    })
}

/// One lesson file parsed and checked on its own (what needs every file —
/// duplicate ids — is checked afterwards, in file order).
struct FileChecked<'a> {
    name: &'a str,
    check: Checker<'a>,
    lesson: Option<Lesson>,
    found: Vec<Question>,
    /// Where each question id is written (for an id repeated within the file,
    /// the last occurrence).
    question_at: HashMap<String, usize>,
    id_at: usize,
}

fn check_file<'a>(
    name: &'a str,
    text: &'a str,
    curriculum: &Curriculum,
) -> Result<FileChecked<'a>, LessonError> {
    let raw: RawLesson = toml::from_str(text).map_err(|e| toml_error(name, text, &e))?;
    let mut check = Checker::new(name, text);
    let id_at = raw.id.span().start;
    let question_at: HashMap<String, usize> = raw
        .questions
        .iter()
        .map(|q| {
            (
                q.get_ref().id.get_ref().clone(),
                q.get_ref().id.span().start,
            )
        })
        .collect();
    let (lesson, found) = validate_file(raw, curriculum, &mut check);
    Ok(FileChecked {
        name,
        check,
        lesson,
        found,
        question_at,
        id_at,
    })
}

/// [`check_file`] for every file, on as many threads as there are cores (at
/// most 4), the results in the order of `files`.
fn check_files<'a>(
    files: &[&'a (String, String)],
    curriculum: &Curriculum,
) -> Vec<Result<FileChecked<'a>, LessonError>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 4);
    let per_thread = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(name, text)| check_file(name, text, curriculum))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker.join().unwrap_or_else(|_| {
                    vec![Err(LessonError::folder(
                        "lessons",
                        Message::new("lesson.err.check_failed"),
                    ))]
                })
            })
            .collect()
    })
}
