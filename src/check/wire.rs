//! The exercise's protocol on the wire: framing a request, the answer it should
//! get, and a short readable form of bytes for the report.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::exercise::{Exercise, Framing, Reply};

/// The bytes that carry `message` in this framing.
pub fn frame(framing: Framing, message: &[u8]) -> Vec<u8> {
    match framing {
        Framing::LengthPrefixed => {
            let len = u32::try_from(message.len()).unwrap_or(u32::MAX);
            let mut out = len.to_be_bytes().to_vec();
            out.extend_from_slice(message);
            out
        }
        Framing::Line => {
            let mut out = message.to_vec();
            out.push(b'\n');
            out
        }
        Framing::Datagram | Framing::UntilClose => message.to_vec(),
    }
}

/// What a right answer to `request` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Exactly these bytes (framed).
    Bytes(Vec<u8>),
    /// The local time in this strftime format, within `slack` of the checker's clock.
    Time { format: String, slack: Duration },
    /// Any answer, or none (a request the protocol does not define).
    Any,
}

/// How far a time answer may be from the checker's clock.
pub const TIME_SLACK: Duration = Duration::from_secs(2);

pub fn expect(exercise: &Exercise, request: &str) -> Expect {
    match exercise.reply {
        Reply::Strftime => Expect::Time {
            format: request.to_string(),
            slack: TIME_SLACK,
        },
        _ => match answer_text(exercise.reply, request) {
            Some(text) => Expect::Bytes(frame(exercise.framing, text.as_bytes())),
            None => Expect::Any,
        },
    }
}

/// The format of a `local-time` answer.
pub const LOCAL_TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// A `local-time` request from 0 up to this (2100-01-01 00:00:00 UTC) has an answer.
const MAX_TIMESTAMP: f64 = 4_102_444_800.0;

/// The text of the right answer to `request`, unframed; `None` when it depends
/// on the moment (`strftime`) or the protocol defines none (a `local-time`
/// request that is not a timestamp in range).
pub fn answer_text(reply: Reply, request: &str) -> Option<String> {
    match reply {
        Reply::Upper => Some(request.to_uppercase()),
        Reply::EchoLine => Some(format!("echo: {request}")),
        Reply::Strftime => None,
        Reply::LocalTime => {
            let ts: f64 = request.trim().parse().ok()?;
            if !(ts.is_finite() && (0.0..MAX_TIMESTAMP).contains(&ts)) {
                return None;
            }
            // Python's time.localtime rounds a fraction down, as the C library does.
            local_strftime(LOCAL_TIME_FORMAT, ts.floor() as i64)
        }
    }
}

/// What an evaluating server answers when the checker sends an expression that
/// evaluates to `marker`: the right answer to the request `marker` (for a
/// strftime server, the format `1337` is the text `1337`).
pub fn marker_answer(reply: Reply, marker: &str) -> String {
    let now = unix(SystemTime::now());
    match reply {
        Reply::Strftime => local_strftime(marker, now),
        _ => answer_text(reply, marker),
    }
    .unwrap_or_else(|| marker.to_string())
}

impl Expect {
    /// Whether `got` is a right answer, given when the request was sent and when
    /// the answer came.
    pub fn accepts(&self, got: &[u8], sent_at: SystemTime, got_at: SystemTime) -> bool {
        match self {
            Expect::Any => true,
            Expect::Bytes(b) => b == got,
            Expect::Time { format, slack } => {
                let Ok(text) = std::str::from_utf8(got) else {
                    return false;
                };
                let from = unix(sent_at).saturating_sub(slack.as_secs() as i64);
                let to = unix(got_at).saturating_add(slack.as_secs() as i64);
                (from..=to).any(|t| local_strftime(format, t).as_deref() == Some(text))
            }
        }
    }

    /// How the report shows the right answer.
    pub fn shown(&self, framing: Framing, now: SystemTime) -> String {
        match self {
            Expect::Any => "*".to_string(),
            Expect::Bytes(b) => preview(framing, b),
            Expect::Time { format, .. } => {
                let example = local_strftime(format, unix(now)).unwrap_or_default();
                format!("{:?} (±{} s)", example, TIME_SLACK.as_secs())
            }
        }
    }
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `strftime(format, localtime(t))` through the C library, as the student's
/// program computes it (the same TZ and locale rules).
pub fn local_strftime(format: &str, t: i64) -> Option<String> {
    let format = std::ffi::CString::new(format).ok()?;
    let time: libc::time_t = t;
    // SAFETY: an all-zero `tm` is a valid value; localtime_r fills it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the duration of the call.
    let filled = unsafe { libc::localtime_r(&time, &mut tm) };
    if filled.is_null() {
        return None;
    }
    let mut buf = vec![0u8; 1024];
    // SAFETY: buf has buf.len() writable bytes; format is NUL-terminated; tm is filled.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), format.as_ptr(), &tm) };
    buf.truncate(n);
    String::from_utf8(buf).ok()
}

/// The longest text a preview shows of one message.
const PREVIEW_CHARS: usize = 60;

/// Bytes as the report shows them: each framed message as a quoted string (with
/// its length prefix as `[n]`), long ones shortened, non-UTF-8 bytes as `\xNN`.
pub fn preview(framing: Framing, bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "\"\"".to_string();
    }
    match framing {
        Framing::LengthPrefixed => {
            let mut parts = Vec::new();
            let mut rest = bytes;
            while rest.len() >= 4 {
                let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
                let body = rest.get(4..).unwrap_or_default();
                let take = len.min(body.len());
                let shown = quoted(body.get(..take).unwrap_or_default());
                if take < len {
                    parts.push(format!("[{len}] {shown} (only {take} bytes came)"));
                } else {
                    parts.push(format!("[{len}] {shown}"));
                }
                rest = body.get(take..).unwrap_or_default();
                if parts.len() >= 4 && !rest.is_empty() {
                    parts.push(format!("… {} more bytes", rest.len()));
                    rest = &[];
                }
            }
            if !rest.is_empty() {
                parts.push(format!("{} (not a whole header)", quoted(rest)));
            }
            parts.join(" ")
        }
        Framing::Line | Framing::Datagram | Framing::UntilClose => quoted(bytes),
    }
}

/// `"text"` with escapes, shortened in the middle when long.
pub fn quoted(bytes: &[u8]) -> String {
    // Only the ends are shown, so only the ends are escaped (a message may be MiBs).
    const LOOK: usize = PREVIEW_CHARS * 4;
    if bytes.len() > 2 * LOOK {
        let head = escaped(&bytes[..LOOK]);
        let tail = escaped(&bytes[bytes.len() - LOOK..]);
        let head: String = head.chars().take(PREVIEW_CHARS / 2).collect();
        let tail: Vec<char> = tail.chars().collect();
        let tail: String = tail[tail.len().saturating_sub(PREVIEW_CHARS / 4)..]
            .iter()
            .collect();
        return format!("\"{head}…{tail}\" ({} bytes)", bytes.len());
    }
    let text = escaped(bytes);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= PREVIEW_CHARS {
        format!("\"{text}\"")
    } else {
        let head: String = chars.iter().take(PREVIEW_CHARS / 2).collect();
        let tail: String = chars.iter().skip(chars.len() - PREVIEW_CHARS / 4).collect();
        format!("\"{head}…{tail}\" ({} bytes)", bytes.len())
    }
}

/// UTF-8 text with Rust's escapes; any other bytes as `\xNN`.
fn escaped(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.escape_debug().to_string(),
        Err(_) => bytes
            .iter()
            .flat_map(|b| std::ascii::escape_default(*b))
            .map(char::from)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_prefix_is_big_endian() {
        assert_eq!(
            frame(Framing::LengthPrefixed, b"hi"),
            vec![0, 0, 0, 2, b'h', b'i']
        );
        assert_eq!(frame(Framing::Line, b"hi"), b"hi\n".to_vec());
    }

    #[test]
    fn preview_shows_frames_and_cut_headers() {
        let mut two = frame(Framing::LengthPrefixed, b"AB");
        two.extend(frame(Framing::LengthPrefixed, b"C"));
        assert_eq!(
            preview(Framing::LengthPrefixed, &two),
            "[2] \"AB\" [1] \"C\""
        );
        assert_eq!(
            preview(Framing::LengthPrefixed, &[0, 0]),
            "\"\\0\\0\" (not a whole header)"
        );
        assert_eq!(
            preview(Framing::LengthPrefixed, &[0, 0, 0, 5, b'a']),
            "[5] \"a\" (only 1 bytes came)"
        );
        assert!(quoted(&[b'x'; 1000]).ends_with("(1000 bytes)"));
    }

    #[test]
    fn strftime_answers_match_within_the_slack() {
        let expect = Expect::Time {
            format: "%Y-%m-%d %H:%M:%S".into(),
            slack: TIME_SLACK,
        };
        let now = SystemTime::now();
        let answer = local_strftime("%Y-%m-%d %H:%M:%S", unix(now)).expect("formats");
        assert!(expect.accepts(answer.as_bytes(), now, now));
        let old = local_strftime("%Y-%m-%d %H:%M:%S", unix(now) - 3600).expect("formats");
        assert!(!expect.accepts(old.as_bytes(), now, now));
        assert!(!expect.accepts(b"\xff", now, now));
    }

    #[test]
    fn local_time_answers_a_timestamp_in_range_and_nothing_else() {
        let at = |t: i64| local_strftime(LOCAL_TIME_FORMAT, t);
        assert_eq!(
            answer_text(Reply::LocalTime, "1700000000"),
            at(1_700_000_000)
        );
        // A fraction is rounded down; surrounding white space is allowed.
        assert_eq!(
            answer_text(Reply::LocalTime, " 1700000000.75\n"),
            at(1_700_000_000)
        );
        for odd in [
            "1e400",
            "nan",
            "-5",
            "inf",
            "4102444800",
            "1700000000+1337",
            "",
        ] {
            assert_eq!(answer_text(Reply::LocalTime, odd), None, "{odd}");
        }
        assert_eq!(
            marker_answer(Reply::LocalTime, "1700001337"),
            at(1_700_001_337).expect("formats")
        );
        assert_eq!(marker_answer(Reply::Strftime, "1337"), "1337");
        assert_eq!(marker_answer(Reply::Upper, "abc"), "ABC");
    }
}
