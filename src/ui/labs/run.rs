//! The record of one lab run: every event in order and how it ended. The live
//! pictures are pure functions of this record, so a test can draw them from a
//! recorded stream without opening a socket.

use crate::lab::{LabDetails, LabEvent, LabName, LabReport};

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEnd {
    Finished(Box<LabReport>),
    Failed { error: String, cancelled: bool },
}

/// One run of one lab: its events (without the final one) and its end.
#[derive(Debug, Clone, PartialEq)]
pub struct LabRun {
    pub lab: LabName,
    pub events: Vec<LabEvent>,
    pub end: Option<RunEnd>,
    /// The student's prediction when the run started.
    pub predicted: Option<u64>,
    /// Milliseconds since the start, as of the last tick (the progress bar).
    pub elapsed_ms: u64,
}

impl LabRun {
    pub fn new(lab: LabName, predicted: Option<u64>) -> LabRun {
        LabRun {
            lab,
            events: Vec::new(),
            end: None,
            predicted,
            elapsed_ms: 0,
        }
    }

    /// A finished run from a recorded stream (tests, replays).
    pub fn recorded(lab: LabName, events: Vec<LabEvent>) -> LabRun {
        let mut run = LabRun::new(lab, None);
        for ev in events {
            run.push(ev);
        }
        run
    }

    /// Adds one event; the final one ends the run.
    pub fn push(&mut self, ev: LabEvent) {
        match ev {
            LabEvent::Finished { report } => {
                self.elapsed_ms = report.elapsed_ms;
                self.end = Some(RunEnd::Finished(report));
            }
            LabEvent::Failed { error, cancelled } => {
                self.end = Some(RunEnd::Failed { error, cancelled })
            }
            other => self.events.push(other),
        }
    }

    pub fn is_over(&self) -> bool {
        self.end.is_some()
    }

    pub fn report(&self) -> Option<&LabReport> {
        match &self.end {
            Some(RunEnd::Finished(r)) => Some(r),
            _ => None,
        }
    }

    /// The lab-specific part of the report, once the run has finished: the
    /// pictures read its typed fields.
    pub fn details(&self) -> Option<&LabDetails> {
        self.report().map(|r| &r.details)
    }

    /// [`LabRun::details`] as the lab's own report type, when they are its.
    pub fn details_of<T: crate::lab::OfDetails>(&self) -> Option<&T> {
        self.details().and_then(T::of)
    }

    /// The latest `Progress` of the current phase as a fraction, if any.
    pub fn progress(&self) -> Option<f64> {
        for ev in self.events.iter().rev() {
            match ev {
                LabEvent::Progress { done, total } if *total > 0 => {
                    return Some((*done as f64 / *total as f64).clamp(0.0, 1.0));
                }
                LabEvent::Phase { .. } => return None,
                _ => {}
            }
        }
        None
    }

    /// The `Phase` keys in order.
    pub fn phases(&self) -> Vec<&'static str> {
        self.events
            .iter()
            .filter_map(|ev| match ev {
                LabEvent::Phase { key } => Some(*key),
                _ => None,
            })
            .collect()
    }

    /// Sizes of the `Sent` events, in index order.
    pub fn sends(&self) -> Vec<usize> {
        sends_in(&self.events)
    }

    /// The `Received` events: (size, preview), in index order.
    pub fn recvs(&self) -> Vec<(usize, &str)> {
        recvs_in(&self.events)
    }

    /// The events of the first phase whose key contains `marker` (up to the next
    /// phase); all events when there is no such phase.
    pub fn phase(&self, marker: &str) -> &[LabEvent] {
        let is_phase = |ev: &LabEvent| matches!(ev, LabEvent::Phase { .. });
        let Some(start) = self
            .events
            .iter()
            .position(|ev| matches!(ev, LabEvent::Phase { key } if key.contains(marker)))
        else {
            return &self.events;
        };
        let rest = &self.events[start + 1..];
        let len = rest.iter().position(is_phase).unwrap_or(rest.len());
        &rest[..len]
    }

    /// The events before the first `Phase` whose key contains `marker`, and the
    /// ones from it on (udp-loss: the UDP part, then the TCP part).
    pub fn split_at_phase(&self, marker: &str) -> (&[LabEvent], &[LabEvent]) {
        let at = self
            .events
            .iter()
            .position(|ev| matches!(ev, LabEvent::Phase { key } if key.contains(marker)))
            .unwrap_or(self.events.len());
        self.events.split_at(at)
    }
}

/// Sizes of the `Sent` events in `events`, in index order.
pub fn sends_in(events: &[LabEvent]) -> Vec<usize> {
    let mut sends: Vec<(u64, usize)> = events
        .iter()
        .filter_map(|ev| match ev {
            LabEvent::Sent { index, len } => Some((*index, *len)),
            _ => None,
        })
        .collect();
    sends.sort_by_key(|(i, _)| *i);
    sends.into_iter().map(|(_, len)| len).collect()
}

/// The `Received` events in `events`: (size, preview), in index order.
pub fn recvs_in(events: &[LabEvent]) -> Vec<(usize, &str)> {
    let mut recvs: Vec<(u64, usize, &str)> = events
        .iter()
        .filter_map(|ev| match ev {
            LabEvent::Received {
                index,
                len,
                preview,
            } => Some((*index, *len, preview.as_str())),
            _ => None,
        })
        .collect();
    recvs.sort_by_key(|(i, ..)| *i);
    recvs.into_iter().map(|(_, len, p)| (len, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_belongs_to_the_current_phase() {
        let mut run = LabRun::new(LabName::UdpLoss, None);
        run.push(LabEvent::Phase {
            key: "lab.udp-loss.phase.udp",
        });
        run.push(LabEvent::Progress {
            done: 10,
            total: 10,
        });
        assert_eq!(run.progress(), Some(1.0));
        run.push(LabEvent::Phase {
            key: "lab.udp-loss.phase.tcp",
        });
        assert_eq!(run.progress(), None, "a new phase starts without progress");
        run.push(LabEvent::Progress { done: 1, total: 4 });
        assert_eq!(run.progress(), Some(0.25));
    }

    #[test]
    fn a_phase_slice_holds_only_its_events() {
        let run = LabRun::recorded(
            LabName::Framing,
            vec![
                LabEvent::Phase {
                    key: "lab.framing.phase.naive",
                },
                LabEvent::Sent { index: 0, len: 5 },
                LabEvent::Phase {
                    key: "lab.framing.phase.length",
                },
                LabEvent::Sent { index: 0, len: 9 },
            ],
        );
        assert_eq!(sends_in(run.phase("naive")), vec![5]);
        assert_eq!(sends_in(run.phase("length")), vec![9]);
        assert!(!run.is_over());
    }
}
