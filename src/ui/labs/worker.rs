//! Running a lab off the UI thread: `lab::spawn_lab` runs it (the one lab
//! worker, shared with the CLI's callers); its
//! events go through [`PanelSink`] into a queue shared with the panel, and the
//! first event after each drain sends one wake-up through the app's channel. So a
//! lab that reports 10,000 datagrams costs as many redraws as the UI can manage,
//! not 10,000, and no event waits in the queue without a wake-up on its way.

use std::time::Instant;

use crate::lab::{LabEvent, LabHandle, LabParams, LabSink, spawn_lab};
use crate::ui::panel::{JobSink, WakeQueue};

/// The payload a lab worker sends through the app's channel: "run `run` has new
/// events in its queue".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabWake {
    /// Which run (a stopped run's late wake-ups are ignored).
    pub run: u64,
}

pub(super) type Queue = WakeQueue<LabEvent>;

/// A [`LabSink`] over the app's [`JobSink`].
pub(super) struct PanelSink {
    jobs: JobSink,
    run: u64,
    queue: Queue,
}

impl PanelSink {
    /// A sink for run `run` and the queue it fills.
    pub(super) fn new(jobs: JobSink, run: u64) -> (PanelSink, Queue) {
        let queue = Queue::default();
        (
            PanelSink {
                jobs,
                run,
                queue: queue.clone(),
            },
            queue,
        )
    }
}

impl LabSink for PanelSink {
    fn event(&self, ev: LabEvent) {
        if self.queue.push(ev) {
            // The app may be gone (quitting): the lab stops on its cancel token.
            let _ = self.jobs.send(LabWake { run: self.run });
        }
    }
}

/// One lab running on its own thread (a [`LabHandle`]) and the queue its
/// events wait in.
pub struct LabWorker {
    pub run: u64,
    /// When it started, by the app's clock (`Ctx::now`).
    pub started: Instant,
    handle: LabHandle,
    queue: Queue,
}

impl LabWorker {
    /// Starts `params` on a new thread at `now` (the app's clock); events and
    /// then one [`LabEvent::Finished`] or [`LabEvent::Failed`] arrive through
    /// `jobs`.
    pub fn start(
        params: LabParams,
        jobs: JobSink,
        run: u64,
        now: Instant,
    ) -> Result<LabWorker, String> {
        let (sink, queue) = PanelSink::new(jobs, run);
        let handle = spawn_lab(params, sink).map_err(|e| e.to_string())?;
        Ok(LabWorker {
            run,
            started: now,
            handle,
            queue,
        })
    }

    /// The events that arrived since the last call.
    pub fn drain(&self) -> Vec<LabEvent> {
        self.queue.take()
    }

    /// Milliseconds since the start as of `now` (the app's clock).
    pub fn elapsed_ms(&self, now: Instant) -> u64 {
        u64::try_from(now.saturating_duration_since(self.started).as_millis()).unwrap_or(u64::MAX)
    }

    /// Asks the lab to stop; returns at once (the lab notices within ~50 ms and
    /// reports `Failed { cancelled: true }`).
    pub fn request_cancel(&self) {
        self.handle.request_cancel();
    }

    pub fn cancel_requested(&self) -> bool {
        self.handle.cancel_requested()
    }

    /// Whether the thread is still alive.
    pub fn is_alive(&self) -> bool {
        !self.handle.is_finished()
    }

    /// Waits for the thread. Called once its last event has arrived (so it is
    /// returning already), or after a cancel when the panel is left.
    pub fn join(&mut self) {
        self.handle.join();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::ui::app::Screen;

    #[test]
    fn a_burst_of_events_costs_one_wake_up_until_drained() {
        let (tx, rx) = mpsc::channel();
        let (sink, queue) = PanelSink::new(JobSink::new(tx, Screen::Labs), 7);
        for seq in 0..1000 {
            sink.event(LabEvent::Datagram {
                seq,
                received: true,
            });
        }
        assert_eq!(rx.try_iter().count(), 1, "one wake-up for the whole burst");
        assert_eq!(queue.take().len(), 1000, "no event lost");
        sink.event(LabEvent::Progress { done: 1, total: 2 });
        let wakes: Vec<_> = rx.try_iter().collect();
        assert_eq!(
            wakes.len(),
            1,
            "the first event after a drain wakes the panel again"
        );
    }

    #[test]
    fn dropping_a_worker_stops_and_joins_its_lab() {
        let (tx, _rx) = mpsc::channel();
        let params = LabParams::from_pairs(crate::lab::LabName::Sticky, ["delay=10000"]).unwrap();
        let worker =
            LabWorker::start(params, JobSink::new(tx, Screen::Labs), 1, Instant::now()).unwrap();
        assert!(worker.is_alive());
        let start = Instant::now();
        drop(worker);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "took {:?}",
            start.elapsed()
        );
    }
}
