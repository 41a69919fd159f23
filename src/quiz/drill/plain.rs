//! Plain drills: problems on stdout, one answer per field on stdin, one line
//! each. After the last field of a problem every field is marked, with a hint
//! for each wrong one. End of input or the time limit ends the set; the fields
//! not reached count wrong. The last line is `score: C/N fields`.
//! `on_problem` is called after each problem is marked (to save progress).

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::i18n::{Lang, t, tf};
use crate::quiz::plain::{AnswerSource, Input};

use super::problem::Mark;
use super::session::Drill;

/// What the header says about the set.
#[derive(Debug, Clone)]
pub struct Header {
    pub kinds: Vec<String>,
    pub seed: u64,
    /// Problems from the pool of missed ones at the start of the set.
    pub from_pool: usize,
}

/// Runs `drill` to its end (or end of input, or the time limit).
pub fn run(
    drill: &mut Drill,
    header: &Header,
    lang: Lang,
    source: &mut dyn AnswerSource,
    out: &mut dyn Write,
    time_limit: Option<Duration>,
    on_problem: &mut dyn FnMut(&Drill),
) -> io::Result<()> {
    let total = drill.problems.len();
    let deadline = time_limit.map(|d| Instant::now() + d);
    writeln!(
        out,
        "{}",
        tf(
            lang,
            "drill.plain.header",
            &[
                ("n", &total.to_string()),
                ("kinds", &header.kinds.join(",")),
                ("seed", &header.seed.to_string()),
            ],
        )
    )?;
    if header.from_pool > 0 {
        writeln!(
            out,
            "{}",
            tf(
                lang,
                "drill.plain.from_pool",
                &[("n", &header.from_pool.to_string())]
            )
        )?;
    }
    if let Some(limit) = time_limit {
        writeln!(
            out,
            "{}",
            tf(
                lang,
                "drill.plain.time_limit",
                &[("secs", &limit.as_secs().to_string())]
            )
        )?;
    }
    'problems: while let Some(problem) = drill.current().cloned() {
        writeln!(out)?;
        writeln!(
            out,
            "[{}/{total}] {}",
            drill.index() + 1,
            problem.prompt.get(lang)
        )?;
        for line in &problem.detail {
            writeln!(out, "  {line}")?;
        }
        let mut ended = None;
        let mut reached = 0;
        for (i, field) in problem.fields.iter().enumerate() {
            writeln!(out, "{}", field.prompt(lang))?;
            out.flush()?;
            match source.next_line(deadline) {
                Input::Line(line) => {
                    drill.mark(i, &line);
                    reached += 1;
                }
                // Not text (invalid UTF-8) or too long: say why; the field
                // counts as unanswered.
                Input::Unreadable(why) => {
                    writeln!(out, "  {}", why.text(lang))?;
                    drill.mark(i, "");
                    reached += 1;
                }
                Input::End => {
                    ended = Some("drill.plain.eof");
                    break;
                }
                Input::TimeUp => {
                    ended = Some("drill.plain.time_up");
                    break;
                }
            }
        }
        let streak_before = drill.streak;
        let marks: Vec<Mark> = drill
            .finish_problem()
            .map(<[Mark]>::to_vec)
            .unwrap_or_default();
        on_problem(drill);
        let right = marks.iter().filter(|m| m.is_correct()).count();
        for (i, (field, mark)) in problem.fields.iter().zip(&marks).enumerate() {
            writeln!(out, "  {}", mark.verdict(field, lang))?;
            // Fields the input never reached get the answer, not a hint.
            if i < reached
                && let Some(hint) = mark.hint(field, lang)
            {
                writeln!(
                    out,
                    "    {}",
                    tf(lang, "drill.mark.hint", &[("hint", &hint)])
                )?;
            }
        }
        let streak_line = if drill.streak > 0 {
            tf(
                lang,
                "drill.plain.streak",
                &[("n", &drill.streak.to_string())],
            )
        } else if streak_before > 0 {
            tf(
                lang,
                "drill.plain.streak_broken",
                &[("n", &streak_before.to_string())],
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {}{}",
            tf(
                lang,
                "drill.plain.problem_score",
                &[("c", &right.to_string()), ("n", &marks.len().to_string())]
            ),
            streak_line
        )?;
        if let Some(key) = ended {
            writeln!(out, "{}", t(lang, key))?;
            drill.stop();
            break 'problems;
        }
    }
    let (right, fields) = drill.score();
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        tf(
            lang,
            "drill.plain.best_streak",
            &[("n", &drill.best_streak.to_string())]
        )
    )?;
    writeln!(out, "score: {right}/{fields} fields")?;
    out.flush()
}
