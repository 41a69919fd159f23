//! The bit-level view: address, mask and address AND mask as rows of bits, each bit
//! tagged network or host, and the AND sweep animation as a list of steps.
//!
//! This is data only; the CLI prints it and the panel draws it.

use std::net::IpAddr;

use crate::i18n::{Lang, tf};

use super::error::Family;
use super::facts::{NetworkKind, SubnetFacts, from_bits, to_bits};

/// Whether a bit position belongs to the network part or the host part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BitRole {
    Network,
    Host,
}

/// The role of bit `index` (0 = leftmost) under a prefix of `prefix` bits.
pub fn role(prefix: u8, index: u8) -> BitRole {
    if index < prefix {
        BitRole::Network
    } else {
        BitRole::Host
    }
}

/// Which value a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    Address,
    Mask,
    /// Address AND mask.
    Network,
    /// NOT mask.
    Wildcard,
    /// Network OR wildcard: the broadcast (IPv4 /0–/30) or the last address.
    Last,
}

impl RowKind {
    /// ui.toml key of the row label.
    pub fn label_key(self) -> &'static str {
        match self {
            RowKind::Address => "subnet.row.address",
            RowKind::Mask => "subnet.row.mask",
            RowKind::Network => "subnet.row.and",
            RowKind::Wildcard => "subnet.row.wildcard",
            RowKind::Last => "subnet.row.or",
        }
    }
}

/// One row of bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitRow {
    pub kind: RowKind,
    pub value: IpAddr,
}

impl BitRow {
    pub fn family(&self) -> Family {
        match self.value {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    /// Number of bits in the row (32 or 128).
    pub fn width(&self) -> u8 {
        self.family().bits()
    }

    /// Bit `index`, 0 = the leftmost (most significant).
    pub fn bit(&self, index: u8) -> bool {
        let width = u32::from(self.width());
        let shift = width.saturating_sub(u32::from(index) + 1);
        (to_bits(self.value) >> shift) & 1 == 1
    }

    /// The value in its usual text form: dotted decimal, or compressed IPv6.
    pub fn text(&self) -> String {
        self.value.to_string()
    }

    /// The value in hex: `0xc0a81524` for IPv4, all eight full groups for IPv6.
    pub fn hex(&self) -> String {
        match self.value {
            IpAddr::V4(v4) => format!("0x{:08x}", u32::from(v4)),
            IpAddr::V6(v6) => v6
                .segments()
                .iter()
                .map(|g| format!("{g:04x}"))
                .collect::<Vec<_>>()
                .join(":"),
        }
    }
}

/// Bits per display group: an octet for IPv4, a 16-bit group for IPv6.
pub fn group_bits(family: Family) -> u8 {
    match family {
        Family::V4 => 8,
        Family::V6 => 16,
    }
}

/// The character written between groups: '.' for IPv4, ':' for IPv6.
pub fn group_separator(family: Family) -> char {
    match family {
        Family::V4 => '.',
        Family::V6 => ':',
    }
}

/// The rows of the textbook computation: address, mask, address AND mask.
pub fn and_rows(facts: &SubnetFacts) -> [BitRow; 3] {
    [
        BitRow {
            kind: RowKind::Address,
            value: facts.address,
        },
        BitRow {
            kind: RowKind::Mask,
            value: facts.netmask,
        },
        BitRow {
            kind: RowKind::Network,
            value: facts.network.network(),
        },
    ]
}

/// The rows of the second computation: wildcard and network OR wildcard.
pub fn or_rows(facts: &SubnetFacts) -> [BitRow; 2] {
    let family = facts.family();
    let last = to_bits(facts.network.network()) | to_bits(facts.wildcard);
    [
        BitRow {
            kind: RowKind::Wildcard,
            value: facts.wildcard,
        },
        BitRow {
            kind: RowKind::Last,
            value: from_bits(family, last),
        },
    ]
}

/// `bits` of `row` from `start` (inclusive) to `end` (exclusive) as '0'/'1' with the
/// group separator between groups; used by the CLI, one line per span.
pub fn bits_text(row: &BitRow, start: u8, end: u8) -> String {
    let family = row.family();
    let group = group_bits(family);
    let mut out = String::new();
    for i in start..end.min(row.width()) {
        if i > start && i % group == 0 {
            out.push(group_separator(family));
        }
        out.push(if row.bit(i) { '1' } else { '0' });
    }
    out
}

/// The phase of one step of the AND sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SweepPhase {
    /// Address and mask shown, result empty.
    Start,
    /// Computing result bit `cursor`.
    And,
    /// All result bits known: the network address.
    NetworkDone,
    /// The wildcard (NOT mask) row appears.
    Wildcard,
    /// Network OR wildcard: the broadcast or last address.
    Last,
}

/// One frame of the AND sweep animation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SweepStep {
    pub phase: SweepPhase,
    /// The bit being computed (0 = leftmost), during [`SweepPhase::And`].
    pub cursor: Option<u8>,
    /// How many result bits (from the left) are shown.
    pub revealed: u8,
}

impl SweepStep {
    /// Whether result bit `index` is shown in this step.
    pub fn shows_result_bit(&self, index: u8) -> bool {
        index < self.revealed
    }

    /// Whether the wildcard row is shown.
    pub fn shows_wildcard(&self) -> bool {
        matches!(self.phase, SweepPhase::Wildcard | SweepPhase::Last)
    }

    /// Whether the broadcast/last-address row is shown.
    pub fn shows_last(&self) -> bool {
        self.phase == SweepPhase::Last
    }

    /// One line saying what this step computes.
    pub fn caption(&self, facts: &SubnetFacts, lang: Lang) -> String {
        let [address, mask, network] = and_rows(facts);
        let [_, last] = or_rows(facts);
        match (self.phase, self.cursor) {
            (SweepPhase::And, Some(i)) => {
                let a = u8::from(address.bit(i));
                let m = u8::from(mask.bit(i));
                let key = match role(facts.prefix, i) {
                    BitRole::Network => "subnet.sweep.bit_network",
                    BitRole::Host => "subnet.sweep.bit_host",
                };
                tf(
                    lang,
                    key,
                    &[
                        ("n", &(u32::from(i) + 1).to_string()),
                        ("a", &a.to_string()),
                        ("m", &m.to_string()),
                        ("r", &(a & m).to_string()),
                    ],
                )
            }
            (SweepPhase::Start, _) | (SweepPhase::And, None) => tf(
                lang,
                "subnet.sweep.start",
                &[("address", &address.text()), ("mask", &mask.text())],
            ),
            (SweepPhase::NetworkDone, _) => tf(
                lang,
                "subnet.sweep.network",
                &[("network", &network.text())],
            ),
            (SweepPhase::Wildcard, _) => tf(
                lang,
                "subnet.sweep.wildcard",
                &[("wildcard", &facts.wildcard.to_string())],
            ),
            (SweepPhase::Last, _) => {
                let key = match facts.kind {
                    NetworkKind::Ipv4Lan => "subnet.sweep.broadcast",
                    NetworkKind::PointToPoint => "subnet.sweep.last_p2p",
                    NetworkKind::SingleHost => "subnet.sweep.last_host",
                    NetworkKind::Ipv6 => "subnet.sweep.last_v6",
                };
                tf(lang, key, &[("last", &last.text())])
            }
        }
    }
}

/// The whole animation: start, one step per bit, network, wildcard, OR.
/// 36 steps for IPv4, 132 for IPv6.
pub fn and_sweep(facts: &SubnetFacts) -> Vec<SweepStep> {
    let width = facts.family().bits();
    let mut steps = Vec::with_capacity(usize::from(width) + 4);
    steps.push(SweepStep {
        phase: SweepPhase::Start,
        cursor: None,
        revealed: 0,
    });
    for i in 0..width {
        steps.push(SweepStep {
            phase: SweepPhase::And,
            cursor: Some(i),
            revealed: i + 1,
        });
    }
    for phase in [
        SweepPhase::NetworkDone,
        SweepPhase::Wildcard,
        SweepPhase::Last,
    ] {
        steps.push(SweepStep {
            phase,
            cursor: None,
            revealed: width,
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::subnet::parse_input;

    fn facts(text: &str) -> SubnetFacts {
        SubnetFacts::from_input(&parse_input(text).unwrap())
    }

    #[test]
    fn textbook_rows_show_the_and() {
        let f = facts("192.168.21.36/24");
        let [a, m, n] = and_rows(&f);
        assert_eq!(bits_text(&a, 0, 32), "11000000.10101000.00010101.00100100");
        assert_eq!(bits_text(&m, 0, 32), "11111111.11111111.11111111.00000000");
        assert_eq!(bits_text(&n, 0, 32), "11000000.10101000.00010101.00000000");
        assert_eq!(a.hex(), "0xc0a81524");
        for i in 0..32 {
            assert_eq!(n.bit(i), a.bit(i) && m.bit(i), "bit {i}");
        }
    }

    #[test]
    fn sweep_reveals_one_bit_per_step_then_or() {
        let f = facts("10.1.2.3/8");
        let steps = and_sweep(&f);
        assert_eq!(steps.len(), 36);
        assert_eq!(steps[0].revealed, 0);
        assert_eq!(steps[17].cursor, Some(16));
        assert_eq!(steps[17].revealed, 17);
        assert!(!steps[33].shows_wildcard());
        assert!(steps[34].shows_wildcard() && !steps[34].shows_last());
        assert!(steps[35].shows_last());
        let [_, last] = or_rows(&f);
        assert_eq!(last.text(), "10.255.255.255");
    }

    #[test]
    fn ipv6_rows_use_sixteen_bit_groups() {
        let f = facts("2001:db8::1/64");
        let [a, _, n] = and_rows(&f);
        assert_eq!(bits_text(&a, 0, 16), "0010000000000001");
        assert_eq!(&bits_text(&a, 0, 32)[16..17], ":");
        assert_eq!(n.text(), "2001:db8::");
        assert_eq!(a.hex(), "2001:0db8:0000:0000:0000:0000:0000:0001");
        assert_eq!(and_sweep(&f).len(), 132);
    }
}
