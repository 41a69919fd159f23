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
//! child → {"reply":"samples","samples":[{"t_ms":…,"cwnd":…,…},…]}  (a TCP
//!         experiment's `TCP_INFO` rows as the sampler takes them, batches
//!         `capture::COALESCE` apart; the outcome's report carries them all)
//! child → {"reply":"outcome", …}   or {"reply":"failed","message":"…"}
//! tutor → {"request":"shutdown"}   (or closes stdin)  → the child exits
//! ```
//!
//! Every frame a run captures is in one of its batches, all before its
//! outcome, and the outcome still carries them all (`frames`, sorted by kernel timestamp): the batches,
//! put together and sorted the same way, are that list. Each line is written
//! whole under the stdout lock (the watcher's thread and the streaming thread
//! write between the main thread's lines).
//!
//! Hidden, for a test only (the tutor never sends it): `{"request":"hold",
//! "experiment":…,"seconds":…}` builds that experiment's network and keeps it,
//! idle, until `{"request":"release"}` or at most [`HOLD_LIMIT`]; the child
//! answers `{"reply":"held",…}` (where each namespace is) and then
//! `{"reply":"released",…}`. The test enters the namespaces itself and lists
//! what is there (tests/net/vnet_isolation.rs).

use serde::{Deserialize, Serialize};

use super::capture::Frame;
use super::check::Isolation;
use super::tcpinfo::Sample;
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
    /// Test only: build `experiment`'s network and keep it, with no traffic,
    /// until [`Request::Release`] (or stdin closes) or `seconds` have passed,
    /// never more than [`HOLD_LIMIT`].
    #[doc(hidden)]
    Hold {
        experiment: String,
        #[serde(default)]
        seconds: u64,
    },
    /// Test only: ends a [`Request::Hold`].
    #[doc(hidden)]
    Release,
}

/// The longest a [`Request::Hold`] keeps a network: nothing a test forgets
/// can keep the lab up.
pub const HOLD_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Where one namespace of a held network is: the lab process's descriptor
/// `/proc/PID/fd/FD` (a test enters the namespace through it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldNamespace {
    pub host: String,
    pub fd: i32,
    pub netns_inode: u64,
}

/// The knobs of an experiment that has them (`tcp-loss --loss 5 --seed 7`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The impaired link's loss in the data's direction.
    pub loss: Option<Chance>,
    /// The impairment plan's seed.
    pub seed: Option<u64>,
    /// How the sender finds its losses (tcp-loss; none: [`Recovery::Linux`]).
    #[serde(default)]
    pub recovery: Option<Recovery>,
}

/// How tcp-loss's sender, A, finds its losses (`--recovery`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Recovery {
    /// What the student's kernel does: RACK-TLP (RFC 8985), the defaults.
    #[default]
    Linux,
    /// The textbook's rules, set in A's namespace only: no SACK
    /// (`net.ipv4.tcp_sack=0`), and so no RACK and no tail-loss probe (also
    /// `tcp_recovery=0`, `tcp_early_retrans=0`): three duplicate ACKs start
    /// a fast retransmit, a lost tail waits for the retransmission timeout.
    Classic,
}

impl Recovery {
    /// The word `--recovery` takes and the report says.
    pub fn name(self) -> &'static str {
        match self {
            Recovery::Linux => "linux",
            Recovery::Classic => "classic",
        }
    }
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
    /// Frames the capture points saw but could not keep (their queue was
    /// full), as the kernel counted them: 0 means `frames` is all of it.
    #[serde(default)]
    pub capture_dropped: u64,
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
    /// `TCP_INFO` rows the sampler of a TCP experiment took since the last
    /// batch, oldest first.
    Samples {
        samples: Vec<Sample>,
    },
    Outcome(Box<Outcome>),
    Failed {
        message: String,
    },
    /// Test only: the network of a [`Request::Hold`] exists. `isolation` is
    /// the lab's own check, reported, not enforced (nothing runs in it): the
    /// test judges for itself.
    #[doc(hidden)]
    Held {
        pid: u32,
        hosts: Vec<HeldNamespace>,
        isolation: Isolation,
    },
    /// Test only: the held network is dropped (`timed_out`: by the limit, not
    /// by a release).
    #[doc(hidden)]
    Released {
        timed_out: bool,
    },
}
