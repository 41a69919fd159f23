//! The human report of `nettutor subnet`, in the language of `--lang`.
//!
//! With colour (stdout is a terminal and NO_COLOR is unset), network bits are bold
//! green and host bits dim; without colour a caret marks the prefix boundary, which
//! is printed in both cases so the report reads the same on paper.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

use crate::i18n::{Lang, t, tf};
use crate::net::subnet::{
    BitRole, BitRow, Family, NetworkKind, PrefixSource, SplitPlan, SubnetFacts, SubnetRequest,
    and_rows, bits_text, group_bits, role,
};

use super::{Plan, line, pad};

const NETWORK_STYLE: &str = "\x1b[1;32m";
const HOST_STYLE: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Style {
    colour: bool,
}

impl Style {
    fn bold(&self, text: &str) -> String {
        if self.colour {
            format!("{BOLD}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

pub(super) fn write(out: &mut impl Write, plan: &Plan, lang: Lang, colour: bool) -> io::Result<()> {
    let style = Style { colour };
    let mut first = true;
    if let Some(request) = &plan.request {
        write_request(out, request, plan.limit, lang, &style)?;
        first = false;
    }
    if let Some((inputs, nets)) = &plan.aggregate {
        if !first {
            line(out, "")?;
        }
        first = false;
        let header = tf(
            lang,
            "subnet.aggregate.header",
            &[
                ("inputs", &inputs.to_string()),
                ("count", &nets.len().to_string()),
            ],
        );
        line(out, style.bold(&header))?;
        for net in nets {
            line(out, format!("  {net}"))?;
        }
    }
    if let Some(range) = &plan.range {
        if !first {
            line(out, "")?;
        }
        let header = tf(
            lang,
            "subnet.range.header",
            &[
                ("start", &range.start.to_string()),
                ("end", &range.end.to_string()),
            ],
        );
        line(out, style.bold(&header))?;
        for net in range.cidr_blocks() {
            line(out, format!("  {net}"))?;
        }
    }
    Ok(())
}

fn write_request(
    out: &mut impl Write,
    request: &SubnetRequest,
    limit: Option<u128>,
    lang: Lang,
    style: &Style,
) -> io::Result<()> {
    let facts = request.facts();
    let header = format!(
        "{}/{} — {}",
        facts.address,
        facts.prefix,
        t(lang, &facts.scope.text_key())
    );
    line(out, style.bold(&header))?;
    line(out, "")?;
    write_bit_rows(out, &facts, lang, style)?;
    line(out, "")?;
    write_facts(out, &facts, lang)?;
    for note in notes(request, &facts, lang) {
        line(out, note)?;
    }
    if let Some(Ok(check)) = request.same_network() {
        line(out, "")?;
        line(out, style.bold(t(lang, "subnet.same.header")))?;
        for (name, host, net) in [
            ("A", check.a, check.network_a),
            ("B", check.b, check.network_b),
        ] {
            line(out, format!("  {name}  {host} AND {} = {net}", check.mask))?;
        }
        line(out, format!("  → {}", check.verdict(lang)))?;
        for note in check.notes(lang) {
            line(out, format!("  {note}"))?;
        }
    } else if let Some(Ok(gw)) = request.gateway_check() {
        line(out, "")?;
        line(out, gw.note(lang))?;
    }
    if let Some(Ok(split)) = request.split_plan() {
        line(out, "")?;
        write_split(out, &split, limit, lang, style)?;
    }
    if let Some(Ok(vlsm)) = request.vlsm_plan() {
        line(out, "")?;
        let header = tf(
            lang,
            "subnet.vlsm.header",
            &[("parent", &vlsm.parent.to_string())],
        );
        line(out, style.bold(&header))?;
        for a in &vlsm.allocations {
            let row = tf(
                lang,
                "subnet.vlsm.row",
                &[
                    ("n", &a.request.to_string()),
                    ("hosts", &a.hosts.to_string()),
                    ("subnet", &a.subnet.to_string()),
                    ("usable", &a.usable.to_string()),
                    ("wasted", &a.wasted.to_string()),
                ],
            );
            line(out, format!("  {row}"))?;
        }
        for free in &vlsm.free {
            line(
                out,
                format!(
                    "  {}",
                    tf(lang, "subnet.vlsm.free", &[("net", &free.to_string())])
                ),
            )?;
        }
        let summary = tf(
            lang,
            "subnet.vlsm.summary",
            &[
                ("used", &vlsm.used.to_string()),
                ("total", &facts.total_addresses.to_string()),
                ("wasted", &vlsm.wasted_in_subnets().to_string()),
            ],
        );
        line(out, format!("  {summary}"))?;
    }
    Ok(())
}

/// The bits of `row` in `[start, end)`, coloured by role when asked.
fn coloured_bits(row: &BitRow, prefix: u8, start: u8, end: u8, style: &Style) -> String {
    if !style.colour {
        return bits_text(row, start, end);
    }
    let group = group_bits(row.family());
    let separator = if row.family() == Family::V4 { '.' } else { ':' };
    let mut out = String::new();
    for i in start..end {
        if i > start && i % group == 0 {
            out.push(separator);
        }
        let colour = match role(prefix, i) {
            BitRole::Network => NETWORK_STYLE,
            BitRole::Host => HOST_STYLE,
        };
        out.push_str(colour);
        out.push(if row.bit(i) { '1' } else { '0' });
        out.push_str(RESET);
    }
    out
}

fn write_bit_rows(
    out: &mut impl Write,
    facts: &SubnetFacts,
    lang: Lang,
    style: &Style,
) -> io::Result<()> {
    let rows = and_rows(facts);
    let labels: Vec<&str> = rows.iter().map(|r| t(lang, r.kind.label_key())).collect();
    let label_width = labels
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l))
        .max()
        .unwrap_or(0);
    let width = facts.family().bits();
    // IPv4 fits on one line; IPv6 goes in two halves of 64 bits.
    let spans: &[(u8, u8)] = match facts.family() {
        Family::V4 => &[(0, 32)],
        Family::V6 => &[(0, 64), (64, 128)],
    };
    let value_width = rows.iter().map(|r| r.text().len()).max().unwrap_or(0);
    for (half, &(start, end)) in spans.iter().enumerate() {
        if half > 0 {
            line(out, "")?;
        }
        for (row, label) in rows.iter().zip(&labels) {
            let bits = coloured_bits(row, facts.prefix, start, end, style);
            let beside = match (facts.family(), half) {
                (Family::V4, _) => format!("{}  {}", pad(&row.text(), value_width), row.hex()),
                (Family::V6, 0) => row.text(),
                (Family::V6, _) => row.hex(),
            };
            line(
                out,
                format!("  {}  {bits}  {beside}", pad(label, label_width)),
            )?;
        }
        let p = facts.prefix;
        if (start <= p && p < end) || (p == width && end == width) {
            let group = group_bits(facts.family());
            let offset = p - start;
            let column = usize::from(offset) + usize::from(offset / group);
            // At the very end, the caret sits just past the last bit.
            let column = if p == end && p > start {
                column - usize::from(offset.is_multiple_of(group))
            } else {
                column
            };
            let legend = t(lang, "subnet.bits.legend");
            line(
                out,
                format!(
                    "  {}  {}^ /{p}  ({legend})",
                    " ".repeat(label_width),
                    " ".repeat(column)
                ),
            )?;
        }
    }
    Ok(())
}

fn write_facts(out: &mut impl Write, facts: &SubnetFacts, lang: Lang) -> io::Result<()> {
    let none = t(lang, "subnet.fact.none").to_string();
    let mut rows: Vec<(&str, String)> = vec![
        ("subnet.fact.network", facts.network.to_string()),
        (
            "subnet.fact.broadcast",
            facts.broadcast.map_or(none, |b| b.to_string()),
        ),
        ("subnet.fact.first", facts.first_host.to_string()),
        ("subnet.fact.last", facts.last_host.to_string()),
        ("subnet.fact.usable", facts.usable_hosts.to_string()),
        ("subnet.fact.total", facts.total_addresses.to_string()),
        ("subnet.fact.netmask", facts.netmask.to_string()),
        ("subnet.fact.wildcard", facts.wildcard.to_string()),
    ];
    if let Some(class) = facts.class {
        rows.push((
            "subnet.fact.class",
            tf(
                lang,
                "subnet.class.historical",
                &[("class", class.letter())],
            ),
        ));
    }
    rows.push((
        "subnet.fact.scope",
        t(lang, &facts.scope.text_key()).to_string(),
    ));
    let width = rows
        .iter()
        .map(|(k, _)| unicode_width::UnicodeWidthStr::width(t(lang, k)))
        .max()
        .unwrap_or(0);
    for (key, value) in rows {
        line(out, format!("  {}  {value}", pad(t(lang, key), width)))?;
    }
    Ok(())
}

fn notes(request: &SubnetRequest, facts: &SubnetFacts, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    if request.input.source == PrefixSource::Bare {
        notes.push(tf(
            lang,
            "subnet.note.bare",
            &[
                ("address", &facts.address.to_string()),
                ("prefix", &facts.prefix.to_string()),
            ],
        ));
    }
    let kind_note = match facts.kind {
        NetworkKind::PointToPoint => Some("subnet.note.p2p"),
        NetworkKind::SingleHost if request.input.source != PrefixSource::Bare => {
            Some("subnet.note.host")
        }
        NetworkKind::Ipv6 => Some("subnet.note.v6"),
        _ => None,
    };
    if let Some(key) = kind_note {
        notes.push(t(lang, key).to_string());
    }
    notes
}

/// One row of a split, `  NNNN  network/prefix        first – last`, with the host
/// range as [`SubnetFacts`] defines it, computed without the other facts.
fn write_split_row(row: &mut String, number: u128, net: &IpNet) {
    use std::fmt::Write as _;
    let _ = write!(row, "  {number:>4}  ");
    let start = row.len();
    let _ = write!(row, "{net}");
    // Addresses are ASCII: bytes are columns.
    let end = start + 20;
    while row.len() < end {
        row.push(' ');
    }
    row.push_str("  ");
    let _ = match host_range(net) {
        (first, last) if first == last => writeln!(row, "{first}"),
        (first, last) => writeln!(row, "{first} – {last}"),
    };
}

/// First and last usable host of `net`, as [`SubnetFacts`] has them: an IPv4 LAN
/// leaves out the network and broadcast addresses; /31, /32 and IPv6 use them all.
fn host_range(net: &IpNet) -> (IpAddr, IpAddr) {
    match net {
        IpNet::V4(v4) if v4.prefix_len() < 31 => {
            let first = u32::from(v4.network()) + 1;
            let last = u32::from(v4.broadcast()) - 1;
            (
                IpAddr::V4(Ipv4Addr::from(first)),
                IpAddr::V4(Ipv4Addr::from(last)),
            )
        }
        _ => (net.network(), net.broadcast()),
    }
}

fn write_split(
    out: &mut impl Write,
    split: &SplitPlan,
    limit: Option<u128>,
    lang: Lang,
    style: &Style,
) -> io::Result<()> {
    let count = split.count();
    let header = tf(
        lang,
        "subnet.split.header",
        &[
            ("parent", &split.parent.to_string()),
            ("count", &count.to_string()),
            ("prefix", &split.new_prefix.to_string()),
            ("size", &split.subnet_size().to_string()),
        ],
    );
    line(out, style.bold(&header))?;
    if let (Some(requested), Some(made)) = (split.requested, count.as_u128())
        && requested != made
    {
        let note = tf(
            lang,
            "subnet.split.rounded",
            &[
                ("requested", &requested.to_string()),
                ("count", &made.to_string()),
                ("spare", &(made - requested).to_string()),
            ],
        );
        line(out, format!("  {note}"))?;
    }
    // One reused line buffer, written straight to the (buffered) output: a /8 split
    // into /28s is a million rows, so nothing per row is allocated.
    let mut row = String::with_capacity(96);
    let mut shown: u128 = 0;
    for net in split.iter() {
        if limit.is_some_and(|l| shown >= l) {
            break;
        }
        shown += 1;
        row.clear();
        write_split_row(&mut row, shown, &net);
        out.write_all(row.as_bytes())?;
    }
    if let Some(total) = count.as_u128()
        && total > shown
    {
        let more = tf(
            lang,
            "subnet.split.more",
            &[("more", &(total - shown).to_string())],
        );
        line(out, format!("  {more}"))?;
    } else if count.as_u128().is_none() {
        // 2^128 subnets: there are always more.
        let more = tf(
            lang,
            "subnet.split.more",
            &[("more", &format!("{count} − {shown}"))],
        );
        line(out, format!("  {more}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_rows_give_the_host_range_of_the_full_facts() {
        let nets = (0..=32u8)
            .map(|p| format!("192.168.21.36/{p}"))
            .chain((0..=128u8).step_by(7).map(|p| format!("2001:db8::1/{p}")))
            .chain(["2001:db8::/128".to_string(), "10.0.0.4/31".to_string()]);
        for text in nets {
            let net: IpNet = text.parse().expect("valid");
            let net = net.trunc();
            let facts = SubnetFacts::new(net.addr(), net.prefix_len());
            assert_eq!(
                host_range(&net),
                (facts.first_host, facts.last_host),
                "{text}"
            );
        }
    }

    #[test]
    fn a_split_row_lines_up_like_the_report() {
        let mut row = String::new();
        write_split_row(&mut row, 3, &"10.0.0.32/28".parse().expect("valid"));
        assert_eq!(row, "     3  10.0.0.32/28          10.0.0.33 – 10.0.0.46\n");
        row.clear();
        write_split_row(&mut row, 12345, &"10.0.0.7/32".parse().expect("valid"));
        assert_eq!(row, "  12345  10.0.0.7/32           10.0.0.7\n");
    }
}
