//! An impaired link, as pure logic (issue 16): the kernel here has no `netem`,
//! so nettutor itself is the wire of the loss experiments. [`plan`] decides,
//! from a seed, what happens to every frame (dropped, duplicated, reordered,
//! delayed); [`wire`] is the queue that releases frames when their verdict
//! says; [`retrans`] reads a capture taken at the sender and tells apart the
//! retransmissions (a timeout that fired, fast retransmit after three
//! duplicate ACKs, or an early resend). The relay that moves real frames
//! between two interfaces is `crate::vnet::relay`.

pub mod plan;
pub mod retrans;
pub mod wire;

pub use plan::{Chance, Impairment, Plan, PlanError, Verdict};
pub use retrans::{Analysis, Kind, Segment, classify};
pub use wire::Wire;

#[cfg(test)]
mod tests;
