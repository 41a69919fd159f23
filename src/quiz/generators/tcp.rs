//! TCP questions, answered by the RFC 9293 state machine (`net::tcp`): the next
//! state after an event, and the next segment of a handshake or teardown.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::{Generator, Tier, link, pick, shuffled_choice, text};
use crate::i18n::Text;
use crate::lesson::{PanelId, Question, Topic};
use crate::net::tcp::{SegmentKind, TcpEvent, TcpState};

pub const GENERATORS: &[Generator] = &[
    Generator {
        id: "gen.tcp.next-state",
        topic: Topic::Tcp,
        tier: Tier::Core,
        make: next_state,
    },
    Generator {
        id: "gen.tcp.next-segment",
        topic: Topic::Tcp,
        tier: Tier::Stretch,
        make: next_segment,
    },
];

/// The event in words (English, Chinese).
fn event_text(event: TcpEvent) -> (&'static str, &'static str) {
    match event {
        TcpEvent::PassiveOpen => ("the application calls listen()", "应用程序调用 listen()"),
        TcpEvent::ActiveOpen => ("the application calls connect()", "应用程序调用 connect()"),
        TcpEvent::Send => ("the application calls send()", "应用程序调用 send()"),
        TcpEvent::Close => ("the application calls close()", "应用程序调用 close()"),
        TcpEvent::ShutdownWrite => (
            "the application calls shutdown(SHUT_WR)",
            "应用程序调用 shutdown(SHUT_WR)",
        ),
        TcpEvent::RcvSyn => ("a SYN arrives", "收到一个 SYN"),
        TcpEvent::RcvSynAck => (
            "a SYN-ACK acknowledging its SYN arrives",
            "收到确认自己 SYN 的 SYN-ACK",
        ),
        TcpEvent::RcvAck => ("an ACK of what it sent arrives", "收到对自己所发内容的 ACK"),
        TcpEvent::RcvData => ("a segment with data arrives", "收到一个带数据的报文段"),
        TcpEvent::RcvFin => ("a FIN arrives from the peer", "收到对端的 FIN"),
        TcpEvent::RcvFinAck => (
            "a FIN arrives that also acknowledges its own FIN",
            "收到一个 FIN，它同时确认了自己的 FIN",
        ),
        TcpEvent::RcvRst => ("a RST arrives", "收到一个 RST"),
        TcpEvent::RetransmissionTimeout => ("the retransmission timer expires", "重传计时器超时"),
        TcpEvent::TimeWaitTimeout => ("the 2 MSL timer expires", "2 MSL 计时器到期"),
    }
}

/// The transitions worth asking about: the handshake, the teardown from both
/// sides, simultaneous open and close, resets.
pub const CASES: &[(TcpState, TcpEvent)] = &[
    (TcpState::Closed, TcpEvent::PassiveOpen),
    (TcpState::Closed, TcpEvent::ActiveOpen),
    (TcpState::Listen, TcpEvent::RcvSyn),
    (TcpState::SynSent, TcpEvent::RcvSynAck),
    (TcpState::SynSent, TcpEvent::RcvSyn),
    (TcpState::SynSent, TcpEvent::RcvRst),
    (TcpState::SynReceived, TcpEvent::RcvAck),
    (TcpState::Established, TcpEvent::Close),
    (TcpState::Established, TcpEvent::RcvFin),
    (TcpState::Established, TcpEvent::RcvRst),
    (TcpState::FinWait1, TcpEvent::RcvAck),
    (TcpState::FinWait1, TcpEvent::RcvFin),
    (TcpState::FinWait1, TcpEvent::RcvFinAck),
    (TcpState::FinWait2, TcpEvent::RcvFin),
    (TcpState::CloseWait, TcpEvent::Close),
    (TcpState::Closing, TcpEvent::RcvAck),
    (TcpState::LastAck, TcpEvent::RcvAck),
    (TcpState::TimeWait, TcpEvent::TimeWaitTimeout),
];

/// A segment kind as people write it.
pub fn segment_name(kind: SegmentKind) -> &'static str {
    match kind {
        SegmentKind::Syn => "SYN",
        SegmentKind::SynAck => "SYN-ACK",
        SegmentKind::Ack => "ACK",
        SegmentKind::Data => "data",
        SegmentKind::Fin => "FIN",
        SegmentKind::Rst => "RST",
        SegmentKind::RstAck => "RST-ACK",
    }
}

fn state_text(s: TcpState) -> Text {
    Text::new(s.name(), s.name())
}

fn handshake_concept(state: TcpState) -> &'static str {
    match state {
        TcpState::Closed | TcpState::Listen | TcpState::SynSent | TcpState::SynReceived => {
            "tcp.handshake"
        }
        _ => "tcp.teardown",
    }
}

fn next_state(rng: &mut ChaCha8Rng) -> Question {
    let (state, event) = *pick(rng, CASES);
    // The cases are all edges of the diagram; an error would mean a broken table.
    let (to, send) = state.next(event).map_or((state, None), |t| (t.to, t.send));
    let others: Vec<Text> = TcpState::ALL
        .iter()
        .filter(|s| **s != to)
        .map(|s| state_text(*s))
        .collect();
    let (ev_en, ev_zh) = match (state, event) {
        // Exact: in FIN-WAIT-1 a FIN that also acknowledges our FIN leads elsewhere.
        (TcpState::FinWait1, TcpEvent::RcvFin) => (
            "a FIN arrives from the peer that does not yet acknowledge its own FIN",
            "收到对端的 FIN，它还没有确认自己发出的 FIN",
        ),
        _ => event_text(event),
    };
    // The diagram's label, in English only, where the words do not already say it.
    let label = event.label();
    let label_en = if ev_en.contains(label) {
        String::new()
    } else {
        format!(" ({label})")
    };
    // The RFC's abstract model moves the listener itself; real stacks keep it in
    // LISTEN and create a new entry for the connection.
    let (model_en, model_zh) = if (state, event) == (TcpState::Listen, TcpEvent::RcvSyn) {
        (
            " (That is the RFC's model of one connection: Linux keeps the listening socket in LISTEN and creates a new SYN-RECV entry for it.)",
            "（这是 RFC 对单条连接的模型：Linux 会让监听套接字留在 LISTEN，为这条连接另建一个 SYN-RECV 条目。）",
        )
    } else {
        ("", "")
    };
    let (send_en, send_zh) = match send {
        Some(kind) => (
            format!(", sending {}", segment_name(kind)),
            format!("，并发送 {}", segment_name(kind)),
        ),
        None => (String::new(), String::new()),
    };
    let scenario = match (state, event) {
        (TcpState::FinWait1, TcpEvent::RcvFin) => "simultaneous-close",
        (TcpState::TimeWait, _) => "time-wait",
        (TcpState::SynSent, TcpEvent::RcvRst) => "rst-closed-port",
        _ => "normal",
    };
    Question {
        id: "gen.tcp.next-state".into(),
        topic: Topic::Tcp,
        concepts: vec![handshake_concept(state).into()],
        prompt: text(
            format!(
                "In RFC 9293's state diagram, a TCP endpoint is in {state}. Then {ev_en}{label_en}. Which state does it enter?"
            ),
            format!(
                "在 RFC 9293 的状态图里，一个 TCP 端点处于 {state}。接着{ev_zh}。它进入哪个状态？"
            ),
        ),
        kind: shuffled_choice(rng, state_text(to), &others, 4),
        explanation: text(
            format!(
                "RFC 9293's state diagram: in {state}, when {ev_en}, the endpoint moves to {to}{send_en}.{model_en}"
            ),
            format!(
                "按 RFC 9293 的状态图：处于 {state} 时{ev_zh}，端点进入 {to}{send_zh}。{model_zh}"
            ),
        ),
        panel: link(PanelId::Handshake, format!("scenario={scenario}")),
    }
}

/// Who is speaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Client,
    Server,
}

impl End {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            End::Client => ("client", "客户端"),
            End::Server => ("server", "服务器"),
        }
    }

    fn other(self) -> End {
        match self {
            End::Client => End::Server,
            End::Server => End::Client,
        }
    }
}

/// "client → server: SYN".
fn segment_text(from: End, kind: SegmentKind) -> Text {
    let (f_en, f_zh) = from.names();
    let (t_en, t_zh) = from.other().names();
    Text::new(
        format!("{f_en} → {t_en}: {}", segment_name(kind)),
        format!("{f_zh} → {t_zh}：{}", segment_name(kind)),
    )
}

/// The segments of a connection's life (handshake, then teardown with
/// `closer` closing first), each produced by the state machine.
pub fn life_segments(closer_is_client: bool) -> Vec<(bool, SegmentKind)> {
    let closer = if closer_is_client {
        End::Client
    } else {
        End::Server
    };
    let script = [
        (End::Client, TcpEvent::ActiveOpen),
        (End::Server, TcpEvent::RcvSyn),
        (End::Client, TcpEvent::RcvSynAck),
        (End::Server, TcpEvent::RcvAck),
        (closer, TcpEvent::Close),
        (closer.other(), TcpEvent::RcvFin),
        (closer, TcpEvent::RcvAck),
        (closer.other(), TcpEvent::Close),
        (closer, TcpEvent::RcvFin),
        (closer.other(), TcpEvent::RcvAck),
    ];
    let mut client = TcpState::Closed;
    let mut server = TcpState::Listen;
    let mut out = Vec::new();
    for (end, event) in script {
        let state = if end == End::Client {
            &mut client
        } else {
            &mut server
        };
        if let Ok(t) = state.next(event) {
            *state = t.to;
            if let Some(kind) = t.send {
                out.push((end == End::Client, kind));
            }
        }
    }
    out
}

fn next_segment(rng: &mut ChaCha8Rng) -> Question {
    let closer_is_client = rng.random_bool(0.5);
    let life = life_segments(closer_is_client);
    let at = rng.random_range(0..life.len().max(1));
    let end_of = |client: bool| if client { End::Client } else { End::Server };
    let (right_client, right_kind) = life.get(at).copied().unwrap_or((true, SegmentKind::Syn));
    let right = segment_text(end_of(right_client), right_kind);
    // Right after one side's FIN, the other side's FIN is defensible too: if its
    // application closes at once, that FIN carries the ACK (one FIN,ACK segment).
    let fin_may_carry_ack = at > 0
        && life[at - 1].1 == SegmentKind::Fin
        && right_kind == SegmentKind::Ack
        && !life[..at]
            .iter()
            .any(|(c, k)| *c == right_client && *k == SegmentKind::Fin);
    let mut others = Vec::new();
    for end in [End::Client, End::Server] {
        for kind in [
            SegmentKind::Syn,
            SegmentKind::SynAck,
            SegmentKind::Ack,
            SegmentKind::Fin,
            SegmentKind::Rst,
        ] {
            let defensible =
                fin_may_carry_ack && end == end_of(right_client) && kind == SegmentKind::Fin;
            if !defensible {
                others.push(segment_text(end, kind));
            }
        }
    }
    others.shuffle(rng);
    let so_far: Vec<Text> = life[..at]
        .iter()
        .map(|(c, k)| segment_text(end_of(*c), *k))
        .collect();
    let closer = if closer_is_client {
        ("the client", "客户端")
    } else {
        ("the server", "服务器")
    };
    let history_en = if so_far.is_empty() {
        "Nothing has been sent yet.".to_string()
    } else {
        format!(
            "So far: {}.",
            so_far
                .iter()
                .map(|t| t.en.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    let history_zh = if so_far.is_empty() {
        "还什么都没有发送。".to_string()
    } else {
        format!(
            "目前为止：{}。",
            so_far
                .iter()
                .map(|t| t.zh.as_str())
                .collect::<Vec<_>>()
                .join("；")
        )
    };
    let concept = if at < 3 {
        "tcp.handshake"
    } else {
        "tcp.teardown"
    };
    let scenario = if closer_is_client {
        "normal"
    } else {
        "server-closes-first"
    };
    Question {
        id: "gen.tcp.next-segment".into(),
        topic: Topic::Tcp,
        concepts: vec![concept.into()],
        prompt: text(
            format!(
                "A client connects to a server; later {} closes first. {history_en} Which segment comes next?",
                closer.0
            ),
            format!(
                "客户端连接服务器；之后{}先关闭。{history_zh}下一个报文段是什么？",
                closer.1
            ),
        ),
        kind: shuffled_choice(rng, right, &others, 4),
        explanation: text(
            "Handshake: SYN, SYN-ACK, ACK. Teardown, each direction separately: the closer's FIN, its ACK, the other side's FIN (when its application closes), the last ACK; then the closer waits in TIME-WAIT. If the other side's application closes at once, its FIN can carry that ACK: one FIN,ACK segment instead of two.",
            "握手：SYN、SYN-ACK、ACK。挥手时两个方向分别关闭：先关闭方的 FIN、对它的 ACK、另一方（其应用程序关闭时）的 FIN、最后一个 ACK；然后先关闭方进入 TIME-WAIT 等待。如果另一方的应用程序马上关闭，它的 FIN 可以捎带那个 ACK：一个 FIN,ACK 报文段代替两个。",
        ),
        panel: link(PanelId::Handshake, format!("scenario={scenario}")),
    }
}
