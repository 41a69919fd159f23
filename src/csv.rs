//! CSV as spreadsheets and learning-management systems read it (RFC 4180):
//! a field with a comma, a quote or a line break is quoted, quotes doubled.
//! A field that starts with `=`, `+`, `-` or `@` gets a leading `'` (and is
//! quoted), so a name or an answer like `=HYPERLINK(…)` stays text when the
//! file is opened in a spreadsheet instead of becoming a formula.

/// One field, quoted when it has to be.
pub fn field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@']);
    if formula || s.contains([',', '"', '\n', '\r']) {
        let s = if formula {
            format!("'{s}")
        } else {
            s.to_string()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A row of fields (each through [`field`]), ending in `\n`.
pub fn row<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> String {
    let mut out = fields
        .into_iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits one CSV record back into fields (RFC 4180), to check that what
    /// [`row`] writes reads back as it was given.
    fn parse(line: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    out.last_mut().unwrap().push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => out.push(String::new()),
                (c, _) => out.last_mut().unwrap().push(c),
            }
        }
        out
    }

    #[test]
    fn fields_that_need_it_are_quoted_and_read_back() {
        let given = [
            "ada",
            "Lee, Ann",
            "say \"hi\"",
            "two\nlines",
            "李雷",
            "",
            "12",
        ];
        let line = row(given);
        assert_eq!(
            line,
            "ada,\"Lee, Ann\",\"say \"\"hi\"\"\",\"two\nlines\",李雷,,12\n"
        );
        assert_eq!(parse(line.trim_end_matches('\n')), given);
    }

    #[test]
    fn a_formula_stays_text() {
        for (given, written) in [
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("+1", "\"'+1\""),
            ("-cmd", "\"'-cmd\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
        ] {
            assert_eq!(field(given), written, "{given}");
            assert_eq!(parse(written), [format!("'{given}")]);
        }
        // Not at the start: left alone.
        assert_eq!(field("a=b"), "a=b");
    }
}
