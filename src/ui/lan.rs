//! The LAN / ARP section. (Its panel is built by its own issue; until then it
//! says so in one line, and navigation to it already works.)

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::keymap::Binding;
use super::panel::{Ctx, Panel, RenderCtx};
use crate::i18n::t;

/// State of the LAN / ARP panel.
#[derive(Debug, Default)]
pub struct LanPanel {
    /// The state a lesson step asked for, kept until the panel can show it.
    pub requested: Option<String>,
}

/// Messages of the LAN / ARP panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanMsg {}

/// Keys of the LAN / ARP panel.
pub const KEYS: &[Binding] = &[];

impl Panel for LanPanel {
    type Msg = LanMsg;

    fn update(&mut self, msg: LanMsg, _ctx: &mut Ctx) -> Option<super::app::Msg> {
        match msg {}
    }

    fn render(&self, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
        Paragraph::new(t(ctx.lang, "lan.pending"))
            .style(ctx.theme.muted)
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }

    fn open(&mut self, arg: &str, _ctx: &mut Ctx) -> Result<(), String> {
        self.requested = Some(arg.to_string());
        Ok(())
    }
}
