//! The interactive chat and time exercises: a server end and a client end on
//! loopback (`lab::session::DuplexSession`), each with a pane the student types
//! into. "bye" from either side ends the chat; the time server answers each
//! client line by itself.

use std::sync::Arc;
use std::time::Instant;

use super::run::LabRun;
use super::worker::{PanelSink, Queue, take};
use crate::lab::chat::ChatReport;
use crate::lab::session::{BYE, DuplexSession, TranscriptLine};
use crate::lab::time::{REFUSED, TimeExchange, TimeReport};
use crate::lab::{LabDetails, LabName, LabReport, Prediction, Side, Transport};
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
            started: Instant::now(),
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
    pub fn say_bye(&self) {
        if let Some(session) = &self.session {
            let _ = session.say(Side::Client, BYE);
        }
    }

    pub fn drain(&self) -> Vec<crate::lab::LabEvent> {
        take(&self.queue)
    }

    pub fn is_finished(&self) -> bool {
        self.session.as_ref().is_none_or(DuplexSession::is_finished)
    }

    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Stops both ends, joins their threads and writes the report into `run`.
    pub fn close_into(&mut self, run: &mut LabRun) {
        let Some(session) = self.session.take() else {
            return;
        };
        let result = session.close();
        for ev in self.drain() {
            run.push(ev);
        }
        let end = match result {
            Ok(transcript) => crate::lab::LabEvent::Finished {
                report: Box::new(report(
                    self.lab,
                    self.transport,
                    transcript,
                    self.elapsed_ms(),
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

/// The report of an interactive conversation, as the headless lab would give it.
pub fn report(
    lab: LabName,
    transport: Transport,
    transcript: Vec<TranscriptLine>,
    elapsed_ms: u64,
    predicted: Option<u64>,
) -> LabReport {
    let details = if lab == LabName::Time {
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
        let refused = exchanges.iter().filter(|e| e.refused).count() as u64;
        LabDetails::Time(TimeReport {
            transport,
            exchanges,
            refused,
        })
    } else {
        let ended_by_bye = transcript.last().is_some_and(|l| l.text.trim() == BYE);
        LabDetails::Chat(ChatReport {
            transport,
            lines: transcript.len() as u64,
            transcript,
            ended_by_bye,
        })
    };
    let prediction = predicted.map(|predicted| {
        let observed = details.outcome().observed();
        Prediction {
            predicted,
            observed,
            matched: predicted == observed,
        }
    });
    LabReport {
        lab,
        details,
        elapsed_ms,
        prediction,
    }
}
