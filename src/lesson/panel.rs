//! Which panel a lesson step may open, and what its `arg` may say.

use std::collections::BTreeMap;

/// The sections a lesson step can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PanelId {
    Lessons,
    Osi,
    Lan,
    Handshake,
    Subnet,
    Labs,
    Quiz,
    Glossary,
}

impl PanelId {
    pub const ALL: [PanelId; 8] = [
        PanelId::Lessons,
        PanelId::Osi,
        PanelId::Lan,
        PanelId::Handshake,
        PanelId::Subnet,
        PanelId::Labs,
        PanelId::Quiz,
        PanelId::Glossary,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PanelId::Lessons => "lessons",
            PanelId::Osi => "osi",
            PanelId::Lan => "lan",
            PanelId::Handshake => "handshake",
            PanelId::Subnet => "subnet",
            PanelId::Labs => "labs",
            PanelId::Quiz => "quiz",
            PanelId::Glossary => "glossary",
        }
    }

    pub fn from_name(name: &str) -> Option<PanelId> {
        PanelId::ALL.into_iter().find(|p| p.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        PanelId::ALL.iter().map(|p| p.name()).collect()
    }
}

/// Splits `key=value key=value` into a map; a bare word maps to "".
pub fn parse_pairs(arg: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for token in arg.split_whitespace() {
        let (key, value) = token.split_once('=').unwrap_or((token, ""));
        if key.is_empty() {
            return Err(format!("'{token}' has no name before '='"));
        }
        if map.insert(key.to_string(), value.to_string()).is_some() {
            return Err(format!("'{key}' is given twice"));
        }
    }
    Ok(map)
}

fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{key}='{value}' is not one of: {}",
            allowed.join(", ")
        ))
    }
}

fn only_keys(map: &BTreeMap<String, String>, allowed: &[&str]) -> Result<(), String> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown setting '{k}' (known: {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

/// Handshake scenarios a lesson may name.
pub const HANDSHAKE_SCENARIOS: &[&str] = &[
    "normal",
    "server-closes-first",
    "simultaneous-close",
    "half-close",
    "lost-syn",
    "rst-closed-port",
    "syn-flood",
    "time-wait",
];

/// Labs a lesson may name.
pub const LAB_NAMES: &[&str] = &[
    "sticky",
    "split",
    "framing",
    "udp-boundaries",
    "udp-truncate",
    "udp-loss",
    "port-in-use",
    "chat",
    "time",
    "unix",
    "throughput",
];

/// Checks a step's `arg` for `panel`; the message says what is wrong.
pub fn validate_arg(panel: PanelId, arg: &str) -> Result<(), String> {
    match panel {
        PanelId::Subnet => crate::net::subnet::check_lesson_arg(arg).map_err(|e| e.to_string()),
        PanelId::Osi => {
            let map = parse_pairs(arg)?;
            only_keys(
                &map,
                &["layer", "encap", "layers", "message", "proto", "ip"],
            )?;
            if let Some(layer) = map.get("layer") {
                match layer.parse::<u8>() {
                    Ok(1..=7) => {}
                    _ => return Err(format!("layer='{layer}' must be 1 to 7")),
                }
            }
            if let Some(p) = map.get("proto") {
                one_of("proto", p, &["tcp", "udp"])?;
            }
            if let Some(ip) = map.get("ip") {
                one_of("ip", ip, &["v4", "v6"])?;
            }
            Ok(())
        }
        PanelId::Lan if arg.contains("own=") => arg
            .parse::<crate::net::arp::LanCase>()
            .and_then(|case| case.lan().map(|_| ()))
            .map_err(|e| e.to_string()),
        PanelId::Lan => {
            let map = parse_pairs(arg)?;
            only_keys(&map, &["scenario"])?;
            match map.get("scenario") {
                Some(s) => one_of("scenario", s, &["same-network", "via-gateway"]),
                None => Ok(()),
            }
        }
        PanelId::Handshake => {
            let map = parse_pairs(arg)?;
            only_keys(&map, &["scenario", "real"])?;
            match map.get("scenario") {
                Some(s) => one_of("scenario", s, HANDSHAKE_SCENARIOS),
                None => Ok(()),
            }
        }
        PanelId::Labs => {
            let map = parse_pairs(arg)?;
            match map.get("lab") {
                Some(lab) => {
                    one_of("lab", lab, LAB_NAMES)?;
                    // The lab's own option table: names, ranges, kinds.
                    crate::lab::LabParams::from_arg(arg)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
                None if map.is_empty() => Ok(()),
                None => Err("name the lab first: lab=NAME".into()),
            }
        }
        PanelId::Quiz => {
            let map = parse_pairs(arg)?;
            only_keys(&map, &["topic", "count", "seed"])?;
            let topics = map.get("topic").map_or("", String::as_str);
            match topics
                .split(',')
                .find(|t| !t.is_empty() && super::question::Topic::from_name(t).is_none())
            {
                Some(bad) => Err(format!(
                    "topic='{bad}' is not one of: {}",
                    super::question::Topic::names().join(", ")
                )),
                None => Ok(()),
            }
        }
        PanelId::Lessons | PanelId::Glossary => {
            let map = parse_pairs(arg)?;
            only_keys(&map, &["id", "term"])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in PanelId::ALL {
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
}
