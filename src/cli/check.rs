//! `nettutor check --list` and `nettutor check EXERCISE [--json] [-o DIR]
//! [--port N] [--strict] -- COMMAND ARGS…`: test the student's own program.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::out::{say, say_line, warn};
use crate::check::{self, CheckError, CheckReport, Exercise, ExerciseSet, Options, Target};
use crate::i18n::{Lang, t, tf};

/// Exit code for a mistake in the command line (as clap uses).
const USAGE: u8 = 2;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  nettutor check --list\n  nettutor check echo-framed -- python3 server.py {port}\n  \
    nettutor check udp-time --json -o evidence -- python3 time_server.py {port}\n  \
    nettutor check line-chat --port 9000   (a program already running on 127.0.0.1:9000)"
)]
pub struct CheckArgs {
    /// The exercise to check (see --list).
    pub exercise: Option<String>,
    /// List the exercises and their properties.
    #[arg(long)]
    pub list: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Where to keep the evidence of failures (default: a new temporary directory).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The port of a program already running (or the fixed port COMMAND uses).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Also require the properties marked as only reported (e.g. `concurrent`).
    #[arg(long)]
    pub strict: bool,
    /// Seconds the program may take to start listening, each time it is started
    /// (default 5; at most 120). With --port: how long to wait for it to appear.
    #[arg(long, value_name = "SECONDS", value_parser = parse_wait)]
    pub wait: Option<Duration>,
    /// Who ran the check (recorded in the grade book with each property's verdict).
    #[arg(long, value_name = "NAME")]
    pub student: Option<String>,
    /// The grade book to record in (default: gradebook.sqlite3 in the data directory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Then open the report in the tutor (the exchange as a sequence diagram).
    #[arg(long)]
    pub open: bool,
    /// The student's program; `{port}` is replaced by a free loopback port.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// How the tutor looks when `--open` starts it (the global options).
#[derive(Debug, Clone, Default)]
pub struct Look {
    pub theme: Option<crate::ui::theme::ThemeName>,
    pub no_color: bool,
    pub export_dir: Option<PathBuf>,
}

pub fn run(
    args: CheckArgs,
    lessons: Option<PathBuf>,
    lang: Lang,
    look: Look,
) -> anyhow::Result<ExitCode> {
    let set = match ExerciseSet::load(lessons.as_deref(), None) {
        Ok(set) => set,
        Err(errors) => {
            warn(&errors.message(lang));
            return Ok(ExitCode::FAILURE);
        }
    };
    if args.list {
        say(&list_text(&set, lang))?;
        return Ok(ExitCode::SUCCESS);
    }
    let usage = |message: String| {
        warn(&format!("nettutor: check: {message}"));
        Ok(ExitCode::from(USAGE))
    };
    let Some(id) = args.exercise.as_deref() else {
        return usage(format!(
            "{}\n\n{}",
            t(lang, "check.err.name"),
            list_text(&set, lang)
        ));
    };
    let Some(exercise) = set.get(id) else {
        return usage(format!(
            "{}\n\n{}",
            tf(lang, "check.err.unknown", &[("id", id)]),
            list_text(&set, lang)
        ));
    };
    let target = match (args.command.is_empty(), args.port) {
        (true, None) => return usage(t(lang, "check.err.no_command").to_string()),
        (true, Some(port)) => Target::Running { port },
        (false, port) => {
            if port.is_none() && !args.command.iter().any(|a| a.contains("{port}")) {
                return usage(t(lang, "check.err.no_port").to_string());
            }
            Target::Spawn {
                command: args.command.clone(),
                port,
            }
        }
    };
    let options = Options {
        lang,
        strict: args.strict,
        evidence_dir: args.output,
        wait: args.wait,
        keep_report: args.open,
    };
    let report = match check::run(exercise, &target, &options) {
        Ok(report) => report,
        Err(CheckError::NotStarted(message)) => {
            warn(&format!("nettutor: check: {message}"));
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        say_line(&serde_json::to_string_pretty(&report.summary())?)?;
    } else {
        say(&report_text(exercise, &report, lang))?;
    }
    remember(&report, lang);
    record_in_gradebook(&report, args.db.as_deref(), args.student.as_deref());
    let code = if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    };
    if args.open
        && let Some(dir) = &report.evidence_dir
    {
        open_in_tutor(dir.join("report.json"), lessons, lang, look);
    }
    Ok(code)
}

/// Adds the check to the recent list the Labs panel shows (never fatal).
fn remember(report: &CheckReport, lang: Lang) {
    let Ok(store) = crate::store::Store::open_default() else {
        return;
    };
    if let Err(err) = check::history::record(store.dir(), check::history::CheckRecord::of(report)) {
        warn(&tf(lang, "check.history_failed", &[("err", &err)]));
    }
}

/// Records the run in the grade book: exercise, each property passed or not,
/// the student (never fatal: one warning).
fn record_in_gradebook(report: &CheckReport, db: Option<&std::path::Path>, student: Option<&str>) {
    let store = crate::store::Store::open_default().ok();
    let Some(path) = crate::class::gradebook::book_path(db, store.as_ref()) else {
        return;
    };
    let student = super::quiz::student_name(student);
    let run = crate::class::gradebook::CheckRun::of(&student, report);
    let recorded = crate::class::gradebook::GradeBook::open(&path)
        .and_then(|mut book| book.record_check(&run));
    if let Err(err) = recorded {
        warn(&format!("nettutor: grade book not written: {err}"));
    }
}

/// `--open`: the tutor on the check reports screen, showing `path`.
fn open_in_tutor(path: PathBuf, lessons: Option<PathBuf>, lang: Lang, look: Look) {
    let shown = path.display().to_string();
    let options = crate::ui::Options {
        lang,
        lessons_dir: lessons,
        theme: look.theme,
        no_color: look.no_color,
        present: false,
        lesson_ids: Vec::new(),
        open: Some(crate::lesson::PanelArg::Check(
            crate::lesson::panel::CheckArg { report: Some(path) },
        )),
        export_dir: look.export_dir,
    };
    if let Err(err) = crate::ui::run(options) {
        warn(&tf(
            lang,
            "check.open_failed",
            &[("err", &format!("{err:#}")), ("path", &shown)],
        ));
    }
}

/// `--wait SECONDS`: a number of seconds from 0.1 to 120 (decimals allowed).
fn parse_wait(text: &str) -> Result<Duration, String> {
    let max = check::runner::MAX_WAIT.as_secs_f64();
    match text.trim().parse::<f64>() {
        Ok(s) if (0.1..=max).contains(&s) => Ok(Duration::from_secs_f64(s)),
        Ok(_) => Err(format!("{text}: from 0.1 to {max} seconds")),
        Err(_) => Err(format!("{text}: a number of seconds, e.g. 10 or 2.5")),
    }
}

/// Every exercise with its properties and what each checks.
pub fn list_text(set: &ExerciseSet, lang: Lang) -> String {
    let mut out = String::new();
    for e in &set.exercises {
        let transport = format!("{:?}", e.transport).to_uppercase();
        let _ = writeln!(out, "{}  ({transport})  {}", e.id, e.title.get(lang));
        for p in &e.properties {
            let note = if p.required {
                String::new()
            } else {
                format!(" {}", t(lang, "check.advisory"))
            };
            let _ = writeln!(out, "    {:<16}{}{note}", p.name, p.about.get(lang));
        }
        if let Some(example) = &e.example {
            let _ = writeln!(
                out,
                "    {}: nettutor check {} -- {example}",
                t(lang, "check.try"),
                e.id
            );
        }
    }
    out
}

/// One line per property; for a failure, what was sent, expected and received,
/// a hint naming the concept and the lesson, and where the evidence is.
pub fn report_text(exercise: &Exercise, report: &CheckReport, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", exercise.id, exercise.title.get(lang));
    if let Some(user) = &report.ran_as {
        let _ = writeln!(out, "{}", tf(lang, "check.ran_as", &[("user", user)]));
    }
    for p in &report.properties {
        if p.passed {
            let _ = writeln!(out, "  {:<6}{}", t(lang, "check.pass"), p.name);
            continue;
        }
        let counted = p.required || report.strict;
        let mark = if counted {
            t(lang, "check.fail")
        } else {
            t(lang, "check.fail_advisory")
        };
        let note = if counted {
            String::new()
        } else {
            format!(" {}", t(lang, "check.advisory"))
        };
        let _ = writeln!(out, "  {mark:<6}{} — {}{note}", p.name, p.detail);
        let mut field = |key: &str, value: &str| {
            if !value.is_empty() {
                let label = t(lang, key);
                let indented = value.replace('\n', "\n                  ");
                let _ = writeln!(out, "        {label:<10}{indented}");
            }
        };
        field("check.sent", &p.sent);
        field("check.expected", &p.expected);
        field("check.got", &p.got);
        if let Some(program) = &p.program {
            field("check.program", program);
        }
        let hint = tf(
            lang,
            "check.hint_line",
            &[
                ("hint", &p.hint),
                ("concept", &p.concept),
                ("lesson", &p.lesson),
            ],
        );
        field("check.hint", &hint);
        let files: Vec<String> = p.evidence.iter().map(|f| f.display().to_string()).collect();
        field("check.evidence", &files.join(", "));
    }
    let total = report.properties.len().to_string();
    let _ = writeln!(
        out,
        "{}",
        tf(
            lang,
            "check.total",
            &[
                ("total", &total),
                ("passed", &report.passed.to_string()),
                ("failed", &report.failed.to_string())
            ]
        )
    );
    if let Some(why) = report
        .capture
        .as_deref()
        .filter(|_| report.properties.iter().any(|p| !p.passed))
    {
        let _ = writeln!(out, "{}", tf(lang, "check.no_capture", &[("why", why)]));
    }
    out
}
