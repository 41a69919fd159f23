//! Text in cells: display width, cutting to fit, padding, and lesson prose →
//! wrapped, styled lines. Wrapping is by display width: CJK characters take two
//! cells and may break anywhere, except that a line never starts with closing
//! punctuation (，。！？）…) nor ends with an opening bracket (（「“ …); Latin
//! words break at spaces only, also where a styled run meets its brackets.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_truncate::UnicodeTruncateStr;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::lesson::markup::{self, Block, Inline, is_cjk};

/// Display width of `s` in terminal cells (CJK counts two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` cells, ending with "…" when something was cut.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let (head, _) = s.unicode_truncate(max - 1);
    format!("{head}…")
}

/// `s` fitted to `cells` and padded with spaces to exactly `cells` cells.
pub fn pad(s: &str, cells: usize) -> String {
    let fitted = fit(s, cells);
    let gap = cells.saturating_sub(width(&fitted));
    format!("{fitted}{}", " ".repeat(gap))
}

/// Draws `lines` (one row each) into `area` from line `scroll`. While more
/// follows, the last row shows `more` on its own — it never covers text.
/// Returns the scroll actually used (clamped to the end).
pub fn render_scrolled(
    lines: &[Line],
    scroll: usize,
    more: (&str, Style),
    area: Rect,
    buf: &mut Buffer,
) -> usize {
    let height = usize::from(area.height);
    if height == 0 {
        return 0;
    }
    let last = lines.len().saturating_sub(height);
    let scroll = scroll.min(last);
    let marked = scroll < last;
    let rows = if marked { height - 1 } else { height };
    for (i, line) in lines.iter().skip(scroll).take(rows).enumerate() {
        let y = area.y + u16::try_from(i).unwrap_or(u16::MAX);
        buf.set_line(area.x, y, line, area.width);
    }
    if marked {
        let text = fit(more.0, usize::from(area.width));
        let x = area
            .right()
            .saturating_sub(u16::try_from(width(&text)).unwrap_or(0));
        buf.set_string(x, area.bottom() - 1, text, more.1);
    }
    scroll
}

/// Punctuation that must not start a line (kinsoku).
fn no_line_start(c: char) -> bool {
    "，。、；：！？）」』》〉】”’,.;:!?)]}".contains(c)
}

/// Brackets and quotes that must not end a line.
fn no_line_end(c: char) -> bool {
    "（「『《〈【“‘([{".contains(c)
}

/// Whether a line may break between two neighbouring atoms.
fn can_break(before: &Atom, after: &Atom) -> bool {
    if before.space || after.space {
        return true;
    }
    let single_cjk = |a: &Atom| a.text.chars().count() == 1 && a.text.chars().all(is_cjk);
    (single_cjk(before) || single_cjk(after))
        && !before.text.chars().last().is_some_and(no_line_end)
        && !after.text.chars().next().is_some_and(no_line_start)
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
        // Break at the last place the rules allow and carry what follows it
        // (a bracket, a word glued to a styled run) to the next line.
        let mut at = line.len();
        while at > 0 {
            let after = line.get(at).unwrap_or(&atom);
            if can_break(&line[at - 1], after) {
                break;
            }
            at -= 1;
        }
        if at == 0 {
            // No break is allowed anywhere on this line (a bracketed word
            // longer than the line): cut the atom to fill the line instead.
            let room = max.saturating_sub(used);
            if room > 0 {
                let (head, tail) = split_at_width(&atom.text, room);
                if width(&head) <= room {
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
            }
            // A closing mark that does not fit after a word: take the word's
            // last character along, so the mark does not start a line alone.
            if atom.text.chars().next().is_some_and(no_line_start)
                && let Some(last) = line.last_mut()
                && !last.space
                && last.text.chars().count() > 1
                && let Some(c) = last.text.pop()
            {
                let style = last.style;
                queue.push_front(atom);
                queue.push_front(Atom {
                    text: c.to_string(),
                    style,
                    space: false,
                });
                lines.push(Vec::new());
                used = indent;
                continue;
            }
        }
        let at = if at == 0 { line.len() } else { at };
        let mut carried: Vec<Atom> = line.drain(at..).collect();
        carried.push(atom);
        while line.last().is_some_and(|a| a.space) {
            line.pop();
        }
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
    let (head, _) = s.unicode_truncate(room);
    // Always make progress: a character wider than the room goes alone.
    let head = if head.is_empty() {
        s.chars().next().map_or(0, char::len_utf8)
    } else {
        head.len()
    };
    (s[..head].to_string(), s[head..].to_string())
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

    fn texts(runs: &[(&str, Style)], max: usize) -> Vec<String> {
        let runs: Vec<(String, Style)> = runs.iter().map(|(t, s)| (t.to_string(), *s)).collect();
        wrap(&runs, max, ("", Style::default()), ("", Style::default()))
            .iter()
            .map(text_of)
            .collect()
    }

    #[test]
    fn never_breaks_after_an_opening_bracket_or_before_a_closing_one() {
        let bold = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let plain = Style::default();
        // A styled word inside brackets is one word: "(" and ")" stay with it.
        let latin = [
            ("call close (", plain),
            ("shutdown", bold),
            (") then", plain),
        ];
        let zh = [
            ("客户端调用关闭函数（", plain),
            ("close", bold),
            ("）之后进入等待状态（FIN-WAIT-1）。", plain),
        ];
        let whole = |runs: &[(&str, Style)]| runs.iter().map(|(t, _)| *t).collect::<String>();
        for max in 8..40 {
            for runs in [&latin[..], &zh[..]] {
                let lines = texts(runs, max);
                for l in &lines {
                    assert!(!l.ends_with(['(', '（']), "width {max}: {lines:?}");
                    assert!(!l.starts_with([')', '）']), "width {max}: {lines:?}");
                    assert!(width(l) <= max.max(4), "width {max}: {lines:?}");
                }
                let joined: String = lines.concat().chars().filter(|c| *c != ' ').collect();
                let want: String = whole(runs).chars().filter(|c| *c != ' ').collect();
                assert_eq!(joined, want, "width {max}");
            }
        }
    }
}
