//! Whole-process start-up of the release binary, as a student meets it:
//! `nettutor subnet …` (text and `--json`), a 1M-row `--split`, and the terminal
//! tutor from exec to its first frame on the built-in lessons (in a pseudo-
//! terminal; `q` is already typed, so the run ends right after that frame).
//! `cargo bench --bench startup`. The C calculators are timed beside it when
//! installed (ipcalc-ng, sipcalc), in the same run, for the comparison in
//! docs/PERFORMANCE.md.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};

const NETTUTOR: &str = env!("CARGO_BIN_EXE_nettutor");

fn main() {
    divan::main();
}

/// Runs `program args` to its end, output thrown away; panics if it fails
/// (a bench that times an error message measures nothing).
fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .env("NETTUTOR_HOME", std::env::temp_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the program starts");
    assert!(status.success(), "{program} {args:?}: {status}");
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[divan::bench]
fn subnet_text() {
    run(NETTUTOR, &["subnet", "192.168.21.36/24"]);
}

#[divan::bench]
fn subnet_json() {
    run(NETTUTOR, &["subnet", "192.168.21.36/24", "--json"]);
}

#[divan::bench]
fn peer_ipcalc_ng_text(bencher: divan::Bencher) {
    if installed("ipcalc-ng") {
        bencher.bench(|| run("ipcalc-ng", &["192.168.21.36/24"]));
    }
}

#[divan::bench]
fn peer_ipcalc_ng_json(bencher: divan::Bencher) {
    if installed("ipcalc-ng") {
        bencher.bench(|| run("ipcalc-ng", &["--json", "192.168.21.36/24"]));
    }
}

#[divan::bench]
fn peer_sipcalc_text(bencher: divan::Bencher) {
    if installed("sipcalc") {
        bencher.bench(|| run("sipcalc", &["192.168.21.36/24"]));
    }
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn split_1m_rows() {
    run(
        NETTUTOR,
        &["subnet", "10.0.0.0/8", "--split", "28", "--limit", "0"],
    );
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn peer_sipcalc_split_1m_rows(bencher: divan::Bencher) {
    if installed("sipcalc") {
        bencher.bench(|| run("sipcalc", &["10.0.0.0/8", "-s", "28"]));
    }
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn peer_ipcalc_ng_split_1m_rows(bencher: divan::Bencher) {
    if installed("ipcalc-ng") {
        bencher.bench(|| run("ipcalc-ng", &["-S", "28", "10.0.0.0/8"]));
    }
}

/// A pseudo-terminal of `cols`×`rows`: (controller, terminal side).
fn pty(cols: u16, rows: u16) -> (File, OwnedFd) {
    let (mut controller, mut terminal) = (0, 0);
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two new descriptors into the integers given.
    let ok = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(ok, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors are new and owned by nobody else.
    unsafe {
        (
            File::from_raw_fd(controller),
            OwnedFd::from_raw_fd(terminal),
        )
    }
}

/// Exec to first frame: the tutor draws, then reads the `q` already waiting.
fn first_frame(cols: u16, rows: u16) {
    let (mut controller, terminal) = pty(cols, rows);
    controller.write_all(b"q").expect("type q");
    let mut child = Command::new(NETTUTOR)
        .env("NETTUTOR_HOME", std::env::temp_dir())
        .env("TERM", "xterm-256color")
        .stdin(terminal.try_clone().expect("dup"))
        .stdout(terminal.try_clone().expect("dup"))
        .stderr(terminal)
        .spawn()
        .expect("the tutor starts");
    // Drain the screen so the tutor never blocks on a full terminal.
    let reader = std::thread::spawn(move || {
        let mut screen = Vec::new();
        let _ = controller.read_to_end(&mut screen);
        screen.len()
    });
    let status = child.wait().expect("the tutor ends");
    assert!(status.success(), "{status}");
    let _ = reader.join();
}

#[divan::bench(sample_count = 30, sample_size = 1)]
fn tui_first_frame_80x24() {
    first_frame(80, 24);
}

#[divan::bench(sample_count = 30, sample_size = 1)]
fn tui_first_frame_200x60() {
    first_frame(200, 60);
}
