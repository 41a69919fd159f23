//! Live socket labs on loopback. Each lab: parameters in, a stream of events out,
//! a final report. Real sockets on 127.0.0.1 port 0, no terminal code here.
//!
//! # API for front ends (CLI, TUI panel)
//!
//! - [`LabName`]: the eleven labs; `"udp-loss".parse::<LabName>()`, [`LabName::ALL`],
//!   `title_key()` / `about_key()` / `predict_key()` are `ui.toml` keys (title, one
//!   line description, the "predict, then observe" question).
//! - [`LabParams`]: one enum over every lab's params struct (`sticky::StickyParams`…),
//!   each with defaults. [`LabParams::defaults`], [`LabParams::from_pairs`] (the
//!   lesson form `lab=sticky count=10 delay=200`), [`LabParams::set`] /
//!   [`LabParams::get`] by option name, [`LabParams::options`] lists [`OptSpec`]s
//!   (kind, range, default, help key) to draw a parameter form. A bad value is a
//!   [`LabError::BadOption`] naming the option and the allowed range.
//! - Running: [`run_lab`] blocks the calling thread and returns a [`LabReport`];
//!   [`spawn_lab`] runs it on a background thread, streams [`LabEvent`]s into your
//!   [`LabSink`] and ends with [`LabEvent::Finished`] or [`LabEvent::Failed`]; the
//!   returned [`LabHandle`] cancels and joins on [`LabHandle::cancel`] or drop.
//!   Implement [`LabSink`] for a wrapper around your app channel (it is already
//!   implemented for `mpsc::Sender<LabEvent>`).
//! - Events per lab (what to draw):
//!   sticky/split/framing: `Sent{index,len}` then `Received{index,len,preview}`
//!   (byte offsets line up: colour the bytes of send i the same in both rows);
//!   udp-boundaries: `Sent`/`Received` per datagram; udp-truncate: `Sent` and
//!   `Received` per datagram plus `Log`; udp-loss: `Progress` while sending,
//!   `Datagram{seq,received:true}` for each arrival (missing = the rest of
//!   `0..total`), then `Phase` for the TCP part and `Progress` again;
//!   port-in-use: one `Step` per step; chat/time: `Line{side,sent,text}`;
//!   unix: `Phase` + `Progress`; throughput: `Phase`, `Sample{series,elapsed_ms,
//!   value}` (MB/s every 100 ms) and `Progress{done,total}` in ms.
//!   Every lab may also send `Phase` and `Log{key,args}` (`ui.toml` keys; use
//!   `i18n::tf`).
//! - [`LabReport`] serialises to the JSON of the issue (`lab`, the lab's keys,
//!   `elapsed_ms`, `prediction`); [`LabReport::summary`] is the human text in
//!   English or Chinese, including the prediction verdict.
//! - Interactive chat and time: [`session::DuplexSession`] (server and client
//!   ends the panel drives line by line); see `chat` and `time`.
//!
//! Every blocking call waits at most [`io::POLL`] before re-checking the
//! [`Cancel`] token, threads are scoped or joined before a lab returns, and temp
//! files are removed, on every path.

pub mod chat;
pub mod codec;
pub mod event;
pub mod framing;
pub mod io;
pub mod options;
pub mod port_in_use;
mod report;
pub mod session;
pub mod split;
pub mod sticky;
pub mod throughput;
pub mod time;
pub mod timefmt;
pub mod udp_boundaries;
pub mod udp_loss;
pub mod udp_truncate;
pub mod unix;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use serde::Serialize;

pub use event::{Cancel, LabEvent, LabSink, NullSink, Side};
pub use options::{OptKind, OptSpec, OptValue};
pub use report::{LabOutcome, LabReport, Prediction};

/// The labs, by the names used on the command line and in lesson files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum LabName {
    #[serde(rename = "sticky")]
    Sticky,
    #[serde(rename = "split")]
    Split,
    #[serde(rename = "framing")]
    Framing,
    #[serde(rename = "udp-boundaries")]
    UdpBoundaries,
    #[serde(rename = "udp-truncate")]
    UdpTruncate,
    #[serde(rename = "udp-loss")]
    UdpLoss,
    #[serde(rename = "port-in-use")]
    PortInUse,
    #[serde(rename = "chat")]
    Chat,
    #[serde(rename = "time")]
    Time,
    #[serde(rename = "unix")]
    Unix,
    #[serde(rename = "throughput")]
    Throughput,
}

impl LabName {
    /// Every lab, in the order of the issue (and of `--list`).
    pub const ALL: [LabName; 11] = [
        LabName::Sticky,
        LabName::Split,
        LabName::Framing,
        LabName::UdpBoundaries,
        LabName::UdpTruncate,
        LabName::UdpLoss,
        LabName::PortInUse,
        LabName::Chat,
        LabName::Time,
        LabName::Unix,
        LabName::Throughput,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LabName::Sticky => "sticky",
            LabName::Split => "split",
            LabName::Framing => "framing",
            LabName::UdpBoundaries => "udp-boundaries",
            LabName::UdpTruncate => "udp-truncate",
            LabName::UdpLoss => "udp-loss",
            LabName::PortInUse => "port-in-use",
            LabName::Chat => "chat",
            LabName::Time => "time",
            LabName::Unix => "unix",
            LabName::Throughput => "throughput",
        }
    }

    fn key(self, what: &str) -> &'static str {
        // Keys are built from a fixed table so they can be `&'static`.
        const KEYS: [[&str; 3]; 11] = [
            ["lab.sticky.title", "lab.sticky.about", "lab.sticky.predict"],
            ["lab.split.title", "lab.split.about", "lab.split.predict"],
            [
                "lab.framing.title",
                "lab.framing.about",
                "lab.framing.predict",
            ],
            [
                "lab.udp-boundaries.title",
                "lab.udp-boundaries.about",
                "lab.udp-boundaries.predict",
            ],
            [
                "lab.udp-truncate.title",
                "lab.udp-truncate.about",
                "lab.udp-truncate.predict",
            ],
            [
                "lab.udp-loss.title",
                "lab.udp-loss.about",
                "lab.udp-loss.predict",
            ],
            [
                "lab.port-in-use.title",
                "lab.port-in-use.about",
                "lab.port-in-use.predict",
            ],
            ["lab.chat.title", "lab.chat.about", "lab.chat.predict"],
            ["lab.time.title", "lab.time.about", "lab.time.predict"],
            ["lab.unix.title", "lab.unix.about", "lab.unix.predict"],
            [
                "lab.throughput.title",
                "lab.throughput.about",
                "lab.throughput.predict",
            ],
        ];
        let row = Self::ALL.iter().position(|l| *l == self).unwrap_or(0);
        let col = match what {
            "title" => 0,
            "about" => 1,
            _ => 2,
        };
        KEYS[row][col]
    }

    /// `ui.toml` key of the lab's short title.
    pub fn title_key(self) -> &'static str {
        self.key("title")
    }

    /// `ui.toml` key of the one-line description (`nettutor lab --list`).
    pub fn about_key(self) -> &'static str {
        self.key("about")
    }

    /// `ui.toml` key of the "predict, then observe" question.
    pub fn predict_key(self) -> &'static str {
        self.key("predict")
    }
}

impl fmt::Display for LabName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LabName {
    type Err = LabError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        LabName::ALL
            .iter()
            .copied()
            .find(|lab| lab.as_str() == wanted)
            .ok_or_else(|| LabError::UnknownLab(s.to_string()))
    }
}

/// TCP or UDP, for the labs that do both (chat, time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Tcp,
    Udp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }

    /// From an already validated choice word; anything but "udp" is TCP.
    pub fn from_word(word: &str) -> Transport {
        if word.eq_ignore_ascii_case("udp") {
            Transport::Udp
        } else {
            Transport::Tcp
        }
    }
}

/// Why a lab could not run or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(
        "unknown lab '{0}' (labs: sticky, split, framing, udp-boundaries, udp-truncate, \
         udp-loss, port-in-use, chat, time, unix, throughput)"
    )]
    UnknownLab(String),
    #[error("lab {lab}: unknown option '--{option}' (options: {allowed})")]
    UnknownOption {
        lab: &'static str,
        option: String,
        allowed: String,
    },
    #[error("lab {lab}: bad value '{value}' for --{option}: expected {allowed}")]
    BadOption {
        lab: &'static str,
        option: &'static str,
        value: String,
        allowed: String,
    },
    #[error("the lab was cancelled")]
    Cancelled,
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Failed(String),
}

impl LabError {
    pub fn io(what: &'static str, source: std::io::Error) -> LabError {
        LabError::Io { what, source }
    }

    /// Whether the error is about the user's input (exit code 2 on the CLI).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            LabError::UnknownLab(_) | LabError::UnknownOption { .. } | LabError::BadOption { .. }
        )
    }
}

/// A lab's params struct: defaults, options table, set/get by name.
pub trait LabOptions: Default {
    const LAB: LabName;
    /// The options in display order.
    fn options() -> &'static [OptSpec];
    /// Set option `name` from text, validating it.
    fn set(&mut self, name: &str, value: &str) -> Result<(), LabError>;
    /// The current value of option `name` as text.
    fn get(&self, name: &str) -> Option<String>;
    /// The student's prediction, if any.
    fn predict(&self) -> Option<u64>;
}

/// Declares the list of labs once: the params enum, the details enum and the
/// dispatch between them.
macro_rules! labs {
    ($($variant:ident => $module:ident :: $params:ident, $report:ident;)*) => {
        /// The parameters of one lab run.
        #[derive(Debug, Clone, PartialEq)]
        pub enum LabParams { $($variant($module::$params),)* }

        /// The lab-specific part of a [`LabReport`] (its JSON keys are flattened).
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum LabDetails { $($variant($module::$report),)* }

        impl LabParams {
            /// The defaults of `lab`.
            pub fn defaults(lab: LabName) -> LabParams {
                match lab {
                    $(LabName::$variant => LabParams::$variant(Default::default()),)*
                }
            }
            pub fn lab(&self) -> LabName {
                match self { $(LabParams::$variant(_) => LabName::$variant,)* }
            }
            /// Set option `name` (as typed, e.g. `recv-size`; also `predict`).
            pub fn set(&mut self, name: &str, value: &str) -> Result<(), LabError> {
                match self { $(LabParams::$variant(p) => LabOptions::set(p, name, value),)* }
            }
            /// Current value of option `name` as text.
            pub fn get(&self, name: &str) -> Option<String> {
                match self { $(LabParams::$variant(p) => LabOptions::get(p, name),)* }
            }
            /// The lab's options (for a form or `--help`).
            pub fn options(&self) -> &'static [OptSpec] {
                match self { $(LabParams::$variant(_) => <$module::$params as LabOptions>::options(),)* }
            }
            pub fn predict(&self) -> Option<u64> {
                match self { $(LabParams::$variant(p) => LabOptions::predict(p),)* }
            }
            fn run_details(&self, sink: &dyn LabSink, cancel: &Cancel) -> Result<LabDetails, LabError> {
                match self {
                    $(LabParams::$variant(p) => $module::run(p, sink, cancel).map(LabDetails::$variant),)*
                }
            }
        }

        impl LabDetails {
            /// The lab-specific outcome (observed number, summary lines).
            pub fn outcome(&self) -> &dyn LabOutcome {
                match self { $(LabDetails::$variant(r) => r,)* }
            }
        }
    };
}

labs! {
    Sticky => sticky::StickyParams, StickyReport;
    Split => split::SplitParams, SplitReport;
    Framing => framing::FramingParams, FramingReport;
    UdpBoundaries => udp_boundaries::UdpBoundariesParams, UdpBoundariesReport;
    UdpLoss => udp_loss::UdpLossParams, UdpLossReport;
    PortInUse => port_in_use::PortInUseParams, PortInUseReport;
    Chat => chat::ChatParams, ChatReport;
    Time => time::TimeParams, TimeReport;
    Unix => unix::UnixParams, UnixReport;
    Throughput => throughput::ThroughputParams, ThroughputReport;
    UdpTruncate => udp_truncate::UdpTruncateParams, UdpTruncateReport;
}

impl LabParams {
    /// Params of `lab` from `name=value` pairs (a lesson's `lab=sticky count=10`
    /// without the `lab=` part); a bare `nodelay` means on.
    pub fn from_pairs<'a>(
        lab: LabName,
        pairs: impl IntoIterator<Item = &'a str>,
    ) -> Result<LabParams, LabError> {
        let mut params = LabParams::defaults(lab);
        for pair in pairs {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            params.set(name.trim_start_matches("--"), value)?;
        }
        Ok(params)
    }
}

/// Run a lab to the end on this thread: events go to `sink`; returns the report
/// with wall time and prediction verdict.
pub fn run_lab(
    params: &LabParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<LabReport, LabError> {
    let start = Instant::now();
    let details = params.run_details(sink, cancel).map_err(|err| {
        // After a cancel, any error is a consequence of it.
        if cancel.is_cancelled() {
            LabError::Cancelled
        } else {
            err
        }
    })?;
    let elapsed_ms = io::ms_since(start);
    let prediction = params.predict().map(|predicted| {
        let outcome = details.outcome();
        Prediction {
            predicted,
            observed: outcome.observed(),
            matched: outcome.matches(predicted),
        }
    });
    Ok(LabReport {
        lab: params.lab(),
        details,
        elapsed_ms,
        prediction,
    })
}

/// A lab running on a background thread (see [`spawn_lab`]).
#[derive(Debug)]
pub struct LabHandle {
    cancel: Cancel,
    thread: Option<JoinHandle<()>>,
}

impl LabHandle {
    /// Ask the lab to stop and wait (≤ ~100 ms) until its thread has ended.
    pub fn cancel(mut self) {
        self.stop();
    }

    /// Whether the lab thread has ended (its last event was sent).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    fn stop(&mut self) {
        self.cancel.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for LabHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Run a lab on a background thread. Its events, then one final
/// [`LabEvent::Finished`] or [`LabEvent::Failed`], go to `sink`.
pub fn spawn_lab(params: LabParams, sink: Arc<dyn LabSink>) -> Result<LabHandle, LabError> {
    let cancel = Cancel::new();
    let worker_cancel = cancel.clone();
    let thread = std::thread::Builder::new()
        .name(format!("lab-{}", params.lab()))
        .spawn(move || {
            let last = match run_lab(&params, sink.as_ref(), &worker_cancel) {
                Ok(report) => LabEvent::Finished {
                    report: Box::new(report),
                },
                Err(err) => LabEvent::Failed {
                    cancelled: matches!(err, LabError::Cancelled),
                    error: err.to_string(),
                },
            };
            sink.event(last);
        })
        .map_err(|e| LabError::io("start lab thread", e))?;
    Ok(LabHandle {
        cancel,
        thread: Some(thread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_clear() {
        for lab in LabName::ALL {
            assert_eq!(lab.as_str().parse::<LabName>().unwrap(), lab);
        }
        let err = "stiky".parse::<LabName>().unwrap_err().to_string();
        assert!(err.contains("stiky") && err.contains("udp-loss"), "{err}");
    }

    #[test]
    fn every_option_default_is_what_the_params_hold_and_parses_back() {
        for lab in LabName::ALL {
            let mut params = LabParams::defaults(lab);
            assert_eq!(params.lab(), lab);
            for spec in params.options() {
                assert_eq!(
                    params.get(spec.name).as_deref(),
                    Some(spec.default),
                    "{lab} --{}",
                    spec.name
                );
                params.set(spec.name, spec.default).unwrap();
                assert!(
                    crate::i18n::has(spec.help),
                    "missing ui.toml key {}",
                    spec.help
                );
            }
            assert_eq!(params, LabParams::defaults(lab), "{lab}");
            assert!(params.set("no-such-option", "1").unwrap_err().is_usage());
        }
    }

    #[test]
    fn lesson_style_pairs_set_options_and_prediction() {
        let params =
            LabParams::from_pairs(LabName::Sticky, ["count=3", "nodelay", "predict=1"]).unwrap();
        assert_eq!(params.get("count").as_deref(), Some("3"));
        assert_eq!(params.get("nodelay").as_deref(), Some("true"));
        assert_eq!(params.predict(), Some(1));
        let err = LabParams::from_pairs(LabName::UdpLoss, ["size=4"]).unwrap_err();
        assert!(err.to_string().contains("--size"), "{err}");
    }

    #[test]
    fn every_lab_has_title_about_and_question_in_both_languages() {
        for lab in LabName::ALL {
            for key in [lab.title_key(), lab.about_key(), lab.predict_key()] {
                assert!(crate::i18n::has(key), "missing ui.toml key {key}");
            }
        }
    }
}
