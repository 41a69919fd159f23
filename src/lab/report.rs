//! The final report of a lab run: JSON for scripts, a summary for people.

use serde::Serialize;

use super::{LabDetails, LabName};
use crate::i18n::{Lang, t, tf};

/// What every lab-specific report can say about itself.
pub trait LabOutcome {
    /// The number the student's prediction is compared with (the lab's
    /// `predict_key` question asks for exactly this number).
    fn observed(&self) -> u64;
    /// Whether `predicted` counts as right (exact by default; measurements such as
    /// throughput allow a margin).
    fn matches(&self, predicted: u64) -> bool {
        predicted == self.observed()
    }
    /// Lines for people: what happened (with the numbers), then which concept it
    /// proves.
    fn summary(&self, lang: Lang) -> Vec<String>;
}

/// "Predict, then observe": the student's guess next to what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Prediction {
    pub predicted: u64,
    pub observed: u64,
    pub matched: bool,
}

/// One finished lab run. Serialises to one JSON object: `lab`, the lab's own keys
/// (as listed in the issue), `elapsed_ms` (wall time) and `prediction` (or null).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabReport {
    pub lab: LabName,
    #[serde(flatten)]
    pub details: LabDetails,
    pub elapsed_ms: u64,
    pub prediction: Option<Prediction>,
}

impl LabReport {
    /// The report of a run of `lab`: its details, its wall time, and the
    /// verdict on the student's prediction (the lab's own rule, see
    /// [`LabOutcome::matches`]). The one place a report is put together.
    pub fn new(
        lab: LabName,
        details: LabDetails,
        elapsed_ms: u64,
        predicted: Option<u64>,
    ) -> LabReport {
        let prediction = predicted.map(|predicted| {
            let outcome = details.outcome();
            Prediction {
                predicted,
                observed: outcome.observed(),
                matched: outcome.matches(predicted),
            }
        });
        LabReport {
            lab,
            details,
            elapsed_ms,
            prediction,
        }
    }

    /// The human report: title, what happened, the concept, the prediction
    /// verdict and the wall time.
    pub fn summary(&self, lang: Lang) -> String {
        let mut lines = vec![format!(
            "{} — {}",
            self.lab.as_str(),
            t(lang, self.lab.title_key())
        )];
        lines.extend(self.details.outcome().summary(lang));
        if let Some(p) = &self.prediction {
            let key = if p.matched {
                "lab.prediction.matched"
            } else {
                "lab.prediction.missed"
            };
            lines.push(tf(
                lang,
                key,
                &[
                    ("question", t(lang, self.lab.predict_key())),
                    ("predicted", &p.predicted.to_string()),
                    ("observed", &p.observed.to_string()),
                ],
            ));
        }
        lines.push(tf(
            lang,
            "lab.elapsed",
            &[("ms", &self.elapsed_ms.to_string())],
        ));
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
