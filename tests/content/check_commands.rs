//! Every `nettutor check …` command a shipped lesson tells the student to type
//! parses with the tutor's own command line, names a shipped exercise and a
//! program to run, in both languages — a lesson never teaches a command that
//! would be refused.

use clap::Parser;
use nettutor::check::ExerciseSet;
use nettutor::cli::{Cli, Command};
use nettutor::lesson::LessonSet;

#[test]
fn lessons_teach_only_check_commands_that_work() {
    let lessons = LessonSet::embedded().unwrap();
    let exercises = ExerciseSet::load(None, None).unwrap();
    let mut seen = Vec::new();
    for lesson in &lessons.lessons {
        for step in &lesson.steps {
            for body in [&step.body.en, &step.body.zh] {
                for line in body.lines().map(str::trim) {
                    if !line.starts_with("nettutor check ") {
                        continue;
                    }
                    let words: Vec<&str> = line.split_whitespace().collect();
                    let cli = Cli::try_parse_from(&words).unwrap_or_else(|e| {
                        panic!(
                            "{} / {:?}: `{line}` is refused:\n{e}",
                            lesson.id, step.title.en
                        )
                    });
                    let Some(Command::Check(args)) = cli.command else {
                        panic!("{}: `{line}` is not a check", lesson.id);
                    };
                    let id = args.exercise.as_deref().expect("an exercise");
                    assert!(
                        exercises.get(id).is_some(),
                        "{}: no exercise {id}",
                        lesson.id
                    );
                    assert!(
                        args.command.iter().any(|w| w.contains("{port}")),
                        "{}: `{line}` gives the program no {{port}}",
                        lesson.id
                    );
                    seen.push((lesson.id.clone(), id.to_string(), args.strict));
                }
            }
        }
    }
    // The four exercise lessons and the two lessons of issue 19 that end with one.
    for (lesson, exercise) in [
        ("ex-tcp-chat", "line-chat"),
        ("ex-tcp-time", "tcp-time"),
        ("ex-udp-chat", "udp-chat"),
        ("ex-udp-time", "udp-time"),
        ("concurrency", "echo-framed"),
        ("socket-errors", "line-chat"),
    ] {
        assert!(
            seen.iter().any(|(l, e, _)| l == lesson && e == exercise),
            "lesson {lesson} does not end with `nettutor check {exercise}`: {seen:?}"
        );
    }
    assert!(
        seen.iter()
            .any(|(l, _, strict)| l == "concurrency" && *strict),
        "the concurrency lesson's check must be --strict (concurrent is only required then)"
    );
}
