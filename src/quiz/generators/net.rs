//! Questions from the virtual network's real outcomes (issue 16): every fact
//! a question asks about — which IP A ARPed for, the TTL that arrived at C,
//! how many fragments reached C, the next hop after a more specific route,
//! what TCP and UDP did over the lossy link, what A sent while C's window
//! was zero — is read from the JSON report of
//! an experiment that ran on this machine's kernel ([`crate::vnet`]), never
//! written down here. Without user namespaces there is no run, so there are
//! no questions: [`offer`] says why ([`Skipped`]).
//!
//! These are not in [`super::all`] (a generator there must make a question
//! from a seed alone, in microseconds); their ids are in [`IDS`], so a
//! question's instance id (see [`crate::quiz::identity`]) names the run's
//! facts, and two runs that saw the same facts ask the same question.

use std::path::Path;

use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::report::{self, Report, choice, same};
use super::{link, text};
use crate::i18n::Text;
use crate::lesson::{PanelId, Question, QuestionKind, Topic};
use crate::net::impaired::Chance;
use crate::vnet::proto::Params;
use crate::vnet::{Lab, VnetError};

pub const ARP_TARGET_SAME_LAN: &str = "gen.net.arp-target-same-lan";
pub const ARP_REQUEST_DST: &str = "gen.net.arp-request-dst";
pub const ARP_TARGET_GATEWAY: &str = "gen.net.arp-target-gateway";
pub const TTL_AT_C: &str = "gen.net.ttl-at-c";
pub const TRACEROUTE_FIRST_HOP: &str = "gen.net.traceroute-first-hop";
pub const NEXT_HOP: &str = "gen.net.next-hop";
pub const MTU_FRAGMENTS: &str = "gen.net.mtu-fragments";
pub const PMTU_SEGMENT: &str = "gen.net.pmtu-segment";
pub const TCP_DELIVERED: &str = "gen.net.tcp-delivered";
pub const TCP_RETRANSMITTED: &str = "gen.net.tcp-retransmitted";
pub const UDP_LOST: &str = "gen.net.udp-lost";
pub const ZERO_WINDOW_SENDER: &str = "gen.net.zero-window-sender";
pub const DHCP_FLOODED: &str = "gen.net.dhcp-flooded";

/// Every id a question of this module carries.
pub const IDS: &[&str] = &[
    ARP_TARGET_SAME_LAN,
    ARP_REQUEST_DST,
    ARP_TARGET_GATEWAY,
    TTL_AT_C,
    TRACEROUTE_FIRST_HOP,
    NEXT_HOP,
    MTU_FRAGMENTS,
    PMTU_SEGMENT,
    TCP_DELIVERED,
    TCP_RETRANSMITTED,
    UDP_LOST,
    ZERO_WINDOW_SENDER,
    DHCP_FLOODED,
];

/// The experiments the questions come from, in teaching order.
pub const EXPERIMENTS: &[&str] = &[
    "arp-same-lan",
    "arp-via-gateway",
    "traceroute",
    "routing",
    "mtu",
    "tcp-loss",
    "zero-window",
    "dhcp",
];

/// The loss `tcp-loss` runs at for the quiz unless told otherwise.
pub const DEFAULT_LOSS_PCT: f64 = 5.0;

/// Why no network question was offered.
#[derive(Debug, thiserror::Error)]
pub enum Skipped {
    /// This machine refuses user namespaces (and this is not root): the
    /// reason, with the remedy when one is known.
    #[error("no network questions: user namespaces are not available here ({errno}){}", remedy.as_ref().map(|r| format!("; to enable them: {r}")).unwrap_or_default())]
    NoNamespaces {
        errno: String,
        remedy: Option<String>,
    },
    /// The lab started but an experiment failed.
    #[error("no network questions: {0}")]
    Failed(String),
}

impl From<VnetError> for Skipped {
    fn from(e: VnetError) -> Skipped {
        match e {
            VnetError::NoUserNamespaces { remedy, errno } => {
                Skipped::NoNamespaces { errno, remedy }
            }
            other => Skipped::Failed(other.to_string()),
        }
    }
}

/// Runs every experiment of [`EXPERIMENTS`] in a lab started from `exe`
/// (this program when None) — `tcp-loss` at `loss_pct` % with `seed` — and
/// returns the questions their reports answer.
pub fn offer(
    rng: &mut ChaCha8Rng,
    exe: Option<&Path>,
    loss_pct: f64,
    seed: u64,
) -> Result<Vec<Question>, Skipped> {
    let loss = Chance::percent(loss_pct).map_err(|e| Skipped::Failed(e.to_string()))?;
    let mut lab = match exe {
        Some(exe) => Lab::start_from(exe)?,
        None => Lab::start()?,
    };
    let mut out = Vec::new();
    for name in EXPERIMENTS {
        let params = if *name == "tcp-loss" {
            Params {
                loss: Some(loss),
                seed: Some(seed),
                recovery: None,
            }
        } else {
            Params::default()
        };
        let outcome = lab.run_with(name, params)?;
        out.extend(from_report(rng, name, &outcome.report).map_err(Skipped::Failed)?);
    }
    let _ = lab.shutdown();
    Ok(out)
}

/// The questions one experiment's report answers; an error names the fact
/// the report lacks (a report of another shape, or a run that saw nothing).
pub fn from_report(
    rng: &mut ChaCha8Rng,
    experiment: &str,
    report: &Value,
) -> Result<Vec<Question>, String> {
    let r = Report::new(report, experiment);
    match experiment {
        "arp-same-lan" => Ok(vec![
            arp_target_same_lan(rng, &r)?,
            arp_request_dst(rng, &r)?,
        ]),
        "arp-via-gateway" => Ok(vec![arp_target_gateway(rng, &r)?, ttl_at_c(rng, &r)?]),
        "traceroute" => Ok(vec![traceroute_first_hop(rng, &r)?]),
        "routing" => Ok(vec![next_hop(rng, &r)?]),
        "mtu" => Ok(vec![mtu_fragments(rng, &r)?, pmtu_segment(rng, &r)?]),
        "tcp-loss" => Ok(vec![
            tcp_delivered(rng, &r)?,
            tcp_retransmitted(&r)?,
            udp_lost(rng, &r)?,
        ]),
        "zero-window" => Ok(vec![zero_window_sender(rng, &r)?]),
        "dhcp" => Ok(vec![dhcp_flooded(rng, &r)?]),
        other => Err(format!("no questions come from the experiment {other}")),
    }
}

/// A question of this module: of the lab topic, opening its run in the LAN
/// panel.
fn question(
    id: &str,
    concepts: &[&str],
    prompt: Text,
    kind: QuestionKind,
    explanation: Text,
    panel: Option<&str>,
) -> Question {
    let panel = panel.and_then(|arg| link(PanelId::Lan, arg));
    report::question(id, Topic::Lab, concepts, prompt, kind, explanation, panel)
}

/// A choice among IP addresses, the right one from the report.
fn ip_choice(rng: &mut ChaCha8Rng, right: &str, others: &[&str]) -> QuestionKind {
    let distractors: Vec<Text> = others.iter().map(|o| same(*o)).collect();
    choice(rng, same(right), &distractors)
}

fn arp_target_same_lan(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let from = r.str("/ping/from")?;
    let to = r.str("/ping/to")?;
    let right = r.str("/arp_request/target_ip")?;
    Ok(question(
        ARP_TARGET_SAME_LAN,
        &["lan.arp", "subnet.same-network"],
        text(
            format!(
                "In nettutor's virtual network, host A ({from}/24) pings B ({to}) on its own LAN, with an empty ARP cache. Which IP address does A's ARP request ask for?"
            ),
            format!(
                "在 nettutor 的虚拟网络里，主机 A（{from}/24）ping 同一局域网上的 B（{to}），A 的 ARP 缓存是空的。A 的 ARP 请求询问的是哪个 IP 地址？"
            ),
        ),
        ip_choice(rng, &right, &[&to, "192.168.1.1", &from, "255.255.255.255"]),
        text(
            format!(
                "The capture on A's interface shows the request asking \"who has {right}?\": B is on A's own network, so A resolves B's address itself. The kernel did this, not a script."
            ),
            format!(
                "A 接口上的抓包显示，请求问的是“谁是 {right}？”：B 就在 A 自己的网络里，所以 A 直接解析 B 的地址。这是内核做的，不是脚本。"
            ),
        ),
        Some("scenario=same-network real"),
    ))
}

fn arp_request_dst(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let dst = r.str("/arp_request/dst_mac")?;
    let b_mac = r.str("/macs/B")?;
    let broadcast = text(
        "ff:ff:ff:ff:ff:ff, the broadcast address: every host on the LAN gets it",
        "ff:ff:ff:ff:ff:ff，广播地址：局域网上的每台主机都会收到",
    );
    let to_b = text(
        "B's own MAC address: only B gets it",
        "B 自己的 MAC 地址：只有 B 会收到",
    );
    let to_router = text("the router's MAC address", "路由器的 MAC 地址");
    let zeros = text(
        "00:00:00:00:00:00, the unknown address",
        "00:00:00:00:00:00，表示“未知”的地址",
    );
    let right = if dst == "ff:ff:ff:ff:ff:ff" {
        broadcast.clone()
    } else if dst == b_mac {
        to_b.clone()
    } else {
        same(dst.clone())
    };
    let seen = r.len("/request_seen_at")?;
    Ok(question(
        ARP_REQUEST_DST,
        &["lan.arp", "lan.switch"],
        text(
            "A, with an empty ARP cache, pings B on its own LAN. To which destination MAC address does A send its ARP request?",
            "A 的 ARP 缓存是空的，它 ping 同一局域网上的 B。A 把 ARP 请求发往哪个目的 MAC 地址？",
        ),
        choice(rng, right, &[broadcast, to_b, to_router, zeros]),
        text(
            format!(
                "A does not know B's MAC yet — that is what it asks — so the request goes to {dst}; the switch floods it to every port (it was captured at {seen} points). B's reply comes back unicast to A's MAC."
            ),
            format!(
                "A 还不知道 B 的 MAC——这正是它要问的——所以请求发往 {dst}；交换机把它洪泛到每个端口（在 {seen} 个抓包点都抓到了）。B 的应答以单播方式回到 A 的 MAC。"
            ),
        ),
        Some("scenario=same-network real"),
    ))
}

fn arp_target_gateway(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let from = r.str("/ping/from")?;
    let to = r.str("/ping/to")?;
    let gateway = r.str("/gateway")?;
    let right = r.str("/a_arp_requests/0/target_ip")?;
    Ok(question(
        ARP_TARGET_GATEWAY,
        &["lan.arp", "lan.gateway"],
        text(
            format!(
                "Host A ({from}/24, default gateway {gateway}) pings C ({to}) on another network, with an empty ARP cache. Which IP address does A's ARP request ask for?"
            ),
            format!(
                "主机 A（{from}/24，默认网关 {gateway}）ping 另一个网络上的 C（{to}），A 的 ARP 缓存是空的。A 的 ARP 请求询问的是哪个 IP 地址？"
            ),
        ),
        ip_choice(
            rng,
            &right,
            &[&to, &gateway, "192.168.2.1", "255.255.255.255", &from],
        ),
        text(
            format!(
                "C is not on A's network, so A's kernel sends the packet to its gateway and needs the gateway's MAC: the captured request asks for {right}, never for {to}. ARP does not cross the router."
            ),
            format!(
                "C 不在 A 的网络里，所以 A 的内核把包交给网关，需要的是网关的 MAC：抓到的请求问的是 {right}，从来不是 {to}。ARP 不会穿过路由器。"
            ),
        ),
        Some("scenario=via-gateway real"),
    ))
}

fn ttl_at_c(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let sent = r.u64("/echo_lan1/ttl")?;
    let right = r.u64("/echo_lan2/ttl")?;
    let to = r.str("/ping/to")?;
    let distractors: Vec<Text> = [sent, sent.saturating_sub(2), 1, sent + 1]
        .iter()
        .map(|t| same(t.to_string()))
        .collect();
    Ok(question(
        TTL_AT_C,
        &["ip.ttl", "icmp.ping"],
        text(
            format!(
                "A's echo request to C ({to}) leaves A with TTL {sent} and crosses one router, R. What TTL does it carry when it arrives at C?"
            ),
            format!(
                "A 发往 C（{to}）的回显请求离开 A 时 TTL 为 {sent}，途经一台路由器 R。它到达 C 时 TTL 是多少？"
            ),
        ),
        choice(rng, same(right.to_string()), &distractors),
        text(
            format!(
                "Captured on R's LAN 1 side with TTL {sent} and at C with TTL {right}: every router decrements the TTL by one as it forwards (and recomputes the header checksum). Switches do not touch it."
            ),
            format!(
                "在 R 的局域网 1 一侧抓到时 TTL 为 {sent}，在 C 处为 {right}：每台路由器转发时把 TTL 减一（并重新计算首部校验和）。交换机不改动它。"
            ),
        ),
        Some("scenario=via-gateway real"),
    ))
}

/// How an ICMP answer reads in an option.
fn answer_text(from: &str, icmp_type: u64) -> Text {
    match icmp_type {
        11 => text(
            format!("{from}, with ICMP time exceeded"),
            format!("{from}，回 ICMP 超时（time exceeded）"),
        ),
        3 => text(
            format!("{from}, with ICMP destination (port) unreachable"),
            format!("{from}，回 ICMP 目的（端口）不可达"),
        ),
        other => text(
            format!("{from}, with ICMP type {other}"),
            format!("{from}，回 ICMP 类型 {other}"),
        ),
    }
}

fn traceroute_first_hop(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let to = r.str("/to")?;
    let first = r.str("/probes/0/answer/from")?;
    let kind = r.u64("/probes/0/answer/icmp_type")?;
    let ttl = r.u64("/probes/0/ttl")?;
    let router = r.str("/hops/0")?;
    let right = answer_text(&first, kind);
    let silent = text(
        "nobody: the probe is dropped silently",
        "没有人回答：探测包被悄悄丢弃",
    );
    let distractors = [
        answer_text(&to, 3),
        answer_text(&to, 11),
        answer_text(&router, 3),
        answer_text(&router, 11),
        silent,
    ];
    Ok(question(
        TRACEROUTE_FIRST_HOP,
        &["ip.ttl", "icmp.ping"],
        text(
            format!(
                "Traceroute from A to C ({to}): A sends a UDP probe with TTL {ttl}. Who answers, and with what?"
            ),
            format!(
                "从 A 到 C（{to}）做 traceroute：A 发出一个 TTL 为 {ttl} 的 UDP 探测包。谁回答，回的是什么？"
            ),
        ),
        choice(rng, right.clone(), &distractors),
        text(
            format!(
                "The first router decrements TTL {ttl} to 0, drops the probe and tells the sender: the captured answer came from {first} (ICMP type {kind}). The next probe, one TTL higher, gets one hop further."
            ),
            format!(
                "第一台路由器把 TTL {ttl} 减到 0，丢弃探测包并通知发送方：抓到的回答来自 {first}（ICMP 类型 {kind}）。下一个探测包的 TTL 大一，就多走一跳。"
            ),
        ),
        Some("experiment=traceroute"),
    ))
}

fn next_hop(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let dest = r.str("/destination")?;
    let before = r.str("/next_hop_before")?;
    let added = r.str("/added_route/dest")?;
    let via = r.str("/added_route/via")?;
    let right = r.str("/next_hop_after")?;
    let default = r.str("/chosen_before/dest")?;
    // Whether the echo request sent after the change left A addressed to the
    // MAC of the host that is the new next hop (B, at 192.168.1.20).
    let by_mac = r.str("/echo_dst_mac_after").ok() == r.str("/macs/B").ok()
        && r.str("/macs/B").is_ok()
        && right == via;
    let (en_mac, zh_mac) = if by_mac {
        (
            " — and the captured echo request left A addressed to that next hop's MAC",
            "——抓到的回显请求离开 A 时，目的 MAC 正是这个下一跳的 MAC",
        )
    } else {
        ("", "")
    };
    Ok(question(
        NEXT_HOP,
        &["ip.routing"],
        text(
            format!(
                "Host A reaches {dest} through its default route ({default} via {before}). Then the route {added} via {via} is added. Which next hop does A's kernel choose for {dest} now?"
            ),
            format!(
                "主机 A 通过默认路由（{default} 经 {before}）到达 {dest}。随后加上了路由 {added} 经 {via}。现在 A 的内核为 {dest} 选择哪个下一跳？"
            ),
        ),
        ip_choice(rng, &right, &[&before, &via, &dest, "192.168.2.1"]),
        text(
            format!(
                "Longest prefix match: {added} is more specific than {default}, so the kernel's route lookup answers via {right}{en_mac}."
            ),
            format!(
                "最长前缀匹配：{added} 比 {default} 更具体，所以内核查路由的结果是经 {right}{zh_mac}。"
            ),
        ),
        Some("experiment=routing"),
    ))
}

fn mtu_fragments(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let size = r.u64("/udp/sent")?;
    let mtu = r.u64("/narrow_link/mtu")?;
    let at_a = r.len("/udp/fragments_at_a")?;
    let right = r.len("/udp/fragments_at_c")?;
    let got = r.u64("/udp/received_in_one_recvfrom")?;
    let distractors: Vec<Text> = [1, at_a, right + 1, right.saturating_sub(1), right + 2]
        .iter()
        .map(|n| same(n.to_string()))
        .collect();
    Ok(question(
        MTU_FRAGMENTS,
        &["ip.fragmentation", "net.mtu"],
        text(
            format!(
                "A sends one {size}-byte UDP datagram to C. LAN 1 has MTU 1500; R's link to LAN 2 has MTU {mtu}. In how many IP fragments does it arrive at C?"
            ),
            format!(
                "A 向 C 发送一个 {size} 字节的 UDP 数据报。局域网 1 的 MTU 是 1500；R 通往局域网 2 的链路 MTU 是 {mtu}。它以多少个 IP 分片到达 C？"
            ),
        ),
        choice(rng, same(right.to_string()), &distractors),
        text(
            format!(
                "A sent it in {at_a} fragments (1500 bytes at most each); R cannot forward a 1500-byte fragment onto the {mtu}-byte link, so it splits each big one again: {right} fragments were captured at C. C's IP layer reassembled them, and one recvfrom returned {got} bytes."
            ),
            format!(
                "A 把它分成 {at_a} 个分片发出（每片最多 1500 字节）；R 无法把 1500 字节的分片转发到 MTU 为 {mtu} 的链路上，于是把每个大分片再分一次：在 C 处抓到 {right} 个分片。C 的 IP 层把它们重组，一次 recvfrom 返回了 {got} 字节。"
            ),
        ),
        Some("experiment=mtu"),
    ))
}

fn pmtu_segment(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let mtu = r.u64("/narrow_link/mtu")?;
    let before = r.u64("/tcp/largest_segment_before")?;
    let right = r.u64("/tcp/largest_segment_after")?;
    let from = r.str("/tcp/frag_needed_from")?;
    let distractors: Vec<Text> = [before, mtu, mtu.saturating_sub(4), 576, 1480]
        .iter()
        .map(|n| same(n.to_string()))
        .collect();
    Ok(question(
        PMTU_SEGMENT,
        &["net.mtu", "ip.fragmentation"],
        text(
            format!(
                "A sends a TCP stream to C with Don't Fragment set; its first segments are {before}-byte IP packets, but R's link to C has MTU {mtu}. After R's ICMP \"fragmentation needed\", how large (IP total length, bytes) are A's largest segments?"
            ),
            format!(
                "A 向 C 发送设置了“不分片”（DF）的 TCP 数据流；最初的报文段是 {before} 字节的 IP 分组，但 R 通往 C 的链路 MTU 是 {mtu}。收到 R 的 ICMP “需要分片”之后，A 最大的报文段有多大（IP 总长度，字节）？"
            ),
        ),
        choice(rng, same(right.to_string()), &distractors),
        text(
            format!(
                "With DF set R may not fragment: it drops the segment and {from} answers ICMP type 3 code 4 carrying the next hop's MTU. A's kernel records the path MTU and resends in packets of at most {right} bytes (captured). This is path MTU discovery."
            ),
            format!(
                "设置了 DF，R 不能分片：它丢弃报文段，由 {from} 回 ICMP 类型 3 代码 4，其中带着下一跳的 MTU。A 的内核记下路径 MTU，改用最多 {right} 字节的包重发（已抓到）。这就是路径 MTU 发现。"
            ),
        ),
        Some("experiment=mtu"),
    ))
}

/// "X % (seed S)" of the lossy link.
fn link_words(r: &Report) -> Result<(String, u64), String> {
    let pct = r.f64("/link/loss_pct")?;
    let seed = r.u64("/link/seed")?;
    Ok((format!("{pct}"), seed))
}

fn tcp_delivered(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let (pct, seed) = link_words(r)?;
    let sent = r.u64("/tcp/bytes_sent")?;
    let delivered = r.u64("/tcp/bytes_delivered")?;
    let in_order = r.bool("/tcp/in_order")?;
    // The data segments the link dropped (its bare ACKs are never resent,
    // so they are not what TCP resent).
    let dropped = r.u64("/tcp/dropped/data")?;
    let all = text(
        format!("all {sent} bytes, in order"),
        format!("全部 {sent} 字节，而且按顺序"),
    );
    let right = if delivered == sent && in_order {
        all.clone()
    } else {
        text(format!("{delivered} bytes"), format!("{delivered} 字节"))
    };
    let distractors = [
        all,
        text(
            "only the segments the link did not drop; the lost ones are gone",
            "只有链路没丢的报文段，丢了的就没了",
        ),
        text(
            format!("all {sent} bytes, but out of order"),
            format!("全部 {sent} 字节，但顺序是乱的"),
        ),
        text(
            "nothing: the connection is reset at the first loss",
            "什么也收不到：第一次丢包连接就被重置",
        ),
    ];
    Ok(question(
        TCP_DELIVERED,
        &["tcp.retransmission", "tcp.properties"],
        text(
            format!(
                "The link from R to C drops {pct} % of packets (seed {seed}). A sends {sent} bytes over TCP to C. What does the application on C read?"
            ),
            format!(
                "从 R 到 C 的链路丢弃 {pct}% 的包（种子 {seed}）。A 通过 TCP 向 C 发送 {sent} 字节。C 上的应用程序读到什么？"
            ),
        ),
        choice(rng, right, &distractors),
        text(
            format!(
                "The link dropped {dropped} of A's TCP data segments in this run, yet C read {delivered} of {sent} bytes{}: TCP numbers every byte, the receiver acknowledges what it has, and the sender retransmits the data that was lost.",
                if in_order { ", in order" } else { "" }
            ),
            format!(
                "这次运行中链路丢了 A 的 {dropped} 个 TCP 数据报文段，C 仍读到了 {sent} 字节中的 {delivered} 字节{}：TCP 给每个字节编号，接收方确认收到的数据，发送方重传丢失的数据。",
                if in_order { "，而且按顺序" } else { "" }
            ),
        ),
        None,
    ))
}

fn tcp_retransmitted(r: &Report) -> Result<Question, String> {
    let (pct, seed) = link_words(r)?;
    let total = r.u64("/tcp/retransmissions/total")?;
    let timeout = r.u64("/tcp/retransmissions/timeout")?;
    let fast = r.u64("/tcp/retransmissions/fast")?;
    let early = r.u64("/tcp/retransmissions/early")?;
    Ok(question(
        TCP_RETRANSMITTED,
        &["tcp.retransmission"],
        text(
            format!(
                "True or false: with the link from R to C dropping {pct} % of packets (seed {seed}), the capture on A shows the TCP sender retransmitting at least one segment."
            ),
            format!(
                "判断：从 R 到 C 的链路丢弃 {pct}% 的包（种子 {seed}）时，A 上的抓包显示 TCP 发送方至少重传了一个报文段。"
            ),
        ),
        QuestionKind::TrueFalse { correct: total > 0 },
        text(
            format!(
                "The capture shows {total} retransmissions ({timeout} after a timeout, {fast} fast retransmits after three duplicate ACKs, {early} early: RACK or a tail-loss probe). A segment the link drops is never acknowledged, so the sender sends it again; with no loss, nothing is resent."
            ),
            format!(
                "抓包显示 {total} 次重传（{timeout} 次超时重传，{fast} 次收到三个重复 ACK 后的快速重传，{early} 次提前重传：RACK 或尾部丢失探测）。被链路丢掉的报文段永远得不到确认，所以发送方会再发一次；没有丢包就不会重发。"
            ),
        ),
        None,
    ))
}

fn udp_lost(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let pct = r.f64("/link/loss_pct")?;
    let seed = r.u64("/link/seed")?;
    let sent = r.u64("/udp/sent")?;
    let lost = r.u64("/udp/lost")?;
    let lost_pct = r.f64("/udp/lost_pct")?;
    // The shares offered: about the link's loss, about half, nearly all;
    // and "none", right only when not one datagram was lost. Otherwise the
    // right one is the share nearest to what was really lost.
    let mut shares: Vec<f64> = vec![pct, 50.0, 100.0 - pct];
    shares.retain(|s| *s > 0.0);
    shares.sort_by(f64::total_cmp);
    shares.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let share_text = |s: f64| text(format!("about {s} %"), format!("大约 {s}%"));
    let none = text("none", "一个也没丢");
    let right = match shares
        .iter()
        .copied()
        .min_by(|a, b| (a - lost_pct).abs().total_cmp(&(b - lost_pct).abs()))
    {
        Some(nearest) if lost > 0 => share_text(nearest),
        _ => none.clone(),
    };
    // A wrong reason is wrong even when the count happens to be zero.
    let mut distractors: Vec<Text> = shares.iter().map(|s| share_text(*s)).collect();
    distractors.push(none);
    distractors.push(text(
        "none: UDP retransmits what the link drops",
        "一个也没丢：UDP 会重传链路丢掉的数据报",
    ));
    Ok(question(
        UDP_LOST,
        &["udp.loss", "udp.properties"],
        text(
            format!(
                "Over the same link (dropping {pct} % of packets, seed {seed}), A sends {sent} UDP datagrams to C. About what share never arrives?"
            ),
            format!(
                "经过同一条链路（丢弃 {pct}% 的包，种子 {seed}），A 向 C 发送 {sent} 个 UDP 数据报。大约有多大比例没有到达？"
            ),
        ),
        choice(rng, right, &distractors),
        text(
            format!(
                "{lost} of {sent} datagrams ({lost_pct:.1} %) never reached C: UDP has no acknowledgements and no retransmission, so what the link drops is simply gone."
            ),
            format!(
                "{sent} 个数据报中有 {lost} 个（{lost_pct:.1}%）没有到达 C：UDP 没有确认，也不重传，链路丢掉的就是没了。"
            ),
        ),
        None,
    ))
}

/// The zero-window probes of the run, in both languages: how many, when
/// (after the window closed, then the gaps between them), how C answered.
fn probe_words(r: &Report, probes: u64, answered: u64) -> Result<(String, String), String> {
    if probes == 0 {
        return Ok((
            "A sent no zero-window probe.".into(),
            "A 没有发零窗口探测。".into(),
        ));
    }
    let first = r.f64("/first_probe_after_ms")?;
    let gaps: Vec<String> = r
        .list("/probe_gaps_ms")?
        .iter()
        .filter_map(Value::as_f64)
        .map(|g| g.to_string())
        .collect();
    let (en_gaps, zh_gaps) = if gaps.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(", then {} ms apart", gaps.join(" and ")),
            format!("，之后相隔 {} 毫秒", gaps.join("、")),
        )
    };
    Ok((
        format!(
            "A's persist timer sent {probes} zero-window probes (empty, one byte below the next sequence number), the first {first} ms after the window closed{en_gaps}; C answered {answered} of them with window 0."
        ),
        format!(
            "A 的坚持计时器发出 {probes} 个零窗口探测（空报文段，序号比下一个序号小 1），第一个在窗口关闭 {first} 毫秒之后{zh_gaps}；C 对其中 {answered} 个回答窗口为 0。"
        ),
    ))
}

/// What A does once C's window is zero, as the capture at A shows it.
fn zero_window_sender(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let buffer = r.u64("/receiver_buffer")?;
    let sent = r.u64("/bytes_sent")?;
    let delivered = r.u64("/bytes_delivered")?;
    let intact = r.bool("/intact")?;
    let windows: Vec<u64> = r
        .list("/windows_advertised")?
        .iter()
        .filter_map(|w| w["window"].as_u64())
        .collect();
    // The window C advertised when A stopped: the smallest of the run.
    let (Some(&first), Some(&lowest)) = (windows.first(), windows.iter().min()) else {
        return Err("the zero-window report has no advertised window".into());
    };
    if lowest > 0 {
        return Err(format!(
            "in the zero-window report C's window never closed (at least {lowest} bytes)"
        ));
    }
    let zero_at = r.f64("/zero_window_at_ms")?;
    let data_while_zero = r.u64("/data_segments_while_zero")?;
    let probes = r.u64("/probes")?;
    let answered = r.u64("/probes_answered_with_zero")?;
    let (en_probes, zh_probes) = probe_words(r, probes, answered)?;
    let read_at = r.f64("/receiver_read_at_ms")?;
    // The window update that restarted the flow: the first non-zero window
    // C advertised after its window closed.
    let reopened = r
        .list("/windows_advertised")?
        .iter()
        .filter(|w| w["t_ms"].as_f64().is_some_and(|t| t >= zero_at))
        .filter_map(|w| w["window"].as_u64())
        .find(|&w| w > 0)
        .unwrap_or(0);
    let after = r.u64("/data_segments_after_update")?;
    let probing = text(
        format!(
            "C advertises a window of {lowest}; A sends no more data, only small zero-window probes"
        ),
        format!("C 通告的窗口为 {lowest}；A 不再发送数据，只发很小的零窗口探测"),
    );
    let silent = text(
        format!("C advertises a window of {lowest}; A sends nothing at all until C's window opens"),
        format!("C 通告的窗口为 {lowest}；在 C 的窗口打开之前，A 什么也不发"),
    );
    let keeps = text(
        "A keeps sending data; C's kernel drops what does not fit in its buffer",
        "A 继续发送数据；C 的内核丢弃缓冲区放不下的部分",
    );
    let reset = text(
        "the connection is reset: C's buffer overflowed",
        "连接被重置：C 的缓冲区溢出了",
    );
    let resend = text(
        "A retransmits its unacknowledged data after each timeout, as after a loss",
        "A 像丢包时那样，每次超时后重传未被确认的数据",
    );
    let right = match (data_while_zero, probes) {
        (0, 0) => silent.clone(),
        (0, _) => probing.clone(),
        _ => keeps.clone(),
    };
    let (en_data, zh_data) = if data_while_zero == 0 {
        (
            "A sent no data".to_string(),
            "A 一个数据报文段也没有发".to_string(),
        )
    } else {
        (
            format!("A still sent {data_while_zero} data segments"),
            format!("A 仍然发了 {data_while_zero} 个数据报文段"),
        )
    };
    let (en_intact, zh_intact) = if intact && delivered == sent {
        (", intact", "，完好无损")
    } else {
        ("", "")
    };
    Ok(question(
        ZERO_WINDOW_SENDER,
        &["tcp.flow-control"],
        text(
            format!(
                "In nettutor's virtual network, C accepts A's TCP connection asking for a {buffer}-byte receive buffer (SO_RCVBUF), and C's application reads nothing; A writes {sent} bytes. Once C's buffer is full, what does the capture at A show?"
            ),
            format!(
                "在 nettutor 的虚拟网络里，C 接受 A 的 TCP 连接，申请 {buffer} 字节的接收缓冲区（SO_RCVBUF），C 上的应用程序什么也不读；A 写入 {sent} 字节。C 的缓冲区满了以后，A 上的抓包显示什么？"
            ),
        ),
        choice(rng, right, &[probing, silent, keeps, reset, resend]),
        text(
            format!(
                "C's advertised window fell from {first} bytes to {lowest} at {zero_at} ms, and {en_data} while it stayed {lowest}. {en_probes} Without probes a lost window update would leave both sides waiting forever. When C read (at {read_at} ms) its window update to {reopened} bytes restarted the flow: {after} more data segments, and C read {delivered} of {sent} bytes{en_intact}."
            ),
            format!(
                "C 通告的窗口从 {first} 字节降到 {lowest}（{zero_at} 毫秒时），窗口为 {lowest} 期间，{zh_data}。{zh_probes}没有探测的话，一个丢失的窗口更新就会让双方永远等下去。C 开始读取时（{read_at} 毫秒），它的窗口更新（{reopened} 字节）让数据流重新开始：又发了 {after} 个数据报文段，C 读到了 {sent} 字节中的 {delivered} 字节{zh_intact}。"
            ),
        ),
        Some("experiment=zero-window"),
    ))
}

fn dhcp_flooded(rng: &mut ChaCha8Rng, r: &Report) -> Result<Question, String> {
    let codes = |pointer: &str| -> Result<Vec<u64>, String> {
        Ok(r.list(pointer)?.iter().filter_map(Value::as_u64).collect())
    };
    // Which message types B saw: a Discover resent (and answered again)
    // shows twice, but the question is which of the four reached B.
    let seen_at_b = codes("/seen_at_b")?;
    let mut at_b = seen_at_b.clone();
    at_b.sort_unstable();
    at_b.dedup();
    let dora = codes("/dora")?;
    let lease = r.str("/lease/ip")?;
    let all = text(
        "all four: Discover, Offer, Request and Ack",
        "全部四条：Discover、Offer、Request 和 Ack",
    );
    let client = text(
        "only A's two, Discover and Request",
        "只有 A 发的两条：Discover 和 Request",
    );
    let server = text(
        "only the server's two, Offer and Ack",
        "只有服务器发的两条：Offer 和 Ack",
    );
    let none = text(
        "none: the messages are not addressed to B",
        "一条也收不到：这些消息不是发给 B 的",
    );
    let right = match at_b.as_slice() {
        [1, 2, 3, 5] => all.clone(),
        [1, 3] => client.clone(),
        [2, 5] => server.clone(),
        [] => none.clone(),
        other => same(format!("{other:?}")),
    };
    let seen: Vec<String> = seen_at_b.iter().map(u64::to_string).collect();
    let exchanged: Vec<String> = dora.iter().map(u64::to_string).collect();
    Ok(question(
        DHCP_FLOODED,
        &["app.dhcp", "lan.switch"],
        text(
            "In nettutor's virtual network, host A has no IPv4 address and gets one by DHCP from a server in the router R; B is on the same switch. A sets the broadcast flag. Of the four DHCP messages, which does B's interface receive?",
            "在 nettutor 的虚拟网络里，主机 A 没有 IPv4 地址，通过 DHCP 从路由器 R 里的服务器获得一个；B 接在同一台交换机上。A 设置了广播标志。四条 DHCP 消息中，B 的接口收到哪些？",
        ),
        choice(rng, right, &[all, client, server, none]),
        text(
            format!(
                "At A the exchange was option 53 = {} and at B {}: A has no address yet, so it sends to 255.255.255.255 (MAC ff:ff:ff:ff:ff:ff); with the broadcast flag the server answers by broadcast too, and the switch floods every broadcast to every port. A got {lease}; B ignored what was not its transaction.",
                exchanged.join(", "),
                seen.join(", ")
            ),
            format!(
                "在 A 上，交换的消息选项 53 依次为 {}，在 B 上为 {}：A 还没有地址，所以发往 255.255.255.255（MAC ff:ff:ff:ff:ff:ff）；设置了广播标志，服务器也用广播回答，而交换机把每个广播帧洪泛到所有端口。A 得到了 {lease}；B 不理会不属于自己的事务。",
                exchanged.join("、"),
                seen.join("、")
            ),
        ),
        None,
    ))
}
