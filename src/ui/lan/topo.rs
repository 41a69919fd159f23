//! The lab network drawn for the LAN panel's real mode — A and B on the
//! switch S, the router R between the LANs, C on LAN 2 — with the cables the
//! selected frame was captured on lit and its sender marked. While a run
//! streams, the selected frame is the newest one, so the drawing lights up
//! as each frame crosses the lab: a broadcast lights every cable of LAN 1, a
//! reply the switch forwards only the two it used, a routed packet LAN 1's
//! cables and then (as R's own frame) LAN 2's.
//!
//! ```text
//! ▶A 192.168.1.10 ─a─┐
//!                    S ─r─ 192.168.1.1  R 192.168.2.1 ─── C 192.168.2.30
//!  B 192.168.1.20 ─b─┘
//! ```
//!
//! Narrower than [`FULL_WIDTH`], the addresses shrink to their last two
//! bytes (`.1.10`).
//!
//! The loss view's lab ([`impaired_line`]) is one line: the cable R–C cut
//! and W, nettutor itself relaying it, in between; the selected segment's
//! way lit, up to W and a ╳ there when the link dropped it.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::ui::panel::RenderCtx;

/// The widest row of the full drawing, in cells.
pub const FULL_WIDTH: usize = 71;

/// A cable of the lab, by the capture points at its two ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cable {
    /// A – S (switch port a).
    A,
    /// B – S (port b).
    B,
    /// S (port r) – R's eth0.
    R,
    /// R's eth1 – C.
    C,
}

impl Cable {
    fn ends(self) -> [&'static str; 2] {
        match self {
            Cable::A => ["A:eth0", "S:a"],
            Cable::B => ["B:eth0", "S:b"],
            Cable::R => ["S:r", "R:eth0"],
            Cable::C => ["R:eth1", "C:eth0"],
        }
    }
}

/// What the drawing lights: the capture points of the frame shown and the
/// host that sent it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lit<'a> {
    pub points: &'a [String],
    pub sender: Option<&'a str>,
}

impl Lit<'_> {
    fn cable(&self, cable: Cable) -> bool {
        self.points
            .iter()
            .any(|p| cable.ends().contains(&p.as_str()))
    }

    fn host(&self, host: &str) -> bool {
        self.points
            .iter()
            .any(|p| p.split(':').next() == Some(host))
    }
}

/// The drawing's three rows for a width of `width` cells.
pub fn lines(lit: Lit<'_>, width: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let full = width >= FULL_WIDTH;
    let addr = |full_text: &'static str, short: &'static str| if full { full_text } else { short };
    let on = ctx.theme.accent.add_modifier(Modifier::BOLD);
    let off = ctx.theme.muted;
    let cable =
        |text: &str, c: Cable| Span::styled(text.to_string(), if lit.cable(c) { on } else { off });
    // A host: its mark cell (▶ when it sent the frame), its name and address.
    let host = |name: &'static str, address: &str| -> Vec<Span<'static>> {
        let style = if lit.host(name) {
            ctx.theme.base.add_modifier(Modifier::BOLD)
        } else {
            ctx.theme.muted
        };
        let mark = if lit.sender == Some(name) { "▶" } else { " " };
        vec![
            Span::styled(mark, on),
            Span::styled(format!("{name} {address}"), style),
        ]
    };
    let a = addr("192.168.1.10", ".1.10");
    let mut top = host("A", a);
    top.push(cable(" ─a─┐", Cable::A));
    let mut bottom = host("B", addr("192.168.1.20", ".1.20"));
    bottom.push(cable(" ─b─┘", Cable::B));
    // S under the corners: the mark cell, "A ", the address, the cable.
    let indent = 1 + 2 + a.len() + 4;
    let mut middle = vec![Span::raw(" ".repeat(indent))];
    middle.push(Span::styled(
        "S",
        if lit.host("S") {
            ctx.theme.base.add_modifier(Modifier::BOLD)
        } else {
            ctx.theme.muted
        },
    ));
    middle.push(cable(" ─r─ ", Cable::R));
    let mut r = host("R", addr("192.168.2.1", ".2.1"));
    r.insert(
        0,
        Span::styled(format!("{} ", addr("192.168.1.1", ".1.1")), r[1].style),
    );
    middle.extend(r);
    middle.push(cable(" ───", Cable::C));
    middle.extend(host("C", addr("192.168.2.30", ".2.30")));
    vec![Line::from(top), Line::from(middle), Line::from(bottom)]
        .into_iter()
        .map(|l| clip(l, width))
        .collect()
}

/// The selected segment on the impaired link: sent by A (else by C), and
/// whether the link dropped it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnLink {
    pub from_a: bool,
    pub lost: bool,
}

/// The loss view's lab on one line, with what W is: `A ── S ── R ── W ── C`,
/// lit where `segment` went (nothing lit without one).
pub fn impaired_line(
    segment: Option<OnLink>,
    legend: String,
    width: usize,
    ctx: &RenderCtx,
) -> Line<'static> {
    let on = ctx.theme.accent.add_modifier(Modifier::BOLD);
    let off = ctx.theme.muted;
    let went = segment.is_some();
    let dropped = segment.is_some_and(|s| s.from_a && s.lost);
    let host = |name: &str| Span::styled(name.to_string(), ctx.theme.base);
    let cable = |lit: bool, text: &str| Span::styled(text.to_string(), if lit { on } else { off });
    let w = if dropped {
        Span::styled("╳W", ctx.theme.bad.add_modifier(Modifier::BOLD))
    } else {
        Span::styled(" W", ctx.theme.warn)
    };
    let spans = vec![
        host("A"),
        cable(went, " ── "),
        host("S"),
        cable(went, " ── "),
        host("R"),
        // W's first cell: a space, or the ╳ where the segment ended.
        cable(went, " ──"),
        w,
        cable(went && !dropped, " ── "),
        host("C"),
        Span::styled(format!("   {legend}"), ctx.theme.muted),
    ];
    clip(Line::from(spans), width)
}

/// `line` cut to `width` cells (a very narrow panel loses the drawing's right).
fn clip(line: Line<'static>, width: usize) -> Line<'static> {
    let mut left = width;
    let spans = line
        .spans
        .into_iter()
        .filter_map(|s| {
            if left == 0 {
                return None;
            }
            let text = crate::ui::text::fit(&s.content, left);
            left = left.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
            Some(Span::styled(text, s.style))
        })
        .collect::<Vec<_>>();
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::panel::RenderCtx;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    fn lit_spans(lines: &[Line<'_>], ctx: &RenderCtx) -> Vec<String> {
        let on = ctx.theme.accent.add_modifier(Modifier::BOLD);
        lines
            .iter()
            .flat_map(|l| l.spans.iter())
            .filter(|s| s.style == on && s.content.contains('─'))
            .map(|s| s.content.trim().to_string())
            .collect()
    }

    #[test]
    fn the_cables_meet_the_switch_in_full_and_short_form() {
        let theme = crate::ui::theme::Theme::named("dark").unwrap();
        let ctx = RenderCtx {
            lang: crate::i18n::Lang::En,
            theme: &theme,
            present: false,
        };
        for width in [80, 40] {
            let rows = text(&lines(Lit::default(), width, &ctx));
            let corner = |row: &str, c: char| {
                unicode_width::UnicodeWidthStr::width(&row[..row.find(c).unwrap()])
            };
            // ┐ above S, ┘ below it, in the same column.
            let s = corner(&rows[1], 'S');
            assert_eq!(corner(&rows[0], '┐'), s, "{rows:#?}");
            assert_eq!(corner(&rows[2], '┘'), s, "{rows:#?}");
            for row in &rows {
                assert!(
                    unicode_width::UnicodeWidthStr::width(row.as_str()) <= width,
                    "{row:?} is wider than {width}"
                );
            }
        }
        let full = text(&lines(Lit::default(), 80, &ctx));
        assert!(
            full[1].contains("192.168.1.1  R 192.168.2.1 ─── C 192.168.2.30"),
            "{full:#?}"
        );
        let short = text(&lines(Lit::default(), 40, &ctx));
        assert!(short[1].contains(".1.1  R .2.1"), "{short:#?}");
    }

    #[test]
    fn the_impaired_link_is_lit_up_to_w_and_crossed_there_when_it_dropped_the_segment() {
        let theme = crate::ui::theme::Theme::named("dark").unwrap();
        let ctx = RenderCtx {
            lang: crate::i18n::Lang::En,
            theme: &theme,
            present: false,
        };
        let lit = |segment| {
            let line = impaired_line(segment, "W: the wire".into(), 80, &ctx);
            let spans = lit_spans(std::slice::from_ref(&line), &ctx);
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            (spans.len(), text)
        };
        let (n, text) = lit(None);
        assert_eq!(n, 0);
        assert!(
            text.starts_with("A ── S ── R ── W ── C   W: the wire"),
            "{text}"
        );
        let delivered = lit(Some(OnLink {
            from_a: true,
            lost: false,
        }));
        assert_eq!(delivered.0, 4);
        let (n, text) = lit(Some(OnLink {
            from_a: true,
            lost: true,
        }));
        assert_eq!(n, 3, "{text}");
        assert!(text.contains("R ──╳W ── C"), "{text}");
        // C's ACKs cross a link that drops nothing.
        assert_eq!(
            lit(Some(OnLink {
                from_a: false,
                lost: false
            }))
            .0,
            4
        );
    }

    #[test]
    fn the_cables_a_frame_crossed_are_lit_and_its_sender_marked() {
        let theme = crate::ui::theme::Theme::named("dark").unwrap();
        let ctx = RenderCtx {
            lang: crate::i18n::Lang::En,
            theme: &theme,
            present: false,
        };
        let points = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // A broadcast from A: every cable of LAN 1, not C's.
        let flood = points(&["A:eth0", "S:a", "S:b", "S:r", "B:eth0", "R:eth0"]);
        let drawn = lines(
            Lit {
                points: &flood,
                sender: Some("A"),
            },
            80,
            &ctx,
        );
        assert_eq!(lit_spans(&drawn, &ctx), ["─a─┐", "─r─", "─b─┘"]);
        assert!(text(&drawn)[0].starts_with("▶A 192.168.1.10 ─a─┐"));
        // The ▶ does not shift A's cable off the switch.
        assert_eq!(
            text(&drawn)[0]
                .find('┐')
                .map(|i| text(&drawn)[0][..i].chars().count()),
            text(&drawn)[2]
                .find('┘')
                .map(|i| text(&drawn)[2][..i].chars().count())
        );
        // R's frame to C: only LAN 2's cable.
        let routed = points(&["R:eth1", "C:eth0"]);
        let drawn = lines(
            Lit {
                points: &routed,
                sender: Some("R"),
            },
            80,
            &ctx,
        );
        assert_eq!(lit_spans(&drawn, &ctx), ["───"]);
        assert!(text(&drawn)[1].contains("192.168.1.1 ▶R 192.168.2.1 ─── C"));
    }
}
