//! `nettutor lab NAME [--option VALUE…] [--json] [--predict N] [-o FILE]` and
//! `nettutor lab --list`: run a live loopback lab headless and print its report.
//! `-o FILE` writes the lab's capture as pcap (errors: the refused connection).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::out::{say, say_line, warn};
use crate::i18n::tf;
use crate::i18n::{Lang, t};
use crate::lab::{
    self, Cancel, LabDetails, LabError, LabEvent, LabName, LabParams, LabReport, LabSink, OptKind,
};

/// `--events`: each event as one JSON line on stderr, for recording streams
/// (e.g. fixtures for the labs panel's snapshot tests).
struct StderrEvents;

impl LabSink for StderrEvents {
    fn event(&self, ev: LabEvent) {
        if let Ok(line) = serde_json::to_string(&ev) {
            warn(&line);
        }
    }
}

/// Without `--events`: the remarks a person must see while the lab runs (the
/// http lab's URL under `--serve`, each request a browser makes), on stderr.
struct LiveRemarks(Lang);

impl LabSink for LiveRemarks {
    fn event(&self, ev: LabEvent) {
        if let LabEvent::Log { key, args } = ev
            && (crate::lab::http::LIVE_KEYS.contains(&key)
                || crate::lab::dns::LIVE_KEYS.contains(&key))
        {
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            warn(&crate::i18n::tf(self.0, key, &args));
        }
    }
}

/// Exit code for a mistake in the command line (as clap uses).
const USAGE: u8 = 2;
/// Exit code after Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED: u8 = 130;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  nettutor lab --list\n  nettutor lab sticky --count 10 \
    --message hello --delay 200 --recv-size 1024 --nodelay\n  nettutor lab udp-loss --json\n  \
    nettutor lab sticky --options   (the lab's options)"
)]
pub struct LabArgs {
    /// The lab to run (see --list).
    pub name: Option<String>,
    /// List the labs, one line each.
    #[arg(long)]
    pub list: bool,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Your prediction, compared with what happens (each lab asks one question).
    #[arg(long, value_name = "N")]
    pub predict: Option<String>,
    /// The lab's own options, e.g. --count 10 --delay 200 --nodelay.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "--OPTION VALUE"
    )]
    pub options: Vec<String>,
}

/// What the command line asked for, after pulling our flags out of the options.
#[derive(Debug)]
struct Request {
    params: LabParams,
    json: bool,
    /// Print every event as a JSON line on stderr (to record a stream).
    events: bool,
    help: bool,
    lang: Option<Lang>,
    /// `-o FILE`: the pcap to write (labs with a capture only).
    output: Option<PathBuf>,
}

pub fn run(args: LabArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    if args.list {
        say(&list_text(lang))?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(name) = args.name.as_deref() else {
        warn(&format!(
            "nettutor: {}\n\n{}",
            t(lang, "lab.err.no_name"),
            list_text(lang)
        ));
        return Ok(ExitCode::from(USAGE));
    };
    let request = match parse_request(name, &args, lang) {
        Ok(request) => request,
        Err(err) => {
            warn(&format!("nettutor: {err}"));
            return Ok(ExitCode::from(USAGE));
        }
    };
    let lang = request.lang.unwrap_or(lang);
    if request.help {
        say(&options_text(&request.params, lang))?;
        return Ok(ExitCode::SUCCESS);
    }
    let remarks = LiveRemarks(lang);
    let sink: &dyn LabSink = if request.events {
        &StderrEvents
    } else {
        &remarks
    };
    // Ctrl-C (or SIGTERM) cancels the lab, which then closes its sockets, joins
    // its threads and removes its temp files before we exit.
    let cancel = Cancel::new();
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(signal, cancel.flag());
    }
    match lab::run_lab(&request.params, sink, &cancel) {
        Ok(report) => {
            if request.json {
                say_line(&report.to_json().to_string())?;
            } else {
                say(&report.summary(lang))?;
            }
            match &request.output {
                Some(path) => write_capture(&report, path, lang),
                None => Ok(ExitCode::SUCCESS),
            }
        }
        Err(LabError::Cancelled) => {
            warn(&format!(
                "nettutor: {}",
                tf(
                    lang,
                    "lab.err.failed",
                    &[
                        ("name", name),
                        ("reason", &LabError::Cancelled.message(lang))
                    ]
                )
            ));
            Ok(ExitCode::from(INTERRUPTED))
        }
        Err(err) if err.is_usage() => {
            warn(&format!("nettutor: {}", err.message(lang)));
            Ok(ExitCode::from(USAGE))
        }
        Err(err) => Err(anyhow::anyhow!(tf(
            lang,
            "lab.err.failed",
            &[("name", name), ("reason", &err.message(lang))]
        ))),
    }
}

/// `-o FILE`: the lab's capture as pcap, or plainly why there is none (exit 1).
fn write_capture(
    report: &LabReport,
    path: &std::path::Path,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let shown = path.display().to_string();
    let LabDetails::Errors(errors) = &report.details else {
        warn(&format!("nettutor: {}", t(lang, "lab.errors.capture.only")));
        return Ok(ExitCode::from(USAGE));
    };
    if !errors.capture.captured {
        warn(&format!(
            "nettutor: {}",
            tf(lang, "lab.errors.capture.not-written", &[("path", &shown)])
        ));
        return Ok(ExitCode::FAILURE);
    }
    crate::net::pcap::write_pcap(path, &errors.capture.frames)?;
    let frames = errors.capture.frames.len().to_string();
    warn(&tf(
        lang,
        "lab.errors.capture.written",
        &[("path", &shown), ("frames", &frames)],
    ));
    Ok(ExitCode::SUCCESS)
}

fn parse_request(name: &str, args: &LabArgs, ui: Lang) -> Result<Request, String> {
    let lab: LabName = name.parse().map_err(|e: LabError| e.message(ui))?;
    let shown = lab.to_string();
    let lab_tf = |key: &str, extra: &[(&str, &str)]| {
        let mut all = vec![("lab", shown.as_str())];
        all.extend_from_slice(extra);
        tf(ui, key, &all)
    };
    let mut params = LabParams::defaults(lab);
    let mut request_json = args.json;
    let mut help = false;
    let mut events = false;
    let mut lang = None;
    let mut output = None;
    if let Some(p) = &args.predict {
        params.set("predict", p).map_err(|e| e.message(ui))?;
    }
    let mut tokens = args.options.iter().peekable();
    while let Some(token) = tokens.next() {
        if token == "-o" || token == "--output" || token.starts_with("--output=") {
            let value = token
                .strip_prefix("--output=")
                .map(str::to_string)
                .or_else(|| tokens.next().cloned())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| lab_tf("lab.err.o_needs_file", &[]))?;
            if lab != LabName::Errors {
                return Err(lab_tf("lab.err.o_errors_only", &[]));
            }
            output = Some(PathBuf::from(value));
            continue;
        }
        let Some(body) = token.strip_prefix("--") else {
            return Err(lab_tf("lab.err.unexpected", &[("token", token)]));
        };
        let (key, inline) = match body.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (body, None),
        };
        match key {
            "json" => request_json = true,
            "events" => events = true,
            "options" | "help" => help = true,
            "lang" | "predict" => {
                let value = inline
                    .or_else(|| tokens.next().cloned())
                    .ok_or_else(|| lab_tf("lab.err.needs_value", &[("key", key)]))?;
                if key == "lang" {
                    lang = Some(value.parse::<Lang>()?);
                } else {
                    params.set("predict", &value).map_err(|e| e.message(ui))?;
                }
            }
            _ => {
                let spec = params
                    .options()
                    .iter()
                    .find(|s| s.name == key)
                    .ok_or_else(|| {
                        // Let the lab's own error list the options it knows.
                        params.set(key, "").err().map_or_else(
                            || lab_tf("lab.err.needs_value", &[("key", key)]),
                            |e| e.message(ui),
                        )
                    })?;
                let value = match (inline, spec.kind) {
                    (Some(v), _) => v,
                    // A bare flag means on; an explicit word after it is taken too.
                    (None, OptKind::Flag) => match tokens.peek() {
                        Some(next) if is_flag_word(next) => {
                            tokens.next().cloned().unwrap_or_default()
                        }
                        _ => String::new(),
                    },
                    (None, _) => tokens.next().cloned().ok_or_else(|| {
                        lab_tf(
                            "lab.err.needs_value_of",
                            &[("key", key), ("allowed", &spec.kind.allowed(ui))],
                        )
                    })?,
                };
                params.set(key, &value).map_err(|e| e.message(ui))?;
            }
        }
    }
    Ok(Request {
        params,
        json: request_json,
        events,
        help,
        lang,
        output,
    })
}

fn is_flag_word(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "true" | "false" | "on" | "off" | "yes" | "no" | "1" | "0"
    )
}

/// `nettutor lab --list`: each lab name and its one-line description.
fn list_text(lang: Lang) -> String {
    let mut out = format!("{}\n", t(lang, "lab.list.header"));
    for &lab in LabName::ALL {
        out.push_str(&format!(
            "  {:<15} {}\n",
            lab.as_str(),
            t(lang, lab.about_key())
        ));
    }
    out
}

/// `nettutor lab NAME --options`: the lab's options with ranges and defaults.
fn options_text(params: &LabParams, lang: Lang) -> String {
    let lab = params.lab();
    let mut out = format!(
        "{} — {}\n{}\n\n{}\n",
        lab.as_str(),
        t(lang, lab.title_key()),
        t(lang, lab.about_key()),
        t(lang, "lab.options.header")
    );
    for spec in params.options() {
        out.push_str(&format!(
            "  --{:<12} {} [{}; default {}]\n",
            spec.name,
            t(lang, spec.help),
            spec.kind.allowed(lang),
            spec.default
        ));
    }
    out.push_str(&format!(
        "  --{:<12} {}\n  --json         JSON output\n  --events       every event as a JSON line on stderr\n",
        "predict N",
        t(lang, lab.predict_key())
    ));
    if lab == LabName::Errors {
        out.push_str(&format!(
            "  -o FILE        {}\n",
            t(lang, "lab.errors.capture.only")
        ));
    }
    out
}
