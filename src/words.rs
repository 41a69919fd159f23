//! Counted nouns and English articles, so that generated text says "1 byte",
//! "2 bytes", "an IMAP server", "a UDP datagram". Chinese has no plural and no
//! article: its noun entry carries the measure word ("{n} 次 recv()").

use crate::i18n::{Lang, t};

/// `n` with the noun of `key`. The ui.toml entry holds the English singular and
/// plural separated by `|` and the Chinese form; `{n}` marks where the number
/// goes (default: in front, with a space), e.g.
/// `"noun.byte" = { en = "byte|bytes", zh = "{n} 字节" }`.
pub fn count(lang: Lang, n: u64, key: &str) -> String {
    let text = t(lang, key);
    let (one, many) = text.split_once('|').unwrap_or((text, text));
    let noun = if n == 1 { one } else { many };
    if noun.contains("{n}") {
        noun.replace("{n}", &n.to_string())
    } else {
        format!("{n} {noun}")
    }
}

/// English only, for values built in English (the dissector's): "1 byte".
pub fn count_en(n: u64, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Acronyms read as a word, not letter by letter ("a SYN", "a NAT").
const READ_AS_WORDS: &[&str] = &["SYN", "FIN", "NAT", "MAC", "LAN", "WAN", "NIC", "SACK"];

/// "a" or "an" before `word`, by how it is said: acronyms spelled letter by
/// letter start with the letter's name ("an HTTP", "an RST", "a UDP"), other
/// words with their first letter ("an IMAP" is said "eye-map", "an ACK").
pub fn article(word: &str) -> &'static str {
    let head: String = word.chars().take_while(|c| c.is_alphanumeric()).collect();
    let Some(first) = head.chars().next() else {
        return "a";
    };
    let spelled = head.len() > 1
        && head
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && !READ_AS_WORDS.contains(&head.as_str())
        && !matches!(head.as_str(), "IMAP" | "ACK" | "ARP" | "ICMP" | "IGMP");
    let vowel_sound = if spelled {
        // A, E, F (ef), H (aitch), I, L (el), M (em), N (en), O, R (ar), S (es), X (ex)
        "AEFHILMNORSX".contains(first)
    } else {
        let lower = head.to_lowercase();
        "aeiou".contains(first.to_ascii_lowercase())
            && !lower.starts_with("uni")
            && !lower.starts_with("use")
            && !lower.starts_with("one")
    };
    if vowel_sound { "an" } else { "a" }
}

/// `word` with its article: "an IMAP server".
pub fn with_article(word: &str) -> String {
    format!("{} {word}", article(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_chinese_has_no_plural() {
        assert_eq!(count(Lang::En, 1, "noun.byte"), "1 byte");
        assert_eq!(count(Lang::En, 0, "noun.byte"), "0 bytes");
        assert_eq!(count(Lang::En, 2, "noun.byte"), "2 bytes");
        assert_eq!(count(Lang::Zh, 1, "noun.byte"), "1 字节");
        assert_eq!(count(Lang::En, 1, "noun.recv-call"), "1 recv() call");
        assert_eq!(count(Lang::Zh, 3, "noun.recv-call"), "3 次 recv()");
        assert_eq!(count_en(1, "byte", "bytes"), "1 byte");
        assert_eq!(count_en(7, "byte", "bytes"), "7 bytes");
    }

    #[test]
    fn articles_follow_the_sound() {
        for (word, art) in [
            ("IMAP server", "an"),
            ("HTTP server", "an"),
            ("SSH server", "an"),
            ("RST", "an"),
            ("ACK", "an"),
            ("FTP server", "an"),
            ("UDP datagram", "a"),
            ("DNS server", "a"),
            ("SYN", "a"),
            ("FIN", "a"),
            ("TCP segment", "a"),
            ("switch", "a"),
            ("router", "a"),
            ("interface", "an"),
            ("unicast frame", "a"),
            ("hub", "a"),
        ] {
            assert_eq!(article(word), art, "{word}");
        }
        assert_eq!(with_article("IMAP server"), "an IMAP server");
    }
}
