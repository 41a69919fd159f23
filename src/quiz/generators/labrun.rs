//! Questions from the labs' real outcomes (issue 19): the concurrency, dns,
//! http and dhcp labs run on loopback with parameters the seed draws, and
//! every fact a question asks about — when the third client of an iterative
//! server got its first reply, which transport the resolver used after the TC
//! bit, which records answered, what a cached TTL had left, how the response
//! body was framed and how long it was, the order of DHCP's messages, the
//! addresses the Discover went from and to, option 53 — is read from the
//! lab's JSON report, never written down here.
//!
//! Like [`super::net`], these are not in [`super::all`] (a generator there
//! makes a question from a seed alone, in microseconds; these run sockets for
//! up to a few seconds); [`KINDS`] registers each kind with its topic and
//! tier, and [`IDS`] lets [`crate::quiz::identity`] name an instance by its
//! facts: two runs that saw the same facts ask the same question.

use std::sync::mpsc;
use std::time::Duration;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::report::{self, Report, choice, same};
use super::{Tier, link, shuffled_order, text};
use crate::i18n::Text;
use crate::lab::{Cancel, LabName, LabParams, NullSink, run_lab};
use crate::lesson::{PanelId, Question, QuestionKind, Topic};

pub const ITERATIVE_FIRST_REPLY: &str = "gen.sockets.iterative-first-reply";
pub const ITERATIVE_CONNECT: &str = "gen.sockets.iterative-connect";
pub const CONCURRENT_FIRST_REPLY: &str = "gen.sockets.concurrent-first-reply";
pub const DNS_TRUNCATED: &str = "gen.lab.dns-truncated";
pub const DNS_ANSWER: &str = "gen.lab.dns-answer";
pub const DNS_CACHE_TTL: &str = "gen.lab.dns-cache-ttl";
pub const DNS_EXPIRED: &str = "gen.lab.dns-expired";
pub const HTTP_FRAMING: &str = "gen.lab.http-framing";
pub const HTTP_CONTENT_LENGTH: &str = "gen.lab.http-content-length";
pub const HTTP_PIPELINED: &str = "gen.lab.http-pipelined";
pub const DHCP_ORDER: &str = "gen.lab.dhcp-order";
pub const DHCP_DISCOVER: &str = "gen.lab.dhcp-discover";
pub const DHCP_OPTION53: &str = "gen.lab.dhcp-option53";
pub const DHCP_RENEW: &str = "gen.lab.dhcp-renew";

/// Which run of a lab a kind of question reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Run {
    /// `concurrency --model iterative`.
    Iterative,
    /// `concurrency` with a concurrent model (threads, select or async).
    Concurrent,
    Dns,
    Http,
    Dhcp,
}

/// One kind of question: its id, topic and tier, and the run it reads.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub id: &'static str,
    pub topic: Topic,
    pub tier: Tier,
    pub run: Run,
}

const fn kind(id: &'static str, topic: Topic, tier: Tier, run: Run) -> Kind {
    Kind {
        id,
        topic,
        tier,
        run,
    }
}

/// Every kind, in teaching order. Concurrency is about the socket API
/// (`sockets`); DNS, HTTP and DHCP are predictions of the labs (`lab`).
pub const KINDS: &[Kind] = &[
    kind(
        ITERATIVE_CONNECT,
        Topic::Sockets,
        Tier::Basic,
        Run::Iterative,
    ),
    kind(
        CONCURRENT_FIRST_REPLY,
        Topic::Sockets,
        Tier::Core,
        Run::Concurrent,
    ),
    kind(
        ITERATIVE_FIRST_REPLY,
        Topic::Sockets,
        Tier::Stretch,
        Run::Iterative,
    ),
    kind(DNS_ANSWER, Topic::Lab, Tier::Basic, Run::Dns),
    kind(DNS_TRUNCATED, Topic::Lab, Tier::Core, Run::Dns),
    kind(DNS_CACHE_TTL, Topic::Lab, Tier::Core, Run::Dns),
    kind(DNS_EXPIRED, Topic::Lab, Tier::Stretch, Run::Dns),
    kind(HTTP_FRAMING, Topic::Lab, Tier::Basic, Run::Http),
    kind(HTTP_CONTENT_LENGTH, Topic::Lab, Tier::Core, Run::Http),
    kind(HTTP_PIPELINED, Topic::Lab, Tier::Stretch, Run::Http),
    kind(DHCP_ORDER, Topic::Lab, Tier::Basic, Run::Dhcp),
    kind(DHCP_DISCOVER, Topic::Lab, Tier::Core, Run::Dhcp),
    kind(DHCP_OPTION53, Topic::Lab, Tier::Core, Run::Dhcp),
    kind(DHCP_RENEW, Topic::Lab, Tier::Stretch, Run::Dhcp),
];

/// Every id a question of this module carries.
pub const IDS: &[&str] = &[
    ITERATIVE_CONNECT,
    CONCURRENT_FIRST_REPLY,
    ITERATIVE_FIRST_REPLY,
    DNS_ANSWER,
    DNS_TRUNCATED,
    DNS_CACHE_TTL,
    DNS_EXPIRED,
    HTTP_FRAMING,
    HTTP_CONTENT_LENGTH,
    HTTP_PIPELINED,
    DHCP_ORDER,
    DHCP_DISCOVER,
    DHCP_OPTION53,
    DHCP_RENEW,
];

/// The kind with this id.
pub fn kind_of(id: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.id == id)
}

/// The longest one lab run may take before it is cancelled (the labs bound
/// their own waits; this bounds the whole run).
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

/// What the seed drew: the parameters of every run and which of several
/// facts a question asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub clients: u64,
    pub service_ms: u64,
    /// The concurrent model (`threads`, `select` or `async`).
    pub model: &'static str,
    /// Which client, in the order served (2 = the second), the iterative
    /// question asks about.
    pub nth: u64,
    /// The DHCP lease in seconds and the pool's first address.
    pub lease_s: u64,
    pub first: u64,
    /// Which DHCP message (0–3) the option-53 question shows.
    pub dhcp_message: usize,
    /// Which response (0: `GET /`, 1: `GET /chunked`) the framing question asks about.
    pub http_response: usize,
    /// Which name the DNS answer question asks about (`web`, `www` or `nosuch`).
    pub dns_name: &'static str,
}

/// The concurrent models a question may ask about.
const MODELS: [&str; 3] = ["threads", "select", "async"];
/// The names of the built-in zone the answer question may ask about.
const DNS_NAMES: [&str; 3] = ["web", "www", "nosuch"];

impl Case {
    pub fn draw(rng: &mut ChaCha8Rng) -> Case {
        let clients = rng.random_range(3..=5);
        Case {
            clients,
            service_ms: *super::pick(rng, &[100, 150, 200, 250]),
            model: MODELS[rng.random_range(0..MODELS.len())],
            nth: rng.random_range(2..=clients),
            lease_s: *super::pick(rng, &[8, 10, 20, 30, 60]),
            first: *super::pick(rng, &[10, 50, 100, 150, 200]),
            dhcp_message: rng.random_range(0..4),
            http_response: rng.random_range(0..2),
            dns_name: DNS_NAMES[rng.random_range(0..DNS_NAMES.len())],
        }
    }

    /// The lab and its options for `run`.
    pub fn params(&self, run: Run) -> (LabName, Vec<String>) {
        match run {
            Run::Iterative => (
                LabName::Concurrency,
                vec![
                    format!("clients={}", self.clients),
                    "model=iterative".into(),
                    format!("service-ms={}", self.service_ms),
                ],
            ),
            Run::Concurrent => (
                LabName::Concurrency,
                vec![
                    format!("clients={}", self.clients),
                    format!("model={}", self.model),
                    format!("service-ms={}", self.service_ms),
                ],
            ),
            // The built-in zone and names; 3 s of watching lets `short` (TTL 2) expire.
            Run::Dns => (LabName::Dns, vec!["watch=3".into()]),
            Run::Http => (LabName::Http, Vec::new()),
            Run::Dhcp => (
                LabName::Dhcp,
                vec![
                    format!("lease={}", self.lease_s),
                    format!("first={}", self.first),
                    "renew=false".into(),
                ],
            ),
        }
    }

    /// The Labs panel argument that runs `run` again.
    fn panel_arg(&self, run: Run) -> String {
        let (lab, words) = self.params(run);
        let mut arg = format!("lab={}", lab.as_str());
        for w in words {
            arg.push(' ');
            arg.push_str(&w);
        }
        arg
    }
}

/// Runs the lab of `run` for `case` on loopback, bounded by [`RUN_LIMIT`],
/// and returns its JSON report.
pub fn run_case(case: &Case, run: Run) -> Result<Value, String> {
    let (lab, words) = case.params(run);
    let params =
        LabParams::from_pairs(lab, words.iter().map(String::as_str)).map_err(|e| e.to_string())?;
    let cancel = Cancel::new();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let report = std::thread::scope(|scope| {
        let watchdog = cancel.clone();
        scope.spawn(move || {
            if done_rx.recv_timeout(RUN_LIMIT) == Err(mpsc::RecvTimeoutError::Timeout) {
                watchdog.cancel();
            }
        });
        let report = run_lab(&params, &NullSink, &cancel);
        let _ = done_tx.send(());
        report
    })
    .map_err(|e| format!("the {} lab: {e}", lab.as_str()))?;
    serde_json::from_str(&report.to_json()).map_err(|e| e.to_string())
}

/// Runs every lab the kinds of `topics` (all when empty) need, with the
/// parameters `rng` draws, and returns their questions in tier order.
pub fn offer(rng: &mut ChaCha8Rng, topics: &[Topic]) -> Result<Vec<Question>, String> {
    let case = Case::draw(rng);
    let wanted: Vec<&Kind> = KINDS
        .iter()
        .filter(|k| topics.is_empty() || topics.contains(&k.topic))
        .collect();
    let mut runs: Vec<Run> = wanted.iter().map(|k| k.run).collect();
    runs.sort_unstable();
    runs.dedup();
    let mut out = Vec::new();
    for run in runs {
        let report = run_case(&case, run)?;
        out.extend(
            from_report(rng, &case, run, &report)?
                .into_iter()
                .filter(|q| wanted.iter().any(|k| k.id == q.id)),
        );
    }
    Ok(tier_order(out))
}

/// Questions in the order a quiz takes them: Core, Basic, Stretch, Core, …
/// (as [`super::tier_order`] orders generators).
fn tier_order(questions: Vec<Question>) -> Vec<Question> {
    let tier = |q: &Question| kind_of(&q.id).map_or(Tier::Core, |k| k.tier);
    let mut lanes: Vec<std::collections::VecDeque<Question>> =
        [Tier::Core, Tier::Basic, Tier::Stretch]
            .iter()
            .map(|t| {
                questions
                    .iter()
                    .filter(|q| tier(q) == *t)
                    .cloned()
                    .collect()
            })
            .collect();
    let mut out = Vec::with_capacity(questions.len());
    while out.len() < questions.len() {
        for lane in &mut lanes {
            out.extend(lane.pop_front());
        }
    }
    out
}

/// The questions one run's report answers; an error names the fact the
/// report lacks.
pub fn from_report(
    rng: &mut ChaCha8Rng,
    case: &Case,
    run: Run,
    report: &Value,
) -> Result<Vec<Question>, String> {
    let r = Report::new(report, format!("{run:?}"));
    match run {
        Run::Iterative => Ok(vec![
            iterative_connect(rng, case, &r)?,
            iterative_first_reply(rng, case, &r)?,
        ]),
        Run::Concurrent => Ok(vec![concurrent_first_reply(rng, case, &r)?]),
        Run::Dns => Ok(vec![
            dns_answer(rng, case, &r)?,
            dns_truncated(rng, case, &r)?,
            dns_cache_ttl(rng, case, &r)?,
            dns_expired(rng, case, &r)?,
        ]),
        Run::Http => Ok(vec![
            http_framing(rng, case, &r)?,
            http_content_length(rng, case, &r)?,
            http_pipelined(rng, case, &r)?,
        ]),
        Run::Dhcp => Ok(vec![
            dhcp_order(rng, case, &r)?,
            dhcp_discover(rng, case, &r)?,
            dhcp_option53(rng, case, &r)?,
            dhcp_renew(rng, case, &r)?,
        ]),
    }
}

/// A question of this module: of its kind's topic, opening its run in the
/// labs panel.
fn question(
    id: &str,
    concepts: &[&str],
    prompt: Text,
    kind: QuestionKind,
    explanation: Text,
    panel: String,
) -> Question {
    let topic = kind_of(id).map_or(Topic::Lab, |k| k.topic);
    let panel = link(PanelId::Labs, panel);
    report::question(id, topic, concepts, prompt, kind, explanation, panel)
}

// ---- concurrency ----------------------------------------------------------

fn ordinal(n: u64) -> Text {
    let en = match n {
        1 => "first".to_string(),
        2 => "second".to_string(),
        3 => "third".to_string(),
        4 => "fourth".to_string(),
        5 => "fifth".to_string(),
        n => format!("{n}th"),
    };
    text(en, format!("第 {n} 个"))
}

/// "about 400 ms after the clients start" for a wait of `ms`.
fn about_ms(ms: u64) -> Text {
    if ms == 0 {
        text("at once (within a few ms)", "立刻（几毫秒之内）")
    } else {
        text(
            format!("after about {ms} ms"),
            format!("大约 {ms} 毫秒之后"),
        )
    }
}

/// `ms` rounded to the nearest multiple of `step`.
fn in_steps(ms: f64, step: u64) -> u64 {
    let step_f = step as f64;
    ((ms / step_f).round().max(0.0) as u64) * step
}

/// The clients' first-reply times, earliest first: the order served.
fn waits_in_order(r: &Report) -> Result<Vec<f64>, String> {
    let mut waits = r
        .list("/clients")?
        .iter()
        .map(|c| {
            c.get("first_reply_ms")
                .and_then(Value::as_f64)
                .ok_or_else(|| "a client has no first_reply_ms".to_string())
        })
        .collect::<Result<Vec<f64>, String>>()?;
    waits.sort_by(f64::total_cmp);
    Ok(waits)
}

/// The wait of the `nth` client served, in steps of the service time: the
/// fact the iterative question keys (public for the tests).
pub fn nth_first_reply_ms(report: &Value, nth: u64, service_ms: u64) -> Option<u64> {
    let r = Report::new(report, format!("{:?}", Run::Iterative));
    let waits = waits_in_order(&r).ok()?;
    let i = usize::try_from(nth.checked_sub(1)?).ok()?;
    waits.get(i).map(|w| in_steps(*w, service_ms))
}

fn iterative_first_reply(
    rng: &mut ChaCha8Rng,
    case: &Case,
    r: &Report,
) -> Result<Question, String> {
    let t = r.u64("/service_ms")?;
    let n = case.clients;
    let waits = waits_in_order(r)?;
    let i = usize::try_from(case.nth - 1).map_err(|e| e.to_string())?;
    let seen = *waits
        .get(i)
        .ok_or_else(|| format!("the report has no client {}", case.nth))?;
    let right = in_steps(seen, t);
    let nth = ordinal(case.nth);
    let distractors: Vec<Text> = [
        0,
        case.nth * t,
        (case.nth - 1) * t,
        (case.nth + 1) * t,
        n * t,
        t,
    ]
    .into_iter()
    .map(about_ms)
    .collect();
    Ok(question(
        ITERATIVE_FIRST_REPLY,
        &["sock.concurrency", "sock.blocking"],
        text(
            format!(
                "An iterative server (accept, serve, close, then the next accept) spends {t} ms on each client. {n} clients connect at the same moment. When does the {} client it serves get its first reply?",
                nth.en
            ),
            format!(
                "一个迭代服务器（accept、服务、close，然后才下一次 accept）在每个客户端上花 {t} 毫秒。{n} 个客户端同时连接。它服务的{}客户端什么时候收到第一个回复？",
                nth.zh
            ),
        ),
        choice(rng, about_ms(right), &distractors),
        text(
            format!(
                "The lab ran exactly this on loopback: that client's first reply came after {seen:.0} ms. The server finishes each client before it calls accept() again, so the k-th client served waits for the k − 1 before it: (k − 1) × {t} ms. Its connect() had completed at once; it waited in the accept queue."
            ),
            format!(
                "实验在环回上照此运行：这个客户端在 {seen:.0} 毫秒后收到第一个回复。服务器服务完一个客户端才再次调用 accept()，所以第 k 个被服务的客户端要等前面 k − 1 个：(k − 1) × {t} 毫秒。它的 connect() 早就立刻完成了，它是在 accept 队列里等着。"
            ),
        ),
        case.panel_arg(Run::Iterative),
    ))
}

/// The connect() answer: whether every connect returned within a quarter of
/// the service time (public for the tests).
pub fn connects_at_once(report: &Value) -> Option<bool> {
    let t = report.get("service_ms")?.as_f64()?;
    let slowest = report
        .get("clients")?
        .as_array()?
        .iter()
        .filter_map(|c| c.get("connect_ms").and_then(Value::as_f64))
        .fold(0.0, f64::max);
    Some(slowest < t / 4.0)
}

fn iterative_connect(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let t = r.u64("/service_ms")?;
    let n = case.clients;
    let at_once = connects_at_once(r.value()).ok_or("the report has no connect times")?;
    let slowest = r
        .list("/clients")?
        .iter()
        .filter_map(|c| c.get("connect_ms").and_then(Value::as_f64))
        .fold(0.0, f64::max);
    let peak = r.value().get("accept_queue_peak").and_then(Value::as_u64);
    let queued = text(
        "at once: the kernel completes the handshake and holds the connection in the accept queue",
        "立刻：内核完成握手，把连接放在 accept 队列里",
    );
    let when_accepted = text(
        "only when the server calls accept() for it, after the clients before it",
        "要等服务器为它调用 accept() 时，也就是前面的客户端都服务完之后",
    );
    let refused = text(
        "never: the server is busy, so the connection is refused",
        "永远不会：服务器正忙，连接被拒绝",
    );
    let after_one = text(
        format!("after about {t} ms, when the first client is done"),
        format!("大约 {t} 毫秒后，第一个客户端服务完时"),
    );
    let right = if at_once {
        queued.clone()
    } else {
        when_accepted.clone()
    };
    let queue = peak.map_or(String::new(), |p| {
        format!(" The kernel's accept queue held up to {p} of them.")
    });
    let queue_zh = peak.map_or(String::new(), |p| {
        format!("内核的 accept 队列里最多排着 {p} 个。")
    });
    Ok(question(
        ITERATIVE_CONNECT,
        &["sock.concurrency", "sock.backlog"],
        text(
            format!(
                "{n} clients connect at the same moment to an iterative server that spends {t} ms on each client. When does the last client's connect() return?"
            ),
            format!(
                "{n} 个客户端同时连接一个迭代服务器，服务器在每个客户端上花 {t} 毫秒。最后一个客户端的 connect() 什么时候返回？"
            ),
        ),
        choice(rng, right, &[queued, when_accepted, refused, after_one]),
        text(
            format!(
                "In the lab's run every connect() returned within {slowest:.1} ms: the three-way handshake is the kernel's work, done before accept() is called (listen()'s backlog bounds how many may wait).{queue} Waiting comes later, for the first reply."
            ),
            format!(
                "在实验的运行中，每个 connect() 都在 {slowest:.1} 毫秒内返回：三次握手是内核的工作，在调用 accept() 之前就完成了（listen() 的 backlog 限制能排队的个数）。{queue_zh}要等的是后面的第一个回复。"
            ),
        ),
        case.panel_arg(Run::Iterative),
    ))
}

/// The concurrent question's key: the longest first-reply wait, in steps of
/// the service time (public for the tests).
pub fn concurrent_max_wait(report: &Value) -> Option<u64> {
    let t = report.get("service_ms")?.as_u64()?;
    let wait = report.get("max_wait_ms")?.as_f64()?;
    Some(in_steps(wait, t))
}

fn model_words(model: &str) -> Text {
    match model {
        "threads" => text("a thread per client", "每个客户端一个线程"),
        "select" => text(
            "one thread with a readiness loop (select/epoll, Python's selectors)",
            "单线程加就绪事件循环（select/epoll，即 Python 的 selectors）",
        ),
        _ => text(
            "one thread with an async runtime (like asyncio)",
            "单线程加异步运行时（类似 asyncio）",
        ),
    }
}

fn concurrent_first_reply(
    rng: &mut ChaCha8Rng,
    case: &Case,
    r: &Report,
) -> Result<Question, String> {
    let t = r.u64("/service_ms")?;
    let n = case.clients;
    let model = r.str("/model")?;
    let seen = r.f64("/max_wait_ms")?;
    let right = concurrent_max_wait(r.value()).ok_or("the report has no max_wait_ms")?;
    let how = model_words(&model);
    let distractors: Vec<Text> = [0, t, (n - 1) * t, n * t]
        .into_iter()
        .map(about_ms)
        .collect();
    Ok(question(
        CONCURRENT_FIRST_REPLY,
        &["sock.concurrency"],
        text(
            format!(
                "A server written with {} spends {t} ms on each client. {n} clients connect at the same moment. When does the last of them get its first reply?",
                how.en
            ),
            format!(
                "一个用{}写成的服务器在每个客户端上花 {t} 毫秒。{n} 个客户端同时连接。其中最晚的那个什么时候收到第一个回复？",
                how.zh
            ),
        ),
        choice(rng, about_ms(right), &distractors),
        text(
            format!(
                "The lab ran this server ({model}): the longest wait for a first reply was {seen:.1} ms. It serves every client at once, so nobody waits for another client's {t} ms; an iterative server would make the last wait about {} ms.",
                (n - 1) * t
            ),
            format!(
                "实验运行了这个服务器（{model}）：等第一个回复最久的也只等了 {seen:.1} 毫秒。它同时服务所有客户端，谁也不用等别的客户端的 {t} 毫秒；换成迭代服务器，最后一个要等大约 {} 毫秒。",
                (n - 1) * t
            ),
        ),
        case.panel_arg(Run::Concurrent),
    ))
}

// ---- dns --------------------------------------------------------------------

/// The queries of the report as (name, type, entry).
fn queries<'a>(r: &'a Report) -> Result<Vec<(&'a str, &'a str, &'a Value)>, String> {
    Ok(r.list("/queries")?
        .iter()
        .filter_map(|q| Some((q.get("name")?.as_str()?, q.get("type")?.as_str()?, q)))
        .collect())
}

fn field<'a>(q: &'a Value, key: &str) -> Option<&'a str> {
    q.get(key).and_then(Value::as_str)
}

/// The transport of the query that followed the truncated UDP answer for
/// the same name and type (public for the tests).
pub fn transport_after_tc(report: &Value) -> Option<(String, String)> {
    let list = report.get("queries")?.as_array()?;
    let i = list
        .iter()
        .position(|q| q.get("truncated").and_then(Value::as_bool) == Some(true))?;
    let tc = &list[i];
    let next = list[i + 1..]
        .iter()
        .find(|q| q.get("name") == tc.get("name") && q.get("type") == tc.get("type"))?;
    Some((
        field(tc, "name")?.to_string(),
        field(next, "transport")?.to_string(),
    ))
}

fn transport_text(transport: &str) -> Text {
    match transport {
        "tcp" => text(
            "it asks the same question again over TCP, to the same server and port",
            "它通过 TCP 向同一个服务器、同一个端口再问一遍同样的问题",
        ),
        "udp" => text(
            "it asks again over UDP with a bigger receive buffer",
            "它用更大的接收缓冲区通过 UDP 再问一遍",
        ),
        _ => text(
            "it keeps the records that fitted and asks nothing more",
            "它保留装得下的那些记录，不再询问",
        ),
    }
}

fn dns_truncated(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let (name, transport) =
        transport_after_tc(r.value()).ok_or("the dns report has no truncated answer")?;
    let fitted = r.u64("/answers_in_truncated")?;
    let full = queries(r)?
        .iter()
        .find(|(n, _, q)| *n == name && field(q, "transport") == Some(transport.as_str()))
        .and_then(|(_, _, q)| q.get("answers").and_then(Value::as_array).map(Vec::len))
        .unwrap_or(0);
    let rest = text(
        "the server sends the rest in a second UDP datagram",
        "服务器用第二个 UDP 数据报把其余部分发过来",
    );
    Ok(question(
        DNS_TRUNCATED,
        &["app.dns"],
        text(
            format!(
                "The lab's resolver asks for the A records of {name} over UDP. The answer comes back with the TC (truncated) bit set: not everything fitted in 512 bytes. What does the resolver do?"
            ),
            format!(
                "实验的解析器通过 UDP 查询 {name} 的 A 记录。回答带着 TC（截断）标志回来：512 字节装不下全部内容。解析器接下来怎么做？"
            ),
        ),
        choice(
            rng,
            transport_text(&transport),
            &[
                transport_text("tcp"),
                transport_text("udp"),
                transport_text("none"),
                rest,
            ],
        ),
        text(
            format!(
                "In the lab's run the UDP answer held {fitted} records with TC set; the resolver asked again over {} and got all {full}. A classic DNS answer over UDP is at most 512 bytes; TCP (also port 53) has no such limit: each message is sent with a 2-byte length in front.",
                transport.to_ascii_uppercase()
            ),
            format!(
                "在实验的运行中，UDP 回答只装下 {fitted} 条记录并设置了 TC；解析器通过 {} 再问一遍，拿到了全部 {full} 条。经典的 DNS UDP 回答最多 512 字节；TCP（同样是 53 端口）没有这个限制：每条消息前面加 2 字节的长度。",
                transport.to_ascii_uppercase()
            ),
        ),
        case.panel_arg(Run::Dns),
    ))
}

/// The first network answer to `name` (`web` → `web.lab.test.`) type A: its
/// rcode and records (public for the tests).
pub fn dns_first_answer(report: &Value, short: &str) -> Option<(String, Vec<String>)> {
    let q = report.get("queries")?.as_array()?.iter().find(|q| {
        field(q, "name").is_some_and(|n| n.split('.').next() == Some(short))
            && field(q, "type") == Some("A")
            && field(q, "transport") != Some("cache")
    })?;
    let answers = q
        .get("answers")?
        .as_array()?
        .iter()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    Some((field(q, "rcode")?.to_string(), answers))
}

fn answer_text(rcode: &str, answers: &[String]) -> Text {
    if answers.is_empty() {
        return text(
            format!("no records: the rcode is {rcode}"),
            format!("没有记录：响应码是 {rcode}"),
        );
    }
    same(answers.join(", then "))
}

fn dns_answer(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let (rcode, answers) = dns_first_answer(r.value(), case.dns_name)
        .ok_or_else(|| format!("the dns report has no answer for {}", case.dns_name))?;
    let origin = r.str("/zone_origin")?;
    let fqdn = format!("{}.{origin}", case.dns_name);
    let www = dns_first_answer(r.value(), "www")
        .map(|(_, a)| a)
        .unwrap_or_default();
    let web = dns_first_answer(r.value(), "web")
        .map(|(_, a)| a)
        .unwrap_or_default();
    let cname = format!("CNAME www.{origin}");
    let mut distractors = vec![
        answer_text("NOERROR", &web),
        answer_text("NOERROR", &www),
        answer_text("NXDOMAIN", &[]),
        same(cname.clone()),
        answer_text("REFUSED", &[]),
    ];
    distractors.retain(|d| !d.en.is_empty());
    Ok(question(
        DNS_ANSWER,
        &["app.dns"],
        text(
            format!(
                "The lab's zone ({origin}) has: www A 192.0.2.10, www AAAA 2001:db8::10, web CNAME www, short A 192.0.2.11 and 40 A records for many. The resolver asks for {fqdn} type A. What does the answer hold?"
            ),
            format!(
                "实验的区（{origin}）里有：www A 192.0.2.10、www AAAA 2001:db8::10、web CNAME www、short A 192.0.2.11，以及 many 的 40 条 A 记录。解析器查询 {fqdn} 的 A 记录。回答里是什么？"
            ),
        ),
        choice(rng, answer_text(&rcode, &answers), &distractors),
        text(
            format!(
                "The lab's server answered {rcode} with: {}. An alias (CNAME) is answered with the alias record followed by the records of the name it points to; a name the zone does not have is NXDOMAIN (no such domain), not an empty success.",
                if answers.is_empty() {
                    "no records".to_string()
                } else {
                    answers.join(", ")
                }
            ),
            format!(
                "实验的服务器回答 {rcode}，内容：{}。别名（CNAME）的回答先是别名记录，再是它指向的名字的记录；区里没有的名字回答 NXDOMAIN（不存在的域名），而不是空的成功回答。",
                if answers.is_empty() {
                    "没有记录".to_string()
                } else {
                    answers.join("，")
                }
            ),
        ),
        case.panel_arg(Run::Dns),
    ))
}

/// How the resolver answered the repeated `www` A: its transport and TTL
/// (public for the tests).
pub fn repeated_www(report: &Value) -> Option<(String, u64)> {
    let list = report.get("queries")?.as_array()?;
    let www: Vec<&Value> = list
        .iter()
        .filter(|q| {
            field(q, "name").is_some_and(|n| n.starts_with("www.")) && field(q, "type") == Some("A")
        })
        .collect();
    let second = www.get(1)?;
    Some((
        field(second, "transport")?.to_string(),
        second.get("ttl")?.as_u64()?,
    ))
}

/// The TTL left in the cache for `www` A when the run ended (public for the tests).
pub fn www_ttl_left(report: &Value) -> Option<u64> {
    report
        .get("cache")?
        .as_array()?
        .iter()
        .find(|c| {
            field(c, "name").is_some_and(|n| n.starts_with("www.")) && field(c, "type") == Some("A")
        })?
        .get("ttl_left")?
        .as_u64()
}

fn dns_cache_ttl(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let (_, first) =
        dns_first_answer(r.value(), "www").ok_or("the dns report has no www answer")?;
    let ttl = queries(r)?
        .iter()
        .find(|(n, t, _)| n.starts_with("www.") && *t == "A")
        .and_then(|(_, _, q)| q.get("ttl").and_then(Value::as_u64))
        .ok_or("the dns report has no TTL for www")?;
    let left = www_ttl_left(r.value()).ok_or("the dns report has no cache entry for www")?;
    let waited = ttl.saturating_sub(left);
    let (via, _) = repeated_www(r.value()).ok_or("the dns report has no second www query")?;
    let secs = |n: u64| text(format!("{n} s"), format!("{n} 秒"));
    Ok(question(
        DNS_CACHE_TTL,
        &["app.dns"],
        text(
            format!(
                "The resolver gets {} for www with a TTL of {ttl} s and caches it. {waited} s later, how many seconds of that TTL are left in its cache?",
                first.join(", ")
            ),
            format!(
                "解析器得到 www 的 {}，TTL 为 {ttl} 秒，并把它缓存起来。{waited} 秒之后，缓存里这个 TTL 还剩多少秒？",
                first.join("，")
            ),
        ),
        choice(
            rng,
            secs(left),
            &[
                secs(ttl),
                secs(ttl + waited),
                secs(waited),
                secs(left.saturating_sub(1)),
                secs(0),
            ],
        ),
        text(
            format!(
                "The lab's cache showed {left} s left: a cached answer counts its TTL down, and when it reaches 0 the resolver must ask again. Until then the answer comes from the cache without a message (the repeated www query was answered from: {via})."
            ),
            format!(
                "实验的缓存显示还剩 {left} 秒：缓存的回答会让 TTL 倒数，到 0 时解析器必须重新询问。在那之前，回答直接来自缓存，不发任何消息（重复的 www 查询的来源：{via}）。"
            ),
        ),
        case.panel_arg(Run::Dns),
    ))
}

/// Whether the answer with the shortest TTL was asked again after it
/// expired, and over which transport (public for the tests).
pub fn refreshed(report: &Value) -> Option<(String, u64, String)> {
    let q = report
        .get("queries")?
        .as_array()?
        .iter()
        .find(|q| q.get("refreshed").and_then(Value::as_bool) == Some(true))?;
    Some((
        field(q, "name")?.to_string(),
        q.get("ttl")?.as_u64()?,
        field(q, "transport")?.to_string(),
    ))
}

fn dns_expired(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let (name, ttl, transport) =
        refreshed(r.value()).ok_or("the dns report shows no expired answer asked again")?;
    let again = text(
        format!(
            "the resolver asks the server again (over {})",
            transport.to_ascii_uppercase()
        ),
        format!(
            "解析器重新询问服务器（通过 {}）",
            transport.to_ascii_uppercase()
        ),
    );
    Ok(question(
        DNS_EXPIRED,
        &["app.dns"],
        text(
            format!(
                "{name} comes with a TTL of {ttl} s and the resolver caches it, then keeps watching its cache for 3 s. What happens when the TTL runs out?"
            ),
            format!(
                "{name} 的 TTL 是 {ttl} 秒，解析器把它缓存起来，然后继续观察缓存 3 秒。TTL 用完时会发生什么？"
            ),
        ),
        choice(
            rng,
            again,
            &[
                text(
                    "the answer stays in the cache until the resolver restarts",
                    "回答一直留在缓存里，直到解析器重启",
                ),
                text(
                    "the server pushes a fresh copy to the resolver by itself",
                    "服务器主动把新的副本推送给解析器",
                ),
                text(
                    "the cache keeps answering with TTL 0",
                    "缓存继续以 TTL 0 回答",
                ),
            ],
        ),
        text(
            format!(
                "In the lab's run the cached {name} expired after {ttl} s and the resolver sent a new query over {}: DNS has no push; a TTL is how long an answer may be reused, and after it the name must be looked up again.",
                transport.to_ascii_uppercase()
            ),
            format!(
                "在实验的运行中，缓存的 {name} 在 {ttl} 秒后过期，解析器通过 {} 发出了新的查询：DNS 没有推送；TTL 是回答可以重复使用的时长，过期后必须重新查询。",
                transport.to_ascii_uppercase()
            ),
        ),
        case.panel_arg(Run::Dns),
    ))
}

// ---- http -------------------------------------------------------------------

/// How a response's body was framed: `chunked` or `content-length` (public
/// for the tests).
pub fn response_framing(report: &Value, i: usize) -> Option<&'static str> {
    let res = report.get("responses")?.as_array()?.get(i)?;
    if res.get("chunked")?.as_bool()? {
        Some("chunked")
    } else if res.get("content_length").and_then(Value::as_u64).is_some() {
        Some("content-length")
    } else {
        Some("close")
    }
}

fn framing_text(framing: &str) -> Text {
    match framing {
        "chunked" => text(
            "Transfer-Encoding: chunked: each chunk comes after its size in hex, and a chunk of size 0 ends the body",
            "Transfer-Encoding: chunked：每块数据前是它的十六进制长度，长度为 0 的块表示正文结束",
        ),
        "content-length" => text(
            "a Content-Length header gives the body's size in bytes",
            "Content-Length 首部给出正文的字节数",
        ),
        "blank" => text(
            "a blank line (CRLF CRLF) after the body",
            "正文后面的一个空行（CRLF CRLF）",
        ),
        _ => text(
            "the server closes the connection after the body",
            "服务器在正文之后关闭连接",
        ),
    }
}

fn http_framing(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let i = case.http_response;
    let path = r.str(&format!("/requests/{i}/path"))?;
    let framing = response_framing(r.value(), i)
        .ok_or_else(|| format!("the http report has no response {i}"))?;
    let bytes = r.u64(&format!("/responses/{i}/bytes"))?;
    Ok(question(
        HTTP_FRAMING,
        &["app.http", "tcp.framing"],
        text(
            format!(
                "The lab's HTTP/1.1 client sends GET {path} and keeps the connection open for more requests. How does it know where the server's response body ends?"
            ),
            format!(
                "实验的 HTTP/1.1 客户端发送 GET {path}，并保持连接以便发送更多请求。它怎么知道服务器响应的正文在哪里结束？"
            ),
        ),
        choice(
            rng,
            framing_text(framing),
            &[
                framing_text("content-length"),
                framing_text("chunked"),
                framing_text("close"),
                framing_text("blank"),
            ],
        ),
        text(
            format!(
                "The lab's client read that response's body ({bytes} bytes) by {}. TCP is a byte stream, so HTTP frames the body itself — by a length up front or by chunks — and the connection can carry the next response right after it. A blank line ends the headers, not the body.",
                if framing == "chunked" {
                    "its chunks"
                } else {
                    "its Content-Length"
                }
            ),
            format!(
                "实验的客户端按{}读出了那个响应的正文（{bytes} 字节）。TCP 是字节流，所以 HTTP 自己给正文分帧——要么预先给出长度，要么分块——同一个连接上紧接着还能传下一个响应。空行结束的是首部，不是正文。",
                if framing == "chunked" {
                    "分块"
                } else {
                    "Content-Length"
                }
            ),
        ),
        case.panel_arg(Run::Http),
    ))
}

/// The Content-Length of the response to `GET /` (public for the tests).
pub fn root_content_length(report: &Value) -> Option<u64> {
    report
        .get("responses")?
        .as_array()?
        .first()?
        .get("content_length")?
        .as_u64()
}

fn http_content_length(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let len =
        root_content_length(r.value()).ok_or("the http report has no Content-Length for GET /")?;
    let body = r.str("/responses/0/body")?;
    let shown = body.strip_suffix("\\n").unwrap_or(&body);
    let bytes = |n: u64| text(format!("{n}"), format!("{n}"));
    Ok(question(
        HTTP_CONTENT_LENGTH,
        &["app.http"],
        text(
            format!(
                "The lab's server answers GET / with the body \"{shown}\" followed by one newline (\\n), in ASCII. What is the response's Content-Length?"
            ),
            format!(
                "实验的服务器用正文“{shown}”加一个换行符（\\n）回答 GET /，全是 ASCII 字符。这个响应的 Content-Length 是多少？"
            ),
        ),
        choice(
            rng,
            bytes(len),
            &[
                bytes(len.saturating_sub(1)),
                bytes(len + 1),
                bytes(len + 2),
                bytes(len + 4),
            ],
        ),
        text(
            format!(
                "The lab's client read Content-Length: {len} and took exactly {len} bytes after the blank line: every character and the newline, one byte each. Content-Length counts the body only — not the headers, not the CRLF CRLF that ends them."
            ),
            format!(
                "实验的客户端读到 Content-Length: {len}，并在空行之后正好取了 {len} 字节：每个字符和换行符各占一个字节。Content-Length 只计正文——不含首部，也不含结束首部的 CRLF CRLF。"
            ),
        ),
        case.panel_arg(Run::Http),
    ))
}

fn http_pipelined(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let found = r.u64("/pipelined_in_one_write")?;
    let post_len = r.u64("/requests/2/body_len")?;
    let count = |n: u64| same(n.to_string());
    Ok(question(
        HTTP_PIPELINED,
        &["app.http", "tcp.sticky"],
        text(
            "In one write() the lab's client sends: GET /chunked; POST /echo with Content-Length: 11 and the body \"hello world\"; and POST /echo with Transfer-Encoding: chunked and its chunks. How many requests does the server's parser find in the bytes of that one write?",
            "实验的客户端在一次 write() 里发送：GET /chunked；带 Content-Length: 11 和正文“hello world”的 POST /echo；以及带 Transfer-Encoding: chunked 和各个分块的 POST /echo。服务器的解析器在这一次写入的字节里找到几个请求？",
        ),
        choice(rng, count(found), &[count(1), count(2), count(3), count(4)]),
        text(
            format!(
                "The lab's server found {found}: it parses a request's head up to the blank line, then takes the body its framing says ({post_len} bytes for the Content-Length POST, chunks up to the 0 chunk for the other) and starts the next request right after. One write is not one message — HTTP's own answer to sticky packets."
            ),
            format!(
                "实验的服务器找到了 {found} 个：它先解析请求头直到空行，再按分帧方式取正文（带 Content-Length 的 POST 取 {post_len} 字节，另一个取到长度为 0 的块为止），紧接着开始解析下一个请求。一次写入不等于一条消息——这就是 HTTP 自己对黏包的解决办法。"
            ),
        ),
        case.panel_arg(Run::Http),
    ))
}

// ---- dhcp -------------------------------------------------------------------

fn dhcp_name(code: u64) -> Text {
    match code {
        1 => text(
            "DHCPDISCOVER (client, broadcast)",
            "DHCPDISCOVER（客户端，广播）",
        ),
        2 => text("DHCPOFFER (server)", "DHCPOFFER（服务器）"),
        3 => text("DHCPREQUEST (client)", "DHCPREQUEST（客户端）"),
        5 => text("DHCPACK (server)", "DHCPACK（服务器）"),
        6 => text("DHCPNAK (server)", "DHCPNAK（服务器）"),
        other => same(format!("DHCP type {other}")),
    }
}

/// The message types (option 53) until the client was bound (public for the tests).
pub fn dora(report: &Value) -> Option<Vec<u64>> {
    report
        .get("dora")?
        .as_array()?
        .iter()
        .map(Value::as_u64)
        .collect()
}

fn dhcp_order(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let codes = dora(r.value()).ok_or("the dhcp report has no dora")?;
    if codes.len() < 2 {
        return Err("the dhcp report's exchange is too short".into());
    }
    let items: Vec<Text> = codes.iter().map(|c| dhcp_name(*c)).collect();
    let shown = shuffled_order(rng, items.len());
    let address = r.str("/lease/address")?;
    Ok(question(
        DHCP_ORDER,
        &["app.dhcp"],
        text(
            "A host with no address yet gets one from a DHCP server. Put the messages in the order they were sent in the lab.",
            "一台还没有地址的主机从 DHCP 服务器获得地址。把实验中发送的消息按顺序排好。",
        ),
        QuestionKind::Order { items, shown },
        text(
            format!(
                "The lab's exchange went Discover, Offer, Request, Ack (option 53 = {}), and the client was bound to {address}. Discover looks for a server, Offer proposes an address, Request asks for that offer (telling every server which one it chose), Ack confirms the lease.",
                codes
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!(
                "实验中的交换依次是 Discover、Offer、Request、Ack（选项 53 = {}），客户端获得了 {address}。Discover 寻找服务器，Offer 提供一个地址，Request 请求这个提议（并让所有服务器知道它选了哪一个），Ack 确认租约。",
                codes
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        case.panel_arg(Run::Dhcp),
    ))
}

/// The Discover's addresses on the LAN: (from, to) (public for the tests).
pub fn discover_addresses(report: &Value) -> Option<(String, String)> {
    let m = report
        .get("messages")?
        .as_array()?
        .iter()
        .find(|m| m.get("code").and_then(Value::as_u64) == Some(1))?;
    Some((
        field(m, "lan_src")?.to_string(),
        field(m, "lan_dst")?.to_string(),
    ))
}

fn dhcp_discover(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let (src, dst) = discover_addresses(r.value()).ok_or("the dhcp report has no Discover")?;
    let server = r.str("/lease/server_id")?;
    let address = r.str("/lease/address")?;
    let pair = |a: &str, b: &str| same(format!("{a} → {b}"));
    Ok(question(
        DHCP_DISCOVER,
        &["app.dhcp", "addr.port"],
        text(
            "A host with no IPv4 address yet sends DHCPDISCOVER. From which address and port, to which address and port?",
            "一台还没有 IPv4 地址的主机发送 DHCPDISCOVER。它从哪个地址和端口发往哪个地址和端口？",
        ),
        choice(
            rng,
            pair(&src, &dst),
            &[
                pair("0.0.0.0:68", "255.255.255.255:67"),
                pair("0.0.0.0:67", "255.255.255.255:68"),
                pair("0.0.0.0:68", &format!("{server}:67")),
                pair(&format!("{address}:68"), "255.255.255.255:67"),
                pair("127.0.0.1:68", "127.0.0.1:67"),
            ],
        ),
        text(
            format!(
                "The lab's Discover went {src} → {dst}: the client has no address yet, so it sends from 0.0.0.0, and it does not know the server, so it broadcasts to 255.255.255.255 (to ff:ff:ff:ff:ff:ff on the Ethernet). Clients use UDP port 68, servers 67."
            ),
            format!(
                "实验中的 Discover 是 {src} → {dst}：客户端还没有地址，所以从 0.0.0.0 发出；它也不知道服务器在哪里，所以广播到 255.255.255.255（以太网上是 ff:ff:ff:ff:ff:ff）。客户端用 UDP 68 端口，服务器用 67。"
            ),
        ),
        case.panel_arg(Run::Dhcp),
    ))
}

/// Option 53 of message `i` (public for the tests).
pub fn option53(report: &Value, i: usize) -> Option<(String, u64)> {
    let m = report.get("messages")?.as_array()?.get(i)?;
    Some((
        field(m, "type")?.to_string(),
        m.get("options")?.get("53")?.as_u64()?,
    ))
}

fn dhcp_option53(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let (kind, code) = option53(r.value(), case.dhcp_message)
        .ok_or_else(|| format!("the dhcp report has no message {}", case.dhcp_message))?;
    let n = |v: u64| same(v.to_string());
    Ok(question(
        DHCP_OPTION53,
        &["app.dhcp"],
        text(
            format!(
                "Option 53 (DHCP Message Type) says what kind of DHCP message a datagram is. Which value does it carry in the {kind} of the lab's exchange?"
            ),
            format!(
                "选项 53（DHCP 消息类型）说明一个数据报是哪一种 DHCP 消息。实验交换中的 {kind} 里，它的值是多少？"
            ),
        ),
        choice(rng, n(code), &[n(1), n(2), n(3), n(5), n(4), n(6)]),
        text(
            format!(
                "The lab's {kind} carried option 53 = {code}. The values: 1 Discover, 2 Offer, 3 Request, 4 Decline, 5 Ack, 6 Nak, 7 Release, 8 Inform. DHCP reuses BOOTP's message format, so this option, not the op field (1 request, 2 reply), names the step."
            ),
            format!(
                "实验中的 {kind} 携带选项 53 = {code}。取值：1 Discover、2 Offer、3 Request、4 Decline、5 Ack、6 Nak、7 Release、8 Inform。DHCP 沿用 BOOTP 的报文格式，所以说明是哪一步的是这个选项，而不是 op 字段（1 请求，2 应答）。"
            ),
        ),
        case.panel_arg(Run::Dhcp),
    ))
}

/// The lease, T1 and T2 the Ack named, in seconds (public for the tests).
pub fn lease_times(report: &Value) -> Option<(u64, u64, u64)> {
    let l = report.get("lease")?;
    Some((
        l.get("lease_s")?.as_u64()?,
        l.get("t1_s")?.as_u64()?,
        l.get("t2_s")?.as_u64()?,
    ))
}

fn dhcp_renew(rng: &mut ChaCha8Rng, case: &Case, r: &Report) -> Result<Question, String> {
    let (lease, t1, t2) = lease_times(r.value()).ok_or("the dhcp report has no lease times")?;
    let address = r.str("/lease/address")?;
    let secs = |n: u64| text(format!("after {n} s"), format!("{n} 秒之后"));
    Ok(question(
        DHCP_RENEW,
        &["app.dhcp"],
        text(
            format!(
                "The lab's DHCP server leases {address} for {lease} s (option 51) and leaves the renewal time T1 at RFC 2131's default. When does the client first ask to renew, by a unicast DHCPREQUEST to the server?"
            ),
            format!(
                "实验的 DHCP 服务器把 {address} 租给客户端 {lease} 秒（选项 51），续租时间 T1 取 RFC 2131 的默认值。客户端什么时候第一次用单播 DHCPREQUEST 向服务器请求续租？"
            ),
        ),
        choice(
            rng,
            secs(t1),
            &[
                secs(lease),
                secs(t2),
                secs(lease / 4),
                secs(lease.saturating_sub(1)),
            ],
        ),
        text(
            format!(
                "The lab's Ack named T1 = {t1} s (option 58) and T2 = {t2} s (option 59): by RFC 2131's defaults, half the lease and seven eighths of it. At T1 the client renews with its own server (unicast); only if that fails, at T2 it rebinds by broadcast to any server; at {lease} s the lease ends."
            ),
            format!(
                "实验中的 Ack 给出 T1 = {t1} 秒（选项 58）和 T2 = {t2} 秒（选项 59）：按 RFC 2131 的默认值，分别是租期的一半和八分之七。到 T1 时客户端向原来的服务器续租（单播）；只有续租失败，到 T2 时才广播给任何服务器重新绑定；到 {lease} 秒租约结束。"
            ),
        ),
        case.panel_arg(Run::Dhcp),
    ))
}
