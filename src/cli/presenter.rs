//! `nettutor presenter`: the presenter console for a presentation running in
//! another terminal (`nettutor --present`), `--list` of those running, and
//! `--plain`, one JSON line per change for scripts (keys from stdin lines).

use std::io::BufRead as _;
use std::process::ExitCode;
use std::sync::Arc;

use super::out::say;
use crate::i18n::{Lang, t, tf};
use crate::presenter::proto::{self, Key, ServerMsg, State};
use crate::presenter::{self as link, Choose, Found, socket};

#[derive(Debug, clap::Args)]
pub struct PresenterArgs {
    /// List the running presentations: ID, start time, lesson, playlist.
    #[arg(long, conflicts_with_all = ["attach", "plain"])]
    pub list: bool,
    /// Attach to this presentation (an ID from --list); needed when several run.
    #[arg(long, value_name = "ID")]
    pub attach: Option<String>,
    /// No screen: print one JSON line per change (until the presentation ends);
    /// lines on standard input (next, prev, blank, play, first, last) are keys.
    #[arg(long)]
    pub plain: bool,
}

pub fn run(
    args: PresenterArgs,
    lang: Lang,
    theme: Option<crate::ui::theme::ThemeName>,
    no_color: bool,
) -> anyhow::Result<ExitCode> {
    let dir = socket::default_dir();
    let found = socket::list(&dir)?;
    if args.list {
        return list(&found, lang);
    }
    let chosen = link::choose(found, args.attach.as_deref()).map_err(|why| {
        anyhow::anyhow!(match why {
            Choose::None => t(lang, "console.none").to_string(),
            Choose::Several(ids) => tf(lang, "console.several", &[("ids", &ids.join(", "))]),
            Choose::NoSuchId(id) => tf(lang, "console.no_such", &[("id", &id)]),
        })
    })?;
    if args.plain {
        return plain(&chosen, lang);
    }
    let theme = crate::ui::theme::Theme::choose(theme, no_color)?;
    crate::ui::console::run(&chosen, lang, &theme)?;
    Ok(ExitCode::SUCCESS)
}

/// The lesson column of `--list`: `2/5 Title`.
fn lesson_of(state: &State, lang: Lang) -> String {
    if state.lesson == 0 {
        return "-".into();
    }
    format!(
        "{}/{} {}",
        state.lesson,
        state.lessons,
        state.lesson_title.get(lang)
    )
}

fn list(found: &[Found], lang: Lang) -> anyhow::Result<ExitCode> {
    if found.is_empty() {
        say(&format!("{}\n", t(lang, "console.list_none")))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = format!("{}\n", t(lang, "console.list_head"));
    for f in found {
        let row = match &f.state {
            Some(s) => {
                let started = chrono::DateTime::from_timestamp(s.started, 0)
                    .map(|d| {
                        d.with_timezone(&chrono::Local)
                            .format("%Y-%m-%d %H:%M")
                            .to_string()
                    })
                    .unwrap_or_else(|| "-".into());
                format!(
                    "{}\t{started}\t{}\t{}",
                    f.id,
                    lesson_of(s, lang),
                    s.playlist.join(",")
                )
            }
            None => format!("{}\t-\t{}\t-", f.id, t(lang, "console.no_answer")),
        };
        text.push_str(&row);
        text.push('\n');
    }
    say(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints every message as one JSON line until the presentation ends; keys
/// come from standard input, one word a line (an unknown word is reported on
/// standard error and skipped).
fn plain(found: &Found, lang: Lang) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    let (link, mut reader) = link::Link::attach(&found.path)
        .with_context(|| tf(lang, "console.err.attach", &[("id", &found.id)]))?;
    let link = Arc::new(link);
    let keys = Arc::clone(&link);
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            let word = line.trim();
            if word.is_empty() {
                continue;
            }
            match Key::from_word(word) {
                Some(key) => {
                    if keys.key(key).is_err() {
                        break;
                    }
                }
                None => super::out::warn(&format!(
                    "nettutor: unknown key '{word}' (next, prev, blank, play, first, last)"
                )),
            }
        }
    });
    loop {
        let msg = reader
            .next_msg()
            .with_context(|| t(lang, "console.err.broke").to_string())?;
        say(&format!("{}\n", proto::encode(&msg)))?;
        match msg {
            ServerMsg::State(_) => {}
            ServerMsg::Ended => return Ok(ExitCode::SUCCESS),
            ServerMsg::Error { message } => {
                anyhow::bail!(tf(lang, "console.err.refused", &[("message", &message)]))
            }
        }
    }
}
