//! Answer parsing, as a table: what each checker accepts, what it calls wrong,
//! and which forms get their own reason ("not an IPv4 address") instead.

use std::net::{Ipv4Addr, Ipv6Addr};

use nettutor::i18n::{Lang, Text};
use nettutor::quiz::answer::{check, correct_answer};
use nettutor::quiz::{Expected, QuestionKind, Verdict};

/// R = right, W = wrong, U(key) = unreadable with that reason, N = no answer.
#[derive(Debug)]
enum Want {
    R,
    W,
    U(&'static str),
    N,
}
use Want::{N, R, U, W};

fn assert_table(kind: &QuestionKind, rows: &[(&str, Want)]) {
    for (input, want) in rows {
        let got = check(kind, input);
        let ok = match (want, &got) {
            (R, Verdict::Correct) | (W, Verdict::Wrong) | (N, Verdict::NoAnswer) => true,
            (U(key), Verdict::Unreadable(why)) => why.key == *key,
            _ => false,
        };
        assert!(
            ok,
            "{kind:?}: input {input:?}: wanted {want:?}, got {got:?}"
        );
    }
    // The written-out right answer is itself accepted.
    assert_eq!(
        check(kind, &correct_answer(kind)),
        Verdict::Correct,
        "{kind:?}"
    );
}

fn fill(expected: Expected) -> QuestionKind {
    QuestionKind::FillIn { expected }
}

#[test]
fn ipv4_answers() {
    let kind = fill(Expected::Ipv4(Ipv4Addr::new(192, 168, 21, 0)));
    assert_table(
        &kind,
        &[
            ("192.168.21.0", R),
            ("  192.168.21.0  ", R),
            ("192.168.021.000", R),
            ("192.168.21.0/24", R),
            ("192.168.21.1", W),
            ("", N),
            ("   ", N),
            ("192.168.21", U("quiz.why.ipv4")),
            ("192.168.21.256", U("quiz.why.ipv4")),
            ("192.168.21.x", U("quiz.why.ipv4")),
            ("hello", U("quiz.why.ipv4")),
        ],
    );
    let Verdict::Unreadable(why) = check(&kind, "192.168.21") else {
        panic!()
    };
    assert!(
        why.text(Lang::En).starts_with("Not an IPv4 address"),
        "{}",
        why.text(Lang::En)
    );
    assert!(why.text(Lang::Zh).contains("不是 IPv4 地址"));
}

#[test]
fn prefix_answers_accept_slash_bare_and_dotted_masks() {
    let kind = fill(Expected::Prefix(24));
    assert_table(
        &kind,
        &[
            ("/24", R),
            ("24", R),
            (" / 24 ", R),
            ("255.255.255.0", R),
            ("0xffffff00", R),
            ("0xFFFFFF00", R),
            ("/25", W),
            ("255.255.255.128", W),
            ("255.0.255.0", U("quiz.why.mask")),
            ("33", U("quiz.why.prefix_range")),
            ("twenty-four", U("quiz.why.prefix")),
        ],
    );
}

#[test]
fn mask_answers_accept_prefixes_too() {
    let kind = fill(Expected::Mask(20));
    assert_table(
        &kind,
        &[
            ("255.255.240.0", R),
            ("/20", R),
            ("20", R),
            ("255.255.248.0", W),
            ("255.255.0.240", U("quiz.why.mask")),
        ],
    );
    assert_eq!(correct_answer(&kind), "255.255.240.0");
}

#[test]
fn ipv6_answers_ignore_case_and_compression() {
    let kind = fill(Expected::Ipv6(
        "2001:db8::ff00:42:8329".parse::<Ipv6Addr>().unwrap(),
    ));
    assert_table(
        &kind,
        &[
            ("2001:db8::ff00:42:8329", R),
            ("2001:DB8::FF00:42:8329", R),
            ("2001:0db8:0000:0000:0000:ff00:0042:8329", R),
            ("[2001:db8::ff00:42:8329]", R),
            ("2001:db8::ff00:42:8328", W),
            ("2001:db8:::1", U("quiz.why.ipv6")),
            ("192.168.1.1", U("quiz.why.ipv6")),
        ],
    );
}

#[test]
fn numbers_binary_and_hex() {
    assert_table(
        &fill(Expected::Number(65534)),
        &[
            ("65534", R),
            ("65,534", R),
            ("65 534", R),
            ("0xFFFE", R),
            ("0xfffe", R),
            ("65535", W),
            ("lots", U("quiz.why.number")),
        ],
    );
    assert_table(
        &fill(Expected::Binary {
            value: 36,
            width: 8,
        }),
        &[
            ("00100100", R),
            ("0010 0100", R),
            ("0b100100", R),
            ("100100", R),
            ("00100101", W),
            ("00120100", U("quiz.why.binary")),
        ],
    );
}

#[test]
fn text_answers_ignore_case_underscores_and_spaces() {
    let kind = fill(Expected::Text(vec!["SYN_SENT".into(), "SYN-SENT".into()]));
    assert_table(
        &kind,
        &[
            ("syn_sent", R),
            ("SYN SENT", R),
            ("syn-sent.", R),
            ("SYN_RECEIVED", W),
        ],
    );
}

fn options(n: usize) -> Vec<Text> {
    (0..n)
        .map(|i| Text::new(format!("option {i}"), format!("选项 {i}")))
        .collect()
}

#[test]
fn choice_true_false_and_order() {
    let choice = QuestionKind::Choice {
        options: options(4),
        correct: 1,
    };
    assert_table(
        &choice,
        &[
            ("b", R),
            ("B", R),
            (" b) ", R),
            ("2", R),
            ("option 1", R),
            ("选项 1", R),
            ("a", W),
            ("e", U("quiz.why.no_option")),
            ("7", U("quiz.why.no_option")),
            ("maybe", U("quiz.why.choice")),
        ],
    );
    let tf = QuestionKind::TrueFalse { correct: false };
    assert_table(
        &tf,
        &[
            ("false", R),
            ("F", R),
            ("no", R),
            ("错", R),
            ("true", W),
            ("对", W),
            ("perhaps", U("quiz.why.bool")),
        ],
    );
    // Shown as a) item2 b) item0 c) item1: the right order is b c a.
    let order = QuestionKind::Order {
        items: options(3),
        shown: vec![2, 0, 1],
    };
    assert_eq!(correct_answer(&order), "b c a");
    assert_table(
        &order,
        &[
            ("b c a", R),
            ("bca", R),
            ("B, C, A", R),
            ("2 3 1", R),
            ("b->c->a", R),
            ("a b c", W),
            ("b c", U("quiz.why.order")),
            ("b b a", U("quiz.why.order")),
            ("b c d", U("quiz.why.order")),
        ],
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn kinds() -> Vec<QuestionKind> {
        vec![
            fill(Expected::Ipv4(Ipv4Addr::new(10, 0, 0, 1))),
            fill(Expected::Ipv6(Ipv6Addr::LOCALHOST)),
            fill(Expected::Prefix(24)),
            fill(Expected::Mask(20)),
            fill(Expected::Number(65534)),
            fill(Expected::Binary {
                value: 36,
                width: 8,
            }),
            fill(Expected::Text(vec!["datagram".into()])),
            QuestionKind::Choice {
                options: options(4),
                correct: 2,
            },
            QuestionKind::TrueFalse { correct: true },
            QuestionKind::Order {
                items: options(5),
                shown: vec![4, 2, 0, 1, 3],
            },
        ]
    }

    proptest! {
        /// Any typed text gets a verdict, never a panic; only the empty answer is
        /// "no answer".
        #[test]
        fn any_input_gets_a_verdict(input in "\\PC{0,40}") {
            for kind in kinds() {
                let verdict = check(&kind, &input);
                prop_assert_eq!(verdict == Verdict::NoAnswer, input.trim().is_empty());
            }
        }

        /// Every IPv4 address is read back from its dotted form, with spaces.
        #[test]
        fn dotted_addresses_round_trip(bits in any::<u32>(), left in " {0,3}", right in " {0,3}") {
            let address = Ipv4Addr::from(bits);
            let kind = fill(Expected::Ipv4(address));
            prop_assert_eq!(check(&kind, &format!("{left}{address}{right}")), Verdict::Correct);
        }

        /// A prefix question accepts n, /n and the dotted mask of n, and nothing else.
        #[test]
        fn prefixes_in_every_form(p in 0u8..=32, q in 0u8..=32) {
            let kind = fill(Expected::Prefix(p));
            let mask = nettutor::lesson::question::mask_of(q);
            for typed in [q.to_string(), format!("/{q}"), mask.to_string()] {
                prop_assert_eq!(check(&kind, &typed).is_correct(), p == q, "{}", typed);
            }
        }
    }
}
