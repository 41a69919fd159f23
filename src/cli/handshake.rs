//! `nettutor export handshake` and `nettutor capture handshake`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::i18n::{Lang, t, tf};
use crate::lab::capture::{CaptureError, capture_handshake};
use crate::net::pcap::write_pcap;
use crate::net::tcp::{DEFAULT_SEED, Fate, Scenario, Side, Timeline};

#[derive(Debug, Args)]
pub struct HandshakeExportArgs {
    /// The scenario to export (see --list).
    #[arg(long, value_name = "NAME", required_unless_present = "list")]
    pub scenario: Option<String>,
    /// The pcap file to write: a new name or a regular file (replaced
    /// atomically; a symlink is followed). A device, FIFO, socket or folder is
    /// refused (exit 2), never replaced.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        required_unless_present = "list"
    )]
    pub output: Option<PathBuf>,
    /// List the scenarios, one per line: name, then a short description.
    #[arg(long, conflicts_with_all = ["scenario", "output"])]
    pub list: bool,
    /// Seed for the initial sequence numbers and the client port.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum CaptureCmd {
    /// Open, use and close a real TCP connection on 127.0.0.1 and capture it
    /// (needs root or CAP_NET_RAW).
    Handshake {
        /// The pcap file to write: a new name or a regular file (replaced
        /// atomically; a symlink is followed). A device, FIFO, socket or folder is
        /// refused (exit 2), never replaced.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

pub fn export(args: HandshakeExportArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    if args.list {
        for &scenario in Scenario::ALL {
            say(&format!(
                "{:<20} {}\n",
                scenario.name(),
                t(lang, scenario.description_key())
            ))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(name), Some(output)) = (args.scenario, args.output) else {
        anyhow::bail!("{}", crate::i18n::t(lang, "hs.err.args"));
    };
    let Some(scenario) = Scenario::from_name(&name) else {
        anyhow::bail!("{}", tf(lang, "hs.unknown_scenario", &[("name", &name)]));
    };
    crate::output_file::check(&output)?;
    let timeline = scenario.timeline(args.seed)?;
    let frames = timeline.pcap_frames(std::time::Duration::ZERO)?;
    write_pcap(&output, &frames)?;
    say(&segment_table(&timeline, lang))?;
    say(&wrote(lang, frames.len(), &output))?;
    Ok(ExitCode::SUCCESS)
}

pub fn capture(cmd: CaptureCmd, lang: Lang) -> anyhow::Result<ExitCode> {
    let CaptureCmd::Handshake { output } = cmd;
    // Before the capture: an unusable path fails at once.
    crate::output_file::check(&output)?;
    let report = match capture_handshake() {
        Ok(report) => report,
        Err(CaptureError::NoPermission(_)) => {
            super::out::warn(&format!(
                "nettutor: {}",
                t(lang, "hs.capture.no_permission")
            ));
            return Ok(ExitCode::FAILURE);
        }
        Err(err) => return Err(err.into()),
    };
    let frames = report.pcap_frames();
    write_pcap(&output, &frames)?;
    let client = report.client.to_string();
    let server = report.server.to_string();
    let heading = tf(
        lang,
        "hs.capture.connection",
        &[("client", &client), ("server", &server)],
    );
    say(&format!("{heading}\n"))?;
    say(&segment_table(&report.timeline(), lang))?;
    say(&wrote(lang, frames.len(), &output))?;
    Ok(if report.complete {
        ExitCode::SUCCESS
    } else {
        super::out::warn(&format!("nettutor: {}", t(lang, "hs.capture.incomplete")));
        ExitCode::FAILURE
    })
}

fn wrote(lang: Lang, count: usize, file: &Path) -> String {
    let count = count.to_string();
    let file = file.display().to_string();
    format!(
        "{}\n",
        tf(lang, "hs.wrote", &[("count", &count), ("file", &file)])
    )
}

/// Print to stdout (see `out::say`).
fn say(text: &str) -> anyhow::Result<()> {
    Ok(super::out::say(text)?)
}

/// One line per segment: time, direction, flags and numbers, both ends' states
/// after it (client | server). The words follow `lang`; numbers and flags do not.
pub fn segment_table(timeline: &Timeline, lang: Lang) -> String {
    let client = t(lang, "hs.client");
    let server = t(lang, "hs.server");
    let mut out = String::new();
    let mut number = 0;
    for step in &timeline.steps {
        for flight in &step.flights {
            number += 1;
            let (from, to) = match flight.segment.from {
                Side::Client => (client, server),
                Side::Server => (server, client),
            };
            // Other clients (the SYN flood's forged sources) show their address.
            let peer = match flight.segment.from {
                Side::Client => flight.segment.src,
                Side::Server => flight.segment.dst,
            };
            let other = if peer == timeline.client.addr {
                String::new()
            } else {
                format!(" [{peer}]")
            };
            let fate = match flight.fate {
                Fate::Delivered => other,
                Fate::Lost => format!("{other} ({})", t(lang, "hs.fate.lost")),
                Fate::Unanswered => format!("{other} ({})", t(lang, "hs.fate.unanswered")),
                Fate::Dropped => format!("{other} ({})", t(lang, "hs.fate.dropped")),
            };
            out.push_str(&format!(
                "{number:>3} {:>11.6}s  {from} → {to}  {:<62} {} | {}{fate}\n",
                flight.at.as_secs_f64(),
                flight.segment.summary(),
                step.after.client,
                step.after.server,
            ));
        }
    }
    out
}
