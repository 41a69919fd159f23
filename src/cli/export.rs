//! `nettutor export …`: frames of a panel as a classic pcap file.

use std::process::ExitCode;

use clap::Subcommand;

use super::{dhcp, dns, frames, handshake};
use crate::i18n::Lang;

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// A message encapsulated layer by layer (one frame).
    Encapsulation(frames::EncapsulationArgs),
    /// The ARP story of the LAN panel.
    Arp(frames::ArpArgs),
    /// A TCP handshake/teardown scenario.
    Handshake(handshake::HandshakeExportArgs),
    /// The dns lab's queries and answers (UDP, and TCP after a truncated answer).
    Dns(dns::DnsExportArgs),
    /// The dhcp lab's Discover, Offer, Request and Ack as frames on a LAN.
    Dhcp(dhcp::DhcpExportArgs),
}

pub fn run(cmd: ExportCmd, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
        ExportCmd::Encapsulation(args) => frames::export_encapsulation(args, lang),
        ExportCmd::Arp(args) => frames::export_arp(args, lang),
        ExportCmd::Handshake(args) => handshake::export(args, lang),
        ExportCmd::Dns(args) => dns::export(args, lang),
        ExportCmd::Dhcp(args) => dhcp::export(args, lang),
    }
}
