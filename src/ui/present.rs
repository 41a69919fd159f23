//! Presentation helpers: big titles readable from the back of a room.

pub mod end;
pub mod glyphs;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use tui_big_text::{BigText, PixelSize};

use super::text::wrap;

/// Rows a title needs to be drawn big in every script: one line of CJK
/// glyphs, or two lines of the 8×8 font.
pub const BIG_ROWS: u16 = 8;

/// Draws `title` as large as fits in `area` (at most two big lines) and returns
/// the rows used. Latin titles use the 8×8 font; others (Chinese) GNU Unifont's
/// 16-pixel glyphs in block characters ([`glyphs`]); a title with a character missing from the font is drawn bold.
pub fn big_title(title: &str, area: Rect, buf: &mut Buffer, style: Style) -> u16 {
    let chars = title.chars().count();
    let latin = title.chars().all(|c| c.is_ascii() && !c.is_ascii_control());
    if !latin && let Some(rows) = glyph_title(title, area, buf, style) {
        return rows;
    }
    let room = usize::from(area.width);
    if latin && chars > 0 {
        // (cell columns per character, rows per text line, pixel size)
        let sizes = [
            (8usize, 4u16, PixelSize::HalfHeight),
            (4, 4, PixelSize::Quadrant),
            (4, 2, PixelSize::Octant),
        ];
        for (cols, rows, size) in sizes {
            let per_line = room / cols;
            if per_line == 0 {
                continue;
            }
            let lines = split_words(title, per_line);
            let height = rows * u16::try_from(lines.len()).unwrap_or(u16::MAX);
            if lines.len() <= 2
                && height <= area.height
                && lines.iter().all(|l| l.len() <= per_line)
            {
                let big = BigText::builder()
                    .pixel_size(size)
                    .style(style)
                    .lines(lines.into_iter().map(Line::from).collect::<Vec<_>>())
                    .centered()
                    .build();
                big.render(Rect { height, ..area }, buf);
                return height;
            }
        }
    }
    let lines = wrap(
        &[(title.to_string(), style)],
        room,
        ("", style),
        ("", style),
    );
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    Paragraph::new(lines)
        .centered()
        .render(Rect { height, ..area }, buf);
    height
}

/// A title in Unifont glyphs: one line half-block, else one or two lines of
/// quadrants, within `area`. `None`: it does not fit, or a
/// character has no glyph.
fn glyph_title(title: &str, area: Rect, buf: &mut Buffer, style: Style) -> Option<u16> {
    use glyphs::Scale;
    let room = usize::from(area.width);
    for (scale, most_lines) in [(Scale::HalfBlock, 1), (Scale::Quadrant, 2)] {
        let lines = split_glyphs(title, scale, room)?;
        let rows = scale.rows() * u16::try_from(lines.len()).ok()?;
        if lines.len() > most_lines || rows > area.height {
            continue;
        }
        for (i, line) in lines.iter().enumerate() {
            let w = u16::try_from(glyphs::width(line, scale)?).ok()?;
            let x = area.x + area.width.saturating_sub(w) / 2;
            let y = area.y + scale.rows() * i as u16;
            glyphs::draw(line, scale, x, y, area, buf, style);
        }
        return Some(rows);
    }
    None
}

/// `text` in lines of at most `room` columns at `scale`, breaking at spaces
/// or between CJK characters (never before closing punctuation). `None` when a
/// character has no glyph.
fn split_glyphs(text: &str, scale: glyphs::Scale, room: usize) -> Option<Vec<String>> {
    let mut lines: Vec<String> = vec![String::new()];
    for c in text.chars() {
        let line = lines.last_mut()?;
        let grown = format!("{line}{c}");
        if glyphs::width(&grown, scale)? <= room || line.is_empty() {
            *line = grown;
            continue;
        }
        // Break at the last space if the line has one, else before `c`
        // (keeping closing punctuation on the line it closes).
        let mut rest = match line.rfind(' ') {
            Some(at) if !c.is_ascii_punctuation() => {
                let rest = line[at + 1..].to_string();
                line.truncate(at);
                rest
            }
            _ => String::new(),
        };
        if "，。、；：！？）」』》".contains(c) && rest.is_empty() {
            let last = line.pop()?;
            rest.push(last);
        }
        rest.push(c);
        lines.push(rest.trim_start().to_string());
    }
    Some(lines.into_iter().map(|l| l.trim().to_string()).collect())
}

/// Greedy word wrap into lines of at most `max` characters (ASCII only).
fn split_words(text: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_titles_use_the_8x8_font_and_cjk_titles_unifont() {
        let area = Rect::new(0, 0, 80, 24);
        let mut buf = Buffer::empty(area);
        let rows = big_title("Handshake", area, &mut buf, Style::default());
        assert_eq!(
            rows, 4,
            "9 letters × 8 columns fit 80 columns at half height"
        );
        // Four Chinese characters, 16 columns each, half-block: 8 rows.
        let mut buf = Buffer::empty(area);
        let rows = big_title("三次握手", area, &mut buf, Style::default());
        assert_eq!(rows, 8);
        let text: String = (0..8)
            .flat_map(|y| (0..80).map(move |x| (x, y)))
            .map(|p| buf[p].symbol().to_string())
            .collect();
        assert!(
            !text.contains('三'),
            "drawn as blocks, not as the character"
        );
        assert!(text.contains('█') && text.contains('▀'), "{text}");
        // Centred: 64 columns in 80, so 8 blank columns on each side.
        let inked = |x: u16| (0..8).any(|y| buf[(x, y)].symbol() != " ");
        assert!(!(0..8).any(inked) && (8..16).any(inked));
        // Too wide for one half-block line: quadrants (8 columns a character).
        let mut buf = Buffer::empty(area);
        let rows = big_title("七个汉字的标题", area, &mut buf, Style::default());
        assert_eq!(rows, 8, "7 × 16 > 80, 7 × 8 fits");
        // A character missing from the font: bold text instead.
        let mut buf = Buffer::empty(area);
        let rows = big_title("㐀", area, &mut buf, Style::default());
        assert_eq!(rows, 1);
        assert_eq!(
            split_words("The three-way handshake", 10),
            vec!["The", "three-way", "handshake"]
        );
    }

    #[test]
    fn cjk_titles_break_between_characters_not_before_closing_punctuation() {
        use glyphs::Scale;
        // Four characters a line: the comma may not start one, so 手 goes with it.
        let lines = split_glyphs("三次握手，四次挥手", Scale::Quadrant, 32).unwrap();
        assert_eq!(lines, ["三次握", "手，四次", "挥手"]);
    }
}
