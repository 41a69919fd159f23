//! `nettutor quiz …`: a seeded quiz in the terminal UI, or in plain mode
//! (stdin/stdout) for scripts, screen readers and classes.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::out::{say, warn};
use crate::class::gradebook::recorder::QuizRecorder;
use crate::i18n::{Lang, t, tf};
use crate::lesson::PanelArg;
use crate::lesson::panel::QuizArg;
use crate::quiz::mastery::Mastery;
use crate::quiz::plain::{self, AnswerSource, ReaderSource, StdinThread};
use crate::quiz::session::{self, MAX_COUNT, QuizSpec, Session};
use crate::quiz::{export, parse_topics, results};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct QuizArgs {
    /// Topics, comma-separated: subnet, binary, addr, osi, ports, tcp, lab,
    /// sockets, or all (the default).
    #[arg(long, value_name = "TOPIC[,TOPIC…]", value_delimiter = ',')]
    pub topic: Vec<String>,

    /// Number of questions.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=500))]
    pub count: u16,

    /// The same seed gives the same quiz (give a whole class one quiz). Without
    /// it, questions you missed before come back first.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Time for the whole quiz, in seconds; unanswered questions count wrong.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub time_limit: Option<u64>,

    /// Questions on stdout, answers from stdin one per line (empty line: no
    /// answer; end of input ends the quiz). The last line is `score: C/N`.
    #[arg(long)]
    pub plain: bool,

    /// Write one row per question to FILE (.json or .csv), checked before the
    /// first question. A device, FIFO or folder is refused (exit 2).
    #[arg(long, value_name = "FILE.json|FILE.csv")]
    pub results: Option<PathBuf>,

    /// Ask only what spaced repetition has due today (up to --count); says
    /// when the next review is if nothing is due.
    #[arg(long, conflicts_with = "seed")]
    pub due: bool,

    /// Exam mode: each answer is recorded, right or wrong is shown only at the
    /// end and the right answers never; a malformed answer is asked again.
    #[arg(long)]
    pub exam: bool,

    /// Who takes the quiz (recorded in the results file and the grade book).
    #[arg(long, value_name = "NAME")]
    pub student: Option<String>,

    /// The grade book to record in (default: gradebook.sqlite3 in the data
    /// directory, `NETTUTOR_HOME`).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Print mastery per topic (from earlier quizzes) and exit.
    #[arg(long)]
    pub progress: bool,

    /// Questions from the labs' real outcomes: runs the concurrency, dns,
    /// http and dhcp labs on loopback first (a few seconds, parameters from
    /// the seed), then asks what they showed; `--topic sockets` or `lab`
    /// picks among them.
    #[arg(long, requires = "plain", conflicts_with_all = ["due", "net"])]
    pub labs: bool,

    /// Questions from the virtual network's real outcomes: runs its
    /// experiments first (Linux user namespaces; tcp-loss at 5 % loss with the
    /// quiz's seed), then asks what they showed. Without user namespaces it
    /// says why and asks nothing.
    #[arg(long, requires = "plain", conflicts_with = "due")]
    pub net: bool,

    #[command(subcommand)]
    pub cmd: Option<QuizCmd>,
}

#[derive(Debug, clap::Subcommand)]
pub enum QuizCmd {
    /// Write the question bank for an LMS (Moodle): the authored questions and
    /// a seeded sample of generated ones, each language its own category.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// gift (Moodle's text format) or moodle-xml (with the ordering type).
    #[arg(long, value_enum)]
    pub format: export::Format,

    /// Only these topics (as for a quiz); all by default.
    #[arg(long, value_name = "TOPIC[,TOPIC…]", value_delimiter = ',')]
    pub topic: Vec<String>,

    /// The seed of the generated sample (the same seed, the same sample).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,

    /// Generated questions per generator (0: authored questions only).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(0..=50))]
    pub generated: u16,

    /// The file to write (a new one: an existing file is never overwritten).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `nettutor quiz export`.
fn run_export(args: &ExportArgs, lessons: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    let topics = parse_topics(&args.topic)?;
    // Before any work: an unusable or existing path fails now.
    crate::output_file::check(&args.file)?;
    if args.file.symlink_metadata().is_ok() {
        return Err(crate::output_file::OutputError::Exists {
            path: args.file.clone(),
        }
        .into());
    }
    let set = super::lesson_set(lessons, lang)?;
    let spec = export::ExportSpec {
        topics,
        seed: args.seed,
        per_generator: usize::from(args.generated),
    };
    let questions = export::questions(&spec, &set.questions);
    anyhow::ensure!(!questions.is_empty(), "{}", t(lang, "cli.err.no_questions"));
    let bytes = match args.format {
        export::Format::Gift => export::gift(&questions).into_bytes(),
        export::Format::MoodleXml => export::moodle_xml(&questions)?,
    };
    crate::output_file::write_new(&args.file, &bytes)?;
    let generated = questions
        .iter()
        .filter(|q| crate::quiz::generators::by_id(&q.id).is_some())
        .count();
    warn(&tf(
        lang,
        "quiz.export.written",
        &[
            ("path", &args.file.display().to_string()),
            ("authored", &(questions.len() - generated).to_string()),
            ("generated", &generated.to_string()),
        ],
    ));
    Ok(ExitCode::SUCCESS)
}

pub fn run(args: QuizArgs, lessons: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    if let Some(QuizCmd::Export(export)) = &args.cmd {
        return run_export(export, lessons, lang);
    }
    let store = Store::open_default().ok();
    if args.progress {
        // Read-only: reports what is wrong with the file, never moves it.
        let (mastery, warnings) = store
            .as_ref()
            .map(Mastery::load_with_warnings)
            .unwrap_or_default();
        for w in &warnings {
            warn(&format!("nettutor: {w}"));
        }
        say(&progress_report(&mastery, lang))?;
        return Ok(ExitCode::SUCCESS);
    }
    let topics = parse_topics(&args.topic)?;
    if let Some(path) = &args.results {
        // Before the first question: an unusable or existing path fails now,
        // not after the student has answered everything.
        results::check_path(path)?;
    }
    let count = usize::from(args.count).min(MAX_COUNT);
    if !args.plain {
        return run_tui(&args, &topics, count, lessons, lang);
    }
    let set = super::lesson_set(lessons, lang)?;
    let (mut mastery, warnings) = store
        .as_ref()
        .map(Mastery::load_with_warnings)
        .unwrap_or_default();
    for w in &warnings {
        warn(&format!("nettutor: {w}"));
    }
    // A given seed alone decides the quiz; otherwise what is due comes first.
    let due = if args.seed.is_some() {
        Vec::new()
    } else {
        mastery.due()
    };
    let spec = QuizSpec {
        // The virtual network's questions are all of the lab topic: the
        // header names that, not every topic.
        topics: if args.net {
            vec![crate::quiz::Topic::Lab]
        } else {
            topics
        },
        count,
        seed: args.seed.unwrap_or_else(session::fresh_seed),
    };
    let questions = if args.labs {
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(spec.seed);
        match crate::quiz::generators::labrun::offer(&mut rng, &spec.topics) {
            Ok(mut questions) => {
                questions.truncate(count);
                questions
            }
            Err(why) => {
                warn(&format!("nettutor: no lab questions: {why}"));
                return Ok(ExitCode::from(2));
            }
        }
    } else if args.net {
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(spec.seed);
        match crate::quiz::generators::net::offer(
            &mut rng,
            None,
            crate::quiz::generators::net::DEFAULT_LOSS_PCT,
            spec.seed,
        ) {
            Ok(mut questions) => {
                questions.truncate(count);
                questions
            }
            Err(skipped) => {
                warn(&format!("nettutor: {skipped}"));
                return Ok(ExitCode::from(2));
            }
        }
    } else if args.due {
        let now = chrono::Utc::now();
        let questions = mastery.due_quiz(&spec, &set.questions, now);
        if questions.is_empty() {
            say(&format!("{}\n", mastery.nothing_due(lang, now)))?;
            return Ok(ExitCode::SUCCESS);
        }
        questions
    } else {
        session::build(&spec, &set.questions, &due)
    };
    anyhow::ensure!(!questions.is_empty(), "{}", t(lang, "cli.err.no_questions"));
    let mut session = Session::new(spec, questions);
    session.exam = args.exam;
    session.student = student_name(args.student.as_deref());
    let student = session.student.clone();
    let time_limit = args.time_limit.map(Duration::from_secs);
    let mut source: Box<dyn AnswerSource> = if time_limit.is_some() {
        Box::new(StdinThread::spawn())
    } else {
        Box::new(ReaderSource(io::stdin().lock()))
    };
    let mut saver = Saver {
        store: store.as_ref(),
        mastery: &mut mastery,
        // An unreadable file was reported at load; do not say it again.
        failed: store.as_ref().is_some_and(|s| !s.writable()),
    };
    let mut book = match crate::class::gradebook::book_path(args.db.as_deref(), store.as_ref()) {
        Some(path) => QuizRecorder::begin(&path, &session, lang),
        None => QuizRecorder::off(),
    };
    if let Some(w) = book.warning() {
        warn(&format!("nettutor: {w}"));
    }
    let mut stdout = io::stdout().lock();
    // Every answer is saved as it is given (mastery and the grade book):
    // Ctrl-C, SIGTERM or SIGKILL later loses nothing already answered.
    let ran = plain::run(
        &mut session,
        lang,
        source.as_mut(),
        &mut stdout,
        time_limit,
        &mut |position, q, record| {
            saver.mastery.record(q, record.verdict.is_correct());
            saver.save();
            book.answer(&student, position, q, record);
            if let Some(w) = book.warning() {
                warn(&format!("nettutor: {w}"));
            }
        },
    );
    drop(stdout);
    let closed = match ran {
        Ok(()) => false,
        // A reader that stops early (`| head`) is not an error; the answers
        // given are saved all the same.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => true,
        Err(e) => return Err(super::out::StdoutError(e).into()),
    };
    if !closed {
        saver.mastery.finish_quiz();
        saver.save();
    }
    book.finish(&session, std::time::SystemTime::now());
    if let Some(w) = book.warning() {
        warn(&format!("nettutor: {w}"));
    }
    if let Some(path) = &args.results {
        let results = results::results(&session, lang, std::time::SystemTime::now());
        let written = results::write(path, &results)?;
        warn(&tf(
            lang,
            "quiz.results.written",
            &[("path", &written.display().to_string())],
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `--student`, cleaned ([`crate::class::live::names::student`]): the name
/// reaches files, the grade book and the report on a terminal.
pub fn student_name(given: Option<&str>) -> String {
    crate::class::live::names::student(given.unwrap_or_default())
}

/// Saves mastery after each answer; the first failure is reported once and
/// later answers are still tried (a lock held too long may pass).
struct Saver<'a> {
    store: Option<&'a Store>,
    mastery: &'a mut Mastery,
    failed: bool,
}

impl Saver<'_> {
    fn save(&mut self) {
        let Some(store) = self.store else {
            return;
        };
        match self.mastery.save(store) {
            Ok(None) => {}
            Ok(Some(warning)) => warn(&format!("nettutor: {warning}")),
            Err(e) if !self.failed => {
                self.failed = true;
                warn(&format!("nettutor: mastery not saved: {e}"));
            }
            Err(_) => {}
        }
    }
}

/// The terminal UI, opened on the Quiz panel with this quiz.
fn run_tui(
    args: &QuizArgs,
    topics: &[crate::quiz::Topic],
    count: usize,
    lessons: Option<PathBuf>,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    // The typed value the Quiz panel opens on: no text round trip, so a
    // results path may contain spaces.
    let open = PanelArg::Quiz(QuizArg {
        topics: topics.to_vec(),
        count: Some(count),
        seed: args.seed,
        time: args.time_limit,
        results: args.results.clone(),
        due: args.due,
        exam: args.exam,
        student: args.student.as_deref().map(|s| student_name(Some(s))),
        db: args.db.clone(),
        drill: None,
    });
    crate::ui::run(crate::ui::Options {
        lang,
        lessons_dir: lessons,
        open: Some(open),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        ..crate::ui::Options::default()
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Mastery per topic as text bars.
pub fn progress_report(mastery: &Mastery, lang: Lang) -> String {
    let topics = mastery.by_topic(chrono::Utc::now());
    if topics.is_empty() {
        return format!("{}\n", t(lang, "quiz.progress.empty"));
    }
    let mut out = format!("{}\n", t(lang, "quiz.progress.title"));
    for m in topics {
        let filled = (m.strength * 20.0).round() as usize;
        out.push_str(&format!(
            "{:<8} {}{} {:>3}%  ({}/{})\n",
            m.topic.name(),
            "█".repeat(filled.min(20)),
            "░".repeat(20usize.saturating_sub(filled)),
            (m.strength * 100.0).round() as u32,
            m.correct,
            m.seen
        ));
    }
    out
}
