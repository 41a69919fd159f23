//! `nettutor export encapsulation|arp` (issue: OSI & encapsulation).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use clap::Args;

use super::out::{StdoutError, say_line};
use crate::i18n::{Lang, tf};
use crate::net::arp::{LanScenario, scenario};
use crate::net::osi::{Endpoints, IpVersion, Transport, encapsulate};
use crate::net::pcap::write_pcap;
use crate::output_file;

#[derive(Debug, Args)]
pub struct EncapsulationArgs {
    /// The application data to send (UTF-8 text).
    #[arg(long, default_value = "hello")]
    pub message: String,
    /// Send it as a UDP datagram instead of a TCP segment.
    #[arg(long)]
    pub udp: bool,
    /// Use IPv6 instead of IPv4.
    #[arg(long)]
    pub ipv6: bool,
    /// The pcap file to write: a new name or a regular file (replaced
    /// atomically; a symlink is followed). A device, FIFO, socket or folder is
    /// refused (exit 2), never replaced.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ArpArgs {
    /// same-network (A → B) or via-gateway (A → a host on another network).
    #[arg(long, default_value = "same-network", value_parser = clap::value_parser!(LanScenario))]
    pub scenario: LanScenario,
    /// The pcap file to write: a new name or a regular file (replaced
    /// atomically; a symlink is followed). A device, FIFO, socket or folder is
    /// refused (exit 2), never replaced.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

impl clap::ValueEnum for LanScenario {
    fn value_variants<'a>() -> &'a [Self] {
        LanScenario::ALL
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// Timestamps for exported frames: now, one millisecond apart (so tshark shows order).
fn stamped(frames: Vec<Vec<u8>>) -> Vec<(Duration, Vec<u8>)> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    frames
        .into_iter()
        .enumerate()
        .map(|(i, f)| (now + Duration::from_millis(i as u64), f))
        .collect()
}

fn report(lang: Lang, count: usize, path: &Path) -> Result<(), StdoutError> {
    let shown = path.display().to_string();
    say_line(&tf(
        lang,
        "frames.export.wrote",
        &[("n", &count.to_string()), ("path", &shown)],
    ))?;
    say_line(&tf(lang, "frames.export.open-hint", &[("path", &shown)]))
}

pub fn export_encapsulation(args: EncapsulationArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    output_file::check(&args.output)?;
    let transport = if args.udp {
        Transport::Udp
    } else {
        Transport::Tcp
    };
    let ip = if args.ipv6 {
        IpVersion::V6
    } else {
        IpVersion::V4
    };
    let encapsulation = encapsulate(
        args.message.as_bytes(),
        transport,
        ip,
        &Endpoints::default(),
    )
    .with_context(|| crate::i18n::t(lang, "frames.err.encapsulate").to_string())?;
    write_pcap(&args.output, &stamped(vec![encapsulation.frame]))?;
    report(lang, 1, &args.output)?;
    Ok(ExitCode::SUCCESS)
}

pub fn export_arp(args: ArpArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    output_file::check(&args.output)?;
    let mut frames: Vec<Vec<u8>> = scenario(args.scenario)?
        .into_iter()
        .filter_map(|step| step.frame)
        .collect();
    // The "in flight" and "checked" steps show the same broadcast: export it once.
    frames.dedup();
    write_pcap(&args.output, &stamped(frames.clone()))?;
    report(lang, frames.len(), &args.output)?;
    Ok(ExitCode::SUCCESS)
}
