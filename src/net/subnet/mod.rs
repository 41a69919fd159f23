//! The subnet calculator, pure: parsing what the student typed, the facts of a
//! network, the bit rows and the AND sweep, the same-network check, splitting,
//! aggregation, ranges and VLSM. Built on `ipnet` and std; no terminal here.
//!
//! Conventions (stated in `--help` and in the panel too):
//! - a bare address is a single host, /32 or /128 ([`PrefixSource::Bare`]);
//! - IPv4 /31 is a point-to-point link (RFC 3021): 2 usable, no broadcast;
//! - IPv4 /32 is a single host: 1 usable, first = last = the address;
//! - IPv6 has no broadcast; every address of the prefix counts as usable.

mod aggregate;
mod bits;
mod error;
mod facts;
mod parse;
mod request;
mod route;
mod same;
mod scope;
mod split;
mod vlsm;

pub use aggregate::{AddressRange, aggregate};
pub use bits::{
    BitRole, BitRow, RowKind, SweepPhase, SweepStep, and_rows, and_sweep, bits_text, group_bits,
    group_separator, or_rows, role,
};
pub use error::{Family, SubnetError};
pub use facts::{
    AddressCount, Class, NetworkKind, SubnetFacts, all_ones, from_bits, mask_bits, to_bits,
};
pub use parse::{
    PrefixSource, SubnetInput, family_of, parse_address, parse_host, parse_input, parse_network,
};
pub use request::{SubnetRequest, check_lesson_arg, parse_panel_arg, parse_split_prefix};
pub use route::{Route, RouteTable};
pub use same::{AddressRole, GatewayCheck, SameNetworkCheck, role_in};
pub use scope::Scope;
pub use split::{SplitIter, SplitPlan};
pub use vlsm::{VlsmAllocation, VlsmPlan, host_bits_for, parse_host_counts, plan_vlsm};
