//! Live socket labs on loopback. Each lab: parameters in, a stream of events out,
//! a final report. Real sockets on 127.0.0.1 port 0, no terminal code here.
//!
//! # API for front ends (CLI, TUI panel)
//!
//! - [`LabName`]: the labs; `"udp-loss".parse::<LabName>()`, [`LabName::ALL`],
//!   `title_key()` / `about_key()` / `predict_key()` are `ui.toml` keys (title, one
//!   line description, the "predict, then observe" question).
//! - [`LabParams`]: one enum over every lab's params struct (`sticky::StickyParams`…),
//!   each with defaults. [`LabParams::defaults`], [`LabParams::from_pairs`] (the
//!   lesson form `lab=sticky count=10 delay=200`), [`LabParams::set`] /
//!   [`LabParams::get`] by option name, [`LabParams::from_arg`] for a whole
//!   lesson argument (`lab=NAME k=v …`), [`LabParams::options`] lists [`OptSpec`]s
//!   (kind, range, default, help key) to draw a parameter form. A bad value is a
//!   [`LabError::BadOption`] naming the option and the allowed range.
//! - Running: [`run_lab`] blocks the calling thread and returns a [`LabReport`];
//!   [`spawn_lab`] runs it on a background thread, streams [`LabEvent`]s into your
//!   [`LabSink`] and ends with [`LabEvent::Finished`] or [`LabEvent::Failed`]; the
//!   returned [`LabHandle`] cancels and joins on [`LabHandle::cancel`] or drop.
//!   Implement [`LabSink`] for a wrapper around your app channel (it is already
//!   implemented for `mpsc::Sender<LabEvent>`).
//! - Events per lab (what to draw):
//!   - sticky, split, framing: `Sent{index,len}` then `Received{index,len,preview}`.
//!     Byte offsets line up (the running sums of `len`), so colour the bytes of
//!     send *i* the same in the writer row and the reader row and merged or cut
//!     messages jump out. framing sends `Phase` per experiment (naive, length,
//!     delimiter, sleep; indexes restart at 0) and `Progress{done,total:4}`.
//!     split caps `Received` at 1000 and sends `Progress` in bytes.
//!   - udp-boundaries: `Sent` per datagram, then `Received` per datagram.
//!   - udp-truncate: `Sent`/`Received` per datagram, `Log{"lab.udp-truncate.log.truncated"}`
//!     when cut, then `Step{name:"sendto-oversize", ok:false, error}`.
//!   - udp-loss: `Phase` (UDP), `Progress` while sending (100 steps),
//!     `Datagram{seq,received:true}` per arrival (missing = the rest of
//!     `0..total`), then `Phase` (TCP) and `Progress` again.
//!   - http: `Log{"lab.http.seen"}` per request the server parsed, and
//!     `Log{"lab.http.serving"}` with the URL when `--serve` keeps it up.
//!   - dns: the query log as `Log`s: `lab.dns.query` (the resolver asks),
//!     `lab.dns.served`/`served-tc` (the server answers), `lab.dns.answer`,
//!     `lab.dns.retry-tcp`, `lab.dns.cache-hit`; then `Phase` (cache) and one
//!     `lab.dns.tick` a second with every cached TTL, `lab.dns.expired` when
//!     one runs out; `lab.dns.serving` under `--serve`.
//!   - dhcp: `lab.dhcp.ports` (the loopback sockets), then one
//!     `lab.dhcp.sent.{client,relay,server}-{broadcast,unicast}` per message
//!     (type, xid, LAN source and destination), `lab.dhcp.bound` with the
//!     lease; then `Phase` (bound), one `lab.dhcp.tick` a second with the
//!     lease left, `lab.dhcp.renewing` at T1 and the renewal's messages.
//!   - errors: one `Step{index,name,ok,error}` per case (`ok`: the outcome the
//!     case demonstrates; `error`: errno → Python exception).
//!   - port-in-use: one `Step{index,name,ok,error}` per step; the text of step
//!     `name` is `port_in_use::step_key(name)`.
//!   - chat, time: `Line{side,sent,text}` (each end reports what it wrote and read),
//!     plus `Log` for "peer closed" / "UDP server does not know the client yet".
//!   - unix: `Phase` per family + `Progress` in round trips.
//!   - throughput: `Phase` (tcp, udp, rtt), `Sample{series:"tcp"|"udp",elapsed_ms,
//!     value}` (MB/s every 100 ms) and `Progress{done,total}` in ms.
//!   - concurrency: `Client{index,stage,at_ms}` as each client connects, gets
//!     its first reply and is done; `Sample{series:"accept-queue"}` whenever the
//!     kernel's accept queue length changes.
//!
//!   Texts are `ui.toml` keys (`Phase{key}`, `Log{key,args}`: use `i18n::tf`).
//! - [`LabReport`] serialises to one JSON object: `lab`, the lab's keys from the
//!   issue (plus a few documented extras), `elapsed_ms`, `prediction`
//!   (`{predicted, observed, matched}` or null). [`LabReport::summary`] is the
//!   human text (en or zh) with the prediction verdict; `report.details.outcome()`
//!   gives the observed number and summary lines alone.
//! - Interactive chat and time: `chat::start(Transport, Arc<dyn LabSink>)` /
//!   `time::start(…)` return a [`session::DuplexSession`]: `say(Side::Client,
//!   line)` / `say(Side::Server, line)` queue a line and return at once (the time
//!   server answers by itself), `transcript()`, `is_finished()` (after "bye"),
//!   `close()` (or drop) stops and joins both ends. Lines arrive as
//!   `LabEvent::Line`.
//!
//! Every blocking call waits at most [`io::POLL`] before re-checking the
//! [`Cancel`] token, threads are scoped or joined before a lab returns, and temp
//! files are removed, on every path.

pub mod capture;
pub mod chat;
pub mod codec;
pub mod concurrency;
pub mod dhcp;
pub mod dns;
pub mod errors;
pub mod event;
pub mod framing;
pub mod http;
pub mod io;
mod name;
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

use std::thread::JoinHandle;
use std::time::Instant;

use serde::Serialize;

pub use event::{Cancel, LabEvent, LabSink, NullSink, Side};
pub use name::LabName;
pub use options::{OptKind, OptSpec, OptValue};
pub use report::{LabOutcome, LabReport, Prediction};

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

/// Why a lab could not run or did not finish (texts: `lab.err.*` in
/// `assets/i18n/ui.toml`; `Display` gives the English one). `what` names a
/// socket call or option (`recvfrom`, `set SO_RCVBUF`) and is not translated.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(crate::i18n::Lang::En))]
pub enum LabError {
    UnknownLab(String),
    UnknownOption {
        lab: &'static str,
        option: String,
        allowed: String,
    },
    BadOption {
        lab: &'static str,
        option: &'static str,
        value: String,
        allowed: options::Allowed,
    },
    Cancelled,
    Timeout(&'static str),
    Io {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    Failed(String),
}

impl LabError {
    pub fn io(what: &'static str, source: std::io::Error) -> LabError {
        LabError::Io { what, source }
    }

    /// Whether the error is about the user's input (exit code 2 on the CLI).
    /// The message in `lang`, one line.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{t, tf};
        match self {
            LabError::UnknownLab(name) => tf(
                lang,
                "lab.err.unknown",
                &[("name", name), ("labs", &LabName::NAMES.join(", "))],
            ),
            LabError::UnknownOption {
                lab,
                option,
                allowed,
            } => tf(
                lang,
                "lab.err.unknown_option",
                &[("lab", lab), ("option", option), ("allowed", allowed)],
            ),
            LabError::BadOption {
                lab,
                option,
                value,
                allowed,
            } => tf(
                lang,
                "lab.err.bad_option",
                &[
                    ("lab", lab),
                    ("option", option),
                    ("value", value),
                    ("allowed", &allowed.text(lang)),
                ],
            ),
            LabError::Cancelled => t(lang, "lab.err.cancelled").to_string(),
            LabError::Timeout(what) => tf(lang, "lab.err.timeout", &[("what", what)]),
            LabError::Io { what, source } => tf(
                lang,
                "lab.err.io",
                &[
                    ("what", what),
                    ("reason", &crate::output_file::io_text(source, lang)),
                ],
            ),
            LabError::Failed(text) => text.clone(),
        }
    }

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
/// A lab's own report type, as found in a [`LabDetails`]: the Labs panel's
/// pictures ask for theirs with `LabRun::details_of::<DnsReport>()`.
pub trait OfDetails: Sized {
    /// `details` when they are this lab's, else None.
    fn of(details: &LabDetails) -> Option<&Self>;
}

macro_rules! labs {
    ($($variant:ident => $module:ident :: $params:ident, $report:ident;)*) => {
        /// The parameters of one lab run.
        #[derive(Debug, Clone, PartialEq, Eq)]
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

        $(impl OfDetails for $module::$report {
            fn of(details: &LabDetails) -> Option<&Self> {
                match details {
                    LabDetails::$variant(r) => Some(r),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        })*
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
    Concurrency => concurrency::ConcurrencyParams, ConcurrencyReport;
    Errors => errors::ErrorsParams, ErrorsReport;
    Http => http::HttpParams, HttpReport;
    Dns => dns::DnsParams, DnsReport;
    Dhcp => dhcp::DhcpParams, DhcpReport;
}

impl LabParams {
    /// Params of `lab` from `name=value` pairs (a lesson's `lab=sticky count=10`
    /// without the `lab=` part); a bare `nodelay` means on.
    pub fn from_pairs<'a>(
        lab: LabName,
        pairs: impl IntoIterator<Item = &'a str>,
    ) -> Result<LabParams, LabError> {
        let mut params = LabParams::defaults(lab);
        let has = |params: &LabParams, n: &str| params.options().iter().any(|s| s.name == n);
        for pair in pairs {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = name.trim_start_matches("--");
            // Lessons say `proto=udp` (the OSI panel's word) as often as `transport=udp`.
            let name = if name == "proto" && !has(&params, "proto") && has(&params, "transport") {
                "transport"
            } else {
                name
            };
            params.set(name, value)?;
        }
        Ok(params)
    }
}

impl LabParams {
    /// Params from a lesson's panel argument: `lab=NAME` then the lab's options,
    /// space-separated (`lab=sticky count=10 delay=200 nodelay`). The message text
    /// cannot contain spaces in this form.
    pub fn from_arg(arg: &str) -> Result<LabParams, LabError> {
        let mut words = arg.split_whitespace();
        let first = words.next().unwrap_or("");
        let name = first.strip_prefix("lab=").unwrap_or(first);
        let lab: LabName = name.parse()?;
        LabParams::from_pairs(lab, words)
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
    Ok(LabReport::new(
        params.lab(),
        details,
        io::ms_since(start),
        params.predict(),
    ))
}

/// The report of an interactive chat or time conversation (the Labs panel's
/// `i`), built as the headless lab builds its own.
pub fn conversation_report(
    lab: LabName,
    transport: Transport,
    transcript: Vec<session::TranscriptLine>,
    elapsed_ms: u64,
    predicted: Option<u64>,
) -> LabReport {
    let details = if lab == LabName::Time {
        LabDetails::Time(time::TimeReport::of(transport, &transcript))
    } else {
        LabDetails::Chat(chat::ChatReport::of(transport, transcript))
    };
    LabReport::new(lab, details, elapsed_ms, predicted)
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

    /// Ask the lab to stop and return at once: the lab notices within
    /// [`io::POLL`] and ends with `LabEvent::Failed { cancelled: true }`.
    pub fn request_cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether a stop was asked for.
    pub fn cancel_requested(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Whether the lab thread has ended (its last event was sent).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Wait for the thread: at once after its last event, or after a cancel.
    pub fn join(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    fn stop(&mut self) {
        self.cancel.cancel();
        self.join();
    }
}

impl Drop for LabHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Run a lab on a background thread. Its events, then one final
/// [`LabEvent::Finished`] or [`LabEvent::Failed`], go to `sink`.
pub fn spawn_lab(params: LabParams, sink: impl LabSink + 'static) -> Result<LabHandle, LabError> {
    let cancel = Cancel::new();
    let worker_cancel = cancel.clone();
    let thread = std::thread::Builder::new()
        .name(format!("lab-{}", params.lab()))
        .spawn(move || {
            let last = match run_lab(&params, &sink, &worker_cancel) {
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
        for &lab in LabName::ALL {
            assert_eq!(lab.as_str().parse::<LabName>().unwrap(), lab);
        }
        let err = "stiky".parse::<LabName>().unwrap_err().to_string();
        assert!(err.contains("stiky") && err.contains("udp-loss"), "{err}");
    }

    #[test]
    fn every_option_default_is_what_the_params_hold_and_parses_back() {
        for &lab in LabName::ALL {
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
    fn panel_argument_names_the_lab_then_its_options() {
        let params = LabParams::from_arg("lab=udp-loss count=500 rcvbuf=8192").unwrap();
        assert_eq!(params.lab(), LabName::UdpLoss);
        assert_eq!(params.get("count").as_deref(), Some("500"));
        assert_eq!(params.get("rcvbuf").as_deref(), Some("8192"));
        assert!(LabParams::from_arg("lab=nope").is_err());
        assert!(LabParams::from_arg("lab=sticky count=0").is_err());
        assert!(LabParams::from_arg("").is_err());
    }

    #[test]
    fn every_lab_has_title_about_and_question_in_both_languages() {
        for &lab in LabName::ALL {
            for key in [lab.title_key(), lab.about_key(), lab.predict_key()] {
                assert!(crate::i18n::has(key), "missing ui.toml key {key}");
            }
        }
    }
}
