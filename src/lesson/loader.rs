//! Loading a lesson folder (or the embedded one) into a validated [`LessonSet`].

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::catalog::{Curriculum, Glossary, toml_error};
use super::embedded;
use super::error::{LessonError, LessonErrors};
use super::model::{Checker, Lesson, validate_file};
use super::question::Question;
use super::raw::RawLesson;
use crate::output_file::{kind_of, plain_reason};

pub const CURRICULUM_FILE: &str = "curriculum.toml";
pub const GLOSSARY_FILE: &str = "glossary.toml";

/// Where lessons come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonSource {
    /// The lessons shipped in the binary.
    Embedded,
    /// A teacher's folder.
    Dir(PathBuf),
}

impl LessonSource {
    pub fn from_option(dir: Option<PathBuf>) -> LessonSource {
        dir.map_or(LessonSource::Embedded, LessonSource::Dir)
    }
}

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
    /// Loads and validates; every problem found is reported, not just the first.
    pub fn load(source: &LessonSource) -> Result<LessonSet, LessonErrors> {
        let files = match source {
            LessonSource::Embedded => embedded::FILES
                .iter()
                .map(|(name, text)| (name.to_string(), text.to_string()))
                .collect(),
            LessonSource::Dir(dir) => read_dir(dir)?,
        };
        let label = match source {
            LessonSource::Embedded => "built-in lessons".to_string(),
            LessonSource::Dir(dir) => dir.display().to_string(),
        };
        Self::from_files(&label, files).map_err(|mut errors| {
            // Name files as the teacher would open them.
            let prefix = match source {
                LessonSource::Embedded => PathBuf::from("lessons"),
                LessonSource::Dir(dir) => dir.clone(),
            };
            for err in &mut errors.0 {
                if err.file != label {
                    err.file = prefix.join(&err.file).display().to_string();
                }
            }
            errors
        })
    }

    /// The built-in lessons. They are checked by the test suite, so failure here
    /// means a broken build; the caller reports it.
    pub fn embedded() -> Result<LessonSet, LessonErrors> {
        Self::load(&LessonSource::Embedded)
    }

    /// Validates a set of (file name, contents).
    pub fn from_files(
        label: &str,
        files: Vec<(String, String)>,
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
                None => Ok(builtin(GLOSSARY_FILE, Glossary::parse)),
            });
            let curriculum = match find(CURRICULUM_FILE) {
                Some(text) => Curriculum::parse(CURRICULUM_FILE, &text),
                None => Ok(builtin(CURRICULUM_FILE, Curriculum::parse)),
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
            let glossary = glossary
                .join()
                .unwrap_or_else(|_| Err(vec![LessonError::folder(label, "glossary check failed")]));
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
                        format!("duplicate question id '{}' (also in {file})", question.id),
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
                        format!("duplicate lesson id '{}' (also in {file})", lesson.id),
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
                "no lessons found (a lesson is a .toml file with an id, a title and [[steps]])",
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

    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.lessons.iter().position(|l| l.id == id)
    }
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
                    vec![Err(LessonError::folder("lessons", "a lesson check failed"))]
                })
            })
            .collect()
    })
}

/// The embedded curriculum or glossary, for folders that do not bring their own.
fn builtin<T: Default>(name: &str, parse: fn(&str, &str) -> Result<T, Vec<LessonError>>) -> T {
    embedded::FILES
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(n, text)| parse(n, text).ok())
        .unwrap_or_default()
}

/// The largest lesson file read (the biggest shipped one is a few dozen kB).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, LessonErrors> {
    let label = dir.display().to_string();
    let fail = |message: String| LessonErrors(vec![LessonError::folder(&label, message)]);
    let entries =
        fs::read_dir(dir).map_err(|e| fail(format!("cannot read the lesson folder: {e}")))?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let toml = path.extension().is_some_and(|x| x == "toml");
        match read_lesson_file(&path, toml) {
            Ok(Some(text)) => files.push((name, text)),
            Ok(None) => {}
            Err((line, message)) => errors.push(LessonError {
                file: path.display().to_string(),
                line,
                message,
            }),
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.file.cmp(&b.file));
        return Err(LessonErrors(errors));
    }
    files.sort();
    Ok(files)
}

/// One entry of a lesson folder: its text, None to skip it (not a lesson),
/// or (line, problem). FIFOs, devices, sockets and broken or looping symlinks
/// are reported whatever their name: a teacher who put one there meant
/// something, and reading a FIFO would hang.
fn read_lesson_file(path: &Path, toml: bool) -> Result<Option<String>, (usize, String)> {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err((
                0,
                "a symlink loop (too many levels of symbolic links)".into(),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err((0, "a symlink to a file that does not exist".into()));
        }
        Err(e) => return Err((0, format!("cannot read: {}", plain_reason(&e)))),
    };
    let ft = meta.file_type();
    if ft.is_dir() || (ft.is_file() && !toml) {
        return Ok(None);
    }
    if let Some(what) = kind_of(ft) {
        return Err((
            0,
            format!("{what}, not a lesson file; remove it from the folder"),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err((
            0,
            format!(
                "{} bytes; a lesson file may have at most {MAX_FILE_BYTES} (1 MiB)",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::new();
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| (0, format!("cannot read: {}", plain_reason(&e))))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let good = &e.as_bytes()[..at];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let column = at - good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
            Err((
                line,
                format!("not UTF-8 text: a bad byte at line {line}, column {column} (byte {at})"),
            ))
        }
    }
}
