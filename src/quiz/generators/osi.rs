//! Layers: which layer a protocol or device lives at, layer names and order,
//! and the name of the unit (PDU) at each layer.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::{Generator, Tier, link, pick, shuffled_choice, shuffled_order, text};
use crate::i18n::Text;
use crate::lesson::{PanelId, Question, QuestionKind, Topic};

pub const GENERATORS: &[Generator] = &[
    Generator {
        id: "gen.osi.protocol-layer",
        topic: Topic::Osi,
        tier: Tier::Basic,
        make: protocol_layer,
    },
    Generator {
        id: "gen.osi.layer-name",
        topic: Topic::Osi,
        tier: Tier::Basic,
        make: layer_name,
    },
    Generator {
        id: "gen.osi.layer-order",
        topic: Topic::Osi,
        tier: Tier::Core,
        make: layer_order,
    },
    Generator {
        id: "gen.osi.pdu",
        topic: Topic::Osi,
        tier: Tier::Core,
        make: pdu,
    },
];

/// The seven OSI layers, index 0 = layer 1.
pub const LAYERS: [(&str, &str); 7] = [
    ("Physical", "物理层"),
    ("Data link", "数据链路层"),
    ("Network", "网络层"),
    ("Transport", "传输层"),
    ("Session", "会话层"),
    ("Presentation", "表示层"),
    ("Application", "应用层"),
];

/// "3 Network" / "3 网络层".
pub fn layer_text(n: u8) -> Text {
    let (en, zh) = LAYERS[usize::from(n.clamp(1, 7) - 1)];
    Text::new(format!("{n} {en}"), format!("{n} {zh}"))
}

/// A protocol or device, its OSI layer, and why.
pub struct Placement {
    pub name: &'static str,
    pub layer: u8,
    /// Layers a defensible reading also gives (never offered as wrong options):
    /// IEEE 802.3 defines Ethernet's physical layer too; layer-3 switches exist.
    pub also: &'static [u8],
    pub why_en: &'static str,
    pub why_zh: &'static str,
}

/// Where things live. ARP is placed at layer 2: it travels directly in
/// Ethernet frames (EtherType 0x0806), never inside IP.
pub const PLACEMENTS: &[Placement] = &[
    Placement {
        name: "HTTP",
        layer: 7,
        also: &[],
        why_en: "HTTP is what web programs speak to each other: an application protocol.",
        why_zh: "HTTP 是网页程序之间说的“话”，属于应用层协议。",
    },
    Placement {
        name: "DNS",
        layer: 7,
        also: &[],
        why_en: "DNS turns names into addresses for programs; it is an application protocol carried by UDP (or TCP) on port 53.",
        why_zh: "DNS 为程序把域名解析成地址，是应用层协议，由 UDP（或 TCP）的 53 端口承载。",
    },
    Placement {
        name: "SSH",
        layer: 7,
        also: &[],
        why_en: "SSH is a remote-login application protocol running over TCP port 22.",
        why_zh: "SSH 是远程登录的应用层协议，运行在 TCP 22 端口上。",
    },
    Placement {
        name: "SMTP",
        layer: 7,
        also: &[],
        why_en: "SMTP carries mail between mail programs: an application protocol over TCP.",
        why_zh: "SMTP 在邮件程序之间传送邮件，是基于 TCP 的应用层协议。",
    },
    Placement {
        name: "FTP",
        layer: 7,
        also: &[],
        why_en: "FTP transfers files between programs: an application protocol over TCP.",
        why_zh: "FTP 在程序之间传文件，是基于 TCP 的应用层协议。",
    },
    Placement {
        name: "TCP",
        layer: 4,
        also: &[],
        why_en: "TCP connects program to program with ports, reliability and ordering: the transport layer.",
        why_zh: "TCP 用端口把程序和程序连起来，提供可靠、有序的传输：传输层。",
    },
    Placement {
        name: "UDP",
        layer: 4,
        also: &[],
        why_en: "UDP carries datagrams from port to port: the transport layer, next to TCP.",
        why_zh: "UDP 在端口之间传送数据报：和 TCP 一样属于传输层。",
    },
    Placement {
        name: "IP",
        layer: 3,
        also: &[],
        why_en: "IP addresses machines and routes packets between networks: the network layer.",
        why_zh: "IP 给机器编址，并在网络之间路由分组：网络层。",
    },
    Placement {
        name: "ICMP",
        layer: 3,
        also: &[],
        why_en: "ICMP (ping, 'destination unreachable') is IP's own control protocol, carried inside IP: the network layer.",
        why_zh: "ICMP（ping、“目标不可达”）是 IP 自己的控制协议，装在 IP 里面：网络层。",
    },
    Placement {
        name: "Ethernet",
        layer: 2,
        also: &[1],
        why_en: "Ethernet frames carry data one hop across the local network using MAC addresses: the data link layer. (IEEE 802.3 also specifies Ethernet's cables and signals, layer 1, so layer 1 is not offered as a wrong answer.)",
        why_zh: "以太网帧用 MAC 地址在本地网络中传送一跳：数据链路层。（IEEE 802.3 也规定了以太网的线缆和信号，即第 1 层，所以第 1 层不作为错误选项出现。）",
    },
    Placement {
        name: "ARP",
        layer: 2,
        also: &[],
        why_en: "ARP resolves an IPv4 address to a MAC address with its own EtherType (0x0806), beside IP and never inside it; its message names the link's hardware type, and routers never forward it. That is why it is placed at the link layer (sometimes called 'layer 2.5'), not the network layer as some notes say.",
        why_zh: "ARP 把 IPv4 地址解析成 MAC 地址，有自己的以太类型（0x0806），与 IP 并列而从不装在 IP 里；它的报文写明链路的硬件类型，路由器也从不转发它。所以它通常归在链路层（有时称“2.5 层”），而不是有些讲义所说的网络层。",
    },
    Placement {
        name: "a switch",
        layer: 2,
        also: &[3],
        why_en: "A switch learns which MAC address is on which port and forwards frames: a layer 2 device. (Layer-3 switches also route by IP address, so layer 3 is not offered as a wrong answer.)",
        why_zh: "交换机学习每个 MAC 地址在哪个端口，并转发帧：二层设备。（三层交换机还能按 IP 地址路由，所以第 3 层不作为错误选项出现。）",
    },
    Placement {
        name: "a router",
        layer: 3,
        also: &[],
        why_en: "A router forwards packets between networks by IP address: a layer 3 device.",
        why_zh: "路由器按 IP 地址在网络之间转发分组：三层设备。",
    },
    Placement {
        name: "a hub",
        layer: 1,
        also: &[],
        why_en: "A hub repeats bits out of every port without looking at addresses: a layer 1 device.",
        why_zh: "集线器不看地址，只把比特从所有端口重复发出去：一层设备。",
    },
];

fn layer_link(layer: u8) -> Option<crate::lesson::PanelLink> {
    link(PanelId::Osi, format!("layer={layer}"))
}

fn protocol_layer(rng: &mut ChaCha8Rng) -> Question {
    let p = pick(rng, PLACEMENTS);
    let others: Vec<Text> = (1..=7u8)
        .filter(|l| *l != p.layer && !p.also.contains(l))
        .map(layer_text)
        .collect();
    let protocol_like = !p.name.starts_with("a ");
    let (en, zh) = if protocol_like {
        (
            format!("At which OSI layer does {} live?", p.name),
            format!("{} 属于 OSI 的哪一层？", p.name),
        )
    } else {
        let zh_name = match p.name {
            "a switch" => "交换机",
            "a router" => "路由器",
            _ => "集线器",
        };
        (
            format!("At which OSI layer does {} work?", p.name),
            format!("{zh_name}工作在 OSI 的哪一层？"),
        )
    };
    let concepts = if p.name == "ARP" {
        vec!["osi.protocols".into(), "lan.arp".into()]
    } else {
        vec!["osi.protocols".into()]
    };
    Question {
        id: "gen.osi.protocol-layer".into(),
        topic: Topic::Osi,
        concepts,
        prompt: text(en, zh),
        kind: shuffled_choice(rng, layer_text(p.layer), &others, 4),
        explanation: text(p.why_en, p.why_zh),
        panel: layer_link(p.layer),
    }
}

fn layer_name(rng: &mut ChaCha8Rng) -> Question {
    let n: u8 = rng.random_range(1..=7);
    let others: Vec<Text> = (1..=7u8)
        .filter(|l| *l != n)
        .map(|l| {
            let (en, zh) = LAYERS[usize::from(l - 1)];
            Text::new(en, zh)
        })
        .collect();
    let (en, zh) = LAYERS[usize::from(n - 1)];
    Question {
        id: "gen.osi.layer-name".into(),
        topic: Topic::Osi,
        concepts: vec!["osi.layers".into()],
        prompt: text(
            format!("What is OSI layer {n} called?"),
            format!("OSI 第 {n} 层叫什么？"),
        ),
        kind: shuffled_choice(rng, Text::new(en, zh), &others, 4),
        explanation: text(
            "Bottom up: 1 Physical, 2 Data link, 3 Network, 4 Transport, 5 Session, 6 Presentation, 7 Application (Please Do Not Throw Sausage Pizza Away).",
            "从下往上：1 物理层、2 数据链路层、3 网络层、4 传输层、5 会话层、6 表示层、7 应用层（物数网传会表应）。",
        ),
        panel: layer_link(n),
    }
}

fn layer_order(rng: &mut ChaCha8Rng) -> Question {
    let mut layers: Vec<u8> = (1..=7).collect();
    layers.shuffle(rng);
    layers.truncate(4);
    layers.sort_unstable();
    let items: Vec<Text> = layers
        .iter()
        .map(|l| {
            let (en, zh) = LAYERS[usize::from(l - 1)];
            Text::new(en, zh)
        })
        .collect();
    let shown = shuffled_order(rng, items.len());
    Question {
        id: "gen.osi.layer-order".into(),
        topic: Topic::Osi,
        concepts: vec!["osi.layers".into()],
        prompt: text(
            "Put these OSI layers in order, from the bottom (closest to the wire) up.",
            "把这些 OSI 层按从下（最靠近线缆）到上的顺序排好。",
        ),
        kind: QuestionKind::Order { items, shown },
        explanation: text(
            "Bottom up: 1 Physical, 2 Data link, 3 Network, 4 Transport, 5 Session, 6 Presentation, 7 Application.",
            "从下往上：1 物理层、2 数据链路层、3 网络层、4 传输层、5 会话层、6 表示层、7 应用层。",
        ),
        panel: layer_link(1),
    }
}

/// The PDU names: data, segment, datagram, packet, frame, bits.
pub const PDUS: [(&str, &str); 6] = [
    ("data", "数据"),
    ("segment", "报文段"),
    ("datagram", "数据报"),
    ("packet", "分组"),
    ("frame", "帧"),
    ("bits", "比特"),
];

fn pdu(rng: &mut ChaCha8Rng) -> Question {
    // (question en, question zh, PDU index, PDUs also right by another convention:
    // RFC 791 calls the IP packet an "internet datagram")
    const CASES: [(&str, &str, usize, &[usize]); 6] = [
        ("the application layer", "应用层", 0, &[]),
        (
            "the transport layer, when the protocol is TCP",
            "传输层（协议是 TCP 时）",
            1,
            &[],
        ),
        (
            "the transport layer, when the protocol is UDP",
            "传输层（协议是 UDP 时）",
            2,
            &[],
        ),
        ("the network layer (IP)", "网络层（IP）", 3, &[2]),
        (
            "the data link layer (Ethernet)",
            "数据链路层（以太网）",
            4,
            &[],
        ),
        ("the physical layer", "物理层", 5, &[]),
    ];
    let (where_en, where_zh, right, also) = *pick(rng, &CASES);
    let all: Vec<Text> = PDUS
        .iter()
        .enumerate()
        .filter(|(i, _)| !also.contains(i))
        .map(|(_, (en, zh))| Text::new(*en, *zh))
        .collect();
    let (en, zh) = PDUS[right];
    Question {
        id: "gen.osi.pdu".into(),
        topic: Topic::Osi,
        concepts: vec!["osi.pdu".into()],
        prompt: text(
            format!("What is the unit of data called at {where_en}?"),
            format!("在{where_zh}，数据单元叫什么？"),
        ),
        kind: shuffled_choice(rng, Text::new(en, zh), &all, 4),
        explanation: text(
            "Top down: data (application) → segment (TCP) or datagram (UDP) → packet (IP; RFC 791 says \"internet datagram\") → frame (Ethernet) → bits on the wire.",
            "从上往下：数据（应用层）→ 报文段（TCP）或数据报（UDP）→ 分组（IP；RFC 791 称之为 IP 数据报）→ 帧（以太网）→ 线路上的比特。",
        ),
        panel: link(PanelId::Osi, "encap message=hello proto=tcp ip=v4"),
    }
}
