//! The drill kinds beyond the range: every right answer checked against an
//! independent computation (ipnet directly, a separate VLSM placement, a
//! separate longest-prefix match), and each mistake hint against a
//! hand-worked case.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use nettutor::i18n::Lang;
use nettutor::quiz::drill::masks::MaskForm;
use nettutor::quiz::drill::{self, DrillKind, Mark, Problem, Spec};

const SEEDS: u64 = 150;

fn net(s: &str) -> Ipv4Net {
    s.parse().unwrap()
}

/// Usable hosts of an IPv4 LAN prefix, by ipnet's own host iterator size.
fn lan_hosts(prefix: u8) -> u64 {
    (1u64 << (32 - prefix)) - 2
}

/// The right answers of a problem, one per field, computed without the drill.
fn truth(spec: &Spec) -> Vec<String> {
    match spec {
        Spec::Hosts { hosts } => {
            let mut bits = 2;
            while lan_hosts(32 - bits) < *hosts {
                bits += 1;
            }
            let prefix = 32 - bits;
            // ipnet agrees the subnet holds them, and one bit fewer would not.
            let n = Ipv4Net::new(Ipv4Addr::new(10, 0, 0, 0), prefix).unwrap();
            assert!(n.hosts().count() as u64 >= *hosts);
            vec![format!("/{prefix}"), lan_hosts(prefix).to_string()]
        }
        Spec::Subnets { parent, subnets } if parent.contains(':') => {
            // IPv6: ipnet's subnet count, and 2^(64 − new) /64 LANs each.
            let parent: ipnet::Ipv6Net = parent.parse().unwrap();
            let k = (1..=32)
                .find(|k| (1u64 << k) >= u64::from(*subnets))
                .unwrap();
            let new = parent.prefix_len() + k;
            assert!(parent.subnets(new).unwrap().count() as u32 >= *subnets);
            if 64 - new <= 12 {
                // Small enough to count the /64s one by one.
                let lans = ipnet::Ipv6Net::new(parent.network(), new)
                    .unwrap()
                    .subnets(64)
                    .unwrap()
                    .count();
                assert_eq!(lans, 1 << (64 - new));
            }
            vec![format!("/{new}"), format!("2^{}", 64 - new)]
        }
        Spec::Subnets { parent, subnets } => {
            let parent = net(parent);
            let mut k = 0;
            while (1u32 << k) < *subnets {
                k += 1;
            }
            let new = parent.prefix_len() + k;
            assert!(parent.subnets(new).unwrap().count() as u32 >= *subnets);
            if k > 0 {
                assert!((parent.subnets(new - 1).unwrap().count() as u32) < *subnets);
            }
            vec![format!("/{new}"), lan_hosts(new).to_string()]
        }
        Spec::Mask { given, prefix } => {
            let n = Ipv4Net::new(Ipv4Addr::UNSPECIFIED, *prefix).unwrap();
            let (mask, wildcard) = (n.netmask().to_string(), n.hostmask().to_string());
            match given {
                MaskForm::Prefix => vec![mask, wildcard],
                MaskForm::Mask => vec![prefix.to_string(), wildcard],
                MaskForm::Wildcard => vec![prefix.to_string(), mask],
            }
        }
        Spec::Split {
            parent,
            prefix,
            address,
        } => {
            // IPv4 or IPv6: ipnet's own subnet iterator.
            let address: std::net::IpAddr = address.parse().unwrap();
            let parent: ipnet::IpNet = parent.parse().unwrap();
            let (i, subnet) = parent
                .subnets(*prefix)
                .unwrap()
                .enumerate()
                .find(|(_, s)| s.contains(&address))
                .unwrap();
            vec![subnet.network().to_string(), (i + 1).to_string()]
        }
        Spec::Vlsm { parent, hosts } => vlsm_by_hand(net(parent), hosts)
            .iter()
            .map(|n| n.to_string())
            .collect(),
        Spec::Route {
            routes,
            destination,
        } => {
            let d: std::net::IpAddr = destination.parse().unwrap();
            let mut best: Option<(u8, &str)> = None;
            for (n, via) in routes {
                let n: ipnet::IpNet = n.parse().unwrap();
                if n.contains(&d) && best.is_none_or(|(p, _)| n.prefix_len() > p) {
                    best = Some((n.prefix_len(), via));
                }
            }
            vec![best.unwrap().1.to_string()]
        }
        Spec::Same { a, b, gateway } => {
            let a = net(a);
            let b: Ipv4Addr = b.parse().unwrap();
            if a.trunc().contains(&b) {
                vec!["direct".into(), b.to_string()]
            } else {
                vec!["gateway".into(), gateway.clone()]
            }
        }
        Spec::Range { .. } => panic!("checked in drill_range.rs"),
    }
}

/// Largest block first (ties in list order), each at the next free address:
/// written here without the tutor's planner.
fn vlsm_by_hand(parent: Ipv4Net, hosts: &[u64]) -> Vec<Ipv4Net> {
    let size = |h: u64| (h + 2).next_power_of_two();
    let mut order: Vec<usize> = (0..hosts.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(size(hosts[i])), i));
    let mut at = u32::from(parent.network());
    let mut out = vec![parent; hosts.len()];
    for i in order {
        let s = size(hosts[i]);
        let prefix = 32 - s.trailing_zeros() as u8;
        out[i] = Ipv4Net::new(Ipv4Addr::from(at), prefix).unwrap();
        assert!(parent.contains(&out[i]), "fits");
        at += s as u32;
    }
    out
}

#[test]
fn every_kind_scores_full_marks_with_independently_computed_answers() {
    let mut kinds = BTreeSet::new();
    for seed in 0..SEEDS {
        let kinds_here: Vec<DrillKind> = DrillKind::ALL
            .into_iter()
            .filter(|k| *k != DrillKind::Range)
            .collect();
        for p in drill::generate(seed, 7, &kinds_here) {
            let want = truth(&p.spec);
            assert_eq!(p.fields.len(), want.len(), "{:?}", p.spec);
            for (f, answer) in p.fields.iter().zip(&want) {
                assert_eq!(f.mark(answer), Mark::Correct, "{:?}: {:?}", p.spec, f.id);
            }
            kinds.insert(p.spec.kind());
        }
    }
    assert_eq!(kinds.len(), 7, "every kind comes up: {kinds:?}");
}

#[test]
fn generated_route_tables_exercise_the_longest_match() {
    // Over many seeds, the answer is sometimes not the first matching row and
    // sometimes the most specific route does not hold the destination.
    let (mut not_first, mut narrow_misses) = (0, 0);
    for seed in 0..SEEDS {
        for p in drill::generate(seed, 2, &[DrillKind::Route]) {
            let Spec::Route {
                routes,
                destination,
            } = &p.spec
            else {
                unreachable!()
            };
            let d: std::net::IpAddr = destination.parse().unwrap();
            let any = |n: &str| n.parse::<ipnet::IpNet>().unwrap();
            let right = &truth(&p.spec)[0];
            let first = routes.iter().find(|(n, _)| any(n).contains(&d)).unwrap();
            not_first += usize::from(first.1 != *right);
            let narrowest = routes
                .iter()
                .max_by_key(|(n, _)| any(n).prefix_len())
                .unwrap();
            narrow_misses += usize::from(!any(&narrowest.0).contains(&d));
            assert_eq!(p.detail.len(), routes.len());
        }
    }
    assert!(
        not_first > 50 && narrow_misses > 50,
        "{not_first} {narrow_misses}"
    );
}

fn build(spec: Spec) -> Problem {
    spec.build().unwrap()
}

/// `(problem, field number, answer, mistake id)`, each worked by hand.
fn mistakes() -> Vec<(Spec, usize, &'static str, &'static str)> {
    let hosts = Spec::Hosts { hosts: 31 }; // 31 + 2 = 33 → 6 bits → /26, 62 hosts
    let subnets = Spec::Subnets {
        parent: "10.20.0.0/16".into(),
        subnets: 5, // 3 bits → /19, 2^13 − 2 = 8190 hosts
    };
    let mask27 = Spec::Mask {
        given: MaskForm::Prefix,
        prefix: 27,
    };
    let mask22 = Spec::Mask {
        given: MaskForm::Mask,
        prefix: 22,
    };
    // 10.1.77.5 in 10.1.0.0/16 cut into /20s (blocks of 16 in the third
    // octet): 77 ÷ 16 = 4 → 10.1.64.0, number 5.
    let split = Spec::Split {
        parent: "10.1.0.0/16".into(),
        prefix: 20,
        address: "10.1.77.5".into(),
    };
    // 192.168.2.200 in 192.168.0.0/22 cut into /26s: offset 712 ÷ 64 = 11 →
    // 192.168.2.192, number 12; the classful /24 would say 192.168.2.0.
    let split_c = Spec::Split {
        parent: "192.168.0.0/22".into(),
        prefix: 26,
        address: "192.168.2.200".into(),
    };
    // 32, 64, 16 hosts: /26, /25, /27 → .128/26, .0/25, .192/27. Without the
    // + 2: /27, /26, /28 → .64/27, .0/26, .96/28.
    let vlsm = Spec::Vlsm {
        parent: "192.168.1.0/24".into(),
        hosts: vec![32, 64, 16],
    };
    let route = Spec::Route {
        routes: [
            ("10.0.0.0/8", "eth1"),
            ("0.0.0.0/0", "eth0"),
            ("10.1.0.0/16", "eth2"),
            ("10.1.2.0/24", "eth3"),
        ]
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .to_vec(),
        destination: "10.1.3.9".into(),
    };
    // /26: A is in .0–.63, B = .100 is not; the /24 would say it is.
    let remote = Spec::Same {
        a: "192.168.1.10/26".into(),
        b: "192.168.1.100".into(),
        gateway: "192.168.1.1".into(),
    };
    let local = Spec::Same {
        a: "10.0.0.10/24".into(),
        b: "10.0.0.20".into(),
        gateway: "10.0.0.1".into(),
    };
    vec![
        (hosts.clone(), 0, "/27", "forgot-reserved"),
        (hosts.clone(), 0, "/25", "one-bit-too-many"),
        (hosts.clone(), 0, "6", "counted-zeros"),
        (hosts.clone(), 1, "64", "power-of-two"),
        (hosts.clone(), 1, "63", "minus-one"),
        (hosts.clone(), 1, "30", "forgot-reserved"),
        (hosts, 1, "6", "gave-host-bits"),
        (subnets.clone(), 0, "/18", "rounded-down"),
        (subnets.clone(), 0, "/21", "count-as-bits"),
        (subnets.clone(), 0, "13", "counted-zeros"),
        (subnets.clone(), 1, "8192", "power-of-two"),
        (subnets.clone(), 1, "8191", "minus-one"),
        (subnets, 1, "16382", "rounded-down"),
        (mask27.clone(), 0, "0.0.0.31", "wildcard-as-mask"),
        (mask27.clone(), 0, "255.255.255.192", "wrong-prefix"),
        (mask27.clone(), 0, "255.255.255.240", "wrong-prefix"),
        (mask27.clone(), 1, "255.255.255.224", "mask-as-wildcard"),
        (mask27, 1, "0.0.0.63", "wrong-prefix"),
        (mask22.clone(), 0, "10", "counted-zeros"),
        (mask22, 1, "255.255.252.0", "mask-as-wildcard"),
        (split.clone(), 0, "10.1.77.5", "own-address"),
        (split.clone(), 0, "10.1.0.0", "parent-network"),
        (split.clone(), 0, "10.1.48.0", "neighbour-subnet"),
        (split.clone(), 0, "10.1.80.0", "neighbour-subnet"),
        (split.clone(), 0, "10.1.72.0", "wrong-prefix"),
        (split.clone(), 1, "4", "counted-from-zero"),
        (split, 1, "6", "neighbour-subnet"),
        (split_c, 0, "192.168.2.0", "classful"),
        (vlsm.clone(), 0, "192.168.1.64/27", "forgot-reserved"),
        (vlsm.clone(), 1, "192.168.1.0/26", "forgot-reserved"),
        (vlsm, 2, "192.168.1.96 255.255.255.240", "forgot-reserved"),
        (route.clone(), 0, "eth1", "first-match"),
        (route.clone(), 0, "eth0", "least-specific"),
        (route, 0, "ETH3", "not-matching"),
        (remote.clone(), 0, "direct", "classful-compare"),
        (remote.clone(), 1, "192.168.1.100", "arp-for-remote"),
        (remote, 1, "192.168.1.10", "own-address"),
        (local, 1, "10.0.0.1", "arp-gateway-for-local"),
    ]
}

#[test]
fn each_mistake_of_each_kind_gets_its_hint() {
    for (spec, field, answer, want) in mistakes() {
        let p = build(spec.clone());
        let f = &p.fields[field];
        let mark = f.mark(answer);
        assert_eq!(
            mark.mistake().map(|m| m.id()),
            Some(want),
            "{spec:?} field {field} = {answer}: {mark:?}"
        );
        for lang in Lang::ALL {
            let hint = mark.hint(f, lang).unwrap();
            assert!(!hint.contains('{') && !hint.starts_with("drill."), "{hint}");
        }
    }
}

#[test]
fn the_right_answers_of_the_hand_worked_cases() {
    for (spec, want) in [
        (Spec::Hosts { hosts: 31 }, vec!["/26", "62"]),
        (Spec::Hosts { hosts: 30 }, vec!["/27", "30"]),
        (Spec::Hosts { hosts: 2 }, vec!["/30", "2"]),
        (
            Spec::Subnets {
                parent: "10.20.0.0/16".into(),
                subnets: 5,
            },
            vec!["/19", "8190"],
        ),
        (
            Spec::Vlsm {
                parent: "192.168.1.0/24".into(),
                hosts: vec![32, 64, 16],
            },
            vec!["192.168.1.128/26", "192.168.1.0/25", "192.168.1.192/27"],
        ),
        (
            Spec::Vlsm {
                parent: "192.168.1.0/24".into(),
                hosts: vec![10, 50, 2, 20],
            },
            vec![
                "192.168.1.96/28",
                "192.168.1.0/26",
                "192.168.1.112/30",
                "192.168.1.64/27",
            ],
        ),
    ] {
        assert_eq!(truth(&spec), want, "the independent computation");
        let p = build(spec.clone());
        for (f, a) in p.fields.iter().zip(&want) {
            assert_eq!(f.mark(a), Mark::Correct, "{spec:?}");
        }
    }
}

#[test]
fn answers_of_another_form_are_read_or_refused_clearly() {
    let mask = build(Spec::Mask {
        given: MaskForm::Mask,
        prefix: 22,
    });
    // The given mask is not accepted as its own prefix length.
    let Mark::Unreadable(why) = mask.fields[0].mark("255.255.252.0") else {
        panic!()
    };
    assert_eq!(why.key, "drill.why.prefix");
    let vlsm = build(Spec::Vlsm {
        parent: "192.168.1.0/24".into(),
        hosts: vec![32, 64, 16],
    });
    let Mark::Unreadable(why) = vlsm.fields[0].mark("192.168.1.128") else {
        panic!()
    };
    assert_eq!(why.key, "drill.why.network");
    let same = build(Spec::Same {
        a: "10.0.0.10/24".into(),
        b: "10.0.0.20".into(),
        gateway: "10.0.0.1".into(),
    });
    assert_eq!(same.fields[0].mark("直接"), Mark::Correct);
    assert!(matches!(same.fields[0].mark("maybe"), Mark::Unreadable(_)));
    let route = build(Spec::Route {
        routes: vec![("0.0.0.0/0".into(), "eth0".into())],
        destination: "192.0.2.1".into(),
    });
    let Mark::Unreadable(why) = route.fields[0].mark("wlan0") else {
        panic!()
    };
    assert!(why.detail.contains("eth0"));
}

#[test]
fn specs_that_make_no_fair_problem_are_refused() {
    for bad in [
        Spec::Hosts { hosts: 0 },
        Spec::Hosts { hosts: 1 << 31 },
        Spec::Subnets {
            parent: "10.0.0.0/29".into(),
            subnets: 4,
        },
        Spec::Split {
            parent: "10.0.0.0/24".into(),
            prefix: 26,
            address: "10.0.1.1".into(),
        },
        Spec::Vlsm {
            parent: "192.168.1.0/24".into(),
            hosts: vec![200, 100],
        },
        Spec::Route {
            routes: vec![("10.0.0.0/8".into(), "eth1".into())],
            destination: "192.0.2.1".into(),
        },
        Spec::Same {
            a: "10.0.0.10/24".into(),
            b: "10.0.0.10".into(),
            gateway: "10.0.0.1".into(),
        },
        Spec::Range {
            input: "10.0.0.300/8".into(),
        },
    ] {
        assert!(bad.build().is_err(), "{bad:?}");
    }
}

#[test]
fn split_and_route_come_in_ipv6_too_with_ipv6_answers() {
    let mut v6 = BTreeSet::new();
    for seed in 0..SEEDS {
        for p in drill::generate(seed, 6, &[DrillKind::Split, DrillKind::Route]) {
            let is_v6 = match &p.spec {
                Spec::Split { address, .. } => address.contains(':'),
                Spec::Route { destination, .. } => destination.contains(':'),
                _ => false,
            };
            if is_v6 {
                v6.insert(p.spec.kind());
                let want = truth(&p.spec);
                if p.spec.kind() == DrillKind::Split {
                    assert!(want[0].contains(':'), "{want:?}");
                    // An IPv4 answer to an IPv6 field is unreadable, not wrong.
                    assert!(matches!(p.fields[0].mark("10.0.0.0"), Mark::Unreadable(_)));
                }
            }
        }
    }
    assert_eq!(v6, BTreeSet::from([DrillKind::Split, DrillKind::Route]));
}

#[test]
fn a_v6_count_without_the_reserved_anycast_addresses_names_that_mistake() {
    let p = Spec::Range {
        input: "2001:db8:0:1::5/64".into(),
    }
    .build()
    .unwrap();
    assert!(
        p.prompt.get(Lang::En).contains("RFC 2526"),
        "{:?}",
        p.prompt
    );
    assert!(p.prompt.get(Lang::Zh).contains("任播"), "{:?}", p.prompt);
    let count = p
        .fields
        .iter()
        .find(|f| f.id.name() == "addresses")
        .unwrap();
    assert_eq!(count.mark("2^64"), Mark::Correct);
    for wrong in ["18446744073709551615", "18446744073709551487"] {
        let mark = count.mark(wrong);
        assert_eq!(
            mark.mistake(),
            Some(drill::Mistake::Ipv6Anycast),
            "{wrong}: {mark:?}"
        );
        let hint = mark.hint(count, Lang::En).unwrap();
        assert!(hint.contains("RFC 4291"), "{hint}");
    }
}
