//! The LAN panel's loss view (`t`): `tcp-loss` run live in the virtual network
//! with the loss and seed the student sets, and shown from what was captured
//! and what the kernel said — never from a script:
//!
//! - cwnd and ssthresh over time, a chart of the sender's `TCP_INFO` samples;
//! - the connection as captured on A's side of the impaired link (every
//!   transmission, the dropped ones included), one row per segment: a segment
//!   A sent that never reached C's capture is marked lost; a resend is marked
//!   with how it came about (timeout, fast retransmit after duplicate ACKs,
//!   early), as `crate::net::impaired::classify` reads the capture; C's
//!   duplicate ACKs are counted and SACK shown;
//! - the final numbers (data segments sent, of them dropped on the link —
//!   other dropped frames, bare ACKs or SYN/FIN, apart —, retransmitted,
//!   time): the drops from the marked rows, the rest from the report;
//! - predict, then observe: before the run (`r`) three questions — will C
//!   read every byte in order, how many segments will A resend, what share
//!   of UDP's datagrams will be lost — and after it each answer beside what
//!   the report shows ([`QUESTIONS`], [`observed`]).

use std::collections::HashMap;

use pnet_packet::Packet as _;
use pnet_packet::ethernet::EthernetPacket;
use pnet_packet::ipv4::Ipv4Packet;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LegendPosition, Widget};
use serde_json::Value;

use super::predict::{self, Asking, Question};
use super::real::LiveItem;
use crate::i18n::{Lang, t, tf};
use crate::net::impaired::{Chance, Kind, classify};
use crate::ui::panel::RenderCtx;
use crate::ui::panel::WakeQueue;
use crate::ui::text::{fit, wrap};
use crate::vnet::experiments::connection;
use crate::vnet::frames::{Upper, dissect_all, transmission};
use crate::vnet::proto::{Params, Recovery};
use crate::vnet::tcpinfo::Sample;
use crate::vnet::topology::A_IP;
use crate::vnet::{Outcome, capture::Frame};

/// The loss settings `-` and `+` step through, percent.
pub const LOSS_STEPS: [f64; 6] = [0.0, 1.0, 2.0, 5.0, 10.0, 20.0];
/// The experiment this view runs.
pub const EXPERIMENT: &str = "tcp-loss";
/// Linux's shortest retransmission timeout, as the experiment classifies with.
const MIN_RTO_NS: u64 = 200_000_000;

/// Predict, then observe: what the student answers before tcp-loss runs (the
/// texts take `{loss}`, the link's loss in %).
pub const QUESTIONS: [Question; 3] = [
    Question {
        ask: "lan.loss.predict.tcp.ask",
        choices: &[
            "lan.loss.predict.tcp.all",
            "lan.loss.predict.tcp.missing",
            "lan.loss.predict.tcp.disordered",
        ],
    },
    Question {
        ask: "lan.loss.predict.resent.ask",
        choices: &[
            "lan.loss.predict.resent.none",
            "lan.loss.predict.resent.few",
            "lan.loss.predict.resent.many",
        ],
    },
    Question {
        ask: "lan.loss.predict.udp.ask",
        choices: &[
            "lan.loss.predict.udp.none",
            "lan.loss.predict.udp.about",
            "lan.loss.predict.udp.more",
        ],
    },
];

/// What each of [`QUESTIONS`] is about, named in its verdict.
const TOPICS: [&str; 3] = [
    "lan.loss.predict.tcp.topic",
    "lan.loss.predict.resent.topic",
    "lan.loss.predict.udp.topic",
];

/// The loss view's verdicts: a mark, the question's topic, the answer and
/// what the run showed (its report: C's reads, A's capture, UDP's count).
const VERDICTS: predict::Verdicts = predict::Verdicts {
    right: "lan.loss.predict.right",
    wrong: "lan.loss.predict.wrong",
    unknown: "lan.loss.predict.unknown",
};

/// "A few" resent segments are at most this many (the choice's text says so).
pub const FEW_RESENDS: u64 = 10;

/// How far above the link's loss UDP's may come and still be "about" it,
/// in percentage points: three standard deviations of the share a plan
/// drops of the experiment's datagrams (binomial; 1,000 datagrams at 5 %
/// lose 50 ± 7, so 2.1 points), at least half a point.
fn about_margin(loss_pct: f64) -> f64 {
    let p = (loss_pct / 100.0).clamp(0.0, 1.0);
    let n = f64::from(crate::vnet::experiments::UDP_DATAGRAMS);
    (300.0 * (p * (1.0 - p) / n).sqrt()).max(0.5)
}

/// Which choice of each of [`QUESTIONS`] the run bears out, from its report
/// (None where the report does not say).
pub fn observed(run: &LossRun) -> [Option<usize>; 3] {
    let tt = &run.totals;
    let tcp = match (tt.bytes_sent, tt.bytes_delivered, tt.in_order) {
        (0, _, _) => None,
        (sent, got, _) if got < sent => Some(1),
        (_, _, true) => Some(0),
        (_, _, false) => Some(2),
    };
    let resent = Some(match tt.retransmitted {
        0 => 0,
        n if n <= FEW_RESENDS => 1,
        _ => 2,
    });
    let loss = run.knobs.loss_pct;
    // UDP never resends, so "hardly any: sent again" is never what a run
    // shows; a run that lost fewer than the link's share still lost just
    // what the link dropped. Only a loss well beyond it is "far more".
    let udp = tt
        .udp_lost_pct
        .map(|p| if p > loss + about_margin(loss) { 2 } else { 1 });
    [tcp, resent, udp]
}

/// A loss in % as the texts show it (5, 0.5).
fn pct_text(pct: f64) -> String {
    format!("{pct}")
}

/// The knobs: the link's loss, the plan's seed and how A finds its losses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Knobs {
    pub loss_pct: f64,
    pub seed: u64,
    pub recovery: Recovery,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            loss_pct: 5.0,
            seed: 1,
            recovery: Recovery::Linux,
        }
    }
}

impl Knobs {
    /// One step more (`up`) or less loss.
    pub fn step(&mut self, up: bool) {
        let at = LOSS_STEPS
            .iter()
            .position(|&p| p >= self.loss_pct)
            .unwrap_or(LOSS_STEPS.len() - 1);
        let next = if up {
            (at + 1).min(LOSS_STEPS.len() - 1)
        } else {
            at.saturating_sub(1)
        };
        self.loss_pct = LOSS_STEPS[next];
    }

    pub fn params(&self) -> Params {
        Params {
            loss: Chance::percent(self.loss_pct).ok(),
            seed: Some(self.seed),
            recovery: Some(self.recovery),
        }
    }

    /// `c`: Linux's own recovery or the classic rules, in turn.
    pub fn toggle_recovery(&mut self) {
        self.recovery = match self.recovery {
            Recovery::Linux => Recovery::Classic,
            Recovery::Classic => Recovery::Linux,
        };
    }
}

/// One `TCP_INFO` sample.
#[derive(Debug, Clone, PartialEq)]
pub struct CwndPoint {
    pub t_ms: f64,
    pub cwnd: f64,
    pub ssthresh: Option<f64>,
}

/// How a resend came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    Timeout,
    Fast,
    Early,
}

/// One segment of the connection as A's side of the link saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeqRow {
    /// Since the SYN, ms.
    pub t_ms: f64,
    /// Sent by A (else by C).
    pub from_a: bool,
    /// TCP flags.
    pub flags: u8,
    /// Relative to the sender's initial sequence number.
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    pub sack: bool,
    /// A sent it and C's capture never had it: the link dropped it.
    pub lost: bool,
    pub resend: Option<Resend>,
    /// C's n-th duplicate ACK in a row.
    pub dup_ack: Option<u32>,
    /// The kernel's timestamp of its capture at A, ns since the Unix epoch.
    pub ts_ns: u64,
    /// The frame as captured (for the inspector).
    pub data: Vec<u8>,
}

/// The final numbers, from the experiment's report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub data_segments_sent: u64,
    pub data_segments_at_c: u64,
    /// A's data segments the link dropped (the lost rows with a payload)…
    pub dropped_data: u64,
    /// … and its other frames it dropped (bare ACKs, SYN, FIN).
    pub dropped_other: u64,
    pub retransmitted: u64,
    pub timeout: u64,
    pub fast: u64,
    pub early: u64,
    /// The kernel's own count (`tcpi_total_retrans`).
    pub kernel_retrans: Option<u64>,
    pub transfer_ms: f64,
    pub bytes_sent: u64,
    pub bytes_delivered: u64,
    pub in_order: bool,
    pub udp_lost_pct: Option<f64>,
}

/// What a running tcp-loss has shown so far, counted from the frames
/// streamed (the report's numbers come with the outcome).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// UDP datagrams A sent, and how many of them C's capture has.
    pub udp_sent: u64,
    pub udp_at_c: u64,
    /// TCP data segments A sent (resends included).
    pub segments: u64,
    /// A's data segments the link is known to have dropped (see `rows`),
    /// its other frames it dropped (bare ACKs, SYN, FIN), and the segments A
    /// resent (as the finished run counts them).
    pub lost: u64,
    pub lost_other: u64,
    pub resent: u64,
}

/// What one tcp-loss run showed.
#[derive(Debug, Clone, PartialEq)]
pub struct LossRun {
    pub knobs: Knobs,
    pub samples: Vec<CwndPoint>,
    pub rows: Vec<SeqRow>,
    pub totals: Totals,
    /// Still running: the counts so far (the totals come with the outcome).
    pub progress: Option<Progress>,
}

impl From<&Sample> for CwndPoint {
    fn from(s: &Sample) -> CwndPoint {
        CwndPoint {
            t_ms: s.t_ms,
            cwnd: f64::from(s.cwnd),
            ssthresh: s.ssthresh.map(f64::from),
        }
    }
}

/// A tcp-loss run while it runs: the frames and samples streamed so far and
/// the view of them, built by the same code as the finished run's.
#[derive(Debug, Clone)]
pub struct LiveLoss {
    /// The knobs the run was started with (the student may turn them for
    /// the next run meanwhile).
    knobs: Knobs,
    frames: Vec<Frame>,
    samples: Vec<CwndPoint>,
    /// The sequence diagram's cursor follows the newest segment (until the
    /// student moves it).
    pub follow: bool,
    /// Where the worker queues what arrives (`real::live_to_sink`).
    pub queue: WakeQueue<LiveItem>,
}

impl Default for LiveLoss {
    fn default() -> Self {
        LiveLoss {
            knobs: Knobs::default(),
            frames: Vec::new(),
            samples: Vec::new(),
            follow: true,
            queue: WakeQueue::default(),
        }
    }
}

impl LiveLoss {
    /// Takes in what arrived and returns the run so far.
    pub fn absorb(&mut self, items: impl IntoIterator<Item = LiveItem>) -> LossRun {
        for item in items {
            match item {
                LiveItem::Frames(frames) => self.frames.extend(frames),
                LiveItem::Samples(samples) => {
                    self.samples.extend(samples.iter().map(CwndPoint::from));
                }
                // The loss view shows no kernel tables.
                LiveItem::Event(_) => {}
            }
        }
        LossRun::so_far(self.knobs, &self.frames, self.samples.clone())
    }
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or_default()
}

impl LossRun {
    /// The connection as captured at A, as `w` writes it, with the kernel's
    /// own timestamps (every transmission, the ones the link dropped too).
    pub fn stamped_frames(&self) -> Vec<(std::time::Duration, Vec<u8>)> {
        self.rows
            .iter()
            .map(|r| (std::time::Duration::from_nanos(r.ts_ns), r.data.clone()))
            .collect()
    }

    pub fn from_outcome(outcome: &Outcome) -> LossRun {
        let r = &outcome.report;
        let (link, tcp) = (&r["link"], &r["tcp"]);
        let knobs = Knobs {
            loss_pct: link["loss_pct"].as_f64().unwrap_or_default(),
            seed: num(&link["seed"]),
            // A report from before `--recovery` ran with Linux's own.
            recovery: serde_json::from_value(tcp["recovery"]["mode"].clone()).unwrap_or_default(),
        };
        let samples = tcp["cwnd_samples"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|s| CwndPoint {
                        t_ms: s["t_ms"].as_f64().unwrap_or_default(),
                        cwnd: s["cwnd"].as_f64().unwrap_or_default(),
                        ssthresh: s["ssthresh"].as_f64(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let retrans = &tcp["retransmissions"];
        let totals = Totals {
            data_segments_sent: num(&tcp["data_segments_sent"]),
            data_segments_at_c: num(&tcp["data_segments_at_c"]),
            dropped_data: 0,
            dropped_other: 0,
            retransmitted: num(&retrans["total"]),
            timeout: num(&retrans["timeout"]),
            fast: num(&retrans["fast"]),
            early: num(&retrans["early"]),
            kernel_retrans: tcp["tcp_info"]["total_retrans"].as_u64(),
            transfer_ms: tcp["transfer_ms"].as_f64().unwrap_or_default(),
            bytes_sent: num(&tcp["bytes_sent"]),
            bytes_delivered: num(&tcp["bytes_delivered"]),
            in_order: tcp["in_order"].as_bool().unwrap_or(false),
            udp_lost_pct: r["udp"]["lost_pct"].as_f64(),
        };
        let rows = rows(&outcome.frames, true);
        let (dropped_data, dropped_other) = dropped(&rows);
        let totals = Totals {
            dropped_data,
            dropped_other,
            ..totals
        };
        LossRun {
            knobs,
            samples,
            rows,
            totals,
            progress: None,
        }
    }

    /// The run so far, from the frames and samples streamed while it runs.
    pub fn so_far(knobs: Knobs, frames: &[Frame], samples: Vec<CwndPoint>) -> LossRun {
        let rows = rows(frames, false);
        let udp = |point: &str, outgoing: bool| {
            frames
                .iter()
                .filter(|f| f.point == point && f.outgoing == outgoing)
                .filter(|f| is_udp_from_a(&f.data))
                .count() as u64
        };
        let sent: Vec<&SeqRow> = rows.iter().filter(|r| r.from_a && r.len > 0).collect();
        let progress = Progress {
            udp_sent: udp("A:eth0", true),
            udp_at_c: udp("C:eth0", false),
            segments: sent.len() as u64,
            lost: dropped(&rows).0,
            lost_other: dropped(&rows).1,
            resent: rows.iter().filter(|r| r.resend.is_some()).count() as u64,
        };
        LossRun {
            knobs,
            samples,
            rows,
            totals: Totals::default(),
            progress: Some(progress),
        }
    }
}

/// The knob's recovery mode as the title names it.
fn recovery_text(mode: Recovery, lang: Lang) -> &'static str {
    match mode {
        Recovery::Linux => t(lang, "lan.loss.recovery.linux"),
        Recovery::Classic => t(lang, "lan.loss.recovery.classic"),
    }
}

/// A's frames marked lost: data segments, and the others (bare ACKs, SYN,
/// FIN), which TCP does not resend as such.
fn dropped(rows: &[SeqRow]) -> (u64, u64) {
    let lost = |data: bool| {
        rows.iter()
            .filter(|r| r.from_a && r.lost && (r.len > 0) == data)
            .count() as u64
    };
    (lost(true), lost(false))
}

/// " and 1 other frame (ACK/SYN/FIN)" after a count of dropped data
/// segments, or nothing when there were none.
fn other_dropped(lang: Lang, n: u64) -> String {
    if n == 0 {
        return String::new();
    }
    let what = crate::words::count(lang, n, "noun.other-frame");
    tf(lang, "lan.loss.totals.other", &[("what", &what)])
}

/// A UDP datagram from A (the experiment's first half).
fn is_udp_from_a(data: &[u8]) -> bool {
    EthernetPacket::new(data)
        .filter(|eth| eth.get_ethertype() == pnet_packet::ethernet::EtherTypes::Ipv4)
        .and_then(|eth| {
            Ipv4Packet::new(eth.payload()).map(|ip| {
                ip.get_source() == A_IP
                    && ip.get_next_level_protocol() == pnet_packet::ip::IpNextHeaderProtocols::Udp
            })
        })
        .unwrap_or(false)
}

/// The connection's segments at A, each marked. A segment A sent is lost
/// when C's capture never had it: in a `finished` run, any such segment; in
/// one still running, only one sent before a segment C has already had (the
/// link delivers in order, so it is not still on its way).
fn rows(frames: &[Frame], finished: bool) -> Vec<SeqRow> {
    let seen = dissect_all(frames);
    // The one TCP connection A opened: its ports from A's SYN.
    let Some(ports) = seen.iter().find_map(|s| match s.upper {
        Some(Upper::Tcp {
            src, dst, flags, ..
        }) if s.point == "A:eth0"
            && s.outgoing
            && flags & 0x12 == 0x02
            && s.ip.as_ref().is_some_and(|ip| ip.src == A_IP) =>
        {
            Some((src, dst))
        }
        _ => None,
    }) else {
        return Vec::new();
    };
    let segments = connection(&seen, "A:eth0", A_IP, ports);
    let analysis = classify(&segments, MIN_RTO_NS);
    let resends: HashMap<u64, Resend> = analysis
        .retransmissions
        .iter()
        .map(|r| {
            let kind = match r.kind {
                Kind::Timeout => Resend::Timeout,
                Kind::Fast => Resend::Fast,
                Kind::Early => Resend::Early,
            };
            (r.ts_ns, kind)
        })
        .collect();
    let mut at_c: HashMap<(u16, Vec<u8>), usize> = HashMap::new();
    for f in frames.iter().filter(|f| f.point == "C:eth0" && !f.outgoing) {
        if let Some(key) = transmission(f) {
            *at_c.entry(key).or_default() += 1;
        }
    }
    // The A:eth0 frames of the connection, by their kernel timestamp.
    let connection_at: std::collections::HashSet<u64> = segments.iter().map(|g| g.ts_ns).collect();
    // (By the frame's own point and stamp: `seen` leaves out frames it
    // cannot dissect, so it does not pair with `frames` index by index.)
    let at_a: HashMap<u64, &Frame> = frames
        .iter()
        .filter(|f| f.point == "A:eth0" && connection_at.contains(&f.ts_ns))
        .map(|f| (f.ts_ns, f))
        .collect();
    let arrived = |ts_ns: u64| {
        at_a.get(&ts_ns)
            .and_then(|f| transmission(f))
            .map(|key| at_c.get(&key).is_some_and(|&n| n > 0))
    };
    // The latest segment from A that C has had: anything A sent before it
    // and C has not had, the link dropped.
    let delivered_up_to = if finished {
        u64::MAX
    } else {
        segments
            .iter()
            .filter(|s| s.from_sender && arrived(s.ts_ns) == Some(true))
            .map(|s| s.ts_ns)
            .max()
            .unwrap_or(0)
    };
    let isn_a = segments
        .iter()
        .find(|s| s.from_sender && s.flags & 0x02 != 0)
        .map_or(0, |s| s.seq);
    let isn_c = segments
        .iter()
        .find(|s| !s.from_sender && s.flags & 0x02 != 0)
        .map_or(0, |s| s.seq);
    let start = segments.first().map_or(0, |s| s.ts_ns);
    let mut out = Vec::with_capacity(segments.len());
    let (mut last_ack, mut dups, mut highest) = (None::<u32>, 0u32, 0u32);
    for s in &segments {
        let data = at_a
            .get(&s.ts_ns)
            .map(|f| f.data.clone())
            .unwrap_or_default();
        let (seq, ack) = if s.from_sender {
            (s.seq.wrapping_sub(isn_a), s.ack.wrapping_sub(isn_c))
        } else {
            (s.seq.wrapping_sub(isn_c), s.ack.wrapping_sub(isn_a))
        };
        let mut row = SeqRow {
            t_ms: (s.ts_ns.saturating_sub(start) / 10_000) as f64 / 100.0,
            from_a: s.from_sender,
            flags: s.flags,
            seq,
            ack: if s.flags & 0x10 != 0 { ack } else { 0 },
            len: s.len,
            sack: s.sack,
            lost: false,
            resend: None,
            dup_ack: None,
            ts_ns: s.ts_ns,
            data,
        };
        if s.from_sender {
            row.lost = s.ts_ns < delivered_up_to && arrived(s.ts_ns) == Some(false);
            row.resend = resends.get(&s.ts_ns).copied();
            highest = highest.max(seq.wrapping_add(u32::try_from(s.seq_len()).unwrap_or(0)));
        } else {
            let pure = s.len == 0 && s.flags & 0x07 == 0;
            if pure && last_ack == Some(row.ack) && row.ack < highest {
                dups += 1;
                row.dup_ack = Some(dups);
            } else {
                dups = 0;
            }
            last_ack = Some(row.ack);
        }
        out.push(row);
    }
    out
}

/// The loss view's state in the LAN panel.
#[derive(Debug, Clone, Default)]
pub struct LossView {
    pub knobs: Knobs,
    pub run: Option<LossRun>,
    /// The selected row of the sequence diagram.
    pub cursor: usize,
    /// Before a run: the questions being answered.
    pub asking: Option<Asking>,
    /// The answers given before the run on screen (or under way), one per
    /// question of [`QUESTIONS`].
    pub predicted: Vec<Option<usize>>,
    /// The run under way, streamed ([`LossView::run`] shows it so far).
    pub live: Option<LiveLoss>,
}

impl LossView {
    /// `r`: the questions first.
    pub fn ask(&mut self) {
        self.asking = Some(Asking::new(QUESTIONS.len()));
    }

    /// The run starts: whatever was answered is what its outcome is judged against.
    pub fn take_answers(&mut self) {
        self.predicted = self.asking.take().map(|a| a.answers).unwrap_or_default();
    }

    /// A run starts streaming: the last run's view goes.
    pub fn begin_live(&mut self) -> &LiveLoss {
        self.run = None;
        self.cursor = 0;
        self.live.insert(LiveLoss {
            knobs: self.knobs,
            ..LiveLoss::default()
        })
    }

    /// What the running run has streamed since the last wake-up: the chart
    /// and the diagram grow, the cursor stays on the newest segment unless
    /// the student moved it.
    pub fn absorb_live(&mut self) {
        let Some(live) = &mut self.live else { return };
        let items = live.queue.take();
        let run = live.absorb(items);
        if live.follow {
            self.cursor = run.rows.len().saturating_sub(1);
        }
        self.run = Some(run);
    }

    /// The finished run takes over from the streamed one: the cursor stays
    /// where the student put it, else it starts from the first segment.
    pub fn finish(&mut self, run: LossRun) {
        let kept = self
            .live
            .take()
            .filter(|live| !live.follow)
            .map(|_| self.cursor);
        self.cursor = kept.unwrap_or(0).min(run.rows.len().saturating_sub(1));
        self.run = Some(run);
    }

    /// The student moved the cursor: back on the newest segment, follow again.
    pub fn go(&mut self, cursor: usize) {
        self.cursor = cursor;
        let last = self
            .run
            .as_ref()
            .map_or(0, |r| r.rows.len().saturating_sub(1));
        if let Some(live) = &mut self.live {
            live.follow = cursor >= last;
        }
    }
}

/// The question on screen before a run.
pub fn draw_asking(
    view: &LossView,
    asking: &Asking,
    area: Rect,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    let lang = ctx.lang;
    let Some(q) = QUESTIONS.get(asking.at) else {
        return;
    };
    let loss = pct_text(view.knobs.loss_pct);
    let seed = view.knobs.seed.to_string();
    let progress = tf(
        lang,
        "lan.loss.predict.progress",
        &[
            ("n", &(asking.at + 1).to_string()),
            ("m", &QUESTIONS.len().to_string()),
        ],
    );
    predict::draw(
        &tf(
            lang,
            "lan.loss.predict.title",
            &[("loss", &loss), ("seed", &seed)],
        ),
        Some(progress),
        q,
        asking.cursor,
        t(lang, "lan.loss.predict.keys"),
        &[("loss", &loss)],
        area,
        buf,
        ctx,
    );
}

/// Each answer given before `run`, beside what it showed: (text, right?).
pub fn verdicts(view: &LossView, run: &LossRun, lang: Lang) -> Vec<(String, Option<bool>)> {
    let seen = observed(run);
    let loss = pct_text(run.knobs.loss_pct);
    QUESTIONS
        .iter()
        .zip(TOPICS)
        .zip(&view.predicted)
        .zip(seen)
        .filter_map(|(((q, topic), said), seen)| {
            let topic = t(lang, topic);
            said.map(|said| {
                predict::verdict(
                    lang,
                    &VERDICTS,
                    q,
                    said,
                    seen,
                    &[("loss", &loss), ("topic", topic)],
                )
            })
        })
        .collect()
}

fn flags_text(flags: u8) -> String {
    let names = [(0x02, "SYN"), (0x01, "FIN"), (0x04, "RST"), (0x10, "ACK")];
    names
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join("+")
}

/// The label on a row's arrow.
fn arrow_label(row: &SeqRow) -> String {
    if row.len > 0 {
        format!("seq {} len {}", row.seq, row.len)
    } else if row.flags & 0x03 != 0 {
        flags_text(row.flags)
    } else if row.sack {
        format!("ack {} SACK", row.ack)
    } else {
        format!("ack {}", row.ack)
    }
}

/// The mark after a row's arrow.
fn mark(row: &SeqRow, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    match row.resend {
        Some(Resend::Timeout) => parts.push(t(lang, "lan.loss.resend.timeout").to_string()),
        Some(Resend::Fast) => parts.push(t(lang, "lan.loss.resend.fast").to_string()),
        Some(Resend::Early) => parts.push(t(lang, "lan.loss.resend.early").to_string()),
        None => {}
    }
    if row.lost {
        parts.push(t(lang, "lan.loss.lost").to_string());
    }
    if let Some(n) = row.dup_ack {
        parts.push(tf(lang, "lan.loss.dup-ack", &[("n", &n.to_string())]));
    }
    parts.join(" · ")
}

/// One line of the sequence diagram: time, A's lifeline, the arrow with its
/// label, C's lifeline, the mark.
fn diagram_line(row: &SeqRow, arrow_w: usize, lang: Lang) -> String {
    let label = format!(" {} ", arrow_label(row));
    let body = arrow_w.saturating_sub(1);
    let label = fit(&label, body.saturating_sub(2));
    let fill = body.saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()));
    let (left, right) = (fill / 2, fill - fill / 2);
    let arrow = if row.from_a {
        let tail = if row.lost { '╳' } else { '▶' };
        format!("{}{label}{}{tail}", "─".repeat(left), "─".repeat(right))
    } else {
        format!("◀{}{label}{}", "─".repeat(left), "─".repeat(right))
    };
    format!("{:>8.2} A│{arrow}│C {}", row.t_ms, mark(row, lang))
}

/// `text`'s " · "-separated parts packed into lines of at most `width` cells.
fn pack(text: &str, width: usize) -> Vec<String> {
    let w = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let mut lines: Vec<String> = Vec::new();
    for part in text.split(" · ") {
        match lines.last_mut() {
            Some(last) if w(last) + 3 + w(part) <= width => {
                last.push_str(" · ");
                last.push_str(part);
            }
            _ => lines.push(part.to_string()),
        }
    }
    lines
}

/// `text` packed into `area`'s width ([`pack`]) from line `y` on, as far
/// as `area` goes; `y` ends below it.
fn put_packed(buf: &mut Buffer, area: Rect, y: &mut u16, text: &str, style: Style) {
    let width = usize::from(area.width);
    for part in pack(text, width) {
        if *y < area.bottom() {
            buf.set_stringn(area.x, *y, fit(&part, width), width, style);
            *y += 1;
        }
    }
}

/// Draws the loss view: knobs and numbers on top, the cwnd chart and the
/// sequence diagram below (side by side when wide).
pub fn draw(view: &LossView, running: bool, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let mut y = area.y;
    let bottom = area.y + area.height;
    // The run on screen's settings; the knobs, if turned since, are the
    // next run's.
    let shown = view.run.as_ref().map_or(view.knobs, |r| r.knobs);
    let loss = format!("{}", shown.loss_pct);
    let seed = shown.seed.to_string();
    put_packed(
        buf,
        area,
        &mut y,
        &tf(
            lang,
            "lan.loss.title",
            &[
                ("loss", &loss),
                ("seed", &seed),
                ("recovery", recovery_text(shown.recovery, lang)),
            ],
        ),
        ctx.theme.accent,
    );
    if view.knobs != shown {
        let next = tf(
            lang,
            "lan.loss.next",
            &[
                ("loss", &format!("{}", view.knobs.loss_pct)),
                ("seed", &view.knobs.seed.to_string()),
                ("recovery", recovery_text(view.knobs.recovery, lang)),
            ],
        );
        put_packed(buf, area, &mut y, &next, ctx.theme.warn);
    }
    put_packed(buf, area, &mut y, t(lang, "lan.loss.keys"), ctx.theme.muted);
    // The lab: the selected segment's way lit, a ╳ at W where it was dropped.
    if y < bottom {
        let segment = view
            .run
            .as_ref()
            .and_then(|run| run.rows.get(view.cursor))
            .map(|row| super::topo::OnLink {
                from_a: row.from_a,
                lost: row.lost,
            });
        let legend = tf(lang, "lan.loss.wire", &[("loss", &loss)]);
        let drawn = super::topo::impaired_line(segment, legend, usize::from(area.width), ctx);
        buf.set_line(area.x, y, &drawn, area.width);
        y += 1;
    }
    let Some(run) = &view.run else {
        let key = if running {
            "lan.loss.running"
        } else {
            "lan.loss.none"
        };
        put_packed(buf, area, &mut y, t(lang, key), ctx.theme.base);
        return;
    };
    if let Some(p) = &run.progress {
        put_packed(
            buf,
            area,
            &mut y,
            &tf(
                lang,
                "lan.loss.so-far",
                &[
                    ("udp", &p.udp_sent.to_string()),
                    ("udp_at_c", &p.udp_at_c.to_string()),
                    ("sent", &p.segments.to_string()),
                    ("lost", &p.lost.to_string()),
                    ("other", &other_dropped(lang, p.lost_other)),
                    ("resent", &p.resent.to_string()),
                ],
            ),
            ctx.theme.warn,
        );
    } else {
        draw_totals(view, run, area, &mut y, buf, ctx);
    }
    let rest = Rect {
        y,
        height: bottom.saturating_sub(y),
        ..area
    };
    draw_graphs(view, run, rest, buf, ctx);
}

/// The finished run's numbers, then each answer given before it beside what
/// it showed.
fn draw_totals(
    view: &LossView,
    run: &LossRun,
    area: Rect,
    y: &mut u16,
    buf: &mut Buffer,
    ctx: &RenderCtx,
) {
    let lang = ctx.lang;
    let width = usize::from(area.width);
    let bottom = area.y + area.height;
    let tt = &run.totals;
    let shown = format!("{}", run.knobs.loss_pct);
    let run_seed = run.knobs.seed.to_string();
    let mut line = |y: &mut u16, text: &str, style: Style| put_packed(buf, area, y, text, style);
    line(
        y,
        &tf(
            lang,
            "lan.loss.totals",
            &[
                ("loss", &shown),
                ("seed", &run_seed),
                ("sent", &tt.data_segments_sent.to_string()),
                ("dropped", &tt.dropped_data.to_string()),
                ("other", &other_dropped(lang, tt.dropped_other)),
                ("resent", &tt.retransmitted.to_string()),
                ("ms", &format!("{:.1}", tt.transfer_ms)),
            ],
        ),
        ctx.theme.base,
    );
    line(
        y,
        &tf(
            lang,
            "lan.loss.kinds",
            &[
                ("timeout", &tt.timeout.to_string()),
                ("fast", &tt.fast.to_string()),
                ("early", &tt.early.to_string()),
                (
                    "kernel",
                    &tt.kernel_retrans.map_or("—".to_string(), |n| n.to_string()),
                ),
                (
                    "got",
                    &tf(
                        lang,
                        if tt.in_order {
                            "lan.loss.got.in-order"
                        } else {
                            "lan.loss.got.damaged"
                        },
                        &[("bytes", &tt.bytes_delivered.to_string())],
                    ),
                ),
                (
                    "udp",
                    &tt.udp_lost_pct
                        .map_or("—".to_string(), |p| format!("{p:.1}")),
                ),
            ],
        ),
        if tt.in_order {
            ctx.theme.good
        } else {
            ctx.theme.bad
        },
    );
    // Each verdict wrapped whole (the observed answer is the point), its
    // continuation indented under the topic.
    for (text, right) in verdicts(view, run, lang) {
        let style = match right {
            Some(true) => ctx.theme.good,
            Some(false) => ctx.theme.bad,
            None => ctx.theme.muted,
        };
        for l in wrap(&[(text, style)], width, ("", style), ("  ", style)) {
            if *y < bottom {
                buf.set_line(area.x, *y, &l, area.width);
                *y += 1;
            }
        }
    }
}

/// The cwnd chart and the sequence diagram in what is left of the view
/// (side by side when wide).
fn draw_graphs(view: &LossView, run: &LossRun, rest: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    if rest.height < 6 {
        return;
    }
    let wide = rest.width >= 110;
    let (chart_area, diagram_area) = if wide {
        let cw = rest.width * 2 / 5;
        (
            Rect { width: cw, ..rest },
            Rect {
                x: rest.x + cw + 1,
                width: rest.width - cw - 1,
                ..rest
            },
        )
    } else {
        // Six rows at least: fewer and the chart drops its legend.
        let ch = (rest.height * 2 / 5).max(6);
        (
            Rect { height: ch, ..rest },
            Rect {
                y: rest.y + ch,
                height: rest.height - ch,
                ..rest
            },
        )
    };
    draw_chart(run, chart_area, buf, ctx);
    draw_diagram(view, run, diagram_area, buf, ctx);
}

fn draw_chart(run: &LossRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    if area.height < 4 || run.samples.is_empty() {
        return;
    }
    // Steps, as the kernel's values are: each holds until the next sample.
    let mut cwnd: Vec<(f64, f64)> = Vec::new();
    let mut ssthresh: Vec<(f64, f64)> = Vec::new();
    for (k, s) in run.samples.iter().enumerate() {
        if let Some(prev) = k.checked_sub(1).and_then(|p| run.samples.get(p)) {
            cwnd.push((s.t_ms, prev.cwnd));
            if let Some(th) = prev.ssthresh {
                ssthresh.push((s.t_ms, th));
            }
        }
        cwnd.push((s.t_ms, s.cwnd));
        if let Some(th) = s.ssthresh {
            ssthresh.push((s.t_ms, th));
        }
    }
    let x_max = run.samples.iter().map(|s| s.t_ms).fold(1.0, f64::max);
    let y_max = cwnd
        .iter()
        .chain(&ssthresh)
        .map(|p| p.1)
        .fold(10.0, f64::max)
        .ceil();
    let datasets = vec![
        Dataset::default()
            .name("cwnd")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(ctx.theme.layer_transport)
            .data(&cwnd),
        Dataset::default()
            .name("ssthresh")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(ctx.theme.warn)
            .data(&ssthresh),
    ];
    Chart::new(datasets)
        .legend_position(Some(LegendPosition::TopLeft))
        // Shown on a short chart too (top left is where slow start has not
        // climbed yet).
        .hidden_legend_constraints((Constraint::Ratio(1, 3), Constraint::Ratio(1, 1)))
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels(vec![Span::raw("0"), Span::raw(format!("{x_max:.0} ms"))])
                .style(ctx.theme.muted),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max])
                .labels(vec![Span::raw("0"), Span::raw(format!("{y_max:.0}"))])
                .style(ctx.theme.muted),
        )
        .render(area, buf);
}

fn draw_diagram(view: &LossView, run: &LossRun, area: Rect, buf: &mut Buffer, ctx: &RenderCtx) {
    let lang = ctx.lang;
    let width = usize::from(area.width);
    if area.height < 2 {
        return;
    }
    let head = tf(
        lang,
        "lan.loss.diagram",
        &[
            ("n", &(view.cursor + 1).min(run.rows.len()).to_string()),
            ("m", &run.rows.len().to_string()),
        ],
    );
    buf.set_stringn(area.x, area.y, fit(&head, width), width, ctx.theme.muted);
    let visible = usize::from(area.height - 1);
    // The cursor's row stays in view, a third of the way down.
    let first = view
        .cursor
        .saturating_sub(visible / 3)
        .min(run.rows.len().saturating_sub(visible));
    let arrow_w = (width.saturating_sub(12) * 11 / 20).clamp(12, 34);
    for (i, row) in run.rows.iter().enumerate().skip(first).take(visible) {
        let y = area.y + 1 + u16::try_from(i - first).unwrap_or(0);
        let style = if i == view.cursor {
            ctx.theme.selected
        } else if row.lost || row.resend.is_some() {
            ctx.theme.bad
        } else if row.dup_ack.is_some() {
            ctx.theme.warn
        } else {
            ctx.theme.base
        };
        let mark = if i == view.cursor { "▸" } else { " " };
        let text = format!("{mark}{}", diagram_line(row, arrow_w, lang));
        buf.set_stringn(area.x, y, fit(&text, width), width, style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loss_knob_steps_through_its_settings_and_stops_at_the_ends() {
        let mut k = Knobs::default();
        k.step(true);
        assert_eq!(k.loss_pct, 10.0);
        k.step(true);
        k.step(true);
        assert_eq!(k.loss_pct, 20.0);
        for _ in 0..10 {
            k.step(false);
        }
        assert_eq!(k.loss_pct, 0.0);
        assert_eq!(k.params().seed, Some(1));
        assert_eq!(k.params().loss, Chance::percent(0.0).ok());
        assert_eq!(k.params().recovery, Some(Recovery::Linux));
        k.toggle_recovery();
        assert_eq!(k.params().recovery, Some(Recovery::Classic));
        k.toggle_recovery();
        assert_eq!(k.recovery, Recovery::Linux);
    }

    fn run_with(loss_pct: f64, totals: Totals) -> LossRun {
        LossRun {
            knobs: Knobs {
                loss_pct,
                seed: 1,
                ..Knobs::default()
            },
            samples: Vec::new(),
            rows: Vec::new(),
            totals,
            progress: None,
        }
    }

    #[test]
    fn each_answer_is_judged_from_the_reports_numbers() {
        let whole = Totals {
            bytes_sent: 1000,
            bytes_delivered: 1000,
            in_order: true,
            retransmitted: 0,
            udp_lost_pct: Some(0.0),
            ..Totals::default()
        };
        // No loss: every byte, no resend, UDP "about 0 %".
        assert_eq!(
            observed(&run_with(0.0, whole.clone())),
            [Some(0), Some(0), Some(1)]
        );
        let lossy = |resent, udp, got, in_order| Totals {
            retransmitted: resent,
            udp_lost_pct: udp,
            bytes_delivered: got,
            in_order,
            ..whole.clone()
        };
        // 5 %: up to three standard deviations above it (2.07 points) is
        // "about"; below it too, for UDP lost only what the link dropped —
        // never "hardly any: sent again", which UDP never does; beyond,
        // "far more".
        assert_eq!(
            observed(&run_with(5.0, lossy(10, Some(7.0), 1000, true))),
            [Some(0), Some(1), Some(1)]
        );
        assert_eq!(
            observed(&run_with(5.0, lossy(11, Some(2.4), 1000, true))),
            [Some(0), Some(2), Some(1)]
        );
        assert_eq!(
            observed(&run_with(5.0, lossy(1, Some(7.1), 1000, true))),
            [Some(0), Some(1), Some(2)]
        );
        // 1 %: 0.94 points above; a run that lost 0.4 % is still "about".
        for (udp, seen) in [(1.9, 1), (2.0, 2), (0.4, 1), (0.0, 1)] {
            assert_eq!(
                observed(&run_with(1.0, lossy(1, Some(udp), 1000, true)))[2],
                Some(seen),
                "{udp} %"
            );
        }
        // 0 %: at least half a point.
        assert_eq!(
            observed(&run_with(0.0, lossy(0, Some(0.5), 1000, true)))[2],
            Some(1)
        );
        // A broken transfer would be judged as such; no UDP figure, no verdict.
        assert_eq!(
            observed(&run_with(5.0, lossy(1, None, 900, true))),
            [Some(1), Some(1), None]
        );
        assert_eq!(
            observed(&run_with(5.0, lossy(1, None, 1000, false)))[0],
            Some(2)
        );
        let nothing = Totals::default();
        assert_eq!(observed(&run_with(5.0, nothing))[0], None);
    }
}
