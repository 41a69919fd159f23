//! A quiz taken here (plain or in the TUI), recorded in the grade book as it
//! is answered: the session when the first question is asked, each answer the
//! moment it is given, the questions left unanswered and the end when it
//! ends. A grade book that cannot be opened or written never stops the quiz:
//! the first failure is kept for one warning and later writes are skipped.

use std::path::Path;
use std::time::SystemTime;

use super::{GradeBook, NewSession, RecordedAnswer, SessionId, SessionKind, sitting_key};
use crate::i18n::Lang;
use crate::quiz::results::rfc3339;
use crate::quiz::{Question, Record, Session};

/// Records one quiz session.
#[derive(Debug, Default)]
pub struct QuizRecorder {
    book: Option<GradeBook>,
    session: Option<SessionId>,
    /// Places already recorded (the rest are recorded as unanswered at the end).
    recorded: usize,
    lang: Option<Lang>,
    /// The first failure, for one warning.
    failure: Option<String>,
    warned: bool,
}

impl QuizRecorder {
    /// A recorder that records nothing (no data directory).
    pub fn off() -> QuizRecorder {
        QuizRecorder::default()
    }

    /// Opens the grade book at `path` and begins `session` in it.
    pub fn begin(path: &Path, session: &Session, lang: Lang) -> QuizRecorder {
        let mut recorder = QuizRecorder {
            lang: Some(lang),
            ..QuizRecorder::default()
        };
        let new = NewSession {
            kind: if session.exam {
                SessionKind::Exam
            } else {
                SessionKind::Quiz
            },
            seed: session.spec.seed,
            topics: session
                .spec
                .topics_or_all()
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
            questions: session.questions.len(),
            started: session.started,
            sitting: Some(sitting_key(
                &session.student,
                session.spec.seed,
                &rfc3339(session.started),
            )),
        };
        match GradeBook::open(path).and_then(|mut book| {
            let id = book.begin_session(&new)?;
            Ok((book, id))
        }) {
            Ok((book, id)) => {
                recorder.book = Some(book);
                recorder.session = Some(id);
            }
            Err(e) => recorder.failure = Some(e.to_string()),
        }
        recorder
    }

    /// Records the answer at `position` (0-based).
    pub fn answer(&mut self, student: &str, position: usize, q: &Question, record: &Record) {
        let (Some(book), Some(id), Some(lang)) = (self.book.as_mut(), self.session, self.lang)
        else {
            return;
        };
        let row = RecordedAnswer::of(student, position, q, record, lang);
        match book.record_answer(id, &row) {
            Ok(_) => self.recorded = self.recorded.max(position + 1),
            Err(e) => {
                self.failure.get_or_insert(e.to_string());
            }
        }
    }

    /// Records the questions not answered (after `Session::finish`) and the end.
    pub fn finish(&mut self, session: &Session, ended: SystemTime) {
        let from = self.recorded;
        for (position, (q, record)) in session
            .questions
            .iter()
            .zip(&session.records)
            .enumerate()
            .skip(from)
        {
            self.answer(&session.student, position, q, record);
        }
        let (Some(book), Some(id)) = (self.book.as_mut(), self.session) else {
            return;
        };
        if let Err(e) = book.finish_session(id, ended) {
            self.failure.get_or_insert(e.to_string());
        }
    }

    /// The first failure, once: a warning to show (later calls give None).
    pub fn warning(&mut self) -> Option<String> {
        if self.warned {
            return None;
        }
        let failure = self.failure.clone()?;
        self.warned = true;
        Some(format!("grade book not written: {failure}"))
    }

    /// The session recorded, if any.
    pub fn session(&self) -> Option<SessionId> {
        self.session
    }
}
