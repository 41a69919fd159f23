//! The OSI & encapsulation section. (Its panel is built by its own issue; until then it
//! says so in one line, and navigation to it already works.)

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::keymap::Binding;
use super::panel::{Ctx, Panel, RenderCtx};
use crate::i18n::t;

/// State of the OSI & encapsulation panel.
#[derive(Debug, Default)]
pub struct OsiPanel {
    /// The state a lesson step asked for, kept until the panel can show it.
    pub requested: Option<String>,
}

/// Messages of the OSI & encapsulation panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsiMsg {}

/// Keys of the OSI & encapsulation panel.
pub const KEYS: &[Binding] = &[];

impl Panel for OsiPanel {
    type Msg = OsiMsg;

    fn update(&mut self, msg: OsiMsg, _ctx: &mut Ctx) -> Option<super::app::Msg> {
        match msg {}
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        Paragraph::new(t(ctx.lang, "osi.pending"))
            .style(ctx.theme.muted)
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }

    fn open(&mut self, arg: &str, _ctx: &mut Ctx) -> Result<(), String> {
        self.requested = Some(arg.to_string());
        Ok(())
    }
}
