//! `nettutor class host …`: the live session's host, on the projector or
//! `--headless` on its own clock (scripts and tests).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Args;

use crate::class::live::host::{Host, HostConfig, HostEvent, Limits, Phase};
use crate::class::live::names;
use crate::i18n::{Lang, tf};
use crate::lesson::Question;
use crate::quiz::parse_topics;
use crate::quiz::session::{self, MAX_COUNT, QuizSpec};

#[derive(Debug, Args)]
pub struct HostArgs {
    /// Where students connect. The default is loopback on a free port (this
    /// machine only); a classroom names its address, e.g. 0.0.0.0:7700.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,

    /// Topics, comma-separated (as for `quiz`); all by default.
    #[arg(long, value_name = "TOPIC[,TOPIC…]", value_delimiter = ',')]
    pub topic: Vec<String>,

    /// Number of questions.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=500))]
    pub count: u16,

    /// The seed of the room's one question set.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Exam: students see neither right or wrong nor the explanations, only
    /// their score at the end; a malformed answer is asked again.
    #[arg(long)]
    pub exam: bool,

    /// Time for each question, in seconds (decimals allowed).
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = seconds)]
    pub question_time: Duration,

    /// The grade book to record in (default: gradebook.sqlite3 in the data directory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Show the top five on the host screen (off by default).
    #[arg(long)]
    pub leaderboard: bool,

    /// No screen: print `listening ADDR:PORT code CODE`, then one JSON line
    /// per event, and run the session on its own clock.
    #[arg(long)]
    pub headless: bool,

    /// Headless: start the first question when this many students have joined.
    #[arg(long, value_name = "N", requires = "headless")]
    pub expect: Option<usize>,

    /// Headless: start anyway after this long in the lobby, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = seconds)]
    pub lobby: Duration,

    /// Headless: how long each reveal stays before the next question, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = seconds)]
    pub reveal_time: Duration,

    /// Seconds a new connection has to say hello with the right code.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = seconds, hide = true)]
    pub hello_timeout: Duration,
}

/// Seconds as a duration: 0.01 to 86400, decimals allowed.
fn seconds(s: &str) -> Result<Duration, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !(0.01..=86_400.0).contains(&v) {
        return Err(format!("{s} s is out of range (0.01 to 86400)"));
    }
    Ok(Duration::from_secs_f64(v))
}

/// The room's questions: one seeded set for everyone.
fn questions(
    args: &HostArgs,
    lessons: Option<PathBuf>,
    lang: Lang,
) -> anyhow::Result<(QuizSpec, Vec<Question>)> {
    let topics = parse_topics(&args.topic)?;
    let set = crate::cli::lesson_set(lessons, lang)?;
    let spec = QuizSpec {
        topics,
        count: usize::from(args.count).min(MAX_COUNT),
        seed: args.seed.unwrap_or_else(session::fresh_seed),
    };
    let questions = session::build(&spec, &set.questions, &[]);
    anyhow::ensure!(
        !questions.is_empty(),
        "{}",
        crate::i18n::t(lang, "cli.err.no_questions")
    );
    Ok((spec, questions))
}

pub fn run(
    args: &HostArgs,
    lessons: Option<PathBuf>,
    lang: Lang,
    look: super::Look,
) -> anyhow::Result<ExitCode> {
    let (spec, questions) = questions(args, lessons, lang)?;
    // The screen's checks before anything is bound.
    let theme = if args.headless {
        None
    } else {
        use std::io::IsTerminal as _;
        anyhow::ensure!(
            std::io::stdout().is_terminal(),
            "{}",
            crate::i18n::t(lang, "class.host.err.no_terminal")
        );
        Some(crate::ui::theme::Theme::choose(look.0, look.1)?)
    };
    let path = super::book_path(args.db.as_deref())?;
    if args.db.is_none()
        && let Some(dir) = path.parent()
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "{}: {}",
                dir.display(),
                crate::output_file::reason_in(&e, lang)
            )
        })?;
    }
    let cfg = HostConfig {
        listen: args.listen,
        questions,
        spec,
        exam: args.exam,
        question_time: args.question_time,
        code: names::join_code(),
        limits: Limits {
            hello_timeout: args.hello_timeout,
            ..Limits::default()
        },
        lang,
    };
    let host = Host::bind(cfg, Some(&path)).with_context(|| {
        tf(
            lang,
            "class.host.err.bind",
            &[("addr", &args.listen.to_string())],
        )
    })?;
    if !args.listen.ip().is_loopback() {
        crate::cli::out::warn(&tf(
            lang,
            "class.host.exposed",
            &[("addr", &host.local_addr().to_string())],
        ));
    }
    match theme {
        None => headless(host, args),
        Some(theme) => {
            let host = crate::ui::class::host::run(host, args.leaderboard, lang, &theme)?;
            // After the screen is gone, where the session is in the grade book.
            let mut out = std::io::stdout().lock();
            summary(&mut out, &host)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One line on stdout, flushed at once (a script reads it as it comes).
fn line(out: &mut impl std::io::Write, text: &str) -> anyhow::Result<()> {
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| crate::cli::out::StdoutError(e).into())
}

/// The session on its own clock: the lobby until `--expect` students have
/// joined (or `--lobby` has passed), each question until everyone present
/// has answered or its time is up, each reveal for `--reveal-time`.
fn headless(mut host: Host, args: &HostArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    line(
        &mut out,
        &format!("listening {} code {}", host.local_addr(), host.code()),
    )?;
    let started = Instant::now();
    let mut revealed_at: Option<Instant> = None;
    let mut ended_at: Option<Instant> = None;
    loop {
        for event in host.step(Duration::from_millis(50)) {
            if matches!(event, HostEvent::Reveal { .. }) {
                revealed_at = Some(Instant::now());
            }
            line(&mut out, &serde_json::to_string(&event)?)?;
        }
        match host.phase() {
            Phase::Lobby => {
                let enough = args.expect.is_some_and(|n| host.students() >= n);
                if enough || started.elapsed() >= args.lobby {
                    host.next_question();
                }
            }
            Phase::Open { .. } => {}
            Phase::Revealed { .. } => {
                if revealed_at.is_none_or(|at| at.elapsed() >= args.reveal_time) {
                    revealed_at = None;
                    host.next_question();
                }
            }
            Phase::Ended => {
                let at = *ended_at.get_or_insert_with(Instant::now);
                if host.is_done() || at.elapsed() > Duration::from_secs(3) {
                    break;
                }
            }
        }
    }
    for event in host.step(Duration::ZERO) {
        line(&mut out, &serde_json::to_string(&event)?)?;
    }
    summary(&mut out, &host)?;
    Ok(ExitCode::SUCCESS)
}

/// `session ID: K students, M answers`.
fn summary(out: &mut impl std::io::Write, host: &Host) -> anyhow::Result<()> {
    // Fixed words (like `score: C/N`): scripts read this line.
    let session = host
        .session()
        .map_or_else(|| "-".to_string(), |s| s.to_string());
    line(
        out,
        &format!(
            "session {session}: {} students, {} answers",
            host.students(),
            host.answers()
        ),
    )
}
