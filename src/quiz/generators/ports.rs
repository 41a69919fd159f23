//! Well-known and registered ports.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Generator, pick, shuffled_choice, text};
use crate::i18n::Text;
use crate::lesson::{Expected, Question, QuestionKind, Topic};

pub const GENERATORS: &[Generator] = &[
    Generator {
        id: "gen.ports.number",
        topic: Topic::Ports,
        make: port_number,
    },
    Generator {
        id: "gen.ports.service",
        topic: Topic::Ports,
        make: port_service,
    },
    Generator {
        id: "gen.ports.well-known",
        topic: Topic::Ports,
        make: well_known,
    },
];

/// A service, its default port and transport.
pub struct Service {
    pub name: &'static str,
    pub port: u16,
    pub transport: &'static str,
}

/// Default ports (IANA assignments).
pub const SERVICES: &[Service] = &[
    Service {
        name: "FTP (control)",
        port: 21,
        transport: "TCP",
    },
    Service {
        name: "SSH",
        port: 22,
        transport: "TCP",
    },
    Service {
        name: "Telnet",
        port: 23,
        transport: "TCP",
    },
    Service {
        name: "SMTP",
        port: 25,
        transport: "TCP",
    },
    Service {
        name: "DNS",
        port: 53,
        transport: "UDP and TCP",
    },
    Service {
        name: "DHCP (server)",
        port: 67,
        transport: "UDP",
    },
    Service {
        name: "HTTP",
        port: 80,
        transport: "TCP",
    },
    Service {
        name: "POP3",
        port: 110,
        transport: "TCP",
    },
    Service {
        name: "NTP",
        port: 123,
        transport: "UDP",
    },
    Service {
        name: "IMAP",
        port: 143,
        transport: "TCP",
    },
    Service {
        name: "HTTPS",
        port: 443,
        transport: "TCP (and UDP for HTTP/3)",
    },
    Service {
        name: "MySQL",
        port: 3306,
        transport: "TCP",
    },
    Service {
        name: "RDP",
        port: 3389,
        transport: "TCP",
    },
    Service {
        name: "PostgreSQL",
        port: 5432,
        transport: "TCP",
    },
    Service {
        name: "Redis",
        port: 6379,
        transport: "TCP",
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
            format!("Which port does a {} server listen on by default?", s.name),
            format!("{} 服务器默认监听哪个端口？", s.name),
        ),
        kind: QuestionKind::FillIn {
            expected: Expected::Number(u64::from(s.port)),
        },
        explanation: text(
            format!(
                "{} uses port {} ({}). {note_en}",
                s.name, s.port, s.transport
            ),
            format!(
                "{} 使用 {} 端口（{}）。{note_zh}",
                s.name, s.port, s.transport
            ),
        ),
        panel: None,
    }
}

fn port_service(rng: &mut ChaCha8Rng) -> Question {
    let s = pick(rng, SERVICES);
    let names: Vec<Text> = SERVICES.iter().map(|o| Text::new(o.name, o.name)).collect();
    Question {
        id: "gen.ports.service".into(),
        topic: Topic::Ports,
        concepts: vec!["addr.port".into()],
        prompt: text(
            format!("Which service listens on port {} by default?", s.port),
            format!("默认监听 {} 端口的是哪种服务？", s.port),
        ),
        kind: shuffled_choice(rng, Text::new(s.name, s.name), &names, 4),
        explanation: text(
            format!("Port {} is {} ({}).", s.port, s.name, s.transport),
            format!("{} 端口是 {}（{}）。", s.port, s.name, s.transport),
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
