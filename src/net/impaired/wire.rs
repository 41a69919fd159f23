//! The wire's queue, pure: frames offered at a time (nanoseconds on the
//! caller's monotonic clock) leave at the time their [`Verdict`] says, in that
//! order (frames due at the same time keep their arrival order), copied when
//! duplicated, never when dropped. The relay in `vnet` feeds it frames read
//! from one interface and sends what [`Wire::take_due`] returns on the other.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use serde::Serialize;

use super::plan::{Plan, Verdict};

/// What the wire did to one stream's frames.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StreamStats {
    pub offered: u64,
    pub dropped: u64,
    pub duplicated: u64,
    pub reordered: u64,
    /// The numbers (0-based, within the stream) of the dropped frames, at most
    /// [`MAX_LISTED`] of them.
    pub dropped_frames: Vec<u64>,
}

/// At most this many dropped frame numbers are listed per stream.
pub const MAX_LISTED: usize = 10_000;

/// One frame waiting on the wire.
struct Held<T> {
    due_ns: u64,
    order: u64,
    item: T,
}

impl<T> PartialEq for Held<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.due_ns, self.order) == (other.due_ns, other.order)
    }
}

impl<T> Eq for Held<T> {}

impl<T> PartialOrd for Held<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Held<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due_ns, self.order).cmp(&(other.due_ns, other.order))
    }
}

/// One direction of an impaired link.
pub struct Wire<T> {
    plan: Plan,
    queue: BinaryHeap<Reverse<Held<T>>>,
    order: u64,
    /// Per stream: its counters.
    stats: BTreeMap<u64, StreamStats>,
    /// Frames outside every stream (ARP, neighbour discovery): delayed only.
    pub clean: u64,
}

impl<T: Clone> Wire<T> {
    pub fn new(plan: Plan) -> Wire<T> {
        Wire {
            plan,
            queue: BinaryHeap::new(),
            order: 0,
            stats: BTreeMap::new(),
            clean: 0,
        }
    }

    fn hold(&mut self, due_ns: u64, item: T) {
        self.order += 1;
        self.queue.push(Reverse(Held {
            due_ns,
            order: self.order,
            item,
        }));
    }

    fn delay_ns(d: std::time::Duration) -> u64 {
        u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
    }

    /// A frame of `stream` arrives at `now_ns`: the plan decides its fate.
    pub fn offer(&mut self, now_ns: u64, stream: u64, item: T) -> Verdict {
        let stats = self.stats.entry(stream).or_default();
        let n = stats.offered;
        stats.offered += 1;
        let verdict = self.plan.verdict(stream, n);
        if verdict.drop {
            stats.dropped += 1;
            if stats.dropped_frames.len() < MAX_LISTED {
                stats.dropped_frames.push(n);
            }
            return verdict;
        }
        stats.duplicated += u64::from(verdict.duplicate);
        stats.reordered += u64::from(verdict.reorder);
        let due = now_ns.saturating_add(Self::delay_ns(verdict.delay));
        if verdict.duplicate {
            self.hold(due, item.clone());
        }
        self.hold(due, item);
        verdict
    }

    /// A frame no plan applies to: only the link's fixed delay.
    pub fn offer_clean(&mut self, now_ns: u64, item: T) {
        self.clean += 1;
        let due = now_ns.saturating_add(Self::delay_ns(self.plan.impairment.delay));
        self.hold(due, item);
    }

    /// When the next frame is due, if one waits.
    pub fn next_due(&self) -> Option<u64> {
        self.queue.peek().map(|Reverse(h)| h.due_ns)
    }

    /// Every frame due by `now_ns`, in the order they leave.
    pub fn take_due(&mut self, now_ns: u64) -> Vec<T> {
        let mut out = Vec::new();
        while self.next_due().is_some_and(|due| due <= now_ns) {
            if let Some(Reverse(held)) = self.queue.pop() {
                out.push(held.item);
            }
        }
        out
    }

    /// Frames still on the wire.
    pub fn in_flight(&self) -> usize {
        self.queue.len()
    }

    /// The counters of `stream` (zero when it never carried a frame).
    pub fn stats(&self, stream: u64) -> StreamStats {
        self.stats.get(&stream).cloned().unwrap_or_default()
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }
}
