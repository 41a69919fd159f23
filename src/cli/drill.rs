//! `nettutor drill subnet …`: subnet problems whose fields are marked one by
//! one, with a hint naming the mistake behind each wrong field. Text on
//! stdout, answers on stdin (the Quiz panel will drive the same engine).

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::i18n::Lang;
use crate::quiz::drill::plain::{self, Header};
use crate::quiz::drill::pool::DrillProgress;
use crate::quiz::drill::{self, Drill, Problem, Spec, parse_kinds};
use crate::quiz::plain::{AnswerSource, ReaderSource, StdinThread};
use crate::quiz::session::fresh_seed;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum DrillCmd {
    /// Network, broadcast, hosts, prefixes, masks, splits, VLSM, routes.
    Subnet(DrillArgs),
}

#[derive(Debug, Args)]
pub struct DrillArgs {
    /// Kinds of problem, comma-separated: range, hosts, subnets, mask, split,
    /// vlsm, route, same, or all (the default).
    #[arg(long, value_name = "KIND[,KIND…]", value_delimiter = ',')]
    pub kind: Vec<String>,

    /// Number of problems.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=200))]
    pub count: u16,

    /// The same seed gives the same problems. Without it, problems you missed
    /// before come back first (until answered right three times in a row).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Time for the whole set, in seconds; fields not answered count wrong.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub time_limit: Option<u64>,

    /// Drill these hosts instead (range problems; repeatable), e.g.
    /// `--problem 192.168.37.77/27 --problem "10.0.0.1 255.255.255.252"`.
    #[arg(long, value_name = "ADDRESS/PREFIX")]
    pub problem: Vec<String>,

    /// For scripts and screen readers: one answer per line, one line per field
    /// (an empty line skips it); the last line is `score: C/N fields`. The
    /// drill is line-based either way; this is the stable form to script.
    #[arg(long)]
    pub plain: bool,
}

pub fn run(cmd: DrillCmd, lang: Lang) -> anyhow::Result<ExitCode> {
    let DrillCmd::Subnet(args) = cmd;
    let kinds = parse_kinds(&args.kind).map_err(anyhow::Error::msg)?;
    let count = usize::from(args.count);
    let store = Store::open_default().ok();
    let progress = store.as_ref().map(DrillProgress::load).unwrap_or_default();

    let given = args
        .problem
        .iter()
        .map(|input| {
            Spec::Range {
                input: input.clone(),
            }
            .build()
            .map_err(|e| anyhow::anyhow!("--problem {input}: {e}"))
        })
        .collect::<anyhow::Result<Vec<Problem>>>()?;
    // Problems given on the command line are the whole set; a given seed
    // alone decides it; otherwise missed problems come first.
    let pool: Vec<Problem> = if !given.is_empty() {
        given
    } else if args.seed.is_some() {
        Vec::new()
    } else {
        progress
            .due(&kinds, count)
            .iter()
            .filter_map(|spec| spec.build().ok())
            .collect()
    };
    let seed = args.seed.unwrap_or_else(fresh_seed);
    let from_pool = pool.len();
    let mut problems = pool;
    if args.problem.is_empty() {
        problems.extend(drill::generate(seed, count - from_pool, &kinds));
    }
    let from_pool = if args.problem.is_empty() {
        from_pool
    } else {
        0
    };
    anyhow::ensure!(
        !problems.is_empty(),
        "{}",
        crate::i18n::t(lang, "drill.err.no_problems")
    );

    let mut set = Drill::new(problems);
    let header = Header {
        kinds: kinds.iter().map(|k| k.name().to_string()).collect(),
        seed,
        from_pool,
    };
    let time_limit = args.time_limit.map(Duration::from_secs);
    let mut source: Box<dyn AnswerSource> = if time_limit.is_some() {
        Box::new(StdinThread::spawn())
    } else {
        Box::new(ReaderSource(io::stdin().lock()))
    };
    let mut stdout = io::stdout().lock();
    // Saved after every problem, read-change-write, so a drill cut short (or
    // another one running at the same time) loses nothing.
    let mut not_saved = None;
    let mut save = |d: &Drill| {
        let (Some(store), Some((problem, all_right))) = (&store, d.results().last()) else {
            return;
        };
        match DrillProgress::record_in(store, &problem.spec, all_right, d.best_streak) {
            Ok(Some(warning)) => eprintln!("nettutor: {warning}"),
            Ok(None) => {}
            Err(e) => not_saved = Some(e),
        }
    };
    let ran = plain::run(
        &mut set,
        &header,
        lang,
        source.as_mut(),
        &mut stdout,
        time_limit,
        &mut save,
    );
    // A reader that stops early (`| head`) is not an error.
    match ran {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    if let Some(e) = not_saved {
        eprintln!("nettutor: drill progress not saved: {e}");
    }
    Ok(ExitCode::SUCCESS)
}
