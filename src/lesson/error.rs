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

/// The 1-based line number of byte `offset` in `source`.
pub fn line_of(source: &str, offset: usize) -> usize {
    let end = offset.min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
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
}
