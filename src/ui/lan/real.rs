//! The LAN panel's real mode (`r`): the scenario on screen run in the virtual
//! network of [`crate::vnet`] — namespaces of the student's own kernel, a Linux
//! bridge as the switch, the kernel's own ARP — and shown from what was
//! captured, never from a script: every distinct frame once, in the order the
//! kernel stamped it, with the capture points that saw it; A's ARP cache, the
//! bridge's MAC table and A's and R's routing tables as they changed — rebuilt,
//! frame by frame, from the kernel's own netlink announcements
//! ([`crate::vnet::watch`]), each placed after the frames captured before it
//! was read; the facts the experiment computed from the frames.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::i18n::{Lang, t, tf};
use crate::net::arp::LanScenario;
use crate::ui::panel::WakeQueue;
use crate::vnet::capture::Frame;
use crate::vnet::frames::{Seen, Upper, dissect};
use crate::vnet::proto::Params;
use crate::vnet::watch::{Change, KernelEvent, Phase};
use crate::vnet::{Lab, Live, Outcome, VnetError};

/// The experiment of `nettutor net run` that plays a scenario for real.
pub fn experiment_of(scenario: LanScenario) -> &'static str {
    match scenario {
        LanScenario::SameNetwork => "arp-same-lan",
        LanScenario::ViaGateway => "arp-via-gateway",
    }
}

/// The scenario whose question a run of `experiment` answers (None: an
/// experiment of its own, asked no question).
pub fn scenario_of(experiment: &str) -> Option<LanScenario> {
    [LanScenario::SameNetwork, LanScenario::ViaGateway]
        .into_iter()
        .find(|&s| experiment_of(s) == experiment)
}

pub use super::predict::Question;

/// What the student predicts before the scenario runs for real.
pub fn question(scenario: LanScenario) -> Question {
    match scenario {
        LanScenario::SameNetwork => Question {
            ask: "lan.predict.same.ask",
            choices: &[
                "lan.predict.same.flooded",
                "lan.predict.same.to-a",
                "lan.predict.same.none",
            ],
        },
        LanScenario::ViaGateway => Question {
            ask: "lan.predict.gw.ask",
            choices: &[
                "lan.predict.gw.c",
                "lan.predict.gw.r",
                "lan.predict.gw.none",
            ],
        },
    }
}

/// Which choice of [`question`] the capture bears out, computed from the
/// run's report (None when the report does not say).
pub fn observed_choice(run: &RealRun) -> Option<usize> {
    let r = &run.report;
    match run.experiment.as_str() {
        "arp-same-lan" => {
            if r["arp_reply"].is_null() {
                return Some(2);
            }
            let seen = r["reply_seen_at"].as_array()?;
            let flooded = seen.iter().any(|p| p == "S:r" || p == "R:eth0");
            Some(if flooded { 0 } else { 1 })
        }
        "arp-via-gateway" => {
            let asked = r["a_arp_requests"].as_array()?;
            let targets: Vec<&str> = asked
                .iter()
                .filter_map(|q| q["target_ip"].as_str())
                .collect();
            let (dst, gateway) = (r["ping"]["to"].as_str()?, r["gateway"].as_str()?);
            if targets.is_empty() {
                Some(2)
            } else if targets.contains(&dst) {
                Some(0)
            } else if targets.contains(&gateway) {
                Some(1)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// "You predicted …; the capture shows …" for the facts list.
pub fn verdict(run: &RealRun, scenario: LanScenario, predicted: usize, lang: Lang) -> String {
    super::predict::verdict(
        lang,
        &super::predict::BY_CAPTURE,
        &question(scenario),
        predicted,
        observed_choice(run),
        &[],
    )
    .0
}

/// Copies of one frame seen at several points within this time count as one
/// frame (a bridge forwards in microseconds; a later identical frame, such as
/// a repeated ARP request, is a new one).
const SAME_FRAME_WITHIN_NS: u64 = 20_000_000;

/// Capture points in the order a frame crosses the lab, for "seen at".
const POINT_ORDER: [&str; 8] = [
    "A:eth0", "S:a", "S:b", "S:r", "B:eth0", "R:eth0", "R:eth1", "C:eth0",
];

/// One frame on the wire, with everywhere it was captured.
#[derive(Debug, Clone)]
pub struct RealFrame {
    /// Since the first frame shown, in microseconds.
    pub at_us: u64,
    /// Kernel timestamp of its first sighting, ns since the Unix epoch.
    pub ts_ns: u64,
    pub data: Vec<u8>,
    /// The first sighting, dissected.
    pub seen: Seen,
    /// Capture points that saw it, in [`POINT_ORDER`].
    pub points: Vec<String>,
    /// The host that sent it: the one whose capture point saw it first, going
    /// out.
    pub sender: Option<String>,
}

/// What a real run showed.
#[derive(Debug, Clone)]
pub struct RealRun {
    pub experiment: String,
    /// ARP and IPv4 frames, each once, oldest first.
    pub frames: Vec<RealFrame>,
    /// IPv6 frames the kernel sent meanwhile (neighbour discovery, MLD), not listed.
    pub ipv6_frames: usize,
    /// The experiment's report (facts computed from frames and kernel state).
    pub report: Value,
    /// The kernel's changes as the watcher read them, in that order, each
    /// placed among the frames.
    pub changes: Vec<RealChange>,
    pub setup_ms: f64,
    pub run_ms: f64,
    pub teardown_ms: f64,
    /// Frames the capture points' queues dropped, by the kernel's count.
    pub capture_dropped: u64,
    /// Still running: what has been streamed so far ([`LiveRun`]), no report
    /// and no timings yet.
    pub running: bool,
}

impl RealRun {
    pub fn from_outcome(outcome: &Outcome) -> RealRun {
        let ms = |us: u64| us as f64 / 1000.0;
        RealRun {
            report: outcome.report.clone(),
            setup_ms: ms(outcome.setup_us),
            run_ms: ms(outcome.run_us),
            teardown_ms: ms(outcome.teardown_us),
            capture_dropped: outcome.capture_dropped,
            ..RealRun::captured(&outcome.experiment, &outcome.frames, &outcome.events)
        }
    }

    /// The frames and the kernel's changes of a run, finished or not (no
    /// report, no timings).
    fn captured(experiment: &str, frames: &[Frame], events: &[KernelEvent]) -> RealRun {
        let mut all: Vec<&Frame> = frames.iter().collect();
        all.sort_by_key(|f| f.ts_ns);
        let mut frames: Vec<RealFrame> = Vec::new();
        let mut ipv6: Vec<(u64, &[u8])> = Vec::new();
        for frame in all {
            let Some(seen) = dissect(frame) else { continue };
            let recent = |ts: u64| frame.ts_ns.saturating_sub(ts) <= SAME_FRAME_WITHIN_NS;
            if seen.arp.is_none() && seen.ip.is_none() {
                // Not ARP or IPv4: counted (IPv6 neighbour discovery, MLD), not listed.
                if frame.data.get(12..14) == Some(&[0x86, 0xdd][..])
                    && !ipv6
                        .iter()
                        .any(|(ts, d)| *d == frame.data.as_slice() && recent(*ts))
                {
                    ipv6.push((frame.ts_ns, &frame.data));
                }
                continue;
            }
            match frames
                .iter_mut()
                .rev()
                .find(|f| f.data == frame.data && recent(f.ts_ns))
            {
                Some(f) => {
                    if !f.points.contains(&frame.point) {
                        f.points.push(frame.point.clone());
                    }
                }
                None => frames.push(RealFrame {
                    at_us: 0,
                    ts_ns: frame.ts_ns,
                    data: frame.data.clone(),
                    seen,
                    points: vec![frame.point.clone()],
                    sender: frame.outgoing.then(|| {
                        frame
                            .point
                            .split(':')
                            .next()
                            .unwrap_or_default()
                            .to_string()
                    }),
                }),
            }
        }
        let first = frames.first().map_or(0, |f| f.ts_ns);
        for f in &mut frames {
            f.at_us = (f.ts_ns - first) / 1000;
            f.points.sort_by_key(|p| {
                POINT_ORDER
                    .iter()
                    .position(|q| q == p)
                    .unwrap_or(POINT_ORDER.len())
            });
        }
        let changes = place_changes(events, &frames);
        RealRun {
            experiment: experiment.to_string(),
            frames,
            ipv6_frames: ipv6.len(),
            report: Value::Null,
            changes,
            setup_ms: 0.0,
            run_ms: 0.0,
            teardown_ms: 0.0,
            capture_dropped: 0,
            running: false,
        }
    }

    /// The frames as `w` writes them, with the kernel's own timestamps.
    pub fn stamped_frames(&self) -> Vec<(Duration, Vec<u8>)> {
        self.frames
            .iter()
            .map(|f| (Duration::from_nanos(f.ts_ns), f.data.clone()))
            .collect()
    }
}

/// One thing a running experiment streamed ([`crate::vnet::Live`], owned).
#[derive(Debug, Clone, PartialEq)]
pub enum LiveItem {
    Event(KernelEvent),
    Frames(Vec<Frame>),
    Samples(Vec<crate::vnet::tcpinfo::Sample>),
}

impl From<Live<'_>> for LiveItem {
    fn from(live: Live<'_>) -> LiveItem {
        match live {
            Live::Event(event) => LiveItem::Event(event.clone()),
            Live::Frames(frames) => LiveItem::Frames(frames.to_vec()),
            Live::Samples(samples) => LiveItem::Samples(samples.to_vec()),
        }
    }
}

/// A real run while it runs: what has been streamed so far and the view of
/// it, built as the finished run's is ([`RealRun`]: each frame once, the
/// changes placed among them, the tables by [`RealRun::tables_at`]).
#[derive(Debug)]
pub struct LiveRun {
    frames: Vec<Frame>,
    events: Vec<KernelEvent>,
    /// The run so far ([`RealRun::running`]).
    pub view: RealRun,
    /// The cursor follows the newest frame (until the student moves it).
    pub follow: bool,
    /// Where the worker queues what arrives ([`to_sink`]).
    pub queue: WakeQueue<LiveItem>,
}

impl LiveRun {
    pub fn new(experiment: &str) -> LiveRun {
        LiveRun {
            frames: Vec::new(),
            events: Vec::new(),
            view: RealRun {
                running: true,
                ..RealRun::captured(experiment, &[], &[])
            },
            follow: true,
            queue: WakeQueue::default(),
        }
    }

    /// Takes in what arrived (in arrival order) and rebuilds the view.
    pub fn absorb(&mut self, items: impl IntoIterator<Item = LiveItem>) {
        for item in items {
            match item {
                LiveItem::Event(event) => self.events.push(event),
                LiveItem::Frames(frames) => self.frames.extend(frames),
                // The frames and tables view has no chart (the loss view does).
                LiveItem::Samples(_) => {}
            }
        }
        self.view = RealRun {
            running: true,
            ..RealRun::captured(&self.view.experiment, &self.frames, &self.events)
        };
    }

    /// Frames captured so far, at every point (a frame the bridge forwarded
    /// counts at each port; the view lists it once).
    pub fn captured(&self) -> usize {
        self.frames.len()
    }
}

/// A change of kernel state, placed among the frames shown.
#[derive(Debug, Clone)]
pub struct RealChange {
    /// How many of the frames shown it came after (see [`place_changes`]):
    /// 0 before the first; `k` between frame `k` and frame `k + 1`.
    pub after: usize,
    pub event: KernelEvent,
}

/// Places each change among the frames. The kernel makes a change within
/// microseconds of the frame behind it (a whole ping on one LAN takes about
/// 40 µs), and netlink carries no timestamp: the watcher reads the
/// announcement a scheduling delay later, often after the last frame. So a
/// change is placed after the frame that caused it, matched by content, when
/// one was captured before the change was read:
/// - an ARP (neighbour) entry of host H for IP X at MAC M: the ARP frame from
///   X with sender MAC M captured at H (the kernel learns neighbours from ARP);
/// - a MAC-table entry M on port P: the first frame from source MAC M captured
///   at the bridge's port P (a bridge learns from source addresses).
///
/// Each host's changes keep the kernel's order (a change is never placed
/// before the one the same host announced before it); a change no frame
/// explains (a route, an entry flushed or expired) is placed with the change
/// before it. Set-up's changes are all before the first frame.
fn place_changes(events: &[KernelEvent], frames: &[RealFrame]) -> Vec<RealChange> {
    let mut previous: BTreeMap<&str, usize> = BTreeMap::new();
    events
        .iter()
        .map(|event| {
            if event.phase == Phase::Setup {
                return RealChange {
                    after: 0,
                    event: event.clone(),
                };
            }
            let floor = previous.get(event.host.as_str()).copied().unwrap_or(0);
            // Frames captured before the watcher read the change.
            let read = frames.partition_point(|f| f.ts_ns <= event.wall_ns);
            let caused = |k: &usize| *k + 1 >= floor && *k < read;
            let cause = match &event.change {
                Change::Neighbour {
                    removed: false,
                    entry,
                } => frames.iter().enumerate().position(|(k, f)| {
                    caused(&k)
                        && f.seen.arp.as_ref().is_some_and(|arp| {
                            std::net::IpAddr::V4(arp.sender_ip) == entry.ip
                                && entry.mac.as_deref() == Some(arp.sender_mac.as_str())
                        })
                        && f.points
                            .iter()
                            .any(|p| p.split(':').next() == Some(event.host.as_str()))
                }),
                Change::Fdb {
                    removed: false,
                    entry,
                } => {
                    let port = format!("{}:{}", event.host, entry.port);
                    frames.iter().enumerate().position(|(k, f)| {
                        caused(&k) && f.seen.src_mac == entry.mac && f.points.contains(&port)
                    })
                }
                _ => None,
            };
            let after = cause.map_or(floor, |k| k + 1);
            previous.insert(event.host.as_str(), after);
            RealChange {
                after,
                event: event.clone(),
            }
        })
        .collect()
}

/// How a row of a kernel table stands at the frame shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// As it was before this frame.
    Kept,
    /// New or changed since the frame before.
    Changed,
    /// Gone since the frame before (shown once, struck).
    Removed,
}

/// One row of a kernel table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub text: String,
    pub mark: Mark,
}

/// A's ARP cache, the bridge's MAC table and A's and R's IPv4 routing tables
/// as the kernel had them once a frame had passed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KernelTables {
    pub arp: Vec<Row>,
    pub bridge: Vec<Row>,
    pub routes: Vec<Row>,
    /// Built from the watcher's events (false: a run recorded without them,
    /// whose tables are the experiment's reading after the ping).
    pub live: bool,
}

/// One table being rebuilt: key → (text, mark).
#[derive(Default)]
struct Table(BTreeMap<String, Row>);

impl Table {
    /// Applies one change; `now` marks it as this frame's.
    fn apply(&mut self, key: String, text: String, removed: bool, now: bool) {
        if removed {
            if now {
                if let Some(row) = self.0.get_mut(&key) {
                    row.mark = Mark::Removed;
                }
            } else {
                self.0.remove(&key);
            }
            return;
        }
        let mark = match self.0.get(&key) {
            Some(row) if row.text == text && row.mark != Mark::Removed => row.mark,
            _ if now => Mark::Changed,
            _ => Mark::Kept,
        };
        self.0.insert(key, Row { text, mark });
    }

    fn rows(self) -> Vec<Row> {
        self.0.into_values().collect()
    }
}

fn route_text(host: &str, r: &crate::vnet::state::Route) -> String {
    let via = r.via.map(|v| format!(" via {v}")).unwrap_or_default();
    let dev = r
        .dev
        .as_deref()
        .map(|d| format!(" dev {d}"))
        .unwrap_or_default();
    format!("{host}: {}{via}{dev}", r.dest)
}

impl RealRun {
    /// The kernel's tables once frame `cursor` (0-based) had passed: every
    /// change read before the next frame applied, those read since the frame
    /// before marked.
    pub fn tables_at(&self, cursor: usize) -> KernelTables {
        if self.changes.is_empty() {
            let kept = |rows: Vec<String>| {
                rows.into_iter()
                    .map(|text| Row {
                        text,
                        mark: Mark::Kept,
                    })
                    .collect()
            };
            return KernelTables {
                arp: kept(arp_cache(self)),
                bridge: kept(bridge_table(self).unwrap_or_default()),
                routes: Vec::new(),
                live: false,
            };
        }
        let (mut arp, mut bridge, mut routes) =
            (Table::default(), Table::default(), Table::default());
        let last = self.frames.len().max(1);
        // Frame `cursor` is followed by changes placed `cursor + 1`; the last
        // frame by everything after it.
        let upto = if cursor + 1 >= last {
            usize::MAX
        } else {
            cursor + 1
        };
        let first_of_step = if cursor == 0 { 0 } else { cursor + 1 };
        for change in self.changes.iter().filter(|c| c.after <= upto) {
            let e = &change.event;
            let now = e.phase == Phase::Run && change.after >= first_of_step;
            match (&e.change, e.host.as_str()) {
                (Change::Neighbour { removed, entry }, "A") if entry.ip.is_ipv4() => arp.apply(
                    match entry.ip {
                        std::net::IpAddr::V4(ip) => format!("{:010}", u32::from(ip)),
                        std::net::IpAddr::V6(ip) => ip.to_string(),
                    },
                    format!(
                        "{} → {} ({})",
                        entry.ip,
                        entry.mac.as_deref().unwrap_or("—"),
                        entry.state
                    ),
                    *removed,
                    now,
                ),
                (Change::Fdb { removed, entry }, "S") if entry.learned => bridge.apply(
                    entry.mac.clone(),
                    format!("{} → {}", entry.mac, entry.port),
                    *removed,
                    now,
                ),
                (Change::Route { removed, route }, host @ ("A" | "R"))
                    if !route.dest.contains(':') =>
                {
                    routes.apply(
                        format!("{host} {:>3} {}", 32 - route.prefix_len, route.dest),
                        route_text(host, route),
                        *removed,
                        now,
                    );
                }
                _ => {}
            }
        }
        let mut bridge = bridge.rows();
        // As `bridge fdb` lists them: by port.
        bridge.sort_by(|a, b| {
            let port = |r: &Row| r.text.rsplit(' ').next().unwrap_or("").to_string();
            (port(a), &a.text).cmp(&(port(b), &b.text))
        });
        KernelTables {
            arp: arp.rows(),
            bridge,
            routes: routes.rows(),
            live: true,
        }
    }
}

/// One line naming what a frame is.
pub fn summary(seen: &Seen, lang: Lang) -> String {
    if let Some(arp) = &seen.arp {
        let (sender, target) = (arp.sender_ip.to_string(), arp.target_ip.to_string());
        return if arp.request {
            tf(
                lang,
                "lan.real.arp-request",
                &[("target", &target), ("sender", &sender)],
            )
        } else {
            tf(
                lang,
                "lan.real.arp-reply",
                &[("sender", &sender), ("mac", &arp.sender_mac)],
            )
        };
    }
    let Some(ip) = &seen.ip else {
        return String::new();
    };
    let mut args = vec![
        ("src", ip.src.to_string()),
        ("dst", ip.dst.to_string()),
        ("ttl", ip.ttl.to_string()),
    ];
    let key = if ip.is_fragment() {
        // Every fragment with its offset; only the first (offset 0, more
        // fragments to come) carries the UDP or TCP header.
        args.push(("offset", ip.fragment_offset.to_string()));
        args.push(("len", ip.total_len.to_string()));
        if ip.fragment_offset == 0 {
            "lan.real.fragment-first"
        } else {
            "lan.real.fragment"
        }
    } else {
        match &seen.upper {
            Some(Upper::Icmp { kind: 8, .. }) => "lan.real.echo-request",
            Some(Upper::Icmp { kind: 0, .. }) => "lan.real.echo-reply",
            Some(Upper::Icmp { kind: 11, .. }) => "lan.real.time-exceeded",
            // Fragmentation needed: the next hop's MTU in the last two bytes.
            Some(Upper::Icmp {
                kind: 3,
                code: 4,
                rest,
            }) => {
                args.push(("mtu", u16::from_be_bytes([rest[2], rest[3]]).to_string()));
                "lan.real.frag-needed"
            }
            Some(Upper::Icmp { kind: 3, code, .. }) => {
                args.push(("code", code.to_string()));
                "lan.real.unreachable"
            }
            Some(Upper::Udp { src, dst }) => {
                args.push(("sport", src.to_string()));
                args.push(("dport", dst.to_string()));
                args.push(("len", ip.total_len.to_string()));
                "lan.real.udp"
            }
            Some(Upper::Tcp {
                src,
                dst,
                flags,
                payload,
                window,
                ..
            }) => {
                args.push(("sport", src.to_string()));
                args.push(("dport", dst.to_string()));
                args.push(("flags", tcp_flags(*flags)));
                args.push(("len", payload.to_string()));
                args.push(("win", window.to_string()));
                "lan.real.tcp"
            }
            _ if ip.protocol == 2 => "lan.real.igmp",
            _ => "lan.real.ipv4",
        }
    };
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut line = tf(lang, key, &args);
    if ip.more_fragments {
        line.push_str(t(lang, "lan.real.more-fragments"));
    }
    line
}

/// TCP's flags as a capture tool names them (SYN, ACK, …).
fn tcp_flags(flags: u8) -> String {
    let names = [
        (0x02, "SYN"),
        (0x01, "FIN"),
        (0x04, "RST"),
        (0x08, "PSH"),
        (0x10, "ACK"),
    ];
    names
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

/// Where a frame was captured, as one line.
pub fn seen_at(frame: &RealFrame, lang: Lang) -> String {
    tf(
        lang,
        "lan.real.seen-at",
        &[
            ("src", &frame.seen.src_mac),
            ("dst", &frame.seen.dst_mac),
            ("points", &frame.points.join(", ")),
        ],
    )
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_string(),
        other => other.to_string(),
    }
}

/// The facts of the run, each one line, computed by the experiment from the
/// frames and the kernel (see `src/vnet/experiments/arp.rs`); any other
/// experiment's are the sentences `nettutor net run` prints.
pub fn facts(run: &RealRun, lang: Lang) -> Vec<String> {
    let r = &run.report;
    let mut out = Vec::new();
    match run.experiment.as_str() {
        "arp-same-lan" => {
            // Each sentence as the capture has it: a request sent unicast,
            // a reply flooded or missing, are said as such.
            let req = &r["arp_request"];
            let broadcast = req["dst_mac"] == "ff:ff:ff:ff:ff:ff";
            out.push(tf(
                lang,
                if broadcast {
                    "lan.real.fact.request"
                } else {
                    "lan.real.fact.request-unicast"
                },
                &[
                    ("target", &text(&req["target_ip"])),
                    ("dst", &text(&req["dst_mac"])),
                ],
            ));
            let reply = &r["arp_reply"];
            let points = |key: &str| -> String {
                r[key]
                    .as_array()
                    .map(|a| a.iter().map(text).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default()
            };
            let key = match observed_choice(run) {
                Some(0) => "lan.real.fact.reply-flooded",
                Some(2) => "lan.real.fact.no-reply",
                _ => "lan.real.fact.reply",
            };
            out.push(tf(
                lang,
                key,
                &[
                    ("dst", &text(&reply["dst_mac"])),
                    ("points", &points("reply_seen_at")),
                ],
            ));
            out.push(tf(
                lang,
                "lan.real.fact.bridge",
                &[
                    ("a", &text(&r["bridge_port_of_a"])),
                    ("b", &text(&r["bridge_port_of_b"])),
                ],
            ));
            out.push(tf(
                lang,
                "lan.real.fact.c-sees",
                &[("n", &text(&r["frames_from_a_at_c"]))],
            ));
        }
        "arp-via-gateway" => {
            let asked: Vec<String> = r["a_arp_requests"]
                .as_array()
                .map(|a| a.iter().map(|q| text(&q["target_ip"])).collect())
                .unwrap_or_default();
            out.push(tf(
                lang,
                "lan.real.fact.asked-gateway",
                &[
                    ("asked", &asked.join(", ")),
                    ("dst", &text(&r["ping"]["to"])),
                ],
            ));
            let (lan1, lan2) = (&r["echo_lan1"], &r["echo_lan2"]);
            out.push(tf(
                lang,
                "lan.real.fact.ttl",
                &[("one", &text(&lan1["ttl"])), ("two", &text(&lan2["ttl"]))],
            ));
            out.push(tf(
                lang,
                "lan.real.fact.macs",
                &[
                    ("one", &text(&lan1["src_mac"])),
                    ("two", &text(&lan2["src_mac"])),
                    ("src", &text(&lan1["src_ip"])),
                    ("dst", &text(&lan1["dst_ip"])),
                ],
            ));
        }
        other => out = crate::vnet::text::report_proofs(other, r, lang),
    }
    out
}

/// A's ARP cache after the run (IPv4 entries), as netlink read it.
pub fn arp_cache(run: &RealRun) -> Vec<String> {
    run.report["a_arp_cache"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|n| {
                    format!(
                        "{} → {} ({})",
                        text(&n["ip"]),
                        text(&n["mac"]),
                        text(&n["state"])
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The bridge's learned MAC table, when the experiment read it.
pub fn bridge_table(run: &RealRun) -> Option<Vec<String>> {
    run.report["bridge_fdb"].as_array().map(|rows| {
        rows.iter()
            .map(|e| format!("{} → {}", text(&e["mac"]), text(&e["port"])))
            .collect()
    })
}

/// Why a real run could not be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum RealLanError {
    /// No user namespaces and no root: the remedy, when this kernel has one.
    NoNamespaces {
        remedy: Option<String>,
    },
    Failed(String),
}

impl RealLanError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            RealLanError::NoNamespaces { remedy: Some(r) } => {
                tf(lang, "lan.real.no-namespaces", &[("remedy", r)])
            }
            RealLanError::NoNamespaces { remedy: None } => {
                t(lang, "lan.real.no-namespaces-root").to_string()
            }
            RealLanError::Failed(e) => tf(lang, "lan.real.failed", &[("error", e)]),
        }
    }
}

/// The result of a real run, for the LAN panel.
#[derive(Debug)]
pub struct LanRealRun(pub Result<Box<Outcome>, RealLanError>);

/// Runs `experiment` with its knobs in a fresh virtual network on a worker
/// thread: what it streams goes to `on_live` as it arrives, the result
/// through `done`. The lab process is started from that thread, which
/// outlives it (it shuts the lab down before it ends), so the lab's
/// parent-death signal cannot fire early; every wait in [`Lab`] is bounded.
pub fn spawn(
    exe: Option<PathBuf>,
    experiment: &'static str,
    params: Params,
    on_live: impl FnMut(LiveItem) + Send + 'static,
    done: impl FnOnce(LanRealRun) + Send + 'static,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let result = run(exe, experiment, params, on_live);
        done(LanRealRun(result));
    })
}

fn run(
    exe: Option<PathBuf>,
    experiment: &str,
    params: Params,
    mut on_live: impl FnMut(LiveItem),
) -> Result<Box<Outcome>, RealLanError> {
    let started = match exe {
        Some(exe) => Lab::start_from(&exe),
        None => Lab::start(),
    };
    let mut lab = started.map_err(|e| match e {
        VnetError::NoUserNamespaces { remedy, .. } => RealLanError::NoNamespaces { remedy },
        other => RealLanError::Failed(other.to_string()),
    })?;
    let outcome = lab
        .run_watching(experiment, params, |live| on_live(live.into()))
        .map_err(|e| RealLanError::Failed(e.to_string()))?;
    let _ = lab.shutdown();
    Ok(Box::new(outcome))
}

/// Sends a finished run to the app's channel (the panel's job sink).
pub fn to_sink(sink: crate::ui::panel::JobSink) -> impl FnOnce(LanRealRun) + Send + 'static {
    move |run| {
        sink.send(run);
    }
}

/// Queues what a run streams on `queue`, waking the panel
/// ([`crate::ui::msg::Job::LanLive`]) once per drain: a burst of frames costs
/// one redraw, and nothing arriving costs nothing.
pub fn live_to_sink(
    sink: crate::ui::panel::JobSink,
    queue: WakeQueue<LiveItem>,
) -> impl FnMut(LiveItem) + Send + 'static {
    move |item| {
        if queue.push(item) {
            sink.send(crate::ui::msg::Job::LanLive);
        }
    }
}
