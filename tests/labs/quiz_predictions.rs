//! The lab-prediction questions checked against the real labs: for generated
//! cases, the lab named by the question's "show me" link is run on loopback
//! with exactly those parameters, and what it observed must be the answer.

use std::collections::BTreeMap;

use nettutor::lab::{Cancel, LabName, LabParams, NullSink, run_lab};
use nettutor::lesson::QuestionKind;
use nettutor::quiz::generators;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The first generated outcome question for each lab, over a range of seeds.
fn one_case_per_lab() -> BTreeMap<String, (String, String)> {
    let outcome = generators::by_id("gen.lab.outcome").unwrap();
    let mut cases = BTreeMap::new();
    for seed in 0..200 {
        let q = (outcome.make)(&mut ChaCha8Rng::seed_from_u64(seed));
        let arg = q.panel.as_ref().unwrap().arg.clone();
        let lab = arg
            .split_whitespace()
            .next()
            .unwrap()
            .trim_start_matches("lab=")
            .to_string();
        let QuestionKind::Choice { options, correct } = &q.kind else {
            panic!()
        };
        cases
            .entry(lab)
            .or_insert((arg, options[*correct].en.clone()));
    }
    cases
}

#[test]
fn predicted_outcomes_are_what_the_labs_observe() {
    let cases = one_case_per_lab();
    assert_eq!(cases.len(), 5, "{cases:?}");
    for (lab, (arg, answer)) in cases {
        let name: LabName = lab.parse().unwrap();
        let mut words: Vec<&str> = arg.split_whitespace().skip(1).collect();
        if lab == "udp-loss" {
            // Fewer datagrams keep the test quick; still far beyond the buffer.
            words.retain(|w| !w.starts_with("count="));
            words.push("count=2000");
        }
        let params = LabParams::from_pairs(name, words.iter().copied()).unwrap();
        let report = run_lab(&params, &NullSink, &Cancel::new()).unwrap();
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        let n = |key: &str| {
            json[key]
                .as_u64()
                .unwrap_or_else(|| panic!("{lab}: no {key} in {json}"))
        };
        match lab.as_str() {
            "sticky" => {
                assert!(answer.starts_with("fewer recvs than sends"), "{answer}");
                assert!(n("recvs") < n("sends"), "{arg}: {json}");
            }
            "udp-boundaries" => {
                assert!(answer.starts_with("one recv per send"), "{answer}");
                assert_eq!(n("received"), n("sent"), "{arg}: {json}");
                assert_eq!(n("merged"), 0);
            }
            "udp-truncate" => {
                assert!(
                    answer.starts_with("recv returns only the first part"),
                    "{answer}"
                );
                // The lab sends a few sizes; find the one the question asked about.
                let size: u64 = words
                    .iter()
                    .find_map(|w| w.strip_prefix("size="))
                    .unwrap()
                    .parse()
                    .unwrap();
                let ours = json["datagrams"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|d| d["sent_len"].as_u64() == Some(size))
                    .unwrap_or_else(|| panic!("{arg}: {json}"));
                assert_eq!(
                    ours["truncated"],
                    serde_json::Value::Bool(true),
                    "{arg}: {json}"
                );
                assert_eq!(ours["received_len"].as_u64(), Some(n("recv_size")));
            }
            "split" => {
                assert!(
                    answer.starts_with("the one send arrives over several recvs"),
                    "{answer}"
                );
                assert!(n("recvs") > 1, "{arg}: {json}");
            }
            "udp-loss" => {
                assert!(answer.starts_with("some messages never arrive"), "{answer}");
                assert!(n("lost") > 0, "{arg}: {json}");
            }
            other => panic!("unexpected lab {other}"),
        }
    }
}
