//! The event streams a front end draws from agree with the final report.

use std::sync::mpsc;

use nettutor::lab::{self, Cancel, LabEvent, LabName, LabParams, LabReport};
use serde_json::Value;

fn record(lab_name: LabName, pairs: &[&str]) -> (Vec<LabEvent>, Value, LabReport) {
    let params = LabParams::from_pairs(lab_name, pairs.iter().copied()).unwrap();
    let (tx, rx) = mpsc::channel();
    let report = lab::run_lab(&params, &tx, &Cancel::new()).unwrap();
    drop(tx);
    let events: Vec<LabEvent> = rx.iter().collect();
    let json = serde_json::to_value(&report).unwrap();
    (events, json, report)
}

#[test]
fn sticky_events_line_up_byte_for_byte_with_the_report() {
    let (events, json, _) = record(LabName::Sticky, &["count=12", "delay=100"]);
    let sent: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::Sent { len, .. } => Some(*len),
            _ => None,
        })
        .collect();
    let received: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::Received { len, .. } => Some(*len),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 12);
    assert_eq!(received.len() as u64, json["recvs"].as_u64().unwrap());
    assert_eq!(sent.iter().sum::<usize>(), received.iter().sum::<usize>());
    let reads: Vec<usize> = serde_json::from_value(json["reads"].clone()).unwrap();
    assert_eq!(reads, received);
    // The first read shows the first message at its start.
    let first = events.iter().find_map(|e| match e {
        LabEvent::Received { preview, .. } => Some(preview.clone()),
        _ => None,
    });
    assert!(first.unwrap().starts_with("hello-0hello-1"));
}

#[test]
fn udp_loss_datagram_events_are_the_received_ones() {
    let (events, json, _) = record(LabName::UdpLoss, &["count=3000"]);
    let seqs: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::Datagram {
                seq,
                received: true,
            } => Some(*seq),
            _ => None,
        })
        .collect();
    assert_eq!(seqs.len() as u64, json["received"].as_u64().unwrap());
    assert!(seqs.iter().all(|s| *s < 3000));
    let phases: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::Phase { key } => Some(*key),
            _ => None,
        })
        .collect();
    assert_eq!(phases, ["lab.udp-loss.phase.udp", "lab.udp-loss.phase.tcp"]);
    assert!(events.iter().any(|e| matches!(
        e,
        LabEvent::Progress {
            done: 3000,
            total: 3000
        }
    )));
}

#[test]
fn port_in_use_sends_one_step_event_per_step() {
    let (events, json, _) = record(LabName::PortInUse, &[]);
    let steps: Vec<(&str, bool)> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::Step { name, ok, .. } => Some((*name, *ok)),
            _ => None,
        })
        .collect();
    let from_json: Vec<(String, bool)> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_string(),
                s["ok"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(steps.len(), from_json.len());
    for ((a, ok_a), (b, ok_b)) in steps.iter().zip(&from_json) {
        assert_eq!((*a, *ok_a), (b.as_str(), *ok_b));
    }
}

#[test]
fn summaries_exist_in_both_languages_and_differ() {
    use nettutor::i18n::Lang;
    let (_, _, report) = record(LabName::UdpBoundaries, &["delay=0"]);
    let en = report.summary(Lang::En);
    let zh = report.summary(Lang::Zh);
    assert!(
        en.contains("datagram") && zh.contains("数据报"),
        "{en}\n{zh}"
    );
    assert_ne!(en, zh);
    // No placeholder left unfilled.
    assert!(!en.contains('{') && !zh.contains('{'), "{en}\n{zh}");
}

#[test]
fn events_serialise_for_recording() {
    let ev = LabEvent::Sent { index: 3, len: 7 };
    assert_eq!(
        serde_json::to_string(&ev).unwrap(),
        r#"{"event":"sent","index":3,"len":7}"#
    );
}

/// `{name}` left in a text means a placeholder was not filled.
fn unfilled_placeholder(text: &str) -> Option<&str> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(close) = after.find('}') {
            let name = &after[..close];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Some(name);
            }
        }
        rest = after;
    }
    None
}

#[test]
fn every_summary_fills_every_placeholder_in_both_languages() {
    use nettutor::i18n::Lang;
    let quick: &[(LabName, &[&str])] = &[
        (LabName::Sticky, &["delay=0"]),
        (LabName::Split, &[]),
        (
            LabName::Framing,
            &["count=4", "delay=0", "pause=10", "gap=1"],
        ),
        (LabName::UdpBoundaries, &["delay=0"]),
        (LabName::UdpTruncate, &[]),
        (LabName::UdpLoss, &["count=500", "predict=3"]),
        (LabName::PortInUse, &[]),
        (LabName::Chat, &[]),
        (LabName::Time, &["transport=udp"]),
        (LabName::Unix, &["count=10"]),
        (LabName::Throughput, &["seconds=1", "predict=1000"]),
    ];
    for (lab_name, pairs) in quick {
        let (_, _, report) = record(*lab_name, pairs);
        for lang in Lang::ALL {
            let text = report.summary(lang);
            assert!(
                unfilled_placeholder(&text).is_none(),
                "{lab_name} {lang}: {text}"
            );
            assert!(text.lines().count() >= 3, "{lab_name} {lang}: {text}");
        }
    }
}
