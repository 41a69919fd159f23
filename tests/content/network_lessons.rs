//! Issue 16's lessons keep their exact facts, in English and in Chinese: the
//! network layer (ICMP, TTL, routing, fragmentation) and TCP's reliability
//! (retransmission, flow control, congestion control as Linux does it), with
//! the course-note corrections taught.

use crate::corrections::pins;

#[test]
fn ping_is_icmp_inside_ip_without_ports() {
    pins(
        "ping",
        "IP's own messages",
        &["RFC 792", "**1**", "**no ports**", "type 8", "type 11"],
        &["RFC 792", "**1**", "**没有端口**", "类型 8", "类型 11"],
    );
    pins(
        "ping",
        "Echo request",
        &["**56**", "**8**", "**84**", "icmp_seq"],
        &["**56**", "**8**", "**84**", "icmp_seq"],
    );
    pins(
        "ping",
        "not mean down",
        &["You may have read", "icmp_echo_ignore_all"],
        &["你可能读到过", "icmp_echo_ignore_all"],
    );
}

#[test]
fn ttl_is_decremented_by_routers_only_and_traceroute_uses_it() {
    pins(
        "ttl-traceroute",
        "hop counter",
        &["RFC 791", "RFC 8200", "**64**", "**128**", "**routers**"],
        &["RFC 791", "RFC 8200", "**64**", "**128**", "**路由器**"],
    );
    pins(
        "ttl-traceroute",
        "TTL 0",
        &["type 11, code 0", "ICMPv6: type 3"],
        &["类型 11，代码 0", "ICMPv6 是类型 3"],
    );
    pins(
        "ttl-traceroute",
        "TTL 1, 2, 3",
        &["33434", "type 3, code 3", "**ICMP echo requests**"],
        &["33434", "类型 3，代码 3", "**ICMP 回显请求**"],
    );
}

#[test]
fn routing_takes_the_longest_prefix_not_the_first_line() {
    pins(
        "routing",
        "Longest prefix",
        &[
            "**longest prefix**",
            "10.1.9.9      matches /0, /8, /16       → 10.0.0.3",
            "You may have read",
        ],
        &[
            "**前缀最长**",
            "10.1.9.9      匹配 /0、/8、/16       → 10.0.0.3",
            "你可能读到过",
        ],
    );
    pins(
        "routing",
        "whom to ARP for",
        &[
            "**ARP for the destination's own address**",
            "**ARP for the next hop's address**",
        ],
        &["**为目的地址本身发 ARP**", "**为下一跳的地址发 ARP**"],
    );
}

#[test]
fn fragmentation_numbers_and_the_ipv6_rule() {
    pins(
        "fragmentation",
        "ID, MF and offset",
        &["**1256**", "offset 157", "units of 8 bytes"],
        &["**1256**", "偏移 157", "以 8 字节为单位"],
    );
    pins(
        "fragmentation",
        "Only the destination",
        &["1256 + 224", "1256 + 1256 + 496", "**all 3,000 bytes**"],
        &["1256 + 224", "1256 + 1256 + 496", "**全部 3000 字节**"],
    );
    pins(
        "fragmentation",
        "path MTU discovery",
        &["code 4", "RFC 1191", "1240", "RFC 4821"],
        &["代码 4", "RFC 1191", "1240", "RFC 4821"],
    );
    pins(
        "fragmentation",
        "never fragment",
        &["RFC 8200", "type 2", "**1280**", "**source**"],
        &["RFC 8200", "类型 2", "**1280**", "**源主机**"],
    );
    // The correction: fragments are not what recv() sees.
    pins(
        "fragmentation",
        "not sticky packets",
        &[
            "You may have read",
            "**invisible to recv()**",
            "**byte stream**",
        ],
        &["你可能读到过", "**recv() 是不可见的**", "**字节流**"],
    );
}

#[test]
fn retransmission_by_timeout_and_by_three_duplicate_acks() {
    pins(
        "tcp-retransmission",
        "(RTO)",
        &["RFC 6298", "**1 second**", "**200 ms**", "**doubles**"],
        &["RFC 6298", "**1 秒**", "**200 毫秒**", "**翻倍**"],
    );
    pins(
        "tcp-retransmission",
        "three duplicate ACKs",
        &[
            "**third duplicate ACK**",
            "RFC 5681",
            "RFC 2018",
            "RFC 8985",
        ],
        &["**第三个重复 ACK**", "RFC 5681", "RFC 2018", "RFC 8985"],
    );
    pins(
        "tcp-retransmission",
        "paid in time",
        &[
            "You may have read",
            "TCP 不会丢包",
            "**delay**",
            "ETIMEDOUT",
        ],
        &["你可能读到过", "TCP 不会丢包", "**延迟**", "ETIMEDOUT"],
    );
}

#[test]
fn flow_control_is_the_receivers_window_and_probes() {
    pins(
        "tcp-flow-control",
        "window in every segment",
        &["RFC 7323", "14 bits"],
        &["RFC 7323", "14 位"],
    );
    pins(
        "tcp-flow-control",
        "Probing",
        &["**zero-window probes**", "RFC 9293"],
        &["**零窗口探测**", "RFC 9293"],
    );
    pins(
        "tcp-flow-control",
        "not congestion control",
        &[
            "min(cwnd, rwnd)",
            "never sent on the wire",
            "You may have read",
        ],
        &["min(cwnd, rwnd)", "从不出现在线路上", "你可能读到过"],
    );
}

#[test]
fn congestion_control_is_cubic_on_linux() {
    pins(
        "tcp-congestion",
        "Slow start",
        &["RFC 6928", "**doubles every RTT**"],
        &["RFC 6928", "**每个 RTT 翻一番**"],
    );
    pins(
        "tcp-congestion",
        "Reno and CUBIC",
        &[
            "RFC 9438",
            "**0.7**",
            "cubic",
            "**about one MSS per RTT**",
            "never to get less throughput than Reno",
        ],
        &[
            "RFC 9438",
            "**0.7**",
            "cubic",
            "**每个 RTT 大约增加一个 MSS**",
            "吞吐量不低于 Reno",
        ],
    );
    pins(
        "tcp-congestion",
        "loss does",
        &["cwnd = 1 segment", "RFC 6937"],
        &["cwnd = 1 个报文段", "RFC 6937"],
    );
}

/// Each concept of the virtual network is taught by a step that opens the
/// LAN panel on a real run of its experiment: `experiment=NAME`, or the loss
/// view (`loss=`) for tcp-loss, whose steps name the concept; the ARP and
/// gateway lessons' "watch your kernel" steps open the real ARP scenarios.
#[test]
fn every_network_concept_opens_its_experiment() {
    use nettutor::lesson::{LessonSet, PanelArg};
    let lessons = LessonSet::embedded().unwrap();
    let opens = |concept: &str| -> Vec<String> {
        lessons
            .lessons
            .iter()
            .flat_map(|l| &l.steps)
            .filter(|s| s.concepts.iter().any(|c| c == concept))
            .filter_map(|s| s.panel.as_ref())
            .filter_map(|p| match &p.open {
                PanelArg::Lan(arg) => match (arg.experiment, arg.loss, arg.real) {
                    (Some(e), _, _) => Some(e.to_string()),
                    (None, Some(_), _) => Some("tcp-loss".to_string()),
                    (None, None, true) => Some(format!("real {}", p.arg)),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    };
    for (concept, experiment) in [
        ("icmp.ping", "arp-via-gateway"),
        ("ip.ttl", "traceroute"),
        ("ip.routing", "routing"),
        ("ip.fragmentation", "mtu"),
        ("tcp.retransmission", "tcp-loss"),
        ("tcp.flow-control", "zero-window"),
        ("tcp.congestion", "tcp-loss"),
    ] {
        let found = opens(concept);
        assert!(
            found.iter().any(|e| e == experiment),
            "{concept} opens {found:?}, not {experiment}"
        );
    }
    for (concept, scenario) in [("lan.arp", "same-network"), ("lan.gateway", "via-gateway")] {
        let found = opens(concept);
        assert!(
            found
                .iter()
                .any(|e| e.starts_with("real ") && e.contains(scenario)),
            "{concept}: {found:?}"
        );
    }
}
