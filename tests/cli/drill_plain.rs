//! `nettutor drill subnet --plain` end to end: the real binary, answers piped
//! into stdin, the marks and the score line asserted; the pool of missed
//! problems in the progress file; both languages. The right answers come from
//! ipnet (via the problem's input), not from the drill.

use crate::common::run::{last_line, nettutor_in};
use std::io::Write;
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Command, Stdio};

use ipnet::{IpNet, Ipv4Net};
use nettutor::quiz::drill::{self, DrillKind, Spec};

/// Runs `nettutor drill subnet --plain ARGS` with `input` on stdin.
fn run(home: &Path, args: &[&str], input: &str) -> (i32, String, String) {
    let args: Vec<&str> = ["drill", "subnet", "--plain"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    nettutor_in(home, &args, input)
}

/// The right answers of a range problem, one per field, from ipnet.
fn truth(input: &str) -> Vec<String> {
    let net: IpNet = match input.split_once(' ') {
        Some((a, m)) => IpNet::V4(
            Ipv4Net::new(
                a.parse().unwrap(),
                ipnet::ipv4_mask_to_prefix(m.parse().unwrap()).unwrap(),
            )
            .unwrap(),
        ),
        None => input.parse().unwrap(),
    };
    match net {
        IpNet::V4(n) if n.prefix_len() == 32 => vec![n.addr().to_string(), "1".into()],
        IpNet::V4(n) if n.prefix_len() == 31 => vec![
            n.network().to_string(),
            n.network().to_string(),
            n.broadcast().to_string(),
            "2".into(),
        ],
        IpNet::V4(n) => {
            let (lo, hi) = (u32::from(n.network()), u32::from(n.broadcast()));
            vec![
                n.network().to_string(),
                n.broadcast().to_string(),
                Ipv4Addr::from(lo + 1).to_string(),
                Ipv4Addr::from(hi - 1).to_string(),
                (hi - lo - 1).to_string(),
            ]
        }
        IpNet::V6(n) => vec![
            n.network().to_string(),
            n.broadcast().to_string(),
            format!("2^{}", 128 - n.prefix_len()),
        ],
    }
}

/// The range problems a seed gives (the CLI builds the same ones), with the
/// truth for each.
fn problems(seed: u64, count: usize) -> Vec<(String, Vec<String>)> {
    drill::generate(seed, count, &[DrillKind::Range])
        .iter()
        .map(|p| match &p.spec {
            Spec::Range { input } => (input.clone(), truth(input)),
            other => panic!("{other:?}"),
        })
        .collect()
}

fn lines(answers: &[String]) -> String {
    answers.iter().map(|a| format!("{a}\n")).collect()
}

#[test]
fn true_values_score_full_marks() {
    let home = tempfile::tempdir().unwrap();
    let set = problems(42, 6);
    let input: String = set.iter().map(|(_, t)| lines(t)).collect();
    let n: usize = set.iter().map(|(_, t)| t.len()).sum();
    let (code, out, err) = run(
        home.path(),
        &["--seed", "42", "--count", "6", "--kind", "range"],
        &input,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(last_line(&out), format!("score: {n}/{n} fields"), "{out}");
    assert!(!out.contains('✗'), "{out}");
    assert!(out.contains("Best streak in this set: 6"), "{out}");
    for (input, _) in &set {
        let shown = input.split(' ').next().unwrap();
        assert!(out.contains(shown), "problem {input} is shown: {out}");
    }
}

#[test]
fn one_wrong_field_is_marked_alone_with_its_hint() {
    let home = tempfile::tempdir().unwrap();
    // The first seed whose first problem is an IPv4 LAN whose host is not the
    // network address (so "the host's own address" is a wrong network).
    let (seed, input, mut answers) = (0..200)
        .find_map(|seed| {
            let (input, truth) = problems(seed, 1).remove(0);
            let host = input.split(['/', ' ']).next().unwrap().to_string();
            (truth.len() == 5 && host != truth[0]).then_some((seed, input, truth))
        })
        .unwrap();
    let host = input.split(['/', ' ']).next().unwrap().to_string();
    answers[0] = host.clone();
    let seed = seed.to_string();
    let (code, out, err) = run(
        home.path(),
        &["--seed", &seed, "--count", "1", "--kind", "range"],
        &lines(&answers),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(last_line(&out), "score: 4/5 fields", "{out}");
    let wrong: Vec<&str> = out.lines().filter(|l| l.contains('✗')).collect();
    assert_eq!(wrong.len(), 1, "{out}");
    assert!(
        wrong[0].contains("network address") && wrong[0].contains(&host),
        "{}",
        wrong[0]
    );
    let hints: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("hint:"))
        .collect();
    assert_eq!(hints.len(), 1, "{out}");
    assert!(hints[0].contains("the host's own address"), "{}", hints[0]);
    assert_eq!(out.lines().filter(|l| l.contains('✓')).count(), 4, "{out}");
}

#[test]
fn a_malformed_answer_counts_wrong_and_the_next_line_is_the_next_field() {
    let home = tempfile::tempdir().unwrap();
    let (seed, _, mut answers) = (0..200)
        .find_map(|seed| {
            let (input, truth) = problems(seed, 1).remove(0);
            (truth.len() == 5).then_some((seed, input, truth))
        })
        .unwrap();
    answers[1] = "192.168.1".into();
    let seed = seed.to_string();
    let (_, out, _) = run(
        home.path(),
        &["--seed", &seed, "--count", "1", "--kind", "range"],
        &lines(&answers),
    );
    assert_eq!(last_line(&out), "score: 4/5 fields", "{out}");
    let bad = out.lines().find(|l| l.contains('✗')).unwrap();
    assert!(
        bad.contains("broadcast address")
            && bad.contains("Not an IPv4 address")
            && bad.contains("counted wrong"),
        "{bad}"
    );
    // Not asked again: the first-host line was taken as the first host.
    assert!(
        out.lines().any(|l| l.contains("✓ first usable host")),
        "{out}"
    );
}

#[test]
fn the_same_seed_gives_the_same_drill_and_end_of_input_ends_it() {
    let home = tempfile::tempdir().unwrap();
    let args = ["--seed", "9", "--count", "4"];
    let (_, a, _) = run(home.path(), &args, "");
    let (_, b, _) = run(home.path(), &args, "");
    assert_eq!(a, b);
    assert!(a.contains("End of input"), "{a}");
    let (_, c, _) = run(home.path(), &["--seed", "10", "--count", "4"], "");
    assert_ne!(a, c);
    // Nothing answered: every field of the whole set counts.
    let n: usize = drill::generate(9, 4, &DrillKind::ALL)
        .iter()
        .map(|p| p.fields.len())
        .sum();
    assert_eq!(last_line(&a), format!("score: 0/{n} fields"));
}

#[test]
fn missed_problems_come_back_until_right_three_times_in_a_row() {
    let home = tempfile::tempdir().unwrap();
    let (missed, truth) = problems(5, 1).remove(0);
    let shown = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("[1/"))
            .unwrap()
            .to_string()
    };
    let (_, out, _) = run(
        home.path(),
        &["--seed", "5", "--count", "1", "--kind", "range"],
        "\n",
    );
    let first = shown(&out);
    let file = std::fs::read_to_string(home.path().join("progress.json")).unwrap();
    assert!(file.contains(&missed), "the pool keeps it: {file}");
    for round in 0..3 {
        let (_, out, err) = run(
            home.path(),
            &["--count", "1", "--kind", "range"],
            &lines(&truth),
        );
        assert_eq!(shown(&out), first, "round {round}: {out} {err}");
        assert!(out.contains("missed before"), "{out}");
        assert_eq!(
            last_line(&out),
            format!("score: {0}/{0} fields", truth.len())
        );
    }
    let file = std::fs::read_to_string(home.path().join("progress.json")).unwrap();
    assert!(!file.contains(&missed), "right three times: gone: {file}");
    let (_, out, _) = run(home.path(), &["--count", "1", "--kind", "range"], "");
    assert!(!out.contains("missed before"), "{out}");
}

#[test]
fn chinese_prompts_and_hints_keep_the_score_line() {
    let home = tempfile::tempdir().unwrap();
    let (_, truth) = problems(42, 1).remove(0);
    let mut answers = truth.clone();
    answers[0] = "nonsense".into();
    let (code, out, err) = run(
        home.path(),
        &[
            "--lang", "zh", "--seed", "42", "--count", "1", "--kind", "range",
        ],
        &lines(&answers),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("网络地址") && out.contains("提示："), "{out}");
    assert!(out.contains("按答错计"), "{out}");
    assert_eq!(
        last_line(&out),
        format!("score: {}/{} fields", truth.len() - 1, truth.len())
    );
}

#[test]
fn a_time_limit_ends_the_set_and_counts_the_rest_wrong() {
    let home = tempfile::tempdir().unwrap();
    // stdin stays open and silent: only the limit can end the drill.
    let mut child = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(["drill", "subnet", "--plain", "--seed", "1", "--count", "2"])
        .args(["--time-limit", "1", "--lang", "en"])
        .env("NETTUTOR_HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.contains("Time is up."), "{out}");
    let n: usize = drill::generate(1, 2, &DrillKind::ALL)
        .iter()
        .map(|p| p.fields.len())
        .sum();
    assert_eq!(last_line(&out), format!("score: 0/{n} fields"));
}

#[test]
fn a_bad_kind_is_a_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let (code, _, err) = run(home.path(), &["--kind", "rnage"], "");
    assert_ne!(code, 0);
    assert!(
        err.contains("unknown drill kind 'rnage'") && err.contains("range"),
        "{err}"
    );
}

#[test]
fn the_drill_keeps_the_rest_of_the_progress_file() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("progress.json");
    std::fs::write(
        &file,
        r#"{"last_lesson":"subnet-and","last_step":2,"mastery":{"quizzes":3}}"#,
    )
    .unwrap();
    let (code, _, err) = run(home.path(), &["--seed", "3", "--count", "2"], "\n\n");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["last_lesson"], "subnet-and");
    assert_eq!(v["mastery"]["quizzes"], 3);
    assert_eq!(v["drill"]["missed"].as_array().unwrap().len(), 1, "{v}");
}

#[test]
fn a_given_problem_is_drilled_and_a_bad_one_refused() {
    let home = tempfile::tempdir().unwrap();
    // 192.168.37.77/27, worked by hand: block of 32 → .64 to .95.
    let answers = "192.168.37.64\n192.168.37.255\n192.168.37.65\n192.168.37.94\n30\n";
    let (code, out, err) = run(home.path(), &["--problem", "192.168.37.77/27"], answers);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("[1/1] Host 192.168.37.77/27."), "{out}");
    assert_eq!(last_line(&out), "score: 4/5 fields");
    assert!(
        out.contains("✗ broadcast address: you said 192.168.37.255; the answer is 192.168.37.95"),
        "{out}"
    );
    assert!(out.contains("classful mask /24 (class C)"), "{out}");
    let (code, _, err) = run(home.path(), &["--problem", "192.168.37.777/27"], "");
    assert_ne!(code, 0);
    assert!(
        err.contains("--problem 192.168.37.777/27") && err.contains("255"),
        "{err}"
    );
}

#[test]
fn two_drills_at_once_both_keep_their_missed_problems() {
    let home = tempfile::tempdir().unwrap();
    let spawn = |seed: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nettutor"))
            .args([
                "drill", "subnet", "--plain", "--kind", "mask", "--count", "20",
            ])
            .args(["--seed", seed, "--lang", "en"])
            .env("NETTUTOR_HOME", home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all("\n".repeat(40).as_bytes())
            .unwrap();
        child
    };
    let (a, b) = (spawn("1"), spawn("2"));
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.path().join("progress.json")).unwrap())
            .unwrap();
    let missed: std::collections::BTreeSet<String> = v["drill"]["missed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["spec"].to_string())
        .collect();
    let mut want = std::collections::BTreeSet::new();
    for seed in [1, 2] {
        for p in drill::generate(seed, 20, &[DrillKind::Mask]) {
            want.insert(serde_json::to_value(&p.spec).unwrap().to_string());
        }
    }
    assert_eq!(missed, want, "every problem both drills missed is kept");
}
