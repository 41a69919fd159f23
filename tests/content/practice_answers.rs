//! Practice steps carry their answers, revealed on request (`a`), and every
//! answer is right: recomputed here with `ipnet`, independently of the tutor's
//! own subnet code, from the problems printed in the step's body.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use nettutor::lesson::{LessonSet, LessonSource, Step};

fn shipped() -> LessonSet {
    LessonSet::load(&LessonSource::Embedded).unwrap()
}

fn step<'a>(set: &'a LessonSet, lesson: &str, title: &str) -> &'a Step {
    let l = set.lessons.iter().find(|l| l.id == lesson).unwrap();
    l.steps
        .iter()
        .find(|s| s.title.en == title)
        .unwrap_or_else(|| panic!("{lesson}: no step '{title}'"))
}

/// Both languages of the answer of `s`.
fn answers(s: &Step) -> [&str; 2] {
    let a = s.answer.as_ref().expect("a practice step has an answer");
    [a.en.as_str(), a.zh.as_str()]
}

/// The numbered problems of the body's code block: `1.  ADDR  MASK-OR-/N`
/// or `1.  ADDR/N`.
fn problems(s: &Step) -> Vec<Ipv4Net> {
    s.body
        .en
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let n = words.next()?;
            n.strip_suffix('.')?.parse::<u32>().ok()?;
            let first = words.next()?;
            if let Ok(net) = first.parse::<Ipv4Net>() {
                return Some(net);
            }
            let addr: Ipv4Addr = first.parse().ok()?;
            let mask = words.next()?;
            let prefix = match mask.strip_prefix('/') {
                Some(p) => p.parse().ok()?,
                None => {
                    u8::try_from(u32::from(mask.parse::<Ipv4Addr>().ok()?).count_ones()).ok()?
                }
            };
            Ipv4Net::new(addr, prefix).ok()
        })
        .collect()
}

#[test]
fn every_practice_step_has_an_answer_in_both_languages() {
    let set = shipped();
    let mut practice = 0;
    for lesson in &set.lessons {
        for s in &lesson.steps {
            if ["Practice", "Check yourself"].contains(&s.title.en.as_str()) {
                practice += 1;
                let [en, zh] = answers(s);
                assert!(
                    !en.trim().is_empty() && !zh.trim().is_empty(),
                    "{}",
                    lesson.id
                );
            }
        }
    }
    assert!(practice >= 4, "{practice} practice steps");
}

#[test]
fn network_addresses_of_the_and_practice_are_right() {
    let set = shipped();
    let s = step(&set, "subnet-and", "Practice");
    let nets = problems(s);
    assert_eq!(nets.len(), 4, "four problems in the body");
    for text in answers(s) {
        for net in &nets {
            let network = net.network().to_string();
            assert!(
                text.contains(&network),
                "{net}: {network} missing from\n{text}"
            );
        }
    }
}

#[test]
fn ranges_of_the_range_practice_are_right() {
    let set = shipped();
    let s = step(&set, "subnet-range", "Practice");
    let nets = problems(s);
    assert_eq!(nets.len(), 4, "four problems in the body");
    for text in answers(s) {
        for net in &nets {
            let (network, broadcast) = (u32::from(net.network()), u32::from(net.broadcast()));
            if net.prefix_len() == 32 {
                assert!(
                    text.contains(&format!("{net}")) && text.contains(" 1"),
                    "{text}"
                );
                continue;
            }
            let row = text
                .lines()
                .find(|l| l.contains(&Ipv4Addr::from(network).to_string()))
                .unwrap_or_else(|| panic!("{net}: no row for its network in\n{text}"));
            let want = [
                Ipv4Addr::from(broadcast).to_string(),
                Ipv4Addr::from(network + 1).to_string(),
                Ipv4Addr::from(broadcast - 1).to_string(),
                (broadcast - network - 1).to_string(),
            ];
            let got: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(&got[2..], want, "{net}: {row}");
        }
    }
}

/// Largest first, each block at the next free address aligned to its size.
fn vlsm(parent: Ipv4Net, hosts: &[u32]) -> Vec<Ipv4Net> {
    let mut sizes = hosts.to_vec();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let mut next = u32::from(parent.network());
    sizes
        .iter()
        .map(|&h| {
            let prefix = 32 - (h + 2).next_power_of_two().trailing_zeros();
            let net = Ipv4Net::new(Ipv4Addr::from(next), u8::try_from(prefix).unwrap()).unwrap();
            next += 1 << (32 - prefix);
            net
        })
        .collect()
}

#[test]
fn splits_plans_and_aggregates_of_the_subnetting_practice_are_right() {
    let set = shipped();
    let s = step(&set, "subnetting", "Practice");
    let split: Vec<Ipv4Net> = "10.0.0.0/16"
        .parse::<Ipv4Net>()
        .unwrap()
        .subnets(18)
        .unwrap()
        .collect();
    let plan = vlsm("172.16.10.0/24".parse().unwrap(), &[100, 50, 25, 2]);
    let four: Vec<Ipv4Net> = (4..=7)
        .map(|i| format!("10.1.{i}.0/24").parse().unwrap())
        .collect();
    let cover = Ipv4Net::aggregate(&four);
    assert_eq!(cover.len(), 1, "4..7 aggregate to one prefix");
    let pair = Ipv4Net::aggregate(&vec![
        "10.1.3.0/24".parse().unwrap(),
        "10.1.4.0/24".parse().unwrap(),
    ]);
    assert_eq!(pair.len(), 2, "3 and 4 do not aggregate");
    let supernets: Vec<Ipv4Net> = pair.iter().map(|n| n.supernet().unwrap().trunc()).collect();
    for text in answers(s) {
        for net in split.iter().chain(&plan).chain(&cover).chain(&supernets) {
            assert!(
                text.contains(&net.to_string()),
                "{net} missing from\n{text}"
            );
        }
    }
}
