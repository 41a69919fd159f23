//! Presentation helpers: big titles readable from the back of a room.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use tui_big_text::{BigText, PixelSize};

use super::text::wrap;

/// Draws `title` as large as fits in `area` (at most two big lines) and returns
/// the rows used. The 8×8 font covers Latin text only, so a title with other
/// characters (Chinese) is drawn bold and centred instead.
pub fn big_title(title: &str, area: Rect, buf: &mut Buffer, style: Style) -> u16 {
    let chars = title.chars().count();
    let latin = title.chars().all(|c| c.is_ascii() && !c.is_ascii_control());
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
    fn latin_titles_are_big_and_cjk_titles_fall_back() {
        let area = Rect::new(0, 0, 80, 10);
        let mut buf = Buffer::empty(area);
        let rows = big_title("Handshake", area, &mut buf, Style::default());
        assert_eq!(
            rows, 4,
            "9 letters × 8 columns fit 80 columns at half height"
        );
        let mut buf = Buffer::empty(area);
        let rows = big_title("三次握手", area, &mut buf, Style::default());
        assert_eq!(rows, 1);
        let row: String = (0..80).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert!(row.contains('三'));
        assert_eq!(
            split_words("The three-way handshake", 10),
            vec!["The", "three-way", "handshake"]
        );
    }
}
