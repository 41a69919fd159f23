//! Every subcommand against a closed pipe and a full device, for real: the
//! child's stdout is a pipe whose reading end is already closed (EPIPE), or
//! `/dev/full` (ENOSPC). A closed pipe is a quiet exit 0; a full device is one
//! line on stderr and exit 1; never a panic, never exit 101.

use std::fs::OpenOptions;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

/// How stdout is broken.
#[derive(Debug, Clone, Copy)]
enum Fault {
    ClosedPipe,
    FullDevice,
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
}

fn run(args: &[String], fault: Fault, home: &std::path::Path) -> Outcome {
    let stdout: Stdio = match fault {
        Fault::ClosedPipe => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            writer.into()
        }
        Fault::FullDevice => OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
            .into(),
    };
    let out = Command::new(BIN)
        .args(args)
        .env("NETTUTOR_HOME", home)
        .env_remove("NO_COLOR")
        .current_dir(home)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The subcommands `nettutor --help` lists.
fn listed_subcommands() -> Vec<String> {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let commands = help
        .split("Commands:")
        .nth(1)
        .expect("a Commands section")
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .to_string();
    commands
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| *w != "help")
        .map(str::to_string)
        .collect()
}

fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn every_subcommand_on_a_closed_pipe_and_a_full_device() {
    let home = tempfile::tempdir().unwrap();
    let d = home.path().display();
    let mut cases: Vec<Vec<String>> = [
        "--help",
        "--version",
        "lessons list",
        "lessons check",
        "subnet 192.168.1.77/26",
        "subnet 10.0.0.0/16 --split 24 --json",
        "lab --list",
        "lab sticky --options",
        "lab sticky --json",
        "lab udp-loss --json",
        "lab sticky",
        "export handshake --list",
        "quiz --progress",
        "quiz --plain --count 3 --seed 1",
    ]
    .iter()
    .map(|l| words(l))
    .collect();
    cases.push(words(&format!("export encapsulation -o {d}/e.pcap")));
    cases.push(words(&format!("export arp -o {d}/a.pcap")));
    cases.push(words(&format!(
        "export handshake --scenario normal -o {d}/h.pcap"
    )));
    // Needs root: without it the one-line refusal is the output on stderr.
    cases.push(words(&format!("capture handshake -o {d}/c.pcap")));
    // Whatever else the binary offers (added later) at least prints its help.
    for sub in listed_subcommands() {
        if !cases.iter().any(|c| c[0] == sub) {
            cases.push(vec![sub, "--help".into()]);
        }
    }
    let mut runs = 0;
    for args in &cases {
        for fault in [Fault::ClosedPipe, Fault::FullDevice] {
            let got = run(args, fault, home.path());
            runs += 1;
            let shown = args.join(" ");
            assert!(
                !got.stderr.contains("panicked") && got.code != Some(101),
                "nettutor {shown} ({fault:?}) panicked: {:?} {}",
                got.code,
                got.stderr
            );
            let needs_root = args[0] == "capture" && got.stderr.contains("CAP_NET_RAW");
            match fault {
                Fault::ClosedPipe if needs_root => assert_eq!(got.code, Some(1)),
                Fault::ClosedPipe => {
                    assert_eq!(
                        got.code,
                        Some(0),
                        "nettutor {shown} ({fault:?}): {}",
                        got.stderr
                    );
                    assert_eq!(got.stderr, "", "nettutor {shown}: quiet on a closed pipe");
                }
                Fault::FullDevice => {
                    assert_eq!(
                        got.code,
                        Some(1),
                        "nettutor {shown} ({fault:?}): {}",
                        got.stderr
                    );
                    assert_eq!(
                        got.stderr.lines().count(),
                        1,
                        "nettutor {shown}: one line: {}",
                        got.stderr
                    );
                    if !needs_root {
                        assert!(
                            got.stderr.contains("No space left on device"),
                            "nettutor {shown}: {}",
                            got.stderr
                        );
                    }
                }
            }
        }
    }
    eprintln!(
        "{runs} runs ({} invocations × closed pipe × full device): 0 panics",
        cases.len()
    );
}

#[test]
fn the_tutor_refuses_in_one_line_when_stdout_is_not_a_terminal() {
    let home = tempfile::tempdir().unwrap();
    for args in [vec![], vec!["quiz"], vec!["--present"]] {
        let out = Command::new(BIN)
            .args(&args)
            .env("NETTUTOR_HOME", home.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("not a terminal"), "{stderr}");
        assert!(out.stdout.is_empty(), "no escape codes written to the pipe");
    }
}

#[test]
fn an_error_is_printed_once() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("no/such/folder/x.pcap");
    let out = Command::new(BIN)
        .args(["export", "arp", "-o"])
        .arg(&missing)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "said once: {stderr}"
    );
}
