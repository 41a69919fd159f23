//! Bounded input in plain mode, for real: bytes that are not UTF-8 and a
//! megabyte-long line on the real binary's stdin.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

fn plain_quiz(stdin: &[u8]) -> String {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "quiz", "--plain", "--count", "3", "--seed", "1", "--lang", "en",
        ])
        .env("NETTUTOR_HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the quiz writes UTF-8")
}

#[test]
fn a_line_of_invalid_utf8_is_one_wrong_answer_and_the_quiz_goes_on() {
    let out = plain_quiz(b"\xff\xfe\xfd\nb\nc\n");
    assert!(out.contains("not valid UTF-8 text"), "{out}");
    assert!(
        out.contains("[2/3]") && out.contains("[3/3]"),
        "the quiz went on: {out}"
    );
    assert!(out.contains("score: "), "{out}");
    assert!(out.contains("(counted wrong)"), "{out}");
}

#[test]
fn a_megabyte_line_is_one_wrong_answer_and_the_next_line_is_the_next_answer() {
    let mut input = vec![b'7'; 1 << 20];
    input.extend_from_slice(b"\na\n");
    let out = plain_quiz(&input);
    assert!(out.contains("longer than 4096 bytes"), "{out}");
    // The second line answered question 2; end of input ended the quiz at 3.
    assert!(out.contains("[3/3]"), "{out}");
    assert!(
        !out.contains("7777777777"),
        "the long line is not echoed back"
    );
}
