//! The experiments of `nettutor net run NAME`. Each one is a [`Experiment`]:
//! the network it needs (a [`Spec`], usually [`Spec::standard`]) and a `run`
//! function that makes traffic in it, captures it, reads the kernel's state
//! and returns its report — facts computed from the captured frames and the
//! kernel, never from what the script meant to happen — with the frames.
//!
//! The lab process builds a fresh network for every run, checks it
//! ([`crate::vnet::check`]) and drops it afterwards, so a run never sees what
//! an earlier one left in a cache.

mod arp;
mod dhcp;
pub mod ipv6;
pub mod keepalive;
mod mtu;
pub mod probe;
mod routing;
mod tcp_loss;

/// How many UDP datagrams tcp-loss sends over the impaired link.
pub use tcp_loss::DATAGRAMS as UDP_DATAGRAMS;
pub use tcp_loss::connection;
pub use tcp_loss::plans as tcp_loss_plans;
mod traceroute;
mod zero_window;

use serde_json::Value;

use super::VnetError;
use super::capture::Frame;
use super::network::Network;
pub use super::proto::Params;
use super::state;
use super::topology::{End, Spec, end};

/// What a run returns: its report (JSON object) and every captured frame.
pub type Observed = (Value, Vec<Frame>);

/// One experiment.
pub struct Experiment {
    /// The name on the command line (`arp-same-lan`); its title and summary are
    /// the i18n keys `net.NAME.title` and `net.NAME.about`.
    pub name: &'static str,
    pub spec: fn() -> Spec,
    pub run: fn(&mut Network, &Params) -> Result<Observed, VnetError>,
    /// Whether it takes `--loss` and `--seed` ([`Params`]).
    pub takes_loss: bool,
}

/// Every experiment, in teaching order.
pub const ALL: &[Experiment] = &[
    arp::SAME_LAN,
    arp::VIA_GATEWAY,
    traceroute::TRACEROUTE,
    routing::ROUTING,
    mtu::MTU,
    tcp_loss::TCP_LOSS,
    zero_window::ZERO_WINDOW,
    dhcp::DHCP,
    keepalive::KEEPALIVE_VANISHED,
];

/// The experiment called `name`.
pub fn find(name: &str) -> Option<&'static Experiment> {
    ALL.iter().find(|e| e.name == name)
}

/// The usual capture points: every interface of the standard lab.
pub fn every_point() -> Vec<End> {
    vec![
        end("A", "eth0"),
        end("B", "eth0"),
        end("S", "a"),
        end("S", "b"),
        end("S", "r"),
        end("R", "eth0"),
        end("R", "eth1"),
        end("C", "eth0"),
    ]
}

/// `host`'s interface MAC as text.
pub fn mac(net: &Network, at: End) -> Result<String, VnetError> {
    Ok(state::mac_text(&net.mac(at)?))
}

/// A kernel-state read failed.
pub fn kernel(what: &'static str) -> impl Fn(std::io::Error) -> VnetError {
    move |source| VnetError::Kernel { what, source }
}
