//! Plain mode: questions on stdout, one answer per line on stdin (scripts,
//! screen readers, tests). An empty line is no answer; end of input ends the
//! quiz; the last line printed is `score: C/N`.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::answer::{self, Unreadable, Verdict, shown_answer};
use super::results::question_text;
use super::session::{Record, Session};
use crate::i18n::{Lang, t, tf};
use crate::lesson::question::letter;
use crate::lesson::{Expected, Question, QuestionKind};

/// The longest answer line read; the rest of a longer line is skipped.
pub const MAX_LINE: usize = 4096;

/// What the next read gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Line(String),
    /// A line that is not text (invalid UTF-8) or too long: one wrong answer,
    /// with the reason; the quiz goes on.
    Unreadable(Unreadable),
    /// End of input: the quiz ends here.
    End,
    /// The time limit passed while waiting.
    TimeUp,
}

/// Where answers come from.
pub trait AnswerSource {
    /// The next line, waiting at most until `deadline`.
    fn next_line(&mut self, deadline: Option<Instant>) -> Input;
}

/// Reads one line of at most [`MAX_LINE`] bytes (memory stays bounded
/// whatever arrives); a longer line is read to its end and dropped.
pub fn read_answer<R: BufRead>(reader: &mut R) -> Input {
    let mut bytes = Vec::new();
    let limit = u64::try_from(MAX_LINE).unwrap_or(u64::MAX) + 1;
    match Read::take(&mut *reader, limit).read_until(b'\n', &mut bytes) {
        Ok(0) | Err(_) => return Input::End,
        Ok(_) => {}
    }
    if bytes.len() > MAX_LINE && bytes.last() != Some(&b'\n') {
        // Skip the rest of the line, in bounded pieces.
        loop {
            let mut rest = Vec::new();
            match Read::take(&mut *reader, limit).read_until(b'\n', &mut rest) {
                Ok(0) | Err(_) => break,
                Ok(_) if rest.last() == Some(&b'\n') => break,
                Ok(_) => {}
            }
        }
        return Input::Unreadable(Unreadable {
            key: "quiz.why.too_long",
            detail: MAX_LINE.to_string(),
        });
    }
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    match String::from_utf8(bytes) {
        Ok(line) => Input::Line(line),
        Err(e) => Input::Unreadable(Unreadable {
            key: "quiz.why.not_utf8",
            detail: e.utf8_error().valid_up_to().to_string(),
        }),
    }
}

/// Reads lines from any reader, in this thread. A deadline is checked when
/// the line arrives (an answer given after it does not count).
pub struct ReaderSource<R: BufRead>(pub R);

impl<R: BufRead> AnswerSource for ReaderSource<R> {
    fn next_line(&mut self, deadline: Option<Instant>) -> Input {
        match read_answer(&mut self.0) {
            Input::End => Input::End,
            _ if deadline.is_some_and(|d| Instant::now() > d) => Input::TimeUp,
            input => input,
        }
    }
}

/// Reads stdin in a helper thread so a time limit can interrupt the wait. The
/// thread ends at end of input; if the quiz ends first it is left blocked in
/// read() and ends with the process.
pub struct StdinThread {
    rx: Receiver<Input>,
}

impl StdinThread {
    pub fn spawn() -> StdinThread {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let stdin = io::stdin();
            let mut lock = stdin.lock();
            loop {
                let input = read_answer(&mut lock);
                let end = input == Input::End;
                if tx.send(input).is_err() || end {
                    return;
                }
            }
        });
        StdinThread { rx }
    }
}

impl AnswerSource for StdinThread {
    fn next_line(&mut self, deadline: Option<Instant>) -> Input {
        match deadline {
            Some(d) => match self
                .rx
                .recv_timeout(d.saturating_duration_since(Instant::now()))
            {
                Ok(v) => v,
                Err(RecvTimeoutError::Timeout) => Input::TimeUp,
                Err(RecvTimeoutError::Disconnected) => Input::End,
            },
            None => self.rx.recv().unwrap_or(Input::End),
        }
    }
}

/// The end of an exam: which questions were right, by number (never the key).
pub fn exam_summary(session: &Session, lang: Lang) -> String {
    let numbers = |right: bool| {
        let list: Vec<String> = session
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.verdict.is_correct() == right)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if list.is_empty() {
            t(lang, "quiz.exam.none").to_string()
        } else {
            list.join(", ")
        }
    };
    tf(
        lang,
        "quiz.exam.summary",
        &[("right", &numbers(true)), ("wrong", &numbers(false))],
    )
}

/// The ui.toml key saying how to answer `q`.
pub fn hint_key(q: &Question) -> &'static str {
    match &q.kind {
        QuestionKind::Choice { .. } => "quiz.hint.choice",
        QuestionKind::TrueFalse { .. } => "quiz.hint.bool",
        QuestionKind::Order { .. } => "quiz.hint.order",
        QuestionKind::FillIn { expected } => match expected {
            Expected::Text(_) => "quiz.hint.text",
            Expected::Number(_) => "quiz.hint.number",
            Expected::Binary { .. } => "quiz.hint.binary",
            Expected::Ipv4(_) => "quiz.hint.ipv4",
            Expected::Ipv6(_) => "quiz.hint.ipv6",
            Expected::Prefix(_) => "quiz.hint.prefix",
            Expected::Mask(_) => "quiz.hint.mask",
        },
    }
}

/// The hint with its placeholders filled (option letters).
pub fn hint(q: &Question, lang: Lang) -> String {
    let n = match &q.kind {
        QuestionKind::Choice { options, .. } => options.len(),
        QuestionKind::Order { items, .. } => items.len(),
        _ => 0,
    };
    let last = letter(n.saturating_sub(1)).to_string();
    let example: Vec<String> = (0..n).rev().map(|i| letter(i).to_string()).collect();
    tf(
        lang,
        hint_key(q),
        &[("last", &last), ("example", &example.join(" "))],
    )
}

/// The verdict line: "correct", or why not and the right answer.
pub fn verdict_line(q: &Question, verdict: &Verdict, lang: Lang) -> String {
    let right = shown_answer(&q.kind, lang);
    match verdict {
        Verdict::Correct => t(lang, "quiz.correct").to_string(),
        Verdict::Wrong => tf(lang, "quiz.wrong", &[("answer", &right)]),
        Verdict::NoAnswer => tf(lang, "quiz.no_answer", &[("answer", &right)]),
        Verdict::Unreadable(why) => tf(
            lang,
            "quiz.unreadable",
            &[("why", &why.text(lang)), ("answer", &right)],
        ),
    }
}

/// How many times an exam asks again for one question when the answer is
/// malformed (not wrong); after that it counts as unreadable, so endless
/// garbage on stdin still ends the exam.
pub const EXAM_ASKS_AGAIN: usize = 3;

/// Runs `session` in plain mode. Each answer is handed to `record` (its place,
/// the question, the record) as soon as it is given, so the caller can save it
/// at once.
/// In an exam (`session.exam`) nothing about correctness is printed until the
/// end, the right answers and explanations never, and a malformed answer is
/// asked again ([`EXAM_ASKS_AGAIN`] times) instead of counting.
pub fn run(
    session: &mut Session,
    lang: Lang,
    source: &mut dyn AnswerSource,
    out: &mut dyn Write,
    time_limit: Option<Duration>,
    record: &mut dyn FnMut(usize, &Question, &Record),
) -> io::Result<()> {
    let total = session.questions.len();
    let deadline = time_limit.map(|d| Instant::now() + d);
    let topics: Vec<&str> = session
        .spec
        .topics_or_all()
        .iter()
        .map(|t| t.name())
        .collect();
    writeln!(
        out,
        "{}",
        tf(
            lang,
            "quiz.plain.header",
            &[
                ("n", &total.to_string()),
                ("topics", &topics.join(",")),
                ("seed", &session.spec.seed.to_string())
            ]
        )
    )?;
    if session.exam {
        writeln!(out, "{}", t(lang, "quiz.plain.exam"))?;
    }
    if let Some(limit) = time_limit {
        writeln!(
            out,
            "{}",
            tf(
                lang,
                "quiz.plain.time_limit",
                &[("secs", &limit.as_secs().to_string())]
            )
        )?;
    }
    // How many questions the student has seen: the review names the key of
    // those only, never of the ones an early end of input left unasked.
    let mut shown = 0;
    while let Some(q) = session.current().cloned() {
        let number = session.index() + 1;
        shown = number;
        writeln!(out)?;
        writeln!(
            out,
            "[{number}/{total}] ({}) {}",
            q.topic,
            question_text(&q, lang)
        )?;
        writeln!(out, "{}", hint(&q, lang))?;
        out.flush()?;
        let asked = Instant::now();
        let mut again = 0;
        let (line, unreadable) = loop {
            let (line, unreadable) = match source.next_line(deadline) {
                Input::Line(line) => (line, None),
                Input::Unreadable(why) => (String::new(), Some(why)),
                Input::End => {
                    writeln!(out, "{}", t(lang, "quiz.plain.eof"))?;
                    break (None, None);
                }
                Input::TimeUp => {
                    writeln!(out, "{}", t(lang, "quiz.time_up"))?;
                    break (None, None);
                }
            };
            let malformed = match (&unreadable, answer::check(&q.kind, &line)) {
                (Some(why), _) => Some(why.clone()),
                (None, Verdict::Unreadable(why)) => Some(why),
                _ => None,
            };
            match malformed {
                Some(why) if session.exam && again < EXAM_ASKS_AGAIN => {
                    again += 1;
                    let why = why.text(lang);
                    writeln!(out, "{}", tf(lang, "quiz.exam.again", &[("why", &why)]))?;
                    out.flush()?;
                }
                _ => break (Some(line), unreadable),
            }
        };
        let Some(line) = line else {
            break;
        };
        let seconds = asked.elapsed().as_secs_f64();
        if session.answer(&line, seconds).is_none() {
            break;
        }
        if let (Some(why), Some(last)) = (unreadable, session.records.last_mut()) {
            // Not text at all: one wrong answer, with the reason.
            last.verdict = Verdict::Unreadable(why);
        }
        let Some(last) = session.records.last() else {
            break;
        };
        let verdict = last.verdict.clone();
        record(number - 1, &q, last);
        if session.exam {
            writeln!(out, "{}", t(lang, "quiz.exam.recorded"))?;
            continue;
        }
        writeln!(out, "{}", verdict_line(&q, &verdict, lang))?;
        for line in q.explanation.get(lang).lines() {
            writeln!(out, "  {line}")?;
        }
        if let Some(link) = &q.panel {
            writeln!(
                out,
                "  {}",
                tf(
                    lang,
                    "quiz.plain.show_me",
                    &[("panel", link.panel.name()), ("arg", &link.arg)]
                )
            )?;
        }
    }
    session.finish();
    let mistakes: Vec<_> = session
        .questions
        .iter()
        .zip(&session.records)
        .take(shown)
        .filter(|(_, r)| !r.verdict.is_correct())
        .collect();
    let unasked = total - shown;
    if session.exam {
        writeln!(out)?;
        writeln!(out, "{}", exam_summary(session, lang))?;
    } else if !mistakes.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", t(lang, "quiz.review"))?;
        for (q, r) in &mistakes {
            let given = if r.answer.is_empty() {
                "—".to_string()
            } else {
                r.answer.clone()
            };
            writeln!(
                out,
                "  {} — {}",
                q.prompt.get(lang),
                tf(
                    lang,
                    "quiz.review.row",
                    &[("given", &given), ("answer", &shown_answer(&q.kind, lang))]
                )
            )?;
        }
    }
    if !session.exam && unasked > 0 {
        writeln!(
            out,
            "{}",
            tf(lang, "quiz.plain.unasked", &[("n", &unasked.to_string())])
        )?;
    }
    writeln!(out)?;
    writeln!(out, "score: {}/{}", session.score(), total)?;
    out.flush()
}
