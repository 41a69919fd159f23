//! Results for an instructor: who took which quiz (student, seed, topics,
//! exam or not, start and end), the score, and one row per question with the
//! question's instance id, the answer as typed and by content, correctness and
//! time. JSON (`nettutor-results`, version 2) or CSV (one row per question,
//! the header fields repeated). A results file is never overwritten: the path
//! is refused before the first question if it exists, and if it appears while
//! the quiz runs the results go next to it (`NAME-2.json`) and say so.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::answer::correct_answer;
use super::identity::{answer_value, instance_id};
use super::session::Session;
use crate::i18n::Lang;
use crate::lesson::question::letter;
use crate::lesson::{Question, QuestionKind};

/// The `format` field of every results file.
pub const FORMAT: &str = "nettutor-results";
/// The current version of the format.
pub const VERSION: u32 = 2;

/// One quiz, as the results file holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub format: String,
    pub version: u32,
    /// `--student` (empty when not given).
    pub student: String,
    pub seed: u64,
    pub topics: Vec<String>,
    pub exam: bool,
    /// RFC 3339, UTC.
    pub started: String,
    pub ended: String,
    pub score: usize,
    pub total: usize,
    pub questions: Vec<ResultRow>,
}

/// One row of the results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// The authored id or the generator id (the mastery key).
    pub question_id: String,
    /// What was asked exactly ([`instance_id`]).
    pub instance_id: String,
    pub concepts: Vec<String>,
    pub question: String,
    /// What the student answered ("" for none).
    pub answer: String,
    /// The answer by content (the option's text, not its letter).
    pub answer_value: String,
    /// The right answer in a form plain mode accepts.
    pub correct_answer: String,
    pub correct: bool,
    pub seconds: f64,
}

/// A wall-clock time as RFC 3339 in UTC (`2026-12-02T01:02:03Z`).
pub fn rfc3339(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at).replace_nanosecond(0);
    at.ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The question as plain text: the prompt, then one line per option.
pub fn question_text(q: &Question, lang: Lang) -> String {
    let mut out = q.prompt.get(lang).to_string();
    let lines: Vec<String> = match &q.kind {
        QuestionKind::Choice { options, .. } => options
            .iter()
            .enumerate()
            .map(|(i, o)| format!("  {}) {}", letter(i), o.get(lang)))
            .collect(),
        QuestionKind::Order { items, shown } => shown
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                items
                    .get(*item)
                    .map(|t| format!("  {}) {}", letter(i), t.get(lang)))
            })
            .collect(),
        QuestionKind::TrueFalse { .. } | QuestionKind::FillIn { .. } => Vec::new(),
    };
    for line in lines {
        out.push('\n');
        out.push_str(&line);
    }
    out
}

/// The rows of a session (answered questions, then the rest as no answer).
pub fn rows(session: &Session, lang: Lang) -> Vec<ResultRow> {
    session
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let record = session.records.get(i);
            let answer = record.map(|r| r.answer.clone()).unwrap_or_default();
            ResultRow {
                question_id: q.id.clone(),
                instance_id: instance_id(q),
                concepts: q.concepts.clone(),
                question: question_text(q, lang),
                answer_value: answer_value(&q.kind, &answer),
                answer,
                correct_answer: correct_answer(&q.kind),
                correct: record.is_some_and(|r| r.verdict.is_correct()),
                seconds: record.map_or(0.0, |r| (r.seconds * 10.0).round() / 10.0),
            }
        })
        .collect()
}

/// The results of `session`, ended at `ended`.
pub fn results(session: &Session, lang: Lang, ended: SystemTime) -> Results {
    Results {
        format: FORMAT.to_string(),
        version: VERSION,
        student: session.student.clone(),
        seed: session.spec.seed,
        topics: session
            .spec
            .topics_or_all()
            .iter()
            .map(|t| t.name().to_string())
            .collect(),
        exam: session.exam,
        started: rfc3339(session.started),
        ended: rfc3339(ended),
        score: session.score(),
        total: session.questions.len(),
        questions: rows(session, lang),
    }
}

/// CSV with a header, one row per question (the quiz's fields repeated on
/// each, so rows from many students can be pasted into one sheet); concepts
/// joined by `;`; fields quoted and formulas defused by [`crate::csv`].
pub fn to_csv(results: &Results) -> String {
    let mut out = String::from(
        "student,seed,exam,started,ended,question_id,instance_id,concepts,question,answer,answer_value,correct_answer,correct,seconds\n",
    );
    for r in &results.questions {
        out.push_str(&crate::csv::row([
            results.student.clone(),
            results.seed.to_string(),
            results.exam.to_string(),
            results.started.clone(),
            results.ended.clone(),
            r.question_id.clone(),
            r.instance_id.clone(),
            r.concepts.join(";"),
            r.question.clone(),
            r.answer.clone(),
            r.answer_value.clone(),
            r.correct_answer.clone(),
            r.correct.to_string(),
            format!("{:.1}", r.seconds),
        ]));
    }
    out
}

/// Why a results path cannot be used (texts: `results.err.*` in
/// `assets/i18n/ui.toml`; `Display` gives the English one).
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum ResultsPathError {
    Extension(PathBuf),
    Exists(PathBuf),
}

impl ResultsPathError {
    /// The message in `lang`, one line.
    pub fn message(&self, lang: Lang) -> String {
        let (key, path) = match self {
            ResultsPathError::Extension(p) => ("results.err.extension", p),
            ResultsPathError::Exists(p) => ("results.err.exists", p),
        };
        crate::i18n::tf(lang, key, &[("path", &path.display().to_string())])
    }
}

/// Why a results file cannot be read (`class import`; texts:
/// `results.err.*`).
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum ReadError {
    Io {
        path: PathBuf,
        reason: crate::output_file::Reason,
    },
    /// Not JSON of the results' shape.
    NotResults {
        path: PathBuf,
        error: serde_json::Error,
    },
    Version {
        path: PathBuf,
        format: String,
        version: u32,
    },
}

impl ReadError {
    /// The message in `lang`, one line, naming the file.
    pub fn message(&self, lang: Lang) -> String {
        use crate::i18n::tf;
        match self {
            ReadError::Io { path, reason } => tf(
                lang,
                "results.err.read",
                &[
                    ("path", &path.display().to_string()),
                    ("reason", &reason.text(lang)),
                ],
            ),
            ReadError::NotResults { path, error } => {
                let detail = match lang {
                    Lang::En => error.to_string(),
                    Lang::Zh => {
                        let key = match error.classify() {
                            serde_json::error::Category::Eof => "results.err.json_eof",
                            serde_json::error::Category::Syntax => "results.err.json_syntax",
                            _ => "results.err.json_shape",
                        };
                        tf(
                            lang,
                            key,
                            &[
                                ("line", &error.line().to_string()),
                                ("column", &error.column().to_string()),
                            ],
                        )
                    }
                };
                tf(
                    lang,
                    "results.err.not_results",
                    &[("path", &path.display().to_string()), ("detail", &detail)],
                )
            }
            ReadError::Version {
                path,
                format,
                version,
            } => tf(
                lang,
                "results.err.version",
                &[
                    ("path", &path.display().to_string()),
                    ("format", format),
                    ("version", &version.to_string()),
                    ("our_format", FORMAT),
                    ("our_version", &VERSION.to_string()),
                ],
            ),
        }
    }
}

/// Checks a `--results` path before the first question: `.json` or `.csv`, a
/// path that does not exist yet, in a folder that can take it (the
/// `output_file` error, a usage mistake, comes back as it is).
pub fn check_path(path: &Path) -> anyhow::Result<()> {
    let ok = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("csv"));
    if !ok {
        return Err(ResultsPathError::Extension(path.to_path_buf()).into());
    }
    // A device, FIFO or folder is refused for what it is (exit 2).
    crate::output_file::check(path)?;
    if path.symlink_metadata().is_ok() {
        return Err(ResultsPathError::Exists(path.to_path_buf()).into());
    }
    Ok(())
}

/// `path`, then `NAME-2.EXT`, `NAME-3.EXT`, …: where results may go.
fn candidates(path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    std::iter::once(path.to_path_buf())
        .chain((2..).map(move |n| path.with_file_name(format!("{stem}-{n}{ext}"))))
}

/// Writes `results` atomically to `path`, or next to it if `path` appeared
/// meanwhile (`NAME-2.EXT`, …): `.csv` as CSV, anything else as JSON. Never
/// over an existing file, not even one that appears while this writes
/// (`crate::output_file::write_new`). Returns the path written.
pub fn write(path: &Path, results: &Results) -> anyhow::Result<PathBuf> {
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let body = if csv {
        to_csv(results)
    } else {
        serde_json::to_string_pretty(results)? + "\n"
    };
    for target in candidates(path).take(1000) {
        match crate::output_file::write_new(&target, body.as_bytes()) {
            Ok(()) => return Ok(target),
            Err(crate::output_file::OutputError::Exists { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(ResultsPathError::Exists(path.to_path_buf()).into())
}

/// Reads a JSON results file (for `class import`).
pub fn read(path: &Path) -> Result<Results, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReadError::Io {
        path: path.to_path_buf(),
        reason: crate::output_file::Reason::of(&e),
    })?;
    let results: Results = serde_json::from_str(&text).map_err(|error| ReadError::NotResults {
        path: path.to_path_buf(),
        error,
    })?;
    if results.format != FORMAT || results.version != VERSION {
        return Err(ReadError::Version {
            path: path.to_path_buf(),
            format: results.format,
            version: results.version,
        });
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(student: &str) -> Results {
        Results {
            format: FORMAT.into(),
            version: VERSION,
            student: student.into(),
            seed: 1,
            topics: vec!["tcp".into()],
            exam: true,
            started: "2026-01-01T00:00:00Z".into(),
            ended: "2026-01-01T00:01:00Z".into(),
            score: 0,
            total: 0,
            questions: Vec::new(),
        }
    }

    #[test]
    fn a_file_that_appeared_meanwhile_is_kept_and_the_results_go_next_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exam.json");
        assert_eq!(write(&path, &results("ada")).unwrap(), path);
        // exam.json is there now (as if another quiz wrote it while this one
        // ran): it is kept, and each later write takes the next free name.
        let second = write(&path, &results("bo")).unwrap();
        assert_eq!(second, dir.path().join("exam-2.json"));
        std::os::unix::fs::symlink("elsewhere.json", dir.path().join("exam-3.json")).unwrap();
        let third = write(&path, &results("cy")).unwrap();
        assert_eq!(
            third,
            dir.path().join("exam-4.json"),
            "a link is a name taken"
        );
        for (file, student) in [(&path, "ada"), (&second, "bo"), (&third, "cy")] {
            assert_eq!(read(file).unwrap().student, student);
        }
        assert!(!dir.path().join("elsewhere.json").exists());
        let csv = dir.path().join("r.csv");
        write(&csv, &results("ada")).unwrap();
        assert_eq!(
            write(&csv, &results("bo")).unwrap(),
            dir.path().join("r-2.csv")
        );
    }
}
