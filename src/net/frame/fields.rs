//! The shape of a dissection: layers made of fields, each field pointing at its
//! exact bytes (and bits) in the frame, like a protocol analyzer's details pane.

use std::ops::Range;

use crate::i18n::Lang;

/// A short label in both languages, known at compile time (field and layer names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Label {
    pub const fn new(en: &'static str, zh: &'static str) -> Label {
        Label { en, zh }
    }

    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// Which protocol a layer of a frame belongs to; the UI colours bytes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    Ethernet,
    Arp,
    Ipv4,
    Ipv6,
    Tcp,
    Udp,
    /// DHCP (BOOTP) to or from UDP port 67/68.
    Dhcp,
    /// Application bytes the dissector does not interpret.
    Payload,
    /// Bytes that do not fit the structure they claim (too short, bad lengths).
    Malformed,
    /// Preamble and start frame delimiter: only on the cable, never in a capture.
    Physical,
}

impl LayerKind {
    /// The protocol's name as a protocol analyzer shows it.
    pub fn label(self) -> Label {
        match self {
            LayerKind::Ethernet => Label::new("Ethernet II", "以太网 II"),
            LayerKind::Arp => Label::new("Address Resolution Protocol", "地址解析协议 ARP"),
            LayerKind::Ipv4 => Label::new("Internet Protocol Version 4", "网际协议第 4 版 IPv4"),
            LayerKind::Ipv6 => Label::new("Internet Protocol Version 6", "网际协议第 6 版 IPv6"),
            LayerKind::Tcp => Label::new("Transmission Control Protocol", "传输控制协议 TCP"),
            LayerKind::Udp => Label::new("User Datagram Protocol", "用户数据报协议 UDP"),
            LayerKind::Dhcp => Label::new(
                "Dynamic Host Configuration Protocol",
                "动态主机配置协议 DHCP",
            ),
            LayerKind::Payload => Label::new("Data", "数据"),
            LayerKind::Malformed => Label::new("Malformed/truncated", "格式错误/数据截断"),
            LayerKind::Physical => Label::new("Physical layer", "物理层"),
        }
    }

    /// The OSI layer number this protocol is taught at (ARP: 2, it rides in Ethernet).
    pub fn osi_layer(self) -> u8 {
        match self {
            LayerKind::Ethernet | LayerKind::Arp => 2,
            LayerKind::Ipv4 | LayerKind::Ipv6 => 3,
            LayerKind::Tcp | LayerKind::Udp => 4,
            LayerKind::Payload | LayerKind::Dhcp => 7,
            LayerKind::Malformed => 0,
            LayerKind::Physical => 1,
        }
    }
}

/// The verdict on a checksum (or FCS) field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumStatus {
    Correct,
    /// The stored value is wrong; `expected` is what it should be.
    Incorrect {
        expected: u32,
    },
    /// A UDP-over-IPv4 checksum of zero: the sender chose not to compute one.
    NotPresent,
    /// A TCP checksum stored as 0xffff where a full computation gives 0x0000:
    /// the same number in one's complement (−0 and +0), which every receiver
    /// accepts; Linux's software checksum writes a zero so (it is UDP's rule,
    /// RFC 768), Wireshark calls it wrong (a full computation never gives −0,
    /// RFC 1624).
    NegativeZero,
}

/// One field of a header: where it is, what it holds, what that means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// A stable id in display-filter style, e.g. `tcp.flags`, `ip.checksum`.
    pub id: &'static str,
    pub label: Label,
    /// Absolute byte offsets in the frame.
    pub bytes: Range<usize>,
    /// For sub-byte fields (flags, IHL, DSCP): the bits of `bytes` (read big-endian)
    /// that belong to this field.
    pub mask: Option<u32>,
    /// The raw value (addresses up to 128 bits fit); `None` for opaque byte runs.
    pub raw: Option<u128>,
    /// The decoded value, e.g. `0x012 (SYN, ACK)` or `0x0800 (IPv4)`.
    pub shown: String,
    pub checksum: Option<ChecksumStatus>,
    /// Sub-fields, e.g. the single flag bits inside `tcp.flags`.
    pub children: Vec<Field>,
}

impl Field {
    pub(crate) fn new(
        id: &'static str,
        label: Label,
        bytes: Range<usize>,
        raw: Option<u128>,
        shown: String,
    ) -> Field {
        Field {
            id,
            label,
            bytes,
            mask: None,
            raw,
            shown,
            checksum: None,
            children: Vec::new(),
        }
    }

    pub(crate) fn with_mask(mut self, mask: u32) -> Field {
        self.mask = Some(mask);
        self
    }

    pub(crate) fn with_children(mut self, children: Vec<Field>) -> Field {
        self.children = children;
        self
    }

    pub(crate) fn with_checksum(mut self, status: ChecksumStatus) -> Field {
        self.checksum = Some(status);
        self
    }

    /// The decoded value in `lang` (numbers and protocol names stay as they are).
    pub fn shown_in(&self, lang: Lang) -> String {
        localize_value(&self.shown, lang)
    }

    /// The line a details pane shows, e.g. `Checksum: 0x1c46 [correct]`.
    pub fn line(&self, lang: Lang) -> String {
        let mut out = format!("{}: {}", self.label.get(lang), self.shown_in(lang));
        if let Some(status) = self.checksum {
            out.push(' ');
            out.push_str(&checksum_verdict(status, self.bytes.len(), lang));
        }
        out
    }

    /// This field and all its descendants, depth first.
    pub fn walk(&self) -> Vec<&Field> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

/// English words the dissector puts into values, with their Chinese. Values are
/// built in English (like a protocol analyzer's) and translated on display.
const VALUE_WORDS_ZH: &[(&str, &str)] = &[
    (" (unknown: the question)", "（未知：正是要问的）"),
    (" (ACK flag not set: ignored)", "（ACK 标志未置位：忽略）"),
    (" (locally administered)", "（本地管理地址）"),
    (" (broadcast)", "（广播）"),
    (" (multicast)", "（组播）"),
    (" (Not ECN-Capable Transport)", "（不支持 ECN）"),
    (" (default)", "（默认）"),
    ("Don't fragment", "不分片"),
    ("More fragments", "还有分片"),
    ("8-byte header + ", "8 字节首部 + "),
    ("bytes of data", "字节数据"),
    ("byte of data", "字节数据"),
    ("multiply by", "乘以"),
    ("on the wire: clock sync", "线路上：用于时钟同步"),
    ("on the wire: the frame starts next", "线路上：接下来是帧"),
    ("request (", "请求 ("),
    ("Boot Request", "引导请求"),
    ("Boot Reply", "引导应答"),
    (" (Broadcast)", "（广播）"),
    (" (Unicast)", "（单播）"),
    ("not given", "未给出"),
    ("reply (", "应答 ("),
    (" bytes", " 字节"),
    (" byte", " 字节"),
];

/// `value` with the dissector's English words in `lang`.
pub fn localize_value(value: &str, lang: Lang) -> String {
    match lang {
        Lang::En => value.to_string(),
        Lang::Zh => match value {
            "Set" => "置位".to_string(),
            "Not set" => "未置位".to_string(),
            _ => VALUE_WORDS_ZH
                .iter()
                .fold(value.to_string(), |acc, (en, zh)| acc.replace(en, zh)),
        },
    }
}

fn checksum_verdict(status: ChecksumStatus, width_bytes: usize, lang: Lang) -> String {
    match (status, lang) {
        (ChecksumStatus::Correct, Lang::En) => "[correct]".to_string(),
        (ChecksumStatus::Correct, Lang::Zh) => "[正确]".to_string(),
        (ChecksumStatus::Incorrect { expected }, Lang::En) => {
            format!(
                "[incorrect, should be 0x{expected:0w$x}]",
                w = width_bytes * 2
            )
        }
        (ChecksumStatus::Incorrect { expected }, Lang::Zh) => {
            format!("[错误，应为 0x{expected:0w$x}]", w = width_bytes * 2)
        }
        (ChecksumStatus::NotPresent, Lang::En) => "[not computed by the sender]".to_string(),
        (ChecksumStatus::NotPresent, Lang::Zh) => "[发送方未计算]".to_string(),
        (ChecksumStatus::NegativeZero, Lang::En) => {
            "[correct: 0xffff is −0, the same as 0x0000 in one's complement; Wireshark expects 0x0000]"
                .to_string()
        }
        (ChecksumStatus::NegativeZero, Lang::Zh) => {
            "[正确：0xffff 是反码的 −0，与 0x0000 相等；Wireshark 期望 0x0000]".to_string()
        }
    }
}

/// One protocol layer of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub kind: LayerKind,
    /// Absolute byte offsets of this layer's header (and, for Data, its bytes).
    pub bytes: Range<usize>,
    /// Language-neutral details after the protocol name, e.g. `Src: 192.168.1.10, Dst: …`.
    pub summary: String,
    pub fields: Vec<Field>,
}

impl Layer {
    /// The layer's title line, e.g. `Internet Protocol Version 4, Src: …, Dst: …`.
    pub fn title(&self, lang: Lang) -> String {
        if self.summary.is_empty() {
            return self.kind.label().get(lang).to_string();
        }
        let summary = match lang {
            Lang::En => self.summary.clone(),
            Lang::Zh => localize_summary(&self.summary),
        };
        format!("{}, {summary}", self.kind.label().get(lang))
    }

    /// The first field (at any depth) with this id.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields
            .iter()
            .flat_map(|f| f.walk())
            .find(|f| f.id == id)
    }
}

/// ARP's question and answer, and byte counts, in Chinese.
fn localize_summary(summary: &str) -> String {
    if let Some(rest) = summary.strip_prefix("Who has ")
        && let Some((target, sender)) = rest.split_once("? Tell ")
    {
        return format!("谁是 {target}？请告诉 {sender}");
    }
    if let Some((ip, mac)) = summary.split_once(" is at ") {
        return format!("{ip} 的 MAC 是 {mac}");
    }
    localize_value(summary, Lang::Zh)
}

/// A whole frame taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dissection {
    pub layers: Vec<Layer>,
    /// Length of the dissected bytes.
    pub len: usize,
}

impl Dissection {
    pub fn layer(&self, kind: LayerKind) -> Option<&Layer> {
        self.layers.iter().find(|l| l.kind == kind)
    }

    /// The first field with this id in any layer.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.layers.iter().find_map(|l| l.field(id))
    }

    /// Whether some part of the frame could not be dissected.
    pub fn is_malformed(&self) -> bool {
        self.layers.iter().any(|l| l.kind == LayerKind::Malformed)
    }

    /// Every checksum field whose stored value is wrong.
    pub fn bad_checksums(&self) -> Vec<&Field> {
        self.layers
            .iter()
            .flat_map(|l| l.fields.iter().flat_map(|f| f.walk()))
            .filter(|f| matches!(f.checksum, Some(ChecksumStatus::Incorrect { .. })))
            .collect()
    }

    /// The layer that owns byte `offset`: its header, or one of its fields
    /// (Ethernet padding and FCS sit after the payload).
    pub fn layer_at(&self, offset: usize) -> Option<&Layer> {
        self.layers
            .iter()
            .find(|l| l.bytes.contains(&offset))
            .or_else(|| {
                self.layers
                    .iter()
                    .find(|l| l.fields.iter().any(|f| f.bytes.contains(&offset)))
            })
    }

    /// The part of this dissection from byte `start` on, renumbered from 0: the
    /// view of an inner unit of data (the packet inside a frame, the segment
    /// inside a packet). Layers that begin before `start` are left out.
    pub fn from_offset(&self, start: usize) -> Dissection {
        fn shift(f: &Field, start: usize) -> Field {
            let mut f = f.clone();
            f.bytes = f.bytes.start.saturating_sub(start)..f.bytes.end.saturating_sub(start);
            f.children = f.children.iter().map(|c| shift(c, start)).collect();
            f
        }
        Dissection {
            layers: self
                .layers
                .iter()
                .filter(|l| l.bytes.start >= start)
                .map(|l| Layer {
                    kind: l.kind,
                    bytes: l.bytes.start - start..l.bytes.end.saturating_sub(start),
                    summary: l.summary.clone(),
                    fields: l
                        .fields
                        .iter()
                        .filter(|f| f.bytes.start >= start)
                        .map(|f| shift(f, start))
                        .collect(),
                })
                .collect(),
            len: self.len.saturating_sub(start),
        }
    }

    /// This dissection moved `by` bytes later (for bytes sent before the frame).
    pub fn shifted_later(&self, by: usize) -> Dissection {
        fn shift(f: &Field, by: usize) -> Field {
            let mut f = f.clone();
            f.bytes = f.bytes.start + by..f.bytes.end + by;
            f.children = f.children.iter().map(|c| shift(c, by)).collect();
            f
        }
        Dissection {
            layers: self
                .layers
                .iter()
                .map(|l| Layer {
                    kind: l.kind,
                    bytes: l.bytes.start + by..l.bytes.end + by,
                    summary: l.summary.clone(),
                    fields: l.fields.iter().map(|f| shift(f, by)).collect(),
                })
                .collect(),
            len: self.len + by,
        }
    }
}
