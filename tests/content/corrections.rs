//! Issue 18's corrections stay corrected: each corrected lesson step (and the UI
//! strings and CLI text that repeat the fact) names the key facts, in English and
//! in Chinese, and the overstated sentences they replaced are gone everywhere.

use nettutor::i18n::{Lang, t};
use nettutor::lesson::{LessonSet, Step};

fn set() -> LessonSet {
    LessonSet::embedded().unwrap()
}

/// The step of `lesson` whose English title contains `title`.
fn step<'a>(set: &'a LessonSet, lesson: &str, title: &str) -> &'a Step {
    let l = set
        .lesson(lesson)
        .unwrap_or_else(|| panic!("no lesson {lesson}"));
    l.steps
        .iter()
        .find(|s| s.title.en.contains(title))
        .unwrap_or_else(|| panic!("no step '{title}' in lesson {lesson}"))
}

/// The step's body names every fact, in each language.
pub(crate) fn pins(lesson: &str, title: &str, en: &[&str], zh: &[&str]) {
    let set = set();
    let s = step(&set, lesson, title);
    for fact in en {
        assert!(
            s.body.en.contains(fact),
            "{lesson} / {title} (en) no longer says {fact:?}"
        );
    }
    for fact in zh {
        assert!(
            s.body.zh.contains(fact),
            "{lesson} / {title} (zh) no longer says {fact:?}"
        );
    }
}

/// Every lesson text, note and UI-visible glossary text in one string per language.
fn all_text(set: &LessonSet) -> (String, String) {
    let mut en = String::new();
    let mut zh = String::new();
    for s in set.lessons.iter().flat_map(|l| &l.steps) {
        en += &s.body.en;
        zh += &s.body.zh;
        if let Some(n) = &s.notes {
            en += &n.en;
            zh += &n.zh;
        }
    }
    (en, zh)
}

#[test]
fn backlog_names_both_queues_limits_syn_cookies_and_bsd() {
    pins(
        "listen-backlog",
        "Two queues",
        &[
            "min(backlog, net.core.somaxconn)",
            "SYN cookies",
            "Linux 4.4",
            "tcp_max_syn_backlog",
            "BSD",
            "sum",
        ],
        &[
            "min(backlog, net.core.somaxconn)",
            "SYN Cookie",
            "Linux 4.4",
            "tcp_max_syn_backlog",
            "BSD",
            "总和",
        ],
    );
    pins(
        "listen-backlog",
        "SYN flood",
        &[
            "SYN cookies",
            "min(backlog, net.core.somaxconn)",
            "4.4",
            "tcp_max_syn_backlog",
        ],
        &[
            "SYN Cookie",
            "min(backlog, net.core.somaxconn)",
            "4.4",
            "tcp_max_syn_backlog",
        ],
    );
    // The course-note corrections that stay: not unlimited, not the number of clients.
    pins(
        "listen-backlog",
        "Omitted backlog",
        &[
            "You may have read",
            "min(SOMAXCONN, 128)",
            "net.core.somaxconn",
            "<sys/socket.h>",
            "sysctl",
        ],
        &[
            "你可能读到过",
            "min(SOMAXCONN, 128)",
            "net.core.somaxconn",
            "<sys/socket.h>",
            "sysctl",
        ],
    );
    pins(
        "listen-backlog",
        "number of clients",
        &["does **not** mean \"at most 5 clients\""],
        &["**不是**“最多 5 个客户端”"],
    );
    // The overstatements are gone from every lesson and note.
    let (en, zh) = all_text(&set());
    for old in ["never see any of this", "enlarging backlog does nothing"] {
        assert!(!en.contains(old), "lesson text still says {old:?}");
    }
    for old in ["毫无察觉", "毫无作用"] {
        assert!(!zh.contains(old), "lesson text still says {old:?}");
    }
    for lang in [Lang::En, Lang::Zh] {
        let summary = t(lang, "hs.cap.flood_summary");
        assert!(
            summary.contains("somaxconn") && summary.contains("4.4"),
            "{summary}"
        );
        assert!(!t(lang, "hs.cap.flood_accept").contains("did not attack the backlog"));
    }
}

#[test]
fn classful_history_separates_subnetting_from_supernets() {
    pins(
        "ip-addresses",
        "Classes A, B, C",
        &[
            "RFC 950",
            "RFC 1519",
            "10.1.2.3/24",
            "192.168.0.0/22",
            "supernet",
            "was allowed",
        ],
        &[
            "RFC 950",
            "RFC 1519",
            "10.1.2.3/24",
            "192.168.0.0/22",
            "超网",
            "也是允许的",
        ],
    );
}

#[test]
fn ipv6_counts_name_the_anycast_addresses() {
    pins(
        "ipv6",
        "/64 is the normal LAN",
        &[
            "Subnet-Router anycast",
            "RFC 4291 §2.6.1",
            "RFC 2526",
            "fdff:ffff:ffff:ff80",
        ],
        &[
            "子网路由器任播",
            "RFC 4291 §2.6.1",
            "RFC 2526",
            "fdff:ffff:ffff:ff80",
        ],
    );
    for lang in [Lang::En, Lang::Zh] {
        let note = t(lang, "subnet.note.v6");
        assert!(
            note.contains("RFC 4291") && note.contains("RFC 2526"),
            "{note}"
        );
    }
}

fn nettutor(args: &[&str]) -> String {
    let (code, out, _) = crate::common::run::nettutor(args);
    assert_eq!(code, 0, "nettutor {args:?} failed");
    out
}

#[test]
fn the_subnet_cli_says_which_ipv6_addresses_are_anycast_and_keeps_ipcalc_figures() {
    let human = nettutor(&["subnet", "2001:db8::1/64"]);
    assert!(
        human.contains("Subnet-Router anycast") && human.contains("RFC 2526"),
        "{human}"
    );
    let help = nettutor(&["subnet", "--help"]);
    assert!(
        help.contains("ipcalc-ng") && help.contains("RFC 2526"),
        "{help}"
    );
    // The JSON figures keep ipcalc-ng's convention: the prefix's every address.
    let json: serde_json::Value =
        serde_json::from_str(&nettutor(&["subnet", "2001:db8::1/64", "--json"])).unwrap();
    assert_eq!(json["first_host"], "2001:db8::");
    assert_eq!(json["last_host"], "2001:db8::ffff:ffff:ffff:ffff");
    assert_eq!(json["usable_hosts"], "18446744073709551616");
}

#[test]
fn arp_layer_argument_gives_the_real_reasons() {
    pins(
        "osi",
        "Where does ARP belong?",
        &[
            "0x0806",
            "hardware type",
            "never routed",
            "IP packets travel in Ethernet frames too",
        ],
        &[
            "0x0806",
            "硬件类型",
            "从不被路由",
            "IP 分组同样装在以太网帧里",
        ],
    );
    pins(
        "arp",
        "Which layer is ARP?",
        &["own EtherType", "hardware type", "never routed"],
        &["自己的以太类型", "硬件类型", "从不被路由"],
    );
    pins(
        "arp",
        "The reply: only the owner answers",
        &["to the switch, which unicasts it back", "**A's MAC**"],
        &["发给交换机，再由交换机单播回 A", "**A 的 MAC**"],
    );
}

#[test]
fn listen_to_syn_received_is_the_rfc_model() {
    pins(
        "tcp-handshake",
        "2. SYN-ACK",
        &[
            "abstract model",
            "keep the listening socket in LISTEN",
            "new entry",
        ],
        &["抽象模型", "留在 LISTEN", "新建一个条目"],
    );
}

#[test]
fn ports_zero_realms_and_the_registry() {
    pins(
        "ports",
        "Port numbers and their ranges",
        &["**reserved**", "source port 0", "RFC 768"],
        &["**保留**", "源端口可以是 0", "RFC 768"],
    );
    pins(
        "ports",
        "one endpoint",
        &["address realm", "NAT"],
        &["地址域", "NAT"],
    );
    pins(
        "ports",
        "does not name a program",
        &[
            "IANA",
            "49152",
            "Kugou",
            "irdmi",
            "http.server",
            "ss -ltnp",
            "You may have read",
        ],
        &[
            "IANA",
            "49152",
            "酷狗音乐",
            "irdmi",
            "http.server",
            "ss -ltnp",
            "你可能读到过",
        ],
    );
    let (en, zh) = all_text(&set());
    assert!(!en.contains("never used on the wire"));
    assert!(!zh.contains("从来不会出现在网络上"));
}

#[test]
fn blocking_send_is_short_only_on_a_signal_or_timeout() {
    pins(
        "socket-api",
        "send() may send less",
        &[
            "signal",
            "SO_SNDTIMEO",
            "settimeout()",
            "non-blocking underneath",
        ],
        &[
            "信号",
            "SO_SNDTIMEO",
            "settimeout()",
            "在底层把套接字设成了非阻塞",
        ],
    );
}

#[test]
fn link_local_multicast_is_flooded_even_by_snooping_switches() {
    pins(
        "mac-and-lan",
        "Unicast, broadcast, multicast",
        &["224.0.0.251", "RFC 4541 §2.1.2", "even a snooping switch"],
        &["224.0.0.251", "RFC 4541 §2.1.2", "即使是支持侦听的交换机"],
    );
    for lang in [Lang::En, Lang::Zh] {
        assert!(t(lang, "lan.cap.multicast").contains("RFC 4541"));
    }
}

#[test]
fn the_strftime_server_is_named_an_amplifier() {
    pins(
        "ex-udp-time",
        "A format string is data",
        &[
            "UDP amplifier",
            "1.2 KB",
            "forge the source address",
            "cap their replies",
        ],
        &["UDP 放大器", "1.2 KB", "伪造源地址", "限制在请求大小"],
    );
}

#[test]
fn the_mtu_counts_the_ip_packet_not_the_ethernet_header() {
    pins(
        "mtu-mss",
        "MTU: the largest packet",
        &["not the Ethernet header"],
        &["不算以太网首部"],
    );
    let set = set();
    let s = step(&set, "mtu-mss", "MTU: the largest packet");
    assert!(!s.body.zh.contains("包含各层首部"));
}

#[test]
fn tcp_is_reliable_not_secure_nor_a_long_connection() {
    pins(
        "tcp-vs-udp",
        "Reliable is not secure",
        &[
            "You may have read",
            "TLS",
            "\"long connection\"",
            "HTTP/1.0",
            "keep-alive",
        ],
        &[
            "你可能读到过",
            "数据安全",
            "长连接",
            "TLS",
            "HTTP/1.0",
            "keep-alive",
        ],
    );
}

#[test]
fn sockets_history_and_af_unix_are_corrected() {
    pins(
        "sockets",
        "Where sockets come from",
        &["DARPA", "4.2BSD", "the network came first"],
        &["DARPA", "4.2BSD", "网络在先"],
    );
    pins(
        "sockets",
        "AF_UNIX: a name in the file system",
        &[
            "through the file system",
            "Nothing is written to the file",
            "inside the kernel",
            "size 0",
        ],
        &[
            "通过文件系统通信",
            "什么也没有写进那个文件",
            "内核内部",
            "大小为 0",
        ],
    );
}

#[test]
fn the_chat_bye_is_compared_before_the_timestamp() {
    pins(
        "ex-tcp-chat",
        "bye never ends the chat",
        &["timestamp", "\"bye 10:32:07\"", "**before**"],
        &["时间戳", "\"bye 10:32:07\"", "**之前**"],
    );
}

#[test]
fn the_glossary_separates_the_somaxconn_constant_from_the_sysctl() {
    let set = set();
    let term = set
        .glossary
        .terms
        .iter()
        .find(|t| t.en == "SOMAXCONN")
        .unwrap();
    let note = term.note.as_ref().unwrap();
    assert!(note.en.contains("net.core.somaxconn") && note.en.contains("<sys/socket.h>"));
    assert!(note.zh.contains("net.core.somaxconn") && note.zh.contains("常量"));
}
