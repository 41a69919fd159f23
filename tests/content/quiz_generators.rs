//! Every generator's answer checked by an independent computation: std's own
//! binary formatting for octets, separate tables of layers, PDUs and IANA
//! ports, the transport rules for lab outcomes (and real loopback sockets for
//! two of them). Plus: every generated question is well formed, and the same
//! seed gives the same questions.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

use nettutor::i18n::Lang;
use nettutor::lesson::panel::{parse_pairs, validate_arg};
use nettutor::lesson::{LessonSet, Question, QuestionKind};
use nettutor::quiz::answer::{check, correct_answer};
use nettutor::quiz::generators::{self, Generator};
use nettutor::quiz::session::{QuizSpec, build};
use nettutor::quiz::{Expected, Topic, Verdict};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const SEEDS: u64 = 300;

fn each_question(generator: &Generator, mut f: impl FnMut(&Question)) {
    for seed in 0..SEEDS {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        f(&(generator.make)(&mut rng));
    }
}

fn right_option(q: &Question) -> String {
    match &q.kind {
        QuestionKind::Choice { options, correct } => options[*correct].en.clone(),
        other => panic!("{}: not a choice: {other:?}", q.id),
    }
}

#[test]
fn every_generated_question_is_well_formed() {
    let set = LessonSet::embedded().unwrap();
    let all = generators::all();
    for topic in [
        Topic::Subnet,
        Topic::Tcp,
        Topic::Binary,
        Topic::Osi,
        Topic::Ports,
        Topic::Lab,
    ] {
        assert!(
            all.iter().any(|g| g.topic == topic),
            "no generator for {topic}"
        );
    }
    for g in &all {
        each_question(g, |q| {
            assert_eq!(q.id, g.id);
            assert_eq!(q.topic, g.topic);
            assert!(!q.concepts.is_empty());
            for c in &q.concepts {
                assert!(
                    set.curriculum.get(c).is_some(),
                    "{}: unknown concept {c}",
                    q.id
                );
            }
            for lang in Lang::ALL {
                assert!(
                    !q.prompt.get(lang).trim().is_empty()
                        && !q.explanation.get(lang).trim().is_empty()
                );
            }
            if let Some(link) = &q.panel {
                validate_arg(link.panel, &link.arg)
                    .unwrap_or_else(|e| panic!("{}: {}: {e}", q.id, link.arg));
            }
            match &q.kind {
                QuestionKind::Choice { options, correct } => {
                    assert!(*correct < options.len() && options.len() >= 2);
                    for (i, a) in options.iter().enumerate() {
                        assert!(
                            options[i + 1..].iter().all(|b| b.en != a.en),
                            "{}: repeated option",
                            q.id
                        );
                    }
                }
                QuestionKind::Order { items, shown } => {
                    let mut sorted = shown.clone();
                    sorted.sort_unstable();
                    assert_eq!(sorted, (0..items.len()).collect::<Vec<_>>());
                    assert!(
                        shown.iter().enumerate().any(|(i, v)| i != *v),
                        "never shown solved"
                    );
                }
                _ => {}
            }
            assert_eq!(
                check(&q.kind, &correct_answer(&q.kind)),
                Verdict::Correct,
                "{}",
                q.id
            );
        });
    }
}

#[test]
fn octet_answers_match_std_formatting() {
    for g in generators::all()
        .iter()
        .filter(|g| g.topic == Topic::Binary)
    {
        each_question(g, |q| {
            let digits: String = q.prompt.en.chars().filter(|c| c.is_ascii_digit()).collect();
            match &q.kind {
                QuestionKind::FillIn {
                    expected: Expected::Binary { value, width: 8 },
                } => {
                    // "Write the octet 136 as 8 binary digits." → 1368
                    let n: u32 = digits[..digits.len() - 1].parse().unwrap();
                    assert_eq!(*value, n);
                    assert_eq!(correct_answer(&q.kind), format!("{n:08b}"));
                }
                QuestionKind::FillIn {
                    expected: Expected::Number(n),
                } => {
                    // "What is the binary octet 10101111 in decimal?"
                    assert_eq!(u64::from_str_radix(&digits, 2).unwrap(), *n);
                }
                other => panic!("unexpected {other:?}"),
            }
        });
    }
}

/// Layers, written independently of the tutor's table.
fn osi_layer_of(name: &str) -> u8 {
    match name {
        "HTTP" | "DNS" | "SSH" | "SMTP" | "FTP" => 7,
        "TCP" | "UDP" => 4,
        "IP" | "ICMP" | "a router" => 3,
        "Ethernet" | "ARP" | "a switch" => 2,
        "a hub" => 1,
        other => panic!("no layer known for {other}"),
    }
}

const LAYER_NAMES: [&str; 7] = [
    "Physical",
    "Data link",
    "Network",
    "Transport",
    "Session",
    "Presentation",
    "Application",
];

#[test]
fn layer_and_pdu_answers_match_an_independent_table() {
    let by_id: BTreeMap<&str, Generator> =
        generators::all().into_iter().map(|g| (g.id, g)).collect();
    each_question(&by_id["gen.osi.protocol-layer"], |q| {
        let name = q.prompt.en.trim_start_matches("At which OSI layer does ");
        let name = name
            .split(" live?")
            .next()
            .unwrap()
            .split(" work?")
            .next()
            .unwrap();
        let layer = osi_layer_of(name);
        assert_eq!(
            right_option(q),
            format!("{layer} {}", LAYER_NAMES[usize::from(layer) - 1]),
            "{name}"
        );
    });
    each_question(&by_id["gen.osi.layer-name"], |q| {
        let n: usize = q
            .prompt
            .en
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap();
        assert_eq!(right_option(q), LAYER_NAMES[n - 1]);
    });
    each_question(&by_id["gen.osi.layer-order"], |q| {
        let QuestionKind::Order { items, .. } = &q.kind else {
            panic!()
        };
        let numbers: Vec<usize> = items
            .iter()
            .map(|t| LAYER_NAMES.iter().position(|n| *n == t.en).unwrap())
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "bottom up: {numbers:?}"
        );
    });
    each_question(&by_id["gen.osi.pdu"], |q| {
        let p = &q.prompt.en;
        let want = if p.contains("application") {
            "data"
        } else if p.contains("TCP") {
            "segment"
        } else if p.contains("UDP") {
            "datagram"
        } else if p.contains("network") {
            "packet"
        } else if p.contains("data link") {
            "frame"
        } else {
            "bits"
        };
        assert_eq!(right_option(q), want, "{p}");
    });
}

/// IANA default ports, written independently.
fn iana_port(service: &str) -> u16 {
    match service {
        "FTP" | "FTP (control)" => 21,
        "SSH" => 22,
        "Telnet" => 23,
        "SMTP" => 25,
        "DNS" => 53,
        "DHCP" | "DHCP (server side)" => 67,
        "HTTP" => 80,
        "POP3" => 110,
        "NTP" => 123,
        "IMAP" => 143,
        "HTTPS" => 443,
        "MySQL" => 3306,
        "RDP" => 3389,
        "PostgreSQL" => 5432,
        "Redis" => 6379,
        other => panic!("unknown service {other}"),
    }
}

#[test]
fn port_answers_match_iana() {
    let by_id: BTreeMap<&str, Generator> =
        generators::all().into_iter().map(|g| (g.id, g)).collect();
    each_question(&by_id["gen.ports.number"], |q| {
        // "Which port does an FTP server (for its control connection) listen on by default?"
        let service = q
            .prompt
            .en
            .trim_start_matches("Which port does ")
            .trim_start_matches("an ")
            .trim_start_matches("a ")
            .split(" server")
            .next()
            .unwrap();
        assert_eq!(correct_answer(&q.kind), iana_port(service).to_string());
    });
    each_question(&by_id["gen.ports.service"], |q| {
        let port: u16 = q
            .prompt
            .en
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap();
        assert_eq!(iana_port(&right_option(q)), port);
    });
    each_question(&by_id["gen.ports.well-known"], |q| {
        let port: u32 = q
            .prompt
            .en
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap();
        assert!(port <= 65535);
        assert_eq!(correct_answer(&q.kind), (port <= 1023).to_string());
    });
}

/// What the receiver sees, by the transport's rules, from the lab arguments.
fn expected_outcome(arg: &str) -> &'static str {
    let map = parse_pairs(arg).unwrap();
    let n = |k: &str| map[k].parse::<u64>().unwrap();
    match map["lab"].as_str() {
        // TCP stream + late reader → merged.
        "sticky" => "fewer recvs than sends",
        // UDP keeps boundaries.
        "udp-boundaries" => "one recv per send",
        "udp-truncate" if n("size") > n("recv-size") => "recv returns only the first part",
        "udp-loss" if n("count") * n("size") > n("rcvbuf") => "some messages never arrive",
        "split" if n("size") > n("recv-size") => "the one send arrives over several recvs",
        other => panic!("unexpected lab case {other}: {arg}"),
    }
}

#[test]
fn lab_predictions_follow_the_transport_rules() {
    let by_id: BTreeMap<&str, Generator> =
        generators::all().into_iter().map(|g| (g.id, g)).collect();
    let mut seen = BTreeMap::new();
    each_question(&by_id["gen.lab.outcome"], |q| {
        let arg = &q.panel.as_ref().unwrap().arg;
        let want = expected_outcome(arg);
        assert!(
            right_option(q).starts_with(want),
            "{arg}: {}",
            right_option(q)
        );
        *seen.entry(want).or_insert(0) += 1;
    });
    assert_eq!(seen.len(), 5, "every outcome comes up: {seen:?}");
    each_question(&by_id["gen.lab.nodelay"], |q| {
        assert_eq!(correct_answer(&q.kind), "false")
    });
}

/// The two facts the lab questions lean on most, shown on real loopback
/// sockets: TCP merges sends a late reader finds waiting; UDP truncates a
/// datagram larger than the buffer (on Linux) and never merges.
#[test]
fn lab_facts_hold_on_real_loopback_sockets() {
    // TCP: 10 sends of "hello", read after the sender is done.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sender = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        for _ in 0..10 {
            s.write_all(b"hello").unwrap();
        }
    });
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    sender.join().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let (mut recvs, mut total, mut buf) = (0, 0, [0u8; 1024]);
    while total < 50 {
        let n = conn.read(&mut buf).unwrap();
        assert!(n > 0);
        total += n;
        recvs += 1;
    }
    assert!(recvs < 10, "10 sends arrived in {recvs} recvs: merged");

    // UDP: one 2000-byte datagram into a 512-byte buffer, then 3 small ones.
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    rx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    tx.send_to(&[7u8; 2000], rx.local_addr().unwrap()).unwrap();
    for _ in 0..3 {
        tx.send_to(b"hello", rx.local_addr().unwrap()).unwrap();
    }
    let mut small = [0u8; 512];
    assert_eq!(rx.recv(&mut small).unwrap(), 512, "truncated to the buffer");
    for _ in 0..3 {
        assert_eq!(
            rx.recv(&mut buf).unwrap(),
            5,
            "the rest was dropped; boundaries kept"
        );
    }
}

#[test]
fn the_same_seed_builds_the_same_quiz() {
    let set = LessonSet::embedded().unwrap();
    let spec = |seed| QuizSpec {
        topics: Vec::new(),
        count: 40,
        seed,
    };
    let a = build(&spec(11), &set.questions, &[]);
    let b = build(&spec(11), &set.questions, &[]);
    let c = build(&spec(12), &set.questions, &[]);
    assert_eq!(a.len(), 40);
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Both sources are used, and authored questions are not repeated.
    assert!(
        a.iter().any(|q| q.id.starts_with("gen.")) && a.iter().any(|q| !q.id.starts_with("gen."))
    );
    let authored: Vec<&str> = a
        .iter()
        .filter(|q| !q.id.starts_with("gen."))
        .map(|q| q.id.as_str())
        .collect();
    let mut unique = authored.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), authored.len());
    // Topic filters hold.
    let only = build(
        &QuizSpec {
            topics: vec![Topic::Ports, Topic::Lab],
            count: 30,
            seed: 1,
        },
        &set.questions,
        &[],
    );
    assert!(
        only.iter()
            .all(|q| matches!(q.topic, Topic::Ports | Topic::Lab))
    );
    // Due (missed) questions come first.
    let due = vec!["tcp.close-wait".to_string(), "gen.ports.number".to_string()];
    let first = build(
        &QuizSpec {
            topics: Vec::new(),
            count: 5,
            seed: 1,
        },
        &set.questions,
        &due,
    );
    assert_eq!(first[0].id, "tcp.close-wait");
    assert_eq!(first[1].id, "gen.ports.number");
}

/// The `A/n` (and `same=`, `split=`) of a subnet question's panel link.
/// The case is checked against the prompt, so the independent computation is
/// about the question the student actually reads.
fn subnet_case(q: &Question) -> (ipnet::Ipv4Net, BTreeMap<String, String>) {
    let arg = &q.panel.as_ref().unwrap().arg;
    let mut words = arg.split_whitespace();
    let first = words.next().unwrap();
    let (address, rest) = first.split_once('/').unwrap_or((first, ""));
    let asked = match q.id.as_str() {
        // "Write the prefix /27 as a dotted mask."
        "gen.subnet.mask" => format!("/{rest} "),
        // "Which prefix length is the mask 255.255.255.224?"
        "gen.subnet.prefix" => arg.split_whitespace().nth(1).unwrap().to_string(),
        // "with mask /27 (…), A and B …"
        "gen.subnet.same-network" => address.to_string(),
        _ => first.to_string(),
    };
    assert!(
        q.prompt.en.contains(&asked),
        "{}: {asked} not in: {}",
        q.id,
        q.prompt.en
    );
    let net: ipnet::Ipv4Net = if first.contains('/') {
        first.parse().unwrap()
    } else {
        let mask: std::net::Ipv4Addr = words.next().unwrap().parse().unwrap();
        let prefix = ipnet::ipv4_mask_to_prefix(mask).unwrap();
        ipnet::Ipv4Net::new(first.parse().unwrap(), prefix).unwrap()
    };
    (
        net,
        parse_pairs(&words.collect::<Vec<_>>().join(" ")).unwrap(),
    )
}

fn number_in(s: &str, after: &str) -> u64 {
    let tail = &s[s.find(after).unwrap() + after.len()..];
    tail.trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn subnet_answers_match_ipnet() {
    let by_id: BTreeMap<&str, Generator> =
        generators::all().into_iter().map(|g| (g.id, g)).collect();
    let mut prefixes = std::collections::BTreeSet::new();
    for id in [
        "gen.subnet.network",
        "gen.subnet.broadcast",
        "gen.subnet.first-host",
        "gen.subnet.last-host",
        "gen.subnet.host-count",
    ] {
        each_question(&by_id[id], |q| {
            let (net, _) = subnet_case(q);
            prefixes.insert(net.prefix_len());
            let got = correct_answer(&q.kind);
            let hosts_first_last = || -> (std::net::Ipv4Addr, std::net::Ipv4Addr, u64) {
                // ipnet's hosts(): all addresses for /31 and /32, else without
                // the network and broadcast addresses.
                let (lo, hi) = (u32::from(net.network()), u32::from(net.broadcast()));
                let mut hosts = net.hosts();
                let first = hosts.next().unwrap();
                let last = if net.prefix_len() >= 31 {
                    net.broadcast()
                } else {
                    std::net::Ipv4Addr::from(hi - 1)
                };
                let count = if net.prefix_len() >= 31 {
                    u64::from(hi - lo) + 1
                } else {
                    u64::from(hi - lo) - 1
                };
                (first, last, count)
            };
            let want = match id {
                "gen.subnet.network" => net.network().to_string(),
                "gen.subnet.broadcast" => {
                    assert!(
                        net.prefix_len() <= 30,
                        "no broadcast question for /31 or /32"
                    );
                    net.broadcast().to_string()
                }
                "gen.subnet.first-host" => hosts_first_last().0.to_string(),
                "gen.subnet.last-host" => hosts_first_last().1.to_string(),
                _ => hosts_first_last().2.to_string(),
            };
            assert_eq!(got, want, "{id}: {net}");
        });
    }
    assert!(
        prefixes.contains(&31) && prefixes.contains(&32),
        "/31 and /32 come up: {prefixes:?}"
    );
    each_question(&by_id["gen.subnet.mask"], |q| {
        let (net, _) = subnet_case(q);
        assert_eq!(correct_answer(&q.kind), net.netmask().to_string());
    });
    each_question(&by_id["gen.subnet.prefix"], |q| {
        let (net, _) = subnet_case(q);
        assert_eq!(correct_answer(&q.kind), format!("/{}", net.prefix_len()));
    });
    let mut verdicts = BTreeMap::new();
    each_question(&by_id["gen.subnet.same-network"], |q| {
        let (net, extra) = subnet_case(q);
        let b: std::net::Ipv4Addr = extra["same"].parse().unwrap();
        let asked = format!("mask /{} ", net.prefix_len());
        assert!(q.prompt.en.contains(&asked) && q.prompt.en.contains(&format!(" {b} ")));
        let same = net.trunc().contains(&b);
        assert_eq!(correct_answer(&q.kind), same.to_string(), "{net} vs {b}");
        *verdicts.entry(same).or_insert(0) += 1;
    });
    assert_eq!(verdicts.len(), 2, "both verdicts come up: {verdicts:?}");
    each_question(&by_id["gen.subnet.split"], |q| {
        let (parent, extra) = subnet_case(q);
        let new_prefix: u8 = extra["split"].parse().unwrap();
        let number = number_in(&q.prompt.en, "subnet number");
        let subnet = parent
            .subnets(new_prefix)
            .unwrap()
            .nth(usize::try_from(number - 1).unwrap())
            .unwrap();
        assert_eq!(
            correct_answer(&q.kind),
            subnet.network().to_string(),
            "{parent} → /{new_prefix} #{number}"
        );
    });
}

/// Every transition the next-state questions ask about, written out by hand
/// from RFC 9293's diagram (and RFC 9293 §3.10.7 for resets): the questions are
/// checked against this table, never against the tutor's state machine.
const TEXTBOOK_EDGES: &[(&str, &str, &str)] = &[
    ("CLOSED", "connect()", "SYN-SENT"),
    ("CLOSED", "listen()", "LISTEN"),
    ("LISTEN", "rcv SYN", "SYN-RECEIVED"),
    ("SYN-SENT", "rcv SYN,ACK", "ESTABLISHED"),
    // Simultaneous open.
    ("SYN-SENT", "rcv SYN", "SYN-RECEIVED"),
    // A RST answering the SYN: the port is closed.
    ("SYN-SENT", "rcv RST", "CLOSED"),
    ("SYN-RECEIVED", "rcv ACK", "ESTABLISHED"),
    ("ESTABLISHED", "close()", "FIN-WAIT-1"),
    ("ESTABLISHED", "rcv FIN", "CLOSE-WAIT"),
    ("ESTABLISHED", "rcv RST", "CLOSED"),
    ("FIN-WAIT-1", "rcv ACK", "FIN-WAIT-2"),
    // Simultaneous close.
    ("FIN-WAIT-1", "rcv FIN", "CLOSING"),
    // The peer's FIN acknowledges ours too: straight to TIME-WAIT.
    ("FIN-WAIT-1", "rcv FIN,ACK", "TIME-WAIT"),
    ("FIN-WAIT-2", "rcv FIN", "TIME-WAIT"),
    ("CLOSE-WAIT", "close()", "LAST-ACK"),
    ("CLOSING", "rcv ACK", "TIME-WAIT"),
    ("LAST-ACK", "rcv ACK", "CLOSED"),
    ("TIME-WAIT", "2MSL", "CLOSED"),
];

#[test]
fn tcp_next_state_answers_follow_the_textbook_diagram() {
    // Only the event labels are read from the tutor, to parse the prompt.
    use nettutor::net::tcp::TcpEvent;
    let by_id: BTreeMap<&str, Generator> =
        generators::all().into_iter().map(|g| (g.id, g)).collect();
    let mut asked = std::collections::BTreeSet::new();
    each_question(&by_id["gen.tcp.next-state"], |q| {
        let p = &q.prompt.en;
        // "In RFC 9293's state diagram, a TCP endpoint is in LISTEN. Then a SYN
        // arrives (rcv SYN). Which state …"; calls carry their label in the words.
        let state_name = p
            .trim_start_matches("In RFC 9293's state diagram, a TCP endpoint is in ")
            .split('.')
            .next()
            .unwrap();
        let then = p.split(". Then ").nth(1).unwrap();
        let event = TcpEvent::ALL
            .into_iter()
            .find(|e| then.contains(&format!("({})", e.label())))
            .or_else(|| TcpEvent::ALL.into_iter().find(|e| then.contains(e.label())))
            .unwrap();
        let label = event.label();
        let (_, _, want) = TEXTBOOK_EDGES
            .iter()
            .find(|(s, e, _)| *s == state_name && *e == label)
            .unwrap_or_else(|| panic!("{state_name} on {label}: not in the textbook table"));
        assert_eq!(right_option(q), *want, "{state_name} on {label}");
        asked.insert((state_name.to_string(), label.to_string()));
    });
    assert!(
        asked.len() >= TEXTBOOK_EDGES.len() - 2,
        "nearly every edge is asked over {SEEDS} seeds: {}",
        asked.len()
    );
}

#[test]
fn tcp_next_segment_answers_follow_the_handshake_and_teardown() {
    let by_id: BTreeMap<&str, Generator> =
        generators::all().into_iter().map(|g| (g.id, g)).collect();
    let mut positions = std::collections::BTreeSet::new();
    each_question(&by_id["gen.tcp.next-segment"], |q| {
        let p = &q.prompt.en;
        let client_closes = p.contains("later the client closes first");
        let (a, b) = if client_closes {
            ("client", "server")
        } else {
            ("server", "client")
        };
        // The life of a connection, written out by hand.
        let life = [
            "client → server: SYN".to_string(),
            "server → client: SYN-ACK".to_string(),
            "client → server: ACK".to_string(),
            format!("{a} → {b}: FIN"),
            format!("{b} → {a}: ACK"),
            format!("{b} → {a}: FIN"),
            format!("{a} → {b}: ACK"),
        ];
        let sent = if p.contains("Nothing has been sent yet") {
            0
        } else {
            p.matches(" → ").count()
        };
        assert!(sent < life.len(), "{p}");
        for (i, seg) in life[..sent].iter().enumerate() {
            assert!(p.contains(seg.as_str()), "segment {i} '{seg}' in: {p}");
        }
        assert_eq!(right_option(q), life[sent], "{p}");
        positions.insert(sent);
    });
    assert_eq!(
        positions.len(),
        7,
        "every step of the life is asked: {positions:?}"
    );
}
