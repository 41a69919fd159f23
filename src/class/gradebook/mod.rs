//! The class grade book: one SQLite file (`gradebook.sqlite3` in the data
//! directory, or `--db FILE`) where every plain quiz, exam, live class session
//! and `nettutor check` run is recorded, for `nettutor class report`.
//!
//! ```no_run
//! use nettutor::class::gradebook::{GradeBook, NewSession, RecordedAnswer, SessionKind};
//! # fn main() -> Result<(), nettutor::class::gradebook::GradeBookError> {
//! let mut book = GradeBook::open(std::path::Path::new("class.sqlite3"))?;
//! let session = book.begin_session(&NewSession {
//!     kind: SessionKind::Live,
//!     seed: 7,
//!     topics: vec!["subnet".into()],
//!     questions: 10,
//!     started: std::time::SystemTime::now(),
//!     sitting: None,
//! })?;
//! book.record_answer(session, &RecordedAnswer {
//!     student: "ada".into(),
//!     position: 0,
//!     instance_id: "gen.subnet.network#3f9a1c0e2b7d5a61".into(),
//!     answer: "b".into(),
//!     correct: true,
//!     time_ms: 4200,
//!     ..RecordedAnswer::default()
//! })?;
//! book.finish_session(session, std::time::SystemTime::now())?;
//! # Ok(()) }
//! ```
//!
//! Every write is one transaction: an answer is in the file whole or not at
//! all, whenever the process is killed. The file is in WAL mode with
//! `synchronous = NORMAL`: a commit costs no fsync (forty answers arriving at
//! once do not queue behind the disk) and survives the process being killed;
//! only a power cut may lose the last commits, never half of one. Several
//! processes may write at once (two quizzes in two terminals): a writer waits
//! up to [`BUSY_WAIT`] for the other.
//!
//! The schema is versioned ([`schema`]): an older file is brought forward on
//! open, in one transaction; a file from a newer nettutor is refused, never
//! changed.

pub mod import;
pub mod recorder;
pub mod report;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension as _, Transaction, TransactionBehavior, params};

use crate::i18n::{Lang, t, tf};
use crate::output_file::{FileKind, Reason};
use crate::quiz::identity::{answer_value, instance_id};
use crate::quiz::results::{question_text, rfc3339};
use crate::quiz::{Question, Record, correct_answer};

/// The grade book's file name in the data directory.
pub const FILE_NAME: &str = "gradebook.sqlite3";
/// How long a write waits for another process's write to finish.
pub const BUSY_WAIT: Duration = Duration::from_secs(10);

/// What went wrong with the grade book. The texts live in
/// `assets/i18n/ui.toml` under `gradebook.err.*`; `Display` gives the English one.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum GradeBookError {
    Open {
        path: PathBuf,
        reason: OpenReason,
    },
    Newer {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    NoSession(SessionId),
    Sql(#[from] rusqlite::Error),
    /// Reading (`class report`) a grade book that was never made.
    Missing {
        path: PathBuf,
    },
}

/// Why a grade book could not be opened.
#[derive(Debug)]
pub enum OpenReason {
    Os(Reason),
    Sqlite(rusqlite::Error),
    NotAFile(FileKind),
    /// An SQLite file with other tables.
    Foreign,
}

impl GradeBookError {
    /// The message in `lang`, one line.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            GradeBookError::Open { path, reason } => {
                let reason = match reason {
                    OpenReason::Os(r) => r.text(lang),
                    OpenReason::Sqlite(e) => sqlite_text(e, lang),
                    OpenReason::NotAFile(what) => tf(
                        lang,
                        "gradebook.err.not_a_file",
                        &[("what", what.name(lang))],
                    ),
                    OpenReason::Foreign => t(lang, "gradebook.err.foreign").to_string(),
                };
                tf(
                    lang,
                    "gradebook.err.open",
                    &[("path", &path.display().to_string()), ("reason", &reason)],
                )
            }
            GradeBookError::Newer { path, found, known } => tf(
                lang,
                "gradebook.err.newer",
                &[
                    ("path", &path.display().to_string()),
                    ("found", &found.to_string()),
                    ("known", &known.to_string()),
                ],
            ),
            GradeBookError::NoSession(id) => {
                tf(lang, "gradebook.err.no_session", &[("id", &id.to_string())])
            }
            GradeBookError::Sql(e) => tf(
                lang,
                "gradebook.err.sql",
                &[("reason", &sqlite_text(e, lang))],
            ),
            GradeBookError::Missing { path } => tf(
                lang,
                "gradebook.err.missing",
                &[("path", &path.display().to_string())],
            ),
        }
    }
}

/// An SQLite error in `lang`: the common failures in words, any other as
/// SQLite says it.
pub fn sqlite_text(e: &rusqlite::Error, lang: Lang) -> String {
    use rusqlite::ErrorCode::*;
    let key = match e.sqlite_error_code() {
        Some(CannotOpen) => "sqlite.cannot_open",
        Some(NotADatabase) => "sqlite.not_a_database",
        Some(DatabaseBusy | DatabaseLocked) => "sqlite.busy",
        Some(ReadOnly) => "sqlite.read_only",
        Some(DiskFull) => "sqlite.disk_full",
        Some(PermissionDenied) => "sqlite.permission",
        Some(DatabaseCorrupt) => "sqlite.corrupt",
        Some(SystemIoFailure) => "sqlite.io",
        _ => return e.to_string(),
    };
    match lang {
        Lang::En => e.to_string(),
        Lang::Zh => t(lang, key).to_string(),
    }
}

/// A session's number in the grade book (`class report --session ID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionId(pub i64);

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What kind of session: a quiz one student took alone, an exam, or a live
/// class session (a whole room, one question at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString)]
#[strum(serialize_all = "kebab-case")]
pub enum SessionKind {
    Quiz,
    Exam,
    Live,
    LiveExam,
}

/// A session about to start.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub kind: SessionKind,
    pub seed: u64,
    /// Topic names (`subnet`, `tcp`, …).
    pub topics: Vec<String>,
    /// How many questions each student is asked (a student's score is out of it).
    pub questions: usize,
    pub started: SystemTime,
    /// Which sitting this is, when it can come back through `class import`
    /// ([`sitting_key`]); a session with a sitting already in the book is not
    /// recorded twice.
    pub sitting: Option<String>,
}

/// One answer of one student.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordedAnswer {
    /// The student's id or name.
    pub student: String,
    /// The question's place in the session (0-based); one answer per student
    /// and place.
    pub position: usize,
    /// The authored or generator id (the mastery key).
    pub question_id: String,
    /// What was asked exactly (`quiz::identity::instance_id`).
    pub instance_id: String,
    /// The question as shown (prompt and options).
    pub question: String,
    /// As typed ("" for none).
    pub answer: String,
    /// By content (the option's text, not its letter).
    pub answer_value: String,
    pub correct_answer: String,
    pub correct: bool,
    pub time_ms: u64,
}

impl RecordedAnswer {
    /// The row for the answer `record` to question `q` at `position`.
    pub fn of(
        student: &str,
        position: usize,
        q: &Question,
        record: &Record,
        lang: crate::i18n::Lang,
    ) -> RecordedAnswer {
        RecordedAnswer {
            student: student.to_string(),
            position,
            question_id: q.id.clone(),
            instance_id: instance_id(q),
            question: question_text(q, lang),
            answer: record.answer.clone(),
            answer_value: answer_value(&q.kind, &record.answer),
            correct_answer: correct_answer(&q.kind),
            correct: record.verdict.is_correct(),
            time_ms: (record.seconds * 1000.0).round().max(0.0) as u64,
        }
    }
}

/// The sitting of one student's quiz: who, which seed, when it started.
/// A quiz records it and its results file carries the same three fields, so
/// `class import` of that file into the same book adds nothing.
pub fn sitting_key(student: &str, seed: u64, started: &str) -> String {
    format!("{student}\u{1f}{seed}\u{1f}{started}")
}

/// One `nettutor check` run as the grade book keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRun {
    pub student: String,
    pub exercise: String,
    pub at: SystemTime,
    /// The verdict's counts (as the report counts them, `--strict` or not).
    pub passed: usize,
    pub failed: usize,
    /// Each property by name, passed or not.
    pub properties: Vec<(String, bool)>,
}

impl CheckRun {
    pub fn of(student: &str, report: &crate::check::report::CheckReport) -> CheckRun {
        CheckRun {
            student: student.to_string(),
            exercise: report.exercise.clone(),
            at: SystemTime::now(),
            passed: report.passed,
            failed: report.failed,
            properties: report
                .properties
                .iter()
                .map(|p| (p.name.clone(), p.passed))
                .collect(),
        }
    }
}

/// What a session holds (for lists and reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: SessionId,
    pub kind: String,
    pub seed: String,
    pub topics: String,
    pub questions: usize,
    pub started: String,
    pub ended: Option<String>,
}

/// An open grade book.
#[derive(Debug)]
pub struct GradeBook {
    conn: Connection,
    path: PathBuf,
}

fn open_err(path: &Path, reason: OpenReason) -> GradeBookError {
    GradeBookError::Open {
        path: path.to_path_buf(),
        reason,
    }
}

fn sql_err(path: &Path) -> impl FnOnce(rusqlite::Error) -> GradeBookError + '_ {
    move |e| open_err(path, OpenReason::Sqlite(e))
}

/// Where a quiz is recorded: `db` (`--db FILE`), else the grade book in the
/// data directory of `store` (made if missing); None without either.
pub fn book_path(db: Option<&Path>, store: Option<&crate::store::Store>) -> Option<PathBuf> {
    if let Some(db) = db {
        return Some(db.to_path_buf());
    }
    let dir = store?.dir();
    // A failure shows when the grade book is opened.
    let _ = std::fs::create_dir_all(dir);
    Some(dir.join(FILE_NAME))
}

impl GradeBook {
    /// The grade book in the data directory `dir` (the progress store's).
    pub fn in_dir(dir: &Path) -> Result<GradeBook, GradeBookError> {
        std::fs::create_dir_all(dir).map_err(|e| open_err(dir, OpenReason::Os(Reason::of(&e))))?;
        GradeBook::open(&dir.join(FILE_NAME))
    }

    /// Opens (or creates) the grade book at `path` and brings an older schema
    /// forward. A file that is not a grade book or is from a newer nettutor is
    /// refused and left unchanged.
    pub fn open(path: &Path) -> Result<GradeBook, GradeBookError> {
        if let Ok(meta) = std::fs::metadata(path)
            && let Some(what) = crate::output_file::kind_of(meta.file_type())
        {
            return Err(open_err(path, OpenReason::NotAFile(what)));
        }
        let mut conn = Connection::open(path).map_err(sql_err(path))?;
        conn.busy_timeout(BUSY_WAIT)?;
        let found = schema::version(&conn).map_err(sql_err(path))?;
        let known = schema::latest();
        if found > known {
            return Err(GradeBookError::Newer {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        if found == 0 && has_foreign_tables(&conn).map_err(sql_err(path))? {
            return Err(open_err(path, OpenReason::Foreign));
        }
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(sql_err(path))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        if found < known {
            // Another process may have migrated meanwhile: read again under
            // the write lock.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = schema::version(&tx)?;
            if now < known {
                schema::migrate(&tx, now)?;
            }
            tx.commit()?;
        }
        Ok(GradeBook {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A write transaction, holding the write lock from its start (so it
    /// waits for another writer instead of failing half-way).
    fn write(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn version(&self) -> Result<u32, GradeBookError> {
        Ok(schema::version(&self.conn)?)
    }

    /// Starts a session; its answers follow with [`GradeBook::record_answer`].
    /// A session whose `sitting` is already in the book gives that session back.
    pub fn begin_session(&mut self, new: &NewSession) -> Result<SessionId, GradeBookError> {
        let tx = self.write()?;
        let id = insert_session(
            &tx,
            &SessionRow {
                kind: new.kind,
                seed: new.seed,
                topics: new.topics.join(","),
                questions: new.questions,
                started: rfc3339(new.started),
                sitting: new.sitting.clone(),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records one answer, in one transaction. Returns false (and changes
    /// nothing) when this student already has an answer at this position in
    /// this session.
    pub fn record_answer(
        &mut self,
        session: SessionId,
        answer: &RecordedAnswer,
    ) -> Result<bool, GradeBookError> {
        let tx = self.write()?;
        let recorded = insert_answer(&tx, session, answer)?;
        tx.commit()?;
        Ok(recorded)
    }

    /// Marks the session ended at `ended`.
    pub fn finish_session(
        &mut self,
        session: SessionId,
        ended: SystemTime,
    ) -> Result<(), GradeBookError> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE sessions SET ended = ?1 WHERE id = ?2",
            params![rfc3339(ended), session.0],
        )?;
        if changed == 0 {
            return Err(GradeBookError::NoSession(session));
        }
        tx.commit()?;
        Ok(())
    }

    /// The sessions, oldest first.
    pub fn sessions(&self) -> Result<Vec<SessionInfo>, GradeBookError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, seed, topics, questions, started, ended FROM sessions ORDER BY id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(SessionInfo {
                id: SessionId(row.get(0)?),
                kind: row.get(1)?,
                seed: row.get(2)?,
                topics: row.get(3)?,
                questions: usize::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
                started: row.get(5)?,
                ended: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a `nettutor check` run: the exercise, each property passed or
    /// not, and who ran it; one transaction. Returns the run's number.
    pub fn record_check(&mut self, run: &CheckRun) -> Result<i64, GradeBookError> {
        let tx = self.write()?;
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO check_runs (student, exercise, at, passed, failed, total)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                run.student,
                run.exercise,
                rfc3339(run.at),
                count(run.passed),
                count(run.failed),
                count(run.properties.len()),
            ],
        )?;
        let id = tx.last_insert_rowid();
        for (property, passed) in &run.properties {
            tx.execute(
                "INSERT INTO check_properties (run_id, property, passed) VALUES (?1, ?2, ?3)",
                params![id, property, passed],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// The connection, for reports and tests (reading).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// A table a grade book does not have: the file is something else.
fn has_foreign_tables(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table'",
        [],
        |row| row.get(0),
    )
}

/// A session as stored.
struct SessionRow {
    kind: SessionKind,
    seed: u64,
    topics: String,
    questions: usize,
    started: String,
    sitting: Option<String>,
}

/// Inserts a session (inside the caller's transaction), or finds the one with
/// the same sitting.
fn insert_session(conn: &Connection, s: &SessionRow) -> rusqlite::Result<SessionId> {
    if let Some(sitting) = &s.sitting
        && let Some(id) = find_sitting(conn, sitting)?
    {
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO sessions (kind, seed, topics, questions, started, sitting)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            s.kind.to_string(),
            s.seed.to_string(),
            s.topics,
            i64::try_from(s.questions).unwrap_or(i64::MAX),
            s.started,
            s.sitting,
        ],
    )?;
    Ok(SessionId(conn.last_insert_rowid()))
}

fn find_sitting(conn: &Connection, sitting: &str) -> rusqlite::Result<Option<SessionId>> {
    conn.query_row(
        "SELECT id FROM sessions WHERE sitting = ?1",
        [sitting],
        |row| row.get(0).map(SessionId),
    )
    .optional()
}

/// Inserts one answer (inside the caller's transaction); false when the
/// student already answered at that position.
fn insert_answer(
    conn: &Connection,
    session: SessionId,
    a: &RecordedAnswer,
) -> Result<bool, GradeBookError> {
    let exists: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sessions WHERE id = ?1",
        [session.0],
        |row| row.get(0),
    )?;
    if !exists {
        return Err(GradeBookError::NoSession(session));
    }
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO answers (session_id, student, position, question_id, instance_id,
             question, answer, answer_value, correct_answer, correct, time_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            session.0,
            a.student,
            i64::try_from(a.position).unwrap_or(i64::MAX),
            a.question_id,
            a.instance_id,
            a.question,
            a.answer,
            a.answer_value,
            a.correct_answer,
            a.correct,
            i64::try_from(a.time_ms).unwrap_or(i64::MAX),
        ],
    )?;
    Ok(inserted == 1)
}

#[cfg(test)]
mod tests;
