//! The presenter protocol: JSON lines over a Unix socket, each line one object
//! with a version field `v` and a `type`.
//!
//! The console (client) says hello first (`{"v":1,"type":"hello","role":"console"}`;
//! role `peek` asks for one state and the end, as `presenter --list` does), then
//! sends the presenter's keys (`{"v":1,"type":"key","key":"next"}`). The
//! presentation (server) sends its whole state on attach and after every
//! change, `ended` when it quits, and `error` before it closes a connection it
//! will not serve. A line longer than [`MAX_LINE`] bytes, a line that is not
//! such an object, or another version ends the connection.

use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};

use crate::i18n::Text;

/// The protocol version both sides write and expect.
pub const VERSION: u32 = 1;

/// The longest line either side accepts, in bytes (a state with long speaker
/// notes in both languages is a few KiB).
pub const MAX_LINE: usize = 64 * 1024;

/// Where the presentation is: what the console shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct State {
    /// The presentation's id (its socket's name).
    pub id: String,
    /// When the presentation started, in seconds since the Unix epoch.
    pub started: i64,
    /// The ids of the lessons played back to back.
    pub playlist: Vec<String>,
    /// The lesson shown: its place in the playlist (1-based; 0: none open) and
    /// the playlist's length.
    pub lesson: usize,
    pub lessons: usize,
    pub lesson_title: Text,
    /// The step shown (1-based; 0: none) of `steps`.
    pub step: usize,
    pub steps: usize,
    pub step_title: Text,
    /// The current step's speaker notes.
    pub notes: Option<Text>,
    /// The next step's title (None: the last step of the playlist), and the
    /// next lesson's title when the next step is in another lesson.
    pub next: Option<Text>,
    pub next_lesson: Option<Text>,
    /// The step's panel when the lecture has it open: its name and the
    /// animation step shown (1-based) of how many.
    pub panel: Option<PanelAt>,
    /// The projected screen is blanked.
    pub blank: bool,
    /// The end-of-lecture card is on the projected screen.
    pub end_card: bool,
}

/// A panel open in the lecture, and where its animation is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelAt {
    pub name: Text,
    pub at: usize,
    pub of: usize,
}

/// What a client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Follows the presentation and drives it.
    Console,
    /// Reads the state once (`presenter --list`); not counted as a console.
    Peek,
}

/// The presenter's keys a console may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    /// PageDown: one clicker step forward.
    Next,
    /// PageUp: one clicker step back.
    Prev,
    /// `b` / `.`: blank the projected screen (or bring it back).
    Blank,
    /// `p`: play the panel's animation.
    Play,
    /// Home / End.
    First,
    Last,
}

impl Key {
    pub const ALL: [Key; 6] = [
        Key::Next,
        Key::Prev,
        Key::Blank,
        Key::Play,
        Key::First,
        Key::Last,
    ];

    /// The word of the protocol (and of `presenter --plain`'s input lines).
    pub fn word(self) -> &'static str {
        match self {
            Key::Next => "next",
            Key::Prev => "prev",
            Key::Blank => "blank",
            Key::Play => "play",
            Key::First => "first",
            Key::Last => "last",
        }
    }

    pub fn from_word(word: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.word() == word)
    }
}

/// A line from the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    Hello { role: Role },
    Key { key: Key },
}

/// A line from the presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    State(Box<State>),
    /// The presentation quit.
    Ended,
    /// Why the presentation closes this connection.
    Error {
        message: String,
    },
}

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    #[error("a line longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("not a protocol line: {0}")]
    Malformed(String),
    #[error("protocol version {found}, this nettutor speaks version {VERSION}")]
    Version { found: u64 },
}

#[derive(Serialize)]
struct Out<'a, T> {
    v: u32,
    #[serde(flatten)]
    msg: &'a T,
}

#[derive(Deserialize)]
struct VersionOnly {
    v: Option<serde_json::Value>,
}

/// `msg` as one line (no newline), with the version.
pub fn encode<T: Serialize>(msg: &T) -> String {
    // Serializing these plain structs cannot fail; an empty object would be
    // refused by the other side as malformed.
    serde_json::to_string(&Out { v: VERSION, msg }).unwrap_or_else(|_| "{}".into())
}

/// One line read back: the version checked first (so a newer peer gets a
/// clear error, not "unknown field"), then the message.
pub fn decode<T: for<'de> Deserialize<'de>>(line: &str) -> Result<T, ProtoError> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.len() > MAX_LINE {
        return Err(ProtoError::TooLong);
    }
    let head: VersionOnly =
        serde_json::from_str(line).map_err(|e| ProtoError::Malformed(e.to_string()))?;
    match head.v {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(VERSION)) => {}
        Some(serde_json::Value::Number(n)) => {
            return Err(ProtoError::Version {
                found: n.as_u64().unwrap_or(0),
            });
        }
        Some(_) | None => return Err(ProtoError::Malformed("no version field `v`".into())),
    }
    serde_json::from_str(line).map_err(|e| ProtoError::Malformed(e.to_string()))
}

/// A line read with [`read_line`].
#[derive(Debug)]
pub enum ReadLine {
    Line(String),
    /// The other side closed the connection.
    End,
}

/// Reads one line of at most [`MAX_LINE`] bytes, never buffering more than
/// that: a longer one is an error (`InvalidData` wrapping
/// [`ProtoError::TooLong`]) without reading the rest. A last line without a
/// newline counts as a line.
pub fn read_line(r: &mut impl BufRead, max: usize) -> io::Result<ReadLine> {
    let mut line = Vec::new();
    loop {
        let chunk = match r.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if line.is_empty() {
                return Ok(ReadLine::End);
            }
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(at) => (at + 1, true),
            None => (chunk.len(), false),
        };
        if line.len() + take > max + 1 || (!done && line.len() + take > max) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                ProtoError::TooLong,
            ));
        }
        line.extend_from_slice(&chunk[..take]);
        r.consume(take);
        if done {
            line.pop();
            break;
        }
    }
    String::from_utf8(line).map(ReadLine::Line).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            ProtoError::Malformed("not UTF-8".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            id: "4242".into(),
            started: 1_700_000_000,
            playlist: vec!["basics".into()],
            lesson: 1,
            lessons: 1,
            lesson_title: Text::new("Basics", "基础"),
            step: 2,
            steps: 5,
            step_title: Text::new("Frames", "帧"),
            notes: Some(Text::new("Type 172.15.255.255", "输入 172.15.255.255")),
            next: Some(Text::new("Packets", "包")),
            next_lesson: None,
            panel: Some(PanelAt {
                name: Text::new("Subnet", "子网"),
                at: 3,
                of: 9,
            }),
            blank: false,
            end_card: false,
        }
    }

    #[test]
    fn messages_round_trip_with_the_version() {
        let line = encode(&ServerMsg::State(Box::new(state())));
        assert!(line.starts_with(r#"{"v":1,"type":"state","#), "{line}");
        assert!(!line.contains('\n'));
        assert_eq!(
            decode::<ServerMsg>(&line),
            Ok(ServerMsg::State(Box::new(state())))
        );
        for msg in [
            ClientMsg::Hello {
                role: Role::Console,
            },
            ClientMsg::Hello { role: Role::Peek },
            ClientMsg::Key { key: Key::Next },
        ] {
            assert_eq!(decode::<ClientMsg>(&encode(&msg)), Ok(msg));
        }
        assert_eq!(
            encode(&ClientMsg::Key { key: Key::Blank }),
            r#"{"v":1,"type":"key","key":"blank"}"#
        );
        for key in Key::ALL {
            assert_eq!(Key::from_word(key.word()), Some(key));
        }
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        for line in [
            "",
            "hello",
            "{",
            "[1,2]",
            r#"{"type":"key","key":"next"}"#,
            r#"{"v":"1","type":"key","key":"next"}"#,
            r#"{"v":1,"type":"key","key":"explode"}"#,
            r#"{"v":1,"type":"unknown"}"#,
            r#"{"v":1}"#,
            r#"{"v":1,"type":"hello","role":"root"}"#,
        ] {
            assert!(
                matches!(decode::<ClientMsg>(line), Err(ProtoError::Malformed(_))),
                "{line:?}"
            );
        }
    }

    #[test]
    fn another_version_is_named_in_the_error() {
        let err = decode::<ClientMsg>(r#"{"v":2,"type":"key","key":"next"}"#).unwrap_err();
        assert_eq!(err, ProtoError::Version { found: 2 });
        assert_eq!(
            err.to_string(),
            "protocol version 2, this nettutor speaks version 1"
        );
        assert_eq!(
            decode::<ServerMsg>(r#"{"v":0,"type":"ended"}"#),
            Err(ProtoError::Version { found: 0 })
        );
    }

    #[test]
    fn lines_are_bounded() {
        // Two lines, then one without its newline at the end.
        let mut r = io::BufReader::with_capacity(7, &b"{\"a\":1}\nsecond\nlast"[..]);
        let mut got = Vec::new();
        while let ReadLine::Line(l) = read_line(&mut r, 16).unwrap() {
            got.push(l);
        }
        assert_eq!(got, ["{\"a\":1}", "second", "last"]);
        // Exactly the limit passes, one byte more does not, whatever the buffering.
        for cap in [3, 64, 1 << 17] {
            let ok = format!("{}\n", "x".repeat(16));
            let mut r = io::BufReader::with_capacity(cap, ok.as_bytes());
            assert!(matches!(read_line(&mut r, 16).unwrap(), ReadLine::Line(l) if l.len() == 16));
            let long = format!("{}\nnext\n", "x".repeat(17));
            let mut r = io::BufReader::with_capacity(cap, long.as_bytes());
            let err = read_line(&mut r, 16).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            assert!(err.to_string().contains("longer than"), "{err}");
        }
        // An endless line without a newline stops at the limit, not at memory's end.
        let mut endless = io::BufReader::new(io::repeat(b'x'));
        assert!(read_line(&mut endless, MAX_LINE).is_err());
        // Not UTF-8.
        let mut r = io::BufReader::new(&b"\xff\xfe\n"[..]);
        assert_eq!(
            read_line(&mut r, 16).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        // A line too long for `decode` (read by other means).
        let huge = format!(
            r#"{{"v":1,"type":"error","message":"{}"}}"#,
            "x".repeat(MAX_LINE)
        );
        assert_eq!(decode::<ServerMsg>(&huge), Err(ProtoError::TooLong));
    }
}
