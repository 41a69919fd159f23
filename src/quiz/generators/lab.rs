//! Predicting a lab's outcome: sticky (merged) vs one-per-send vs lost vs
//! truncated vs split, from the lab's own parameters. The rules are the facts
//! the labs demonstrate on loopback: TCP is a byte stream, UDP keeps datagram
//! boundaries, a too-small UDP buffer truncates, an overrun UDP socket drops.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Generator, Tier, link, shuffled_choice, text};
use crate::i18n::Text;
use crate::lesson::{PanelId, Question, QuestionKind, Topic};

pub const GENERATORS: &[Generator] = &[
    Generator {
        id: "gen.lab.outcome",
        topic: Topic::Lab,
        tier: Tier::Stretch,
        make: outcome,
    },
    Generator {
        id: "gen.lab.nodelay",
        topic: Topic::Lab,
        tier: Tier::Stretch,
        make: nodelay,
    },
];

/// What the receiver sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Fewer recvs than sends: messages run together (sticky packets).
    Merged,
    /// One recv per send: each message whole and separate.
    OnePerSend,
    /// Some messages never arrive.
    Lost,
    /// recv returns the first part of a datagram; the rest is dropped.
    Truncated,
    /// One send arrives over several recvs.
    Split,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Merged,
        Outcome::OnePerSend,
        Outcome::Lost,
        Outcome::Truncated,
        Outcome::Split,
    ];

    pub fn text(self) -> Text {
        match self {
            Outcome::Merged => Text::new(
                "fewer recvs than sends: the messages run together (sticky packets)",
                "recv 次数少于 send 次数：消息粘在一起（黏包）",
            ),
            Outcome::OnePerSend => Text::new(
                "one recv per send: every message arrives whole and separate",
                "每次 send 对应一次 recv：每条消息完整、分开到达",
            ),
            Outcome::Lost => Text::new(
                "some messages never arrive (lost)",
                "有些消息根本没有到达（丢包）",
            ),
            Outcome::Truncated => Text::new(
                "recv returns only the first part; the rest of the message is dropped",
                "recv 只返回前面一部分，消息的其余部分被丢弃（截断）",
            ),
            Outcome::Split => Text::new(
                "the one send arrives over several recvs",
                "这一次 send 要分好几次 recv 才能收完",
            ),
        }
    }
}

/// A lab run, as its parameters describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabCase {
    /// TCP: `count` small sends back to back; the reader waits `delay_ms`,
    /// then reads with a `recv_size` buffer.
    Sticky {
        count: u32,
        delay_ms: u32,
        recv_size: u32,
        nodelay: bool,
    },
    /// UDP: the same, with datagrams.
    UdpBoundaries {
        count: u32,
        delay_ms: u32,
        recv_size: u32,
    },
    /// UDP: one datagram of `size` bytes into a `recv_size` buffer.
    UdpTruncate { size: u32, recv_size: u32 },
    /// UDP: `count` datagrams of `size` bytes as fast as possible into a
    /// receive buffer of `rcvbuf` bytes that is read slowly.
    UdpLoss { count: u32, size: u32, rcvbuf: u32 },
    /// TCP: one send of `size` bytes, read with `recv_size` buffers.
    Split { size: u32, recv_size: u32 },
}

/// The message "hello" the sticky and boundaries labs send.
const MESSAGE_LEN: u32 = 5;

/// What the receiver sees, by the rules of TCP and UDP.
pub fn predict(case: &LabCase) -> Outcome {
    match *case {
        // A byte stream: everything sent while the reader slept is one run of
        // bytes; a recv takes as much as fits. TCP_NODELAY changes nothing.
        LabCase::Sticky {
            count,
            delay_ms,
            recv_size,
            ..
        } => {
            if count > 1 && delay_ms > 0 && recv_size >= 2 * MESSAGE_LEN {
                Outcome::Merged
            } else {
                Outcome::OnePerSend
            }
        }
        LabCase::UdpBoundaries { recv_size, .. } => {
            if recv_size < MESSAGE_LEN {
                Outcome::Truncated
            } else {
                Outcome::OnePerSend
            }
        }
        LabCase::UdpTruncate { size, recv_size } => {
            if size > recv_size {
                Outcome::Truncated
            } else {
                Outcome::OnePerSend
            }
        }
        // More bytes in flight than the buffer holds, with nobody reading fast
        // enough: the kernel drops datagrams (no flow control in UDP).
        LabCase::UdpLoss {
            count,
            size,
            rcvbuf,
        } => {
            if u64::from(count) * u64::from(size) > 4 * u64::from(rcvbuf) {
                Outcome::Lost
            } else {
                Outcome::OnePerSend
            }
        }
        LabCase::Split { size, recv_size } => {
            if size > recv_size {
                Outcome::Split
            } else {
                Outcome::OnePerSend
            }
        }
    }
}

/// The case told in words, the lab's panel argument, and the concepts.
fn describe(case: &LabCase) -> (Text, String, Vec<String>) {
    match *case {
        LabCase::Sticky {
            count,
            delay_ms,
            recv_size,
            nodelay,
        } => (
            text(
                format!(
                    "A TCP client calls send(b\"hello\") {count} times back to back{}. The server sleeps {delay_ms} ms, then calls recv({recv_size}) until all bytes are in. What does the server see?",
                    if nodelay { " with TCP_NODELAY set" } else { "" }
                ),
                format!(
                    "TCP 客户端{}连续调用 {count} 次 send(b\"hello\")。服务器先睡 {delay_ms} 毫秒，再反复调用 recv({recv_size}) 直到收完。服务器看到的是什么？",
                    if nodelay {
                        "设置了 TCP_NODELAY 后"
                    } else {
                        ""
                    }
                ),
            ),
            format!(
                "lab=sticky count={count} delay={delay_ms} recv-size={recv_size} nodelay={nodelay}"
            ),
            vec!["tcp.sticky".into(), "sock.send-recv".into()],
        ),
        LabCase::UdpBoundaries {
            count,
            delay_ms,
            recv_size,
        } => (
            text(
                format!(
                    "A UDP client calls sendto(b\"hello\") {count} times back to back. The server sleeps {delay_ms} ms, then calls recvfrom({recv_size}) {count} times. What does the server see?"
                ),
                format!(
                    "UDP 客户端连续调用 {count} 次 sendto(b\"hello\")。服务器先睡 {delay_ms} 毫秒，再调用 {count} 次 recvfrom({recv_size})。服务器看到的是什么？"
                ),
            ),
            format!("lab=udp-boundaries count={count} delay={delay_ms} recv-size={recv_size}"),
            vec!["udp.boundaries".into(), "sock.send-recv".into()],
        ),
        LabCase::UdpTruncate { size, recv_size } => (
            text(
                format!(
                    "On Linux, a UDP client sends one {size}-byte datagram; the server calls recvfrom({recv_size}). What does the server get?"
                ),
                format!(
                    "在 Linux 上，UDP 客户端发送一个 {size} 字节的数据报；服务器调用 recvfrom({recv_size})。服务器收到什么？"
                ),
            ),
            format!("lab=udp-truncate size={size} recv-size={recv_size}"),
            vec!["udp.truncation".into()],
        ),
        LabCase::UdpLoss {
            count,
            size,
            rcvbuf,
        } => (
            text(
                format!(
                    "On loopback, a UDP client sends {count} datagrams of {size} bytes, faster than the server reads them, to a server whose receive buffer is {rcvbuf} bytes. What happens?"
                ),
                format!(
                    "在环回上，UDP 客户端发送 {count} 个 {size} 字节的数据报，发得比服务器读得快，服务器的接收缓冲区只有 {rcvbuf} 字节。会发生什么？"
                ),
            ),
            format!("lab=udp-loss count={count} size={size} rcvbuf={rcvbuf}"),
            vec!["udp.loss".into()],
        ),
        LabCase::Split { size, recv_size } => (
            text(
                format!(
                    "A TCP client calls sendall() once with {size} bytes; the server calls recv({recv_size}) in a loop. What does the server see?"
                ),
                format!(
                    "TCP 客户端调用一次 sendall() 发送 {size} 字节；服务器循环调用 recv({recv_size})。服务器看到的是什么？"
                ),
            ),
            format!("lab=split size={size} recv-size={recv_size}"),
            vec!["tcp.sticky".into(), "sock.partial".into()],
        ),
    }
}

fn explain(case: &LabCase, outcome: Outcome) -> Text {
    match (case, outcome) {
        (LabCase::Sticky { nodelay: true, .. }, Outcome::Merged) => text(
            "TCP is a byte stream with no message boundaries. While the server sleeps, all the bytes pile up in its receive buffer, and one recv returns as many as fit. TCP_NODELAY only stops Nagle from delaying small writes; it does not add boundaries. Only framing (a length prefix or a delimiter) cures sticky packets.",
            "TCP 是没有消息边界的字节流。服务器睡觉时，所有字节都堆在它的接收缓冲区里，一次 recv 能装多少就返回多少。TCP_NODELAY 只是让 Nagle 算法不再推迟小的写入，并不会加上边界。只有分帧（长度前缀或分隔符）才能解决黏包。",
        ),
        (_, Outcome::Merged) => text(
            "TCP is a byte stream with no message boundaries. While the server sleeps, all the bytes pile up in its receive buffer, and one recv returns as many as fit: the sends run together (sticky packets). Framing (a length prefix) is the cure.",
            "TCP 是没有消息边界的字节流。服务器睡觉时，所有字节都堆在它的接收缓冲区里，一次 recv 能装多少就返回多少：几次 send 的内容粘在了一起（黏包）。解决办法是分帧（如长度前缀）。",
        ),
        (_, Outcome::OnePerSend) => text(
            "UDP keeps message boundaries: each sendto is one datagram, and each recvfrom returns exactly one datagram, however late the server reads. Datagrams never merge.",
            "UDP 保留消息边界：每次 sendto 是一个数据报，每次 recvfrom 恰好返回一个数据报，无论服务器读得多晚。数据报永远不会粘在一起。",
        ),
        (_, Outcome::Truncated) => text(
            "A datagram larger than the buffer given to recvfrom does not wait for a second call: Linux returns the first part (flag MSG_TRUNC) and drops the rest. Windows reports an error (WSAEMSGSIZE) instead.",
            "比 recvfrom 缓冲区大的数据报不会等第二次调用：Linux 返回前面一部分（带 MSG_TRUNC 标志），其余部分被丢弃。Windows 则报错（WSAEMSGSIZE）。",
        ),
        (_, Outcome::Lost) => text(
            "UDP has no flow control and no retransmission: when the receive buffer is full, the kernel silently drops new datagrams, even on loopback. TCP under the same pressure loses nothing: flow control slows the sender.",
            "UDP 没有流量控制，也不重传：接收缓冲区满了，内核就悄悄丢弃新来的数据报，环回上也一样。同样的压力下 TCP 一个字节都不会丢：流量控制会让发送方慢下来。",
        ),
        (_, Outcome::Split) => text(
            "One send is not one recv: the bytes travel in segments (at most the MSS each; loopback's MTU is 65536) and each recv returns what has arrived, up to its buffer size, so the big send comes out over many recvs.",
            "一次 send 不等于一次 recv：字节按报文段传送（每段最多一个 MSS；环回的 MTU 是 65536），每次 recv 只返回已到达的、不超过缓冲区大小的数据，所以这一大次 send 要分很多次 recv 才收完。",
        ),
    }
}

fn random_case(rng: &mut ChaCha8Rng) -> LabCase {
    match rng.random_range(0..5) {
        0 => LabCase::Sticky {
            count: rng.random_range(3..=20),
            delay_ms: rng.random_range(1..=10) * 100,
            recv_size: *super::pick(rng, &[1024, 4096]),
            nodelay: rng.random_bool(0.3),
        },
        1 => LabCase::UdpBoundaries {
            count: rng.random_range(3..=20),
            delay_ms: rng.random_range(1..=10) * 100,
            recv_size: 1024,
        },
        2 => {
            let recv_size = *super::pick(rng, &[256, 512, 1024]);
            LabCase::UdpTruncate {
                size: rng.random_range(2..=60) * 1000,
                recv_size,
            }
        }
        3 => LabCase::UdpLoss {
            // The lab sends at most 10,000 (every setting ends in seconds).
            count: rng.random_range(2..=10) * 1000,
            size: *super::pick(rng, &[500, 1000, 1400]),
            rcvbuf: *super::pick(rng, &[4096, 8192]),
        },
        _ => LabCase::Split {
            size: *super::pick(rng, &[262_144, 1_048_576, 4_194_304]),
            recv_size: *super::pick(rng, &[4096, 16_384, 65_536]),
        },
    }
}

/// Builds the question for `case` (public so tests can build known cases).
pub fn question_for(rng: &mut ChaCha8Rng, case: &LabCase) -> Question {
    let right = predict(case);
    let (prompt, arg, concepts) = describe(case);
    let others: Vec<Text> = Outcome::ALL.iter().map(|o| o.text()).collect();
    Question {
        id: "gen.lab.outcome".into(),
        topic: Topic::Lab,
        concepts,
        prompt,
        kind: shuffled_choice(rng, right.text(), &others, 4),
        explanation: explain(case, right),
        panel: link(PanelId::Labs, arg),
    }
}

fn outcome(rng: &mut ChaCha8Rng) -> Question {
    let case = random_case(rng);
    question_for(rng, &case)
}

fn nodelay(rng: &mut ChaCha8Rng) -> Question {
    let count: u32 = rng.random_range(5..=20);
    Question {
        id: "gen.lab.nodelay".into(),
        topic: Topic::Lab,
        concepts: vec!["tcp.sticky".into(), "tcp.framing".into()],
        prompt: text(
            format!(
                "True or false: if the client sets TCP_NODELAY, a server that sleeps before reading will get its {count} small messages in {count} separate recvs."
            ),
            format!(
                "判断：只要客户端设置了 TCP_NODELAY，先睡一会儿再读的服务器就会用 {count} 次 recv 分别收到这 {count} 条小消息。"
            ),
        ),
        kind: QuestionKind::TrueFalse { correct: false },
        explanation: explain(
            &LabCase::Sticky {
                count,
                delay_ms: 200,
                recv_size: 1024,
                nodelay: true,
            },
            Outcome::Merged,
        ),
        panel: link(
            PanelId::Labs,
            format!("lab=sticky count={count} delay=200 nodelay=true"),
        ),
    }
}
