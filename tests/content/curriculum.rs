//! The whole curriculum is taught: every concept of `lessons/curriculum.toml` has a
//! lesson step in English and in Chinese, every concept marked as a correction is
//! taught with a callout ("You may have read …") in both languages, and the
//! concept list matches the shared curriculum (`curriculum.md`, and the concepts of
//! `curriculum-more.md` taught so far) when those files are present.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use nettutor::lesson::LessonSet;
use nettutor::lesson::markup::{Block, parse};

#[test]
fn every_concept_has_a_step_in_both_languages() {
    let set = LessonSet::embedded().unwrap();
    let mut missing = Vec::new();
    for concept in &set.curriculum.concepts {
        let taught = set.lessons.iter().flat_map(|l| &l.steps).any(|s| {
            s.concepts.contains(&concept.id)
                && !s.body.en.trim().is_empty()
                && !s.body.zh.trim().is_empty()
        });
        if !taught {
            missing.push(concept.id.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "concepts without a lesson step: {missing:?}"
    );
}

#[test]
fn every_correction_is_taught_with_a_callout_in_both_languages() {
    let set = LessonSet::embedded().unwrap();
    let has_callout = |body: &str| parse(body).iter().any(|b| matches!(b, Block::Callout(_)));
    let mut missing = Vec::new();
    for concept in set.curriculum.concepts.iter().filter(|c| c.correction) {
        let taught = set.lessons.iter().flat_map(|l| &l.steps).any(|s| {
            s.concepts.contains(&concept.id) && has_callout(&s.body.en) && has_callout(&s.body.zh)
        });
        if !taught {
            missing.push(concept.id.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "corrections without a '> You may have read …' callout: {missing:?}"
    );
}

/// Concept ids of a shared curriculum file, and those marked **Correct:**.
fn shared_ids(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    // Concept lines look like "- `osi.layers` — …".
    let ids = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("- `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| id.contains('.') && !id.contains(' '))
        .map(str::to_string)
        .collect();
    let corrections = text
        .split("\n- `")
        .skip(1)
        .filter(|chunk| chunk.contains("**Correct:**"))
        .filter_map(|chunk| chunk.split('`').next())
        .map(str::to_string)
        .collect();
    (ids, corrections)
}

/// The concepts of `curriculum-more.md` that issues 18 and 16 teach: they must be in
/// lessons/curriculum.toml. The file's other concepts arrive with later issues.
const TAUGHT_FROM_MORE: &[&str] = &[
    "tcp.not-secure",
    "addr.port-registry",
    "sock.unix",
    // Issue 16: the network layer and TCP's reliability, live.
    "icmp.ping",
    "ip.ttl",
    "ip.routing",
    "ip.fragmentation",
    "tcp.retransmission",
    "tcp.flow-control",
    "tcp.congestion",
    // Issue 19: the new labs.
    "app.dns",
];

#[test]
fn concept_ids_match_the_shared_curriculum() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let (Ok(base), Ok(more)) = (
        std::fs::read_to_string(dir.join("curriculum.md")),
        std::fs::read_to_string(dir.join("curriculum-more.md")),
    ) else {
        common::skip_here(
            "concept_ids_match_the_shared_curriculum",
            "the shared curriculum files are not beside the checkout",
        );
        return;
    };
    let (base_ids, base_corrections) = shared_ids(&base);
    let (more_ids, more_corrections) = shared_ids(&more);
    assert!(
        base_ids.len() >= 40,
        "parsed {} ids from the shared curriculum",
        base_ids.len()
    );
    assert!(
        more_ids.len() >= 15,
        "parsed {} ids from curriculum-more.md",
        more_ids.len()
    );
    let set = LessonSet::embedded().unwrap();
    let have: BTreeSet<String> = set
        .curriculum
        .concepts
        .iter()
        .map(|c| c.id.clone())
        .collect();
    // Every concept of the first file, and no id that neither file lists.
    let missing: Vec<&String> = base_ids.difference(&have).collect();
    assert!(
        missing.is_empty(),
        "curriculum.md concepts missing from lessons/curriculum.toml: {missing:?}"
    );
    let known: BTreeSet<String> = base_ids.union(&more_ids).cloned().collect();
    let unknown: Vec<&String> = have.difference(&known).collect();
    assert!(
        unknown.is_empty(),
        "lessons/curriculum.toml lists ids no shared curriculum has: {unknown:?}"
    );
    for id in TAUGHT_FROM_MORE {
        assert!(
            more_ids.contains(*id),
            "{id} is no longer in curriculum-more.md"
        );
        assert!(
            have.contains(*id),
            "{id} (curriculum-more.md) is not in lessons/curriculum.toml"
        );
    }
    let pending: Vec<&String> = more_ids.difference(&have).collect();
    if !pending.is_empty() {
        eprintln!(
            "curriculum-more.md concepts not yet in lessons/curriculum.toml (later issues): {pending:?}"
        );
    }
    // Correction flags match the Correct: marks of whichever file lists the concept.
    let corrections: BTreeSet<String> = base_corrections
        .union(&more_corrections)
        .filter(|id| have.contains(*id))
        .cloned()
        .collect();
    let marked: BTreeSet<String> = set
        .curriculum
        .concepts
        .iter()
        .filter(|c| c.correction)
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(
        marked, corrections,
        "correction flags match the shared curriculum's Correct: marks"
    );
}
