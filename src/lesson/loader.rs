//! Loading a lesson folder (or the embedded one) into a validated [`LessonSet`].

use std::fs;
use std::path::{Path, PathBuf};

use super::catalog::{Curriculum, Glossary};
use super::codec;
use super::embedded;
use super::error::{Arg, LessonError, LessonErrors, Message};
use super::validate::{LessonSet, validate_files};
use crate::output_file::{io_text, kind_of, reason_in};

pub use super::validate::{CURRICULUM_FILE, GLOSSARY_FILE};

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

impl LessonSet {
    /// Loads and validates; every problem found is reported, not just the first.
    /// A teacher's folder is read and checked (every problem found is
    /// reported, not just the first); the built-in set was checked by build.rs
    /// and is only decoded.
    pub fn load(source: &LessonSource) -> Result<LessonSet, LessonErrors> {
        let dir = match source {
            LessonSource::Embedded => return Self::embedded(),
            LessonSource::Dir(dir) => dir,
        };
        let files = read_dir(dir)?;
        let label = dir.display().to_string();
        Self::from_files(&label, files).map_err(|mut errors| {
            // Name files as the teacher would open them.
            for err in &mut errors.0 {
                if err.file != label {
                    err.file = dir.join(&err.file).display().to_string();
                }
            }
            errors
        })
    }

    /// The built-in lessons, checked at build time. Decoding parses each panel
    /// link's argument; a failure there (a shipped link a panel refuses, which
    /// every test would show) is reported as the folder's problem.
    pub fn embedded() -> Result<LessonSet, LessonErrors> {
        codec::decode_explained(embedded::STRUCTURE, embedded::TEXTS).map_err(|why| {
            LessonErrors(vec![LessonError::folder(
                "lessons",
                Message::new("lesson.err.built_in").with("why", why),
            )])
        })
    }

    /// Decodes what build.rs wrote for a lesson folder (`codec.rs`); the
    /// program decodes its built-in set with it, tests a freshly built one.
    pub fn decode(structure: &[u8], texts: &str) -> Result<LessonSet, String> {
        codec::decode(structure, texts)
    }

    /// Validates a set of (file name, contents); a folder without a curriculum
    /// or glossary gets the built-in ones.
    pub fn from_files(
        label: &str,
        files: Vec<(String, String)>,
    ) -> Result<LessonSet, LessonErrors> {
        validate_files(label, files, builtin_curriculum, builtin_glossary)
    }
}

/// The built-in curriculum, for folders that do not bring their own.
fn builtin_curriculum() -> Curriculum {
    codec::decode_curriculum(embedded::STRUCTURE, embedded::TEXTS).unwrap_or_default()
}

/// The built-in glossary, for folders that do not bring their own.
fn builtin_glossary() -> Glossary {
    codec::decode_glossary(embedded::STRUCTURE, embedded::TEXTS).unwrap_or_default()
}

/// The largest lesson file read (the biggest shipped one is a few dozen kB).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, LessonErrors> {
    let label = dir.display().to_string();
    let entries = fs::read_dir(dir).map_err(|e| {
        let message = Message::new("lesson.err.read_folder")
            .with("error", Arg::in_both(|lang| io_text(&e, lang)));
        LessonErrors(vec![LessonError::folder(&label, message)])
    })?;
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
fn read_lesson_file(path: &Path, toml: bool) -> Result<Option<String>, (usize, Message)> {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err((0, Message::new("lesson.err.symlink_loop")));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err((0, Message::new("lesson.err.symlink_dangling")));
        }
        Err(e) => {
            return Err((
                0,
                Message::new("lesson.err.cannot_read")
                    .with("reason", Arg::in_both(|lang| reason_in(&e, lang))),
            ));
        }
    };
    let ft = meta.file_type();
    if ft.is_dir() || (ft.is_file() && !toml) {
        return Ok(None);
    }
    if let Some(what) = kind_of(ft) {
        let what = Arg::in_both(|lang| what.name(lang).to_string());
        return Err((0, Message::new("lesson.err.not_a_file").with("what", what)));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err((
            0,
            Message::new("lesson.err.too_big")
                .with("bytes", meta.len().to_string())
                .with("max", MAX_FILE_BYTES.to_string()),
        ));
    }
    let mut bytes = Vec::new();
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            let reason = Arg::in_both(|lang| reason_in(&e, lang));
            (
                0,
                Message::new("lesson.err.cannot_read").with("reason", reason),
            )
        })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let good = &e.as_bytes()[..at];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let column = at - good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
            Err((
                line,
                Message::new("lesson.err.not_utf8")
                    .with("line", line)
                    .with("column", column)
                    .with("at", at),
            ))
        }
    }
}
