//! `sticky` — TCP "sticky packets" (黏包): N small send() calls, a server that waits
//! before reading, and fewer recv() calls than sends. With TCP_NODELAY on as well,
//! which proves Nagle's algorithm is not the cause: TCP is a byte stream.

use crate::words::count;
use std::net::Shutdown;
use std::time::Duration;

use serde::Serialize;

use super::io::{self, preview};
use super::options::lab_params;
use super::{Cancel, LabError, LabEvent, LabOutcome, LabSink};
use crate::i18n::{Lang, tf};

lab_params! {
    /// Options of the sticky lab.
    pub struct StickyParams for Sticky {
        /// How many send() calls the client makes.
        count: u64 = "10", "count", Int { min: 1, max: 1000 }, "lab.opt.count";
        /// Each send carries `<message>-<i>`.
        message: String = "hello", "message", Text { max_len: 200 }, "lab.opt.message";
        /// How long the server waits after accept before its first recv().
        delay_ms: u64 = "200", "delay", Int { min: 0, max: 10_000 }, "lab.opt.delay";
        /// The size asked of each recv().
        recv_size: usize = "1024", "recv-size", Int { min: 1, max: 65_536 }, "lab.opt.recv-size";
        /// TCP_NODELAY on the client (Nagle off).
        nodelay: bool = "false", "nodelay", Flag, "lab.opt.nodelay";
    }
}

/// What the sticky lab observed. JSON keys as in the issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StickyReport {
    /// send() calls made by the client.
    pub sends: u64,
    /// recv() calls that returned data (the final 0-byte EOF read not counted).
    pub recvs: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// The length of every recv(), in order.
    pub reads: Vec<usize>,
    pub nodelay: bool,
}

/// Run the lab: client sends, server waits `delay`, then reads until EOF.
pub fn run(
    params: &StickyParams,
    sink: &dyn LabSink,
    cancel: &Cancel,
) -> Result<StickyReport, LabError> {
    let listener = io::tcp_listener()?;
    let addr = listener
        .local_addr()
        .map_err(|e| LabError::io("local address", e))?;
    let messages: Vec<Vec<u8>> = (0..params.count)
        .map(|i| format!("{}-{i}", params.message).into_bytes())
        .collect();

    let server = |cancel: &Cancel| -> Result<(Vec<usize>, Vec<u8>), LabError> {
        let mut stream = io::accept(&listener, cancel)?;
        // Reading late is what lets several sends pile up in the receive buffer.
        io::pause(cancel, Duration::from_millis(params.delay_ms))?;
        let mut buf = vec![0u8; params.recv_size];
        let mut reads = Vec::new();
        let mut all = Vec::new();
        loop {
            let n = io::read_some(&mut stream, &mut buf, cancel, "recv")?;
            if n == 0 {
                break;
            }
            sink.event(LabEvent::Received {
                index: reads.len() as u64,
                len: n,
                preview: preview(&buf[..n], 64),
            });
            reads.push(n);
            all.extend_from_slice(&buf[..n]);
        }
        Ok((reads, all))
    };

    let client = |cancel: &Cancel| -> Result<u64, LabError> {
        let mut stream = io::connect(addr)?;
        stream
            .set_nodelay(params.nodelay)
            .map_err(|e| LabError::io("set TCP_NODELAY", e))?;
        let mut sent = 0u64;
        for (i, message) in messages.iter().enumerate() {
            cancel.check()?;
            io::write_all(&mut stream, message, cancel, "send")?;
            sink.event(LabEvent::Sent {
                index: i as u64,
                len: message.len(),
            });
            sent += message.len() as u64;
        }
        // FIN: the server's recv() returns 0 once it has read everything.
        stream
            .shutdown(Shutdown::Write)
            .map_err(|e| LabError::io("shutdown", e))?;
        Ok(sent)
    };

    let ((reads, received), bytes_sent) = io::both(cancel, server, client)?;
    let expected: Vec<u8> = messages.concat();
    if received != expected {
        return Err(LabError::Failed(
            "sticky: the bytes received differ from the bytes sent".to_string(),
        ));
    }
    Ok(StickyReport {
        sends: params.count,
        recvs: reads.len() as u64,
        bytes_sent,
        bytes_received: received.len() as u64,
        reads,
        nodelay: params.nodelay,
    })
}

impl LabOutcome for StickyReport {
    fn observed(&self) -> u64 {
        self.recvs
    }

    fn summary(&self, lang: Lang) -> Vec<String> {
        let reads: Vec<String> = self.reads.iter().map(ToString::to_string).collect();
        let mut lines = vec![
            tf(
                lang,
                "lab.sticky.result",
                &[
                    ("sends", &count(lang, self.sends, "noun.send-call")),
                    ("recvs", &count(lang, self.recvs, "noun.recv-call")),
                    ("bytes", &count(lang, self.bytes_received, "noun.byte")),
                ],
            ),
            tf(lang, "lab.reads", &[("reads", &reads.join(", "))]),
        ];
        let key = match (self.recvs < self.sends, self.nodelay) {
            (true, true) => "lab.sticky.merged-nodelay",
            (true, false) => "lab.sticky.merged",
            (false, _) => "lab.sticky.not-merged",
        };
        lines.push(crate::i18n::t(lang, key).to_string());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::LabOptions;

    #[test]
    fn one_recv_is_said_in_the_singular() {
        let report = StickyReport {
            sends: 10,
            recvs: 1,
            bytes_sent: 70,
            bytes_received: 70,
            reads: vec![70],
            nodelay: false,
        };
        let en = report.summary(Lang::En).join("\n");
        assert!(en.contains("1 recv() call "), "{en}");
        assert!(!en.contains("1 recv() calls"), "{en}");
        assert!(en.contains("10 send() calls"), "{en}");
        let zh = report.summary(Lang::Zh).join("\n");
        assert!(zh.contains("1 次 recv()"), "{zh}");
    }

    #[test]
    fn defaults_match_the_issue() {
        let p = StickyParams::default();
        assert_eq!(
            (p.count, p.recv_size, p.message.as_str()),
            (10, 1024, "hello")
        );
        assert_eq!(p.get("recv-size").as_deref(), Some("1024"));
    }

    #[test]
    fn bad_recv_size_is_named_with_its_range() {
        let mut p = StickyParams::default();
        let err = p.set("recv-size", "0").unwrap_err().to_string();
        assert!(
            err.contains("--recv-size") && err.contains("1 to 65536"),
            "{err}"
        );
    }
}
