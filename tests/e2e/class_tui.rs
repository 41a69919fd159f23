//! End to end: a live class in three real terminals (tmux). The host screen
//! in one window, two students' screens in two more (one with a Chinese
//! name); the students answer with keys, the host advances with Space, and
//! the projector shows who joined, the live histogram, the reveal and the
//! class distribution. Then `class report` on the grade book gives the
//! figures the keys made. Skipped, with a reason, without tmux.

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::Tmux;
use common::class::{quiz, wrong};
use nettutor::lesson::{QuestionKind, Topic};
use nettutor::quiz::answer::correct_answer;
use nettutor::quiz::identity::instance_id;

const COUNT: usize = 2;
const BIN: &str = env!("CARGO_BIN_EXE_nettutor");

/// A topic and seed whose two questions are multiple choice or true/false
/// (an answer to type, one bar per answer).
fn closed_quiz() -> (String, u64) {
    for topic in Topic::names() {
        for seed in 1..100 {
            let qs = quiz(topic, COUNT, seed);
            if qs.len() == COUNT
                && qs.iter().all(|q| {
                    matches!(
                        &q.kind,
                        QuestionKind::Choice { .. } | QuestionKind::TrueFalse { .. }
                    )
                })
            {
                return (topic.to_string(), seed);
            }
        }
    }
    panic!("no topic and seed with two choice or true/false questions")
}

/// The text after `label` on the line that has it, up to the next space.
fn after(screen: &str, label: &str) -> String {
    let line = screen
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no '{label}' on the screen:\n{screen}"));
    let rest = &line[line.find(label).unwrap() + label.len()..];
    rest.split_whitespace().next().unwrap().to_string()
}

/// The histogram row of `label` (`  a ███░░░ 2 ✓`): its count and whether it is marked right.
fn bar(screen: &str, label: &str) -> (usize, bool) {
    let line = screen
        .lines()
        .find(|l| {
            l.trim_start().starts_with(&format!("{label} ")) && (l.contains('█') || l.contains('░'))
        })
        .unwrap_or_else(|| panic!("no bar '{label}':\n{screen}"));
    let right = line.trim_end().ends_with('✓');
    let count = line
        .trim_end()
        .trim_end_matches('✓')
        .split_whitespace()
        .last()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no count on '{line}'"));
    (count, right)
}

/// CPU time (user + system, clock ticks) of process `pid` so far.
fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// CPU ticks `pid` uses over `span` (measured: nothing waits on it).
fn cpu_over(pid: &str, span: Duration) -> u64 {
    let before = cpu_ticks(pid);
    std::thread::sleep(span);
    cpu_ticks(pid) - before
}

fn join(t: &Tmux, window: &str, addr: &str, code: &str, name: &str) {
    t.open_window(window);
    t.type_line_in(
        &format!("main:{window}"),
        &format!("'{BIN}' --lang en class join {addr} --code {code} --name {name}; echo EXIT=$?"),
    );
}

#[test]
fn a_class_in_three_terminals_is_hosted_answered_and_reported() {
    let Some(t) = Tmux::start("class_tui") else {
        return;
    };
    let (topic, seed) = closed_quiz();
    let quiz = quiz(&topic, COUNT, seed);
    let db = t.file("book.sqlite3");
    t.run_tutor(&format!(
        "--lang en class host --topic {topic} --count {COUNT} --seed {seed} --question-time 300 --db {}",
        db.display()
    ));
    let screen = t.wait_for("Nobody has joined yet.");
    assert!(screen.contains("only this machine can join"), "{screen}");
    let code = after(&screen, "Join code:");
    let addr = after(&screen, "Address:");
    assert_eq!(code.len(), 6, "{screen}");
    assert!(addr.starts_with("127.0.0.1:"), "{screen}");
    assert!(
        screen.contains(&format!("class join {addr} --code {code} --name")),
        "{screen}"
    );
    // The lobby waits without using the CPU.
    let host_pid = t.tutor_pid();
    let idle = cpu_over(&host_pid, Duration::from_millis(1500));
    assert!(idle <= 2, "the idle lobby used {idle} ticks of CPU");

    join(&t, "s1", &addr, &code, "Ada");
    join(&t, "s2", &addr, &code, "王小明");
    for w in ["main:s1", "main:s2"] {
        t.wait_in(w, "Waiting for the host");
    }
    let screen = t.wait_for("Joined: 2");
    assert!(
        screen.contains("Ada") && screen.contains("王小明"),
        "{screen}"
    );

    // Question 1: Ada right, 王小明 wrong; everyone answered, so it reveals itself.
    let right = correct_answer(&quiz[0].kind);
    let wrong1 = wrong(&quiz[0]).unwrap();
    t.send(&["Space"]);
    let screen = t.wait_for("Question 1/2");
    assert!(screen.contains("answers: 0 of 2"), "{screen}");
    for w in ["main:s1", "main:s2"] {
        t.wait_in(w, "question 1/2");
    }
    // A countdown redraws once a second, no more: a few ticks over 2 s.
    let counting = cpu_over(&host_pid, Duration::from_millis(2000));
    assert!(counting <= 10, "the countdown used {counting} ticks of CPU");
    t.type_line_in("main:s1", &right);
    t.wait_in("main:s1", "Answer received");
    let screen = t.wait_for("answers: 1 of 2");
    assert!(
        !screen.contains("Ada"),
        "a name on the question screen:\n{screen}"
    );
    t.type_line_in("main:s2", &wrong1);
    let screen = t.wait_for("Answer: ");
    assert!(screen.contains("closed"), "{screen}");
    assert_eq!(after(&screen, "Answer: "), right, "{screen}");
    assert_eq!(bar(&screen, &right), (1, true), "{screen}");
    assert_eq!(bar(&screen, &wrong1), (1, false), "{screen}");
    t.wait_in("main:s1", "Correct.");
    t.wait_in("main:s2", &format!("Wrong. The answer is: {right}"));

    // Question 2: Ada wrong, 王小明 silent; the host reveals with Space.
    let wrong2 = wrong(&quiz[1]).unwrap();
    t.send(&["Space"]);
    t.wait_for("Question 2/2");
    for w in ["main:s1", "main:s2"] {
        t.wait_in(w, "question 2/2");
    }
    t.type_line_in("main:s1", &wrong2);
    t.wait_in("main:s1", "Answer received");
    t.wait_for("answers: 1 of 2");
    t.send(&["Space"]);
    let screen = t.wait_for("Answer: ");
    assert_eq!(bar(&screen, &wrong2), (1, false), "{screen}");
    t.wait_in("main:s2", "No answer. The answer is:");

    // The end: the class distribution, each student's score.
    t.send(&["Space"]);
    let screen = t.wait_for("The session is over: 2 students, 2 questions.");
    let row = |label: &str| {
        screen
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .map(|l| l.split_whitespace().last().unwrap().to_string())
            .unwrap_or_else(|| panic!("no row {label}:\n{screen}"))
    };
    assert_eq!(row("0–9%"), "1", "{screen}");
    assert_eq!(row("50–59%"), "1", "{screen}");
    assert_eq!(row("90–100%"), "0", "{screen}");
    assert!(
        !screen.contains("Top five"),
        "no leaderboard by default:\n{screen}"
    );
    t.wait_in("main:s1", "Your score: 1/2");
    t.wait_in("main:s2", "Your score: 0/2");
    for w in ["main:s1", "main:s2"] {
        t.send_to(w, &["q"]);
    }
    t.wait_in("main:s1", "score: 1/2");
    t.wait_in("main:s2", "score: 0/2");
    for w in ["main:s1", "main:s2"] {
        t.wait_in(w, "EXIT=0");
    }
    // The session is over: q quits without asking.
    t.send(&["q"]);
    t.assert_terminal_restored();
    let screen = t.screen();
    assert!(
        screen.contains("session 1: 2 students, 3 answers"),
        "{screen}"
    );

    // The grade book has what the keys made.
    let out = Command::new(BIN)
        .args(["--lang", "en", "class", "report", "--db"])
        .arg(&db)
        .env("NETTUTOR_HOME", t.dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("1 session"), "{report}");
    let q_row = |i: usize| {
        let id = instance_id(&quiz[i]);
        report
            .lines()
            .find(|l| l.contains(&id))
            .unwrap_or_else(|| panic!("no row for {id}:\n{report}"))
            .to_string()
    };
    // Question 1: one of two right, the common wrong answer given once.
    let row1 = q_row(0);
    assert!(row1.trim_start().starts_with("50%"), "{row1}");
    assert!(row1.contains("×1"), "{row1}");
    // Question 2: nobody right.
    let row2 = q_row(1);
    assert!(row2.trim_start().starts_with("0%"), "{row2}");
    let student = |name: &str| {
        report
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{report}"))
            .to_string()
    };
    assert!(student("Ada").contains("1/2"), "{report}");
    assert!(student("王小明").contains("0/2"), "{report}");
}

#[test]
fn quitting_the_host_mid_question_asks_and_still_restores_the_terminal() {
    let Some(t) = Tmux::start("class_quit") else {
        return;
    };
    let db = t.file("book.sqlite3");
    t.run_tutor(&format!(
        "--lang en class host --count 2 --seed 1 --question-time 300 --db {}",
        db.display()
    ));
    t.wait_for("Nobody has joined yet.");
    t.send(&["Space"]);
    t.wait_for("Question 1/2");
    t.send(&["q"]);
    t.wait_for("quit anyway");
    // Any other key stays.
    t.send(&["n"]);
    let start = Instant::now();
    let (screen, _) = t.wait_until(
        "main",
        Duration::from_secs(10),
        |s| !s.contains("quit anyway"),
        "the question again",
    );
    assert!(screen.contains("Question 1/2"), "{screen}");
    assert!(start.elapsed() < Duration::from_secs(10));
    t.send(&["q"]);
    t.wait_for("quit anyway");
    t.send(&["y"]);
    t.assert_terminal_restored();
    assert!(
        t.screen().contains("session 1: 0 students, 0 answers"),
        "{}",
        t.screen()
    );
}
