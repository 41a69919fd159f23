//! `nettutor class report [--db FILE] [--session ID] [--csv FILE]`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use unicode_truncate::UnicodeTruncateStr as _;
use unicode_width::UnicodeWidthStr as _;

use crate::class::gradebook::report::Report;
use crate::class::gradebook::{GradeBook, SessionId};
use crate::class::live::names::printable;
use crate::cli::out::{say, warn};
use crate::i18n::{Lang, t, tf};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The grade book (default: gradebook.sqlite3 in the data directory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Only this session (its number, as the report lists them).
    #[arg(long, value_name = "ID")]
    pub session: Option<i64>,

    /// Also write the per-student scores as CSV for an LMS (a new file; an
    /// existing one is never overwritten).
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
}

pub fn run(args: &ReportArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let path = super::book_path(args.db.as_deref())?;
    if let Some(csv) = &args.csv {
        // Before any work: an unusable or existing path fails now.
        crate::output_file::check(csv)?;
        if csv.symlink_metadata().is_ok() {
            return Err(crate::output_file::OutputError::Exists { path: csv.clone() }.into());
        }
    }
    if !path.exists() {
        return Err(crate::class::gradebook::GradeBookError::Missing { path }.into());
    }
    let book = GradeBook::open(&path)?;
    let report = book.report(args.session.map(SessionId))?;
    say(&render(&report, &path.display().to_string(), lang))?;
    if let Some(csv) = &args.csv {
        crate::output_file::write_new(csv, to_csv(&report).as_bytes())?;
        warn(&tf(
            lang,
            "class.report.csv",
            &[("path", &csv.display().to_string())],
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `s` padded with spaces to `cells` terminal cells (CJK is two cells each).
fn pad(s: &str, cells: usize) -> String {
    format!("{s}{}", " ".repeat(cells.saturating_sub(s.width())))
}

/// At most `cells` cells of `s`, with `…` when cut.
fn cut(s: &str, cells: usize) -> String {
    if s.width() <= cells {
        return s.to_string();
    }
    let (head, _) = s.unicode_truncate(cells.saturating_sub(1));
    format!("{head}…")
}

/// A name as the report prints it: what the book holds may come from a
/// student's keyboard or an imported file, so no escape sequence or control
/// character reaches the terminal ([`printable`]).
fn student_name(name: &str, lang: Lang) -> String {
    let name = printable(name);
    if name.is_empty() {
        t(lang, "class.report.anonymous").to_string()
    } else {
        name
    }
}

/// The report as text: sessions, questions (hardest first), students, the
/// distribution as bars.
pub fn render(report: &Report, path: &str, lang: Lang) -> String {
    let sessions = crate::words::count(
        lang,
        u64::try_from(report.sessions.len()).unwrap_or(u64::MAX),
        "noun.session",
    );
    let mut out = tf(
        lang,
        "class.report.book",
        &[("path", path), ("n", &sessions)],
    );
    out.push('\n');
    for s in &report.sessions {
        let ended = s
            .ended
            .clone()
            .unwrap_or_else(|| t(lang, "class.report.not_ended").to_string());
        out.push_str(&format!(
            "  {}\n",
            tf(
                lang,
                "class.report.session",
                &[
                    ("id", &s.id.to_string()),
                    ("kind", &kind_name(&s.kind, lang)),
                    ("seed", &s.seed),
                    ("topics", &printable(&s.topics)),
                    ("n", &s.questions.to_string()),
                    ("started", &printable(&s.started)),
                    ("ended", &printable(&ended)),
                ],
            )
        ));
    }
    if report.questions.is_empty() {
        out.push_str(&format!("\n{}\n", t(lang, "class.report.empty")));
        return out;
    }
    let wrong_head = t(lang, "class.report.col.wrong");
    let wrong_width = report
        .questions
        .iter()
        .map(|q| wrong_cell(q.common_wrong.as_ref(), lang).width())
        .chain([wrong_head.width()])
        .max()
        .unwrap_or(0)
        .min(30);
    let id_width = report
        .questions
        .iter()
        .map(|q| printable(&q.instance_id).width())
        .max()
        .unwrap_or(0);
    out.push_str(&format!("\n{}\n", t(lang, "class.report.questions")));
    out.push_str(&format!(
        "  {} {} {}  {}  {}\n",
        pad(t(lang, "class.report.col.right"), 6),
        pad(t(lang, "class.report.col.answers"), 8),
        pad(wrong_head, wrong_width),
        pad(t(lang, "class.report.col.id"), id_width),
        t(lang, "class.report.col.question")
    ));
    for q in &report.questions {
        let prompt = printable(q.question.lines().next().unwrap_or_default());
        out.push_str(&format!(
            "  {} {} {}  {}  {}\n",
            pad(&format!("{:>4}%", (q.share_correct() * 100.0).round()), 6),
            pad(&format!("{:>5}", q.answered), 8),
            pad(
                &cut(&wrong_cell(q.common_wrong.as_ref(), lang), wrong_width),
                wrong_width
            ),
            pad(&printable(&q.instance_id), id_width),
            cut(&prompt, 50)
        ));
    }
    out.push_str(&format!("\n{}\n", t(lang, "class.report.students")));
    let name_width = report
        .students
        .iter()
        .map(|s| student_name(&s.student, lang).width())
        .max()
        .unwrap_or(0)
        .min(32);
    for s in &report.students {
        out.push_str(&format!(
            "  {} {:>4}/{:<4} {:>3}%\n",
            pad(
                &cut(&student_name(&s.student, lang), name_width),
                name_width
            ),
            s.correct,
            s.asked,
            s.percent()
        ));
    }
    out.push_str(&format!("\n{}\n", t(lang, "class.report.distribution")));
    let most = report
        .distribution
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    for (i, n) in report.distribution.iter().enumerate() {
        let label = if i == 9 {
            "90–100%".to_string()
        } else {
            format!("{}–{}%", i * 10, i * 10 + 9)
        };
        let bar = "█".repeat((n * 30).div_ceil(most));
        out.push_str(&format!("  {label:>7} {bar} {n}\n"));
    }
    out
}

/// A session kind in words (`exam` → "exam" / "考试"); an unknown one as stored.
fn kind_name(kind: &str, lang: Lang) -> String {
    let key = format!("class.kind.{kind}");
    if crate::i18n::has(&key) {
        t(lang, &key).to_string()
    } else {
        kind.to_string()
    }
}

/// "10.0.0.0 ×2", "(no answer) ×1", or "—" when nobody was wrong.
fn wrong_cell(wrong: Option<&(String, usize)>, lang: Lang) -> String {
    match wrong {
        None => "—".to_string(),
        Some((value, n)) => {
            // An answer as a student typed it: printed, never obeyed.
            let value = printable(value);
            let value = if value.is_empty() {
                t(lang, "class.report.no_answer")
            } else {
                value.as_str()
            };
            format!("{value} ×{n}")
        }
    }
}

/// One row per student: the identifier column an LMS matches on, then the
/// grade (percent, the LMS scales it) and its parts; a header row, fields
/// quoted as RFC 4180 says and formulas defused ([`crate::csv`]).
pub fn to_csv(report: &Report) -> String {
    let mut out = String::from("student,percent,correct,questions,sessions\n");
    for s in &report.students {
        out.push_str(&crate::csv::row([
            s.student.clone(),
            s.percent().to_string(),
            s.correct.to_string(),
            s.asked.to_string(),
            s.sessions.to_string(),
        ]));
    }
    out
}
