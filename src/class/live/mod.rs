//! The live class session: the instructor's host ([`host`]) asks the whole
//! room one question at a time over TCP; each student's client ([`client`])
//! answers it. The wire protocol ([`protocol`], `docs/class-protocol.md`) is
//! length-prefixed JSON frames — the framing the sticky-packet lesson teaches.
//! The room shares one seeded question set, so a histogram of the answers to
//! the question on the projector means something ([`histogram`]).

pub mod client;
pub mod histogram;
pub mod host;
pub mod names;
pub mod protocol;
