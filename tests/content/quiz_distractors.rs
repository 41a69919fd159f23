//! Every generated choice question has exactly one right option, by the tutor's
//! own logic: over 1,000 seeds for every generator, each distractor is fed to the
//! answer checker and must be rejected, both as the option picked (its letter,
//! its text in either language) and as a fill-in answer read with the forgiving
//! checker of the key's kind (so "/24" cannot hide beside "255.255.255.0", nor
//! "65,534" beside "65534"). Distractors that another accepted convention makes
//! right (RFC 791's "internet datagram", IEEE 802.3's physical layer, layer-3
//! switches, a FIN that carries the ACK, the real listener that stays in LISTEN)
//! must not be offered. The generated text itself is checked too: no untranslated
//! English in the Chinese, no doubled words, the right English article.

use std::net::{Ipv4Addr, Ipv6Addr};

use nettutor::i18n::Text;
use nettutor::lesson::question::{letter, prefix_of};
use nettutor::quiz::answer::read_number;
use nettutor::quiz::generators;
use nettutor::quiz::{Expected, Question, QuestionKind, Verdict, check};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const SEEDS: u64 = 1_000;

fn each_generated(mut f: impl FnMut(&str, u64, &Question)) {
    let all = generators::all();
    assert!(all.len() >= 20, "only {} generators", all.len());
    for g in all {
        for seed in 0..SEEDS {
            let q = (g.make)(&mut ChaCha8Rng::seed_from_u64(seed));
            f(g.id, seed, &q);
        }
    }
}

/// The key as a fill-in answer, read by the checker of its kind.
fn as_fill_in(key: &Text) -> Expected {
    let s = key.en.trim();
    if let Ok(a) = s.parse::<Ipv4Addr>() {
        return match prefix_of(a) {
            Some(p) => Expected::Mask(p),
            None => Expected::Ipv4(a),
        };
    }
    if let Ok(a) = s.parse::<Ipv6Addr>() {
        return Expected::Ipv6(a);
    }
    if let Some(p) = s.strip_prefix('/').and_then(|p| p.parse::<u8>().ok()) {
        return Expected::Prefix(p);
    }
    if let Ok(n) = read_number(s) {
        return Expected::Number(n);
    }
    Expected::Text(vec![key.en.clone(), key.zh.clone()])
}

/// Options (English) that another accepted convention makes right for `q`.
fn also_right(q: &Question, key: &Text) -> Vec<String> {
    let p = &q.prompt.en;
    let mut also = Vec::new();
    match q.id.as_str() {
        "gen.osi.protocol-layer" if p.contains("does Ethernet") => also.push("1 Physical".into()),
        "gen.osi.protocol-layer" if p.contains("a switch") => also.push("3 Network".into()),
        "gen.osi.pdu" if p.contains("network layer") => also.push("datagram".into()),
        "gen.tcp.next-state" => {
            // Only the RFC's abstract model moves the listener out of LISTEN.
            if p.contains("in LISTEN") && !p.contains("RFC 9293's state diagram") {
                also.push("LISTEN".into());
            }
            // A FIN in FIN-WAIT-1 that also acknowledges our FIN leads to TIME-WAIT.
            if p.contains("in FIN-WAIT-1")
                && p.contains("a FIN arrives from the peer")
                && !p.contains("does not yet acknowledge")
            {
                also.push("TIME-WAIT".into());
            }
        }
        "gen.tcp.next-segment" => {
            // "So far: …; client → server: FIN." and the key is the server's ACK:
            // the server's FIN may carry that ACK, unless it already sent its FIN.
            let history = p.split("So far: ").nth(1).unwrap_or("");
            let history = history.split(". Which").next().unwrap_or("");
            let last = history.rsplit("; ").next().unwrap_or("");
            if let Some((closer, receiver)) = last
                .strip_suffix(": FIN")
                .and_then(|pair| pair.split_once(" → "))
            {
                let its_fin = format!("{receiver} → {closer}: FIN");
                if key.en == format!("{receiver} → {closer}: ACK") && !history.contains(&its_fin)
                {
                    also.push(its_fin);
                }
            }
        }
        _ => {}
    }
    also
}

#[test]
fn every_distractor_of_every_generated_question_is_wrong() {
    let mut choice_questions = 0;
    let mut problems = Vec::new();
    each_generated(|id, seed, q| {
        let QuestionKind::Choice { options, correct } = &q.kind else {
            return;
        };
        choice_questions += 1;
        let key = &options[*correct];
        assert_eq!(
            check(&q.kind, &letter(*correct).to_string()),
            Verdict::Correct
        );
        let fill_in = QuestionKind::FillIn {
            expected: as_fill_in(key),
        };
        let also = also_right(q, key);
        for (i, option) in options.iter().enumerate().filter(|(i, _)| i != correct) {
            let wrong = |input: &str| {
                let v = check(&q.kind, input);
                v != Verdict::Correct
            };
            let as_answer = |input: &str| check(&fill_in, input) == Verdict::Correct;
            if !wrong(&letter(i).to_string()) || !wrong(&option.en) || !wrong(&option.zh) {
                problems.push(format!(
                    "{id} seed {seed}: option {i} '{}' is accepted as the answer",
                    option.en
                ));
            }
            if as_answer(&option.en) || as_answer(&option.zh) {
                problems.push(format!(
                    "{id} seed {seed}: distractor '{}' equals the key '{}' under the checker",
                    option.en, key.en
                ));
            }
            if also.contains(&option.en) {
                problems.push(format!(
                    "{id} seed {seed}: distractor '{}' is also right by another convention: {}",
                    option.en, q.prompt.en
                ));
            }
        }
    });
    assert!(
        choice_questions > 5_000,
        "only {choice_questions} choice questions"
    );
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_conventions_check_would_catch_the_old_ambiguities() {
    // The old stems, built by hand: each offered a defensible distractor.
    let q = |id: &str, prompt: &str| Question {
        id: id.into(),
        topic: nettutor::lesson::Topic::Osi,
        concepts: vec![],
        prompt: Text::new(prompt, prompt),
        kind: QuestionKind::TrueFalse { correct: true },
        explanation: Text::new("", ""),
        panel: None,
    };
    let key = |s: &str| Text::new(s, s);
    let cases = [
        (
            q(
                "gen.osi.protocol-layer",
                "At which OSI layer does Ethernet live?",
            ),
            key("2 Data link"),
            "1 Physical",
        ),
        (
            q(
                "gen.osi.protocol-layer",
                "At which OSI layer does a switch work?",
            ),
            key("2 Data link"),
            "3 Network",
        ),
        (
            q(
                "gen.osi.pdu",
                "What is the unit of data called at the network layer (IP)?",
            ),
            key("packet"),
            "datagram",
        ),
        (
            q(
                "gen.tcp.next-state",
                "A TCP endpoint is in LISTEN. Then a SYN arrives (rcv SYN). Which state does it enter?",
            ),
            key("SYN-RECEIVED"),
            "LISTEN",
        ),
        (
            q(
                "gen.tcp.next-segment",
                "A client connects to a server; later the client closes first. So far: client → server: SYN; server → client: SYN-ACK; client → server: ACK; client → server: FIN. Which segment comes next?",
            ),
            key("server → client: ACK"),
            "server → client: FIN",
        ),
    ];
    for (question, k, defensible) in cases {
        assert!(
            also_right(&question, &k).contains(&defensible.to_string()),
            "not caught: {defensible} for {}",
            question.prompt.en
        );
    }
}

/// English words that must not be left in a Chinese question.
const ENGLISH_IN_ZH: &[&str] = &[
    "rcv", "server", "client", "control", " and ", " or ", "the ",
];

/// Acronyms said as words (so "a SYN", "a FIN").
const SAID_AS_WORDS: &[&str] = &[
    "SYN",
    "FIN",
    "SYN-ACK",
    "RST",
    "MAC",
    "NIC",
    "MySQL",
    "PostgreSQL",
    "Redis",
    "Telnet",
];

fn wants_an(word: &str) -> bool {
    let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
    if SAID_AS_WORDS.contains(&bare) {
        return bare.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']);
    }
    let acronym = bare.chars().take(2).all(|c| c.is_ascii_uppercase());
    match bare.chars().next() {
        Some(c) if acronym => "AEFHILMNORSX".contains(c),
        Some(c) => "aeiouAEIOU".contains(c),
        None => false,
    }
}

fn text_problems(id: &str, t: &Text) -> Vec<String> {
    let mut out = Vec::new();
    for word in ENGLISH_IN_ZH {
        if t.zh.contains(word) {
            out.push(format!("{id}: English '{word}' in the Chinese: {}", t.zh));
        }
    }
    let words: Vec<&str> = t.en.split_whitespace().collect();
    for pair in words.windows(2) {
        let (article, next) = (pair[0].to_lowercase(), pair[1]);
        if (article == "a" && wants_an(next)) || (article == "an" && !wants_an(next)) {
            out.push(format!("{id}: '{} {next}' in: {}", pair[0], t.en));
        }
        if pair[0].trim_matches(['(', ')']) == next.trim_matches(['(', ')', '.', ',']) {
            out.push(format!("{id}: doubled '{next}' in: {}", t.en));
        }
    }
    // "close() (close())": a parenthesis that repeats what stands before it.
    for (lang, s) in [("en", &t.en), ("zh", &t.zh)] {
        for (open, _) in s.match_indices(['(', '（']) {
            let rest = &s[open + s[open..].chars().next().map_or(1, char::len_utf8)..];
            let inner = rest.split([')', '）']).next().unwrap_or("");
            if !inner.is_empty() && s[..open].trim_end().ends_with(inner) {
                out.push(format!(
                    "{id}: '{inner}' repeated in parentheses ({lang}): {s}"
                ));
            }
        }
    }
    out
}

#[test]
fn generated_text_has_no_english_in_chinese_doubled_words_or_wrong_articles() {
    let mut problems = std::collections::BTreeMap::new();
    each_generated(|id, seed, q| {
        let mut texts = vec![q.prompt.clone(), q.explanation.clone()];
        if let QuestionKind::Choice { options, .. } = &q.kind {
            texts.extend(options.iter().cloned());
        }
        for t in &texts {
            for p in text_problems(id, t) {
                problems.entry(p).or_insert(seed);
            }
        }
    });
    let list: Vec<String> = problems
        .iter()
        .map(|(p, seed)| format!("{p} (seed {seed})"))
        .collect();
    assert!(
        list.is_empty(),
        "{} problems:\n{}",
        list.len(),
        list.join("\n")
    );
}

#[test]
fn the_text_checks_catch_the_old_strings() {
    let old = [
        Text::new(
            "Which port does a IMAP server listen on by default?",
            "IMAP 服务器默认监听哪个端口？",
        ),
        Text::new(
            "Which port does a DHCP (server) server listen on by default?",
            "DHCP (server) 服务器默认监听哪个端口？",
        ),
        Text::new(
            "Then the application calls close() (close()).",
            "接着应用程序调用 close()（close()）。",
        ),
        Text::new("ok", "接着收到一个 SYN（rcv SYN）。"),
        Text::new("ok", "FTP (control) 使用 21 端口（TCP）。"),
    ];
    for t in &old {
        assert!(!text_problems("old", t).is_empty(), "not caught: {t:?}");
    }
    assert!(
        text_problems(
            "new",
            &Text::new(
                "Which port does an IMAP server use? A SYN, a FIN, an ACK.",
                "好"
            )
        )
        .is_empty()
    );
}
