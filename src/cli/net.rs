//! `nettutor net list` and `nettutor net run NAME [--json] [-o FILE]`: the
//! experiments on the virtual network (`crate::vnet`), run in the lab process
//! (`nettutor __vnet`, started here and gone when the command ends).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::json;

use super::out::say_line;
use crate::i18n::{Lang, t, tf};
use crate::net::impaired::Chance;
use crate::vnet::proto::{Params, Recovery};
use crate::vnet::{Lab, VnetError, experiments};

#[derive(Debug, Subcommand)]
pub enum NetCmd {
    /// List the experiments.
    List,
    /// Run one experiment on a fresh virtual network and print what it proves.
    Run(RunArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  nettutor net run arp-same-lan\n  \
    nettutor net run traceroute --json\n  nettutor net run mtu -o mtu.pcapng\n  \
    nettutor net run tcp-loss --loss 5 --seed 7 -o loss.pcapng\n  \
    nettutor net run tcp-loss --loss 10 --seed 23 --recovery classic")]
pub struct RunArgs {
    /// The experiment (see `nettutor net list`).
    pub name: String,
    /// The report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write every captured frame as pcapng (one interface per capture point,
    /// named HOST:IFNAME).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// tcp-loss: the share of frames the impaired link drops, in % (0–100; default 5).
    #[arg(long, value_name = "PCT")]
    pub loss: Option<Chance>,
    /// tcp-loss: the seed of the link's plan (the same seed drops the same frames).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// tcp-loss: how the sender finds its losses — linux, the kernel's own
    /// (RACK-TLP), or classic: SACK, and with it RACK and the tail-loss probe,
    /// off in the sender's namespace, so three duplicate ACKs start a fast
    /// retransmit and a lost tail waits for the timeout (default linux).
    #[arg(long, value_enum, value_name = "MODE")]
    pub recovery: Option<Recovery>,
}

pub fn run(cmd: NetCmd, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
        NetCmd::List => {
            // The descriptions in one column, after the longest name.
            let width = experiments::ALL
                .iter()
                .map(|e| e.name.len())
                .max()
                .unwrap_or(0);
            for e in experiments::ALL {
                let key = format!("net.{}.about", e.name);
                say_line(&format!("{:<width$}  {}", e.name, t(lang, &key)))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        NetCmd::Run(args) => run_one(&args, lang),
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

fn us_ms(us: u64) -> f64 {
    ms(Duration::from_micros(us))
}

fn run_one(args: &RunArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let Some(experiment) = experiments::find(&args.name) else {
        let names: Vec<&str> = experiments::ALL.iter().map(|e| e.name).collect();
        anyhow::bail!(tf(
            lang,
            "net.unknown",
            &[("name", &args.name), ("names", &names.join(", "))]
        ));
    };
    let params = Params {
        loss: args.loss,
        seed: args.seed,
        recovery: args.recovery,
    };
    if params != Params::default() && !experiment.takes_loss {
        let takers: Vec<&str> = experiments::ALL
            .iter()
            .filter(|e| e.takes_loss)
            .map(|e| e.name)
            .collect();
        anyhow::bail!(tf(
            lang,
            "net.no_params",
            &[("name", &args.name), ("names", &takers.join(", "))]
        ));
    }
    let lab = match Lab::start() {
        Ok(lab) => lab,
        Err(VnetError::NoUserNamespaces { remedy, .. }) => {
            let line = match remedy {
                Some(remedy) => tf(lang, "net.no_userns", &[("remedy", &remedy)]),
                None => t(lang, "net.no_userns_root").to_string(),
            };
            anyhow::bail!(line);
        }
        Err(e) => return Err(e.into()),
    };
    let mut lab = lab;
    let pid = lab.pid();
    let started_in = lab.started_in;
    let outcome = lab.run_with(&args.name, params)?;
    let exit = lab.shutdown()?;
    if let Some(path) = &args.output {
        crate::vnet::pcapng::write_pcapng(path, &outcome.frames)?;
    }
    if args.json {
        let report = json!({
            "experiment": outcome.experiment,
            "report": outcome.report,
            "frames": outcome.frames.len(),
            "capture_dropped": outcome.capture_dropped,
            "events": outcome.events,
            "isolation": outcome.isolation,
            "lab_pid": pid,
            "timing_ms": {
                "lab_start": ms(started_in),
                "setup": us_ms(outcome.setup_us),
                "run": us_ms(outcome.run_us),
                "teardown": us_ms(outcome.teardown_us),
                "lab_exit": ms(exit),
            },
        });
        say_line(&report.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }
    let title = format!("net.{}.title", args.name);
    say_line(t(lang, &title))?;
    for line in crate::vnet::text::proofs(&outcome, lang) {
        say_line(&format!("  {line}"))?;
    }
    say_line(&tf(
        lang,
        "net.timing",
        &[
            ("setup", &format!("{:.1}", us_ms(outcome.setup_us))),
            ("run", &format!("{:.1}", us_ms(outcome.run_us))),
            (
                "teardown",
                &format!("{:.1}", us_ms(outcome.teardown_us) + ms(exit)),
            ),
            ("frames", &outcome.frames.len().to_string()),
        ],
    ))?;
    if outcome.capture_dropped > 0 {
        say_line(&tf(
            lang,
            "net.capture_dropped",
            &[("n", &outcome.capture_dropped.to_string())],
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A [`VnetError`] in `lang`, for the error line (the type lives with the
/// virtual network; its words are said here). English is its own `Display`.
/// Texts the lab process or an experiment wrote (`Child`, `Experiment`,
/// `Isolation`'s detail) stay as they are; `what` names a kernel call.
pub fn vnet_message(e: &VnetError, lang: Lang) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        VnetError::NoUserNamespaces { errno, .. } => {
            tf(lang, "net.err.no_userns", &[("errno", errno)])
        }
        VnetError::Kernel { what, source } => tf(
            lang,
            "lab.err.io",
            &[
                ("what", what),
                ("reason", &crate::output_file::io_text(source, lang)),
            ],
        ),
        VnetError::NoSuchHost(name) => tf(lang, "net.err.no_host", &[("name", name)]),
        VnetError::UnknownExperiment(name) => tf(lang, "net.err.no_experiment", &[("name", name)]),
        VnetError::Isolation(detail) => tf(lang, "net.err.isolation", &[("detail", detail)]),
        VnetError::Child(detail) => tf(lang, "net.err.child", &[("detail", detail)]),
        VnetError::Timeout => t(lang, "net.err.timeout").to_string(),
        // An experiment's own words, and any variant added since.
        #[allow(unreachable_patterns)]
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vnet_errors_say_the_same_in_both_languages() {
        let all = [
            VnetError::NoUserNamespaces {
                remedy: None,
                errno: "EPERM".into(),
            },
            VnetError::Kernel {
                what: "unshare",
                source: std::io::Error::from_raw_os_error(libc::EPERM),
            },
            VnetError::NoSuchHost("h9".into()),
            VnetError::UnknownExperiment("x".into()),
            VnetError::Isolation("eth0 has a route".into()),
            VnetError::Child("exited".into()),
            VnetError::Timeout,
        ];
        for e in &all {
            assert_eq!(vnet_message(e, Lang::En), e.to_string());
            let zh = vnet_message(e, Lang::Zh);
            assert_ne!(zh, e.to_string(), "{e}");
        }
        // The table's English is the type's own words (the table is what a
        // translator reads).
        assert_eq!(
            tf(Lang::En, "net.err.no_host", &[("name", "h9")]),
            all[2].to_string()
        );
        assert_eq!(t(Lang::En, "net.err.timeout"), all[6].to_string());
        assert_eq!(vnet_message(&all[1], Lang::Zh), "unshare：不允许的操作");
    }
}
