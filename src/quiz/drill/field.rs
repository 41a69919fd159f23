//! The fields of a drill problem: what each one asks for, the value it holds,
//! and how a student's answer is read into such a value.
//!
//! Reading is forgiving in form (spaces, a `/24` after an address, `2^5 - 2`
//! for a count, upper-case hex) and strict in substance: an answer that is not
//! the kind of value asked for ("192.168.1" for an address) is *unreadable*,
//! and says why.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::i18n::{Lang, t, tf};
use crate::net::subnet::{AddressCount, Family};
use crate::quiz::answer::{Unreadable, normalize, read_ipv4, read_ipv6};

/// What a field asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldId {
    Network,
    Broadcast,
    FirstHost,
    LastHost,
    UsableHosts,
    /// IPv6: the last address of the prefix.
    LastAddress,
    /// IPv6: how many addresses the prefix holds.
    Addresses,
    Prefix,
    Mask,
    Wildcard,
    /// The network address of the subnet that holds an address.
    SubnetNetwork,
    /// The number of that subnet, counting from 1.
    SubnetNumber,
    /// One subnet of a VLSM plan: request number (1-based) and hosts asked for.
    Allocation {
        request: usize,
        hosts: u64,
    },
    /// Where a packet leaves: the interface of the chosen route.
    Interface,
    /// Deliver directly or through the gateway.
    Delivery,
    /// The address the sender asks ARP (or NDP) about.
    ArpTarget,
    /// IPv6: how many /64 LANs a subnet holds.
    Lans,
}

impl FieldId {
    /// The short name used in the ui.toml keys (`drill.field.<name>`).
    pub fn name(&self) -> &'static str {
        match self {
            FieldId::Network => "network",
            FieldId::Broadcast => "broadcast",
            FieldId::FirstHost => "first-host",
            FieldId::LastHost => "last-host",
            FieldId::UsableHosts => "usable-hosts",
            FieldId::LastAddress => "last-address",
            FieldId::Addresses => "addresses",
            FieldId::Prefix => "prefix",
            FieldId::Mask => "mask",
            FieldId::Wildcard => "wildcard",
            FieldId::SubnetNetwork => "subnet-network",
            FieldId::SubnetNumber => "subnet-number",
            FieldId::Allocation { .. } => "allocation",
            FieldId::Interface => "interface",
            FieldId::Delivery => "delivery",
            FieldId::ArpTarget => "arp-target",
            FieldId::Lans => "lans",
        }
    }

    /// The field's label ("network address", "subnet for request 2 (50 hosts)").
    pub fn label(&self, lang: Lang) -> String {
        let key = format!("drill.field.{}", self.name());
        match self {
            FieldId::Allocation { request, hosts } => tf(
                lang,
                &key,
                &[("n", &request.to_string()), ("hosts", &hosts.to_string())],
            ),
            _ => t(lang, &key).to_string(),
        }
    }
}

/// Deliver directly on the link, or hand the packet to the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    Direct,
    Gateway,
}

/// The value of a field (the right one, a mistaken one, or what was answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Address(IpAddr),
    Count(AddressCount),
    Prefix(u8),
    Network(IpNet),
    Number(u128),
    Word(String),
    Delivery(Delivery),
}

impl Value {
    /// The value as the drill writes it (and accepts it back).
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Value::Address(a) => a.to_string(),
            Value::Count(c) => c.to_string(),
            Value::Prefix(p) => format!("/{p}"),
            Value::Network(n) => n.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Word(w) => w.clone(),
            Value::Delivery(Delivery::Direct) => t(lang, "drill.delivery.direct").to_string(),
            Value::Delivery(Delivery::Gateway) => t(lang, "drill.delivery.gateway").to_string(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// The form an answer must take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    Address(Family),
    Count,
    Prefix(Family),
    Network(Family),
    Number,
    /// One of these words (interface names), case-insensitive.
    Word(Vec<String>),
    Delivery,
}

impl Form {
    /// The form of a value (the right answer decides what is asked).
    pub fn of(value: &Value, words: &[String]) -> Form {
        match value {
            Value::Address(a) => Form::Address(family(*a)),
            Value::Count(_) => Form::Count,
            Value::Prefix(p) if *p > 32 => Form::Prefix(Family::V6),
            Value::Prefix(_) => Form::Prefix(Family::V4),
            Value::Network(n) => Form::Network(family(n.addr())),
            Value::Number(_) => Form::Number,
            Value::Word(_) => Form::Word(words.to_vec()),
            Value::Delivery(_) => Form::Delivery,
        }
    }

    /// How to answer, one line (`drill.form.*`).
    pub fn hint(&self, lang: Lang) -> String {
        match self {
            Form::Address(Family::V4) => t(lang, "drill.form.ipv4").to_string(),
            Form::Address(Family::V6) => t(lang, "drill.form.ipv6").to_string(),
            Form::Count => t(lang, "drill.form.count").to_string(),
            Form::Prefix(_) => t(lang, "drill.form.prefix").to_string(),
            Form::Network(_) => t(lang, "drill.form.network").to_string(),
            Form::Number => t(lang, "drill.form.number").to_string(),
            Form::Word(words) => tf(lang, "drill.form.word", &[("words", &words.join(", "))]),
            Form::Delivery => t(lang, "drill.form.delivery").to_string(),
        }
    }

    /// Reads `input` (already known not to be empty) as a value of this form.
    pub fn read(&self, input: &str) -> Result<Value, Unreadable> {
        let input = input.trim();
        match self {
            // The drill's own reasons name the input itself (in either language).
            Form::Address(Family::V4) => read_ipv4(input)
                .map(|a| Value::Address(a.into()))
                .map_err(|_| unreadable("drill.why.ipv4", input)),
            Form::Address(Family::V6) => read_ipv6(input)
                .map(|a| Value::Address(a.into()))
                .map_err(|_| unreadable("drill.why.ipv6", input)),
            Form::Count => read_count(input).map(Value::Count),
            Form::Prefix(family) => read_prefix(input, *family).map(Value::Prefix),
            Form::Network(family) => read_network(input, *family).map(Value::Network),
            Form::Number => read_count(input)
                .ok()
                .and_then(AddressCount::as_u128)
                .map(Value::Number)
                .ok_or_else(|| unreadable("drill.why.number", input)),
            Form::Word(words) => {
                let given = normalize(input);
                words
                    .iter()
                    .find(|w| normalize(w) == given)
                    .map(|w| Value::Word(w.clone()))
                    .ok_or_else(|| unreadable("drill.why.word", words.join(", ")))
            }
            Form::Delivery => read_delivery(input).map(Value::Delivery),
        }
    }
}

fn family(a: IpAddr) -> Family {
    match a {
        IpAddr::V4(_) => Family::V4,
        IpAddr::V6(_) => Family::V6,
    }
}

fn unreadable(key: &'static str, detail: impl Into<String>) -> Unreadable {
    Unreadable {
        key,
        detail: detail.into(),
    }
}

/// A count: `30`, `65,534`, `2^64`, `2**5 - 2`, `2^5−2`.
pub fn read_count(input: &str) -> Result<AddressCount, Unreadable> {
    let bad = || unreadable("drill.why.count", input.trim());
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '_'))
        .map(|c| if c == '−' { '-' } else { c })
        .collect::<String>()
        .replace("**", "^");
    if compact.is_empty() {
        return Err(bad());
    }
    if let Some(rest) = compact.strip_prefix("2^") {
        let (bits, minus) = match rest.split_once('-') {
            Some((b, m)) => (b, m.parse::<u128>().map_err(|_| bad())?),
            None => (rest, 0),
        };
        let bits: u32 = bits.parse().map_err(|_| bad())?;
        if bits > 128 {
            return Err(bad());
        }
        let total = AddressCount::power_of_two(bits);
        return match (total.as_u128(), minus) {
            (_, 0) => Ok(total),
            (Some(v), m) => v.checked_sub(m).map(AddressCount::exact).ok_or_else(bad),
            // 2^128 − m for m ≥ 1 fits a u128.
            (None, m) => Ok(AddressCount::exact(u128::MAX - (m - 1))),
        };
    }
    if !compact.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    compact
        .parse::<u128>()
        .map(AddressCount::exact)
        .map_err(|_| bad())
}

/// A prefix length: `27` or `/27` (not a mask: some problems give the mask
/// and ask for its length).
pub fn read_prefix(input: &str, family: Family) -> Result<u8, Unreadable> {
    let s = input.trim();
    let max = family.bits();
    match s.trim_start_matches('/').trim().parse::<u32>() {
        Ok(p) if p <= u32::from(max) => Ok(u8::try_from(p).unwrap_or(max)),
        _ => Err(unreadable("drill.why.prefix", s)),
    }
}

/// A network with its prefix: `192.168.1.64/26` or `192.168.1.64 255.255.255.192`.
pub fn read_network(input: &str, family: Family) -> Result<IpNet, Unreadable> {
    let s = input.trim();
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a.trim(), p.trim()),
        None => match s.split_once(char::is_whitespace) {
            Some((a, m)) => (a.trim(), m.trim()),
            None => return Err(unreadable("drill.why.network", s)),
        },
    };
    let address: IpAddr = match family {
        Family::V4 => read_ipv4(addr).map(IpAddr::from),
        Family::V6 => read_ipv6(addr).map(IpAddr::from),
    }
    .map_err(|_| unreadable("drill.why.network", s))?;
    let prefix = if family == Family::V4 && prefix.contains('.') {
        crate::quiz::answer::read_prefix(prefix)?
    } else {
        read_prefix(prefix, family)?
    };
    IpNet::new(address, prefix).map_err(|_| unreadable("drill.why.network", s))
}

/// `direct` / `gateway` in either language.
pub fn read_delivery(input: &str) -> Result<Delivery, Unreadable> {
    let s = normalize(input.trim_end_matches(['.', '。']));
    match s.as_str() {
        "direct" | "directly" | "d" | "local" | "same" | "same network" | "直接" | "直连"
        | "直接交付" | "同一网络" => Ok(Delivery::Direct),
        "gateway" | "via gateway" | "via the gateway" | "g" | "router" | "网关" | "经网关"
        | "通过网关" | "交给网关" => Ok(Delivery::Gateway),
        _ => Err(unreadable("drill.why.delivery", input.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_in_the_forms_students_write() {
        let n = |s: &str| read_count(s).map(|c| c.to_string());
        assert_eq!(n("30").unwrap(), "30");
        assert_eq!(n("65,534").unwrap(), "65534");
        assert_eq!(n("2^5 - 2").unwrap(), "30");
        assert_eq!(n("2**5−2").unwrap(), "30");
        assert_eq!(n("2^64").unwrap(), "18446744073709551616");
        assert_eq!(
            n("2^128").unwrap(),
            "340282366920938463463374607431768211456"
        );
        assert_eq!(n("2^128-1").unwrap(), u128::MAX.to_string());
        assert_eq!(n("thirty").unwrap_err().key, "drill.why.count");
        assert_eq!(n("2^3-9").unwrap_err().key, "drill.why.count");
        assert_eq!(n("2^129").unwrap_err().key, "drill.why.count");
    }

    #[test]
    fn networks_and_prefixes_read_with_slash_or_mask() {
        assert_eq!(
            read_network("192.168.1.64/26", Family::V4)
                .unwrap()
                .to_string(),
            "192.168.1.64/26"
        );
        assert_eq!(
            read_network("192.168.1.64 255.255.255.192", Family::V4)
                .unwrap()
                .to_string(),
            "192.168.1.64/26"
        );
        assert_eq!(
            read_network("192.168.1.64", Family::V4).unwrap_err().key,
            "drill.why.network"
        );
        assert_eq!(read_prefix("/27", Family::V4).unwrap(), 27);
        assert_eq!(
            read_prefix("255.255.255.224", Family::V4).unwrap_err().key,
            "drill.why.prefix"
        );
        assert_eq!(read_prefix("64", Family::V6).unwrap(), 64);
        assert!(read_prefix("33", Family::V4).is_err());
        assert_eq!(
            read_delivery("Via the gateway.").unwrap(),
            Delivery::Gateway
        );
        assert_eq!(read_delivery("直接").unwrap(), Delivery::Direct);
    }
}
