//! Reading what the student typed: `192.168.21.36/24`, `192.168.21.36 255.255.255.0`,
//! `192.168.21.36/255.255.255.0`, `2001:db8::1/64`, or a bare address.
//!
//! IPv4 is parsed by hand rather than with `Ipv4Addr::from_str` so that every error
//! can name the octet and column that is wrong. IPv6 is parsed by std (which follows
//! RFC 4291 text forms) and only diagnosed by hand when std rejects it.
//!
//! A bare address (no prefix, no mask) is taken as a single host: /32 for IPv4, /128
//! for IPv6. That is what the address alone denotes (and what `ip addr add` assumes);
//! the old classful default would silently invent a network the student did not
//! ask for. Reports say so whenever it happens ([`PrefixSource::Bare`]).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::error::{Family, SubnetError};

/// How the prefix length was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefixSource {
    /// `/24`
    Length,
    /// `255.255.255.0`, after a slash or a space.
    Mask,
    /// Not given: the address is taken as a single host (/32 or /128).
    Bare,
}

/// A parsed input: the address as typed and its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubnetInput {
    pub address: IpAddr,
    pub prefix: u8,
    pub source: PrefixSource,
}

impl SubnetInput {
    /// The address with its prefix (host bits kept, as typed).
    pub fn interface(&self) -> IpNet {
        // The parser only ever produces prefixes within the family's maximum.
        IpNet::new(self.address, self.prefix).unwrap_or_else(|_| IpNet::from(self.address))
    }

    /// The network the address belongs to (host bits cleared).
    pub fn network(&self) -> IpNet {
        self.interface().trunc()
    }

    pub fn family(&self) -> Family {
        family_of(self.address)
    }
}

/// The family of an address.
pub fn family_of(address: IpAddr) -> Family {
    match address {
        IpAddr::V4(_) => Family::V4,
        IpAddr::V6(_) => Family::V6,
    }
}

/// A whitespace-separated word of the input and its 0-based character offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub offset: usize,
    pub text: &'a str,
}

/// Split on whitespace, remembering where each word starts (in characters).
pub(crate) fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (byte, char) of the word start
    for (chars, (byte, ch)) in text.char_indices().enumerate() {
        if ch.is_whitespace() {
            if let Some((b, c)) = start.take() {
                out.push(Token {
                    offset: c,
                    text: &text[b..byte],
                });
            }
        } else if start.is_none() {
            start = Some((byte, chars));
        }
    }
    if let Some((b, c)) = start {
        out.push(Token {
            offset: c,
            text: &text[b..],
        });
    }
    out
}

/// Parse an address with an optional prefix or mask (see the module docs).
pub fn parse_input(text: &str) -> Result<SubnetInput, SubnetError> {
    let words = tokens(text);
    parse_words(&words)
}

/// [`parse_input`] over already split words (the panel argument parser uses it).
pub(crate) fn parse_words(words: &[Token<'_>]) -> Result<SubnetInput, SubnetError> {
    let Some(first) = words.first() else {
        return Err(SubnetError::Empty);
    };
    if first.text.starts_with('-') {
        return Err(SubnetError::LooksLikeOption {
            text: first.text.to_string(),
            column: first.offset + 1,
        });
    }
    let (addr_text, after_slash) = match first.text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (first.text, None),
    };
    if addr_text.is_empty() {
        return Err(SubnetError::MissingAddress {
            column: first.offset + 1,
        });
    }
    let address = parse_address(addr_text, first.offset)?;
    let family = family_of(address);
    let slash_offset = first.offset + addr_text.chars().count();

    let (prefix, source, used) = match after_slash {
        Some(p) => {
            let (prefix, source) = parse_prefix(p, slash_offset + 1, slash_offset, family)?;
            (prefix, source, 1)
        }
        None => match words.get(1) {
            Some(second) => {
                // Be lenient with `1.2.3.4 /24`: the slash then starts the second word.
                let (text, offset) = match second.text.strip_prefix('/') {
                    Some(rest) => (rest, second.offset + 1),
                    None => (second.text, second.offset),
                };
                let (prefix, source) = parse_prefix(text, offset, second.offset, family)?;
                (prefix, source, 2)
            }
            None => (family.bits(), PrefixSource::Bare, 1),
        },
    };
    if let Some(extra) = words.get(used) {
        return Err(SubnetError::TrailingInput {
            text: extra.text.to_string(),
            column: extra.offset + 1,
        });
    }
    Ok(SubnetInput {
        address,
        prefix,
        source,
    })
}

/// Parse one address, IPv4 or IPv6 (decided by the presence of ':').
/// `offset` is where `text` starts in the whole input, for error columns.
pub fn parse_address(text: &str, offset: usize) -> Result<IpAddr, SubnetError> {
    if text.is_empty() {
        return Err(SubnetError::Empty);
    }
    if text.starts_with('-') {
        return Err(SubnetError::LooksLikeOption {
            text: text.to_string(),
            column: offset + 1,
        });
    }
    if text.contains(':') {
        parse_ipv6(text, offset).map(IpAddr::V6)
    } else {
        parse_ipv4(text, offset).map(IpAddr::V4)
    }
}

/// Parse an address that must not carry a prefix or mask (`same=`, `gateway=`,
/// the ends of a range). `what` names it in the error ("same=", "--gateway").
pub fn parse_host(text: &str, offset: usize, what: &str) -> Result<IpAddr, SubnetError> {
    if let Some(slash) = text.find('/') {
        return Err(SubnetError::HostExpected {
            what: what.to_string(),
            text: text.to_string(),
            column: offset + text[..slash].chars().count() + 1,
        });
    }
    parse_address(text, offset)
}

/// Parse a network for aggregation: `address/prefix`, `address/mask`, or a bare
/// address (a single host). Host bits are cleared.
pub fn parse_network(text: &str, offset: usize) -> Result<IpNet, SubnetError> {
    let words = [Token { offset, text }];
    parse_words(&words).map(|input| input.network())
}

fn parse_ipv4(text: &str, offset: usize) -> Result<Ipv4Addr, SubnetError> {
    if let Some((i, ch)) = text
        .chars()
        .enumerate()
        .find(|(_, ch)| !(ch.is_ascii_digit() || *ch == '.'))
    {
        return Err(SubnetError::InvalidCharacter {
            ch,
            column: offset + i + 1,
            family: Family::V4,
        });
    }
    // From here on the text is ASCII, so byte offsets are character offsets.
    let parts = split_with_offsets(text, '.');
    if let Some(i) = parts.iter().position(|(_, part)| part.is_empty()) {
        return Err(SubnetError::EmptyOctet {
            index: i + 1,
            column: offset + parts[i].0 + 1,
        });
    }
    if parts.len() != 4 {
        let column = match parts.get(4) {
            Some((at, _)) => offset + at + 1,
            None => offset + text.len() + 1,
        };
        return Err(SubnetError::WrongOctetCount {
            text: text.to_string(),
            found: parts.len(),
            column,
        });
    }
    let mut octets = [0u8; 4];
    for (i, (at, part)) in parts.iter().enumerate() {
        let column = offset + at + 1;
        if part.len() > 1 && part.starts_with('0') {
            return Err(SubnetError::LeadingZero {
                index: i + 1,
                text: part.to_string(),
                column,
                octal: u32::from_str_radix(part, 8).ok(),
            });
        }
        match part.parse::<u8>() {
            Ok(value) => octets[i] = value,
            Err(_) => {
                return Err(SubnetError::OctetOutOfRange {
                    index: i + 1,
                    text: part.to_string(),
                    column,
                });
            }
        }
    }
    Ok(Ipv4Addr::from(octets))
}

fn parse_ipv6(text: &str, offset: usize) -> Result<Ipv6Addr, SubnetError> {
    if let Some(pct) = text.find('%') {
        return Err(SubnetError::Ipv6Zone {
            text: text[pct..].to_string(),
            column: offset + text[..pct].chars().count() + 1,
        });
    }
    if let Some((i, ch)) = text
        .chars()
        .enumerate()
        .find(|(_, ch)| !(ch.is_ascii_hexdigit() || *ch == ':' || *ch == '.'))
    {
        return Err(SubnetError::InvalidCharacter {
            ch,
            column: offset + i + 1,
            family: Family::V6,
        });
    }
    if let Ok(address) = text.parse::<Ipv6Addr>() {
        return Ok(address);
    }
    Err(diagnose_ipv6(text, offset))
}

/// Say what is wrong with an ASCII IPv6 text that std rejected.
fn diagnose_ipv6(text: &str, offset: usize) -> SubnetError {
    let double = text.find("::");
    if let Some(first) = double
        && let Some(again) = text[first + 1..].find("::")
    {
        return SubnetError::Ipv6DoubleCompression {
            column: offset + first + 1 + again + 1,
        };
    }
    if text.starts_with(':') && !text.starts_with("::") {
        return SubnetError::Ipv6LoneColon { column: offset + 1 };
    }
    if text.ends_with(':') && !text.ends_with("::") {
        return SubnetError::Ipv6LoneColon {
            column: offset + text.len(),
        };
    }
    let groups = split_with_offsets(text, ':');
    let last = groups.len().saturating_sub(1);
    let mut count = 0;
    for (i, (at, group)) in groups.iter().enumerate() {
        if group.contains('.') {
            if i != last {
                return SubnetError::InvalidIpv6 {
                    text: text.to_string(),
                    column: offset + at + 1,
                };
            }
            // An embedded IPv4 tail (::ffff:192.0.2.1): its own errors are precise.
            if let Err(err) = parse_ipv4(group, offset + at) {
                return err;
            }
            count += 2;
        } else if group.len() > 4 {
            return SubnetError::Ipv6GroupTooLong {
                index: i + 1,
                text: group.to_string(),
                column: offset + at + 1,
            };
        } else if !group.is_empty() {
            count += 1;
        }
    }
    let fits = if double.is_some() {
        count <= 7
    } else {
        count == 8
    };
    if !fits {
        return SubnetError::Ipv6GroupCount {
            text: text.to_string(),
            found: count,
            column: offset + 1,
        };
    }
    SubnetError::InvalidIpv6 {
        text: text.to_string(),
        column: offset + 1,
    }
}

/// Parse what follows the slash (or the second word): a prefix length or a mask.
/// `offset` is where `text` starts; `slash_offset` where the slash (or word) is.
fn parse_prefix(
    text: &str,
    offset: usize,
    slash_offset: usize,
    family: Family,
) -> Result<(u8, PrefixSource), SubnetError> {
    let max = family.bits();
    if text.is_empty() {
        return Err(SubnetError::SlashWithoutPrefix {
            column: slash_offset + 1,
        });
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u8>() {
            Ok(prefix) if prefix <= max => Ok((prefix, PrefixSource::Length)),
            _ => Err(SubnetError::PrefixTooLong {
                text: text.to_string(),
                max,
                column: offset + 1,
            }),
        };
    }
    if text.contains('.') && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        if family == Family::V6 {
            return Err(SubnetError::MaskForIpv6 { column: offset + 1 });
        }
        return parse_mask(text, offset).map(|prefix| (prefix, PrefixSource::Mask));
    }
    Err(SubnetError::InvalidPrefix {
        text: text.to_string(),
        max,
        column: offset + 1,
    })
}

/// A dotted IPv4 mask → its prefix length, or why it is not a mask.
fn parse_mask(text: &str, offset: usize) -> Result<u8, SubnetError> {
    let mask = u32::from(parse_ipv4(text, offset)?);
    let ones = mask.leading_ones();
    if ones + mask.trailing_zeros() >= 32 {
        // `ones` is at most 32, so it fits a u8.
        return Ok(ones as u8);
    }
    let inverted = !mask;
    if mask != 0 && inverted.leading_ones() + inverted.trailing_zeros() >= 32 {
        return Err(SubnetError::WildcardAsMask {
            mask: text.to_string(),
            suggestion: Ipv4Addr::from(inverted).to_string(),
            column: offset + 1,
        });
    }
    // Bits numbered 1–32 from the left: ones 1..=ones, first zero at ones+1, and the
    // first one after the zeros is where the run breaks.
    let first_zero = ones + 1;
    let zeros_after = (mask << ones).leading_zeros();
    let bit = ones + zeros_after + 1;
    let octet = ((bit - 1) / 8) as usize;
    let parts = split_with_offsets(text, '.');
    let column = offset + parts.get(octet).map_or(0, |(at, _)| *at) + 1;
    Err(SubnetError::NonContiguousMask {
        mask: text.to_string(),
        bit: bit as u8,
        first_zero: first_zero as u8,
        column,
    })
}

/// `text.split(sep)` with the byte offset of each piece.
fn split_with_offsets(text: &str, sep: char) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, ch) in text.char_indices() {
        if ch == sep {
            out.push((start, &text[start..i]));
            start = i + ch.len_utf8();
        }
    }
    out.push((start, &text[start..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_character_offsets() {
        let words = tokens("  é1 2.3  x");
        let got: Vec<(usize, &str)> = words.iter().map(|t| (t.offset, t.text)).collect();
        assert_eq!(got, vec![(2, "é1"), (5, "2.3"), (10, "x")]);
    }

    #[test]
    fn mask_gap_points_at_the_breaking_bit() {
        let err = parse_input("10.0.0.1 255.0.255.0").unwrap_err();
        assert_eq!(
            err,
            SubnetError::NonContiguousMask {
                mask: "255.0.255.0".into(),
                bit: 17,
                first_zero: 9,
                column: 16,
            }
        );
    }
}
