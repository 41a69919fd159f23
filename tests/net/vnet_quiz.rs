//! Quiz questions from the virtual network's real outcomes
//! (`quiz::generators::net`): each experiment runs for real (`nettutor net
//! run NAME --json`), the questions are generated from its JSON report, and
//! each question's key is checked against the report's own fact — and, where
//! the fact is a law of the protocol, against the law (A ARPs for its
//! gateway, not for C; the TTL drops by one at R; TCP delivers every byte).

use std::path::Path;

use nettutor::lesson::{LessonSet, Question, QuestionKind};
use nettutor::quiz::generators::net::{self, Skipped};
use nettutor::quiz::identity::instance_id;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::vnet_lab::{ONE_LAB, run, run_with};
use crate::common;
use crate::common::run::BIN;

fn questions(name: &str, report: &Value, seed: u64) -> Vec<Question> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    net::from_report(&mut rng, name, report).unwrap()
}

fn by_id<'a>(qs: &'a [Question], id: &str) -> &'a Question {
    qs.iter()
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

/// The right option's English text.
fn key(q: &Question) -> String {
    match &q.kind {
        QuestionKind::Choice { options, correct } => options[*correct].en.clone(),
        QuestionKind::TrueFalse { correct } => correct.to_string(),
        other => panic!("{}: unexpected kind {other:?}", q.id),
    }
}

/// Every option's English text.
fn options(q: &Question) -> Vec<String> {
    match &q.kind {
        QuestionKind::Choice { options, .. } => options.iter().map(|o| o.en.clone()).collect(),
        other => panic!("{}: unexpected kind {other:?}", q.id),
    }
}

/// What every network question must be: a known id, known concepts, both
/// languages, distinct options, an instance id that names its facts, and
/// options shuffled by the seed while the instance stays the same.
fn well_formed(name: &str, report: &Value) {
    let set = LessonSet::embedded().unwrap();
    let first = questions(name, report, 0);
    assert!(!first.is_empty());
    for q in &first {
        assert!(net::IDS.contains(&q.id.as_str()), "{}", q.id);
        for c in &q.concepts {
            assert!(
                set.curriculum.get(c).is_some(),
                "{}: unknown concept {c}",
                q.id
            );
        }
        for t in [&q.prompt, &q.explanation] {
            assert!(
                !t.en.trim().is_empty() && !t.zh.trim().is_empty(),
                "{}",
                q.id
            );
            assert!(
                t.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: no Chinese in {:?}",
                q.id,
                t.zh
            );
        }
        if let QuestionKind::Choice { options, .. } = &q.kind {
            assert_eq!(options.len(), 4, "{}: {options:?}", q.id);
            let mut texts: Vec<&str> = options.iter().map(|o| o.en.as_str()).collect();
            texts.sort_unstable();
            texts.dedup();
            assert_eq!(texts.len(), options.len(), "{}: repeated option", q.id);
        }
        let instance = instance_id(q);
        assert!(
            instance.starts_with(&format!("{}#", q.id)) && instance.len() == q.id.len() + 17,
            "{instance}"
        );
    }
    // Other seeds: the same instances and keys; the options in other orders.
    let mut orders = std::collections::BTreeSet::new();
    for seed in 0..16 {
        let qs = questions(name, report, seed);
        assert_eq!(qs.len(), first.len());
        for (q, f) in qs.iter().zip(&first) {
            assert_eq!(instance_id(q), instance_id(f));
            assert_eq!(key(q), key(f));
            if let QuestionKind::Choice { options, .. } = &q.kind {
                orders.insert(
                    options
                        .iter()
                        .map(|o| o.en.clone())
                        .collect::<Vec<_>>()
                        .join("|"),
                );
            }
        }
    }
    assert!(
        orders.len() > first.len(),
        "options never reshuffled: {orders:?}"
    );
}

#[test]
fn arp_questions_key_what_the_kernel_did() {
    let test = "arp_questions_key_what_the_kernel_did";
    let Some(same) = run(test, "arp-same-lan") else {
        return;
    };
    let r = same.report();
    let qs = questions("arp-same-lan", r, 1);
    assert_eq!(
        key(by_id(&qs, net::ARP_TARGET_SAME_LAN)),
        r["arp_request"]["target_ip"]
    );
    assert_eq!(key(by_id(&qs, net::ARP_TARGET_SAME_LAN)), "192.168.1.20");
    assert_eq!(r["arp_request"]["dst_mac"], "ff:ff:ff:ff:ff:ff");
    assert!(key(by_id(&qs, net::ARP_REQUEST_DST)).starts_with("ff:ff:ff:ff:ff:ff"));
    assert!(by_id(&qs, net::ARP_TARGET_SAME_LAN).panel.is_some());
    well_formed("arp-same-lan", r);

    let Some(via) = run(test, "arp-via-gateway") else {
        return;
    };
    let r = via.report();
    let qs = questions("arp-via-gateway", r, 1);
    let target = key(by_id(&qs, net::ARP_TARGET_GATEWAY));
    assert_eq!(target, r["a_arp_requests"][0]["target_ip"]);
    // The exam trap, by the kernel: the gateway, never C.
    assert_eq!(target, r["gateway"]);
    assert_ne!(target, r["ping"]["to"]);
    let ttl = key(by_id(&qs, net::TTL_AT_C));
    assert_eq!(ttl, r["echo_lan2"]["ttl"].to_string());
    assert_eq!(
        ttl.parse::<u64>().unwrap() + 1,
        r["echo_lan1"]["ttl"].as_u64().unwrap()
    );
    assert!(by_id(&qs, net::TTL_AT_C).prompt.en.contains("TTL 64"));
    well_formed("arp-via-gateway", r);
}

#[test]
fn routing_mtu_and_traceroute_questions_key_the_reports() {
    let test = "routing_mtu_and_traceroute_questions_key_the_reports";
    let Some(routing) = run(test, "routing") else {
        return;
    };
    let r = routing.report();
    let qs = questions("routing", r, 2);
    let hop = key(by_id(&qs, net::NEXT_HOP));
    assert_eq!(hop, r["next_hop_after"]);
    assert_eq!(hop, r["added_route"]["via"], "the more specific route wins");
    assert_ne!(hop, r["next_hop_before"]);
    // Each question opens the run it came from.
    let opens = |q: &Question| q.panel.as_ref().map(|p| p.arg.clone());
    assert_eq!(
        opens(by_id(&qs, net::NEXT_HOP)).as_deref(),
        Some("experiment=routing")
    );
    well_formed("routing", r);

    let Some(mtu) = run(test, "mtu") else {
        return;
    };
    let r = mtu.report();
    let qs = questions("mtu", r, 2);
    let fragments = key(by_id(&qs, net::MTU_FRAGMENTS));
    let at_c = r["udp"]["fragments_at_c"].as_array().unwrap();
    assert_eq!(fragments, at_c.len().to_string());
    // Every fragment fits the narrow link, and together they carry the datagram.
    assert!(at_c.iter().all(|f| f["ip_len"].as_u64().unwrap() <= 1280));
    assert!(at_c.len() > r["udp"]["fragments_at_a"].as_array().unwrap().len());
    let segment = key(by_id(&qs, net::PMTU_SEGMENT));
    assert_eq!(segment, r["tcp"]["largest_segment_after"].to_string());
    assert!(segment.parse::<u64>().unwrap() <= 1280);
    for id in [net::MTU_FRAGMENTS, net::PMTU_SEGMENT] {
        assert_eq!(opens(by_id(&qs, id)).as_deref(), Some("experiment=mtu"));
    }
    well_formed("mtu", r);

    let Some(trace) = run(test, "traceroute") else {
        return;
    };
    let r = trace.report();
    let qs = questions("traceroute", r, 2);
    let first = key(by_id(&qs, net::TRACEROUTE_FIRST_HOP));
    assert_eq!(r["probes"][0]["answer"]["icmp_type"], 11);
    assert_eq!(
        first,
        format!(
            "{}, with ICMP time exceeded",
            r["hops"][0].as_str().unwrap()
        )
    );
    assert!(first.starts_with("192.168.1.1,"), "{first}");
    assert_eq!(
        opens(by_id(&qs, net::TRACEROUTE_FIRST_HOP)).as_deref(),
        Some("experiment=traceroute")
    );
    well_formed("traceroute", r);
}

#[test]
fn tcp_loss_questions_key_the_run_at_its_loss_and_seed() {
    let test = "tcp_loss_questions_key_the_run_at_its_loss_and_seed";
    let Some(lossy) = run_with(test, "tcp-loss", &["--loss", "5", "--seed", "7"]) else {
        return;
    };
    let r = lossy.report();
    let qs = questions("tcp-loss", r, 3);
    let delivered = by_id(&qs, net::TCP_DELIVERED);
    let sent = r["tcp"]["bytes_sent"].as_u64().unwrap();
    assert_eq!(r["tcp"]["bytes_delivered"], sent);
    assert_eq!(key(delivered), format!("all {sent} bytes, in order"));
    assert!(delivered.prompt.en.contains("5 %") && delivered.prompt.en.contains("seed 7"));
    // The explanation counts what TCP resends: data segments, not bare ACKs.
    let data = &r["tcp"]["dropped"]["data"];
    assert!(
        delivered
            .explanation
            .en
            .contains(&format!("dropped {data} of A's TCP data segments")),
        "{}",
        delivered.explanation.en
    );
    assert!(
        delivered
            .explanation
            .zh
            .contains(&format!("丢了 A 的 {data} 个 TCP 数据报文段")),
        "{}",
        delivered.explanation.zh
    );
    let total = r["tcp"]["retransmissions"]["total"].as_u64().unwrap();
    assert!(total > 0, "5 % loss and no retransmission: {r}");
    assert_eq!(key(by_id(&qs, net::TCP_RETRANSMITTED)), "true");
    let lost_pct = r["udp"]["lost_pct"].as_f64().unwrap();
    let udp = key(by_id(&qs, net::UDP_LOST));
    assert_eq!(udp, "about 5 %", "lost {lost_pct} %");
    well_formed("tcp-loss", r);

    // No loss: nothing retransmitted, no datagram lost — the keys follow.
    let Some(clean) = run_with(test, "tcp-loss", &["--loss", "0", "--seed", "7"]) else {
        return;
    };
    let r = clean.report();
    let qs = questions("tcp-loss", r, 3);
    assert_eq!(r["tcp"]["retransmissions"]["total"], 0);
    assert_eq!(key(by_id(&qs, net::TCP_RETRANSMITTED)), "false");
    assert_eq!(r["udp"]["lost"], 0);
    let udp = by_id(&qs, net::UDP_LOST);
    assert_eq!(key(udp), "none");
    // The wrong reason stays a wrong option.
    assert!(
        options(udp).contains(&"none: UDP retransmits what the link drops".to_string()),
        "{:?}",
        options(udp)
    );
}

#[test]
fn the_dhcp_question_keys_what_b_received() {
    let test = "the_dhcp_question_keys_what_b_received";
    let Some(run) = run(test, "dhcp") else {
        return;
    };
    let r = run.report();
    // A resent Discover (and its second Offer) may show twice at B.
    let seen: Vec<u64> = r["seen_at_b"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let mut kinds = seen.clone();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds, [1, 2, 3, 5], "{r}");
    let qs = questions("dhcp", r, 5);
    let q = by_id(&qs, net::DHCP_FLOODED);
    assert_eq!(key(q), "all four: Discover, Offer, Request and Ack");
    let words: Vec<String> = seen.iter().map(u64::to_string).collect();
    assert!(
        q.explanation
            .en
            .contains(&format!("at B {}", words.join(", "))),
        "{}",
        q.explanation.en
    );
    assert!(
        q.explanation
            .zh
            .contains(&format!("在 B 上为 {}", words.join("、"))),
        "{}",
        q.explanation.zh
    );
    // Another outcome keys another answer: the facts decide, not the text.
    let mut other = r.clone();
    other["seen_at_b"] = serde_json::json!([1, 3]);
    let q = by_id(&questions("dhcp", &other, 5), net::DHCP_FLOODED).clone();
    assert_eq!(key(&q), "only A's two, Discover and Request");
    well_formed("dhcp", r);
}

#[test]
fn the_zero_window_question_keys_what_a_sent_while_the_window_was_zero() {
    let test = "the_zero_window_question_keys_what_a_sent_while_the_window_was_zero";
    let Some(run) = run(test, "zero-window") else {
        return;
    };
    let r = run.report();
    let probes = r["probes"].as_u64().unwrap();
    assert!(probes >= 2, "{r}");
    assert_eq!(r["data_segments_while_zero"], 0, "{r}");
    let qs = questions("zero-window", r, 6);
    let q = by_id(&qs, net::ZERO_WINDOW_SENDER);
    assert_eq!(
        key(q),
        "C advertises a window of 0; A sends no more data, only small zero-window probes"
    );
    // The window update that restarted the flow: the first open window
    // after the zero one, not merely the last of the run.
    let zero_at = r["zero_window_at_ms"].as_f64().unwrap();
    let update = r["windows_advertised"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["t_ms"].as_f64().unwrap() >= zero_at)
        .map(|w| w["window"].as_u64().unwrap())
        .find(|&w| w > 0)
        .unwrap();
    assert!(
        q.explanation
            .en
            .contains(&format!("window update to {update} bytes")),
        "{}",
        q.explanation.en
    );
    // The run's own numbers, in both languages.
    let buffer = r["receiver_buffer"].as_u64().unwrap();
    assert!(
        q.prompt
            .en
            .contains(&format!("{buffer}-byte receive buffer"))
    );
    assert!(
        q.prompt
            .zh
            .contains(&format!("申请 {buffer} 字节的接收缓冲区"))
    );
    let sent = r["bytes_sent"].as_u64().unwrap();
    assert!(
        q.explanation
            .en
            .contains(&format!("persist timer sent {probes} zero-window probes"))
            && q.explanation
                .en
                .contains(&format!("C read {sent} of {sent} bytes, intact")),
        "{}",
        q.explanation.en
    );
    assert!(
        q.explanation
            .zh
            .contains(&format!("发出 {probes} 个零窗口探测")),
        "{}",
        q.explanation.zh
    );
    assert_eq!(
        q.panel.as_ref().map(|p| p.arg.as_str()),
        Some("experiment=zero-window")
    );
    well_formed("zero-window", r);

    // Other outcomes key other answers: the facts decide, not the text.
    let mut silent = r.clone();
    silent["probes"] = serde_json::json!(0);
    silent["probe_times_ms"] = serde_json::json!([]);
    let q = by_id(
        &questions("zero-window", &silent, 6),
        net::ZERO_WINDOW_SENDER,
    )
    .clone();
    assert_eq!(
        key(&q),
        "C advertises a window of 0; A sends nothing at all until C's window opens"
    );
    let mut overrun = r.clone();
    overrun["data_segments_while_zero"] = serde_json::json!(3);
    let q = by_id(
        &questions("zero-window", &overrun, 6),
        net::ZERO_WINDOW_SENDER,
    )
    .clone();
    assert_eq!(
        key(&q),
        "A keeps sending data; C's kernel drops what does not fit in its buffer"
    );
    // A window that never closed asks nothing.
    let mut open = r.clone();
    open["windows_advertised"] = serde_json::json!([{ "t_ms": 5.5, "window": 1448 }]);
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let err = net::from_report(&mut rng, "zero-window", &open).unwrap_err();
    assert!(err.contains("never closed"), "{err}");
}

/// `offer` itself: one lab, every experiment, every question id once — or,
/// without user namespaces, no questions and the reason.
#[test]
fn offer_runs_every_experiment_or_says_why_not() {
    let test = "offer_runs_every_experiment_or_says_why_not";
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    match net::offer(&mut rng, Some(Path::new(BIN)), 5.0, 11) {
        Ok(qs) => {
            let ids: Vec<&str> = qs.iter().map(|q| q.id.as_str()).collect();
            assert_eq!(ids, net::IDS, "every question once, in teaching order");
        }
        Err(Skipped::NoNamespaces { errno, remedy }) => {
            common::skip(
                test,
                &format!("no user namespaces here: {errno} {remedy:?}"),
            );
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_report_without_the_fact_gives_no_question() {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let err = net::from_report(&mut rng, "arp-via-gateway", &serde_json::json!({})).unwrap_err();
    assert!(
        err.contains("arp-via-gateway") && err.contains("/ping/from"),
        "{err}"
    );
    let err = net::from_report(&mut rng, "keepalive-vanished", &serde_json::json!({})).unwrap_err();
    assert!(err.contains("keepalive-vanished"), "{err}");
    let refused = Skipped::from(nettutor::vnet::VnetError::NoUserNamespaces {
        remedy: Some("sudo sysctl -w kernel.unprivileged_userns_clone=1".into()),
        errno: "EPERM".into(),
    });
    let told = refused.to_string();
    assert!(
        told.contains("user namespaces") && told.contains("sysctl"),
        "{told}"
    );
}

/// `nettutor quiz --net --plain` as a student runs it: the first question is
/// about the ARP the kernel really sent; answered with the letter the review
/// named, the same seed (same facts, same order) scores it right; in Chinese
/// too.
#[test]
fn plain_quiz_asks_and_scores_the_real_run() {
    let test = "plain_quiz_asks_and_scores_the_real_run";
    let _one = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    let home = tempfile::tempdir().unwrap();
    let args = ["quiz", "--net", "--plain", "--seed", "3", "--count", "1"];
    let (code, out, err) = common::run::nettutor_in(home.path(), &args, "");
    if code == 2 && err.contains("user namespaces") {
        common::skip(test, &format!("no user namespaces here: {}", err.trim()));
        return;
    }
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("Which IP address does A's ARP request ask for?"),
        "{out}"
    );
    let letter = out
        .split("the answer is ")
        .nth(1)
        .and_then(|s| s.chars().next())
        .unwrap_or_else(|| panic!("no answer in the review: {out}"));
    let option = out
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{letter})")))
        .unwrap();
    assert!(option.ends_with("192.168.1.20"), "the key is B: {option}");
    let (code, out, err) = common::run::nettutor_in(home.path(), &args, &format!("{letter}\n"));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(common::run::last_line(&out).contains("1/1"), "{out}");

    let mut zh = vec!["--lang", "zh"];
    zh.extend(args);
    let (code, out, err) = common::run::nettutor_in(home.path(), &zh, "");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("A 的 ARP 请求询问的是哪个 IP 地址"), "{out}");
}
