//! Binary ↔ decimal octets: the place values 128 64 32 16 8 4 2 1.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Generator, Tier, link, pick, text};
use crate::lesson::{Expected, PanelId, Question, QuestionKind, Topic};

pub const GENERATORS: &[Generator] = &[
    Generator {
        id: "gen.binary.to-binary",
        topic: Topic::Binary,
        tier: Tier::Basic,
        make: to_binary,
    },
    Generator {
        id: "gen.binary.to-decimal",
        topic: Topic::Binary,
        tier: Tier::Basic,
        make: to_decimal,
    },
];

/// Octets seen in masks and addresses come up more often than noise.
const MASK_OCTETS: &[u8] = &[0, 128, 192, 224, 240, 248, 252, 254, 255];

fn octet(rng: &mut ChaCha8Rng) -> u8 {
    if rng.random_bool(0.3) {
        *pick(rng, MASK_OCTETS)
    } else {
        rng.random()
    }
}

/// "172 = 128 + 32 + 8 + 4": the place values whose bits are set.
pub fn place_sum(value: u8) -> String {
    let parts: Vec<String> = (0..8)
        .rev()
        .filter(|bit| value & (1 << bit) != 0)
        .map(|bit| (1u16 << bit).to_string())
        .collect();
    if parts.is_empty() {
        "0".to_string()
    } else {
        parts.join(" + ")
    }
}

fn explain(value: u8) -> (String, String) {
    let bits = format!("{value:08b}");
    let sum = place_sum(value);
    (
        format!(
            "The eight bits of an octet are worth 128 64 32 16 8 4 2 1. {value} = {sum}, so the bits set are those places: {bits}."
        ),
        format!(
            "一个字节的八位分别代表 128 64 32 16 8 4 2 1。{value} = {sum}，把这些位置为 1：{bits}。"
        ),
    )
}

fn to_binary(rng: &mut ChaCha8Rng) -> Question {
    let value = octet(rng);
    let (en, zh) = explain(value);
    Question {
        id: "gen.binary.to-binary".into(),
        topic: Topic::Binary,
        concepts: vec!["addr.ipv4".into()],
        prompt: text(
            format!("Write the octet {value} as 8 binary digits."),
            format!("把字节 {value} 写成 8 位二进制。"),
        ),
        kind: QuestionKind::FillIn {
            expected: Expected::Binary {
                value: u32::from(value),
                width: 8,
            },
        },
        explanation: text(en, zh),
        panel: link(PanelId::Subnet, format!("192.168.1.{value}/24")),
    }
}

fn to_decimal(rng: &mut ChaCha8Rng) -> Question {
    let value = octet(rng);
    let (en, zh) = explain(value);
    Question {
        id: "gen.binary.to-decimal".into(),
        topic: Topic::Binary,
        concepts: vec!["addr.ipv4".into()],
        prompt: text(
            format!("What is the binary octet {value:08b} in decimal?"),
            format!("二进制字节 {value:08b} 等于十进制的多少？"),
        ),
        kind: QuestionKind::FillIn {
            expected: Expected::Number(u64::from(value)),
        },
        explanation: text(en, zh),
        panel: link(PanelId::Subnet, format!("192.168.1.{value}/24")),
    }
}
