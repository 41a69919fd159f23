//! The result of a check: serialisable whole (with the captured frames of each
//! failing property, so a later view can replay the run as a sequence diagram),
//! and as the short JSON summary `--json` prints.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::evidence::Frame;
use super::log::LogEntry;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyReport {
    pub name: String,
    pub passed: bool,
    /// Counts in the verdict (a property with `required = false` only counts with `--strict`).
    pub required: bool,
    /// What went wrong, one sentence (empty when passed).
    pub detail: String,
    pub sent: String,
    pub expected: String,
    pub got: String,
    pub concept: String,
    pub lesson: String,
    pub hint: String,
    /// What became of the program: e.g. "exit status 1", with its last output.
    pub program: Option<String>,
    /// Where the program was reached.
    pub server: Option<SocketAddr>,
    /// Files written for this property (pcap, byte log).
    pub evidence: Vec<PathBuf>,
    pub elapsed_ms: u64,
    /// The byte log (failing properties only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<LogEntry>,
    /// The captured frames (failing properties only, when capture was possible).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frames: Vec<Frame>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    pub exercise: String,
    /// The command as given (with `{port}` unreplaced), or empty with `--port`.
    pub command: Vec<String>,
    pub strict: bool,
    /// `nobody` when the checker ran as root and dropped privileges for the program.
    pub ran_as: Option<String>,
    /// Why there are no pcap files, when there are none (e.g. not root).
    pub capture: Option<String>,
    pub evidence_dir: Option<PathBuf>,
    pub properties: Vec<PropertyReport>,
    pub passed: usize,
    pub failed: usize,
    pub elapsed_ms: u64,
}

impl CheckReport {
    /// Counts the verdict: a failure counts when the property is required, or always
    /// with `--strict`.
    pub fn tally(&mut self) {
        self.passed = self.properties.iter().filter(|p| p.passed).count();
        self.failed = self
            .properties
            .iter()
            .filter(|p| !p.passed && (p.required || self.strict))
            .count();
    }

    pub fn all_passed(&self) -> bool {
        self.failed == 0
    }

    /// `{"exercise": …, "properties": [{"name", "passed", "detail", …}], "passed": N, "failed": M}`.
    pub fn summary(&self) -> Summary<'_> {
        Summary {
            exercise: &self.exercise,
            properties: self
                .properties
                .iter()
                .map(|p| SummaryProperty {
                    name: &p.name,
                    passed: p.passed,
                    required: p.required || self.strict,
                    detail: &p.detail,
                    sent: &p.sent,
                    expected: &p.expected,
                    got: &p.got,
                    hint: (!p.passed).then_some(p.hint.as_str()),
                    lesson: &p.lesson,
                    program: p.program.as_deref(),
                    evidence: &p.evidence,
                })
                .collect(),
            passed: self.passed,
            failed: self.failed,
            evidence_dir: self.evidence_dir.as_ref(),
            capture: self.capture.as_deref(),
            elapsed_ms: self.elapsed_ms,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub exercise: &'a str,
    pub properties: Vec<SummaryProperty<'a>>,
    pub passed: usize,
    pub failed: usize,
    pub evidence_dir: Option<&'a PathBuf>,
    pub capture: Option<&'a str>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct SummaryProperty<'a> {
    pub name: &'a str,
    pub passed: bool,
    pub required: bool,
    pub detail: &'a str,
    pub sent: &'a str,
    pub expected: &'a str,
    pub got: &'a str,
    pub hint: Option<&'a str>,
    pub lesson: &'a str,
    pub program: Option<&'a str>,
    pub evidence: &'a [PathBuf],
}
