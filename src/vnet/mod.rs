//! A real network on the student's machine (issue 16): hosts A, B, C and a
//! router R in network namespaces of their own, a Linux bridge as LAN 1's
//! switch, built without root through user namespaces, system calls and
//! rtnetlink — no `ip`, `tc` or `tcpdump`. See docs/vnet.md for the design and
//! for how a new experiment plugs in.
//!
//! - [`lab`]: the tutor's handle on the lab process (`nettutor __vnet`);
//!   [`proto`] the JSON-lines protocol between them; [`child`] the process.
//! - [`ns`]: the user namespace and one network namespace per host.
//! - [`rtnl`]: a blocking rtnetlink socket; [`network`] builds a
//!   [`topology::Spec`]; [`check`] proves the lab is closed.
//! - [`offload`]: checksums filled by the kernel, not left for hardware.
//! - [`capture`]: AF_PACKET capture points; [`frames`] reads facts out of
//!   captured frames; [`state`] reads ARP caches, the bridge's MAC table and
//!   routes; [`watch`] hears them change (rtnetlink multicast), and the
//!   lab process streams each change to the tutor; [`pcapng`] writes the capture with one interface per point.
//! - [`relay`]: the impaired link — nettutor itself as the wire between two
//!   veth ends in a middle namespace, by a seeded plan
//!   ([`crate::net::impaired`]); [`tcpinfo`] samples a socket's `TCP_INFO`.
//! - [`experiments`]: what `nettutor net run NAME` runs; [`text`] its
//!   report as sentences (what `net run` prints and the LAN panel lists).

pub mod capture;
pub mod check;
pub mod child;
pub mod experiments;
pub mod frames;
pub mod lab;
pub mod network;
pub mod ns;
pub mod offload;
pub mod pcapng;
pub mod proto;
pub mod relay;
pub mod rtnl;
pub mod state;
pub mod tcpinfo;
pub mod text;
pub mod topology;
pub mod watch;

pub use lab::{Lab, Live};
pub use proto::Outcome;

/// Why the lab could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum VnetError {
    /// Neither unprivileged user namespaces nor root: `remedy` is the sysctl
    /// command that enables them here, when this kernel has one.
    #[error("user namespaces are not available here ({errno})")]
    NoUserNamespaces {
        remedy: Option<String>,
        errno: String,
    },
    #[error("{what}: {source}")]
    Kernel {
        what: &'static str,
        source: std::io::Error,
    },
    #[error("no host or interface {0} in the lab")]
    NoSuchHost(String),
    #[error("no experiment called {0}")]
    UnknownExperiment(String),
    #[error("the lab is not closed off: {0}")]
    Isolation(String),
    /// Something the experiment waits for did not happen in time.
    #[error("{0}")]
    Experiment(String),
    #[error("lab process: {0}")]
    Child(String),
    #[error("the lab process did not answer in time")]
    Timeout,
}
