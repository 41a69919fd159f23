//! `nettutor export handshake` and `nettutor capture handshake` (issue: handshake).

use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct HandshakeExportArgs {}

#[derive(Debug, Subcommand)]
pub enum CaptureCmd {
    /// Open, use and close a real TCP connection on 127.0.0.1 and capture it.
    Handshake {},
}

pub fn export(_args: HandshakeExportArgs, _lang: Lang) -> anyhow::Result<ExitCode> {
    anyhow::bail!("handshake export is not built yet")
}

pub fn capture(_cmd: CaptureCmd, _lang: Lang) -> anyhow::Result<ExitCode> {
    anyhow::bail!("capture is not built yet")
}
