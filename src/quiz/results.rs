//! Results for an instructor: one row per question, as JSON or CSV.

use std::path::Path;

use serde::Serialize;

use super::answer::correct_answer;
use super::session::Session;
use crate::i18n::Lang;
use crate::lesson::question::letter;
use crate::lesson::{Question, QuestionKind};

/// One row of the results file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultRow {
    pub question_id: String,
    pub concepts: Vec<String>,
    pub question: String,
    /// What the student answered ("" for none).
    pub answer: String,
    /// The right answer in a form plain mode accepts.
    pub correct_answer: String,
    pub correct: bool,
    pub seconds: f64,
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
            ResultRow {
                question_id: q.id.clone(),
                concepts: q.concepts.clone(),
                question: question_text(q, lang),
                answer: record.map(|r| r.answer.clone()).unwrap_or_default(),
                correct_answer: correct_answer(&q.kind),
                correct: record.is_some_and(|r| r.verdict.is_correct()),
                seconds: record.map_or(0.0, |r| (r.seconds * 10.0).round() / 10.0),
            }
        })
        .collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV with a header; concepts joined by `;`.
pub fn to_csv(rows: &[ResultRow]) -> String {
    let mut out =
        String::from("question_id,concepts,question,answer,correct_answer,correct,seconds\n");
    for r in rows {
        let fields = [
            csv_field(&r.question_id),
            csv_field(&r.concepts.join(";")),
            csv_field(&r.question),
            csv_field(&r.answer),
            csv_field(&r.correct_answer),
            r.correct.to_string(),
            format!("{:.1}", r.seconds),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Writes `rows` to `path` atomically (`crate::output_file`): `.csv` as CSV,
/// anything else as a JSON array.
pub fn write(path: &Path, rows: &[ResultRow]) -> anyhow::Result<()> {
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let body = if csv {
        to_csv(rows)
    } else {
        serde_json::to_string_pretty(rows)? + "\n"
    };
    crate::output_file::write_atomic(path, body.as_bytes())?;
    Ok(())
}
