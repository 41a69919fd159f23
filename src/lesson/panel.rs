//! Which panel a lesson step may open, and its `arg` parsed once into a typed
//! value ([`PanelArg`]). The lesson checker and the panel's `open` use the same
//! parser: what `lessons check` accepts is exactly what the panel shows.

use std::collections::BTreeMap;

pub use super::panel_arg::{
    HandshakeArg, HandshakeSource, LabArg, LanArg, LanSource, LossKnobs, OsiArg, OsiView, QuizArg,
    SubnetArg,
};

pub use super::panel_id::PanelId;

use super::error::Message;

/// A panel link's argument, parsed: one variant per panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelArg {
    Lessons,
    Osi(OsiArg),
    Lan(LanArg),
    Handshake(HandshakeArg),
    Subnet(SubnetArg),
    Labs(LabArg),
    Quiz(QuizArg),
    Glossary,
    Check(CheckArg),
}

/// What the check reports screen opens on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckArg {
    /// A `report.json` to show first (`nettutor check … --open`); a lesson link
    /// takes no argument and opens the list of recent reports.
    pub report: Option<std::path::PathBuf>,
}

impl PanelArg {
    /// The panel this argument opens.
    pub fn panel(&self) -> PanelId {
        match self {
            PanelArg::Lessons => PanelId::Lessons,
            PanelArg::Osi(_) => PanelId::Osi,
            PanelArg::Lan(_) => PanelId::Lan,
            PanelArg::Handshake(_) => PanelId::Handshake,
            PanelArg::Subnet(_) => PanelId::Subnet,
            PanelArg::Labs(_) => PanelId::Labs,
            PanelArg::Quiz(_) => PanelId::Quiz,
            PanelArg::Glossary => PanelId::Glossary,
            PanelArg::Check(_) => PanelId::Check,
        }
    }

    /// Parses `arg` for `panel`. `expect_error`: the lesson shows a refused input
    /// on purpose (`expect_error = true`), which only the subnet panel can show;
    /// then the input must be refused, and the panel opens on it with its error.
    /// The refusal is in English; [`PanelArg::parse_bilingual`] gives it in both
    /// languages.
    pub fn parse(panel: PanelId, arg: &str, expect_error: bool) -> Result<PanelArg, String> {
        Self::parse_bilingual(panel, arg, expect_error).map_err(|why| why.to_string())
    }

    /// [`PanelArg::parse`], the refusal said in either language (what
    /// `lessons check` prints).
    pub fn parse_bilingual(
        panel: PanelId,
        arg: &str,
        expect_error: bool,
    ) -> Result<PanelArg, Message> {
        if expect_error && panel != PanelId::Subnet {
            return Err(
                Message::new("lesson.arg.expect_error_elsewhere").with("panel", panel.name())
            );
        }
        Ok(match panel {
            PanelId::Subnet => PanelArg::Subnet(SubnetArg::parse(arg, expect_error)?),
            PanelId::Osi => PanelArg::Osi(OsiArg::parse(arg)?),
            PanelId::Lan => PanelArg::Lan(LanArg::parse(arg)?),
            PanelId::Handshake => PanelArg::Handshake(HandshakeArg::parse(arg)?),
            PanelId::Labs => PanelArg::Labs(LabArg::parse(arg)?),
            PanelId::Quiz => PanelArg::Quiz(QuizArg::parse(arg)?),
            PanelId::Lessons | PanelId::Glossary | PanelId::Check => {
                only_keys(&parse_pairs(arg)?, &[])?;
                match panel {
                    PanelId::Lessons => PanelArg::Lessons,
                    PanelId::Check => PanelArg::Check(CheckArg::default()),
                    _ => PanelArg::Glossary,
                }
            }
        })
    }
}

/// Checks a step's `arg` for `panel` (without `expect_error`).
pub fn validate_arg(panel: PanelId, arg: &str) -> Result<(), String> {
    PanelArg::parse(panel, arg, false).map(|_| ())
}

/// Splits `key=value key=value` into a map; a bare word maps to "".
pub fn parse_pairs(arg: &str) -> Result<BTreeMap<String, String>, Message> {
    let mut map = BTreeMap::new();
    for token in arg.split_whitespace() {
        let (key, value) = token.split_once('=').unwrap_or((token, ""));
        if key.is_empty() {
            return Err(Message::new("lesson.arg.no_name").with("token", token));
        }
        if map.insert(key.to_string(), value.to_string()).is_some() {
            return Err(Message::new("lesson.arg.twice").with("key", key));
        }
    }
    Ok(map)
}

/// `value` as one of `allowed` (the names of an enum), or a message listing them.
pub(super) fn one_of<T: Copy>(
    key: &str,
    value: &str,
    all: &[T],
    names: &[&str],
) -> Result<T, Message> {
    names
        .iter()
        .position(|n| *n == value)
        .and_then(|i| all.get(i).copied())
        .ok_or_else(|| {
            Message::new("lesson.arg.not_one_of")
                .with("key", key)
                .with("value", value)
                .with("names", names.join(", "))
        })
}

pub(super) fn only_keys(map: &BTreeMap<String, String>, allowed: &[&str]) -> Result<(), Message> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) if allowed.is_empty() => Err(Message::new("lesson.arg.no_settings").with("key", k)),
        Some(k) => Err(Message::new("lesson.arg.unknown_setting")
            .with("key", k)
            .with("known", allowed.join(", "))),
        None => Ok(()),
    }
}

/// `step=N` (1 = the first step, as the panel counts) checked against `count`
/// steps; returns the 0-based index.
pub(super) fn step_index(value: &str, count: usize) -> Result<usize, Message> {
    match value.parse::<usize>() {
        Ok(n) if (1..=count).contains(&n) => Ok(n - 1),
        _ => Err(Message::new("lesson.arg.step_range")
            .with("value", value)
            .with("count", count)),
    }
}

/// A failure of the program's own models while checking an argument (an
/// animation that cannot be built): not the author's mistake, said as it is.
pub(super) fn internal(error: impl std::fmt::Display) -> Message {
    Message::new("lesson.arg.internal").with("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &p in PanelId::ALL {
            assert_eq!(PanelId::from_name(p.name()), Some(p));
        }
        assert_eq!(PanelId::from_name("arp"), None);
    }

    #[test]
    fn args_are_checked_per_panel() {
        assert!(validate_arg(PanelId::Lan, "scenario=via-gateway").is_ok());
        assert!(validate_arg(PanelId::Lan, "scenario=mars").is_err());
        assert!(validate_arg(PanelId::Osi, "layer=8").is_err());
        assert!(validate_arg(PanelId::Osi, "encap message=hi proto=udp ip=v6").is_ok());
        assert!(validate_arg(PanelId::Handshake, "scenario=lost-syn").is_ok());
        assert!(validate_arg(PanelId::Labs, "lab=sticky count=10").is_ok());
        assert!(validate_arg(PanelId::Labs, "lab=nope").is_err());
        assert!(validate_arg(PanelId::Labs, "lab=sticky count=0").is_err());
        assert!(validate_arg(PanelId::Labs, "lab=chat proto=udp").is_ok());
        assert!(validate_arg(PanelId::Subnet, " ").is_err());
        assert!(validate_arg(PanelId::Subnet, "192.168.21.36/24 split=26").is_ok());
        assert!(validate_arg(PanelId::Subnet, "192.168.21.36/24 colour=red").is_err());
        assert!(validate_arg(PanelId::Osi, "layer=2 layer=3").is_err());
        assert!(validate_arg(PanelId::Quiz, "topic=osi,ports count=5").is_ok());
        assert!(validate_arg(PanelId::Quiz, "topic=osi,dns").is_err());
    }

    #[test]
    fn what_the_panel_refused_the_checker_refuses_too() {
        // Each of these passed `lessons check` and was refused (or ignored) by
        // the panel before both used one parser.
        for (panel, arg) in [
            (PanelId::Osi, "layers encap"),
            (PanelId::Osi, "layer=3 encap"),
            (PanelId::Handshake, "scenario=normal real"),
            (PanelId::Lessons, "id=01-osi"),
            (PanelId::Glossary, "term=arp"),
            (PanelId::Subnet, "192.168.50.300/26"),
            (PanelId::Subnet, "192.168.50.3/33"),
            (PanelId::Subnet, "192.168.21.36 255.0.255.0"),
        ] {
            assert!(
                validate_arg(panel, arg).is_err(),
                "{} {arg} should be refused",
                panel.name()
            );
        }
    }

    #[test]
    fn a_refused_input_is_shown_only_when_the_lesson_says_so() {
        let arg = PanelArg::parse(PanelId::Subnet, "192.168.21.36 255.0.255.0", true).unwrap();
        let PanelArg::Subnet(subnet) = arg else {
            panic!("not a subnet argument: {arg:?}");
        };
        assert!(subnet.request.is_err());
        let err = PanelArg::parse(PanelId::Subnet, "192.168.21.36/24", true).unwrap_err();
        assert!(err.contains("expect_error"), "{err}");
        let err = PanelArg::parse(PanelId::Osi, "layer=9", true).unwrap_err();
        assert!(err.contains("only subnet"), "{err}");
        assert!(PanelArg::parse(PanelId::Subnet, " ", true).is_err());
    }

    #[test]
    fn every_scenario_lab_and_topic_can_be_named_by_a_lesson() {
        for &s in crate::net::tcp::Scenario::ALL {
            let arg = format!("scenario={}", s.name());
            assert_eq!(
                PanelArg::parse(PanelId::Handshake, &arg, false),
                Ok(PanelArg::Handshake(HandshakeArg {
                    source: HandshakeSource::Scenario(s),
                    step: None
                })),
                "{arg}"
            );
        }
        for &lab in crate::lab::LabName::ALL {
            let arg = format!("lab={lab}");
            let Ok(PanelArg::Labs(LabArg { params: Some(p) })) =
                PanelArg::parse(PanelId::Labs, &arg, false)
            else {
                panic!("{arg} is refused");
            };
            assert_eq!(p.lab(), lab);
        }
        for &kind in crate::net::arp::LanScenario::ALL {
            let arg = format!("scenario={}", kind.name());
            assert!(validate_arg(PanelId::Lan, &arg).is_ok(), "{arg}");
        }
        for &topic in super::super::Topic::ALL {
            let arg = format!("topic={}", topic.name());
            assert!(validate_arg(PanelId::Quiz, &arg).is_ok(), "{arg}");
        }
    }

    #[test]
    fn step_opens_an_animation_at_a_given_step() {
        let Ok(PanelArg::Handshake(hs)) =
            PanelArg::parse(PanelId::Handshake, "scenario=normal step=3", false)
        else {
            panic!("refused");
        };
        assert_eq!(hs.step, Some(2));
        let err = validate_arg(PanelId::Handshake, "scenario=normal step=999").unwrap_err();
        assert!(err.contains("must be from 1 to"), "{err}");
        assert!(validate_arg(PanelId::Handshake, "real step=2").is_err());
        assert!(validate_arg(PanelId::Lan, "scenario=via-gateway step=2").is_ok());
        assert!(validate_arg(PanelId::Lan, "step=0").is_err());
        assert!(validate_arg(PanelId::Osi, "encap step=4").is_ok());
        assert!(validate_arg(PanelId::Osi, "encap step=11").is_err());
        assert!(validate_arg(PanelId::Osi, "layer=3 step=2").is_err());
        let Ok(PanelArg::Subnet(s)) = PanelArg::parse(PanelId::Subnet, "10.0.0.1/20 step=5", false)
        else {
            panic!("refused");
        };
        assert_eq!((s.text.as_str(), s.step), ("10.0.0.1/20", Some(4)));
        assert!(validate_arg(PanelId::Subnet, "10.0.0.1/20 step=99").is_err());
    }
}
