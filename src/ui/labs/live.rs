//! The interactive chat and time exercises: a server end and a client end on
//! loopback (`lab::session::DuplexSession`), each with a pane the student types
//! into. "bye" from either side ends the chat; the time server answers each
//! client line by itself.

use std::sync::Arc;
use std::time::Instant;

use super::run::LabRun;
use super::worker::{PanelSink, Queue};
use crate::lab::session::{BYE, DuplexSession};
use crate::lab::{LabName, Side, Transport, conversation_report};
use crate::ui::panel::JobSink;

/// A conversation in progress.
pub struct LiveSession {
    pub run: u64,
    pub lab: LabName,
    pub transport: Transport,
    /// Whose pane the student types into.
    pub side: Side,
    /// The line being typed.
    pub typing: String,
    /// Whether Esc has already said "bye" for the student.
    pub bye_sent: bool,
    started: Instant,
    session: Option<DuplexSession>,
    queue: Queue,
}

impl LiveSession {
    /// Starts the chat or time exercise over `transport`.
    pub fn start(
        lab: LabName,
        transport: Transport,
        jobs: JobSink,
        run: u64,
        now: Instant,
    ) -> Result<LiveSession, String> {
        let (sink, queue) = PanelSink::new(jobs, run);
        let sink = Arc::new(sink);
        let session = match lab {
            LabName::Time => crate::lab::time::start(transport, sink),
            _ => crate::lab::chat::start(transport, sink),
        }
        .map_err(|e| e.to_string())?;
        Ok(LiveSession {
            run,
            lab,
            transport,
            side: Side::Client,
            typing: String::new(),
            bye_sent: false,
            started: now,
            session: Some(session),
            queue,
        })
    }

    /// The time server answers by itself: only the client types there.
    pub fn switch_side(&mut self) {
        if self.lab == LabName::Chat {
            self.side = match self.side {
                Side::Server => Side::Client,
                Side::Client => Side::Server,
            };
        }
    }

    /// Enter: queue the typed line on the current side (never blocks).
    pub fn send_typed(&mut self) -> Result<(), String> {
        let line = std::mem::take(&mut self.typing);
        if line.is_empty() {
            return Ok(());
        }
        match &self.session {
            Some(session) => session.say(self.side, &line).map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }

    /// Ends the conversation the polite way: the client says "bye".
    pub fn say_bye(&mut self) {
        self.bye_sent = true;
        if let Some(session) = &self.session {
            let _ = session.say(Side::Client, BYE);
        }
    }

    pub fn drain(&self) -> Vec<crate::lab::LabEvent> {
        self.queue.take()
    }

    pub fn is_finished(&self) -> bool {
        self.session.as_ref().is_none_or(DuplexSession::is_finished)
    }

    /// Milliseconds since the start as of `now` (the app's clock).
    pub fn elapsed_ms(&self, now: Instant) -> u64 {
        u64::try_from(now.saturating_duration_since(self.started).as_millis()).unwrap_or(u64::MAX)
    }

    /// Stops both ends, joins their threads and writes the report into `run`.
    pub fn close_into(&mut self, run: &mut LabRun, now: Instant) {
        let Some(session) = self.session.take() else {
            return;
        };
        let result = session.close();
        for ev in self.drain() {
            run.push(ev);
        }
        let end = match result {
            Ok(transcript) => crate::lab::LabEvent::Finished {
                report: Box::new(conversation_report(
                    self.lab,
                    self.transport,
                    transcript,
                    self.elapsed_ms(now),
                    run.predicted,
                )),
            },
            Err(e) => crate::lab::LabEvent::Failed {
                error: e.to_string(),
                cancelled: false,
            },
        };
        run.push(end);
    }
}

impl Drop for LiveSession {
    fn drop(&mut self) {
        // DuplexSession stops and joins both ends on drop; say so explicitly.
        drop(self.session.take());
    }
}
