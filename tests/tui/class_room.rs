//! The real room both class screens are drawn from (`class_host`,
//! `class_student`): a host on loopback asking two shipped choice questions,
//! students joined over TCP with the client, the host stepped while a test
//! waits, and the languages and sizes the snapshots come in.

use std::time::{Duration, Instant};

use nettutor::class::live::client::{Connection, Welcome};
use nettutor::class::live::host::{Host, HostConfig, Limits};
use nettutor::i18n::Lang;
use nettutor::lesson::{LessonSet, Question, QuestionKind};
use nettutor::quiz::session::QuizSpec;

/// The room's join code.
pub const CODE: &str = "K7M2QX";

/// The sizes every snapshot comes in.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (120, 36)];

/// Two choice questions of the shipped set (always the same two).
pub fn questions() -> Vec<Question> {
    let set = LessonSet::embedded().unwrap();
    set.questions
        .iter()
        .filter(|q| matches!(&q.kind, QuestionKind::Choice { options, .. } if options.len() == 4))
        .take(2)
        .cloned()
        .collect()
}

/// A host on an ephemeral loopback port asking [`questions`] (as an exam
/// when `exam`), 60 s a question.
pub fn host(exam: bool) -> Host {
    let questions = questions();
    let cfg = HostConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        spec: QuizSpec {
            topics: vec![],
            count: questions.len(),
            seed: 1,
        },
        questions,
        exam,
        question_time: Duration::from_secs(60),
        code: CODE.into(),
        limits: Limits::default(),
        lang: Lang::En,
    };
    Host::bind(cfg, None).unwrap()
}

/// Steps the host until `done` holds (≤ 10 s).
pub fn step_until(host: &mut Host, mut done: impl FnMut(&mut Host) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(host) {
        assert!(Instant::now() < deadline, "the host did not get there");
        host.step(Duration::from_millis(10));
    }
}

/// A student joins (the host steps while the client waits for its welcome).
pub fn join(host: &mut Host, name: &str) -> (Connection, Welcome) {
    connect(host, name, None)
}

/// The student with `token` connects again: the host resumes it.
pub fn rejoin(host: &mut Host, token: &str) -> (Connection, Welcome) {
    connect(host, "", Some(token))
}

fn connect(host: &mut Host, name: &str, token: Option<&str>) -> (Connection, Welcome) {
    let addr = host.local_addr();
    let name = name.to_string();
    let token = token.map(str::to_string);
    let client = std::thread::spawn(move || {
        Connection::join(addr, CODE, &name, token.as_deref(), Duration::from_secs(10)).unwrap()
    });
    step_until(host, |_| client.is_finished());
    client.join().unwrap()
}

/// `snap(lang, w, h)` for both languages at every size in [`SIZES`].
pub fn each_lang_and_size(mut snap: impl FnMut(Lang, u16, u16)) {
    for lang in [Lang::En, Lang::Zh] {
        for (w, h) in SIZES {
            snap(lang, w, h);
        }
    }
}
