//! One parser per panel: a lesson's `arg = "…"` becomes the value the panel's
//! `open` takes. Every name list comes from the enum it names (strum), and a
//! `step=N` is checked against the animation it points into.

use std::path::PathBuf;

use super::Topic;
use super::error::{Arg, Message};
use super::panel::{internal, one_of, only_keys, parse_pairs, step_index};
use crate::lab::{LabName, LabParams};
use crate::net::arp::{LanCase, LanCaseError, LanScenario};
use crate::net::impaired::Chance;
use crate::net::osi::{Endpoints, IpVersion, Transport, encapsulate};
use crate::net::subnet::{
    SubnetError, SubnetRequest, and_sweep, check_lesson_arg, parse_panel_arg,
};
use crate::net::tcp::{DEFAULT_SEED, Scenario};

/// Which half of the OSI panel a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsiView {
    Layers,
    Encapsulation,
}

/// `layer=N` | `encap [message=… proto=tcp|udp ip=v4|v6 step=N]` | `layers`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OsiArg {
    /// None: keep the view the panel shows.
    pub view: Option<OsiView>,
    /// The layer to select (1 to 7).
    pub layer: Option<u8>,
    pub message: Option<String>,
    pub transport: Option<Transport>,
    pub ip: Option<IpVersion>,
    /// Encapsulation step to show (0-based).
    pub step: Option<usize>,
}

impl OsiArg {
    pub fn parse(arg: &str) -> Result<OsiArg, Message> {
        let map = parse_pairs(arg)?;
        only_keys(
            &map,
            &["layer", "layers", "encap", "message", "proto", "ip", "step"],
        )?;
        let mut out = OsiArg::default();
        for bare in ["layers", "encap"] {
            if map.get(bare).is_some_and(|v| !v.is_empty()) {
                return Err(Message::new("lesson.arg.no_value").with("key", bare));
            }
        }
        out.view = match (map.contains_key("layers"), map.contains_key("encap")) {
            (true, true) => return Err(Message::new("lesson.arg.osi.one_view")),
            (true, false) => Some(OsiView::Layers),
            (false, true) => Some(OsiView::Encapsulation),
            (false, false) => None,
        };
        if let Some(layer) = map.get("layer") {
            match layer.parse::<u8>() {
                Ok(n @ 1..=7) => out.layer = Some(n),
                _ => return Err(Message::new("lesson.arg.osi.layer").with("layer", layer)),
            }
            if out.view == Some(OsiView::Encapsulation) {
                return Err(Message::new("lesson.arg.osi.layer_encap"));
            }
            out.view = Some(OsiView::Layers);
        }
        out.message = map.get("message").cloned();
        if let Some(p) = map.get("proto") {
            out.transport = Some(one_of(
                "proto",
                p,
                &[Transport::Tcp, Transport::Udp],
                &["tcp", "udp"],
            )?);
        }
        if let Some(ip) = map.get("ip") {
            out.ip = Some(one_of(
                "ip",
                ip,
                &[IpVersion::V4, IpVersion::V6],
                &["v4", "v6"],
            )?);
        }
        if let Some(step) = map.get("step") {
            if out.view != Some(OsiView::Encapsulation) {
                return Err(Message::new("lesson.arg.osi.step"));
            }
            let encap = encapsulate(
                out.message.as_deref().unwrap_or("hello").as_bytes(),
                out.transport.unwrap_or(Transport::Tcp),
                out.ip.unwrap_or(IpVersion::V4),
                &Endpoints::default(),
            )
            .map_err(internal)?;
            out.step = Some(step_index(step, encap.steps.len())?);
        }
        Ok(out)
    }
}

/// The LAN case parser's refusal, in both languages.
fn case_error(e: &LanCaseError) -> Message {
    Message::new("lesson.arg.domain").with("error", Arg::in_both(|lang| e.message(lang)))
}

/// The subnet parser's refusal, in both languages.
fn subnet_error(e: &SubnetError) -> Message {
    Message::new("lesson.arg.domain").with("error", Arg::in_both(|lang| e.message(lang)))
}

/// What the LAN panel simulates: a canned scenario or the student's own case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanSource {
    Scenario(LanScenario),
    /// `own=A/PREFIX dst=B [gateway=G]` (the Subnet panel's `g`).
    Case(LanCase),
}

/// `scenario=same-network|via-gateway [step=N] [real]` |
/// `own=A/PREFIX dst=B [gateway=G] [step=N]` |
/// `[scenario=…] loss=PCT [seed=S]` (or `seed=S` alone: 5 %) |
/// `experiment=NAME` (runs that experiment of the virtual network at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanArg {
    pub source: LanSource,
    /// The step to show (0-based).
    pub step: Option<usize>,
    /// `real`: ask for a prediction, then run the scenario in the virtual
    /// network (the panel's `r`).
    pub real: bool,
    /// `loss=` / `seed=`: open the loss view (`tcp-loss` over the impaired
    /// link) with these knobs.
    pub loss: Option<LossKnobs>,
    /// `experiment=NAME`: run this experiment at once (no question asked)
    /// and show its frames and facts in real mode; any of
    /// [`lan_experiments`].
    pub experiment: Option<&'static str>,
}

/// The experiments `experiment=` may name: all of `nettutor net list` but
/// `tcp-loss`, which has its own view (`loss=`).
pub fn lan_experiments() -> Vec<&'static str> {
    crate::vnet::experiments::ALL
        .iter()
        .map(|e| e.name)
        .filter(|n| *n != "tcp-loss")
        .collect()
}

/// The loss view's knobs as a lesson sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LossKnobs {
    pub loss: Chance,
    pub seed: u64,
}

/// The most loss a lesson may ask for, %: the loss view's own top setting.
/// More, and a lost SYN's doubling timeouts (1 s, 2 s, 4 s …) can outlast the
/// lab's bound on one run.
pub const MAX_LESSON_LOSS_PCT: f64 = 20.0;
/// Without `loss=`: the experiment's own default.
pub const DEFAULT_LESSON_LOSS_PCT: f64 = 5.0;
/// Without `seed=`.
pub const DEFAULT_LESSON_SEED: u64 = 1;

impl LossKnobs {
    /// `loss=PCT` (0–20, e.g. `5` or `0.5`) and `seed=S` (a whole number),
    /// either may be missing.
    fn parse(loss: Option<&String>, seed: Option<&String>) -> Result<LossKnobs, Message> {
        let pct = match loss {
            None => DEFAULT_LESSON_LOSS_PCT,
            Some(v) => match v.parse::<f64>() {
                Ok(p) if p.is_finite() && (0.0..=MAX_LESSON_LOSS_PCT).contains(&p) => p,
                _ => {
                    return Err(Message::new("lesson.arg.lan.loss")
                        .with("value", v)
                        .with("max", MAX_LESSON_LOSS_PCT.to_string()));
                }
            },
        };
        let loss = Chance::percent(pct).map_err(internal)?;
        let seed = match seed {
            None => DEFAULT_LESSON_SEED,
            Some(v) => v.parse::<u64>().map_err(|_| {
                Message::new("lesson.arg.lan.seed")
                    .with("value", v)
                    .with("max", u64::MAX.to_string())
            })?,
        };
        Ok(LossKnobs { loss, seed })
    }
}

impl LanArg {
    pub fn parse(arg: &str) -> Result<LanArg, Message> {
        let map = parse_pairs(arg)?;
        let wants_loss = map.contains_key("loss") || map.contains_key("seed");
        if wants_loss && map.contains_key("own") {
            return Err(Message::new("lesson.arg.lan.loss_own"));
        }
        if map.contains_key("experiment") && map.contains_key("own") {
            return Err(Message::new("lesson.arg.lan.experiment_own"));
        }
        let (source, steps) = if map.contains_key("own") {
            let rest: Vec<&str> = arg
                .split_whitespace()
                .filter(|w| !w.starts_with("step="))
                .collect();
            let case: LanCase = rest
                .join(" ")
                .parse()
                .map_err(|e: LanCaseError| case_error(&e))?;
            let lan = case.lan().map_err(|e| case_error(&e))?;
            let steps = crate::net::arp::story(lan, case.dst).map_err(internal);
            (LanSource::Case(case), steps)
        } else {
            only_keys(
                &map,
                &["scenario", "step", "real", "loss", "seed", "experiment"],
            )?;
            let scenario = match map.get("scenario") {
                Some(s) => one_of("scenario", s, LanScenario::ALL, LanScenario::NAMES)?,
                None => LanScenario::SameNetwork,
            };
            let steps = crate::net::arp::scenario(scenario).map_err(internal);
            (LanSource::Scenario(scenario), steps)
        };
        let step = match map.get("step") {
            Some(step) => Some(step_index(step, steps?.len())?),
            None => None,
        };
        let real = match map.get("real") {
            None => false,
            Some(v) if v.is_empty() => true,
            Some(_) => return Err(Message::new("lesson.arg.no_value").with("key", "real")),
        };
        let loss = if wants_loss {
            if step.is_some() || real {
                return Err(Message::new("lesson.arg.lan.loss_step"));
            }
            Some(LossKnobs::parse(map.get("loss"), map.get("seed"))?)
        } else {
            None
        };
        let experiment = match map.get("experiment") {
            None => None,
            Some(name) => {
                if step.is_some() || real || wants_loss {
                    return Err(Message::new("lesson.arg.lan.experiment_alone").with("name", name));
                }
                let known = lan_experiments();
                let found = known.iter().find(|n| **n == name.as_str()).copied();
                Some(found.ok_or_else(|| {
                    Message::new("lesson.arg.not_one_of")
                        .with("key", "experiment")
                        .with("value", name)
                        .with("names", known.join(", "))
                })?)
            }
        };
        Ok(LanArg {
            source,
            step,
            real,
            loss,
            experiment,
        })
    }
}

/// What the handshake panel shows: a simulated scenario or a real capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeSource {
    Scenario(Scenario),
    /// Capture a real handshake on loopback (`real`).
    Real,
}

/// `scenario=NAME [step=N]` | `real`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandshakeArg {
    pub source: HandshakeSource,
    /// The step to show (0-based): steps up to and including it are drawn.
    pub step: Option<usize>,
}

impl HandshakeArg {
    pub fn parse(arg: &str) -> Result<HandshakeArg, Message> {
        let map = parse_pairs(arg)?;
        only_keys(&map, &["scenario", "real", "step"])?;
        let source = match (map.get("scenario"), map.get("real")) {
            (Some(_), Some(_)) => {
                return Err(Message::new("lesson.arg.handshake.one"));
            }
            (None, Some(v)) if v.is_empty() => HandshakeSource::Real,
            (None, Some(_)) => return Err(Message::new("lesson.arg.no_value").with("key", "real")),
            (Some(s), None) => {
                HandshakeSource::Scenario(one_of("scenario", s, Scenario::ALL, Scenario::NAMES)?)
            }
            (None, None) => {
                return Err(Message::new("lesson.arg.handshake.none")
                    .with("names", Scenario::NAMES.join(", ")));
            }
        };
        let step = match (map.get("step"), source) {
            (None, _) => None,
            (Some(_), HandshakeSource::Real) => {
                return Err(Message::new("lesson.arg.handshake.step_real"));
            }
            (Some(step), HandshakeSource::Scenario(s)) => {
                let timeline = s.timeline(DEFAULT_SEED).map_err(internal)?;
                Some(step_index(step, timeline.steps.len())?)
            }
        };
        Ok(HandshakeArg { source, step })
    }
}

/// The subnet panel's input as typed (`192.168.21.36/24 split=26 …`) and what
/// the subnet parser made of it. `request` is an error only when the lesson set
/// `expect_error = true` (the panel shows the input with its error and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetArg {
    /// The input line, without `step=`.
    pub text: String,
    pub request: Result<SubnetRequest, SubnetError>,
    /// The step of the AND sweep to show (0-based).
    pub step: Option<usize>,
}

impl SubnetArg {
    pub fn parse(arg: &str, expect_error: bool) -> Result<SubnetArg, Message> {
        let mut step_text = None;
        let mut words = Vec::new();
        for word in arg.split_whitespace() {
            match word.strip_prefix("step=") {
                Some(v) if step_text.is_none() => step_text = Some(v),
                Some(_) => return Err(Message::new("lesson.arg.twice").with("key", "step")),
                None => words.push(word),
            }
        }
        if words.is_empty() {
            return Err(subnet_error(&SubnetError::Empty));
        }
        let text = words.join(" ");
        let request = parse_panel_arg(&text);
        match (&request, expect_error) {
            (Err(e), false) => return Err(subnet_error(e)),
            // Only the address/mask may be refused on purpose (the panel shows
            // it at its column); a bad option is the author's mistake.
            (Err(_), true) => check_lesson_arg(&text).map_err(|e| subnet_error(&e))?,
            (Ok(_), true) => {
                return Err(Message::new("lesson.arg.subnet.accepted").with("text", &text));
            }
            (Ok(_), false) => {}
        }
        let step = match (step_text, &request) {
            (None, _) => None,
            (Some(_), Err(_)) => return Err(Message::new("lesson.arg.subnet.step")),
            (Some(step), Ok(request)) => Some(step_index(step, and_sweep(&request.facts()).len())?),
        };
        Ok(SubnetArg {
            text,
            request,
            step,
        })
    }
}

/// `lab=NAME option=value …` (or nothing: the lab list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabArg {
    /// The lab and its options; None opens the list.
    pub params: Option<LabParams>,
}

impl LabArg {
    pub fn parse(arg: &str) -> Result<LabArg, Message> {
        if arg.trim().is_empty() {
            return Ok(LabArg { params: None });
        }
        let first = arg.split_whitespace().next().unwrap_or("");
        let Some(name) = first.strip_prefix("lab=") else {
            return Err(
                Message::new("lesson.arg.lab.first").with("names", LabName::NAMES.join(", "))
            );
        };
        one_of("lab", name, LabName::ALL, LabName::NAMES)?;
        let params = LabParams::from_arg(arg).map_err(|e| {
            Message::new("lesson.arg.domain").with("error", Arg::in_both(|lang| e.message(lang)))
        })?;
        Ok(LabArg {
            params: Some(params),
        })
    }
}

/// `topic=A,B count=N seed=N time=SECONDS`, or `drill=KIND|all` (with
/// `seed=`, `count=` problems and `time=` seconds for the whole set) for a set
/// of subnet drills of one kind (or every kind).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuizArg {
    /// Empty: the topic menu (or every topic when count/seed are given).
    pub topics: Vec<Topic>,
    pub count: Option<usize>,
    pub seed: Option<u64>,
    /// Seconds per question.
    pub time: Option<u64>,
    /// Where to write the results (set by `nettutor quiz --results`, not by lessons).
    pub results: Option<PathBuf>,
    /// Only what is due today (`nettutor quiz --due`, not by lessons).
    pub due: bool,
    /// Exam mode (`nettutor quiz --exam`, not by lessons).
    pub exam: bool,
    /// Who takes it (`nettutor quiz --student`, not by lessons).
    pub student: Option<String>,
    /// The grade book to record in (`nettutor quiz --db`, not by lessons).
    pub db: Option<PathBuf>,
    /// `drill=KIND`: start a set of subnet drills; `Some(None)` is `drill=all`.
    pub drill: Option<Option<crate::quiz::drill::DrillKind>>,
}

impl QuizArg {
    pub fn parse(arg: &str) -> Result<QuizArg, Message> {
        let map = parse_pairs(arg)?;
        only_keys(&map, &["topic", "count", "seed", "time", "drill"])?;
        let mut out = QuizArg::default();
        if let Some(kind) = map.get("drill") {
            use crate::quiz::drill::DrillKind;
            out.drill = Some(if kind == "all" {
                None
            } else {
                let names: Vec<&str> = DrillKind::ALL.iter().map(|k| k.name()).collect();
                Some(DrillKind::from_name(kind).ok_or_else(|| {
                    Message::new("lesson.arg.quiz.drill")
                        .with("kind", kind)
                        .with("names", names.join(", "))
                })?)
            });
            if map.contains_key("topic") {
                return Err(Message::new("lesson.arg.quiz.drill_topic"));
            }
        }
        if let Some(list) = map.get("topic") {
            for name in list.split(',').filter(|t| !t.is_empty()) {
                out.topics
                    .push(one_of("topic", name, Topic::ALL, Topic::NAMES)?);
            }
        }
        let number = |key: &'static str, what: &'static str| -> Result<Option<u64>, Message> {
            match map.get(key) {
                None => Ok(None),
                Some(v) => match v.parse::<u64>() {
                    Ok(n) if n >= 1 => Ok(Some(n)),
                    _ => Err(Message::new(what).with("key", key).with("value", v)),
                },
            }
        };
        out.count = number("count", "lesson.arg.quiz.count")?
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
        out.seed = match map.get("seed") {
            None => None,
            Some(v) => Some(
                v.parse()
                    .map_err(|_| Message::new("lesson.arg.quiz.seed").with("value", v))?,
            ),
        };
        out.time = number("time", "lesson.arg.quiz.time")?;
        Ok(out)
    }

    /// Whether the link asks for anything (else the panel shows its menu).
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
            && self.count.is_none()
            && self.seed.is_none()
            && self.time.is_none()
            && self.results.is_none()
            && !self.due
            && !self.exam
            && self.drill.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lan(arg: &str) -> Result<LanArg, String> {
        LanArg::parse(arg).map_err(|e| e.to_string())
    }

    #[test]
    fn loss_and_seed_open_the_loss_view_with_those_knobs() {
        let a = lan("loss=10 seed=23").unwrap();
        assert_eq!(
            a.loss,
            Some(LossKnobs {
                loss: Chance::percent(10.0).unwrap(),
                seed: 23
            })
        );
        assert_eq!(a.source, LanSource::Scenario(LanScenario::SameNetwork));
        // Either alone: the other is the experiment's default.
        let a = lan("seed=140").unwrap().loss.unwrap();
        assert_eq!((a.loss.as_percent(), a.seed), (5.0, 140));
        let a = lan("loss=0.5").unwrap().loss.unwrap();
        assert_eq!((a.loss.as_percent(), a.seed), (0.5, 1));
        assert_eq!(lan("loss=0").unwrap().loss.unwrap().loss, Chance::NEVER);
        assert_eq!(
            lan("loss=20").unwrap().loss.unwrap().loss.as_percent(),
            MAX_LESSON_LOSS_PCT
        );
        assert_eq!(lan("scenario=via-gateway").unwrap().loss, None);
    }

    #[test]
    fn experiment_names_one_of_the_labs_experiments() {
        for name in [
            "traceroute",
            "routing",
            "mtu",
            "zero-window",
            "arp-via-gateway",
        ] {
            let a = lan(&format!("experiment={name}")).unwrap();
            assert_eq!(a.experiment, Some(name));
            assert!(!a.real && a.loss.is_none());
        }
        assert_eq!(lan("scenario=via-gateway real").unwrap().experiment, None);
    }

    #[test]
    fn a_bad_loss_or_seed_is_refused_with_the_range() {
        for (arg, words) in [
            ("loss=21", "loss='21' must be a percentage from 0 to 20"),
            ("loss=-1", "loss='-1' must be a percentage from 0 to 20"),
            ("loss=NaN", "loss='NaN' must be a percentage"),
            ("loss=inf", "loss='inf' must be a percentage"),
            ("loss=5%", "loss='5%' must be a percentage"),
            ("loss=", "loss='' must be a percentage"),
            (
                "seed=-3",
                "seed='-3' must be a whole number from 0 to 18446744073709551615",
            ),
            ("seed=1.5", "seed='1.5' must be a whole number"),
            ("seed=18446744073709551616", "must be a whole number"),
            ("loss=5 loss=6", "'loss' is given twice"),
            (
                "loss=5 colour=red",
                "unknown setting 'colour' (known: scenario, step, real, loss, seed, experiment)",
            ),
            ("loss=5 step=2", "drop step= and 'real'"),
            ("loss=5 real", "drop step= and 'real'"),
            (
                "own=192.168.1.10/24 dst=192.168.1.20 loss=5",
                "not an own= case",
            ),
            (
                "experiment=tcp-loss",
                "experiment='tcp-loss' is not one of: arp-same-lan, arp-via-gateway, traceroute",
            ),
            ("experiment=", "experiment='' is not one of"),
            ("experiment=mtu real", "drop step=, 'real', loss= and seed="),
            (
                "experiment=mtu loss=5",
                "drop step=, 'real', loss= and seed=",
            ),
            (
                "own=192.168.1.10/24 dst=192.168.1.20 experiment=mtu",
                "not an own= case",
            ),
        ] {
            let err = lan(arg).unwrap_err();
            assert!(err.contains(words), "{arg}: {err}");
        }
    }
}
