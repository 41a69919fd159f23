//! Big titles in any script the lessons use: GNU Unifont's 16-pixel glyphs
//! (a subset, `assets/fonts/unifont-titles.hex`, written by
//! `tools/unifont_subset.py`) drawn with block characters — two pixel rows per
//! cell (`▀▄█`, 1 column per pixel) or 2×2 pixels per cell (quadrants).

use std::collections::HashMap;
use std::sync::LazyLock;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

const SOURCE: &str = include_str!("../../../assets/fonts/unifont-titles.hex");

/// Glyph height in pixels.
pub const HEIGHT: usize = 16;

/// One glyph: 8 or 16 pixels wide, each row's bits from the left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glyph {
    pub width: usize,
    rows: [u16; HEIGHT],
}

impl Glyph {
    fn pixel(&self, x: usize, y: usize) -> bool {
        x < self.width && y < HEIGHT && self.rows[y] >> (self.width - 1 - x) & 1 == 1
    }
}

fn parse(source: &str) -> HashMap<char, Glyph> {
    source
        .lines()
        .filter_map(|line| {
            let (code, bits) = line.split_once(':')?;
            let c = char::from_u32(u32::from_str_radix(code, 16).ok()?)?;
            let digits = match bits.len() {
                32 => 2,
                64 => 4,
                _ => return None,
            };
            let mut rows = [0u16; HEIGHT];
            for (y, row) in rows.iter_mut().enumerate() {
                *row = u16::from_str_radix(bits.get(y * digits..(y + 1) * digits)?, 16).ok()?;
            }
            Some((
                c,
                Glyph {
                    width: digits * 4,
                    rows,
                },
            ))
        })
        .collect()
}

/// The glyph of `c`, if the subset has it.
pub fn glyph(c: char) -> Option<&'static Glyph> {
    static GLYPHS: LazyLock<HashMap<char, Glyph>> = LazyLock::new(|| parse(SOURCE));
    GLYPHS.get(&c)
}

/// How big: pixels per cell across and down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 1×2 pixels per cell (`▀`, `▄`, `█`): 16 columns and 8 rows per CJK glyph.
    HalfBlock,
    /// 2×2 pixels per cell (quadrants): 8 columns and 8 rows per CJK glyph.
    Quadrant,
}

impl Scale {
    fn per_cell(self) -> (usize, usize) {
        match self {
            Scale::HalfBlock => (1, 2),
            Scale::Quadrant => (2, 2),
        }
    }

    /// Rows one line of text takes.
    pub fn rows(self) -> u16 {
        (HEIGHT / self.per_cell().1) as u16
    }
}

/// Columns `text` takes at `scale`; `None` when a character has no glyph.
pub fn width(text: &str, scale: Scale) -> Option<usize> {
    let (across, _) = scale.per_cell();
    text.chars()
        .map(|c| glyph(c).map(|g| g.width.div_ceil(across)))
        .sum()
}

/// The block character for the pixels of one cell, bits: top-left, top-right,
/// bottom-left, bottom-right.
fn block(tl: bool, tr: bool, bl: bool, br: bool) -> char {
    const QUADRANTS: [char; 16] = [
        ' ', '▘', '▝', '▀', '▖', '▌', '▞', '▛', '▗', '▚', '▐', '▜', '▄', '▙', '▟', '█',
    ];
    let i = usize::from(tl) | usize::from(tr) << 1 | usize::from(bl) << 2 | usize::from(br) << 3;
    QUADRANTS[i]
}

/// Draws `text` (every character has a glyph, see [`width`]) from `(x, y)`.
pub fn draw(text: &str, scale: Scale, x: u16, y: u16, area: Rect, buf: &mut Buffer, style: Style) {
    let (across, down) = scale.per_cell();
    let mut cx = usize::from(x);
    for c in text.chars() {
        let Some(g) = glyph(c) else { continue };
        let cols = g.width.div_ceil(across);
        for col in 0..cols {
            for row in 0..HEIGHT / down {
                let (px, py) = (col * across, row * down);
                let cell = if across == 1 {
                    block(
                        g.pixel(px, py),
                        g.pixel(px, py),
                        g.pixel(px, py + 1),
                        g.pixel(px, py + 1),
                    )
                } else {
                    block(
                        g.pixel(px, py),
                        g.pixel(px + 1, py),
                        g.pixel(px, py + 1),
                        g.pixel(px + 1, py + 1),
                    )
                };
                let (bx, by) = (cx + col, usize::from(y) + row);
                let inside = bx < usize::from(area.right()) && by < usize::from(area.bottom());
                if inside && let Some(target) = buf.cell_mut((bx as u16, by as u16)) {
                    target.set_char(cell).set_style(style);
                }
            }
        }
        cx += cols;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_has_ascii_and_double_width_cjk() {
        let a = glyph('A').expect("ASCII is in the subset");
        assert_eq!(a.width, 8);
        let san = glyph('三').expect("三 is in a shipped title");
        assert_eq!(san.width, 16);
        // 三: three horizontal strokes, so three rows with long runs of ink.
        let strokes = (0..HEIGHT)
            .filter(|&y| (0..16).filter(|&x| san.pixel(x, y)).count() >= 10)
            .count();
        assert_eq!(strokes, 3, "{san:?}");
        assert_eq!(width("三次握手", Scale::HalfBlock), Some(64));
        assert_eq!(width("三次握手", Scale::Quadrant), Some(32));
        assert_eq!(width("IP 与", Scale::HalfBlock), Some(8 * 3 + 16));
        assert_eq!(width("\u{10FFFD}", Scale::HalfBlock), None);
    }

    #[test]
    fn every_character_of_every_shipped_title_has_a_glyph() {
        let set = crate::lesson::LessonSet::embedded().unwrap();
        for lesson in &set.lessons {
            let titles =
                std::iter::once(&lesson.title).chain(lesson.steps.iter().map(|s| &s.title));
            for title in titles {
                for lang in crate::i18n::Lang::ALL {
                    let text = title.get(lang);
                    assert!(
                        text.chars().all(|c| glyph(c).is_some()),
                        "'{text}' has a character missing from assets/fonts/unifont-titles.hex: run tools/unifont_subset.py"
                    );
                }
            }
        }
    }
}
