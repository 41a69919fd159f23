//! The built-in lesson data's codec (`codec.rs`) round trip: kept out of
//! `codec.rs` because build.rs and a test crate compile that file too, with a
//! stand-in for the panel parsers.

use super::catalog::{Concept, Curriculum, Glossary, Term};
use super::codec::{decode, decode_curriculum, decode_glossary, encode};
use super::model::{Lesson, PanelLink, Step};
use super::panel::PanelArg;
use super::panel_id::PanelId;
use super::question::{Expected, Question, QuestionKind, Topic};
use super::validate::LessonSet;
use crate::i18n::Text;

fn text(s: &str) -> Text {
    Text::new(s, format!("{s}（中）"))
}

/// Every shape the model has: each question kind and expected answer, an
/// order below zero and none (i64::MAX), links with and without a refused input.
fn sample() -> LessonSet {
    let link = PanelLink::parse(PanelId::Subnet, "10.0.0.1/20").unwrap();
    let refused = PanelLink {
        expect_error: true,
        open: PanelArg::parse(PanelId::Subnet, "10.0.0.1/33", true).unwrap(),
        arg: "10.0.0.1/33".into(),
        panel: PanelId::Subnet,
    };
    let expected = [
        Expected::Text(vec!["a".into(), "b c".into()]),
        Expected::Number(u64::MAX),
        Expected::Binary {
            value: 0b1010,
            width: 8,
        },
        Expected::Ipv4("192.168.1.1".parse().unwrap()),
        Expected::Ipv6("2001:db8::ffff:1".parse().unwrap()),
        Expected::Prefix(24),
        Expected::Mask(0),
    ];
    let mut kinds: Vec<QuestionKind> = expected
        .into_iter()
        .map(|expected| QuestionKind::FillIn { expected })
        .collect();
    kinds.push(QuestionKind::Choice {
        options: vec![text("x"), text("y")],
        correct: 1,
    });
    kinds.push(QuestionKind::TrueFalse { correct: true });
    kinds.push(QuestionKind::Order {
        items: vec![text("1"), text("2")],
        shown: vec![1, 0],
    });
    let questions = kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| Question {
            id: format!("q.{i}"),
            topic: Topic::ALL[i % Topic::ALL.len()],
            concepts: vec!["ip.subnet".into()],
            prompt: text("prompt"),
            kind,
            explanation: text("why"),
            panel: (i % 2 == 0).then(|| link.clone()),
        })
        .collect();
    let step = |panel: Option<PanelLink>| Step {
        title: text("step"),
        body: text("body *with* [markup](x)"),
        notes: Some(text("notes")),
        answer: (panel.is_none()).then(|| text("answer")),
        concepts: vec!["ip.subnet".into(), "ip.mask".into()],
        panel,
    };
    LessonSet {
        lessons: vec![
            Lesson {
                id: "a".into(),
                order: -3,
                title: text("A"),
                summary: Text::default(),
                steps: vec![step(Some(link)), step(Some(refused)), step(None)],
                file: "a.toml".into(),
            },
            Lesson {
                id: "b".into(),
                order: i64::MAX,
                title: text("B"),
                summary: text("sum"),
                steps: vec![],
                file: "b.toml".into(),
            },
        ],
        curriculum: Curriculum {
            concepts: vec![Concept {
                id: "ip.subnet".into(),
                title: text("c"),
                correction: true,
            }],
        },
        glossary: Glossary {
            terms: vec![Term {
                en: "subnet".into(),
                zh: "子网".into(),
                note: Some(text("n")),
                rejected: vec!["子网络".into()],
            }],
        },
        questions,
    }
}

#[test]
fn every_shape_reads_back_as_written() {
    let set = sample();
    let out = encode(&set);
    let back = decode(&out.structure, &out.texts).unwrap();
    assert_eq!(back.lessons, set.lessons);
    assert_eq!(back.questions, set.questions);
    assert_eq!(back.curriculum, set.curriculum);
    assert_eq!(back.glossary, set.glossary);
    assert_eq!(
        decode_curriculum(&out.structure, &out.texts).unwrap(),
        set.curriculum
    );
    assert_eq!(
        decode_glossary(&out.structure, &out.texts).unwrap(),
        set.glossary
    );
    // "ip.subnet", "why", "prompt" … are written once.
    assert_eq!(out.texts.matches("prompt（中）").count(), 1);
}

#[test]
fn damaged_data_is_an_error_not_a_panic() {
    let out = encode(&sample());
    for cut in 0..out.structure.len() {
        assert!(
            decode(&out.structure[..cut], &out.texts).is_err(),
            "cut at {cut}"
        );
    }
    let mut longer = out.structure.clone();
    longer.push(0);
    assert!(decode(&longer, &out.texts).is_err());
    assert!(decode(&out.structure, &out.texts[..out.texts.len() / 2]).is_err());
    assert!(decode(&[0xff; 12], "").is_err());
}

#[test]
fn a_link_its_panel_refuses_names_the_file_and_the_argument() {
    let mut set = sample();
    set.lessons[0].steps[2].panel = Some(PanelLink {
        panel: PanelId::Osi,
        arg: "layer=9".into(),
        open: PanelArg::Lessons,
        expect_error: false,
    });
    let out = encode(&set);
    let err = decode(&out.structure, &out.texts).unwrap_err();
    assert!(
        err.starts_with("a.toml: panel osi 'layer=9': layer='9' must be 1 to 7"),
        "{err}"
    );
}
