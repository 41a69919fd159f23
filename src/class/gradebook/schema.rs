//! The grade book's schema, as numbered migrations. Migration N takes a file
//! from version N-1 to N; the version is the single row of `schema_version`.
//! A migration, once released, is never edited: a change is a new migration
//! at the end (a file made by an older nettutor is brought forward on open,
//! `tests/fixtures/gradebook-v1.sql` is such a file).

use rusqlite::{Connection, OptionalExtension as _, Transaction};

/// Migration `i` (0-based) takes version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: sessions and answers.
    "CREATE TABLE schema_version (version INTEGER NOT NULL);
     CREATE TABLE sessions (
         id INTEGER PRIMARY KEY,
         kind TEXT NOT NULL,
         seed TEXT NOT NULL,
         topics TEXT NOT NULL,
         questions INTEGER NOT NULL,
         started TEXT NOT NULL,
         ended TEXT
     );
     CREATE TABLE answers (
         id INTEGER PRIMARY KEY,
         session_id INTEGER NOT NULL REFERENCES sessions(id),
         student TEXT NOT NULL,
         position INTEGER NOT NULL,
         question_id TEXT NOT NULL,
         instance_id TEXT NOT NULL,
         question TEXT NOT NULL,
         answer TEXT NOT NULL,
         answer_value TEXT NOT NULL,
         correct_answer TEXT NOT NULL,
         correct INTEGER NOT NULL,
         time_ms INTEGER NOT NULL,
         UNIQUE (session_id, student, position)
     );
     CREATE INDEX answers_instance ON answers(instance_id);",
    // 2: which sitting a session is (student, seed and start of a quiz), so
    // `class import` of a results file that is already in (imported before,
    // or written by a quiz recorded here) adds nothing.
    "ALTER TABLE sessions ADD COLUMN sitting TEXT;
     CREATE UNIQUE INDEX sessions_sitting ON sessions(sitting) WHERE sitting IS NOT NULL;",
    // 3: `nettutor check` runs, one row per property.
    "CREATE TABLE check_runs (
         id INTEGER PRIMARY KEY,
         student TEXT NOT NULL,
         exercise TEXT NOT NULL,
         at TEXT NOT NULL,
         passed INTEGER NOT NULL,
         failed INTEGER NOT NULL,
         total INTEGER NOT NULL
     );
     CREATE TABLE check_properties (
         run_id INTEGER NOT NULL REFERENCES check_runs(id),
         property TEXT NOT NULL,
         passed INTEGER NOT NULL,
         PRIMARY KEY (run_id, property)
     );",
];

/// The version this nettutor writes.
pub fn latest() -> u32 {
    u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
}

/// The file's version: 0 for a new, empty file.
pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        [],
        |row| row.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    let v: Option<u32> = conn
        .query_row("SELECT version FROM schema_version", [], |row| row.get(0))
        .optional()?;
    Ok(v.unwrap_or(0))
}

/// Applies the migrations after `from`, all in `tx` (a failure leaves the
/// file as it was).
pub fn migrate(tx: &Transaction<'_>, from: u32) -> rusqlite::Result<()> {
    let from = usize::try_from(from).unwrap_or(usize::MAX);
    for sql in MIGRATIONS.iter().skip(from) {
        tx.execute_batch(sql)?;
    }
    tx.execute("DELETE FROM schema_version", [])?;
    tx.execute(
        "INSERT INTO schema_version (version) VALUES (?1)",
        [latest()],
    )?;
    Ok(())
}
