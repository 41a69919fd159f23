//! Errors that name the file, the line and what is wrong.

use std::fmt;

/// One problem in one lesson file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonError {
    /// The file's name as the teacher sees it (relative to the lesson folder).
    pub file: String,
    /// 1-based line, 0 when the problem is about the whole folder.
    pub line: usize,
    pub message: String,
}

impl LessonError {
    pub fn at(file: &str, source: &str, offset: usize, message: impl Into<String>) -> LessonError {
        LessonError {
            file: file.to_string(),
            line: line_of(source, offset),
            message: message.into(),
        }
    }

    /// An error at a line already known (see [`LineIndex`]).
    pub fn at_line(file: &str, line: usize, message: impl Into<String>) -> LessonError {
        LessonError {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }

    pub fn folder(dir: &str, message: impl Into<String>) -> LessonError {
        LessonError {
            file: dir.to_string(),
            line: 0,
            message: message.into(),
        }
    }
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// All the problems found, in file and line order.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct LessonErrors(pub Vec<LessonError>);

impl fmt::Display for LessonErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, err) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{err}")?;
        }
        Ok(())
    }
}

/// The 1-based line number of byte `offset` in `source` (one lookup; for many, build
/// a [`LineIndex`] once).
pub fn line_of(source: &str, offset: usize) -> usize {
    LineIndex::new(source).line(offset)
}

/// Where every line of a source starts, so that each byte offset turns into a line
/// number by binary search: a file with thousands of errors is scanned once, not
/// once per error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(
                source
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset` (past the end: the last line).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_one() {
        let src = "a\nb\nc";
        assert_eq!(line_of(src, 0), 1);
        assert_eq!(line_of(src, 2), 2);
        assert_eq!(line_of(src, 4), 3);
        assert_eq!(line_of(src, 999), 3);
    }

    #[test]
    fn the_index_agrees_with_counting_newlines_at_every_offset() {
        for src in ["", "\n", "a", "a\n", "\n\nb\n", "一\n二\r\n三\n\n"] {
            let index = LineIndex::new(src);
            for offset in 0..=src.len() + 2 {
                let counted = src.as_bytes()[..offset.min(src.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                assert_eq!(index.line(offset), counted, "{src:?} at {offset}");
            }
        }
    }
}
