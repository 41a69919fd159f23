use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::i18n::Text;
use crate::quiz::generators;

fn generated(id: &str, seed: u64) -> Question {
    let g = generators::by_id(id).unwrap();
    (g.make)(&mut ChaCha8Rng::seed_from_u64(seed))
}

#[test]
fn the_same_case_has_one_id_and_different_cases_have_different_ids() {
    // Over many seeds: equal instance ids exactly when the questions are equal.
    for g in generators::all() {
        let mut by_id: BTreeMap<String, Question> = BTreeMap::new();
        for seed in 0..60 {
            let q = generated(g.id, seed);
            let id = instance_id(&q);
            assert!(id.starts_with(&format!("{}#", g.id)), "{id}");
            assert_eq!(item_id(&id), g.id);
            if let Some(seen) = by_id.get(&id) {
                assert_eq!(seen.prompt, q.prompt, "{id} names two questions");
            }
            for (other_id, other) in &by_id {
                if other.prompt == q.prompt && other.kind == q.kind {
                    assert_eq!(*other_id, id, "one question, two ids");
                }
            }
            by_id.insert(id, q);
        }
        assert!(by_id.len() > 1, "{}: every seed gave one case", g.id);
    }
}

#[test]
fn shuffling_the_options_keeps_the_id_and_the_answer_value() {
    let q = generators::all()
        .iter()
        .map(|g| generated(g.id, 7))
        .find(|q| matches!(q.kind, QuestionKind::Choice { .. }))
        .unwrap();
    let QuestionKind::Choice { options, correct } = q.kind.clone() else {
        unreachable!()
    };
    let mut reversed = q.clone();
    let n = options.len();
    reversed.kind = QuestionKind::Choice {
        options: options.iter().rev().cloned().collect(),
        correct: n - 1 - correct,
    };
    assert_eq!(instance_id(&q), instance_id(&reversed));
    let right = options[correct].en.clone();
    let first = crate::lesson::question::letter(correct).to_string();
    let second = crate::lesson::question::letter(n - 1 - correct).to_string();
    assert_eq!(answer_value(&q.kind, &first), right);
    assert_eq!(answer_value(&reversed.kind, &second), right);
    assert_eq!(answer_value(&q.kind, "zzz"), "zzz");
}

#[test]
fn an_authored_question_is_its_own_instance() {
    let q = Question {
        id: "osi.arp-carrier".into(),
        topic: crate::lesson::Topic::Osi,
        concepts: vec![],
        prompt: Text::new("p", "p"),
        kind: QuestionKind::TrueFalse { correct: true },
        explanation: Text::new("e", "e"),
        panel: None,
    };
    assert_eq!(instance_id(&q), "osi.arp-carrier");
    assert_eq!(item_id("osi.arp-carrier"), "osi.arp-carrier");
}

#[test]
fn an_order_answer_is_kept_as_the_items_named() {
    let kind = QuestionKind::Order {
        items: vec![
            Text::new("A", "A"),
            Text::new("B", "B"),
            Text::new("C", "C"),
        ],
        shown: vec![2, 0, 1],
    };
    // Shown: a) C, b) A, c) B; the right order is b c a.
    assert_eq!(answer_value(&kind, "b c a"), "A > B > C");
    assert_eq!(answer_value(&kind, "a b c"), "C > A > B");
}
