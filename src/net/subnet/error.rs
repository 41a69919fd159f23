//! What can be wrong with a subnet input, and where.
//!
//! Every variant carries the 1-based character column of the problem in the input
//! as typed (for the CLI: its arguments joined by single spaces), so the student can
//! see exactly which part to fix. The texts live in `assets/i18n/ui.toml` under
//! `subnet.err.*`; `Display` gives the English one.

use crate::i18n::{Lang, tf};

/// Which part of the address text a parse error is about: IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// Number of bits in an address of this family.
    pub fn bits(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    /// "IPv4" / "IPv6".
    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// A subnet input that cannot be understood, with the column where it goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum SubnetError {
    /// Nothing (or only spaces) was typed.
    Empty,
    /// The input starts with '-', as a command-line option would.
    LooksLikeOption { text: String, column: usize },
    /// A '/' with no address before it.
    MissingAddress { column: usize },
    /// A character that has no place in an address of `family`.
    InvalidCharacter {
        ch: char,
        column: usize,
        family: Family,
    },
    /// An IPv4 address with other than four dot-separated numbers.
    WrongOctetCount {
        text: String,
        found: usize,
        column: usize,
    },
    /// Two dots in a row, or a dot at either end.
    EmptyOctet { index: usize, column: usize },
    /// An octet above 255.
    OctetOutOfRange {
        index: usize,
        text: String,
        column: usize,
    },
    /// `010`: octal in some parsers (inet_aton), decimal in others.
    LeadingZero {
        index: usize,
        text: String,
        column: usize,
        /// The value if read as octal; `None` when the digits are not octal (`09`).
        octal: Option<u32>,
    },
    /// `/33` for IPv4, `/129` for IPv6.
    PrefixTooLong {
        text: String,
        max: u8,
        column: usize,
    },
    /// `192.168.1.0/` — the slash is there, the prefix is not.
    SlashWithoutPrefix { column: usize },
    /// Neither a prefix length nor a dotted mask.
    InvalidPrefix {
        text: String,
        max: u8,
        column: usize,
    },
    /// A mask with a one after a zero; bits are numbered 1–32 from the left.
    NonContiguousMask {
        mask: String,
        bit: u8,
        first_zero: u8,
        column: usize,
    },
    /// A mask written inverted (a wildcard such as 0.0.0.255).
    WildcardAsMask {
        mask: String,
        suggestion: String,
        column: usize,
    },
    /// A dotted mask given for an IPv6 address.
    MaskForIpv6 { column: usize },
    /// `::` used twice in one IPv6 address.
    Ipv6DoubleCompression { column: usize },
    /// An IPv6 group with more than four hex digits.
    Ipv6GroupTooLong {
        index: usize,
        text: String,
        column: usize,
    },
    /// An IPv6 address with the wrong number of groups.
    Ipv6GroupCount {
        text: String,
        found: usize,
        column: usize,
    },
    /// A single ':' at the start or end, where a group is missing.
    Ipv6LoneColon { column: usize },
    /// A `%zone` suffix, which names an interface and is not part of a prefix.
    Ipv6Zone { text: String, column: usize },
    /// Any other malformed IPv6 text (e.g. a broken embedded IPv4 tail).
    InvalidIpv6 { text: String, column: usize },
    /// Something left over after the address and mask.
    TrailingInput { text: String, column: usize },
    /// A second address where only an address (no prefix or mask) belongs.
    HostExpected {
        what: String,
        text: String,
        column: usize,
    },
    /// Two addresses of different IP versions that must match.
    FamilyMismatch { first: String, second: String },
    /// A split to a prefix not longer than the network's, or beyond the maximum.
    SplitPrefix { prefix: u8, new: String, max: u8 },
    /// A request for zero equal subnets.
    CountZero,
    /// More equal subnets than the host bits allow.
    CountTooLarge {
        count: String,
        prefix: u8,
        needed: u32,
        left: u8,
    },
    /// A VLSM list entry that is not a positive whole number.
    VlsmBadCount { text: String, column: usize },
    /// A VLSM request for 0 hosts.
    VlsmZero { index: usize, column: usize },
    /// The VLSM requests need more addresses than the network has.
    VlsmDoesNotFit {
        network: String,
        need: String,
        have: String,
        first_failing: usize,
    },
    /// A range not written `A-B`.
    RangeSyntax { text: String },
    /// A range whose start is above its end.
    RangeReversed { start: String, end: String },
    /// A lesson/panel argument key that is not known.
    UnknownKey { key: String, column: usize },
    /// A lesson/panel argument `key=` with nothing after it.
    MissingValue { key: String, column: usize },
}

impl SubnetError {
    /// The 1-based column the error points at, when it has one.
    pub fn column(&self) -> Option<usize> {
        // One list of the variants that carry a column: `column_mut` below.
        self.clone().column_mut().map(|c| *c)
    }

    /// Shift the column by `offset` characters: used when a piece of a longer input
    /// (a `same=` value, a range end) was parsed on its own.
    pub fn shifted(mut self, offset: usize) -> SubnetError {
        if let Some(column) = self.column_mut() {
            *column += offset;
        }
        self
    }

    fn column_mut(&mut self) -> Option<&mut usize> {
        use SubnetError::*;
        match self {
            LooksLikeOption { column, .. }
            | MissingAddress { column }
            | InvalidCharacter { column, .. }
            | WrongOctetCount { column, .. }
            | EmptyOctet { column, .. }
            | OctetOutOfRange { column, .. }
            | LeadingZero { column, .. }
            | PrefixTooLong { column, .. }
            | SlashWithoutPrefix { column }
            | InvalidPrefix { column, .. }
            | NonContiguousMask { column, .. }
            | WildcardAsMask { column, .. }
            | MaskForIpv6 { column }
            | Ipv6DoubleCompression { column }
            | Ipv6GroupTooLong { column, .. }
            | Ipv6GroupCount { column, .. }
            | Ipv6LoneColon { column }
            | Ipv6Zone { column, .. }
            | InvalidIpv6 { column, .. }
            | TrailingInput { column, .. }
            | HostExpected { column, .. }
            | VlsmBadCount { column, .. }
            | VlsmZero { column, .. }
            | UnknownKey { column, .. }
            | MissingValue { column, .. } => Some(column),
            _ => None,
        }
    }

    /// The message in `lang`, one line, naming the problem and where it is.
    pub fn message(&self, lang: Lang) -> String {
        use SubnetError::*;
        let s = |v: &usize| v.to_string();
        match self {
            Empty => tf(lang, "subnet.err.empty", &[]),
            LooksLikeOption { text, column } => tf(
                lang,
                "subnet.err.option",
                &[("text", text), ("col", &s(column))],
            ),
            MissingAddress { column } => tf(lang, "subnet.err.no_address", &[("col", &s(column))]),
            InvalidCharacter { ch, column, family } => {
                let key = match family {
                    Family::V4 => "subnet.err.char_v4",
                    Family::V6 => "subnet.err.char_v6",
                };
                tf(
                    lang,
                    key,
                    &[
                        ("ch", &ch.escape_default().to_string()),
                        ("col", &s(column)),
                    ],
                )
            }
            WrongOctetCount {
                text,
                found,
                column,
            } => tf(
                lang,
                "subnet.err.octet_count",
                &[("text", text), ("found", &s(found)), ("col", &s(column))],
            ),
            EmptyOctet { index, column } => tf(
                lang,
                "subnet.err.octet_empty",
                &[("n", &s(index)), ("col", &s(column))],
            ),
            OctetOutOfRange {
                index,
                text,
                column,
            } => tf(
                lang,
                "subnet.err.octet_range",
                &[("n", &s(index)), ("text", text), ("col", &s(column))],
            ),
            LeadingZero {
                index,
                text,
                column,
                octal,
            } => {
                let decimal = text.trim_start_matches('0');
                let decimal = if decimal.is_empty() { "0" } else { decimal };
                let args = [
                    ("n", s(index)),
                    ("text", text.clone()),
                    ("col", s(column)),
                    ("decimal", decimal.to_string()),
                    ("octal", octal.map(|o| o.to_string()).unwrap_or_default()),
                ];
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let key = if octal.is_some() {
                    "subnet.err.leading_zero_octal"
                } else {
                    "subnet.err.leading_zero"
                };
                tf(lang, key, &args)
            }
            PrefixTooLong { text, max, column } => tf(
                lang,
                "subnet.err.prefix_long",
                &[
                    ("text", text),
                    ("max", &max.to_string()),
                    ("family", family_for_max(*max)),
                    ("col", &s(column)),
                ],
            ),
            SlashWithoutPrefix { column } => {
                tf(lang, "subnet.err.slash_empty", &[("col", &s(column))])
            }
            InvalidPrefix { text, max, column } => tf(
                lang,
                "subnet.err.prefix_invalid",
                &[
                    ("text", text),
                    ("max", &max.to_string()),
                    ("col", &s(column)),
                ],
            ),
            NonContiguousMask {
                mask,
                bit,
                first_zero,
                column,
            } => tf(
                lang,
                "subnet.err.mask_gap",
                &[
                    ("mask", mask),
                    ("bit", &bit.to_string()),
                    ("zero", &first_zero.to_string()),
                    ("col", &s(column)),
                ],
            ),
            WildcardAsMask {
                mask,
                suggestion,
                column,
            } => tf(
                lang,
                "subnet.err.mask_wildcard",
                &[
                    ("mask", mask),
                    ("suggestion", suggestion),
                    ("col", &s(column)),
                ],
            ),
            MaskForIpv6 { column } => tf(lang, "subnet.err.mask_v6", &[("col", &s(column))]),
            Ipv6DoubleCompression { column } => {
                tf(lang, "subnet.err.v6_double", &[("col", &s(column))])
            }
            Ipv6GroupTooLong {
                index,
                text,
                column,
            } => tf(
                lang,
                "subnet.err.v6_group",
                &[("n", &s(index)), ("text", text), ("col", &s(column))],
            ),
            Ipv6GroupCount {
                text,
                found,
                column,
            } => tf(
                lang,
                "subnet.err.v6_groups",
                &[("text", text), ("found", &s(found)), ("col", &s(column))],
            ),
            Ipv6LoneColon { column } => tf(lang, "subnet.err.v6_colon", &[("col", &s(column))]),
            Ipv6Zone { text, column } => tf(
                lang,
                "subnet.err.v6_zone",
                &[("text", text), ("col", &s(column))],
            ),
            InvalidIpv6 { text, column } => tf(
                lang,
                "subnet.err.v6_invalid",
                &[("text", text), ("col", &s(column))],
            ),
            TrailingInput { text, column } => tf(
                lang,
                "subnet.err.trailing",
                &[("text", text), ("col", &s(column))],
            ),
            HostExpected { what, text, column } => tf(
                lang,
                "subnet.err.host_expected",
                &[("what", what), ("text", text), ("col", &s(column))],
            ),
            FamilyMismatch { first, second } => {
                tf(lang, "subnet.err.family", &[("a", first), ("b", second)])
            }
            SplitPrefix { prefix, new, max } => tf(
                lang,
                "subnet.err.split_prefix",
                &[
                    ("prefix", &prefix.to_string()),
                    ("new", new),
                    ("min", &prefix.to_string()),
                    ("max", &max.to_string()),
                ],
            ),
            CountZero => tf(lang, "subnet.err.count_zero", &[]),
            CountTooLarge {
                count,
                prefix,
                needed,
                left,
            } => tf(
                lang,
                "subnet.err.count_large",
                &[
                    ("count", count),
                    ("prefix", &prefix.to_string()),
                    ("bits", &needed.to_string()),
                    ("left", &left.to_string()),
                ],
            ),
            VlsmBadCount { text, column } => tf(
                lang,
                "subnet.err.vlsm_number",
                &[("text", text), ("col", &s(column))],
            ),
            VlsmZero { index, column } => tf(
                lang,
                "subnet.err.vlsm_zero",
                &[("n", &s(index)), ("col", &s(column))],
            ),
            VlsmDoesNotFit {
                network,
                need,
                have,
                first_failing,
            } => tf(
                lang,
                "subnet.err.vlsm_fit",
                &[
                    ("network", network),
                    ("need", need),
                    ("have", have),
                    ("n", &s(first_failing)),
                ],
            ),
            RangeSyntax { text } => tf(lang, "subnet.err.range_syntax", &[("text", text)]),
            RangeReversed { start, end } => tf(
                lang,
                "subnet.err.range_order",
                &[("start", start), ("end", end)],
            ),
            UnknownKey { key, column } => tf(
                lang,
                "subnet.err.arg_key",
                &[("key", key), ("col", &s(column))],
            ),
            MissingValue { key, column } => tf(
                lang,
                "subnet.err.arg_value",
                &[("key", key), ("col", &s(column))],
            ),
        }
    }
}

fn family_for_max(max: u8) -> &'static str {
    if max == 32 { "IPv4" } else { "IPv6" }
}
