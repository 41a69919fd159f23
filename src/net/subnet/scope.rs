//! What kind of address this is: loopback, private, documentation, …
//!
//! The ranges are those of the IANA special-purpose address registries (RFC 6890
//! and its updates). Checked in order: the first match wins, so the more specific
//! ranges come first (0.0.0.0 before 0.0.0.0/8, 255.255.255.255 before 240.0.0.0/4).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The scope (special-purpose range) an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// 0.0.0.0 or :: — "no address yet" / "any address" when binding.
    Unspecified,
    /// 0.0.0.0/8 other than 0.0.0.0: "this network" (RFC 791/1122), never a destination.
    ThisNetwork,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// RFC 1918: 10/8, 172.16/12, 192.168/16.
    Private,
    /// RFC 6598 shared address space for carrier-grade NAT: 100.64.0.0/10.
    Shared,
    /// 169.254.0.0/16, fe80::/10.
    LinkLocal,
    /// 192.0.0.0/24, IETF protocol assignments (RFC 6890).
    ProtocolAssignments,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24 (RFC 5737); 2001:db8::/32 (RFC 3849)
    /// and 3fff::/20 (RFC 9637).
    Documentation,
    /// 198.18.0.0/15, network benchmarking (RFC 2544).
    Benchmarking,
    /// 224.0.0.0/4, ff00::/8.
    Multicast,
    /// 255.255.255.255 (RFC 919).
    LimitedBroadcast,
    /// 240.0.0.0/4 (former class E) and the IPv6 ::/8 block.
    Reserved,
    /// fc00::/7 (RFC 4193).
    UniqueLocal,
    /// ::ffff:0:0/96, an IPv4 address carried in an IPv6 socket (RFC 4291).
    Ipv4Mapped,
    /// 64:ff9b::/96, NAT64 well-known prefix (RFC 6052).
    Nat64,
    /// Everything else: routable on the Internet (for IPv6: 2000::/3).
    Global,
}

impl Scope {
    /// The scope of `address`.
    pub fn of(address: IpAddr) -> Scope {
        match address {
            IpAddr::V4(v4) => Self::of_v4(v4),
            IpAddr::V6(v6) => Self::of_v6(v6),
        }
    }

    fn of_v4(address: Ipv4Addr) -> Scope {
        let bits = u32::from(address);
        let within = |net: [u8; 4], prefix: u32| {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            bits & mask == u32::from(Ipv4Addr::from(net)) & mask
        };
        if bits == 0 {
            Scope::Unspecified
        } else if within([0, 0, 0, 0], 8) {
            Scope::ThisNetwork
        } else if within([127, 0, 0, 0], 8) {
            Scope::Loopback
        } else if within([10, 0, 0, 0], 8)
            || within([172, 16, 0, 0], 12)
            || within([192, 168, 0, 0], 16)
        {
            Scope::Private
        } else if within([100, 64, 0, 0], 10) {
            Scope::Shared
        } else if within([169, 254, 0, 0], 16) {
            Scope::LinkLocal
        } else if within([192, 0, 0, 0], 24) {
            Scope::ProtocolAssignments
        } else if within([192, 0, 2, 0], 24)
            || within([198, 51, 100, 0], 24)
            || within([203, 0, 113, 0], 24)
        {
            Scope::Documentation
        } else if within([198, 18, 0, 0], 15) {
            Scope::Benchmarking
        } else if within([224, 0, 0, 0], 4) {
            Scope::Multicast
        } else if bits == u32::MAX {
            Scope::LimitedBroadcast
        } else if within([240, 0, 0, 0], 4) {
            Scope::Reserved
        } else {
            Scope::Global
        }
    }

    fn of_v6(address: Ipv6Addr) -> Scope {
        let bits = u128::from(address);
        let within = |net: u128, prefix: u32| {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            bits & mask == net & mask
        };
        if bits == 0 {
            Scope::Unspecified
        } else if bits == 1 {
            Scope::Loopback
        } else if within(0xffff_0000_0000, 96) {
            Scope::Ipv4Mapped
        } else if within(0x0064_ff9b << 96, 96) {
            Scope::Nat64
        } else if within(0, 8) {
            Scope::Reserved
        } else if within(0xfe80 << 112, 10) {
            Scope::LinkLocal
        } else if within(0xfc00 << 112, 7) {
            Scope::UniqueLocal
        } else if within(0xff00 << 112, 8) {
            Scope::Multicast
        } else if within(0x2001_0db8 << 96, 32) || within(0x3fff << 112, 20) {
            Scope::Documentation
        } else if within(0x2000 << 112, 3) {
            Scope::Global
        } else {
            Scope::Reserved
        }
    }

    /// Stable machine name, used in JSON and as the ui.toml key suffix.
    pub fn id(self) -> &'static str {
        match self {
            Scope::Unspecified => "unspecified",
            Scope::ThisNetwork => "this-network",
            Scope::Loopback => "loopback",
            Scope::Private => "private",
            Scope::Shared => "shared",
            Scope::LinkLocal => "link-local",
            Scope::ProtocolAssignments => "protocol-assignments",
            Scope::Documentation => "documentation",
            Scope::Benchmarking => "benchmarking",
            Scope::Multicast => "multicast",
            Scope::LimitedBroadcast => "limited-broadcast",
            Scope::Reserved => "reserved",
            Scope::UniqueLocal => "unique-local",
            Scope::Ipv4Mapped => "ipv4-mapped",
            Scope::Nat64 => "nat64",
            Scope::Global => "global",
        }
    }

    /// The ui.toml key of the human description.
    pub fn text_key(self) -> String {
        format!("subnet.scope.{}", self.id())
    }

    /// Every scope, for tests that check the string table.
    pub const ALL: [Scope; 16] = [
        Scope::Unspecified,
        Scope::ThisNetwork,
        Scope::Loopback,
        Scope::Private,
        Scope::Shared,
        Scope::LinkLocal,
        Scope::ProtocolAssignments,
        Scope::Documentation,
        Scope::Benchmarking,
        Scope::Multicast,
        Scope::LimitedBroadcast,
        Scope::Reserved,
        Scope::UniqueLocal,
        Scope::Ipv4Mapped,
        Scope::Nat64,
        Scope::Global,
    ];
}
