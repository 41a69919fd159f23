//! `nettutor export encapsulation|arp` (issue: OSI & encapsulation).

use std::process::ExitCode;

use clap::Args;

use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct EncapsulationArgs {}

#[derive(Debug, Args)]
pub struct ArpArgs {}

pub fn export_encapsulation(_args: EncapsulationArgs, _lang: Lang) -> anyhow::Result<ExitCode> {
    anyhow::bail!("encapsulation export is not built yet")
}

pub fn export_arp(_args: ArpArgs, _lang: Lang) -> anyhow::Result<ExitCode> {
    anyhow::bail!("ARP export is not built yet")
}
