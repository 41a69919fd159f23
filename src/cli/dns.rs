//! `nettutor export dns -o FILE`: run the dns lab once (no cache watch) and
//! write its exchange as a pcap file — every DNS message with the bytes that
//! crossed the lab's sockets, the server shown on port 53.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::out::say_line;
use crate::i18n::{Lang, tf};
use crate::lab::dns::{DnsParams, run, wire};
use crate::lab::{Cancel, LabOptions, NullSink};
use crate::net::pcap::write_pcap;

/// The port the export shows the server on: DNS's own (the lab's server
/// listens on an ephemeral one, as binding 53 needs root).
pub const SHOWN_PORT: u16 = 53;

#[derive(Debug, Args)]
pub struct DnsExportArgs {
    /// `builtin`, or a zone file to serve (NAME [TTL] [IN] A|AAAA|CNAME VALUE).
    #[arg(long, default_value = "builtin", value_name = "FILE")]
    pub zone: String,
    /// What the resolver looks up: name[/A|AAAA|CNAME], comma-separated.
    #[arg(long)]
    pub names: Option<String>,
    /// The pcap file to write: a new name or a regular file (replaced
    /// atomically; a symlink is followed). A device, FIFO, socket or folder is
    /// refused (exit 2), never replaced.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

pub fn export(args: DnsExportArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    crate::output_file::check(&args.output)?;
    let mut params = DnsParams::default();
    let set = |params: &mut DnsParams, name: &str, value: &str| {
        LabOptions::set(params, name, value).map_err(|e| (e.is_usage(), e))
    };
    let mut options = vec![("zone", args.zone.as_str()), ("watch", "0")];
    if let Some(names) = &args.names {
        options.push(("names", names));
    }
    for (name, value) in options {
        if let Err((usage, e)) = set(&mut params, name, value) {
            super::out::warn(&format!("nettutor: {e}"));
            return Ok(ExitCode::from(if usage { 2 } else { 1 }));
        }
    }
    let report = match run(&params, &NullSink, &Cancel::new()) {
        Ok(report) => report,
        Err(e) => {
            super::out::warn(&format!("nettutor: {e}"));
            return Ok(ExitCode::from(if e.is_usage() { 2 } else { 1 }));
        }
    };
    let frames = wire::pcap_frames(&report.wire, SHOWN_PORT)?;
    write_pcap(&args.output, &frames)?;
    for line in crate::lab::LabOutcome::summary(&report, lang) {
        say_line(&line)?;
    }
    let shown = args.output.display().to_string();
    let port = report
        .server
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_string();
    say_line(&tf(
        lang,
        "dns.export.port",
        &[("port", &port), ("shown", &SHOWN_PORT.to_string())],
    ))?;
    say_line(&tf(
        lang,
        "frames.export.wrote",
        &[("n", &frames.len().to_string()), ("path", &shown)],
    ))?;
    say_line(&tf(lang, "frames.export.open-hint", &[("path", &shown)]))?;
    Ok(ExitCode::SUCCESS)
}
