//! Message framing over a byte stream, as a receiver must do it: decoders are fed
//! whatever each recv() returned and hand back the complete messages so far.

use super::LabError;

/// Refuse length prefixes above this: a decoder must not let a peer make it
/// allocate gigabytes with four bytes.
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

/// `[length as 4-byte big-endian][payload]` (Python: `struct.pack('!I', n)`).
pub fn encode_length_prefixed(payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(payload.len() + 4);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Payload with `\` → `\\` and newline → `\n`, then a newline terminator: the
/// delimiter can then never appear inside a message.
pub fn encode_delimited(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 1);
    for &b in payload {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            other => out.push(other),
        }
    }
    out.push(b'\n');
    out
}

/// Streaming decoder for length-prefixed frames.
#[derive(Debug, Default, Clone)]
pub struct LengthPrefixDecoder {
    pending: Vec<u8>,
}

impl LengthPrefixDecoder {
    /// Feed one recv() result; get every message it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Vec<u8>>, LabError> {
        self.pending.extend_from_slice(chunk);
        let mut out = Vec::new();
        while let Some(header) = self.pending.get(..4) {
            let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
            if len > MAX_FRAME {
                return Err(LabError::Failed(format!(
                    "length prefix {len} exceeds the {MAX_FRAME}-byte limit"
                )));
            }
            if self.pending.len() < 4 + len {
                break;
            }
            out.push(self.pending[4..4 + len].to_vec());
            self.pending.drain(..4 + len);
        }
        Ok(out)
    }

    /// Bytes of an unfinished frame still waiting.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// The longest message a [`DelimiterDecoder`] keeps: a peer that never sends
/// a newline must not make it grow without end. Bytes past it are dropped
/// (and counted) until the next newline.
pub const MAX_LINE: usize = 64 * 1024;

/// Streaming decoder for escaped newline-delimited messages.
#[derive(Debug, Default, Clone)]
pub struct DelimiterDecoder {
    current: Vec<u8>,
    escaped: bool,
    /// Bytes dropped from messages longer than [`MAX_LINE`].
    dropped: u64,
    /// Messages that were cut at [`MAX_LINE`].
    cut: u64,
    /// The current message is already over the limit.
    over: bool,
}

impl DelimiterDecoder {
    /// Feed one recv() result; get every message it completed. Plain runs of
    /// bytes are found with `memchr` and copied at once.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut rest = chunk;
        while !rest.is_empty() {
            if self.escaped {
                self.escaped = false;
                let b = rest[0];
                self.keep(&[if b == b'n' { b'\n' } else { b }]);
                rest = &rest[1..];
                continue;
            }
            match memchr::memchr2(b'\\', b'\n', rest) {
                None => {
                    self.keep(rest);
                    break;
                }
                Some(at) => {
                    self.keep(&rest[..at]);
                    if rest[at] == b'\n' {
                        out.push(std::mem::take(&mut self.current));
                        if std::mem::take(&mut self.over) {
                            self.cut += 1;
                        }
                    } else {
                        self.escaped = true;
                    }
                    rest = &rest[at + 1..];
                }
            }
        }
        out
    }

    fn keep(&mut self, bytes: &[u8]) {
        let room = MAX_LINE.saturating_sub(self.current.len());
        let (kept, lost) = bytes.split_at(bytes.len().min(room));
        self.current.extend_from_slice(kept);
        if !lost.is_empty() {
            self.over = true;
            self.dropped = self.dropped.saturating_add(lost.len() as u64);
        }
    }

    /// Bytes dropped so far from over-long messages.
    pub fn dropped_bytes(&self) -> u64 {
        self.dropped
    }

    /// Messages delivered cut at [`MAX_LINE`].
    pub fn cut_messages(&self) -> u64 {
        self.cut
    }

    /// Bytes of the unfinished message held now (at most [`MAX_LINE`]).
    pub fn pending(&self) -> usize {
        self.current.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chunked(stream: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
        points.push(0);
        points.push(stream.len());
        points.sort_unstable();
        points
            .windows(2)
            .map(|w| stream[w[0]..w[1]].to_vec())
            .collect()
    }

    proptest! {
        #[test]
        fn length_prefix_survives_any_chunking(
            msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..50), 0..20),
            cuts in proptest::collection::vec(any::<usize>(), 0..30),
        ) {
            let stream: Vec<u8> = msgs.iter().flat_map(|m| encode_length_prefixed(m)).collect();
            let mut decoder = LengthPrefixDecoder::default();
            let mut got = Vec::new();
            for chunk in chunked(&stream, &cuts) {
                got.extend(decoder.push(&chunk).unwrap());
            }
            prop_assert_eq!(got, msgs);
            prop_assert_eq!(decoder.pending(), 0);
        }

        #[test]
        fn delimiter_with_escaping_survives_any_chunking(
            msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..50), 0..20),
            cuts in proptest::collection::vec(any::<usize>(), 0..30),
        ) {
            let stream: Vec<u8> = msgs.iter().flat_map(|m| encode_delimited(m)).collect();
            let mut decoder = DelimiterDecoder::default();
            let mut got = Vec::new();
            for chunk in chunked(&stream, &cuts) {
                got.extend(decoder.push(&chunk));
            }
            prop_assert_eq!(got, msgs);
        }
    }

    #[test]
    fn length_prefix_is_big_endian() {
        assert_eq!(encode_length_prefixed(b"hi"), vec![0, 0, 0, 2, b'h', b'i']);
    }

    #[test]
    fn huge_length_prefix_is_refused() {
        let mut d = LengthPrefixDecoder::default();
        assert!(d.push(&[0xff, 0xff, 0xff, 0xff]).is_err());
    }

    #[test]
    fn a_peer_that_never_sends_a_newline_cannot_grow_the_decoder() {
        let mut d = DelimiterDecoder::default();
        let flood = vec![b'x'; 1 << 20];
        for _ in 0..8 {
            assert!(d.push(&flood).is_empty());
            assert!(d.pending() <= MAX_LINE);
        }
        assert_eq!(d.dropped_bytes(), 8 * (1 << 20) - MAX_LINE as u64);
        let got = d.push(b"\nnext\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].len(), MAX_LINE, "the long one is cut");
        assert_eq!(got[1], b"next", "the next message is whole");
        assert_eq!(d.cut_messages(), 1);
    }

    #[test]
    fn escaping_keeps_newlines_and_backslashes() {
        assert_eq!(encode_delimited(b"a\nb\\c"), b"a\\nb\\\\c\n".to_vec());
    }
}
