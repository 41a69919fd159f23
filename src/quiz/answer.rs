//! Reading a student's answer, forgivingly: surrounding spaces, `/24` or `24`,
//! a dotted mask for a prefix, upper- or lower-case hex, `SYN_SENT` or
//! `syn-sent`. A form that is plainly not what was asked ("192.168.1" for an
//! IPv4 address) gets its own reason instead of a bare "wrong".

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::i18n::{Lang, t, tf};
use crate::lesson::question::{Expected, QuestionKind, letter, letter_index, mask_of, prefix_of};

/// Why an answer could not be read as what the question asks for. `key` is a
/// ui.toml key with a `{detail}` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub key: &'static str,
    pub detail: String,
}

impl Unreadable {
    fn new(key: &'static str, detail: impl Into<String>) -> Unreadable {
        Unreadable {
            key,
            detail: detail.into(),
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        tf(lang, self.key, &[("detail", &self.detail)])
    }
}

/// The outcome of one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Correct,
    Wrong,
    /// Not a form the question accepts: counted wrong, with the reason.
    Unreadable(Unreadable),
    /// An empty answer: counted wrong.
    NoAnswer,
}

impl Verdict {
    pub fn is_correct(&self) -> bool {
        *self == Verdict::Correct
    }
}

/// Checks `input` against the right answer of `kind`.
pub fn check(kind: &QuestionKind, input: &str) -> Verdict {
    let input = input.trim();
    if input.is_empty() {
        return Verdict::NoAnswer;
    }
    let result = match kind {
        QuestionKind::Choice { options, correct } => {
            read_choice(input, options).map(|i| i == *correct)
        }
        QuestionKind::TrueFalse { correct } => read_bool(input).map(|b| b == *correct),
        QuestionKind::Order { shown, .. } => read_order(input, shown.len()).map(|picked| {
            picked
                .iter()
                .enumerate()
                .all(|(place, letter)| shown.get(*letter) == Some(&place))
        }),
        QuestionKind::FillIn { expected } => read_fill_in(expected, input),
    };
    match result {
        Ok(true) => Verdict::Correct,
        Ok(false) => Verdict::Wrong,
        Err(why) => Verdict::Unreadable(why),
    }
}

/// The right answer, written in a form [`check`] accepts.
pub fn correct_answer(kind: &QuestionKind) -> String {
    match kind {
        QuestionKind::Choice { correct, .. } => letter(*correct).to_string(),
        QuestionKind::TrueFalse { correct } => correct.to_string(),
        QuestionKind::Order { shown, .. } => {
            let mut letters = Vec::new();
            for place in 0..shown.len() {
                if let Some(at) = shown.iter().position(|item| *item == place) {
                    letters.push(letter(at).to_string());
                }
            }
            letters.join(" ")
        }
        QuestionKind::FillIn { expected } => expected.canonical(),
    }
}

/// The right answer as shown to a student in `lang`: [`correct_answer`], but
/// true/false in the student's language (对 / 错, which [`check`] accepts too).
pub fn shown_answer(kind: &QuestionKind, lang: Lang) -> String {
    match kind {
        QuestionKind::TrueFalse { correct: true } => t(lang, "quiz.answer.true").to_string(),
        QuestionKind::TrueFalse { correct: false } => t(lang, "quiz.answer.false").to_string(),
        _ => correct_answer(kind),
    }
}

/// Lower case, `_` and `-` as spaces, runs of spaces as one.
pub fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn read_choice(input: &str, options: &[crate::i18n::Text]) -> Result<usize, Unreadable> {
    let key = normalize(input.trim_end_matches([')', '.', '）', '。']));
    let n = options.len();
    let letters = format!("a–{}", letter(n.saturating_sub(1)));
    if let Some(i) = letter_index(&key) {
        return if i < n {
            Ok(i)
        } else {
            Err(Unreadable::new("quiz.why.no_option", letters))
        };
    }
    if let Ok(number) = key.parse::<usize>() {
        return match number.checked_sub(1).filter(|i| *i < n) {
            Some(i) => Ok(i),
            None => Err(Unreadable::new("quiz.why.no_option", letters)),
        };
    }
    options
        .iter()
        .position(|o| normalize(&o.en) == key || normalize(&o.zh) == key)
        .ok_or_else(|| Unreadable::new("quiz.why.choice", letters))
}

pub(crate) fn read_bool(input: &str) -> Result<bool, Unreadable> {
    match normalize(input.trim_end_matches(['.', '。', '!'])).as_str() {
        "t" | "true" | "y" | "yes" | "对" | "是" | "正确" | "真" | "√" => Ok(true),
        "f" | "false" | "n" | "no" | "错" | "否" | "错误" | "假" | "×" => Ok(false),
        _ => Err(Unreadable::new("quiz.why.bool", "")),
    }
}

/// Letters (or 1-based numbers) of the items in the order given; "bdac",
/// "b d a c", "b,d,a,c" and "2 4 1 3" all work.
pub(crate) fn read_order(input: &str, n: usize) -> Result<Vec<usize>, Unreadable> {
    let cleaned = input.to_lowercase();
    let tokens: Vec<&str> = cleaned
        .split(|c: char| c.is_whitespace() || ",;>→-，、".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    let mut picked = Vec::new();
    for token in &tokens {
        if let Ok(number) = token.parse::<usize>() {
            picked.push(number.wrapping_sub(1));
        } else if token.chars().all(|c| c.is_ascii_lowercase()) {
            picked.extend(token.chars().filter_map(|c| letter_index(&c.to_string())));
        } else {
            picked.push(usize::MAX);
        }
    }
    let mut seen = vec![false; n];
    let valid = picked.len() == n
        && picked
            .iter()
            .all(|&i| i < n && !std::mem::replace(&mut seen[i], true));
    if valid {
        Ok(picked)
    } else {
        let example: Vec<String> = (0..n).rev().map(|i| letter(i).to_string()).collect();
        Err(Unreadable::new("quiz.why.order", example.join(" ")))
    }
}

fn read_fill_in(expected: &Expected, input: &str) -> Result<bool, Unreadable> {
    match expected {
        Expected::Text(words) => {
            let given = normalize(input.trim_end_matches(['.', '。']));
            Ok(words.iter().any(|w| normalize(w) == given))
        }
        Expected::Number(n) => read_number(input).map(|v| v == *n),
        Expected::Binary { value, .. } => read_binary(input).map(|v| v == *value),
        Expected::Ipv4(a) => read_ipv4(input).map(|v| v == *a),
        Expected::Ipv6(a) => read_ipv6(input).map(|v| v == *a),
        Expected::Prefix(p) => read_prefix(input).map(|v| v == *p),
        Expected::Mask(p) => read_prefix(input).map(|v| mask_of(v) == mask_of(*p)),
    }
}

/// A whole number: `65534`, `65,534`, `65 534`, `0xFFFE`, `0xfffe`.
pub fn read_number(input: &str) -> Result<u64, Unreadable> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '_'))
        .collect();
    let lower = compact.to_ascii_lowercase();
    let parsed = match lower.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => lower.parse::<u64>().ok(),
    };
    parsed.ok_or_else(|| Unreadable::new("quiz.why.number", input.trim()))
}

/// Binary digits: `00100100`, `0010 0100`, `0b100100`.
pub fn read_binary(input: &str) -> Result<u32, Unreadable> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '.'))
        .collect();
    let digits = compact.strip_prefix("0b").unwrap_or(&compact);
    if digits.is_empty() || digits.len() > 32 || !digits.chars().all(|c| c == '0' || c == '1') {
        return Err(Unreadable::new("quiz.why.binary", input.trim()));
    }
    u32::from_str_radix(digits, 2).map_err(|_| Unreadable::new("quiz.why.binary", input.trim()))
}

/// Dotted decimal; leading zeros and a trailing `/n` are forgiven.
pub fn read_ipv4(input: &str) -> Result<Ipv4Addr, Unreadable> {
    let address = input.split('/').next().unwrap_or("").trim();
    let parts: Vec<&str> = address.split('.').collect();
    let bad = |detail: String| Unreadable::new("quiz.why.ipv4", detail);
    if parts.len() != 4 {
        return Err(bad(format!("{} numbers, not 4", parts.len())));
    }
    let mut octets = [0u8; 4];
    for (slot, part) in octets.iter_mut().zip(&parts) {
        let part = part.trim();
        if part.is_empty() || part.len() > 3 || !part.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad(format!("'{part}'")));
        }
        let value: u16 = part.parse().map_err(|_| bad(format!("'{part}'")))?;
        *slot = u8::try_from(value).map_err(|_| bad(format!("{value} > 255")))?;
    }
    Ok(Ipv4Addr::from(octets))
}

/// Colon-hex, either case, `::` compression; brackets and `/n` forgiven.
pub fn read_ipv6(input: &str) -> Result<Ipv6Addr, Unreadable> {
    let address = input
        .split('/')
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']');
    address
        .parse()
        .map_err(|_| Unreadable::new("quiz.why.ipv6", address))
}

/// A prefix length: `24`, `/24`, or the dotted mask `255.255.255.0`, or the
/// mask in hex `0xffffff00`.
pub fn read_prefix(input: &str) -> Result<u8, Unreadable> {
    let s = input.trim();
    if s.contains('.') {
        let mask = read_ipv4(s).map_err(|_| Unreadable::new("quiz.why.prefix", s))?;
        return prefix_of(mask).ok_or_else(|| Unreadable::new("quiz.why.mask", s));
    }
    let lower = s.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        let bits =
            u32::from_str_radix(hex, 16).map_err(|_| Unreadable::new("quiz.why.prefix", s))?;
        return prefix_of(Ipv4Addr::from(bits)).ok_or_else(|| Unreadable::new("quiz.why.mask", s));
    }
    let number = s.trim_start_matches('/').trim();
    match number.parse::<u32>() {
        Ok(p) if p <= 32 => Ok(u8::try_from(p).unwrap_or(32)),
        Ok(p) => Err(Unreadable::new("quiz.why.prefix_range", p.to_string())),
        Err(_) => Err(Unreadable::new("quiz.why.prefix", s)),
    }
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    #[test]
    fn true_and_false_are_shown_in_the_students_language_and_accepted_back() {
        for (correct, en, zh) in [(true, "true", "对"), (false, "false", "错")] {
            let kind = QuestionKind::TrueFalse { correct };
            assert_eq!(shown_answer(&kind, Lang::En), en);
            assert_eq!(shown_answer(&kind, Lang::Zh), zh);
            // What the student is shown as the key is an answer `check` marks right.
            for lang in Lang::ALL {
                assert!(check(&kind, &shown_answer(&kind, lang)).is_correct());
            }
        }
        let choice = QuestionKind::FillIn {
            expected: crate::lesson::question::Expected::Number(24),
        };
        assert_eq!(shown_answer(&choice, Lang::Zh), correct_answer(&choice));
    }
}
