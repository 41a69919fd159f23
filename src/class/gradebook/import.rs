//! `nettutor class import`: results files (`--results FILE.json`) from
//! machines that were offline, merged into the grade book. A results file is
//! one sitting (student, seed, start); importing it again, or importing the
//! file of a quiz that was recorded here already, adds nothing. A sitting that
//! is in the book with answers missing (its grade book was not writable for a
//! while) gets the missing ones.

use super::{GradeBook, GradeBookError, SessionId, SessionKind, SessionRow, insert_answer};
use super::{RecordedAnswer, insert_session, sitting_key};
use crate::quiz::results::Results;

/// What one import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub session: SessionId,
    /// Answers added (0 when everything was in the book already).
    pub added: usize,
    /// Answers the file had.
    pub rows: usize,
}

impl GradeBook {
    /// Merges one results file's sitting, in one transaction.
    pub fn import_results(&mut self, results: &Results) -> Result<Imported, GradeBookError> {
        // A file from elsewhere: its name is cleaned as `--student` is.
        let student = crate::class::live::names::student(&results.student);
        let tx = self.write()?;
        let session = insert_session(
            &tx,
            &SessionRow {
                kind: if results.exam {
                    SessionKind::Exam
                } else {
                    SessionKind::Quiz
                },
                seed: results.seed,
                topics: results.topics.join(","),
                questions: results.total,
                started: results.started.clone(),
                sitting: Some(sitting_key(&student, results.seed, &results.started)),
            },
        )?;
        let mut added = 0;
        for (position, row) in results.questions.iter().enumerate() {
            let answer = RecordedAnswer {
                student: student.clone(),
                position,
                question_id: row.question_id.clone(),
                instance_id: row.instance_id.clone(),
                question: row.question.clone(),
                answer: row.answer.clone(),
                answer_value: row.answer_value.clone(),
                correct_answer: row.correct_answer.clone(),
                correct: row.correct,
                time_ms: (row.seconds * 1000.0).round().max(0.0) as u64,
            };
            if insert_answer(&tx, session, &answer)? {
                added += 1;
            }
        }
        tx.execute(
            "UPDATE sessions SET ended = ?1 WHERE id = ?2 AND ended IS NULL",
            rusqlite::params![results.ended, session.0],
        )?;
        tx.commit()?;
        Ok(Imported {
            session,
            added,
            rows: results.questions.len(),
        })
    }
}
