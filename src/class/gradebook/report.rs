//! What `nettutor class report` shows, computed from the grade book: per
//! question (by instance id) how many answered and the share right, and the
//! most common wrong answer (by content) with how many gave it; per student
//! the score; and the class distribution of scores in tenths.

use rusqlite::params;

use super::{GradeBook, GradeBookError, SessionId, SessionInfo};

/// One question (instance) over the sessions reported.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionStat {
    pub instance_id: String,
    pub question_id: String,
    /// The question as one student saw it (its first line is the prompt).
    pub question: String,
    pub answered: usize,
    pub correct: usize,
    /// The most common wrong answer (by content; "" is no answer) and how
    /// many gave it.
    pub common_wrong: Option<(String, usize)>,
}

impl QuestionStat {
    /// Share of the answers that were right, 0.0..=1.0.
    pub fn share_correct(&self) -> f64 {
        if self.answered == 0 {
            0.0
        } else {
            self.correct as f64 / self.answered as f64
        }
    }
}

/// One student over the sessions reported: right answers out of the
/// questions asked (a question not answered counts as asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentScore {
    pub student: String,
    pub sessions: usize,
    pub correct: usize,
    pub asked: usize,
}

impl StudentScore {
    /// Whole percent, rounded down (90 % is 90 only when earned).
    pub fn percent(&self) -> u32 {
        (self.correct * 100)
            .checked_div(self.asked)
            .map_or(0, |p| u32::try_from(p).unwrap_or(100))
    }
}

/// The report of one session or of the whole book.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub sessions: Vec<SessionInfo>,
    /// Hardest first (lowest share right), then by instance id.
    pub questions: Vec<QuestionStat>,
    /// By name.
    pub students: Vec<StudentScore>,
    /// How many students scored 0–9 %, 10–19 %, …, 90–100 %.
    pub distribution: [usize; 10],
}

fn count(v: i64) -> usize {
    usize::try_from(v).unwrap_or(0)
}

impl GradeBook {
    /// The report of `session`, or of every session when None.
    pub fn report(&self, session: Option<SessionId>) -> Result<Report, GradeBookError> {
        let only = session.map(|s| s.0);
        let sessions: Vec<SessionInfo> = self
            .sessions()?
            .into_iter()
            .filter(|s| session.is_none_or(|id| s.id == id))
            .collect();
        if let Some(id) = session
            && sessions.is_empty()
        {
            return Err(GradeBookError::NoSession(id));
        }
        let conn = self.connection();
        let mut stmt = conn.prepare(
            "SELECT instance_id, min(question_id), min(question), count(*), sum(correct)
             FROM answers WHERE ?1 IS NULL OR session_id = ?1
             GROUP BY instance_id",
        )?;
        let mut questions: Vec<QuestionStat> = stmt
            .query_map(params![only], |row| {
                Ok(QuestionStat {
                    instance_id: row.get(0)?,
                    question_id: row.get(1)?,
                    question: row.get(2)?,
                    answered: count(row.get(3)?),
                    correct: count(row.get(4)?),
                    common_wrong: None,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut wrong = conn.prepare(
            "SELECT answer_value, count(*) AS n FROM answers
             WHERE instance_id = ?1 AND correct = 0 AND (?2 IS NULL OR session_id = ?2)
             GROUP BY answer_value ORDER BY n DESC, answer_value LIMIT 1",
        )?;
        for q in &mut questions {
            let mut rows = wrong.query(params![q.instance_id, only])?;
            if let Some(row) = rows.next()? {
                q.common_wrong = Some((row.get(0)?, count(row.get(1)?)));
            }
        }
        questions.sort_by(|a, b| {
            a.share_correct()
                .total_cmp(&b.share_correct())
                .then_with(|| a.instance_id.cmp(&b.instance_id))
        });
        let mut stmt = conn.prepare(
            "SELECT per.student, count(*), sum(per.correct), sum(s.questions)
             FROM (SELECT session_id, student, sum(correct) AS correct FROM answers
                   WHERE ?1 IS NULL OR session_id = ?1 GROUP BY session_id, student) AS per
             JOIN sessions s ON s.id = per.session_id
             GROUP BY per.student ORDER BY per.student",
        )?;
        let students: Vec<StudentScore> = stmt
            .query_map(params![only], |row| {
                Ok(StudentScore {
                    student: row.get(0)?,
                    sessions: count(row.get(1)?),
                    correct: count(row.get(2)?),
                    asked: count(row.get(3)?),
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut distribution = [0; 10];
        for s in &students {
            let bin = usize::try_from(s.percent() / 10).unwrap_or(9).min(9);
            distribution[bin] += 1;
        }
        Ok(Report {
            sessions,
            questions,
            students,
            distribution,
        })
    }
}
