//! `nettutor class join ADDR:PORT --code CODE --name NAME [--plain]`: a
//! student's side of a live session. It follows the host: each question as
//! it is asked, the reveal (not in an exam), the score at the end; a lost
//! connection is resumed as the same student.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use clap::Args;

use crate::class::live::client::{ClientError, Connection, Welcome, resolve};
use crate::class::live::protocol::{ClientMsg, HostMsg, QuestionView, Refusal, Rejection};
use crate::cli::out::warn;
use crate::i18n::{Lang, t, tf};
use crate::lesson::question::letter;
use crate::quiz::plain::{Input, read_answer};

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// The address the host screen shows (HOST:PORT).
    #[arg(value_name = "ADDR:PORT")]
    pub addr: String,

    /// The join code on the host screen.
    #[arg(long, value_name = "CODE")]
    pub code: String,

    /// Your name as the room will see it.
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Questions on stdout, one answer per line from stdin (empty line: no
    /// answer; after end of input every question gets no answer). The last
    /// line is `score: C/N`.
    #[arg(long)]
    pub plain: bool,

    /// Show every frame of the class protocol on stderr as it is sent or
    /// received: the 4-byte big-endian length in hex, then the JSON.
    #[arg(long)]
    pub frames: bool,

    /// Capture this session's own TCP traffic on the loopback interface into
    /// a new pcap file (the host must be on this machine; needs root or
    /// CAP_NET_RAW). Every connection to the host's port on this machine is in it.
    #[arg(long, value_name = "FILE.pcap")]
    pub capture: Option<std::path::PathBuf>,
}

/// How long a join waits for the host's answer, and a reconnect keeps trying.
const JOIN_WAIT: Duration = Duration::from_secs(10);
const RECONNECT_FOR: Duration = Duration::from_secs(30);
/// `--capture` stops by itself after this long.
const CAPTURE_FOR: Duration = Duration::from_secs(4 * 3600);

/// Why a join was refused, in the student's language.
pub fn refusal_text(reason: Refusal, retry: Option<Duration>, lang: Lang) -> String {
    let key = match reason {
        Refusal::Version => "class.refused.version",
        Refusal::Code => "class.refused.code",
        Refusal::RateLimited => "class.refused.rate-limited",
        Refusal::Token => "class.refused.token",
        Refusal::Ended => "class.refused.ended",
        Refusal::Full => "class.refused.full",
    };
    let secs = retry.map_or(0, |d| d.as_millis().div_ceil(1000));
    tf(lang, key, &[("secs", &secs.to_string())])
}

fn join_error(e: ClientError, lang: Lang) -> anyhow::Error {
    match e {
        ClientError::Refused {
            reason,
            retry_after,
        } => anyhow::anyhow!(refusal_text(reason, retry_after, lang)),
        other => other.into(),
    }
}

pub fn run(args: &JoinArgs, lang: Lang, look: super::Look) -> anyhow::Result<ExitCode> {
    // The screen's checks before anything is sent.
    let theme = if args.plain {
        None
    } else {
        use std::io::IsTerminal as _;
        anyhow::ensure!(
            io::stdout().is_terminal(),
            "{}",
            t(lang, "class.join.err.no_terminal")
        );
        anyhow::ensure!(!args.frames, "{}", t(lang, "class.join.err.frames"));
        Some(crate::ui::theme::Theme::choose(look.0, look.1)?)
    };
    let addr = resolve(&args.addr)?;
    let Some(path) = &args.capture else {
        return session(addr, args, lang, theme);
    };
    anyhow::ensure!(
        addr.ip().is_loopback(),
        "{}",
        tf(
            lang,
            "class.join.capture.loopback",
            &[("addr", &addr.to_string())]
        )
    );
    crate::output_file::check(path)?;
    if path.symlink_metadata().is_ok() {
        return Err(crate::output_file::OutputError::Exists { path: path.clone() }.into());
    }
    let capture = match crate::lab::capture::PortCapture::start(addr.port(), CAPTURE_FOR) {
        Ok(capture) => capture,
        Err(crate::lab::capture::CaptureError::NoPermission(_)) => {
            anyhow::bail!("{}", t(lang, "hs.capture.no_permission"))
        }
        Err(e) => return Err(e.into()),
    };
    let result = session(addr, args, lang, theme);
    // What was captured is kept even when the session failed part way.
    let frames = capture.stop();
    crate::net::pcap::write_new_pcap(path, &frames)?;
    warn(&tf(
        lang,
        "class.join.capture.written",
        &[
            ("n", &frames.len().to_string()),
            ("path", &path.display().to_string()),
            ("port", &addr.port().to_string()),
        ],
    ));
    result
}

/// The session itself, on the screen or `--plain`.
fn session(
    addr: SocketAddr,
    args: &JoinArgs,
    lang: Lang,
    theme: Option<crate::ui::theme::Theme>,
) -> anyhow::Result<ExitCode> {
    let (conn, welcome) =
        Connection::join_traced(addr, &args.code, &args.name, None, JOIN_WAIT, args.frames)
            .map_err(|e| join_error(e, lang))?;
    let Some(theme) = theme else {
        return plain(addr, args, conn, &welcome, lang);
    };
    let rejoin = crate::ui::class::student::Rejoin {
        addr,
        code: args.code.clone(),
        name: args.name.clone(),
        join_wait: JOIN_WAIT,
        reconnect_for: RECONNECT_FOR,
        refused: |e, lang| join_error(e, lang).to_string(),
    };
    let end = crate::ui::class::student::run(conn, &welcome, rejoin, lang, &theme)?;
    // After the screen is gone, the score stays in the terminal.
    if let Some((score, questions)) = end {
        say(
            &mut io::stdout().lock(),
            &format!("score: {score}/{questions}"),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the plain student's loop waits for.
enum Event {
    /// A message on connection number `.0`.
    Host(usize, HostMsg),
    /// Connection number `.0` is lost.
    Lost(usize),
    Line(Input),
}

/// Reads connection `generation` in a thread until it ends.
fn reader(mut conn: Connection, generation: usize, tx: Sender<Event>) {
    std::thread::spawn(move || {
        loop {
            match conn.recv(Duration::from_secs(3600)) {
                Ok(msg) => {
                    let end = matches!(msg, HostMsg::End { .. });
                    if tx.send(Event::Host(generation, msg)).is_err() || end {
                        return;
                    }
                }
                Err(ClientError::Timeout(_)) => {}
                Err(_) => {
                    let _ = tx.send(Event::Lost(generation));
                    return;
                }
            }
        }
    });
}

fn say(out: &mut impl io::Write, text: &str) -> anyhow::Result<()> {
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| crate::cli::out::StdoutError(e).into())
}

/// The question as the plain quiz prints it.
fn question_text(v: &QuestionView, lang: Lang) -> String {
    let mut text = format!(
        "[{}/{}] ({}) {}",
        v.position + 1,
        v.questions,
        v.topic,
        v.prompt.get(lang)
    );
    for (i, o) in v.options.iter().enumerate() {
        text.push_str(&format!("\n  {}) {}", letter(i), o.get(lang)));
    }
    text.push('\n');
    text.push_str(v.hint.get(lang));
    text
}

fn plain(
    addr: SocketAddr,
    args: &JoinArgs,
    conn: Connection,
    welcome: &Welcome,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    say(
        &mut out,
        &tf(
            lang,
            "class.join.welcome",
            &[
                ("name", &welcome.name),
                ("n", &welcome.questions.to_string()),
            ],
        ),
    )?;
    if welcome.exam {
        say(&mut out, t(lang, "quiz.plain.exam"))?;
    }
    let (tx, rx) = mpsc::channel();
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let stdin = io::stdin();
            let mut lock = stdin.lock();
            loop {
                let input = read_answer(&mut lock);
                let end = input == Input::End;
                if tx.send(Event::Line(input)).is_err() || end {
                    return;
                }
            }
        });
    }
    let mut writer = conn.try_clone()?;
    let mut generation = 0;
    reader(conn, generation, tx.clone());
    let mut lines: VecDeque<String> = VecDeque::new();
    let mut eof = false;
    // The question waiting for this student's answer, and whether one is on its way.
    let mut open: Option<usize> = None;
    let mut in_flight = false;
    let mut gave = vec![false; welcome.questions];
    loop {
        let Ok(event) = rx.recv() else {
            anyhow::bail!("{}", t(lang, "class.join.err.lost"));
        };
        match event {
            Event::Line(Input::Line(l)) => lines.push_back(l),
            // Not text: sent as no answer, like an empty line.
            Event::Line(Input::Unreadable(_)) => lines.push_back(String::new()),
            Event::Line(Input::End | Input::TimeUp) => eof = true,
            Event::Host(g, _) | Event::Lost(g) if g != generation => continue,
            Event::Lost(_) => {
                say(&mut out, t(lang, "class.join.lost"))?;
                let started = Instant::now();
                let conn = loop {
                    match Connection::join_traced(
                        addr,
                        &args.code,
                        &args.name,
                        Some(&welcome.token),
                        JOIN_WAIT,
                        args.frames,
                    ) {
                        Ok((conn, _)) => break conn,
                        Err(e @ ClientError::Refused { .. }) => return Err(join_error(e, lang)),
                        Err(e) if started.elapsed() > RECONNECT_FOR => return Err(e.into()),
                        // Pacing the retries, not waiting for an event.
                        Err(_) => std::thread::sleep(Duration::from_millis(300)),
                    }
                };
                say(&mut out, t(lang, "class.join.resumed"))?;
                writer = conn.try_clone()?;
                generation += 1;
                in_flight = false;
                reader(conn, generation, tx.clone());
            }
            Event::Host(_, msg) => match msg {
                HostMsg::Question(v) => {
                    say(&mut out, "")?;
                    say(&mut out, &question_text(&v, lang))?;
                    // The same question again (a resume sends the open one):
                    // an answer sent on this connection is still on its way
                    // and one taken already stays taken, so no second line
                    // of stdin is spent on it.
                    if open != Some(v.position) {
                        in_flight = false;
                    }
                    let taken = gave.get(v.position).copied().unwrap_or(false);
                    open = (!taken).then_some(v.position);
                }
                HostMsg::Accepted { position } => {
                    if let Some(g) = gave.get_mut(position) {
                        *g = true;
                    }
                    if open == Some(position) {
                        open = None;
                        in_flight = false;
                        say(&mut out, t(lang, "quiz.exam.recorded"))?;
                    }
                }
                HostMsg::Rejected {
                    position,
                    reason,
                    why,
                } if open == Some(position) => {
                    in_flight = false;
                    match reason {
                        Rejection::Malformed => {
                            let why = why.map(|w| w.get(lang).to_string()).unwrap_or_default();
                            say(&mut out, &tf(lang, "quiz.exam.again", &[("why", &why)]))?;
                        }
                        Rejection::Closed => {
                            open = None;
                            say(&mut out, t(lang, "class.join.closed"))?;
                        }
                        Rejection::Answered => open = None,
                        Rejection::Token => {
                            open = None;
                            say(&mut out, t(lang, "class.join.token"))?;
                        }
                    }
                }
                HostMsg::Rejected { .. } => {}
                HostMsg::Reveal(r) => {
                    if open == Some(r.position) {
                        open = None;
                        in_flight = false;
                        say(&mut out, t(lang, "quiz.time_up"))?;
                    }
                    if let (Some(correct), Some(answer)) = (r.correct, &r.answer) {
                        let given = gave.get(r.position).copied().unwrap_or(false);
                        let verdict = if correct {
                            t(lang, "quiz.correct").to_string()
                        } else if given {
                            tf(lang, "quiz.wrong", &[("answer", answer)])
                        } else {
                            tf(lang, "quiz.no_answer", &[("answer", answer)])
                        };
                        say(&mut out, &verdict)?;
                        if let Some(ex) = &r.explanation {
                            for l in ex.get(lang).lines() {
                                say(&mut out, &format!("  {l}"))?;
                            }
                        }
                    }
                }
                HostMsg::End { score, questions } => {
                    say(&mut out, "")?;
                    say(&mut out, &format!("score: {score}/{questions}"))?;
                    return Ok(ExitCode::SUCCESS);
                }
                HostMsg::Welcome { .. } | HostMsg::Refused { .. } => {}
            },
        }
        // Answer the open question with the next line (no answer after end of input).
        if let Some(position) = open
            && !in_flight
            && (eof || !lines.is_empty())
        {
            let answer = lines.pop_front().unwrap_or_default();
            in_flight = true;
            // A failed write shows as a lost connection on the reader's side.
            let _ = writer.send(&ClientMsg::Answer {
                token: welcome.token.clone(),
                position,
                answer,
            });
        }
    }
}
