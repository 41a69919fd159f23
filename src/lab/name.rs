//! The labs by name: parsing, listing, and their `ui.toml` keys.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::LabError;

/// The labs, by the names used on the command line and in lesson files. This
/// enum is the one list of labs: names, iteration and "one of: …" messages are
/// derived from it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::VariantNames,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum LabName {
    Sticky,
    Split,
    Framing,
    UdpBoundaries,
    UdpTruncate,
    UdpLoss,
    PortInUse,
    Chat,
    Time,
    Unix,
    Throughput,
    Concurrency,
    Errors,
    Http,
    Dns,
    Dhcp,
}

impl LabName {
    /// Every lab, in the order of the issue (and of `--list`).
    pub const ALL: &'static [LabName] = <LabName as strum::VariantArray>::VARIANTS;

    /// Every lab's name, in the same order.
    pub const NAMES: &'static [&'static str] = <LabName as strum::VariantNames>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The lab's `ui.toml` key for `what` (0 title, 1 about, 2 predict): always
    /// `lab.NAME.WHAT`, built once from the enum, so a new lab needs no table row
    /// (the test in `lab::tests` checks every key exists in both languages).
    fn key(self, what: usize) -> &'static str {
        static KEYS: std::sync::LazyLock<Vec<[String; 3]>> = std::sync::LazyLock::new(|| {
            LabName::ALL
                .iter()
                .map(|lab| {
                    ["title", "about", "predict"].map(|w| format!("lab.{}.{w}", lab.as_str()))
                })
                .collect()
        });
        let row = Self::ALL.iter().position(|l| *l == self).unwrap_or(0);
        KEYS.get(row).map_or("", |keys| keys[what.min(2)].as_str())
    }

    /// `ui.toml` key of the lab's short title.
    pub fn title_key(self) -> &'static str {
        self.key(0)
    }

    /// `ui.toml` key of the one-line description (`nettutor lab --list`).
    pub fn about_key(self) -> &'static str {
        self.key(1)
    }

    /// `ui.toml` key of the "predict, then observe" question.
    pub fn predict_key(self) -> &'static str {
        self.key(2)
    }
}

impl fmt::Display for LabName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LabName {
    type Err = LabError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().replace('_', "-");
        LabName::ALL
            .iter()
            .copied()
            .find(|lab| lab.as_str().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| LabError::UnknownLab(s.to_string()))
    }
}
