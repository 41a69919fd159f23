//! The whole curriculum is taught: every concept of `lessons/curriculum.toml` has a
//! lesson step in English and in Chinese, every concept marked as a correction is
//! taught with a callout ("You may have read …") in both languages, and the
//! concept list matches the shared curriculum when that file is present.
#![allow(clippy::unwrap_used)]

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

#[test]
fn concept_ids_match_the_shared_curriculum() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/curriculum.md");
    let Ok(text) = std::fs::read_to_string(&shared) else {
        eprintln!("skipping: the shared curriculum is not beside the checkout");
        return;
    };
    // Concept lines look like "- `osi.layers` — …".
    let wanted: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("- `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| id.contains('.') && !id.contains(' '))
        .map(str::to_string)
        .collect();
    let set = LessonSet::embedded().unwrap();
    let have: BTreeSet<String> = set
        .curriculum
        .concepts
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert!(
        wanted.len() >= 40,
        "parsed {} ids from the shared curriculum",
        wanted.len()
    );
    assert_eq!(
        have, wanted,
        "lessons/curriculum.toml and the shared curriculum differ"
    );
    let corrections: BTreeSet<String> = text
        .split("\n- `")
        .skip(1)
        .filter(|chunk| chunk.contains("**Correct:**"))
        .filter_map(|chunk| chunk.split('`').next())
        .map(str::to_string)
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
