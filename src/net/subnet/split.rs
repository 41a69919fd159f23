//! Splitting a network into equal subnets, by new prefix or by count.
//!
//! Never materialised: a /8 split into /30s is 4 194 304 subnets, and an IPv6 /0
//! into /128s is 2^128. A [`SplitPlan`] computes subnet `i` directly (network +
//! i × size), so a list can be iterated lazily or scrolled to any position.

use ipnet::IpNet;

use super::error::{Family, SubnetError};
use super::facts::{AddressCount, from_bits, to_bits};
use super::parse::family_of;

/// A parent network cut into 2^k equal subnets of one prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitPlan {
    /// The network being split (host bits cleared).
    pub parent: IpNet,
    pub new_prefix: u8,
    /// How many subnets were asked for, when split by count (may be fewer than
    /// [`SplitPlan::count`], which is always a power of two).
    pub requested: Option<u128>,
}

impl SplitPlan {
    /// Split `parent` into subnets of `/new_prefix` (at least the parent's prefix,
    /// at most 32 or 128).
    pub fn by_prefix(parent: IpNet, new_prefix: u8) -> Result<SplitPlan, SubnetError> {
        let parent = parent.trunc();
        let max = parent.max_prefix_len();
        if new_prefix < parent.prefix_len() || new_prefix > max {
            return Err(SubnetError::SplitPrefix {
                prefix: parent.prefix_len(),
                new: new_prefix.to_string(),
                max,
            });
        }
        Ok(SplitPlan {
            parent,
            new_prefix,
            requested: None,
        })
    }

    /// Split `parent` into at least `count` equal subnets: the next power of two,
    /// since equal subnets take whole prefix bits.
    pub fn by_count(parent: IpNet, count: u128) -> Result<SplitPlan, SubnetError> {
        if count == 0 {
            return Err(SubnetError::CountZero);
        }
        let parent = parent.trunc();
        // Prefix bits needed for `count` subnets: ceil(log2(count)).
        let needed = 128 - (count - 1).leading_zeros();
        let left = parent.max_prefix_len() - parent.prefix_len();
        if needed > u32::from(left) {
            return Err(SubnetError::CountTooLarge {
                count: count.to_string(),
                prefix: parent.prefix_len(),
                needed,
                left,
            });
        }
        // needed ≤ left ≤ 128 here.
        let new_prefix = parent.prefix_len() + needed as u8;
        Ok(SplitPlan {
            parent,
            new_prefix,
            requested: Some(count),
        })
    }

    fn family(&self) -> Family {
        family_of(self.parent.addr())
    }

    fn host_bits(&self) -> u32 {
        u32::from(self.parent.max_prefix_len() - self.new_prefix)
    }

    /// Number of subnets: 2^(new prefix − parent prefix).
    pub fn count(&self) -> AddressCount {
        AddressCount::power_of_two(u32::from(self.new_prefix - self.parent.prefix_len()))
    }

    /// Addresses in each subnet.
    pub fn subnet_size(&self) -> AddressCount {
        AddressCount::power_of_two(self.host_bits())
    }

    /// Subnet number `index` (0-based), or `None` past the end.
    pub fn get(&self, index: u128) -> Option<IpNet> {
        let split_bits = u32::from(self.new_prefix - self.parent.prefix_len());
        if split_bits < 128 && index >> split_bits != 0 {
            return None;
        }
        let offset = index.checked_shl(self.host_bits()).unwrap_or(0);
        let start = to_bits(self.parent.network()) | offset;
        IpNet::new(from_bits(self.family(), start), self.new_prefix).ok()
    }

    /// The subnets in order, computed one at a time.
    pub fn iter(&self) -> SplitIter {
        SplitIter {
            plan: *self,
            next: Some(0),
        }
    }
}

/// Lazy iterator over a [`SplitPlan`].
#[derive(Debug, Clone)]
pub struct SplitIter {
    plan: SplitPlan,
    next: Option<u128>,
}

impl Iterator for SplitIter {
    type Item = IpNet;

    fn next(&mut self) -> Option<IpNet> {
        let index = self.next?;
        let net = self.plan.get(index);
        self.next = if net.is_some() {
            index.checked_add(1)
        } else {
            None
        };
        net
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn slash_24_into_26_gives_four() {
        let plan = SplitPlan::by_prefix(net("192.168.1.0/24"), 26).unwrap();
        let got: Vec<String> = plan.iter().map(|n| n.to_string()).collect();
        assert_eq!(
            got,
            [
                "192.168.1.0/26",
                "192.168.1.64/26",
                "192.168.1.128/26",
                "192.168.1.192/26"
            ]
        );
    }

    #[test]
    fn huge_splits_are_lazy_and_indexable() {
        let plan = SplitPlan::by_prefix(net("10.0.0.0/8"), 30).unwrap();
        assert_eq!(plan.count().as_u128(), Some(4_194_304));
        assert_eq!(
            plan.get(4_194_303).unwrap().to_string(),
            "10.255.255.252/30"
        );
        assert_eq!(plan.get(4_194_304), None);
        let all = SplitPlan::by_prefix(net("::/0"), 128).unwrap();
        assert_eq!(all.count().as_u128(), None);
        assert_eq!(
            all.get(u128::MAX).unwrap().to_string(),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"
        );
        assert_eq!(all.iter().nth(2).unwrap().to_string(), "::2/128");
    }

    #[test]
    fn by_count_rounds_up_to_a_power_of_two() {
        let plan = SplitPlan::by_count(net("192.168.1.0/24"), 5).unwrap();
        assert_eq!(plan.new_prefix, 27);
        assert_eq!(plan.count().as_u128(), Some(8));
        assert_eq!(
            SplitPlan::by_count(net("192.168.1.0/30"), 5),
            Err(SubnetError::CountTooLarge {
                count: "5".into(),
                prefix: 30,
                needed: 3,
                left: 2
            })
        );
        assert_eq!(
            SplitPlan::by_count(net("10.0.0.0/8"), 1)
                .unwrap()
                .new_prefix,
            8
        );
    }
}
