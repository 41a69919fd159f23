//! The Quiz section. (Its panel is built by its own issue; until then it
//! says so in one line, and navigation to it already works.)

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::keymap::Binding;
use super::panel::{Ctx, Panel, RenderCtx};
use crate::i18n::t;

/// State of the Quiz panel.
#[derive(Debug, Default)]
pub struct QuizPanel {
    /// The state a lesson step asked for, kept until the panel can show it.
    pub requested: Option<String>,
}

/// Messages of the Quiz panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizMsg {}

/// Keys of the Quiz panel.
pub const KEYS: &[Binding] = &[];

impl Panel for QuizPanel {
    type Msg = QuizMsg;

    fn update(&mut self, msg: QuizMsg, _ctx: &mut Ctx) -> Option<super::app::Msg> {
        match msg {}
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        Paragraph::new(t(ctx.lang, "quiz.pending"))
            .style(ctx.theme.muted)
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }

    fn open(&mut self, arg: &str, _ctx: &mut Ctx) -> Result<(), String> {
        self.requested = Some(arg.to_string());
        Ok(())
    }
}
