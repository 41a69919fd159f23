//! `time` — the classic time servers. Over TCP the client sends a Unix timestamp
//! and the server answers with the date: it parses the number, it never `eval`s
//! it. Over UDP the client sends a format string and the server formats the
//! current time with it, allowing only a fixed set of directives.
//! Interactive use: [`start`]; headless: [`run`] plays a script with attacks in it.

use std::sync::Arc;

use serde::Serialize;

use super::options::lab_params;
use super::session::{self, DuplexSession, ServerRole, TranscriptLine};
use super::timefmt::{UtcTime, format_time, parse_timestamp};
use super::{Cancel, LabError, LabOutcome, LabSink, Side, Transport};
use crate::i18n::{Lang, t, tf};

/// What every refusal starts with, so clients (and tests) can tell.
pub const REFUSED: &str = "error: ";

lab_params! {
    /// Options of the time lab.
    pub struct TimeParams for Time {
        transport: Transport = "tcp", "transport", Choice(&["tcp", "udp"]), "lab.opt.transport";
    }
}

/// One request and the server's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeExchange {
    pub request: String,
    pub reply: String,
    pub refused: bool,
}

/// What the time lab observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeReport {
    pub transport: Transport,
    pub exchanges: Vec<TimeExchange>,
    pub refused: u64,
}

/// TCP time server: timestamp in, date out.
pub fn answer_timestamp(request: &str) -> String {
    match parse_timestamp(request) {
        Ok(secs) => UtcTime::from_unix(secs).iso(),
        Err(why) => format!("{REFUSED}{why}"),
    }
}

/// UDP time server: format string in, current time out.
pub fn answer_format(request: &str) -> String {
    match format_time(&UtcTime::now(), request) {
        Ok(text) => text,
        Err(why) => format!("{REFUSED}{why}"),
    }
}

/// The TCP script: two good timestamps and what a sample server would `eval`.
pub const TCP_SCRIPT: &[&str] = &[
    "1700000000",
    "0",
    "__import__('os').system('echo pwned')",
    "1700000000 + 86400",
];

/// The UDP script: good formats and ones a general formatter would mishandle.
pub const UDP_SCRIPT: &[&str] = &[
    "%Y-%m-%d %H:%M:%S %Z",
    "%A, %d %B %Y",
    "{0.__class__.__mro__}",
    "%s%s%s%n",
];

/// Start an interactive time session: the client's lines are answered by the
/// server at once.
pub fn start(transport: Transport, sink: Arc<dyn LabSink>) -> Result<DuplexSession, LabError> {
    DuplexSession::start(transport, role(transport), sink)
}

fn role(transport: Transport) -> ServerRole {
    match transport {
        Transport::Tcp => ServerRole::Reply(answer_timestamp),
        Transport::Udp => ServerRole::Reply(answer_format),
    }
}

/// Play the script for the transport and report each exchange.
pub fn run(
    params: &TimeParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<TimeReport, LabError> {
    let requests = match params.transport {
        Transport::Tcp => TCP_SCRIPT,
        Transport::Udp => UDP_SCRIPT,
    };
    let script: Vec<(Side, &str)> = requests.iter().map(|r| (Side::Client, *r)).collect();
    let transcript = session::play(
        params.transport,
        role(params.transport),
        &script,
        sink,
        cancel,
    )?;
    let report = TimeReport::of(params.transport, &transcript);
    if report.exchanges.len() != requests.len() {
        return Err(LabError::Failed(format!(
            "time: {} of {} requests answered",
            report.exchanges.len(),
            requests.len()
        )));
    }
    Ok(report)
}

impl TimeReport {
    /// The report of a conversation: each client line paired with the
    /// server's answer (headless script or the panel's interactive session).
    pub fn of(transport: Transport, transcript: &[TranscriptLine]) -> TimeReport {
        let exchanges: Vec<TimeExchange> = transcript
            .chunks(2)
            .filter_map(|pair| match pair {
                [request, reply] if request.from == Side::Client && reply.from == Side::Server => {
                    Some(TimeExchange {
                        request: request.text.clone(),
                        refused: reply.text.starts_with(REFUSED),
                        reply: reply.text.clone(),
                    })
                }
                _ => None,
            })
            .collect();
        TimeReport {
            transport,
            refused: exchanges.iter().filter(|e| e.refused).count() as u64,
            exchanges,
        }
    }
}

impl LabOutcome for TimeReport {
    fn observed(&self) -> u64 {
        self.refused
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let mut lines = vec![tf(
            lang,
            "lab.time.result",
            &[
                ("transport", &self.transport.as_str().to_uppercase()),
                ("count", &self.exchanges.len().to_string()),
                ("refused", &self.refused.to_string()),
            ],
        )];
        for e in &self.exchanges {
            lines.push(format!("  {:?} → {:?}", e.request, e.reply));
        }
        lines.push(
            t(
                lang,
                match self.transport {
                    Transport::Tcp => "lab.time.lesson.tcp",
                    Transport::Udp => "lab.time.lesson.udp",
                },
            )
            .to_string(),
        );
        lines
    }
}
