//! Drawing the Quiz panel's screens as lines: pure functions of its state.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::QuizPanel;
use crate::i18n::{t, tf};
use crate::lesson::question::letter;
use crate::lesson::{Curriculum, QuestionKind, Topic};
use crate::quiz::answer::{Verdict, shown_answer};
use crate::quiz::mastery::Mastery;
use crate::quiz::plain::{exam_summary, hint, verdict_line};
use crate::ui::lessons::fit;
use crate::ui::panel::RenderCtx;
use crate::ui::text::{width, wrap};

pub(crate) fn para(text: &str, style: Style, max: usize) -> Vec<Line<'static>> {
    wrap(&[(text.to_string(), style)], max, ("", style), ("", style))
}

pub(crate) fn hanging(
    text: &str,
    style: Style,
    max: usize,
    first: &str,
    rest: &str,
    prefix_style: Style,
) -> Vec<Line<'static>> {
    wrap(
        &[(text.to_string(), style)],
        max,
        (first, prefix_style),
        (rest, prefix_style),
    )
}

/// The topic picker and the settings of the next quiz.
pub fn menu(p: &QuizPanel, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let mut lines = para(t(lang, "quiz.menu.intro"), theme.muted, max);
    lines.push(Line::default());
    let name_w = Topic::ALL
        .iter()
        .map(|t| width(t.name()))
        .max()
        .unwrap_or(0);
    for (i, topic) in Topic::ALL.iter().enumerate() {
        let on = p.topics.contains(topic);
        let mark = if on { "[x]" } else { "[ ]" };
        let cursor = if i == p.cursor { "▸ " } else { "  " };
        let style = if i == p.cursor {
            theme.selected
        } else {
            theme.base
        };
        let head = format!("{cursor}{mark} {:<name_w$}  ", topic.name());
        let key = format!("quiz.topic.{}", topic.name());
        let about = t(lang, &key);
        let rest = fit(about, max.saturating_sub(width(&head)));
        lines.push(Line::from(vec![
            Span::styled(
                head,
                style.patch(if on { theme.bold } else { Style::default() }),
            ),
            Span::styled(rest, if i == p.cursor { style } else { theme.muted }),
        ]));
    }
    lines.push(Line::default());
    let topics = if p.topics.is_empty() {
        t(lang, "quiz.menu.all").to_string()
    } else {
        p.topics
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let seed = p.seed.map_or_else(
        || t(lang, "quiz.menu.seed_fresh").to_string(),
        |s| s.to_string(),
    );
    let settings = tf(
        lang,
        "quiz.menu.settings",
        &[
            ("topics", &topics),
            ("n", &p.count.to_string()),
            ("seed", &seed),
        ],
    );
    lines.extend(para(&settings, theme.accent, max));
    let due = tf(lang, "quiz.menu.due", &[("n", &p.due_today.to_string())]);
    lines.extend(para(
        &due,
        if p.due_today > 0 {
            theme.warn
        } else {
            theme.muted
        },
        max,
    ));
    lines.extend(para(t(lang, "quiz.menu.keys"), theme.hint, max));
    lines
}

/// "Question 3 of 10 · osi · score 2/2" (and the time left).
fn header(p: &QuizPanel, index: usize, topic: Topic, ctx: &RenderCtx) -> String {
    let Some(s) = p.session.as_ref() else {
        return String::new();
    };
    let answered = s.records.len();
    let mut head = tf(
        ctx.lang,
        // An exam keeps its score to the end.
        if s.exam {
            "quiz.header.exam"
        } else {
            "quiz.header"
        },
        &[
            ("i", &(index + 1).to_string()),
            ("n", &s.questions.len().to_string()),
            ("topic", topic.name()),
            ("score", &s.score().to_string()),
            ("answered", &answered.to_string()),
        ],
    );
    if let Some(left) = p.seconds_left {
        head.push_str(&tf(
            ctx.lang,
            "quiz.time_left",
            &[("secs", &left.to_string())],
        ));
    }
    head
}

/// The question being asked or just answered, with its input or verdict.
pub fn question(p: &QuizPanel, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let Some((index, q, record)) = p.shown() else {
        return para(t(lang, "quiz.empty"), theme.warn, max);
    };
    let mut lines = vec![Line::from(Span::styled(
        fit(&header(p, index, q.topic, ctx), max),
        theme.accent,
    ))];
    lines.push(Line::default());
    lines.extend(para(q.prompt.get(lang), theme.title, max));
    let options: Vec<String> = match &q.kind {
        QuestionKind::Choice { options, .. } => {
            options.iter().map(|o| o.get(lang).to_string()).collect()
        }
        QuestionKind::Order { items, shown } => shown
            .iter()
            .filter_map(|i| items.get(*i))
            .map(|o| o.get(lang).to_string())
            .collect(),
        QuestionKind::TrueFalse { .. } | QuestionKind::FillIn { .. } => Vec::new(),
    };
    for (i, option) in options.iter().enumerate() {
        let first = format!("  {}) ", letter(i));
        lines.extend(hanging(option, theme.base, max, &first, "     ", theme.key));
    }
    lines.push(Line::default());
    match record {
        None => {
            lines.extend(para(&hint(q, lang), theme.muted, max));
            lines.push(Line::from(vec![
                Span::styled("> ", theme.key),
                Span::styled(p.input.as_str().to_string(), theme.bold),
                Span::styled("█", theme.accent),
            ]));
            // While typing, letters are text: say which keys still act.
            lines.extend(para(t(lang, "quiz.typing_keys"), theme.hint, max));
        }
        Some(record) => {
            let given = if record.answer.is_empty() {
                "—".to_string()
            } else {
                record.answer.clone()
            };
            lines.push(Line::from(vec![
                Span::styled("> ", theme.key),
                Span::styled(given, theme.bold),
            ]));
            let style = if record.verdict.is_correct() {
                theme.good
            } else {
                theme.bad
            };
            lines.extend(para(
                &verdict_line(q, &record.verdict, lang),
                style.patch(theme.bold),
                max,
            ));
            lines.extend(hanging(
                q.explanation.get(lang),
                theme.base,
                max,
                "│ ",
                "│ ",
                theme.muted,
            ));
            let next = match &q.panel {
                Some(link) => tf(
                    lang,
                    "quiz.next_or_show",
                    &[
                        ("panel", t(lang, &format!("tab.{}", link.panel.name()))),
                        ("arg", &link.arg),
                    ],
                ),
                None => t(lang, "quiz.next").to_string(),
            };
            lines.extend(para(&next, theme.hint, max));
        }
    }
    lines
}

/// Score and the review of mistakes (the selected one can be shown).
pub fn finished(p: &QuizPanel, max: usize, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let Some(s) = p.session.as_ref() else {
        return para(t(lang, "quiz.empty"), theme.warn, max);
    };
    let n = s.questions.len();
    let score = s.score();
    let percent = (score * 100).checked_div(n).unwrap_or(0);
    let mut lines = vec![Line::from(Span::styled(
        tf(
            lang,
            "quiz.final",
            &[
                ("c", &score.to_string()),
                ("n", &n.to_string()),
                ("pct", &percent.to_string()),
            ],
        ),
        theme.title,
    ))];
    lines.push(Line::default());
    if s.exam {
        // Right or wrong by number; the key and explanations never.
        lines.extend(para(&exam_summary(s, lang), theme.base, max));
        lines.push(Line::default());
        lines.extend(para(t(lang, "quiz.exam.finished.keys"), theme.hint, max));
        return lines;
    }
    let mistakes = s.mistakes();
    if mistakes.is_empty() {
        lines.extend(para(t(lang, "quiz.perfect"), theme.good, max));
    } else {
        lines.push(Line::from(Span::styled(
            t(lang, "quiz.review").to_string(),
            theme.bold,
        )));
        for (i, (q, r)) in mistakes.iter().enumerate() {
            let selected = i == p.review;
            let style = if selected { theme.selected } else { theme.base };
            let marker = if selected { "▸ " } else { "  " };
            let prompt = q.prompt.get(lang).lines().next().unwrap_or("").to_string();
            lines.push(Line::from(Span::styled(
                fit(&format!("{marker}{prompt}"), max),
                style,
            )));
            let given = match &r.verdict {
                Verdict::NoAnswer => "—".to_string(),
                _ => r.answer.clone(),
            };
            let row = tf(
                lang,
                "quiz.review.row",
                &[("given", &given), ("answer", &shown_answer(&q.kind, lang))],
            );
            lines.push(Line::from(Span::styled(
                fit(&format!("    {row}"), max),
                theme.muted,
            )));
        }
    }
    lines.push(Line::default());
    lines.extend(para(t(lang, "quiz.finished.keys"), theme.hint, max));
    lines
}

/// A bar of `cells` cells filled to `fraction`.
pub fn bar(fraction: f64, cells: usize) -> (String, String) {
    let filled = ((fraction.clamp(0.0, 1.0) * cells as f64).round() as usize).min(cells);
    ("█".repeat(filled), "░".repeat(cells - filled))
}

/// One topic's mastery as a bar coloured by strength: `indent`, the topic,
/// the bar of `cells` cells, the percentage, then `tail`.
pub fn topic_bar(
    m: &crate::quiz::mastery::TopicMastery,
    cells: usize,
    indent: &str,
    tail: &str,
    ctx: &RenderCtx,
) -> Line<'static> {
    let theme = ctx.theme;
    let (full, empty) = bar(m.strength, cells);
    let style = if m.strength >= 0.75 {
        theme.good
    } else if m.strength >= 0.25 {
        theme.warn
    } else {
        theme.bad
    };
    let percent = (m.strength * 100.0).round() as u32;
    Line::from(vec![
        Span::styled(format!("{indent}{:<8} ", m.topic.name()), theme.bold),
        Span::styled(full, style),
        Span::styled(empty, theme.muted),
        Span::styled(format!(" {percent:>3}%{tail}"), theme.base),
    ])
}

/// Where a card stands, in a student's words: its box (1–5) says how soon it
/// comes back (after 1, 2, 4, 8, 16 quizzes).
pub fn box_words(level: u8) -> &'static str {
    match level {
        0 | 1 => "quiz.box.1",
        2 => "quiz.box.2",
        3 => "quiz.box.3",
        4 => "quiz.box.4",
        _ => "quiz.box.5",
    }
}

/// Mastery per topic as bars, and the weakest concepts by their titles.
pub fn progress(
    mastery: &Mastery,
    concepts: &Curriculum,
    max: usize,
    ctx: &RenderCtx,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let mut lines = vec![Line::from(Span::styled(
        t(lang, "quiz.progress.title").to_string(),
        theme.title,
    ))];
    lines.push(Line::default());
    let topics = mastery.by_topic(chrono::Utc::now());
    if topics.is_empty() {
        lines.extend(para(t(lang, "quiz.progress.empty"), theme.muted, max));
        return lines;
    }
    let cells = max.saturating_sub(30).clamp(8, 40);
    for m in topics {
        let tail = format!("  {}/{}", m.correct, m.seen);
        lines.push(topic_bar(&m, cells, "", &tail, ctx));
    }
    let weak = mastery.weakest_concepts(5);
    if !weak.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            t(lang, "quiz.progress.weakest").to_string(),
            theme.bold,
        )));
        for (concept, card) in weak {
            // The curriculum's title; an id the curriculum no longer has is
            // shown as it is rather than dropped.
            let title = concepts.get(concept).map_or(concept, |c| c.title.get(lang));
            let text = tf(
                lang,
                "quiz.progress.concept",
                &[
                    ("concept", title),
                    ("box", t(lang, box_words(card.level))),
                    ("c", &card.correct.to_string()),
                    ("n", &card.seen.to_string()),
                ],
            );
            // Wrapped, not cut: the words and the score are the point.
            lines.extend(wrap(
                &[(text, theme.base)],
                max,
                ("  ", theme.base),
                ("    ", theme.base),
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::quiz::mastery::Card;
    use crate::ui::theme::Theme;

    fn shown(mastery: &Mastery, lang: Lang) -> String {
        let theme = Theme::named("dark").unwrap();
        let ctx = RenderCtx {
            lang,
            theme: &theme,
            present: false,
        };
        let set = crate::lesson::LessonSet::load(&crate::lesson::LessonSource::Embedded).unwrap();
        progress(mastery, &set.curriculum, 100, &ctx)
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }

    #[test]
    fn mastery_boxes_are_said_in_words_with_the_concepts_title() {
        let mut m = Mastery::default();
        let card = |level| Card {
            review: None,
            level,
            seen: 3,
            correct: 1,
            due: 0,
        };
        m.concepts.insert("tcp.sticky".into(), card(1));
        m.concepts.insert("subnet.and".into(), card(5));
        m.questions.insert("tcp.q".into(), card(1));
        m.topics.insert("tcp".into(), vec!["tcp.q".into()]);
        let en = shown(&m, Lang::En);
        let zh = shown(&m, Lang::Zh);
        for text in [&en, &zh] {
            assert!(!text.contains("box"), "{text}");
            assert!(!text.contains('盒'), "{text}");
            assert!(!text.contains("tcp.sticky"), "{text}");
        }
        assert!(en.contains("new or missed"), "{en}");
        assert!(
            en.contains("byte stream") || en.contains("Sticky"),
            "title: {en}"
        );
        assert!(en.contains("mastered"), "{en}");
        assert!(zh.contains("已掌握"), "{zh}");
    }
}
