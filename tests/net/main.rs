//! `net/` against references: frame building and dissection, subnet math
//! (properties and tables computed independently of the code under test);
//! and the virtual network (`vnet_*`: `nettutor net run`, checked with tshark).
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod frames_props;
mod frames_reference;
mod subnet_props;
mod subnet_table;
mod vnet_checksums;
mod vnet_dhcp;
mod vnet_events;
mod vnet_experiments;
mod vnet_frames_live;
mod vnet_isolation;
mod vnet_keepalive;
mod vnet_lab;
mod vnet_link;
mod vnet_quiz;
