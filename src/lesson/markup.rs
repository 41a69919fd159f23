//! The light markup of lesson prose: paragraphs, `- ` bullets, `> ` callouts,
//! fenced code blocks, and inline `**bold**` and `` `code` ``.

/// An inline run of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Plain(String),
    Bold(String),
    /// `*emphasis*`
    Emphasis(String),
    Code(String),
}

/// A block of a lesson body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Bullet(Vec<Inline>),
    Callout(Vec<Inline>),
    Code(Vec<String>),
}

/// Parses a body into blocks. Never fails: unknown syntax is plain text, an
/// unclosed `**` or backtick is kept literally.
pub fn parse(body: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut code: Option<Vec<String>> = None;
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inline(&join_lines(paragraph))));
            paragraph.clear();
        }
    };
    for line in body.lines() {
        if let Some(lines) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(std::mem::take(lines)));
                code = None;
            } else {
                lines.push(line.to_string());
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut blocks);
            code = Some(Vec::new());
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else if let Some(rest) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Bullet(inline(rest)));
        } else if let Some(rest) = trimmed.strip_prefix('>') {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Callout(inline(rest.trim_start())));
        } else {
            paragraph.push(trimmed);
        }
    }
    if let Some(lines) = code {
        blocks.push(Block::Code(lines));
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

/// Splits a line into plain, bold and code runs.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
        {
            push_plain(&mut out, &mut plain);
            out.extend(styled(&after[..end], Inline::Bold));
            rest = &after[end + 2..];
            continue;
        }
        // `*word*` emphasis: the marker hugs the text, so "2 * 3 * 4" stays plain.
        if let Some(after) = rest.strip_prefix('*')
            && !after.starts_with([' ', '*'])
            && let Some(end) = after.find('*')
            && end > 0
            && !after[..end].ends_with(' ')
        {
            push_plain(&mut out, &mut plain);
            out.extend(styled(&after[..end], Inline::Emphasis));
            rest = &after[end + 1..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('`')
            && let Some(end) = after.find('`')
        {
            push_plain(&mut out, &mut plain);
            out.push(Inline::Code(after[..end].to_string()));
            rest = &after[end + 1..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            plain.push(c);
        }
        rest = chars.as_str();
    }
    push_plain(&mut out, &mut plain);
    out
}

/// The runs inside `**…**` or `*…*`: its text in that style, code spans inside
/// it as code (so "**the `recv()` call**" shows no backticks).
fn styled(inner: &str, style: fn(String) -> Inline) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = inner;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('`') else { break };
        if start > 0 {
            out.push(style(rest[..start].to_string()));
        }
        out.push(Inline::Code(after[..end].to_string()));
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        out.push(style(rest.to_string()));
    }
    out
}

/// Joins the lines of a paragraph: a space between Latin words, none where a
/// line ends or starts with a CJK character (Chinese has no spaces between words).
fn join_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        let glue = match (out.chars().last(), line.chars().next()) {
            (Some(a), Some(b)) => !(is_cjk(a) || is_cjk(b)),
            _ => false,
        };
        if glue {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Whether `c` is a CJK ideograph or CJK punctuation / full-width form.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

fn push_plain(out: &mut Vec<Inline>, plain: &mut String) {
    if !plain.is_empty() {
        out.push(Inline::Plain(std::mem::take(plain)));
    }
}

/// The body as plain text without markup (for search).
pub fn plain_text(body: &str) -> String {
    let mut out = String::new();
    for block in parse(body) {
        let runs = match block {
            Block::Paragraph(r) | Block::Bullet(r) | Block::Callout(r) => r,
            Block::Code(lines) => {
                out.push_str(&lines.join("\n"));
                out.push('\n');
                continue;
            }
        };
        for run in runs {
            match run {
                Inline::Plain(s) | Inline::Bold(s) | Inline::Emphasis(s) | Inline::Code(s) => {
                    out.push_str(&s)
                }
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_recognised() {
        let body = "First line\ncontinues.\n\n- one\n- **two**\n> You may have read X.\n```\ncode  kept\n```\nlast";
        let blocks = parse(body);
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph(vec![Inline::Plain("First line continues.".into())]),
                Block::Bullet(vec![Inline::Plain("one".into())]),
                Block::Bullet(vec![Inline::Bold("two".into())]),
                Block::Callout(vec![Inline::Plain("You may have read X.".into())]),
                Block::Code(vec!["code  kept".into()]),
                Block::Paragraph(vec![Inline::Plain("last".into())]),
            ]
        );
    }

    #[test]
    fn inline_markup_and_unclosed_markers() {
        assert_eq!(
            inline("a **b** `c` d"),
            vec![
                Inline::Plain("a ".into()),
                Inline::Bold("b".into()),
                Inline::Plain(" ".into()),
                Inline::Code("c".into()),
                Inline::Plain(" d".into()),
            ]
        );
        assert_eq!(
            inline("2 ** 3 and `x"),
            vec![Inline::Plain("2 ** 3 and `x".into())]
        );
        assert_eq!(inline("2 * 3 * 4"), vec![Inline::Plain("2 * 3 * 4".into())]);
        assert_eq!(
            inline("B 怎么知道 A 已经*写完*了"),
            vec![
                Inline::Plain("B 怎么知道 A 已经".into()),
                Inline::Emphasis("写完".into()),
                Inline::Plain("了".into()),
            ]
        );
        assert_eq!(
            inline("网络**分层**"),
            vec![Inline::Plain("网络".into()), Inline::Bold("分层".into())]
        );
    }

    #[test]
    fn chinese_lines_join_without_spaces() {
        assert_eq!(
            parse("第一行\n第二行\nand English\nwords"),
            vec![Block::Paragraph(vec![Inline::Plain(
                "第一行第二行and English words".into()
            )])]
        );
    }

    #[test]
    fn unclosed_code_fence_keeps_its_lines() {
        assert_eq!(parse("```\nx"), vec![Block::Code(vec!["x".into()])]);
    }

    #[test]
    fn code_inside_bold_or_emphasis_is_code_not_backticks() {
        let runs = inline("**the `recv()` call** and *a `send()`*");
        assert!(
            runs.iter().all(|r| match r {
                Inline::Plain(s) | Inline::Bold(s) | Inline::Emphasis(s) | Inline::Code(s) =>
                    !s.contains('`'),
            }),
            "{runs:?}"
        );
        assert!(runs.contains(&Inline::Code("recv()".into())), "{runs:?}");
        assert!(runs.contains(&Inline::Bold("the ".into())), "{runs:?}");
        assert!(runs.contains(&Inline::Code("send()".into())), "{runs:?}");
    }
}
