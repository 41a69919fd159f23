//! The class session's wire protocol, version 1 (`docs/class-protocol.md`):
//! over TCP, each message is one frame, `[length: u32 big-endian][payload]`,
//! the payload one JSON object with a `type` field. A frame is at most
//! [`MAX_FRAME`] bytes of payload; a longer length prefix ends the connection
//! before a byte of it is read (four bytes never make the host allocate more).

use serde::{Deserialize, Serialize};

use crate::i18n::Text;

/// The protocol version a hello carries.
pub const VERSION: u32 = 1;
/// The largest payload a frame may have (64 KiB).
pub const MAX_FRAME: usize = 64 * 1024;

/// What a student's client sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ClientMsg {
    /// The first frame, and the only one accepted before the host says
    /// `welcome`. `token` (from an earlier welcome) resumes that student.
    Hello {
        v: u32,
        code: String,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    /// An answer to the open question at `position`, with the student's own token.
    Answer {
        token: String,
        position: usize,
        answer: String,
    },
}

/// Why a hello was refused (the host closes the connection after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Refusal {
    /// The hello's `v` is not one this host speaks.
    Version,
    /// Wrong join code.
    Code,
    /// Too many wrong codes from this address: wait `retry_after_ms`.
    RateLimited,
    /// The token to resume is not one this session issued.
    Token,
    /// The session has ended.
    Ended,
    /// The room is full.
    Full,
}

/// Why an answer was not taken (the connection stays open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Rejection {
    /// The token is not this connection's student's.
    Token,
    /// The question is closed (revealed, or not asked yet).
    Closed,
    /// This student already answered it.
    Answered,
    /// Exam mode: the answer is not in a form the question takes; ask again.
    Malformed,
}

/// A question as the students see it: never its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionView {
    /// 0-based place in the session.
    pub position: usize,
    /// How many questions the session has.
    pub questions: usize,
    pub topic: String,
    /// `choice`, `true-false`, `order` or `fill-in`.
    pub kind: String,
    pub prompt: Text,
    /// The options (choice) or items as shown (order), lettered a, b, c…
    pub options: Vec<Text>,
    /// How to answer (the plain quiz's hint line).
    pub hint: Text,
    /// Seconds left to answer when this frame was sent.
    pub seconds: f64,
}

/// The reveal of one question, for one student.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reveal {
    pub position: usize,
    /// The right answer as the plain quiz writes it; absent in an exam.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Text>,
    /// Whether this student's answer was right; absent in an exam.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<bool>,
}

/// What the host sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum HostMsg {
    /// The hello was taken: the student's name as the room shows it and the
    /// token every answer must carry (and a reconnect may present).
    Welcome {
        v: u32,
        name: String,
        token: String,
        questions: usize,
        exam: bool,
        resumed: bool,
    },
    Refused {
        reason: Refusal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
    Question(QuestionView),
    /// The answer at `position` is recorded.
    Accepted {
        position: usize,
    },
    Rejected {
        position: usize,
        reason: Rejection,
        /// Why a malformed answer could not be read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<Text>,
    },
    Reveal(Reveal),
    /// The session is over: this student's score. The host closes after it.
    End {
        score: usize,
        questions: usize,
    },
}

/// A frame of `payload`: 4-byte big-endian length, then the bytes.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    crate::lab::codec::encode_length_prefixed(payload)
}

/// The frame of a message.
pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    // Serialising these types cannot fail (no maps with non-string keys).
    frame(&serde_json::to_vec(msg).unwrap_or_default())
}

/// What is wrong with a byte stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("length prefix {0} is over the {MAX_FRAME}-byte limit")]
    Oversize(usize),
    #[error("frame is not a message of this protocol: {0}")]
    Garbage(String),
}

/// Cuts frames out of a byte stream as it arrives, holding at most one
/// unfinished frame (≤ 4 + [`MAX_FRAME`] bytes).
#[derive(Debug, Default, Clone)]
pub struct FrameReader {
    pending: Vec<u8>,
}

impl FrameReader {
    /// Adds bytes received.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// The next whole frame's payload, if one has arrived; an oversize length
    /// prefix is an error as soon as its four bytes are in.
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let Some(header) = self.pending.get(..4) else {
            return Ok(None);
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        if len > MAX_FRAME {
            return Err(FrameError::Oversize(len));
        }
        if self.pending.len() < 4 + len {
            return Ok(None);
        }
        let payload = self.pending[4..4 + len].to_vec();
        self.pending.drain(..4 + len);
        Ok(Some(payload))
    }

    /// Bytes held of an unfinished frame.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// A payload read as a message of type `T`.
pub fn decode<T: for<'de> Deserialize<'de>>(payload: &[u8]) -> Result<T, FrameError> {
    serde_json::from_slice(payload).map_err(|e| FrameError::Garbage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_length_prefixed_json() {
        let msg = ClientMsg::Hello {
            v: VERSION,
            code: "ABC234".into(),
            name: "ada".into(),
            token: None,
        };
        let bytes = encode(&msg);
        let json = br#"{"type":"hello","v":1,"code":"ABC234","name":"ada"}"#;
        assert_eq!(&bytes[..4], &(json.len() as u32).to_be_bytes());
        assert_eq!(&bytes[4..], json);
        let mut r = FrameReader::default();
        // Byte by byte: a frame comes out only when whole.
        let mut got = Vec::new();
        for b in bytes.iter().chain(&bytes) {
            r.push(&[*b]);
            while let Some(p) = r.next_frame().unwrap() {
                got.push(decode::<ClientMsg>(&p).unwrap());
            }
        }
        assert_eq!(got, vec![msg.clone(), msg]);
    }

    #[test]
    fn an_oversize_prefix_is_refused_before_its_payload() {
        let mut r = FrameReader::default();
        r.push(&((MAX_FRAME + 1) as u32).to_be_bytes());
        assert_eq!(r.next_frame(), Err(FrameError::Oversize(MAX_FRAME + 1)));
        let mut r = FrameReader::default();
        r.push(&(MAX_FRAME as u32).to_be_bytes());
        assert_eq!(r.next_frame(), Ok(None), "exactly the limit is allowed");
    }

    #[test]
    fn host_messages_round_trip() {
        for msg in [
            HostMsg::Refused {
                reason: Refusal::RateLimited,
                retry_after_ms: Some(2000),
            },
            HostMsg::Rejected {
                position: 3,
                reason: Rejection::Closed,
                why: None,
            },
            HostMsg::End {
                score: 2,
                questions: 5,
            },
        ] {
            let payload = &encode(&msg)[4..];
            assert_eq!(decode::<HostMsg>(payload).unwrap(), msg);
        }
        assert!(decode::<ClientMsg>(b"\x00\xffgarbage").is_err());
    }
}
