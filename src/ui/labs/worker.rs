//! Running a lab off the UI thread. The worker thread calls [`run_lab`]; its
//! events go through [`PanelSink`] into a queue shared with the panel, and the
//! first event after each drain sends one wake-up through the app's channel. So a
//! lab that reports 10,000 datagrams costs as many redraws as the UI can manage,
//! not 10,000, and no event waits in the queue without a wake-up on its way.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use crate::lab::{Cancel, LabError, LabEvent, LabParams, LabSink, run_lab};
use crate::ui::panel::JobSink;

/// The payload a lab worker sends through the app's channel: "run `run` has new
/// events in its queue".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabWake {
    /// Which run (a stopped run's late wake-ups are ignored).
    pub run: u64,
}

pub(super) type Queue = Arc<Mutex<Vec<LabEvent>>>;

/// A [`LabSink`] over the app's [`JobSink`].
pub(super) struct PanelSink {
    jobs: JobSink,
    run: u64,
    queue: Queue,
}

impl PanelSink {
    /// A sink for run `run` and the queue it fills.
    pub(super) fn new(jobs: JobSink, run: u64) -> (PanelSink, Queue) {
        let queue: Queue = Arc::default();
        (
            PanelSink {
                jobs,
                run,
                queue: Arc::clone(&queue),
            },
            queue,
        )
    }
}

/// Takes the events queued so far.
pub(super) fn take(queue: &Queue) -> Vec<LabEvent> {
    std::mem::take(&mut *queue.lock().unwrap_or_else(PoisonError::into_inner))
}

impl LabSink for PanelSink {
    fn event(&self, ev: LabEvent) {
        let was_empty = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            let was_empty = queue.is_empty();
            queue.push(ev);
            was_empty
        };
        if was_empty {
            // The app may be gone (quitting): the lab stops on its cancel token.
            let _ = self.jobs.send(LabWake { run: self.run });
        }
    }
}

/// One lab running on its own thread.
pub struct LabWorker {
    pub run: u64,
    pub started: Instant,
    cancel: Cancel,
    thread: Option<JoinHandle<()>>,
    queue: Queue,
}

impl LabWorker {
    /// Starts `params` on a new thread; events and then one
    /// [`LabEvent::Finished`] or [`LabEvent::Failed`] arrive through `jobs`.
    pub fn start(params: LabParams, jobs: JobSink, run: u64) -> Result<LabWorker, String> {
        let cancel = Cancel::new();
        let (sink, queue) = PanelSink::new(jobs, run);
        let token = cancel.clone();
        let thread = std::thread::Builder::new()
            .name(format!("lab-ui-{}", params.lab()))
            .spawn(move || {
                let last = match run_lab(&params, &sink, &token) {
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
            .map_err(|e| e.to_string())?;
        Ok(LabWorker {
            run,
            started: Instant::now(),
            cancel,
            thread: Some(thread),
            queue,
        })
    }

    /// The events that arrived since the last call.
    pub fn drain(&self) -> Vec<LabEvent> {
        take(&self.queue)
    }

    /// Asks the lab to stop; returns at once (the lab notices within ~50 ms and
    /// reports `Failed { cancelled: true }`).
    pub fn request_cancel(&self) {
        self.cancel.cancel();
    }

    pub fn cancel_requested(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Whether the thread is still alive.
    pub fn is_alive(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Waits for the thread. Called once its last event has arrived (so it is
    /// returning already), or after a cancel when the panel is left.
    pub fn join(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for LabWorker {
    fn drop(&mut self) {
        // Never leave a lab thread behind: stop it and wait.
        self.cancel.cancel();
        self.join();
    }
}
