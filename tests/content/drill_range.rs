//! The range drill (network, broadcast, first/last host, hosts) checked
//! against ipnet and against hand-worked tables of each typical mistake:
//! never against the drill's own tables.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};
use nettutor::i18n::{self, Lang};
use nettutor::quiz::drill::{
    self, Drill, DrillKind, FieldId, Mark, Mistake, Problem, Spec, mistake::method_key,
};

/// `a/p` or `a mask` → the network as ipnet sees it (host bits kept).
fn parse(input: &str) -> IpNet {
    match input.split_once(' ') {
        Some((a, mask)) => {
            let prefix = ipnet::ipv4_mask_to_prefix(mask.parse().unwrap()).unwrap();
            IpNet::V4(Ipv4Net::new(a.parse().unwrap(), prefix).unwrap())
        }
        None => input.parse().unwrap(),
    }
}

/// The fields and right answers, worked out with ipnet and the textbook rules.
fn expected(input: &str) -> Vec<(&'static str, String)> {
    let net = parse(input);
    match net {
        IpNet::V4(n) => {
            let lo = u32::from(n.network());
            let hi = u32::from(n.broadcast());
            match n.prefix_len() {
                32 => vec![
                    ("network", n.addr().to_string()),
                    ("usable-hosts", "1".into()),
                ],
                31 => vec![
                    ("network", n.network().to_string()),
                    ("first-host", n.network().to_string()),
                    ("last-host", n.broadcast().to_string()),
                    ("usable-hosts", "2".into()),
                ],
                _ => vec![
                    ("network", n.network().to_string()),
                    ("broadcast", n.broadcast().to_string()),
                    ("first-host", Ipv4Addr::from(lo + 1).to_string()),
                    ("last-host", Ipv4Addr::from(hi - 1).to_string()),
                    ("usable-hosts", (u64::from(hi - lo) - 1).to_string()),
                ],
            }
        }
        IpNet::V6(n) => vec![
            ("network", n.network().to_string()),
            ("last-address", n.broadcast().to_string()),
            (
                "addresses",
                (1u128 << (128 - u32::from(n.prefix_len()))).to_string(),
            ),
        ],
    }
}

fn input_of(p: &Problem) -> &str {
    match &p.spec {
        Spec::Range { input } => input,
        other => panic!("not a range problem: {other:?}"),
    }
}

fn range_problems(seed: u64, n: usize) -> Vec<Problem> {
    drill::generate(seed, n, &[DrillKind::Range])
}

#[test]
fn true_values_from_ipnet_score_full_marks_over_many_seeds() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..40 {
        for p in range_problems(seed, 10) {
            let input = input_of(&p).to_string();
            let want = expected(&input);
            let ids: Vec<&str> = p.fields.iter().map(|f| f.id.name()).collect();
            let want_ids: Vec<&str> = want.iter().map(|(id, _)| *id).collect();
            assert_eq!(ids, want_ids, "{input}");
            for (field, (_, answer)) in p.fields.iter().zip(&want) {
                assert_eq!(field.mark(answer), Mark::Correct, "{input}: {:?}", field.id);
            }
            let net = parse(&input);
            seen.insert(match net {
                IpNet::V4(n) if n.prefix_len() >= 31 => format!("/{}", n.prefix_len()),
                IpNet::V4(_) if input.contains(' ') => "mask".to_string(),
                IpNet::V4(_) => "v4".to_string(),
                IpNet::V6(_) => "v6".to_string(),
            });
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["/31", "/32", "mask", "v4", "v6"],
        "every variant comes up"
    );
}

/// `(input, field, answer, mistake id)`, worked by hand. 192.168.37.77/27:
/// block of 32 → network .64, broadcast .95, hosts .65–.94, 30 hosts.
const MISTAKES: &[(&str, &str, &str, &str)] = &[
    (
        "192.168.37.77/27",
        "network",
        "192.168.37.77",
        "own-address",
    ),
    ("192.168.37.77/27", "network", "192.168.37.0", "classful"),
    (
        "192.168.37.77/27",
        "network",
        "192.168.37.65",
        "host-as-network",
    ),
    (
        "192.168.37.77/27",
        "network",
        "255.255.255.224",
        "gave-mask",
    ),
    ("192.168.37.77/27", "network", "0.0.0.13", "host-part"),
    // .100/27 is .96; under /26 it would be .64.
    (
        "192.168.37.100/27",
        "network",
        "192.168.37.64",
        "wrong-prefix",
    ),
    (
        "192.168.37.77/27",
        "broadcast",
        "192.168.37.77",
        "own-address",
    ),
    (
        "192.168.37.77/27",
        "broadcast",
        "192.168.37.255",
        "classful",
    ),
    (
        "192.168.37.77/27",
        "broadcast",
        "192.168.37.127",
        "wrong-prefix",
    ),
    (
        "192.168.37.77/27",
        "broadcast",
        "192.168.37.79",
        "wrong-prefix",
    ),
    (
        "192.168.37.77/27",
        "broadcast",
        "192.168.37.94",
        "host-as-broadcast",
    ),
    (
        "192.168.37.77/27",
        "broadcast",
        "192.168.37.96",
        "next-network",
    ),
    ("192.168.37.77/27", "broadcast", "0.0.0.31", "gave-wildcard"),
    (
        "192.168.37.77/27",
        "first-host",
        "192.168.37.64",
        "network-as-host",
    ),
    (
        "192.168.37.77/27",
        "first-host",
        "192.168.37.77",
        "own-address",
    ),
    ("192.168.37.77/27", "first-host", "192.168.37.1", "classful"),
    (
        "192.168.37.77/27",
        "last-host",
        "192.168.37.95",
        "broadcast-as-host",
    ),
    (
        "192.168.37.77/27",
        "last-host",
        "192.168.37.254",
        "classful",
    ),
    (
        "192.168.37.77/27",
        "last-host",
        "192.168.37.126",
        "wrong-prefix",
    ),
    ("192.168.37.77/27", "usable-hosts", "32", "power-of-two"),
    ("192.168.37.77/27", "usable-hosts", "31", "minus-one"),
    ("192.168.37.77/27", "usable-hosts", "5", "gave-host-bits"),
    ("192.168.37.77/27", "usable-hosts", "254", "classful"),
    ("192.168.37.77/27", "usable-hosts", "62", "wrong-prefix"),
    ("192.168.37.77/27", "usable-hosts", "14", "wrong-prefix"),
    // 2^27 − 2: the 27 network bits taken as host bits.
    (
        "192.168.37.77/27",
        "usable-hosts",
        "134217726",
        "swapped-bits",
    ),
    // Class A under /8, class B under /16.
    ("10.1.2.3/20", "network", "10.0.0.0", "classful"),
    ("10.1.2.3/20", "broadcast", "10.255.255.255", "classful"),
    ("172.16.200.9/20", "broadcast", "172.16.255.255", "classful"),
    // The dotted-mask form is the same problem.
    (
        "192.168.37.77 255.255.255.224",
        "broadcast",
        "192.168.37.255",
        "classful",
    ),
    // /31 (RFC 3021): the LAN rule would make .1 the first and .0 the last.
    ("10.0.0.0/31", "first-host", "10.0.0.1", "lan-rule-on-31"),
    ("10.0.0.0/31", "last-host", "10.0.0.0", "lan-rule-on-31"),
    ("10.0.0.0/31", "usable-hosts", "0", "lan-rule-on-31"),
    ("10.0.0.7/32", "usable-hosts", "0", "lan-rule-on-32"),
    // IPv6: no broadcast to set aside.
    (
        "2001:db8:1:2::5/64",
        "last-address",
        "2001:db8:1:2:ffff:ffff:ffff:fffe",
        "ipv6-broadcast",
    ),
    (
        "2001:db8:1:2::5/64",
        "addresses",
        "18446744073709551614",
        "ipv6-broadcast",
    ),
    ("2001:db8:1:2::5/64", "addresses", "64", "gave-host-bits"),
    ("2001:db8:1:2::5/64", "addresses", "2^63", "wrong-prefix"),
    (
        "2001:db8:1:2::5/64",
        "network",
        "2001:db8:1:2::5",
        "own-address",
    ),
    // Under /63, 2001:db8:1:3:: lies in 2001:db8:1:2::/63.
    (
        "2001:db8:1:3::5/64",
        "network",
        "2001:db8:1:2::",
        "wrong-prefix",
    ),
];

fn problem(input: &str) -> Problem {
    Spec::Range {
        input: input.into(),
    }
    .build()
    .unwrap()
}

#[test]
fn each_typical_mistake_gets_its_own_hint() {
    let mut covered = std::collections::BTreeSet::new();
    for (input, field, answer, want) in MISTAKES {
        let p = problem(input);
        let f = p
            .fields
            .iter()
            .find(|f| f.id.name() == *field)
            .unwrap_or_else(|| panic!("{input}: no field {field}"));
        let mark = f.mark(answer);
        assert_eq!(
            mark.mistake().map(|m| m.id()),
            Some(*want),
            "{input} {field} = {answer}: {mark:?}"
        );
        for lang in Lang::ALL {
            let hint = mark.hint(f, lang).unwrap();
            assert!(!hint.contains('{'), "unfilled placeholder: {hint}");
        }
        covered.insert(*want);
    }
    assert!(covered.len() >= 17, "{covered:?}");
}

#[test]
fn hints_name_the_specifics_of_the_mistake() {
    let p = problem("192.168.37.77/27");
    let broadcast = &p.fields[1];
    assert_eq!(broadcast.id, FieldId::Broadcast);
    let classful = broadcast.mark("192.168.37.255");
    let en = classful.hint(broadcast, Lang::En).unwrap();
    assert!(
        en.contains("/24") && en.contains("class C") && en.contains("/27"),
        "{en}"
    );
    let zh = classful.hint(broadcast, Lang::Zh).unwrap();
    assert!(zh.contains("有类掩码") && zh.contains("C 类"), "{zh}");
    let prefix = broadcast
        .mark("192.168.37.127")
        .hint(broadcast, Lang::En)
        .unwrap();
    assert!(prefix.contains("/26") && prefix.contains("/27"), "{prefix}");
    let hosts = &p.fields[4];
    let two_n = hosts.mark("32").hint(hosts, Lang::En).unwrap();
    assert!(two_n.contains("2^5 − 2"), "{two_n}");
}

#[test]
fn an_unknown_wrong_answer_gets_the_method_and_a_malformed_one_its_reason() {
    let p = problem("192.168.37.77/27");
    let network = &p.fields[0];
    let other = network.mark("192.168.37.32");
    assert!(
        matches!(other, Mark::Wrong { mistake: None, .. }),
        "{other:?}"
    );
    assert_eq!(
        other.hint(network, Lang::En).unwrap(),
        i18n::t(Lang::En, &method_key(&FieldId::Network))
    );
    // Malformed: counted wrong (not correct), with why and the form expected.
    let bad = network.mark("192.168.37");
    let Mark::Unreadable(why) = &bad else {
        panic!("{bad:?}")
    };
    assert_eq!(why.key, "drill.why.ipv4");
    assert!(why.text(Lang::Zh).contains("192.168.37"), "names the input");
    assert!(!bad.is_correct());
    let verdict = bad.verdict(network, Lang::En);
    assert!(
        verdict.contains("counted wrong") && verdict.contains("192.168.37.64"),
        "{verdict}"
    );
    assert_eq!(network.mark("  "), Mark::Empty);
    // Forgiven forms: a trailing prefix on an address, 2^n − 2 for a count.
    assert_eq!(network.mark("192.168.37.64/27"), Mark::Correct);
    assert_eq!(p.fields[4].mark("2^5 - 2"), Mark::Correct);
}

#[test]
fn every_mistake_and_method_has_both_languages() {
    for p in (0..20).flat_map(|seed| drill::generate(seed, 16, &DrillKind::ALL)) {
        for f in &p.fields {
            assert!(i18n::has(&method_key(&f.id)), "{:?}", f.id);
            assert!(i18n::has(&format!("drill.field.{}", f.id.name())));
            for (m, _) in &f.mistakes {
                assert!(
                    i18n::has(&format!("drill.mistake.{}", m.id())),
                    "{}",
                    m.id()
                );
            }
        }
    }
    // The ids of every mistake kind are keys too.
    let all = [
        Mistake::OwnAddress,
        Mistake::FirstMatch,
        Mistake::LeastSpecific,
        Mistake::NotMatching,
        Mistake::CountedFromZero,
        Mistake::NeighbourSubnet,
        Mistake::ParentNetwork,
        Mistake::CountedZeros,
        Mistake::WildcardAsMask,
        Mistake::MaskAsWildcard,
        Mistake::OneBitTooMany,
        Mistake::ArpForRemote,
        Mistake::ArpGatewayForLocal,
    ];
    for m in all {
        assert!(
            i18n::has(&format!("drill.mistake.{}", m.id())),
            "{}",
            m.id()
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_problems() {
    let a = drill::generate(7, 12, &DrillKind::ALL);
    let b = drill::generate(7, 12, &DrillKind::ALL);
    let c = drill::generate(8, 12, &DrillKind::ALL);
    assert_eq!(a.len(), 12);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn the_drill_counts_fields_and_keeps_a_streak() {
    let problems = vec![
        problem("192.168.37.77/27"),
        problem("10.0.0.0/31"),
        problem("10.0.0.7/32"),
    ];
    let mut d = Drill::new(problems.clone());
    for (i, answer) in problems[0].answers(Lang::En).iter().enumerate() {
        assert_eq!(d.mark(i, answer), Some(Mark::Correct));
    }
    d.finish_problem();
    assert_eq!(d.streak, 1);
    // Second problem: one field wrong breaks the streak.
    let mut answers = problems[1].answers(Lang::En);
    answers[3] = "0".into();
    for (i, a) in answers.iter().enumerate() {
        d.mark(i, a);
    }
    let marks = d.finish_problem().unwrap().to_vec();
    assert_eq!(marks.iter().filter(|m| !m.is_correct()).count(), 1);
    assert_eq!(d.streak, 0);
    assert_eq!(d.best_streak, 1);
    assert_eq!(d.score(), (5 + 3, 5 + 4 + 2));
    d.stop();
    assert!(d.is_over());
    let results: Vec<bool> = d.results().map(|(_, ok)| ok).collect();
    assert_eq!(results, [true, false]);
    // A marked answer can be changed before the problem is finished.
    let mut again = Drill::new(vec![problem("10.0.0.7/32")]);
    again.mark(0, "10.0.0.6");
    again.mark(0, "10.0.0.7");
    again.mark(1, "1");
    assert!(again.finish_problem().unwrap().iter().all(Mark::is_correct));
}
