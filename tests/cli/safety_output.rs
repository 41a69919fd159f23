//! Output files for real: a character device made with mknod, a FIFO, a
//! symlink, a folder, as `-o` or `--results` of every command that writes one.
//! Choice (README, --help): anything but a regular file or a new path is
//! refused with one line naming the path and what it is, exit 2, untouched.

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn tutor(home: &Path, args: &[&str], out: &Path, stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .arg(out)
        .env("NETTUTOR_HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().unwrap()
}

/// Every command with an output path, as arguments before the path.
fn writers() -> Vec<Vec<&'static str>> {
    let mut all = vec![
        vec!["export", "arp", "-o"],
        vec!["export", "encapsulation", "-o"],
        vec!["export", "handshake", "--scenario", "normal", "-o"],
        vec![
            "quiz",
            "--plain",
            "--count",
            "2",
            "--seed",
            "3",
            "--results",
        ],
    ];
    if is_root() {
        all.push(vec!["capture", "handshake", "-o"]);
    }
    all
}

fn mknod_null(path: &Path) -> bool {
    if !is_root() {
        eprintln!("skipping the device node case: mknod needs root");
        return false;
    }
    let ok = Command::new("mknod")
        .arg(path)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipping the device node case: mknod failed here");
    }
    ok
}

#[test]
fn devices_fifos_and_folders_are_refused_by_name_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    fs::create_dir(&home).unwrap();
    let mut targets: Vec<(PathBuf, &str)> = Vec::new();
    let device = dir.path().join("null.json");
    if mknod_null(&device) {
        targets.push((device.clone(), "character device"));
    }
    let fifo = dir.path().join("pipe.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    targets.push((fifo.clone(), "FIFO"));
    let folder = dir.path().join("folder.json");
    fs::create_dir(&folder).unwrap();
    targets.push((folder.clone(), "folder"));
    // A symlink to the device is judged by what it points to.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    targets.push((link.clone(), "FIFO"));
    let mut tried = 0;
    for args in writers() {
        for (target, what) in &targets {
            let out = tutor(&home, &args, target, "a\n");
            tried += 1;
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} {target:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains(&target.display().to_string()), "{stderr}");
            assert!(stderr.contains(what), "{stderr}");
            // Refused before any work: no question was asked.
            assert!(
                out.stdout.is_empty(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    // Nothing was replaced.
    if device.exists() {
        let meta = fs::symlink_metadata(&device).unwrap();
        assert!(meta.file_type().is_char_device());
        assert_eq!(meta.rdev(), fs::metadata("/dev/null").unwrap().rdev());
    }
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(folder.is_dir());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // No temp files left next to them.
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), targets.len() + 1, "{left:?}");
    eprintln!("{tried} refusals (commands × non-files), all exit 2, nothing replaced");
}

#[test]
fn a_symlink_to_a_file_is_followed_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    for args in writers() {
        let real = dir.path().join("real.json");
        fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.json");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        let out = tutor(dir.path(), &args, &link, "a\nb\n");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let written = fs::read(&real).unwrap();
        assert_ne!(written, b"old", "{args:?}: the target was written");
        assert!(written.len() > 20, "{args:?}");
    }
}

#[test]
fn an_unwritable_results_path_fails_before_the_first_question() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder/results.json");
    let out = tutor(
        dir.path(),
        &[
            "quiz",
            "--plain",
            "--count",
            "3",
            "--seed",
            "1",
            "--results",
        ],
        &missing,
        "a\nb\nc\n",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("results.json"), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "no question asked, so no answer lost"
    );
    // Nothing was recorded as answered either.
    assert!(!dir.path().join("progress.json").exists());
}
