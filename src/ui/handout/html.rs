//! The handout as HTML: self-contained pages (UTF-8, inline CSS, no script,
//! no outside resource), a font stack with CJK fonts, panel pictures in `<pre>`.

use std::fmt::Write as _;

use super::{Format, LessonPage, StepPage, footer, heading};
use crate::i18n::{Lang, t, tf};
use crate::lesson::markup::{self, Block, Inline};

/// The style of every page. Preformatted text keeps its columns whatever
/// fonts the reader has: a Latin monospace font first (box drawing one column
/// wide, where CJK fonts draw it two), and every double-width character, and
/// each symbol a Latin font may lack, in a box of exactly two (one) columns.
const CSS: &str = r#"
:root { color-scheme: light dark; --muted: #5b6270; --rule: #d8dbe0; --code: #f3f4f6; --note: #fff6db; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --muted: #a9b0bc; --rule: #3a3f48; --code: #1f2329; --note: #332b14; --accent: #8ab4f8; } }
body { margin: 0 auto; max-width: 54rem; padding: 1.5rem 1.25rem 3rem;
  font: 17px/1.6 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC",
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
code, pre { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, ui-monospace, monospace,
    "Noto Sans Mono CJK SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"; }
pre .w, pre .n { display: inline-block; text-align: center; }
pre .w { width: 2ch; }
pre .n { width: 1ch; }
code { background: var(--code); padding: 0 .2em; border-radius: 3px; }
pre { background: var(--code); padding: .75rem 1rem; overflow-x: auto; line-height: 1.35; }
pre code { background: none; padding: 0; }
figure { margin: 1rem 0; }
figcaption { color: var(--muted); font-size: .9em; margin-bottom: .25rem; }
pre.panel { font-size: 12.5px; line-height: 1.2; }
blockquote { margin: 1rem 0; padding: .4rem 1rem; border-left: 4px solid #d59b00; background: var(--note); }
h1 { line-height: 1.25; }
h2 { margin-top: 2.25rem; padding-top: .75rem; border-top: 1px solid var(--rule); break-after: avoid; }
.summary, footer, nav { color: var(--muted); }
nav { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; font-size: .95em; }
a { color: var(--accent); }
ol.steps { margin: .25rem 0 1rem; }
@media print { nav { display: none; } body { max-width: none; font-size: 11pt; } pre.panel { font-size: 8pt; } }
"#;

/// `text` with the characters HTML gives a meaning escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Preformatted `text`, escaped, with each double-width character in a
/// two-column box and the symbols of ranges a monospace font often lacks
/// (technical signs ⏸, dingbats ✓, emoji) in a one-column box.
pub fn pre_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let cell = c.encode_utf8(&mut buf);
        let width = crate::ui::text::width(cell);
        let rare = matches!(u32::from(c), 0x2300..=0x23FF | 0x2600..=0x27BF | 0x1F000..);
        if width == 2 {
            let _ = write!(out, "<span class=\"w\">{}</span>", escape(cell));
        } else if width == 1 && rare {
            let _ = write!(out, "<span class=\"n\">{}</span>", escape(cell));
        } else {
            out.push_str(&escape(cell));
        }
    }
    out
}

fn page(lang: Lang, title: &str, body: &str) -> String {
    let code = match lang {
        Lang::En => "en",
        Lang::Zh => "zh-Hans",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"nettutor {version}\">\n<title>{title}</title>\n\
         <style>{CSS}</style>\n</head>\n<body>\n{body}<footer><p>{footer}</p></footer>\n</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = escape(title),
        footer = escape(&footer(lang)),
    )
}

/// The index: every lesson with its summary and its steps, linked.
pub fn index(pages: &[LessonPage], lang: Lang) -> String {
    let mut body = format!("<h1>{}</h1>\n<ol>\n", escape(&heading(lang)));
    for page in pages {
        let file = page.file(Format::Html);
        let _ = write!(
            body,
            "<li value=\"{n}\"><a href=\"{file}\"><strong>{title}</strong></a>\
             <div class=\"summary\">{summary}</div>\n<ol class=\"steps\">\n",
            n = page.number,
            title = escape(&page.title),
            summary = escape(&page.summary),
        );
        for (i, step) in page.steps.iter().enumerate() {
            let _ = writeln!(
                body,
                "<li><a href=\"{file}#step-{n}\">{title}</a></li>",
                n = i + 1,
                title = escape(&step.title)
            );
        }
        body.push_str("</ol></li>\n");
    }
    body.push_str("</ol>\n");
    page(lang, &heading(lang), &body)
}

/// One lesson's page; `around`: the lessons before and after it.
pub fn lesson(
    lesson: &LessonPage,
    around: (Option<&LessonPage>, Option<&LessonPage>),
    lang: Lang,
) -> String {
    let nav = nav(around, lang);
    let mut body = format!(
        "{nav}<h1>{n}. {title}</h1>\n<p class=\"summary\">{summary}</p>\n",
        n = lesson.number,
        title = escape(&lesson.title),
        summary = escape(&lesson.summary),
    );
    for (i, step) in lesson.steps.iter().enumerate() {
        step_html(&mut body, i + 1, step, lang);
    }
    body.push_str(&nav);
    page(lang, &format!("{}. {}", lesson.number, lesson.title), &body)
}

fn nav(around: (Option<&LessonPage>, Option<&LessonPage>), lang: Lang) -> String {
    let mut nav = format!(
        "<nav><a href=\"index.html\">{}</a>",
        escape(t(lang, "handout.contents"))
    );
    for (key, page) in [("handout.prev", around.0), ("handout.next", around.1)] {
        if let Some(page) = page {
            let label = tf(lang, key, &[("title", &page.title)]);
            let _ = write!(
                nav,
                "<a href=\"{}\">{}</a>",
                page.file(Format::Html),
                escape(&label)
            );
        }
    }
    nav.push_str("</nav>\n");
    nav
}

/// The blocks of a lesson text (see [`markup`]).
fn blocks(out: &mut String, text: &str) {
    let blocks = markup::parse(text);
    let mut i = 0;
    while let Some(block) = blocks.get(i) {
        match block {
            Block::Paragraph(runs) => {
                let _ = writeln!(out, "<p>{}</p>", inline(runs));
            }
            Block::Callout(runs) => {
                let _ = writeln!(out, "<blockquote><p>{}</p></blockquote>", inline(runs));
            }
            Block::Bullet(_) => {
                out.push_str("<ul>\n");
                while let Some(Block::Bullet(runs)) = blocks.get(i) {
                    let _ = writeln!(out, "<li>{}</li>", inline(runs));
                    i += 1;
                }
                out.push_str("</ul>\n");
                continue;
            }
            Block::Code(lines) => {
                let _ = writeln!(
                    out,
                    "<pre><code>{}</code></pre>",
                    pre_text(&lines.join("\n"))
                );
            }
        }
        i += 1;
    }
}

fn step_html(out: &mut String, n: usize, step: &StepPage, lang: Lang) {
    let _ = writeln!(
        out,
        "<section id=\"step-{n}\">\n<h2>{n}. {}</h2>",
        escape(&step.title)
    );
    blocks(out, &step.body);
    if let Some(answer) = &step.answer {
        let _ = writeln!(
            out,
            "<details>\n<summary>{}</summary>",
            escape(t(lang, "lessons.answer"))
        );
        blocks(out, answer);
        out.push_str("</details>\n");
    }
    if let Some((caption, rows)) = &step.picture {
        let _ = writeln!(
            out,
            "<figure>\n<figcaption>{}</figcaption>\n<pre class=\"panel\">{}</pre>\n</figure>",
            escape(caption),
            pre_text(&rows.join("\n"))
        );
    }
    out.push_str("</section>\n");
}

fn inline(runs: &[Inline]) -> String {
    runs.iter()
        .map(|run| match run {
            Inline::Plain(s) => escape(s),
            Inline::Bold(s) => format!("<strong>{}</strong>", escape(s)),
            Inline::Emphasis(s) => format!("<em>{}</em>", escape(s)),
            Inline::Code(s) => format!("<code>{}</code>", escape(s)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_lesson_text_is_escaped_not_interpreted() {
        let step = StepPage {
            title: "<script>alert(1)</script> & \"more\"".into(),
            body: "Use `<b>` and **x < y**.\n\n- a & b\n- c\n\n```\nif (a<b && c>d) {}\n```".into(),
            answer: Some("a <b> c".into()),
            picture: Some(("Subnet: 10.0.0.1/8".into(), vec!["┌ <x> ┐".into()])),
        };
        let mut out = String::new();
        step_html(&mut out, 3, &step, Lang::En);
        assert!(
            out.contains(
                "<h2>3. &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;</h2>"
            ),
            "{out}"
        );
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("<code>&lt;b&gt;</code>"), "{out}");
        assert!(out.contains("<strong>x &lt; y</strong>"), "{out}");
        assert!(
            out.contains("<ul>\n<li>a &amp; b</li>\n<li>c</li>\n</ul>"),
            "{out}"
        );
        assert!(
            out.contains("<pre><code>if (a&lt;b &amp;&amp; c&gt;d) {}</code></pre>"),
            "{out}"
        );
        assert!(
            out.contains("<pre class=\"panel\">┌ &lt;x&gt; ┐</pre>"),
            "{out}"
        );
        assert_eq!(
            pre_text("地址 ✓ ─ <"),
            "<span class=\"w\">地</span><span class=\"w\">址</span> <span class=\"n\">✓</span> ─ &lt;"
        );
        assert!(
            out.contains("<details>\n<summary>Answer</summary>\n<p>a &lt;b&gt; c</p>\n</details>"),
            "{out}"
        );
    }
}
