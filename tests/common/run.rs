//! The real binary as a child process: arguments, stdin, exit code and both
//! output streams. One runner for every CLI test (plain quiz, drill, lessons
//! check, …) instead of one copy per file.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The tutor binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

/// A home folder for commands that must not need one (nothing is written there
/// by the commands run with it).
pub fn unused_home() -> PathBuf {
    std::env::temp_dir().join("nettutor-test-unused")
}

/// Runs `nettutor ARGS` in its own `home` with `input` on stdin (written from a
/// thread, so a large input cannot deadlock against a full stdout pipe) and the
/// locale and colour variables removed, so the output does not depend on the
/// developer's shell. Returns the exit code (-1 when killed by a signal),
/// stdout and stderr.
pub fn nettutor_in(home: &Path, args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NETTUTOR_HOME", home)
        .env_remove("NO_COLOR")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let bytes = input.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        // The tutor may stop reading early (end of quiz): a broken pipe is fine.
        let _ = stdin.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// [`nettutor_in`] with no input and the [`unused_home`].
pub fn nettutor(args: &[&str]) -> (i32, String, String) {
    nettutor_in(&unused_home(), args, "")
}

/// The last line of `s` ("" when empty): where the plain modes print the score.
pub fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or("")
}

/// `tshark -r PCAP [READ…] -Y FILTER -T fields -e F…`: one row per frame,
/// each field's first occurrence (an ICMP error quotes a second IP header);
/// `None` (the skip said) without tshark. Panics when tshark fails.
pub fn tshark_fields(
    test: &str,
    pcap: &Path,
    read: &[&str],
    filter: &str,
    fields: &[&str],
) -> Option<Vec<Vec<String>>> {
    if !super::have(test, "tshark", "--version") {
        return None;
    }
    let mut cmd = Command::new("tshark");
    cmd.arg("-r")
        .arg(pcap)
        .args(read)
        .args(["-Y", filter, "-T", "fields", "-E", "occurrence=f"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').map(String::from).collect())
            .collect(),
    )
}

/// tshark's verbose dissection of `file` with every checksum check on; panics
/// when tshark fails. Callers check that tshark exists first (`common::have`).
pub fn tshark_verbose(file: &Path) -> String {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .arg("-V")
        .args(["-o", "tcp.check_checksum:TRUE"])
        .args(["-o", "udp.check_checksum:TRUE"])
        .args(["-o", "ip.check_checksum:TRUE"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `line` is Chinese: it has `zh` (a phrase of the translation) and, once the
/// `paths` and the program's name are taken out, no English word of three
/// letters or more (JSON and SQLite are names, not English).
pub fn assert_chinese(line: &str, zh: &str, paths: &[&str]) {
    assert!(line.contains(zh), "{zh:?} not in {line:?}");
    let mut rest = line.to_string();
    for path in paths {
        rest = rest.replace(path, "");
    }
    for name in ["nettutor", "JSON", "SQLite"] {
        rest = rest.replace(name, "");
    }
    let mut word = String::new();
    for ch in rest.chars().chain([' ']) {
        if ch.is_ascii_alphabetic() {
            word.push(ch);
        } else {
            assert!(word.len() < 3, "English {word:?} left in {line:?}");
            word.clear();
        }
    }
}
