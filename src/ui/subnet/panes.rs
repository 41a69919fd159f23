//! The lower panes: facts, same network, split list (scrolled lazily, never
//! materialised), VLSM plan.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Pane, SubnetPanel};
use crate::i18n::{Lang, t, tf};
use crate::net::subnet::{
    BitRow, NetworkKind, PrefixSource, RowKind, SameNetworkCheck, SplitPlan, SubnetFacts, bits_text,
};
use crate::ui::panel::RenderCtx;
use crate::ui::text::fit;
use crate::ui::text::{width, wrap};

/// The pane's lines that fit in `room` lines, after the panel's scroll.
pub(super) fn lines(
    panel: &SubnetPanel,
    room: usize,
    available: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    if panel.pane == Pane::Split {
        return split_lines(panel, room, available, ctx);
    }
    let all = match panel.pane {
        Pane::Facts => facts_lines(panel, available, ctx),
        Pane::Same => same_lines(panel, available, ctx),
        _ => vlsm_lines(panel, available, ctx),
    };
    let skip = usize::try_from(panel.scroll)
        .unwrap_or(usize::MAX)
        .min(all.len().saturating_sub(room));
    all.into_iter().skip(skip).take(room).collect()
}

fn wrapped(text: &str, style: Style, available: usize) -> Vec<Line<'static>> {
    wrap(
        &[(text.to_string(), style)],
        available,
        ("", style),
        ("", style),
    )
}

fn facts_lines(panel: &SubnetPanel, available: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let f = &panel.facts;
    let none = t(lang, "subnet.fact.none").to_string();
    let class = f.class.map_or("—".to_string(), |c| {
        tf(lang, "subnet.class.short", &[("class", c.letter())])
    });
    let pairs: Vec<(&str, String)> = vec![
        ("subnet.fact.network", f.network.to_string()),
        ("subnet.fact.total", f.total_addresses.to_string()),
        (
            "subnet.fact.broadcast",
            f.broadcast.map_or(none, |b| b.to_string()),
        ),
        ("subnet.fact.netmask", f.netmask.to_string()),
        ("subnet.fact.first", f.first_host.to_string()),
        ("subnet.fact.wildcard", f.wildcard.to_string()),
        ("subnet.fact.last", f.last_host.to_string()),
        ("subnet.fact.class", class),
        ("subnet.fact.usable", f.usable_hosts.to_string()),
    ];
    let label_w = pairs
        .iter()
        .map(|(k, _)| width(t(lang, k)))
        .max()
        .unwrap_or(0);
    let cell = |key: &str, value: &str, w: usize| -> Vec<Span<'static>> {
        let label = t(lang, key);
        let value_room = w.saturating_sub(label_w + 2);
        vec![
            Span::styled(
                format!(
                    "{label}{}  ",
                    " ".repeat(label_w.saturating_sub(width(label)))
                ),
                theme.muted,
            ),
            Span::styled(
                format!("{:<value_room$}", fit(value, value_room)),
                theme.base,
            ),
        ]
    };
    let mut out = Vec::new();
    let two_columns = available >= 2 * (label_w + 2 + 18) + 2;
    if two_columns {
        let col = available / 2;
        for pair in pairs.chunks(2) {
            let mut spans = cell(pair[0].0, &pair[0].1, col);
            if let Some((k, v)) = pair.get(1) {
                spans.push(Span::raw(" "));
                spans.extend(cell(k, v, col.saturating_sub(1)));
            }
            out.push(Line::from(spans));
        }
    } else {
        for (k, v) in &pairs {
            out.push(Line::from(cell(k, v, available)));
        }
    }
    let mut scope = cell("subnet.fact.scope", t(lang, &f.scope.text_key()), available);
    if let Some(last) = scope.last_mut() {
        last.style = theme.accent;
    }
    out.push(Line::from(scope));
    for note in notes(panel, f, lang) {
        out.extend(wrapped(&note, theme.muted, available));
    }
    out
}

fn notes(panel: &SubnetPanel, f: &SubnetFacts, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    if panel.request.input.source == PrefixSource::Bare {
        notes.push(tf(
            lang,
            "subnet.note.bare",
            &[
                ("address", &f.address.to_string()),
                ("prefix", &f.prefix.to_string()),
            ],
        ));
    }
    match f.kind {
        NetworkKind::PointToPoint => notes.push(t(lang, "subnet.note.p2p").to_string()),
        NetworkKind::SingleHost => notes.push(t(lang, "subnet.note.host").to_string()),
        NetworkKind::Ipv6 => notes.push(t(lang, "subnet.note.v6").to_string()),
        NetworkKind::Ipv4Lan => {}
    }
    if let Some(class) = f.class {
        notes.push(tf(
            lang,
            "subnet.class.historical",
            &[("class", class.letter())],
        ));
    }
    notes
}

fn same_lines(panel: &SubnetPanel, available: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let Some(Ok(check)) = panel.request.same_network() else {
        let mut out = Vec::new();
        if let Some(Ok(gw)) = panel.request.gateway_check() {
            let style = if gw.is_valid() { theme.good } else { theme.bad };
            out.extend(wrapped(&gw.note(lang), style, available));
        }
        out.extend(wrapped(t(lang, "subnet.hint.same"), theme.muted, available));
        return out;
    };
    let mut out = Vec::new();
    let bits = bit_strings(&check);
    for (name, host, net, own_bits) in [
        ("A", check.a, check.network_a, &bits.0),
        ("B", check.b, check.network_b, &bits.1),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("{name}  "), theme.bold),
            Span::styled(host.to_string(), theme.accent),
            Span::styled(format!(" AND {} = ", check.mask), theme.muted),
            Span::styled(net.to_string(), theme.bold),
        ]));
        // The two networks bit by bit, differences marked, where they fit.
        if width(own_bits) + 3 <= available {
            let other = if name == "A" { &bits.1 } else { &bits.0 };
            let mut spans = vec![Span::raw("   ")];
            for (mine, theirs) in own_bits.chars().zip(other.chars()) {
                let style = if mine != theirs {
                    theme.bad
                } else {
                    theme.net_bits
                };
                let style = if mine == '.' || mine == ':' {
                    theme.muted
                } else {
                    style
                };
                spans.push(Span::styled(mine.to_string(), style));
            }
            out.push(Line::from(spans));
        }
    }
    let verdict_style = if check.same { theme.good } else { theme.warn };
    out.extend(wrapped(
        &format!("→ {}", check.verdict(lang)),
        verdict_style,
        available,
    ));
    for note in check.notes(lang) {
        let style = match check.gateway {
            Some(g) if !g.is_valid() => theme.bad,
            _ => theme.muted,
        };
        out.extend(wrapped(&note, style, available));
    }
    out.push(Line::from(Span::styled(
        fit(t(lang, "subnet.hint.lan"), available),
        theme.key,
    )));
    out
}

/// (A AND mask) and (B AND mask) as bit strings, network bits only.
fn bit_strings(check: &SameNetworkCheck) -> (String, String) {
    let row = |value| BitRow {
        kind: RowKind::Network,
        value,
    };
    let width = row(check.network_a).width();
    (
        bits_text(&row(check.network_a), 0, width),
        bits_text(&row(check.network_b), 0, width),
    )
}

fn split_lines(
    panel: &SubnetPanel,
    room: usize,
    available: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let plan: SplitPlan = match panel.request.split_plan() {
        Some(Ok(plan)) => plan,
        _ => return wrapped(t(lang, "subnet.hint.split"), theme.muted, available),
    };
    let count = plan.count();
    let mut out = vec![Line::from(Span::styled(
        fit(
            &tf(
                lang,
                "subnet.split.header",
                &[
                    ("parent", &plan.parent.to_string()),
                    ("count", &count.to_string()),
                    ("prefix", &plan.new_prefix.to_string()),
                    ("size", &plan.subnet_size().to_string()),
                ],
            ),
            available,
        ),
        theme.bold,
    ))];
    // Only the visible rows are computed: subnet i is network + i × size.
    let rows = room.saturating_sub(2);
    let last_index = count.as_u128().map_or(u128::MAX, |c| c.saturating_sub(1));
    let first = panel
        .scroll
        .min(last_index.saturating_sub(u128::try_from(rows).unwrap_or(0).saturating_sub(1)));
    let mut shown = 0u128;
    for i in 0..rows {
        let index = first.saturating_add(u128::try_from(i).unwrap_or(0));
        let Some(net) = plan.get(index) else { break };
        let f = SubnetFacts::new(net.addr(), net.prefix_len());
        let hosts = if f.first_host == f.last_host {
            f.first_host.to_string()
        } else {
            format!("{} – {}", f.first_host, f.last_host)
        };
        let line = format!(
            "{:>6}  {:<20} {hosts}",
            index.saturating_add(1),
            net.to_string()
        );
        out.push(Line::from(Span::styled(fit(&line, available), theme.base)));
        shown += 1;
    }
    let scroll = tf(
        lang,
        "subnet.hint.scroll",
        &[
            ("first", &first.saturating_add(1).to_string()),
            ("last", &first.saturating_add(shown).to_string()),
            ("count", &count.to_string()),
        ],
    );
    out.push(Line::from(Span::styled(
        fit(&scroll, available),
        theme.muted,
    )));
    out
}

fn vlsm_lines(panel: &SubnetPanel, available: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let plan = match panel.request.vlsm_plan() {
        Some(Ok(plan)) => plan,
        _ => return wrapped(t(lang, "subnet.hint.vlsm"), theme.muted, available),
    };
    let mut out = vec![Line::from(Span::styled(
        fit(
            &tf(
                lang,
                "subnet.vlsm.header",
                &[("parent", &plan.parent.to_string())],
            ),
            available,
        ),
        theme.bold,
    ))];
    for a in &plan.allocations {
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
        out.push(Line::from(Span::styled(fit(&row, available), theme.base)));
    }
    for free in &plan.free {
        let line = tf(lang, "subnet.vlsm.free", &[("net", &free.to_string())]);
        out.push(Line::from(Span::styled(fit(&line, available), theme.muted)));
    }
    let summary = tf(
        lang,
        "subnet.vlsm.summary",
        &[
            ("used", &plan.used.to_string()),
            ("total", &panel.facts.total_addresses.to_string()),
            ("wasted", &plan.wasted_in_subnets().to_string()),
        ],
    );
    out.extend(wrapped(&summary, theme.accent, available));
    out
}
