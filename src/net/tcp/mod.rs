//! TCP as the lessons teach it: the RFC 9293 state machine, and handshake and
//! teardown scenarios computed up front as timelines with real sequence arithmetic.

pub mod frames;
pub mod observed;
pub mod scenario;
pub mod sim;
pub mod state;
pub mod timeline;

pub use scenario::{DEFAULT_SEED, Scenario};
pub use sim::{ScenarioError, classify_arrival};
pub use state::{
    InvalidTransition, SegmentKind, TcpEvent, TcpState, Transition, all_transitions, flags_label,
};
pub use timeline::{
    Endpoint, Ends, Fate, Flight, Moment, Queues, Segment, Side, Step, Taken, Timeline,
};

#[cfg(test)]
mod scenario_tests;
#[cfg(test)]
mod state_tests;
