//! Issue 15's fairness, measured over many seeds: every seed gets the same mix
//! of generators and difficulty tiers (per-student variants of equal
//! difficulty), the right answer of a choice question sits at every position
//! about equally often (authored options are shuffled by the seed, not left
//! with "a" first), and instance ids name the question a student saw.

use std::collections::{BTreeMap, BTreeSet};

use nettutor::lesson::{LessonSet, Question, QuestionKind, Topic};
use nettutor::quiz::generators;
use nettutor::quiz::identity::instance_id;
use nettutor::quiz::session::{QuizSpec, Slot, authored_tier, build, plan};

fn bank() -> Vec<Question> {
    LessonSet::embedded().unwrap().questions
}

fn quiz(seed: u64, count: usize, topics: &[Topic], bank: &[Question]) -> Vec<Question> {
    let spec = QuizSpec {
        topics: topics.to_vec(),
        count,
        seed,
    };
    build(&spec, bank, &[])
}

/// What a question is, up to its case: its generator (and tier), or "an
/// authored question of topic T and tier X".
fn kind_of(q: &Question) -> String {
    match generators::by_id(&q.id) {
        Some(g) => format!("{} ({})", g.id, g.tier.name()),
        None => format!("authored {} ({})", q.topic, authored_tier(q).name()),
    }
}

fn mix(questions: &[Question]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for q in questions {
        *out.entry(kind_of(q)).or_insert(0) += 1;
    }
    out
}

#[test]
fn every_seed_gets_the_same_mix_of_generators_and_tiers() {
    let bank = bank();
    for (count, topics) in [
        (10, vec![]),
        (16, vec![]),
        (25, vec![]),
        (7, vec![Topic::Subnet, Topic::Tcp]),
    ] {
        let first = mix(&quiz(0, count, &topics, &bank));
        assert_eq!(first.values().sum::<usize>(), count);
        let mut orders = BTreeSet::new();
        for seed in 1..150 {
            let q = quiz(seed, count, &topics, &bank);
            assert_eq!(mix(&q), first, "seed {seed}, {count} questions");
            orders.insert(q.iter().map(kind_of).collect::<Vec<_>>());
        }
        // The seed still orders the quiz (and draws every case).
        assert!(orders.len() > 100, "{count}: only {} orders", orders.len());
    }
}

#[test]
fn the_plan_alternates_tiers_within_a_topic() {
    // Subnet asked three times: three different tiers, not the first three
    // generators of one tier.
    let slots = plan(&[Topic::Subnet], &[], 3);
    let tiers: BTreeSet<_> = slots
        .iter()
        .map(|s| match s {
            nettutor::quiz::session::Slot::Generated { tier, .. } => *tier,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(tiers.len(), 3, "{slots:?}");
}

#[test]
fn authored_questions_have_tiers_and_the_plan_alternates_them() {
    let bank = bank();
    // The shipped questions span the tiers.
    let tiers: BTreeSet<_> = bank.iter().map(authored_tier).collect();
    assert!(tiers.len() >= 2, "{tiers:?}");
    // In a topic whose authored questions have several tiers, the authored
    // places take one of each tier before any tier twice.
    let mut checked = 0;
    for topic in Topic::ALL {
        let of_topic: Vec<&Question> = bank.iter().filter(|q| q.topic == *topic).collect();
        let distinct: BTreeSet<_> = of_topic.iter().map(|q| authored_tier(q)).collect();
        if distinct.len() < 2 {
            continue;
        }
        let slots = plan(&[*topic], &of_topic, 2 * of_topic.len() + 10);
        let authored: Vec<_> = slots
            .iter()
            .filter_map(|s| match s {
                Slot::Authored { tier, .. } => Some(*tier),
                Slot::Generated { .. } => None,
            })
            .collect();
        assert_eq!(authored.len(), of_topic.len(), "{topic}: each used once");
        let first: BTreeSet<_> = authored[..distinct.len()].iter().copied().collect();
        assert_eq!(first, distinct, "{topic}: {authored:?}");
        checked += 1;
    }
    assert!(checked > 0, "no topic with authored questions of two tiers");
    // Every seed of one quiz gets the same authored tiers (the questions
    // themselves are the seed's pick within a tier).
    let tiers_of = |seed| {
        let mut t: Vec<_> = quiz(seed, 30, &[], &bank)
            .iter()
            .filter(|q| generators::by_id(&q.id).is_none())
            .map(authored_tier)
            .collect();
        t.sort();
        t
    };
    let first = tiers_of(0);
    assert!(
        first.iter().collect::<BTreeSet<_>>().len() >= 2,
        "{first:?}"
    );
    let mut picks = BTreeSet::new();
    for seed in 1..60 {
        assert_eq!(tiers_of(seed), first, "seed {seed}");
        picks.insert(
            quiz(seed, 30, &[], &bank)
                .iter()
                .filter(|q| generators::by_id(&q.id).is_none())
                .map(|q| q.id.clone())
                .collect::<Vec<_>>(),
        );
    }
    assert!(picks.len() > 10, "the seed still picks the questions");
}

#[test]
fn the_right_answer_sits_at_every_position_about_equally_often() {
    let bank = bank();
    // For each number of options n: how often the right answer was at i.
    let mut at: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for seed in 0..400 {
        for q in quiz(seed, 20, &[], &bank) {
            if let QuestionKind::Choice { options, correct } = &q.kind {
                at.entry(options.len())
                    .or_insert_with(|| vec![0; options.len()])[*correct] += 1;
            }
        }
    }
    for (n, counts) in &at {
        let total: usize = counts.iter().sum();
        if total < 200 {
            continue;
        }
        for (i, c) in counts.iter().enumerate() {
            let share = *c as f64 / total as f64;
            let fair = 1.0 / *n as f64;
            assert!(
                (share - fair).abs() < 0.06,
                "{n} options: the answer was at {i} in {c} of {total} ({share:.2}, fair {fair:.2}): {counts:?}"
            );
        }
    }
    assert!(at.values().flatten().sum::<usize>() > 1000);
}

#[test]
fn an_authored_choice_moves_its_answer_with_the_seed() {
    let bank = bank();
    let authored: Vec<&Question> = bank
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Choice { .. }))
        .collect();
    assert!(!authored.is_empty());
    let mut positions: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for seed in 0..200 {
        for q in quiz(seed, 40, &[], &bank) {
            if let QuestionKind::Choice { options, correct } = &q.kind
                && generators::by_id(&q.id).is_none()
            {
                positions.entry(q.id.clone()).or_default().insert(*correct);
                // The options are the authored ones, reordered.
                let original = authored.iter().find(|a| a.id == q.id).unwrap();
                let QuestionKind::Choice {
                    options: theirs,
                    correct: right,
                } = &original.kind
                else {
                    unreachable!()
                };
                assert_eq!(options[*correct], theirs[*right], "{}", q.id);
                let mut a: Vec<_> = options.iter().map(|o| &o.en).collect();
                let mut b: Vec<_> = theirs.iter().map(|o| &o.en).collect();
                a.sort();
                b.sort();
                assert_eq!(a, b, "{}", q.id);
            }
        }
    }
    for (id, seen) in &positions {
        assert!(seen.len() >= 2, "{id}: the answer is always at {seen:?}");
    }
}

#[test]
fn instance_ids_name_what_was_asked() {
    let bank = bank();
    let a = quiz(5, 30, &[], &bank);
    let b = quiz(5, 30, &[], &bank);
    let ids = |q: &[Question]| q.iter().map(instance_id).collect::<Vec<_>>();
    // Two students with one seed: the same instances.
    assert_eq!(ids(&a), ids(&b));
    let unique: BTreeSet<String> = ids(&a).into_iter().collect();
    // Generated questions of one generator in one quiz have their own ids.
    assert!(unique.len() >= a.len() - 2, "{unique:?}");
    // Another seed: the generated cases (mostly) differ, so the ids do.
    let other: BTreeSet<String> = ids(&quiz(6, 30, &[], &bank)).into_iter().collect();
    let generated_shared = unique
        .intersection(&other)
        .filter(|id| id.contains('#'))
        .count();
    assert!(
        generated_shared < 5,
        "{generated_shared} shared generated ids"
    );
}
