//! The tutor ↔ lab-process protocol: one JSON object per line, requests on the
//! child's stdin, replies on its stdout (stderr stays the child's own).
//!
//! ```text
//! child → {"reply":"ready"}                       (user namespace entered)
//!       or {"reply":"refused","remedy":"sudo sysctl -w …"}
//! tutor → {"request":"run","experiment":"arp-same-lan"}
//! child → {"reply":"event","host":"A","change":"neighbour",…}  (as the kernel
//!         changes: ARP cache, bridge MAC table, routes, links; any number)
//! child → {"reply":"frames","frames":[{"point":"A:eth0","ts_ns":…,"outgoing":true,
//!         "data":"ffff…"},…]}  (as the capture points read them, batches
//!         `capture::COALESCE` apart; any number, interleaved with events)
//! child → {"reply":"outcome", …}   or {"reply":"failed","message":"…"}
//! tutor → {"request":"shutdown"}   (or closes stdin)  → the child exits
//! ```
//!
//! Every frame a run captures is in one of its batches, all before its
//! outcome, and the outcome still carries them all (`frames`, sorted by kernel timestamp): the batches,
//! put together and sorted the same way, are that list. Each line is written
//! whole under the stdout lock (the watcher's thread and the streaming thread
//! write between the main thread's lines).

use serde::{Deserialize, Serialize};

use super::capture::Frame;
use super::check::Isolation;
use super::watch::KernelEvent;
use crate::net::impaired::Chance;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// Build a fresh network for `experiment`, check it, run it, tear it down.
    Run {
        experiment: String,
        #[serde(default)]
        params: Params,
    },
    Shutdown,
}

/// The knobs of an experiment that has them (`tcp-loss --loss 5 --seed 7`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The impaired link's loss in the data's direction.
    pub loss: Option<Chance>,
    /// The impairment plan's seed.
    pub seed: Option<u64>,
}

/// What one experiment run sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub experiment: String,
    /// The facts, computed from the frames and kernel state (keys per experiment).
    pub report: serde_json::Value,
    /// Every frame of every capture point, oldest first.
    pub frames: Vec<Frame>,
    pub isolation: Isolation,
    /// Building the network (namespaces, links, addresses, routes), µs.
    pub setup_us: u64,
    /// The experiment itself, µs.
    pub run_us: u64,
    /// Dropping the network (closing every namespace and socket), µs.
    pub teardown_us: u64,
    /// The kernel's changes while the experiment ran, in the order they
    /// arrived over the channel ([`Reply::Event`]); the tutor fills this in.
    #[serde(default)]
    pub events: Vec<KernelEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "kebab-case")]
pub enum Reply {
    Ready,
    /// No user namespaces here: the one-line remedy, when one is known.
    Refused {
        remedy: Option<String>,
        errno: String,
    },
    /// A change of kernel state inside the lab, sent the moment it is read.
    Event(Box<KernelEvent>),
    /// Frames the capture points read while the experiment runs, in the
    /// order they were read.
    Frames {
        frames: Vec<Frame>,
    },
    Outcome(Box<Outcome>),
    Failed {
        message: String,
    },
}
