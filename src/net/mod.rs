//! Networking knowledge, pure: no terminal, no sockets.

pub mod arp;
pub mod bpf;
pub mod frame;
pub mod impaired;
pub mod osi;
pub mod pcap;
pub mod subnet;
pub mod tcp;
