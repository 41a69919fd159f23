//! dhcp: while running, the log (each message with its LAN addresses, the
//! lease counting down); finished, one row per message — who to whom, type,
//! the address it carries, LAN source and destination — then the lease and
//! the renewal. Rows that do not fit go first: the relay's side of the
//! exchange, the renewal's two messages, the loopback note.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::picture::report_or_log;
use super::run::LabRun;
use crate::i18n::{Lang, t, tf};
use crate::lab::dhcp::{DhcpMessage, DhcpReport, Node};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::text::{pad, width};
use crate::ui::theme::Theme;

fn letter(lang: Lang, node: Node) -> &'static str {
    t(
        lang,
        match node {
            Node::Client => "labs.dhcp.c",
            Node::Relay => "labs.dhcp.r",
            Node::Server => "labs.dhcp.s",
        },
    )
}

/// What the message is about: the address offered or granted, asked for, or renewed.
fn carried(m: &DhcpMessage) -> String {
    if !m.yiaddr.is_unspecified() {
        m.yiaddr.to_string()
    } else if let Some(ip) = m.options.get(&50).and_then(|v| v.as_str()) {
        ip.to_string()
    } else if !m.ciaddr.is_unspecified() {
        m.ciaddr.to_string()
    } else {
        "—".to_string()
    }
}

fn who(m: &DhcpMessage, lang: Lang) -> String {
    format!("{}→{}", letter(lang, m.from), letter(lang, m.to))
}

/// The widths of the first three columns (who, type, address) over `shown`.
fn columns(shown: &[&DhcpMessage], lang: Lang) -> [usize; 3] {
    let widest = |f: &dyn Fn(&DhcpMessage) -> usize| shown.iter().map(|m| f(m)).max().unwrap_or(0);
    [
        widest(&|m| width(&who(m, lang))),
        widest(&|m| m.kind.trim_start_matches("DHCP").len()),
        widest(&|m| carried(m).len()),
    ]
}

/// One message: the full row when it fits `max`, else without ports and xid,
/// else without the source.
fn message_row(m: &DhcpMessage, cols: [usize; 3], lang: Lang, max: usize) -> String {
    let kind = m.kind.trim_start_matches("DHCP");
    let head = format!(
        "{} {} {}",
        pad(&who(m, lang), cols[0]),
        pad(kind, cols[1]),
        pad(&carried(m), cols[2])
    );
    let relayed = if m.giaddr.is_unspecified() {
        String::new()
    } else {
        format!(" giaddr {} hops {}", m.giaddr, m.hops)
    };
    let full = format!(
        "{head} {} → {}{relayed} xid {}",
        m.lan_src, m.lan_dst, m.xid
    );
    if width(&full) <= max {
        return full;
    }
    let short = format!("{head} {} → {}", m.lan_src.ip(), m.lan_dst.ip());
    if width(&short) <= max {
        return short;
    }
    // Narrower still: where it goes matters most (broadcast or not).
    format!("{head} → {}", m.lan_dst.ip())
}

fn style_of(theme: &Theme, m: &DhcpMessage) -> Style {
    match m.from {
        Node::Client => theme.accent,
        Node::Relay => theme.code,
        Node::Server => theme.good,
    }
}

pub fn render(run: &LabRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let Some(report) = report_or_log::<DhcpReport>(run, area, buf, ctx) else {
        return;
    };
    let theme = ctx.theme;
    let lang = ctx.lang;
    let max = usize::from(area.width);
    let rows = usize::from(area.height);
    let line = |text: String, style| Line::from(Span::styled(fit(&text, max), style));
    let first: Vec<&DhcpMessage> = report.messages.iter().filter(|m| !m.renewal).collect();
    let renewal: Vec<&DhcpMessage> = report.messages.iter().filter(|m| m.renewal).collect();
    let client_side: Vec<&DhcpMessage> = first
        .iter()
        .copied()
        .filter(|m| m.from == Node::Client || m.to == Node::Client)
        .collect();
    let l = &report.lease;
    let prefix = u32::from(l.mask).count_ones().to_string();
    let join = |list: &[std::net::Ipv4Addr]| {
        list.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let lease = line(
        tf(
            lang,
            "labs.dhcp.lease",
            &[
                ("address", &l.address.to_string()),
                ("prefix", &prefix),
                ("router", &join(&l.router)),
                ("dns", &join(&l.dns)),
                ("lease", &l.lease_s.to_string()),
                ("t1", &l.t1_s.to_string()),
                ("t2", &l.t2_s.to_string()),
            ],
        ),
        theme.base,
    );
    let renewed = report.renewal.as_ref().map(|r| {
        line(
            tf(
                lang,
                "labs.dhcp.renewed",
                &[
                    ("after", &format!("{:.1}", r.after_s)),
                    ("lease", &r.lease_s.to_string()),
                ],
            ),
            theme.base,
        )
    });
    let legend = line(t(lang, "labs.dhcp.legend").to_string(), theme.muted);
    let loopback = line(
        tf(
            lang,
            "labs.dhcp.loopback",
            &[
                ("server", &report.server.to_string()),
                ("client", &report.client.to_string()),
            ],
        ),
        theme.muted,
    );
    // What must show: the client's four messages, the lease, the renewal's
    // outcome. Then, as room allows: the relay's side, the renewal's
    // messages, the legend, where the sockets really were.
    let needed = client_side.len() + 1 + usize::from(renewed.is_some());
    let spare = rows.saturating_sub(needed);
    let relay_rows = first.len() - client_side.len();
    let show_relay = relay_rows > 0 && spare >= relay_rows;
    let spare = spare - if show_relay { relay_rows } else { 0 };
    let show_renewal = !renewal.is_empty() && spare >= renewal.len();
    let spare = spare - if show_renewal { renewal.len() } else { 0 };
    let show_legend = spare >= 1;
    let show_loopback = spare >= 2;
    let mut lines = Vec::new();
    if show_legend {
        lines.push(legend);
    }
    let shown = if show_relay { &first } else { &client_side };
    let cols = columns(&report.messages.iter().collect::<Vec<_>>(), lang);
    for m in shown {
        lines.push(line(message_row(m, cols, lang, max), style_of(theme, m)));
    }
    lines.push(lease);
    if show_renewal {
        for m in &renewal {
            lines.push(line(message_row(m, cols, lang, max), style_of(theme, m)));
        }
    }
    lines.extend(renewed);
    if show_loopback {
        lines.push(loopback);
    }
    Paragraph::new(lines).render(area, buf);
}
