//! `chat` — the classic exercise: a server and a client take turns over TCP or
//! UDP until one says "bye". Interactive use: [`start`] gives a
//! [`DuplexSession`] the panel drives line by line; headless, [`run`] plays a
//! short script and reports the transcript.

use std::sync::Arc;

use serde::Serialize;

use super::options::lab_params;
use super::session::{self, BYE, DuplexSession, ServerRole, TranscriptLine};
use super::{Cancel, LabError, LabOutcome, LabSink, Side, Transport};
use crate::i18n::{Lang, t, tf};

lab_params! {
    /// Options of the chat lab.
    pub struct ChatParams for Chat {
        transport: Transport = "tcp", "transport", Choice(&["tcp", "udp"]), "lab.opt.transport";
    }
}

/// What the chat lab observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatReport {
    pub transport: Transport,
    /// Every line, in the order it was received.
    pub transcript: Vec<TranscriptLine>,
    /// Lines exchanged, "bye" included.
    pub lines: u64,
    /// Whether the conversation ended with "bye".
    pub ended_by_bye: bool,
}

/// The headless script: the client opens (over UDP the server cannot speak
/// first: it learns the client's address from the first recvfrom()).
pub const SCRIPT: &[(Side, &str)] = &[
    (Side::Client, "hello, server"),
    (
        Side::Server,
        "hello, client: I learned your address from your message",
    ),
    (Side::Client, "what is 2 + 2?"),
    (Side::Server, "4"),
    (Side::Client, BYE),
];

/// Start an interactive chat (the TUI's two panes). Lines arrive as
/// `LabEvent::Line` on `sink`; send with `session.say(Side::Client, "hi")`.
pub fn start(transport: Transport, sink: Arc<dyn LabSink>) -> Result<DuplexSession, LabError> {
    DuplexSession::start(transport, ServerRole::Manual, sink)
}

/// Play [`SCRIPT`] and report.
pub fn run(
    params: &ChatParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<ChatReport, LabError> {
    let transcript = session::play(params.transport, ServerRole::Manual, SCRIPT, sink, cancel)?;
    Ok(ChatReport::of(params.transport, transcript))
}

impl ChatReport {
    /// The report of a conversation (headless script or the panel's session).
    pub fn of(transport: Transport, transcript: Vec<TranscriptLine>) -> ChatReport {
        ChatReport {
            transport,
            lines: transcript.len() as u64,
            ended_by_bye: transcript.last().is_some_and(|l| l.text.trim() == BYE),
            transcript,
        }
    }
}

impl LabOutcome for ChatReport {
    fn observed(&self) -> u64 {
        self.lines
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let mut lines = vec![tf(
            lang,
            "lab.chat.result",
            &[
                ("transport", &self.transport.as_str().to_uppercase()),
                ("lines", &self.lines.to_string()),
            ],
        )];
        for line in &self.transcript {
            let who = match line.from {
                Side::Server => t(lang, "lab.side.server"),
                Side::Client => t(lang, "lab.side.client"),
            };
            lines.push(format!("  {who}> {}", line.text));
        }
        lines.push(
            t(
                lang,
                match self.transport {
                    Transport::Tcp => "lab.chat.lesson.tcp",
                    Transport::Udp => "lab.chat.lesson.udp",
                },
            )
            .to_string(),
        );
        lines
    }
}
