//! The presenter console in a real terminal: the presentation in one tmux
//! window, `nettutor presenter` in another. Keys in either drive the projected
//! screen and the console follows; `n` shows no notes to the room while the
//! console is attached; the socket goes when the presentation quits.

use std::io::{BufRead as _, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common;

use common::Tmux;
use nettutor::i18n::Lang;

const CONSOLE: &str = "main:console";

/// The sockets in the presentations' directory.
fn sockets(run: &Path) -> Vec<String> {
    std::fs::read_dir(run.join("nettutor"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".sock"))
        .collect()
}

/// Presses PageDown in `target` until the projected screen (the tutor `pid`)
/// shows lesson step `want` ("step 2/9"); returns that screen, each press
/// waiting for the last one's whole frame (`Tmux::next_frame`).
fn page_down_until(t: &Tmux, pid: i32, target: &str, want: &str) -> String {
    let mut screen = t.screen();
    for _ in 0..30 {
        if super::present::lesson_mark(&screen).is_some_and(|(_, c)| c == want) {
            return screen;
        }
        t.send_to(target, &["PageDown"]);
        screen = t
            .next_frame(pid, &screen, Duration::from_secs(10))
            .unwrap_or_else(|| panic!("PageDown in {target} changed nothing; screen:\n{screen}"));
    }
    panic!("PageDown in {target} never reached {want}; screen:\n{screen}");
}

/// The first words of a step's notes (on the console's first notes line),
/// or the console's "no notes" line.
fn notes_mark(step: &nettutor::lesson::Step) -> String {
    match &step.notes {
        Some(n) => n
            .get(Lang::En)
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" "),
        None => "(no notes for this step)".into(),
    }
}

#[test]
fn a_console_in_another_window_follows_and_drives_the_presentation() {
    let Some(t) = Tmux::start("present-console") else {
        return;
    };
    let set = nettutor::lesson::LessonSet::embedded().unwrap();
    let lesson = &set.lessons[0];
    let m = lesson.steps.len();
    assert!(m >= 3, "the first lesson has three steps");
    let run = t.dir().join("run");
    let env = format!("XDG_RUNTIME_DIR={}", run.display());
    let bin = env!("CARGO_BIN_EXE_nettutor");
    t.run_tutor_env(
        &env,
        &format!(
            "--lang en --present --lesson {},{}",
            lesson.id, set.lessons[1].id
        ),
    );
    t.wait_for("step 1/");
    let pid = t.tutor_pid();
    let tutor: i32 = pid.parse().unwrap();
    // The presentation listens as soon as it shows (a socket named by its pid).
    let sock = format!("{pid}.sock");
    let start = std::time::Instant::now();
    while !sockets(&run).contains(&sock) {
        assert!(start.elapsed() < Duration::from_secs(10), "{sock} appears");
        std::thread::sleep(Duration::from_millis(20));
    }
    let listed = Command::new(bin)
        .args(["--lang", "en", "presenter", "--list"])
        .env("XDG_RUNTIME_DIR", &run)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.starts_with("ID\tSTARTED"), "{listed}");
    assert!(listed.contains(&format!("{pid}\t")), "{listed}");
    assert!(
        listed.contains(&format!("1/2 {}", lesson.title.en)),
        "{listed}"
    );

    t.open_window("console");
    t.type_line_in(
        CONSOLE,
        &format!("{env} '{bin}' --lang en presenter; echo CONSOLE_EXIT=$?"),
    );
    let console = t.wait_in(CONSOLE, &format!("Step 1/{m}"));
    assert!(console.contains("Lesson 1/2"), "{console}");
    assert!(console.contains(&notes_mark(&lesson.steps[0])), "{console}");
    assert!(
        console.contains(&format!("Next: {}", lesson.steps[1].title.en)),
        "{console}"
    );
    t.wait_for("Presenter console attached");

    // PageDown in the console: the projected screen moves, the console follows.
    page_down_until(&t, tutor, CONSOLE, &format!("step 2/{m}"));
    let console = t.wait_in(CONSOLE, &format!("Step 2/{m}"));
    t.wait_in(CONSOLE, &notes_mark(&lesson.steps[1]));
    assert!(console.contains(&lesson.steps[1].title.en), "{console}");
    // PageDown in the projected window: the console follows.
    page_down_until(&t, tutor, "main", &format!("step 3/{m}"));
    t.wait_in(CONSOLE, &format!("Step 3/{m}"));
    t.wait_in(CONSOLE, &notes_mark(&lesson.steps[2]));

    // `n` on the projected screen, twice: the notes stay on the console.
    t.send(&["n"]);
    let screen = t.wait_for("notes are on the presenter console");
    t.send(&["n"]);
    std::thread::sleep(Duration::from_millis(200));
    for screen in [screen, t.screen()] {
        if lesson.steps[2].notes.is_some() {
            assert!(
                !screen.contains(&notes_mark(&lesson.steps[2])),
                "notes projected:\n{screen}"
            );
        }
        assert!(!screen.contains("Speaker notes"), "{screen}");
    }

    // A third client, `--plain`: one JSON line per change, keys from stdin.
    let mut plain = Command::new(bin)
        .args(["presenter", "--plain", "--attach", &pid])
        .env("XDG_RUNTIME_DIR", &run)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    t.watch(i32::try_from(plain.id()).unwrap());
    let (tx, rx) = mpsc::channel();
    let out = plain.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(first.starts_with(r#"{"v":1,"type":"state""#), "{first}");
    assert!(
        first.contains(&format!(r#""step":3,"steps":{m}"#)),
        "{first}"
    );
    let mut stdin = plain.stdin.take().unwrap();
    stdin.write_all(b"blank\n").unwrap();
    let second = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(second.contains(r#""blank":true"#), "{second}");
    let (screen, _) = t.wait_until(
        "main",
        Duration::from_secs(10),
        |s| s.trim().is_empty(),
        "the blanked projected screen",
    );
    assert!(screen.trim().is_empty());
    t.wait_in(CONSOLE, "The projected screen is blank");
    t.send_to(CONSOLE, &["b"]);
    t.wait_for(&format!("step 3/{m}"));
    let _ = plain.kill();
    let _ = plain.wait();

    // Quit the presentation: its socket goes; the console says so and
    // closes on a key, its terminal restored.
    t.send(&["q"]);
    t.assert_terminal_restored();
    assert!(sockets(&run).is_empty(), "{:?}", sockets(&run));
    t.wait_in(CONSOLE, "The presentation ended");
    t.send_to(CONSOLE, &["x"]);
    t.wait_in(CONSOLE, "CONSOLE_EXIT=0");
    let alt = t.tmux(&["display-message", "-p", "-t", CONSOLE, "#{alternate_on}"]);
    assert_eq!(alt.trim(), "0", "the console left the alternate screen");
}

#[test]
fn without_a_presentation_the_console_says_so_in_one_line() {
    let run = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(["--lang", "en", "presenter"])
        .env("XDG_RUNTIME_DIR", run.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "nettutor: no presentation is running (start one with `nettutor --present`)\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_nettutor"))
        .args(["presenter", "--attach", "../etc"])
        .env("XDG_RUNTIME_DIR", run.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no presentation has the id"));
}
