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
}

impl LabName {
    /// Every lab, in the order of the issue (and of `--list`).
    pub const ALL: &'static [LabName] = <LabName as strum::VariantArray>::VARIANTS;

    /// Every lab's name, in the same order.
    pub const NAMES: &'static [&'static str] = <LabName as strum::VariantNames>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    fn key(self, what: &str) -> &'static str {
        // Keys are built from a fixed table so they can be `&'static`.
        const KEYS: [[&str; 3]; 14] = [
            ["lab.sticky.title", "lab.sticky.about", "lab.sticky.predict"],
            ["lab.split.title", "lab.split.about", "lab.split.predict"],
            [
                "lab.framing.title",
                "lab.framing.about",
                "lab.framing.predict",
            ],
            [
                "lab.udp-boundaries.title",
                "lab.udp-boundaries.about",
                "lab.udp-boundaries.predict",
            ],
            [
                "lab.udp-truncate.title",
                "lab.udp-truncate.about",
                "lab.udp-truncate.predict",
            ],
            [
                "lab.udp-loss.title",
                "lab.udp-loss.about",
                "lab.udp-loss.predict",
            ],
            [
                "lab.port-in-use.title",
                "lab.port-in-use.about",
                "lab.port-in-use.predict",
            ],
            ["lab.chat.title", "lab.chat.about", "lab.chat.predict"],
            ["lab.time.title", "lab.time.about", "lab.time.predict"],
            ["lab.unix.title", "lab.unix.about", "lab.unix.predict"],
            [
                "lab.throughput.title",
                "lab.throughput.about",
                "lab.throughput.predict",
            ],
            [
                "lab.concurrency.title",
                "lab.concurrency.about",
                "lab.concurrency.predict",
            ],
            ["lab.errors.title", "lab.errors.about", "lab.errors.predict"],
            ["lab.http.title", "lab.http.about", "lab.http.predict"],
        ];
        let row = Self::ALL.iter().position(|l| *l == self).unwrap_or(0);
        let col = match what {
            "title" => 0,
            "about" => 1,
            _ => 2,
        };
        KEYS[row][col]
    }

    /// `ui.toml` key of the lab's short title.
    pub fn title_key(self) -> &'static str {
        self.key("title")
    }

    /// `ui.toml` key of the one-line description (`nettutor lab --list`).
    pub fn about_key(self) -> &'static str {
        self.key("about")
    }

    /// `ui.toml` key of the "predict, then observe" question.
    pub fn predict_key(self) -> &'static str {
        self.key("predict")
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
