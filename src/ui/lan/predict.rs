//! Predict, then observe, in the LAN panel: before a run in the virtual
//! network the student answers one or more multiple-choice questions; after
//! it, each answer is set beside the choice the run's report bears out. The
//! ARP run (`r`) asks one question, the loss view three; both draw and judge
//! through here (as every lab's prediction goes through one report,
//! `crate::lab::report::Prediction`: predicted, observed, matched).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use crate::i18n::{Lang, tf};
use crate::ui::panel::RenderCtx;
use crate::ui::text::{fit, wrap};

/// One question: its i18n keys (the texts may take the run's settings, e.g.
/// `{loss}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub ask: &'static str,
    pub choices: &'static [&'static str],
}

/// The questions being answered before a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asking {
    /// The question on screen.
    pub at: usize,
    /// The choice under the cursor.
    pub cursor: usize,
    /// One answer per question (None: not answered).
    pub answers: Vec<Option<usize>>,
}

impl Asking {
    pub fn new(questions: usize) -> Asking {
        Asking {
            at: 0,
            cursor: 0,
            answers: vec![None; questions],
        }
    }

    pub fn up(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn down(&mut self, questions: &[Question]) {
        let last = questions
            .get(self.at)
            .map_or(0, |q| q.choices.len().saturating_sub(1));
        self.cursor = (self.cursor + 1).min(last);
    }

    /// Takes the choice under the cursor and goes to the next question; true
    /// once every question has its answer.
    pub fn choose(&mut self) -> bool {
        if let Some(a) = self.answers.get_mut(self.at) {
            *a = Some(self.cursor);
        }
        self.at += 1;
        self.cursor = 0;
        self.at >= self.answers.len()
    }
}

/// The question on screen with its choices, the cursor's marked; `progress`
/// (e.g. "question 2 of 3") under the title when there are several.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    title: &str,
    progress: Option<String>,
    q: &Question,
    cursor: usize,
    keys: &str,
    args: &[(&str, &str)],
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    let lang = ctx.lang;
    let width = usize::from(area.width);
    let plain = |text: String, style: Style| {
        wrap(
            &[(text, style)],
            width,
            ("", Style::default()),
            ("", Style::default()),
        )
    };
    let mut lines: Vec<Line<'static>> = vec![Line::styled(fit(title, width), ctx.theme.accent)];
    if let Some(p) = progress {
        lines.push(Line::styled(fit(&p, width), ctx.theme.muted));
    }
    lines.push(Line::default());
    lines.extend(plain(tf(lang, q.ask, args), ctx.theme.bold));
    lines.push(Line::default());
    for (i, key) in q.choices.iter().enumerate() {
        let (mark, style) = if i == cursor {
            ("▸ ", ctx.theme.selected)
        } else {
            ("  ", ctx.theme.base)
        };
        lines.extend(wrap(
            &[(tf(lang, key, args), style)],
            width,
            (mark, style),
            ("  ", Style::default()),
        ));
    }
    lines.push(Line::default());
    lines.extend(plain(keys.to_string(), ctx.theme.muted));
    for (i, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

/// The three sentences of a verdict (i18n keys taking `{said}`, and `{seen}`
/// where the run shows another choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdicts {
    pub right: &'static str,
    pub wrong: &'static str,
    pub unknown: &'static str,
}

/// "You predicted …; the capture agrees / shows …" (the ARP run's question).
pub const BY_CAPTURE: Verdicts = Verdicts {
    right: "lan.predict.right",
    wrong: "lan.predict.wrong",
    unknown: "lan.predict.unknown",
};

/// The answer given, beside the choice the run bears out, in `keys`'
/// sentences (which may also take `args`), and whether it was right (None:
/// the report does not say).
pub fn verdict(
    lang: Lang,
    keys: &Verdicts,
    q: &Question,
    predicted: usize,
    observed: Option<usize>,
    args: &[(&str, &str)],
) -> (String, Option<bool>) {
    let choice = |i: usize| {
        q.choices
            .get(i)
            .map_or(String::new(), |k| tf(lang, k, args))
    };
    let said = choice(predicted);
    let mut all: Vec<(&str, &str)> = args.to_vec();
    all.push(("said", &said));
    match observed {
        Some(seen) if seen == predicted => (tf(lang, keys.right, &all), Some(true)),
        Some(seen) => {
            let seen = choice(seen);
            all.push(("seen", &seen));
            (tf(lang, keys.wrong, &all), Some(false))
        }
        None => (tf(lang, keys.unknown, &all), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QS: [Question; 2] = [
        Question {
            ask: "a",
            choices: &["x", "y", "z"],
        },
        Question {
            ask: "b",
            choices: &["u", "v"],
        },
    ];

    #[test]
    fn each_question_takes_one_answer_and_the_cursor_stays_in_its_choices() {
        let mut asking = Asking::new(QS.len());
        for _ in 0..5 {
            asking.down(&QS);
        }
        assert_eq!(asking.cursor, 2);
        assert!(!asking.choose());
        assert_eq!((asking.at, asking.cursor), (1, 0));
        for _ in 0..5 {
            asking.down(&QS);
        }
        assert_eq!(asking.cursor, 1, "the second question has two choices");
        asking.up();
        assert!(asking.choose());
        assert_eq!(asking.answers, vec![Some(2), Some(0)]);
    }
}
