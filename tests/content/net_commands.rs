//! Every `nettutor net run …` command a shipped lesson tells the student to
//! type parses with the tutor's own command line and names an experiment that
//! takes its options; and what the lessons say a seed does is what that seed's
//! plan does (the plan is the relay's own, so this holds on every machine).

use clap::Parser;
use nettutor::cli::net::NetCmd;
use nettutor::cli::{Cli, Command};
use nettutor::lesson::LessonSet;
use nettutor::net::impaired::Chance;
use nettutor::vnet::experiments::{self, tcp_loss_plans};

#[test]
fn lessons_teach_only_net_commands_that_work() {
    let lessons = LessonSet::embedded().unwrap();
    let mut seen = Vec::new();
    for lesson in &lessons.lessons {
        for step in &lesson.steps {
            for body in [&step.body.en, &step.body.zh] {
                for line in body.lines().map(str::trim) {
                    if !line.starts_with("nettutor net ") {
                        continue;
                    }
                    let words: Vec<&str> = line.split_whitespace().collect();
                    let cli = Cli::try_parse_from(&words)
                        .unwrap_or_else(|e| panic!("{}: `{line}` is refused:\n{e}", lesson.id));
                    let Some(Command::Net(NetCmd::Run(args))) = cli.command else {
                        continue;
                    };
                    let e = experiments::find(&args.name)
                        .unwrap_or_else(|| panic!("{}: no experiment {}", lesson.id, args.name));
                    assert!(
                        e.takes_loss || (args.loss.is_none() && args.seed.is_none()),
                        "{}: `{line}` gives --loss/--seed to {}",
                        lesson.id,
                        e.name
                    );
                    seen.push((lesson.id.clone(), args.name.clone()));
                }
            }
        }
    }
    for (lesson, experiment) in [
        ("tcp-retransmission", "tcp-loss"),
        ("tcp-flow-control", "zero-window"),
        ("tcp-congestion", "tcp-loss"),
        ("dhcp", "dhcp"),
    ] {
        assert!(
            seen.iter().any(|(l, e)| l == lesson && e == experiment),
            "lesson {lesson} does not run {experiment}: {seen:?}"
        );
    }
}

fn plan(loss: f64, seed: u64) -> nettutor::net::impaired::Plan {
    tcp_loss_plans(Chance::percent(loss).unwrap(), seed).0
}

#[test]
fn the_seeds_the_retransmission_lesson_names_do_what_it_says() {
    // "With seed 1, 46 of the datagrams never arrive" (UDP is stream 17).
    assert_eq!(plan(5.0, 1).drops(17, 1000).len(), 46);
    // Of the first 13 TCP frames (the SYN, the handshake's ACK, the first
    // flight of ten): seed 23 drops only the flight's fourth segment, seed
    // 140 only the SYN.
    assert_eq!(plan(10.0, 23).drops(6, 13), vec![5]);
    assert_eq!(plan(10.0, 140).drops(6, 13), vec![0]);
}
