//! The parameter form of one lab: the lab's options (from its option table) plus
//! the "predict, then observe" answer, edited as typed text and validated by the
//! lab's own parser, so the form and the command line accept the same values.

use crate::i18n::{Lang, tf};
use crate::lab::{LabError, LabName, LabParams, OptKind, OptSpec};

/// Name of the prediction row (the labs accept it as an option too).
pub const PREDICT: &str = "predict";

/// The form of one lab.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamForm {
    pub params: LabParams,
    /// Row under the cursor: the options, then the prediction.
    pub cursor: usize,
    /// The text being typed into the row under the cursor.
    pub editing: Option<String>,
    /// Why the last typed value was refused.
    pub error: Option<Refusal>,
}

/// One row of the form as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct FormRow {
    pub name: &'static str,
    pub value: String,
    /// `ui.toml` key of the description (None for the prediction row).
    pub help: Option<&'static str>,
    pub kind: Option<OptKind>,
}

impl ParamForm {
    pub fn new(params: LabParams) -> ParamForm {
        ParamForm {
            params,
            cursor: 0,
            editing: None,
            error: None,
        }
    }

    /// Whether this build has `lab` (until every lab lands, the defaults of a
    /// missing one are another lab's).
    pub fn available(lab: LabName) -> bool {
        LabParams::defaults(lab).lab() == lab
    }

    pub fn specs(&self) -> &'static [OptSpec] {
        self.params.options()
    }

    /// The rows: every option, then the prediction.
    pub fn rows(&self) -> Vec<FormRow> {
        let mut rows: Vec<FormRow> = self
            .specs()
            .iter()
            .map(|spec| FormRow {
                name: spec.name,
                value: self.params.get(spec.name).unwrap_or_default(),
                help: Some(spec.help),
                kind: Some(spec.kind),
            })
            .collect();
        rows.push(FormRow {
            name: PREDICT,
            value: self
                .params
                .predict()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            help: None,
            kind: None,
        });
        rows
    }

    pub fn row_count(&self) -> usize {
        self.specs().len() + 1
    }

    pub fn move_cursor(&mut self, delta: isize) {
        let last = self.row_count().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }

    pub fn cursor_name(&self) -> &'static str {
        self.specs().get(self.cursor).map_or(PREDICT, |s| s.name)
    }

    /// Enter on a row: flags toggle, choices cycle, other values open for typing.
    pub fn activate(&mut self) {
        self.error = None;
        let spec = self.specs().get(self.cursor).copied();
        let current = self
            .rows()
            .get(self.cursor)
            .map(|r| r.value.clone())
            .unwrap_or_default();
        match spec.map(|s| s.kind) {
            Some(OptKind::Flag) => {
                let on = matches!(current.as_str(), "true" | "on" | "1" | "yes");
                self.set_value(self.cursor_name(), if on { "false" } else { "true" });
            }
            Some(OptKind::Choice(words)) => {
                let at = words
                    .iter()
                    .position(|w| *w == current)
                    .map_or(0, |i| (i + 1) % words.len().max(1));
                if let Some(next) = words.get(at) {
                    self.set_value(self.cursor_name(), next);
                }
            }
            _ => self.editing = Some(current),
        }
    }

    /// Starts typing the prediction.
    pub fn edit_prediction(&mut self) {
        self.cursor = self.row_count().saturating_sub(1);
        self.error = None;
        self.editing = Some(
            self.params
                .predict()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        );
    }

    pub fn type_char(&mut self, c: char) {
        if let Some(text) = &mut self.editing
            && text.len() < 256
        {
            text.push(c);
        }
    }

    pub fn erase(&mut self) {
        if let Some(text) = &mut self.editing {
            text.pop();
        }
    }

    pub fn cancel_edit(&mut self) {
        self.editing = None;
        self.error = None;
    }

    /// Enter while typing: keep the value if the lab accepts it; otherwise keep
    /// typing and show why.
    pub fn commit(&mut self) {
        let Some(text) = self.editing.clone() else {
            return;
        };
        if self.set_value(self.cursor_name(), &text) {
            self.editing = None;
        }
    }

    /// Sets option `name` (or the prediction; empty clears it); false and an
    /// error message when the value is refused.
    pub fn set_value(&mut self, name: &str, value: &str) -> bool {
        let result = if name == PREDICT && value.trim().is_empty() {
            self.clear_prediction()
        } else {
            self.params.set(name, value.trim())
        };
        match result {
            Ok(()) => {
                self.error = None;
                true
            }
            Err(_) => {
                self.error = Some(Refusal {
                    option: name.to_string(),
                    value: value.to_string(),
                });
                false
            }
        }
    }

    /// The lab API cannot unset a prediction: rebuild the params without it.
    fn clear_prediction(&mut self) -> Result<(), LabError> {
        let lab = self.params.lab();
        let mut fresh = LabParams::defaults(lab);
        for spec in self.specs() {
            if let Some(value) = self.params.get(spec.name) {
                fresh.set(spec.name, &value)?;
            }
        }
        self.params = fresh;
        Ok(())
    }

    /// `name=value …` of the options that differ from the defaults.
    pub fn changed_pairs(&self) -> Vec<String> {
        self.specs()
            .iter()
            .filter_map(|spec| {
                let value = self.params.get(spec.name)?;
                (value != spec.default).then(|| format!("{}={value}", spec.name))
            })
            .collect()
    }
}

/// A value the lab refused: drawn as a message in the student's language
/// that names the option and what it accepts (from the lab's option table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub option: String,
    pub value: String,
}

impl Refusal {
    pub fn message(&self, lang: Lang, specs: &[OptSpec]) -> String {
        let option = self.option.as_str();
        let value = self.value.as_str();
        let Some(spec) = specs.iter().find(|s| s.name == option) else {
            if option == PREDICT {
                return tf(lang, "labs.bad.predict", &[("value", value)]);
            }
            let names: Vec<&str> = specs.iter().map(|s| s.name).chain([PREDICT]).collect();
            return tf(
                lang,
                "labs.bad.unknown",
                &[("option", option), ("names", &names.join(", "))],
            );
        };
        let args = |extra: &[(&'static str, String)]| {
            let mut all: Vec<(&str, String)> =
                vec![("option", option.to_string()), ("value", value.to_string())];
            all.extend(extra.iter().cloned());
            all
        };
        let (key, all) = match spec.kind {
            OptKind::Int { min, max } => (
                "labs.bad.int",
                args(&[("min", min.to_string()), ("max", max.to_string())]),
            ),
            OptKind::Text { max_len } => ("labs.bad.text", args(&[("max", max_len.to_string())])),
            OptKind::Flag => ("labs.bad.flag", args(&[])),
            OptKind::Choice(words) => ("labs.bad.choice", args(&[("words", words.join(", "))])),
        };
        let borrowed: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tf(lang, key, &borrowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_value_keeps_typing_and_says_why() {
        let mut form = ParamForm::new(LabParams::defaults(LabName::Sticky));
        form.activate(); // count
        form.editing = Some("0".into());
        form.commit();
        assert!(form.editing.is_some());
        let message = form.error.as_ref().unwrap().message(Lang::En, form.specs());
        assert!(message.contains("1 to 1000"), "{message}");
        form.editing = Some("25".into());
        form.commit();
        assert_eq!(form.editing, None);
        assert_eq!(form.params.get("count").as_deref(), Some("25"));
    }

    #[test]
    fn prediction_is_set_and_cleared() {
        let mut form = ParamForm::new(LabParams::defaults(LabName::Sticky));
        form.set_value("count", "7");
        form.edit_prediction();
        form.type_char('3');
        form.commit();
        assert_eq!(form.params.predict(), Some(3));
        form.edit_prediction();
        form.editing = Some(String::new());
        form.commit();
        assert_eq!(form.params.predict(), None);
        assert_eq!(
            form.params.get("count").as_deref(),
            Some("7"),
            "other values survive"
        );
    }

    #[test]
    fn flags_toggle_on_enter() {
        let mut form = ParamForm::new(LabParams::defaults(LabName::Sticky));
        form.cursor = form
            .specs()
            .iter()
            .position(|s| s.name == "nodelay")
            .unwrap();
        form.activate();
        assert_eq!(form.params.get("nodelay").as_deref(), Some("true"));
        form.activate();
        assert_eq!(form.params.get("nodelay").as_deref(), Some("false"));
    }
}
