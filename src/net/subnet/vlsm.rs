//! VLSM: carve subnets of different sizes for given host counts out of one network.
//!
//! Largest first, each placed at the lowest free address. Because every block is a
//! power of two and the blocks come in decreasing size, each one lands on its own
//! natural boundary, and the plan fits exactly when the total size fits.
//!
//! Sizing: an IPv4 subnet needs its hosts + 2 addresses (network and broadcast),
//! rounded up to a power of two — so 2 hosts get a /30. (A /31 would also serve a
//! point-to-point link under RFC 3021; the planner sizes every subnet as a LAN.)
//! IPv6 has no network/broadcast reservation, so the hosts alone are rounded up;
//! real IPv6 LANs use a /64 anyway.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Subnets, Ipv6Subnets};

use super::error::{Family, SubnetError};
use super::facts::{AddressCount, from_bits, to_bits};
use super::parse::family_of;

/// One placed subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlsmAllocation {
    /// Position of the request in the list as given (1-based).
    pub request: usize,
    /// Hosts asked for.
    pub hosts: u64,
    pub subnet: IpNet,
    /// Usable hosts in the subnet.
    pub usable: u128,
    /// Usable addresses left unused: usable − hosts.
    pub wasted: u128,
}

/// A complete plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlsmPlan {
    pub parent: IpNet,
    /// In placement order (largest first).
    pub allocations: Vec<VlsmAllocation>,
    /// Addresses taken by the subnets.
    pub used: u128,
    /// What is left, as CIDR blocks.
    pub free: Vec<IpNet>,
}

impl VlsmPlan {
    /// Usable addresses left unused inside the allocated subnets.
    pub fn wasted_in_subnets(&self) -> u128 {
        self.allocations.iter().map(|a| a.wasted).sum()
    }
}

/// Host bits a subnet for `hosts` hosts needs in `family`.
pub fn host_bits_for(family: Family, hosts: u64) -> u32 {
    let needed = match family {
        Family::V4 => u128::from(hosts) + 2,
        Family::V6 => u128::from(hosts).max(1),
    };
    // ceil(log2(needed)), needed ≥ 1.
    128 - (needed - 1).leading_zeros()
}

/// Plan subnets for `hosts` (in any order) inside `parent`.
pub fn plan_vlsm(parent: IpNet, hosts: &[u64]) -> Result<VlsmPlan, SubnetError> {
    let parent = parent.trunc();
    let family = family_of(parent.addr());
    let width = u32::from(parent.max_prefix_len());
    let parent_bits = width - u32::from(parent.prefix_len());
    let parent_size = AddressCount::power_of_two(parent_bits);

    let mut order: Vec<(usize, u64, u32)> = hosts
        .iter()
        .enumerate()
        .map(|(i, &h)| (i + 1, h, host_bits_for(family, h)))
        .collect();
    // Largest block first; equal sizes keep the order they were given in.
    order.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));

    let fits = |used: u128, bits: u32| -> bool {
        if bits > parent_bits {
            return false;
        }
        let Some(size) = 1u128.checked_shl(bits) else {
            return used == 0; // the whole of ::/0
        };
        match (used.checked_add(size), parent_size.as_u128()) {
            (Some(end), Some(have)) => end <= have,
            (Some(_), None) => true,
            // used + size = 2^128 exactly is the whole of an IPv6 /0.
            (None, _) => parent_size.as_u128().is_none() && used.wrapping_add(size) == 0,
        }
    };

    let base = to_bits(parent.network());
    let mut used: u128 = 0;
    let mut allocations = Vec::with_capacity(order.len());
    for &(request, h, bits) in &order {
        if !fits(used, bits) {
            return Err(SubnetError::VlsmDoesNotFit {
                network: parent.to_string(),
                need: total_needed(&order).to_string(),
                have: parent_size.to_string(),
                first_failing: request,
            });
        }
        // bits ≤ parent_bits ≤ width, so the prefix is within range.
        let prefix = (width - bits) as u8;
        let start = from_bits(family, base | used);
        let subnet = IpNet::new(start, prefix).unwrap_or_else(|_| IpNet::from(start));
        let size = AddressCount::power_of_two(bits);
        let usable = match family {
            Family::V4 => size.as_u128().unwrap_or(0).saturating_sub(2),
            Family::V6 => size.as_u128().unwrap_or(u128::MAX),
        };
        allocations.push(VlsmAllocation {
            request,
            hosts: h,
            subnet,
            usable,
            wasted: usable.saturating_sub(u128::from(h)),
        });
        used = used.wrapping_add(size.as_u128().unwrap_or(0));
    }

    let free = free_blocks(parent, family, base, used, parent_size);
    Ok(VlsmPlan {
        parent,
        allocations,
        used,
        free,
    })
}

/// Sum of all block sizes, saturating (only shown in an error).
fn total_needed(order: &[(usize, u64, u32)]) -> AddressCount {
    let mut total: u128 = 0;
    for &(_, _, bits) in order {
        match 1u128.checked_shl(bits).and_then(|s| total.checked_add(s)) {
            Some(t) => total = t,
            None => return AddressCount::power_of_two(128),
        }
    }
    AddressCount::exact(total)
}

/// The unallocated tail of the parent, as CIDR blocks.
fn free_blocks(
    parent: IpNet,
    family: Family,
    base: u128,
    used: u128,
    parent_size: AddressCount,
) -> Vec<IpNet> {
    if parent_size.as_u128().is_some_and(|size| used >= size) {
        return Vec::new();
    }
    let start = from_bits(family, base | used);
    let end = parent.broadcast();
    match (start, end) {
        (IpAddr::V4(s), IpAddr::V4(e)) => Ipv4Subnets::new(s, e, 0).map(IpNet::V4).collect(),
        (IpAddr::V6(s), IpAddr::V6(e)) => Ipv6Subnets::new(s, e, 0).map(IpNet::V6).collect(),
        _ => Vec::new(),
    }
}

/// Parse a host-count list such as `50,20,10,2`. `offset` is where the list starts in
/// the whole input, for error columns.
pub fn parse_host_counts(text: &str, offset: usize) -> Result<Vec<u64>, SubnetError> {
    let mut counts = Vec::new();
    let mut at = 0;
    for (i, piece) in text.split(',').enumerate() {
        let column = offset + at + 1;
        at += piece.chars().count() + 1;
        let trimmed = piece.trim();
        match trimmed.parse::<u64>() {
            Ok(0) => {
                return Err(SubnetError::VlsmZero {
                    index: i + 1,
                    column,
                });
            }
            Ok(n) if trimmed.bytes().all(|b| b.is_ascii_digit()) => counts.push(n),
            _ => {
                return Err(SubnetError::VlsmBadCount {
                    text: piece.to_string(),
                    column,
                });
            }
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_plan_50_20_10_2() {
        let plan = plan_vlsm("192.168.1.0/24".parse().unwrap(), &[10, 50, 2, 20]).unwrap();
        let got: Vec<(usize, String, u128)> = plan
            .allocations
            .iter()
            .map(|a| (a.request, a.subnet.to_string(), a.wasted))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "192.168.1.0/26".into(), 12),
                (4, "192.168.1.64/27".into(), 10),
                (1, "192.168.1.96/28".into(), 4),
                (3, "192.168.1.112/30".into(), 0),
            ]
        );
        assert_eq!(plan.used, 116);
        let free: Vec<String> = plan.free.iter().map(|n| n.to_string()).collect();
        assert_eq!(
            free,
            ["192.168.1.116/30", "192.168.1.120/29", "192.168.1.128/25"]
        );
    }

    #[test]
    fn too_big_says_which_request_fails() {
        let err = plan_vlsm("192.168.1.0/24".parse().unwrap(), &[100, 100, 60]).unwrap_err();
        assert_eq!(
            err,
            SubnetError::VlsmDoesNotFit {
                network: "192.168.1.0/24".into(),
                need: "320".into(),
                have: "256".into(),
                first_failing: 3,
            }
        );
        // Exactly full is fine: two /25s.
        let full = plan_vlsm("192.168.1.0/24".parse().unwrap(), &[126, 126]).unwrap();
        assert!(full.free.is_empty());
    }

    #[test]
    fn host_count_list_errors_name_the_entry() {
        assert_eq!(
            parse_host_counts("50,20,10,2", 0).unwrap(),
            vec![50, 20, 10, 2]
        );
        assert_eq!(
            parse_host_counts("50,x", 5),
            Err(SubnetError::VlsmBadCount {
                text: "x".into(),
                column: 9
            })
        );
        assert_eq!(
            parse_host_counts("5,0", 0),
            Err(SubnetError::VlsmZero {
                index: 2,
                column: 3
            })
        );
    }
}
