//! Drawing the drills of the Quiz panel: the kind chooser, the fields being
//! typed, the marks of a finished problem, the score of the set.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::drill::{DrillMode, Stage};
use crate::i18n::{t, tf};
use crate::quiz::drill::DrillKind;
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::text::{width, wrap};

fn para(text: &str, style: Style, max: usize) -> Vec<Line<'static>> {
    wrap(&[(text.to_string(), style)], max, ("", style), ("", style))
}

fn indented(text: &str, style: Style, max: usize, indent: &str) -> Vec<Line<'static>> {
    wrap(
        &[(text.to_string(), style)],
        max,
        (indent, style),
        (indent, style),
    )
}

/// The lines of the drill screen for its stage.
pub fn lines(d: &DrillMode, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    match d.stage {
        Stage::Choose => chooser(d, max, ctx),
        Stage::Answering => answering(d, max, ctx),
        Stage::Marked => marked(d, max, ctx),
        Stage::Done => done(d, max, ctx),
    }
}

fn title(ctx: &RenderCtx) -> Line<'static> {
    Line::from(Span::styled(
        t(ctx.lang, "quiz.drill.title").to_string(),
        ctx.theme.title,
    ))
}

fn chooser(d: &DrillMode, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let (theme, lang) = (ctx.theme, ctx.lang);
    let mut lines = vec![title(ctx)];
    let intro = tf(lang, "quiz.drill.intro", &[("n", &d.set_size.to_string())]);
    lines.extend(para(&intro, theme.muted, max));
    let timing = match d.time_limit {
        Some(limit) => tf(
            lang,
            "quiz.drill.timed",
            &[("time", &clock(limit.as_secs()))],
        ),
        None => t(lang, "quiz.drill.untimed").to_string(),
    };
    lines.extend(para(&timing, theme.accent, max));
    lines.push(Line::default());
    let rows: Vec<(String, String)> = std::iter::once((
        t(lang, "quiz.drill.all").to_string(),
        t(lang, "quiz.drill.all_about").to_string(),
    ))
    .chain(DrillKind::ALL.iter().map(|k| {
        (
            k.name().to_string(),
            t(lang, &format!("quiz.drill.kind.{}", k.name())).to_string(),
        )
    }))
    .collect();
    let name_w = rows.iter().map(|(n, _)| width(n)).max().unwrap_or(0);
    for (i, (name, about)) in rows.iter().enumerate() {
        let selected = i == d.cursor;
        let marker = if selected { "▸ " } else { "  " };
        let head = format!("{marker}{name}{}  ", " ".repeat(name_w - width(name)));
        let style = if selected { theme.selected } else { theme.base };
        let rest = fit(about, max.saturating_sub(width(&head)));
        lines.push(Line::from(vec![
            Span::styled(head, style.patch(theme.bold)),
            Span::styled(rest, if selected { style } else { theme.muted }),
        ]));
    }
    lines.push(Line::default());
    if d.pool > 0 {
        let pool = tf(lang, "quiz.drill.pool", &[("n", &d.pool.to_string())]);
        lines.extend(para(&pool, theme.warn, max));
    }
    lines.extend(para(t(lang, "quiz.drill.choose_keys"), theme.hint, max));
    lines
}

/// "Problem 2 of 5 · range · streak 1" (and "missed before").
fn header(d: &DrillMode, ctx: &RenderCtx) -> String {
    let Some(drill) = d.drill.as_ref() else {
        return String::new();
    };
    let i = drill.index().min(drill.problems.len().saturating_sub(1));
    let kind = drill.problems.get(i).map_or("", |p| p.spec.kind().name());
    let mut head = tf(
        ctx.lang,
        "quiz.drill.header",
        &[
            ("i", &(i + 1).to_string()),
            ("n", &drill.problems.len().to_string()),
            ("kind", kind),
            ("streak", &drill.streak.to_string()),
        ],
    );
    if i < d.from_pool {
        head.push_str(t(ctx.lang, "quiz.drill.from_pool"));
    }
    if let Some(left) = d.seconds_left.filter(|_| d.deadline.is_some()) {
        head.push_str(&tf(ctx.lang, "quiz.drill.left", &[("time", &clock(left))]));
    }
    head
}

/// Seconds as `m:ss`.
fn clock(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

fn answering(d: &DrillMode, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let (theme, lang) = (ctx.theme, ctx.lang);
    let Some(problem) = d.current() else {
        return done(d, max, ctx);
    };
    let mut lines = vec![Line::from(Span::styled(
        fit(&header(d, ctx), max),
        theme.accent,
    ))];
    lines.extend(para(problem.prompt.get(lang), theme.title, max));
    for row in &problem.detail {
        lines.push(Line::from(Span::styled(
            fit(&format!("  {row}"), max),
            theme.base,
        )));
    }
    lines.push(Line::default());
    for (i, field) in problem.fields.iter().enumerate() {
        let current = i == d.field;
        let marker = if current { "▸ " } else { "  " };
        let label = tf(
            lang,
            "quiz.drill.field",
            &[("field", &field.id.label(lang))],
        );
        let label = format!("{marker}{label}");
        let answer = d.answers.get(i).map_or("", |a| a.as_str()).to_string();
        let style = if current { theme.selected } else { theme.base };
        let mut spans = vec![
            Span::styled(fit(&label, max.saturating_sub(8)), style.patch(theme.bold)),
            Span::styled(answer, theme.bold),
        ];
        if current {
            spans.push(Span::styled("█", theme.accent));
        }
        lines.push(Line::from(spans));
    }
    if let Some(field) = problem.fields.get(d.field) {
        lines.push(Line::default());
        let form = tf(lang, "quiz.drill.form", &[("form", &field.form.hint(lang))]);
        lines.extend(para(&form, theme.muted, max));
    }
    lines.extend(para(t(lang, "quiz.drill.typing_keys"), theme.hint, max));
    lines
}

fn marked(d: &DrillMode, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let (theme, lang) = (ctx.theme, ctx.lang);
    let Some((problem, marks)) = d.marked() else {
        return done(d, max, ctx);
    };
    let mut lines = para(problem.prompt.get(lang), theme.title, max);
    for (field, mark) in problem.fields.iter().zip(marks) {
        let style = if mark.is_correct() {
            theme.good
        } else {
            theme.bad
        };
        lines.extend(wrap(
            &[(mark.verdict(field, lang), style.patch(theme.bold))],
            max,
            ("", style),
            ("  ", style),
        ));
        if let Some(hint) = mark.hint(field, lang) {
            let hint = tf(lang, "drill.mark.hint", &[("hint", &hint)]);
            lines.extend(indented(&hint, theme.base, max, "    "));
        }
    }
    let right = marks.iter().filter(|m| m.is_correct()).count();
    let mut score = tf(
        lang,
        "drill.plain.problem_score",
        &[("c", &right.to_string()), ("n", &marks.len().to_string())],
    );
    let streak = d.drill.as_ref().map_or(0, |x| x.streak);
    if streak > 0 {
        score.push_str(&tf(
            lang,
            "drill.plain.streak",
            &[("n", &streak.to_string())],
        ));
    } else if d.streak_before > 0 {
        score.push_str(&tf(
            lang,
            "drill.plain.streak_broken",
            &[("n", &d.streak_before.to_string())],
        ));
    }
    if right < marks.len() {
        score.push_str(t(lang, "quiz.drill.comes_back"));
    }
    lines.extend(para(&score, theme.accent, max));
    lines.extend(para(t(lang, "quiz.drill.next_keys"), theme.hint, max));
    lines
}

fn done(d: &DrillMode, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let (theme, lang) = (ctx.theme, ctx.lang);
    let mut lines = vec![title(ctx), Line::default()];
    if let Some(drill) = d.drill.as_ref() {
        let (right, fields) = drill.score();
        let text = tf(
            lang,
            "quiz.drill.done",
            &[
                ("c", &right.to_string()),
                ("n", &fields.to_string()),
                ("best", &drill.best_streak.to_string()),
            ],
        );
        lines.extend(para(&text, theme.bold, max));
        if d.timed_out {
            let reached = drill.results().count();
            let text = tf(
                lang,
                "quiz.drill.timed_out",
                &[
                    ("reached", &reached.to_string()),
                    ("n", &drill.problems.len().to_string()),
                ],
            );
            lines.extend(para(&text, theme.warn, max));
        }
        let missed = drill.results().filter(|(_, all_right)| !all_right).count();
        if missed > 0 {
            let text = tf(lang, "quiz.drill.missed", &[("n", &missed.to_string())]);
            lines.extend(para(&text, theme.warn, max));
        } else if right == fields {
            lines.extend(para(t(lang, "quiz.drill.perfect"), theme.good, max));
        }
    }
    lines.push(Line::default());
    lines.extend(para(t(lang, "quiz.drill.done_keys"), theme.hint, max));
    lines
}
