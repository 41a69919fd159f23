//! Summarising: a list of networks into the fewest prefixes covering exactly the
//! same addresses, and an address range into CIDR blocks.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Subnets, Ipv6Subnets};

use super::error::SubnetError;
use super::parse::{family_of, parse_host, tokens};

/// The fewest prefixes that cover exactly the addresses of `networks` (no more, no
/// fewer). Host bits of the inputs are ignored; IPv4 come before IPv6.
pub fn aggregate(networks: &[IpNet]) -> Vec<IpNet> {
    let truncated: Vec<IpNet> = networks.iter().map(IpNet::trunc).collect();
    IpNet::aggregate(&truncated)
}

/// An inclusive address range, both ends of one IP version, start ≤ end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressRange {
    pub start: IpAddr,
    pub end: IpAddr,
}

impl AddressRange {
    /// Check the ends: same IP version, start not above end.
    pub fn new(start: IpAddr, end: IpAddr) -> Result<AddressRange, SubnetError> {
        if family_of(start) != family_of(end) {
            return Err(SubnetError::FamilyMismatch {
                first: start.to_string(),
                second: end.to_string(),
            });
        }
        if start > end {
            return Err(SubnetError::RangeReversed {
                start: start.to_string(),
                end: end.to_string(),
            });
        }
        Ok(AddressRange { start, end })
    }

    /// Parse `A-B` (spaces around the dash allowed).
    pub fn parse(text: &str) -> Result<AddressRange, SubnetError> {
        let syntax = || SubnetError::RangeSyntax {
            text: text.to_string(),
        };
        if text.trim().is_empty() {
            return Err(SubnetError::Empty);
        }
        // The dash is the only separator; an IPv6 address never contains one.
        let dash = text.find('-').ok_or_else(syntax)?;
        let (left, right) = (&text[..dash], &text[dash + 1..]);
        let left_words = tokens(left);
        let right_words = tokens(right);
        let (Some(a), Some(b)) = (left_words.first(), right_words.first()) else {
            return Err(syntax());
        };
        if left_words.len() > 1 || right_words.len() > 1 {
            return Err(syntax());
        }
        let right_offset = left.chars().count() + 1;
        let start = parse_host(a.text, a.offset, "range")?;
        let end = parse_host(b.text, right_offset + b.offset, "range")?;
        AddressRange::new(start, end)
    }

    /// The range as the fewest CIDR blocks, in address order (lazy).
    pub fn cidr_blocks(&self) -> impl Iterator<Item = IpNet> + use<> {
        let blocks: Box<dyn Iterator<Item = IpNet>> = match (self.start, self.end) {
            (IpAddr::V4(s), IpAddr::V4(e)) => Box::new(Ipv4Subnets::new(s, e, 0).map(IpNet::V4)),
            (IpAddr::V6(s), IpAddr::V6(e)) => Box::new(Ipv6Subnets::new(s, e, 0).map(IpNet::V6)),
            // `new` rejects mixed ranges, so this arm yields nothing.
            _ => Box::new(std::iter::empty()),
        };
        blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn strings(list: impl IntoIterator<Item = IpNet>) -> Vec<String> {
        list.into_iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn neighbours_merge_into_a_supernet() {
        let got = aggregate(&nets(&[
            "192.168.0.0/24",
            "192.168.1.0/24",
            "192.168.2.0/24",
            "192.168.3.0/24",
            "10.0.0.0/24",
        ]));
        assert_eq!(strings(got), ["10.0.0.0/24", "192.168.0.0/22"]);
        // Not neighbours on a boundary: 1 and 2 do not make a /23.
        let got = aggregate(&nets(&["192.168.1.0/24", "192.168.2.0/24"]));
        assert_eq!(strings(got), ["192.168.1.0/24", "192.168.2.0/24"]);
    }

    #[test]
    fn range_to_blocks() {
        let r = AddressRange::parse("192.168.1.10-192.168.1.20").unwrap();
        assert_eq!(
            strings(r.cidr_blocks()),
            [
                "192.168.1.10/31",
                "192.168.1.12/30",
                "192.168.1.16/30",
                "192.168.1.20/32"
            ]
        );
        let upper = AddressRange::parse("128.0.0.0 - 255.255.255.255").unwrap();
        assert_eq!(strings(upper.cidr_blocks()), ["128.0.0.0/1"]);
        assert!(matches!(
            AddressRange::parse("10.0.0.9-10.0.0.1"),
            Err(SubnetError::RangeReversed { .. })
        ));
        assert!(matches!(
            AddressRange::parse("10.0.0.1-10.0.0.300"),
            Err(SubnetError::OctetOutOfRange { column: 17, .. })
        ));
    }
}
