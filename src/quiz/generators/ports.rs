//! Well-known and registered ports.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Generator, Tier, pick, shuffled_choice, text};
use crate::i18n::Text;
use crate::lesson::{Expected, Question, QuestionKind, Topic};

pub const GENERATORS: &[Generator] = &[
    Generator {
        id: "gen.ports.number",
        topic: Topic::Ports,
        tier: Tier::Basic,
        make: port_number,
    },
    Generator {
        id: "gen.ports.service",
        topic: Topic::Ports,
        tier: Tier::Basic,
        make: port_service,
    },
    Generator {
        id: "gen.ports.well-known",
        topic: Topic::Ports,
        tier: Tier::Core,
        make: well_known,
    },
];

/// A service, its default port and transport, named in each language.
pub struct Service {
    /// The option text: "FTP (control)".
    pub name: Bilingual,
    /// The server, with its article: "an FTP server (for its control connection)".
    pub server: Bilingual,
    pub port: u16,
    pub transport: Bilingual,
}

/// An English and a Chinese string, usable in a `const` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bilingual {
    pub en: &'static str,
    pub zh: &'static str,
}

const fn both(en: &'static str, zh: &'static str) -> Bilingual {
    Bilingual { en, zh }
}

impl Bilingual {
    fn text(self) -> Text {
        Text::new(self.en, self.zh)
    }
}

/// Default ports (IANA assignments).
pub const SERVICES: &[Service] = &[
    Service {
        name: both("FTP (control)", "FTP（控制连接）"),
        server: both(
            "an FTP server (for its control connection)",
            "FTP 服务器（控制连接）",
        ),
        port: 21,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("SSH", "SSH"),
        server: both("an SSH server", "SSH 服务器"),
        port: 22,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("Telnet", "Telnet"),
        server: both("a Telnet server", "Telnet 服务器"),
        port: 23,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("SMTP", "SMTP"),
        server: both("an SMTP server", "SMTP 服务器"),
        port: 25,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("DNS", "DNS"),
        server: both("a DNS server", "DNS 服务器"),
        port: 53,
        transport: both("UDP and TCP", "UDP 和 TCP"),
    },
    Service {
        name: both("DHCP (server side)", "DHCP（服务器一侧）"),
        server: both("a DHCP server", "DHCP 服务器"),
        port: 67,
        transport: both("UDP", "UDP"),
    },
    Service {
        name: both("HTTP", "HTTP"),
        server: both("an HTTP server", "HTTP 服务器"),
        port: 80,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("POP3", "POP3"),
        server: both("a POP3 server", "POP3 服务器"),
        port: 110,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("NTP", "NTP"),
        server: both("an NTP server", "NTP 服务器"),
        port: 123,
        transport: both("UDP", "UDP"),
    },
    Service {
        name: both("IMAP", "IMAP"),
        server: both("an IMAP server", "IMAP 服务器"),
        port: 143,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("HTTPS", "HTTPS"),
        server: both("an HTTPS server", "HTTPS 服务器"),
        port: 443,
        transport: both("TCP (and UDP for HTTP/3)", "TCP（HTTP/3 用 UDP）"),
    },
    Service {
        name: both("MySQL", "MySQL"),
        server: both("a MySQL server", "MySQL 服务器"),
        port: 3306,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("RDP", "RDP"),
        server: both("an RDP server", "RDP 服务器"),
        port: 3389,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("PostgreSQL", "PostgreSQL"),
        server: both("a PostgreSQL server", "PostgreSQL 服务器"),
        port: 5432,
        transport: both("TCP", "TCP"),
    },
    Service {
        name: both("Redis", "Redis"),
        server: both("a Redis server", "Redis 服务器"),
        port: 6379,
        transport: both("TCP", "TCP"),
    },
];

/// Ports 0–1023 are the well-known (system) ports.
pub fn is_well_known(port: u16) -> bool {
    port < 1024
}

fn range_note(port: u16) -> (String, String) {
    if is_well_known(port) {
        (
            format!("{port} is below 1024: a well-known port."),
            format!("{port} 小于 1024：属于知名端口。"),
        )
    } else {
        (
            format!("{port} is above 1023: a registered port, not a well-known one."),
            format!("{port} 大于 1023：属于注册端口，不是知名端口。"),
        )
    }
}

fn port_number(rng: &mut ChaCha8Rng) -> Question {
    let s = pick(rng, SERVICES);
    let (note_en, note_zh) = range_note(s.port);
    Question {
        id: "gen.ports.number".into(),
        topic: Topic::Ports,
        concepts: vec!["addr.port".into()],
        prompt: text(
            format!("Which port does {} listen on by default?", s.server.en),
            format!("{}默认监听哪个端口？", s.server.zh),
        ),
        kind: QuestionKind::FillIn {
            expected: Expected::Number(u64::from(s.port)),
        },
        explanation: text(
            format!(
                "{} uses port {} ({}). {note_en}",
                s.name.en, s.port, s.transport.en
            ),
            format!(
                "{} 使用 {} 端口（{}）。{note_zh}",
                s.name.zh, s.port, s.transport.zh
            ),
        ),
        panel: None,
    }
}

fn port_service(rng: &mut ChaCha8Rng) -> Question {
    let s = pick(rng, SERVICES);
    let names: Vec<Text> = SERVICES.iter().map(|o| o.name.text()).collect();
    Question {
        id: "gen.ports.service".into(),
        topic: Topic::Ports,
        concepts: vec!["addr.port".into()],
        prompt: text(
            format!("Which service listens on port {} by default?", s.port),
            format!("默认监听 {} 端口的是哪种服务？", s.port),
        ),
        kind: shuffled_choice(rng, s.name.text(), &names, 4),
        explanation: text(
            format!("Port {} is {} ({}).", s.port, s.name.en, s.transport.en),
            format!("{} 端口是 {}（{}）。", s.port, s.name.zh, s.transport.zh),
        ),
        panel: None,
    }
}

fn well_known(rng: &mut ChaCha8Rng) -> Question {
    let port: u16 = if rng.random_bool(0.5) {
        pick(rng, SERVICES).port
    } else {
        rng.random_range(1..=65535)
    };
    let (note_en, note_zh) = range_note(port);
    Question {
        id: "gen.ports.well-known".into(),
        topic: Topic::Ports,
        concepts: vec!["addr.port".into()],
        prompt: text(
            format!("True or false: port {port} is a well-known port."),
            format!("判断：{port} 是知名端口。"),
        ),
        kind: QuestionKind::TrueFalse {
            correct: is_well_known(port),
        },
        explanation: text(
            format!(
                "Ports are 16-bit (0–65535); 0–1023 are well-known, 1024–49151 registered, the rest dynamic/ephemeral. {note_en}"
            ),
            format!(
                "端口是 16 位的（0–65535）；0–1023 是知名端口，1024–49151 是注册端口，其余是动态（临时）端口。{note_zh}"
            ),
        ),
        panel: None,
    }
}
