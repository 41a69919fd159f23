//! The keys of the Handshake & teardown panel (help overlay and hints come from
//! this table).

use ratatui::crossterm::event::KeyCode;

use super::HandshakeMsg;
use crate::ui::app::Msg;
use crate::ui::keymap::{Binding, Key};

use Key::{Char, Code};

/// Keys of the Handshake & teardown panel.
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[Char('p')],
        msg: Msg::Handshake(HandshakeMsg::PlayPause),
        help: "hs.key.play",
    },
    Binding {
        keys: &[Char('+'), Char('=')],
        msg: Msg::Handshake(HandshakeMsg::Faster),
        help: "hs.key.faster",
    },
    Binding {
        keys: &[Char('-')],
        msg: Msg::Handshake(HandshakeMsg::Slower),
        help: "hs.key.slower",
    },
    Binding {
        keys: &[Char('s')],
        msg: Msg::Handshake(HandshakeMsg::Pick),
        help: "hs.key.pick",
    },
    Binding {
        keys: &[Char('r')],
        msg: Msg::Handshake(HandshakeMsg::Real),
        help: "hs.key.real",
    },
    Binding {
        keys: &[Char('i'), Code(KeyCode::Enter)],
        msg: Msg::Handshake(HandshakeMsg::Inspect),
        help: "hs.key.inspect",
    },
    Binding {
        keys: &[Char('[')],
        msg: Msg::Handshake(HandshakeMsg::PrevSegment),
        help: "hs.key.prev_segment",
    },
    Binding {
        keys: &[Char(']')],
        msg: Msg::Handshake(HandshakeMsg::NextSegment),
        help: "hs.key.next_segment",
    },
    Binding {
        keys: &[Char('b')],
        msg: Msg::Handshake(HandshakeMsg::ToggleBits),
        help: "inspector.key.bits",
    },
    Binding {
        keys: &[Char('m')],
        msg: Msg::Handshake(HandshakeMsg::ToggleMachine),
        help: "hs.key.machine",
    },
];
