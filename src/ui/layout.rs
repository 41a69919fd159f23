//! Named layout breakpoints: the sizes (in cells) at which a screen changes
//! shape. One place, so that "wide" means the same on every panel.

/// Two panes side by side: the handshake's diagram and state machine, the OSI
/// table and its frame, the inspector's field tree and bytes.
pub const WIDE: u16 = 120;

/// The lesson list beside the open lesson.
pub const LESSONS_SIDE_BY_SIDE: u16 = 110;

/// The LAN panel's tables beside the diagram: the diagram keeps 74 columns
/// (four hosts with "[A] 192.168.1.10" and a full MAC) in 55 % of the width…
pub const LAN_DIAGRAM_MIN: u16 = 74;
/// … and the screen has rows for caption, tables and the inspector below.
pub const LAN_TALL: u16 = 30;

/// A hex dump row of 16 bytes: offset, 16 × "xx ", a gap and 16 ASCII cells.
pub const HEX_ROW_16: u16 = 72;

/// Rows the inspector's bytes keep (title included) however short the area:
/// the bytes are the point of an inspector.
pub const MIN_HEX_ROWS: u16 = 4;

/// Below this the handshake's scenario picker is a full-width overlay.
pub const PICKER_NARROW: u16 = 104;
