//! Lesson prose → wrapped, styled lines. Wrapping is by display width: CJK
//! characters take two cells and may break anywhere, except that a line never
//! starts with closing punctuation (，。！？ …); Latin words break at spaces.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use super::theme::Theme;
use crate::lesson::markup::{self, Block, Inline, is_cjk};

/// Display width of `s` in terminal cells.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Punctuation that must not start a line (kinsoku).
fn no_line_start(c: char) -> bool {
    "，。、；：！？）」』》〉】,.;:!?)".contains(c)
}

#[derive(Debug, Clone)]
struct Atom {
    text: String,
    style: Style,
    space: bool,
}

fn atoms(runs: &[(String, Style)]) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    for (text, style) in runs {
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut Vec<Atom>| {
            if !word.is_empty() {
                out.push(Atom {
                    text: std::mem::take(word),
                    style: *style,
                    space: false,
                });
            }
        };
        for c in text.chars() {
            if c == ' ' || c == '\t' {
                flush(&mut word, &mut out);
                out.push(Atom {
                    text: " ".into(),
                    style: *style,
                    space: true,
                });
            } else if is_cjk(c) {
                flush(&mut word, &mut out);
                out.push(Atom {
                    text: c.to_string(),
                    style: *style,
                    space: false,
                });
            } else {
                word.push(c);
            }
        }
        flush(&mut word, &mut out);
    }
    out
}

/// Wraps styled runs to `max` cells. `first` prefixes the first line, `rest`
/// the others (a bullet and its hanging indent).
pub fn wrap(
    runs: &[(String, Style)],
    max: usize,
    first: (&str, Style),
    rest: (&str, Style),
) -> Vec<Line<'static>> {
    let max = max.max(4);
    let mut lines: Vec<Vec<Atom>> = vec![Vec::new()];
    let mut used = width(first.0);
    let indent = width(rest.0);
    let mut queue: std::collections::VecDeque<Atom> = atoms(runs).into();
    while let Some(atom) = queue.pop_front() {
        let w = width(&atom.text);
        let Some(line) = lines.last_mut() else { break };
        if atom.space {
            if !line.is_empty() {
                used += w;
                line.push(atom);
            }
            continue;
        }
        if used + w <= max {
            used += w;
            line.push(atom);
            continue;
        }
        let at_start = line.iter().all(|a| a.space);
        if at_start {
            // A word longer than the line: cut it by characters.
            let room = max.saturating_sub(used).max(1);
            let (head, tail) = split_at_width(&atom.text, room);
            line.push(Atom {
                text: head,
                style: atom.style,
                space: false,
            });
            if !tail.is_empty() {
                queue.push_front(Atom {
                    text: tail,
                    style: atom.style,
                    space: false,
                });
            }
            lines.push(Vec::new());
            used = indent;
            continue;
        }
        // Break before this atom; carry the last CJK character along when this
        // one may not start a line.
        while line.last().is_some_and(|a| a.space) {
            line.pop();
        }
        let mut carried = Vec::new();
        if atom.text.chars().next().is_some_and(no_line_start)
            && line.len() > 1
            && let Some(prev) = line.pop()
        {
            carried.push(prev);
        }
        carried.push(atom);
        lines.push(Vec::new());
        used = indent;
        for a in carried.into_iter().rev() {
            queue.push_front(a);
        }
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, atoms)| {
            let (prefix, style) = if i == 0 { first } else { rest };
            let mut spans: Vec<Span<'static>> = Vec::new();
            let fixed = usize::from(!prefix.is_empty());
            if !prefix.is_empty() {
                spans.push(Span::styled(prefix.to_string(), style));
            }
            let mut trimmed = atoms;
            while trimmed.last().is_some_and(|a| a.space) {
                trimmed.pop();
            }
            for atom in trimmed {
                let merge =
                    spans.len() > fixed && spans.last().is_some_and(|l| l.style == atom.style);
                match spans.last_mut() {
                    Some(last) if merge => last.content.to_mut().push_str(&atom.text),
                    _ => spans.push(Span::styled(atom.text, atom.style)),
                }
            }
            Line::from(spans)
        })
        .collect()
}

fn split_at_width(s: &str, room: usize) -> (String, String) {
    let mut used = 0;
    let mut head = String::new();
    let mut chars = s.chars();
    for c in chars.by_ref() {
        let w = c.width().unwrap_or(0);
        if used + w > room && !head.is_empty() {
            let mut tail = c.to_string();
            tail.push_str(chars.as_str());
            return (head, tail);
        }
        used += w;
        head.push(c);
    }
    (head, String::new())
}

fn runs(inlines: &[Inline], base: Style, theme: &Theme) -> Vec<(String, Style)> {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Plain(s) => (s.clone(), base),
            Inline::Bold(s) => (s.clone(), base.patch(theme.bold)),
            Inline::Emphasis(s) => (s.clone(), base.patch(theme.accent)),
            Inline::Code(s) => (s.clone(), theme.code),
        })
        .collect()
}

/// A lesson body as lines fitting `max` cells.
pub fn markup_lines(body: &str, max: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let blocks = markup::parse(body);
    for (i, block) in blocks.iter().enumerate() {
        // Consecutive bullets form one list; other blocks get a blank line between.
        let in_list =
            matches!(block, Block::Bullet(_)) && i > 0 && matches!(blocks[i - 1], Block::Bullet(_));
        if i > 0 && !in_list {
            out.push(Line::default());
        }
        match block {
            Block::Paragraph(r) => out.extend(wrap(
                &runs(r, theme.base, theme),
                max,
                ("", theme.base),
                ("", theme.base),
            )),
            Block::Bullet(r) => out.extend(wrap(
                &runs(r, theme.base, theme),
                max,
                ("• ", theme.accent),
                ("  ", theme.base),
            )),
            Block::Callout(r) => out.extend(wrap(
                &runs(r, theme.callout, theme),
                max,
                ("▌ ", theme.callout),
                ("▌ ", theme.callout),
            )),
            Block::Code(lines) => {
                for l in lines {
                    out.push(Line::from(Span::styled(format!("  {l}"), theme.code)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn chinese_wraps_by_display_width_and_keeps_every_character() {
        let body = "计算机之间通信，需要地址。每台主机有一个IP地址和一个MAC地址，交换机根据MAC地址转发数据帧。";
        for max in [10usize, 11, 17, 24, 40] {
            let lines = wrap(
                &[(body.to_string(), Style::default())],
                max,
                ("", Style::default()),
                ("", Style::default()),
            );
            let joined: String = lines.iter().map(text_of).collect();
            assert_eq!(joined, body, "width {max}");
            for l in &lines {
                let t = text_of(l);
                assert!(
                    width(&t) <= max,
                    "width {max}: '{t}' is {} cells",
                    width(&t)
                );
                assert!(
                    !t.chars().next().is_some_and(no_line_start),
                    "width {max}: '{t}' starts with punctuation"
                );
            }
        }
    }

    #[test]
    fn latin_breaks_at_spaces_and_long_words_are_cut() {
        let lines = wrap(
            &[("the quick brown fox jumps".into(), Style::default())],
            10,
            ("", Style::default()),
            ("", Style::default()),
        );
        let texts: Vec<String> = lines.iter().map(text_of).collect();
        assert_eq!(texts, vec!["the quick", "brown fox", "jumps"]);
        let lines = wrap(
            &[("aaaaaaaaaaaaaaa".into(), Style::default())],
            6,
            ("", Style::default()),
            ("", Style::default()),
        );
        let texts: Vec<String> = lines.iter().map(text_of).collect();
        assert_eq!(texts, vec!["aaaaaa", "aaaaaa", "aaa"]);
    }

    #[test]
    fn bullets_hang_and_mixed_text_aligns() {
        let lines = wrap(
            &[("端口 port 号是 16 位的数字".into(), Style::default())],
            12,
            ("• ", Style::default()),
            ("  ", Style::default()),
        );
        let texts: Vec<String> = lines.iter().map(text_of).collect();
        assert!(texts[0].starts_with("• "));
        for t in &texts[1..] {
            assert!(t.starts_with("  "), "{texts:?}");
        }
        for t in &texts {
            assert!(width(t) <= 12, "{texts:?}");
        }
    }
}
