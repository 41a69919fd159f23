//! The handout as Markdown (CommonMark): the lesson markup written back with
//! plain text escaped, code in fences longer than any backtick run it holds,
//! panel pictures as `text` code blocks.

use std::fmt::Write as _;

use super::{Format, LessonPage, StepPage, footer, heading};
use crate::i18n::{Lang, t, tf};
use crate::lesson::markup::{self, Block, Inline};

/// Plain text with Markdown's inline syntax escaped (and HTML's `<`, `&`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes what would make a block's first characters a heading, a list item,
/// a quote or a thematic break.
fn escape_start(text: String) -> String {
    let starts_block = text.starts_with(['#', '-', '+', '>', '=', '|'])
        || text
            .split_once(['.', ')'])
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if starts_block {
        format!("\\{text}")
    } else {
        text
    }
}

/// A fence of `mark` longer than any run of it in `body` (at least three).
fn fence(body: &str, mark: char) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == mark { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    mark.to_string().repeat((longest + 1).max(3))
}

fn code_span(code: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let ticks = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside.
    if code.starts_with('`') || code.ends_with('`') {
        format!("{ticks} {code} {ticks}")
    } else {
        format!("{ticks}{code}{ticks}")
    }
}

fn inline(runs: &[Inline]) -> String {
    runs.iter()
        .map(|run| match run {
            Inline::Plain(s) => escape(s),
            Inline::Bold(s) => format!("**{}**", escape(s)),
            Inline::Emphasis(s) => format!("*{}*", escape(s)),
            Inline::Code(s) => code_span(s),
        })
        .collect()
}

pub fn index(pages: &[LessonPage], lang: Lang) -> String {
    let mut out = format!("# {}\n\n", escape(&heading(lang)));
    for page in pages {
        let _ = writeln!(
            out,
            "{n}. [{title}]({file}) — {summary}\n",
            n = page.number,
            title = escape(&page.title),
            file = page.file(Format::Markdown),
            summary = escape(&page.summary),
        );
        for (i, step) in page.steps.iter().enumerate() {
            let _ = writeln!(out, "    {}. {}", i + 1, escape(&step.title));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "---\n\n{}", escape(&footer(lang)));
    out
}

pub fn lesson(
    lesson: &LessonPage,
    around: (Option<&LessonPage>, Option<&LessonPage>),
    lang: Lang,
) -> String {
    let mut nav = format!("[{}](index.md)", escape(t(lang, "handout.contents")));
    for (key, page) in [("handout.prev", around.0), ("handout.next", around.1)] {
        if let Some(page) = page {
            let label = tf(lang, key, &[("title", &page.title)]);
            let _ = write!(
                nav,
                " · [{}]({})",
                escape(&label),
                page.file(Format::Markdown)
            );
        }
    }
    let mut out = format!(
        "{nav}\n\n# {n}. {title}\n\n*{summary}*\n",
        n = lesson.number,
        title = escape(&lesson.title),
        summary = escape(&lesson.summary),
    );
    for (i, step) in lesson.steps.iter().enumerate() {
        step_md(&mut out, i + 1, step, lang);
    }
    let _ = writeln!(out, "\n---\n\n{nav}\n\n{}", escape(&footer(lang)));
    out
}

/// The blocks of a lesson text (see [`markup`]).
fn blocks(out: &mut String, text: &str) {
    let blocks = markup::parse(text);
    for (i, block) in blocks.iter().enumerate() {
        let in_list =
            matches!(block, Block::Bullet(_)) && i > 0 && matches!(blocks[i - 1], Block::Bullet(_));
        if i > 0 && !in_list {
            out.push('\n');
        }
        match block {
            Block::Paragraph(runs) => {
                let _ = writeln!(out, "{}", escape_start(inline(runs)));
            }
            Block::Bullet(runs) => {
                let _ = writeln!(out, "- {}", inline(runs));
            }
            Block::Callout(runs) => {
                let _ = writeln!(out, "> {}", inline(runs));
            }
            Block::Code(lines) => {
                let body = lines.join("\n");
                let fence = fence(&body, '`');
                let _ = writeln!(out, "{fence}\n{body}\n{fence}");
            }
        }
    }
}

fn step_md(out: &mut String, n: usize, step: &StepPage, lang: Lang) {
    let _ = writeln!(out, "\n## {n}. {}\n", escape(&step.title));
    blocks(out, &step.body);
    if let Some(answer) = &step.answer {
        // Folded as on GitHub; the answer's Markdown between blank lines.
        let _ = writeln!(
            out,
            "\n<details>\n<summary>{}</summary>\n",
            super::html::escape(t(lang, "lessons.answer"))
        );
        blocks(out, answer);
        out.push_str("\n</details>\n");
    }
    if let Some((caption, rows)) = &step.picture {
        let body = rows.join("\n");
        let fence = fence(&body, '`');
        let _ = writeln!(
            out,
            "\n*{}*\n\n{fence}text\n{body}\n{fence}",
            escape(caption)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_looks_like_markdown_stays_text() {
        let step = StepPage {
            title: "1. *not* a list".into(),
            body: "# not a heading\n\nuse `a_b` and <b> & [x](y)\n\n```\nthree ``` inside\n```"
                .into(),
            answer: None,
            picture: None,
        };
        let mut out = String::new();
        step_md(&mut out, 2, &step, Lang::En);
        assert!(out.contains("## 2. 1. \\*not\\* a list"), "{out}");
        assert!(out.contains("\\# not a heading"), "{out}");
        assert!(out.contains("use `a_b` and"), "{out}");
        assert_eq!(code_span("a``b"), "```a``b```");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert!(out.contains("\\<b> \\& \\[x\\](y)"), "{out}");
        assert!(out.contains("````\nthree ``` inside\n````"), "{out}");
    }
}
