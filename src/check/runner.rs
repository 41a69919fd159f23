//! Running a check: start the student's program (a fresh process on a fresh
//! port for every property, so one failure does not hide the next), wait until
//! it listens, play each property's move on loopback, stop it, keep evidence.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use super::evidence::{Recorder, is_loopback, write_evidence};
use super::exercise::{Exercise, Property, Transport};
use super::listen::loopback_address;
use super::log::Log;
use super::moves::{Peer, play};
use super::process::{Identity, Student, describe_status, substitute};
use super::report::{CheckReport, PropertyReport};
use crate::i18n::{Lang, tf};

/// How long a program may take to start listening, unless `--wait` says otherwise.
pub const START_WAIT: Duration = Duration::from_secs(5);
/// The longest `--wait` (a check is never left hanging on a program that never listens).
pub const MAX_WAIT: Duration = Duration::from_secs(120);

/// What to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Start this command; `{port}` in it is replaced by a free port, or by `port`.
    Spawn {
        command: Vec<String>,
        port: Option<u16>,
    },
    /// A program that is already running on this loopback port.
    Running { port: u16 },
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub lang: Lang,
    pub strict: bool,
    /// Where evidence goes; by default a new temporary directory (kept, and named).
    pub evidence_dir: Option<PathBuf>,
    /// How long the program may take to listen (each start); `None`: [`START_WAIT`].
    /// Capped at [`MAX_WAIT`].
    pub wait: Option<Duration>,
    /// Keep `report.json` even when everything passed (`--open` shows it).
    pub keep_report: bool,
}

impl Options {
    fn start_wait(&self) -> Duration {
        self.wait.unwrap_or(START_WAIT).min(MAX_WAIT)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0}")]
    NotStarted(String),
    #[error("{0}")]
    Evidence(String),
}

/// A started (or already running) program, reachable at `addr`.
struct Running {
    student: Option<Student>,
    addr: SocketAddr,
}

pub fn run(
    exercise: &Exercise,
    target: &Target,
    options: &Options,
) -> Result<CheckReport, CheckError> {
    let started = Instant::now();
    let lang = options.lang;
    let recorder = Recorder::start();
    let identity = Identity::for_child();
    let per_property = matches!(target, Target::Spawn { command, port: None } if command.iter().any(|a| a.contains("{port}")));
    if let Target::Spawn { port: None, .. } = target
        && !per_property
    {
        return Err(CheckError::NotStarted(tf(lang, "check.err.no_port", &[])));
    }
    let mut shared = if per_property {
        None
    } else {
        Some(launch(exercise, target, identity, options)?)
    };
    let mut report = CheckReport {
        exercise: exercise.id.clone(),
        command: match target {
            Target::Spawn { command, .. } => command.clone(),
            Target::Running { .. } => Vec::new(),
        },
        strict: options.strict,
        ran_as: matches!(
            (target, identity),
            (Target::Spawn { .. }, Identity::Dropped { .. })
        )
        .then(|| "nobody".to_string()),
        capture: recorder.as_ref().err().cloned(),
        evidence_dir: None,
        properties: Vec::new(),
        passed: 0,
        failed: 0,
        elapsed_ms: 0,
    };
    for (index, property) in exercise.properties.iter().enumerate() {
        let begun = Instant::now();
        let mut own = None;
        let running = if per_property {
            match launch(exercise, target, identity, options) {
                Ok(r) => own.insert(r),
                // The program never started: nothing else can be checked.
                Err(e) if index == 0 => return Err(e),
                Err(e) => {
                    report
                        .properties
                        .push(unreachable(property, lang, e.to_string(), begun));
                    continue;
                }
            }
        } else {
            match shared.as_mut() {
                Some(r) => r,
                None => return Err(CheckError::NotStarted(String::new())),
            }
        };
        if let Ok(rec) = &recorder {
            rec.follow(running.addr.port());
        }
        let log = Log::default();
        let peer = Peer {
            server: running.addr,
            exercise,
            lang,
            log: &log,
        };
        let outcome = play(&peer, &property.action);
        // A crash shows a moment after the bad input: after a failure, give the
        // program a bounded moment to end before judging whether it crashed.
        let settle = if outcome.passed {
            Duration::ZERO
        } else {
            Duration::from_millis(500)
        };
        let program = running.student.as_mut().and_then(|s| {
            s.exited_within(settle).map(|status| {
                let tail = s.final_output();
                tf(
                    lang,
                    "check.program.exited",
                    &[
                        ("status", &describe_status(status)),
                        ("output", &last_lines(&tail, 12)),
                    ],
                )
            })
        });
        let frames = match (&recorder, outcome.passed) {
            (Ok(rec), false) => rec.take(),
            _ => Vec::new(),
        };
        let addr = running.addr;
        if let Some(r) = own.take()
            && let Some(s) = r.student
        {
            s.stop();
        }
        report.properties.push(PropertyReport {
            name: property.name.clone(),
            passed: outcome.passed,
            required: property.required,
            detail: outcome.detail,
            sent: outcome.sent,
            expected: outcome.expected,
            got: outcome.got,
            concept: property.concept.clone(),
            lesson: property.lesson.clone(),
            hint: property.hint.get(lang).to_string(),
            program,
            server: Some(addr),
            evidence: Vec::new(),
            elapsed_ms: millis(begun),
            log: if outcome.passed {
                Vec::new()
            } else {
                log.into_entries()
            },
            frames,
        });
    }
    if let Some(r) = shared.take()
        && let Some(s) = r.student
    {
        s.stop();
    }
    drop(recorder);
    report.tally();
    report.elapsed_ms = millis(started);
    keep_evidence(&mut report, options)?;
    Ok(report)
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn unreachable(property: &Property, lang: Lang, why: String, begun: Instant) -> PropertyReport {
    PropertyReport {
        name: property.name.clone(),
        passed: false,
        required: property.required,
        detail: why.clone(),
        sent: String::new(),
        expected: String::new(),
        got: why,
        concept: property.concept.clone(),
        lesson: property.lesson.clone(),
        hint: property.hint.get(lang).to_string(),
        program: None,
        server: None,
        evidence: Vec::new(),
        elapsed_ms: millis(begun),
        log: Vec::new(),
        frames: Vec::new(),
    }
}

/// The last `n` lines of `text`.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A port nobody uses right now on 127.0.0.1 (the kernel's choice).
fn free_port(transport: Transport) -> Result<u16, CheckError> {
    let local = (Ipv4Addr::LOCALHOST, 0);
    let port = match transport {
        Transport::Tcp => TcpListener::bind(local).and_then(|l| l.local_addr()),
        Transport::Udp => UdpSocket::bind(local).and_then(|s| s.local_addr()),
    };
    port.map(|a| a.port())
        .map_err(|e| CheckError::NotStarted(e.to_string()))
}

fn launch(
    exercise: &Exercise,
    target: &Target,
    identity: Identity,
    options: &Options,
) -> Result<Running, CheckError> {
    let lang = options.lang;
    let wait = options.start_wait();
    let (command, port) = match target {
        Target::Running { port } => (None, *port),
        Target::Spawn {
            command,
            port: Some(p),
        } => (Some(command), *p),
        Target::Spawn {
            command,
            port: None,
        } => (Some(command), free_port(exercise.transport)?),
    };
    let mut student = match command {
        Some(command) => {
            let argv = substitute(command, port);
            let s = Student::start(&argv, identity).map_err(|e| {
                CheckError::NotStarted(tf(
                    lang,
                    "check.err.spawn",
                    &[("command", &argv.join(" ")), ("err", &e.to_string())],
                ))
            })?;
            Some(s)
        }
        None => None,
    };
    let deadline = Instant::now() + wait;
    loop {
        match loopback_address(exercise.transport, port) {
            Ok(Some(addr)) if is_loopback(addr.ip()) => return Ok(Running { student, addr }),
            Ok(_) => {}
            Err(ip) => return Err(not_loopback(lang, ip, port)),
        }
        if let Some(s) = student.as_mut()
            && let Some(status) = s.exited()
        {
            let output = last_lines(&s.final_output(), 12);
            return Err(CheckError::NotStarted(tf(
                lang,
                "check.err.exited_early",
                &[
                    ("port", &port.to_string()),
                    ("status", &describe_status(status)),
                    ("output", &output),
                ],
            )));
        }
        if Instant::now() >= deadline {
            let output = student
                .as_ref()
                .map(|s| last_lines(&s.output_tail(), 12))
                .unwrap_or_default();
            return Err(CheckError::NotStarted(tf(
                lang,
                "check.err.not_listening",
                &[
                    ("port", &port.to_string()),
                    ("s", &format!("{}", wait.as_secs_f64())),
                    ("output", &output),
                ],
            )));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn not_loopback(lang: Lang, ip: IpAddr, port: u16) -> CheckError {
    CheckError::NotStarted(tf(
        lang,
        "check.err.not_loopback",
        &[("addr", &SocketAddr::new(ip, port).to_string())],
    ))
}

/// Writes the evidence files of failing properties and `report.json`.
fn keep_evidence(report: &mut CheckReport, options: &Options) -> Result<(), CheckError> {
    let failing = report.properties.iter().any(|p| !p.passed);
    if !failing && options.evidence_dir.is_none() && !options.keep_report {
        return Ok(());
    }
    let lang = options.lang;
    let io = |e: &std::io::Error| crate::output_file::io_text(e, lang);
    let dir = match &options.evidence_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| CheckError::Evidence(format!("{}: {}", dir.display(), io(&e))))?;
            dir.clone()
        }
        None => tempfile::Builder::new()
            .prefix(&format!("nettutor-check-{}-", report.exercise))
            .tempdir()
            .map_err(|e| CheckError::Evidence(io(&e)))?
            .keep(),
    };
    for p in report.properties.iter_mut().filter(|p| !p.passed) {
        p.evidence =
            write_evidence(&dir, &p.name, &p.frames, &p.log, lang).map_err(CheckError::Evidence)?;
    }
    report.evidence_dir = Some(dir.clone());
    let json = serde_json::to_string(report).map_err(|e| CheckError::Evidence(e.to_string()))?;
    // Whole or not at all: a temporary file in the same folder, then a rename.
    let path = dir.join("report.json");
    let fail = |e: std::io::Error| CheckError::Evidence(format!("{}: {}", path.display(), io(&e)));
    let mut temp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
    std::io::Write::write_all(&mut temp, json.as_bytes()).map_err(fail)?;
    temp.persist(&path).map_err(|e| fail(e.error))?;
    Ok(())
}
