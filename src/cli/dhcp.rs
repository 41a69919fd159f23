//! `nettutor export dhcp -o FILE`: run the dhcp lab once and write its
//! messages as a pcap file — each DHCP message with the bytes that crossed the
//! lab's sockets, inside the Ethernet/IPv4/UDP headers a LAN carries
//! (0.0.0.0:68 → 255.255.255.255:67 and so on), so Wireshark decodes DHCP.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::out::say_line;
use crate::i18n::{Lang, t, tf};
use crate::lab::dhcp::{DhcpParams, run, wire};
use crate::lab::{Cancel, LabOptions, NullSink};
use crate::net::pcap::write_pcap;

#[derive(Debug, Args)]
pub struct DhcpExportArgs {
    /// Seconds of the lease (4–60).
    #[arg(long, default_value_t = 8)]
    pub lease: u64,
    /// Also wait for T1 and write the renewal (a unicast Request and its Ack).
    #[arg(long)]
    pub renew: bool,
    /// The client clears the broadcast flag: the Offer and Ack are unicast.
    #[arg(long)]
    pub unicast: bool,
    /// Through a relay agent (giaddr, hops): eight messages instead of four.
    #[arg(long)]
    pub relay: bool,
    /// The pcap file to write: a new name or a regular file (replaced
    /// atomically; a symlink is followed). A device, FIFO, socket or folder is
    /// refused (exit 2), never replaced.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

pub fn export(args: DhcpExportArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    crate::output_file::check(&args.output)?;
    let mut params = DhcpParams::default();
    let lease = args.lease.to_string();
    let flag = |on: bool| if on { "true" } else { "false" };
    let options = [
        ("lease", lease.as_str()),
        ("renew", flag(args.renew)),
        ("broadcast", flag(!args.unicast)),
        ("relay", flag(args.relay)),
    ];
    for (name, value) in options {
        if let Err(e) = LabOptions::set(&mut params, name, value) {
            super::out::warn(&format!("nettutor: {e}"));
            return Ok(ExitCode::from(if e.is_usage() { 2 } else { 1 }));
        }
    }
    let report = match run(&params, &NullSink, &Cancel::new()) {
        Ok(report) => report,
        Err(e) => {
            super::out::warn(&format!("nettutor: {e}"));
            return Ok(ExitCode::from(if e.is_usage() { 2 } else { 1 }));
        }
    };
    let frames = wire::pcap_frames(&report.messages)?;
    write_pcap(&args.output, &frames)?;
    for line in crate::lab::LabOutcome::summary(&report, lang) {
        say_line(&line)?;
    }
    let shown = args.output.display().to_string();
    say_line(t(lang, "dhcp.export.lan"))?;
    say_line(&tf(
        lang,
        "frames.export.wrote",
        &[("n", &frames.len().to_string()), ("path", &shown)],
    ))?;
    say_line(&tf(lang, "frames.export.open-hint", &[("path", &shown)]))?;
    Ok(ExitCode::SUCCESS)
}
