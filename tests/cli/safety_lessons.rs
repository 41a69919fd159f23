//! A hostile lesson folder, for real: a file over 1 MiB, a symlink loop, a
//! dangling symlink, a FIFO, a device node (root only) and a file that is not
//! UTF-8. Each is reported with its path; nothing hangs or is skipped silently.

use std::fs;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

#[test]
fn every_bad_entry_of_a_lesson_folder_is_reported_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let big = d.join("big.toml");
    fs::write(&big, vec![b'#'; 1024 * 1024 + 1]).unwrap();
    std::os::unix::fs::symlink("loop-b.toml", d.join("loop-a.toml")).unwrap();
    std::os::unix::fs::symlink("loop-a.toml", d.join("loop-b.toml")).unwrap();
    std::os::unix::fs::symlink("gone.toml", d.join("dangling.toml")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(d.join("pipe.toml"))
            .status()
            .unwrap()
            .success()
    );
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        let made = Command::new("mknod")
            .arg(d.join("null"))
            .args(["c", "1", "3"])
            .status()
            .unwrap();
        assert!(made.success());
    } else {
        eprintln!("skipping the device node entry: mknod needs root");
    }
    fs::write(
        d.join("latin1.toml"),
        b"id = \"x\"\n# ok\ntitle = \"caf\xe9\"\n",
    )
    .unwrap();
    // A README next to the lessons is not a lesson and not a problem.
    fs::write(d.join("README.md"), "notes").unwrap();
    let out = Command::new(BIN)
        .args(["lessons", "check"])
        .arg(d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let at = |name: &str| format!("{}", d.join(name).display());
    let expect = [
        (at("big.toml"), "1048577 bytes"),
        (at("loop-a.toml"), "symlink loop"),
        (at("loop-b.toml"), "symlink loop"),
        (at("dangling.toml"), "does not exist"),
        (at("pipe.toml"), "FIFO"),
        (format!("{}:3", at("latin1.toml")), "line 3, column 13"),
    ];
    for (path, what) in expect {
        let line = stderr
            .lines()
            .find(|l| l.starts_with(&path))
            .unwrap_or_else(|| panic!("{path} reported:\n{stderr}"));
        assert!(line.contains(what), "{line}");
    }
    if root {
        assert!(
            stderr.contains(&format!("{}: a character device", at("null"))),
            "{stderr}"
        );
    }
    assert!(!stderr.contains("README"), "{stderr}");
}
