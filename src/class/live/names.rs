//! What a student sends that ends up on the projector, made safe: names
//! without control characters or terminal escape sequences, of bounded
//! length, unique in the room. And the secrets the host hands out: the join
//! code and the per-student tokens.

use rand::Rng as _;
use unicode_width::UnicodeWidthChar as _;

/// The most terminal cells a name takes on the host screen.
pub const MAX_NAME_CELLS: usize = 24;
/// Join codes use letters and digits that cannot be mistaken for one another
/// (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
pub const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
pub const CODE_LEN: usize = 6;

/// A fresh join code (from the operating system's randomness via the thread RNG).
pub fn join_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// A code as typed, compared with the real one: case and spaces do not matter.
pub fn code_matches(typed: &str, code: &str) -> bool {
    let typed: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    // Same length first, then every byte (no early exit on the first difference).
    typed.len() == code.len()
        && typed
            .bytes()
            .zip(code.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A student's token: 128 random bits as hex.
pub fn token() -> String {
    let bits: u128 = rand::rng().random();
    format!("{bits:032x}")
}

/// Characters that change how text is shown without being seen: bidi
/// overrides and isolates, zero-width joiners and spaces, BOM.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Text a user or a file gave, safe to print on a terminal: escape sequences
/// (CSI, OSC, two-byte ESC) removed, every other control or invisible
/// character made a space, spaces collapsed, ends trimmed.
pub fn printable(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates up to a final byte @..~.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: up to BEL or ESC \.
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' {
                            break;
                        }
                        if c == '\u{1b}' {
                            chars.next_if_eq(&'\\');
                            break;
                        }
                    }
                }
                _ => {}
            },
            // C1 CSI.
            '\u{9b}' => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            c if c.is_control() || invisible(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name as the room shows it: [`printable`], cut to [`MAX_NAME_CELLS`]
/// cells; "student" when nothing is left.
pub fn sanitize(raw: &str) -> String {
    let mut name = String::new();
    let mut cells = 0;
    for c in printable(raw).chars() {
        let w = c.width().unwrap_or(0);
        if cells + w > MAX_NAME_CELLS {
            break;
        }
        cells += w;
        name.push(c);
    }
    let name = name.trim_end().to_string();
    if name.is_empty() {
        "student".to_string()
    } else {
        name
    }
}

/// The most characters of a student's name in a results file or the grade
/// book (`--student`, `class import`).
pub const MAX_STUDENT_CHARS: usize = 64;

/// A student's name as files and the grade book keep it: [`printable`], at
/// most [`MAX_STUDENT_CHARS`] characters; empty when none was given.
pub fn student(raw: &str) -> String {
    printable(raw)
        .chars()
        .take(MAX_STUDENT_CHARS)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// `name`, or `name 2`, `name 3`… — the first that `taken` does not hold.
pub fn unique(name: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(name) {
        return name.to_string();
    }
    (2..)
        .map(|n| {
            let suffix = format!(" {n}");
            // Keep within the width limit with the suffix.
            let mut base = name.to_string();
            while unicode_width::UnicodeWidthStr::width(base.as_str()) + suffix.len()
                > MAX_NAME_CELLS
            {
                base.pop();
            }
            format!("{}{suffix}", base.trim_end())
        })
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_never_survive() {
        assert_eq!(sanitize("\u{1b}[2J\u{1b}[31mada\u{1b}[0m"), "ada");
        assert_eq!(sanitize("\u{1b}]0;owned\u{7}bo"), "bo");
        assert_eq!(sanitize("\u{1b}]52;c;aGk=\u{1b}\\cy"), "cy");
        assert_eq!(sanitize("d\u{0}a\tn\r\n"), "d a n");
        assert_eq!(sanitize("\u{202e}evil\u{9b}1m"), "evil");
        assert_eq!(sanitize("\u{1b}[31m"), "student");
        assert_eq!(sanitize("   "), "student");
        assert_eq!(sanitize("王小明"), "王小明");
        let long = sanitize(&"汉".repeat(40));
        assert_eq!(unicode_width::UnicodeWidthStr::width(long.as_str()), 24);
        for raw in ["\u{1b}[", "\u{1b}", "\u{1b}]", "\u{9b}"] {
            assert_eq!(sanitize(raw), "student");
        }
    }

    #[test]
    fn a_student_name_for_the_grade_book_is_printable_and_bounded() {
        assert_eq!(student("Ada\u{1b}[2J Lovelace"), "Ada Lovelace");
        assert_eq!(student("\u{1b}]0;title\u{7}bo\u{202e}b"), "bo b");
        assert_eq!(student(""), "");
        assert_eq!(student("\u{1b}[31m"), "");
        assert_eq!(student(&"é".repeat(100)).chars().count(), MAX_STUDENT_CHARS);
        assert_eq!(printable("ans\u{1b}[2Jwer\r\n x"), "answer x");
    }

    #[test]
    fn names_are_made_unique() {
        let taken = ["ada", "ada 2"];
        assert_eq!(unique("ada", |n| taken.contains(&n)), "ada 3");
        assert_eq!(unique("bo", |n| taken.contains(&n)), "bo");
        let long = "x".repeat(24);
        let got = unique(&long, |n| n == long);
        assert_eq!(got.len(), 24);
        assert!(got.ends_with(" 2"));
    }

    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        let code = join_code();
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert!(code_matches(&code.to_lowercase(), &code));
        assert!(!code_matches("AAAAAA", "AAAAAC"));
        assert!(!code_matches("AAAAA", "AAAAAA"));
        assert_ne!(token(), token());
    }
}
