//! The keys of the Handshake & teardown panel (help overlay and hints come from
//! these tables). Two orders of the same keys: the hint bar lists a table in
//! order until it runs out of room, so while a segment is open in the
//! inspector its keys come first.

use crate::ui::msg::PanelMsg;
use ratatui::crossterm::event::KeyCode;

use super::HandshakeMsg;
use crate::ui::app::Msg;
use crate::ui::keymap::{Binding, Key};
use crate::ui::widgets::inspector::inspector_keys;

use Key::{Char, Code};

const PLAY: Binding = Binding {
    keys: &[Char('p')],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::PlayPause)),
    help: "hs.key.play",
};
const FASTER: Binding = Binding {
    keys: &[Char('+'), Char('=')],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::Faster)),
    help: "hs.key.faster",
};
const SLOWER: Binding = Binding {
    keys: &[Char('-')],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::Slower)),
    help: "hs.key.slower",
};
const PICK: Binding = Binding {
    keys: &[Char('s')],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::Pick)),
    help: "hs.key.pick",
};
const REAL: Binding = Binding {
    keys: &[Char('r')],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::Real)),
    help: "hs.key.real",
};
const INSPECT: Binding = Binding {
    keys: &[Char('i'), Code(KeyCode::Enter)],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::Inspect)),
    help: "hs.key.inspect",
};
const PREV_SEGMENT: Binding = Binding {
    keys: &[Char('[')],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::PrevSegment)),
    help: "hs.key.prev_segment",
};
const NEXT_SEGMENT: Binding = Binding {
    keys: &[Char(']')],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::NextSegment)),
    help: "hs.key.next_segment",
};
const MACHINE: Binding = Binding {
    keys: &[Char('m')],
    msg: Msg::Panel(PanelMsg::Handshake(HandshakeMsg::ToggleMachine)),
    help: "hs.key.machine",
};

/// Keys of the Handshake & teardown panel.
pub const KEYS: &[Binding] = inspector_keys!(
    PanelMsg::Handshake,
    HandshakeMsg::Inspector,
    bits_only,
    [
        PLAY,
        INSPECT,
        PICK,
        REAL,
        FASTER,
        SLOWER,
        PREV_SEGMENT,
        NEXT_SEGMENT,
        MACHINE
    ]
);

/// The same keys while a segment is open in the inspector: its keys first.
pub const INSPECTING: &[Binding] = inspector_keys!(
    PanelMsg::Handshake,
    HandshakeMsg::Inspector,
    bits_only,
    [INSPECT, PREV_SEGMENT, NEXT_SEGMENT],
    [PLAY, PICK, REAL, FASTER, SLOWER, MACHINE]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_orders_bind_the_same_keys() {
        let helps = |table: &[Binding]| {
            let mut h: Vec<&str> = table.iter().map(|b| b.help).collect();
            h.sort_unstable();
            h
        };
        assert_eq!(helps(KEYS), helps(INSPECTING));
        assert_eq!(INSPECTING[0].help, "hs.key.inspect");
    }
}
