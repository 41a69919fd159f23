//! Lab options as data: each lab lists its options ([`OptSpec`]) with kind, range
//! and default, so the CLI parser, the panel's parameter form and the error
//! messages all come from one table.

use super::{LabError, LabName};
use crate::i18n::{Lang, t, tf};

/// What values an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptKind {
    /// A whole number from `min` to `max` inclusive.
    Int { min: u64, max: u64 },
    /// On/off: `--nodelay` alone means on; also `true/false/on/off/yes/no/1/0`.
    Flag,
    /// Free text of 1 to `max_len` bytes.
    Text { max_len: usize },
    /// One of a fixed list of words.
    Choice(&'static [&'static str]),
}

/// One option of one lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptSpec {
    /// Name as typed: `--recv-size 512` on the command line, `recv-size=512` in a
    /// lesson's panel argument.
    pub name: &'static str,
    pub kind: OptKind,
    /// The default, as it would be typed.
    pub default: &'static str,
    /// `ui.toml` key of a one-line description.
    pub help: &'static str,
}

impl OptKind {
    /// The values this kind takes, in words, in `lang`: "an integer from 1
    /// to 1000", "on or off", … (for messages and help).
    pub fn allowed(self, lang: Lang) -> String {
        match self {
            OptKind::Int { min, max } => tf(
                lang,
                "lab.allowed.int",
                &[("min", &min.to_string()), ("max", &max.to_string())],
            ),
            OptKind::Flag => t(lang, "lab.allowed.flag").to_string(),
            OptKind::Text { max_len } => {
                tf(lang, "lab.allowed.text", &[("max", &max_len.to_string())])
            }
            OptKind::Choice(words) => {
                tf(lang, "lab.allowed.choice", &[("words", &words.join(", "))])
            }
        }
    }
}

/// What a bad option value should have been: an option's kind, or a lab's
/// own words (the dns lab's `--names` and `--zone`, which stay English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    Kind(OptKind),
    Words(String),
}

impl Allowed {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Allowed::Kind(kind) => kind.allowed(lang),
            Allowed::Words(words) => words.clone(),
        }
    }
}

impl std::fmt::Display for Allowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// A parsed option value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptValue {
    Int(u64),
    Flag(bool),
    Text(String),
}

impl OptValue {
    pub fn int(&self) -> u64 {
        match self {
            OptValue::Int(n) => *n,
            OptValue::Flag(b) => u64::from(*b),
            OptValue::Text(_) => 0,
        }
    }

    pub fn flag(&self) -> bool {
        match self {
            OptValue::Flag(b) => *b,
            OptValue::Int(n) => *n != 0,
            OptValue::Text(_) => false,
        }
    }

    pub fn text(&self) -> String {
        match self {
            OptValue::Text(s) => s.clone(),
            OptValue::Int(n) => n.to_string(),
            OptValue::Flag(b) => b.to_string(),
        }
    }
}

/// The spec of option `name` of `lab`, or a clear "unknown option" error.
pub fn find_spec(
    lab: LabName,
    specs: &'static [OptSpec],
    name: &str,
) -> Result<&'static OptSpec, LabError> {
    specs
        .iter()
        .find(|spec| spec.name == name)
        .ok_or_else(|| LabError::UnknownOption {
            lab: lab.as_str(),
            option: name.to_string(),
            allowed: allowed_names(specs),
        })
}

/// "--count, --message, --predict" for error messages.
pub fn allowed_names(specs: &[OptSpec]) -> String {
    let mut names: Vec<String> = specs.iter().map(|s| format!("--{}", s.name)).collect();
    names.push("--predict".to_string());
    names.join(", ")
}

/// Parse `value` for option `name` of `lab` against its spec.
pub fn parse_value(
    lab: LabName,
    specs: &'static [OptSpec],
    name: &str,
    value: &str,
) -> Result<OptValue, LabError> {
    let spec = find_spec(lab, specs, name)?;
    let bad = || LabError::BadOption {
        lab: lab.as_str(),
        option: spec.name,
        value: value.to_string(),
        allowed: Allowed::Kind(spec.kind),
    };
    match spec.kind {
        OptKind::Int { min, max } => {
            let n: u64 = value.trim().replace('_', "").parse().map_err(|_| bad())?;
            if (min..=max).contains(&n) {
                Ok(OptValue::Int(n))
            } else {
                Err(bad())
            }
        }
        OptKind::Flag => match value.trim().to_ascii_lowercase().as_str() {
            "" | "1" | "true" | "on" | "yes" => Ok(OptValue::Flag(true)),
            "0" | "false" | "off" | "no" => Ok(OptValue::Flag(false)),
            _ => Err(bad()),
        },
        OptKind::Text { max_len } => {
            if value.is_empty() || value.len() > max_len {
                Err(bad())
            } else {
                Ok(OptValue::Text(value.to_string()))
            }
        }
        OptKind::Choice(words) => {
            let lower = value.trim().to_ascii_lowercase();
            if words.contains(&lower.as_str()) {
                Ok(OptValue::Text(lower))
            } else {
                Err(bad())
            }
        }
    }
}

/// Parse a prediction ("how many recv() calls?").
pub fn parse_predict(lab: LabName, value: &str) -> Result<u64, LabError> {
    value.trim().parse().map_err(|_| LabError::BadOption {
        lab: lab.as_str(),
        option: "predict",
        value: value.to_string(),
        allowed: Allowed::Kind(OptKind::Int {
            min: 0,
            max: u64::MAX,
        }),
    })
}

/// A params field's type: how a parsed option value becomes the field, and back.
pub trait OptField: Sized {
    fn from_value(value: &OptValue) -> Self;
    fn show(&self) -> String;
}

impl OptField for u64 {
    fn from_value(value: &OptValue) -> Self {
        value.int()
    }
    fn show(&self) -> String {
        self.to_string()
    }
}

impl OptField for usize {
    fn from_value(value: &OptValue) -> Self {
        usize::try_from(value.int()).unwrap_or(usize::MAX)
    }
    fn show(&self) -> String {
        self.to_string()
    }
}

impl OptField for u32 {
    fn from_value(value: &OptValue) -> Self {
        u32::try_from(value.int()).unwrap_or(u32::MAX)
    }
    fn show(&self) -> String {
        self.to_string()
    }
}

impl OptField for bool {
    fn from_value(value: &OptValue) -> Self {
        value.flag()
    }
    fn show(&self) -> String {
        self.to_string()
    }
}

impl OptField for String {
    fn from_value(value: &OptValue) -> Self {
        value.text()
    }
    fn show(&self) -> String {
        self.clone()
    }
}

impl OptField for super::Transport {
    fn from_value(value: &OptValue) -> Self {
        super::Transport::from_word(&value.text())
    }
    fn show(&self) -> String {
        self.as_str().to_string()
    }
}

/// The value of option `name` from its declared default text (parsed by the same
/// parser as a lesson or the command line; a test checks every default parses).
pub fn default_of<T: OptField + Default>(lab: LabName, specs: &'static [OptSpec], name: &str) -> T {
    let spec = specs.iter().find(|s| s.name == name);
    match spec.map(|spec| parse_value(lab, specs, name, spec.default)) {
        Some(Ok(value)) => T::from_value(&value),
        _ => T::default(),
    }
}

/// Declares a lab's options once: each line gives the field (with its doc and
/// type), the default as typed, the option name, its kind and the `ui.toml` key
/// of its help (both languages live there). From it come the params struct (with
/// `predict`), `Default`, the option table (`OPTIONS`: `--options`, the Labs
/// panel's form, the lesson checker) and `set`/`get` by name.
macro_rules! lab_params {
    (
        $(#[$meta:meta])*
        pub struct $ty:ident for $lab:ident {
            $(
                $(#[$fdoc:meta])*
                $field:ident : $fty:ty = $default:literal, $name:literal, $kind:expr, $help:literal;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $ty {
            $($(#[$fdoc])* pub $field: $fty,)*
            /// The student's prediction (the lab's "predict, then observe" number).
            pub predict: Option<u64>,
        }

        impl $ty {
            /// The options, in display order.
            pub const OPTIONS: &'static [$crate::lab::OptSpec] = &[$(
                $crate::lab::OptSpec {
                    name: $name,
                    kind: {
                        #[allow(unused_imports)]
                        use $crate::lab::OptKind::*;
                        $kind
                    },
                    default: $default,
                    help: $help,
                },
            )*];
        }

        impl Default for $ty {
            fn default() -> Self {
                $ty {
                    $($field: $crate::lab::options::default_of(
                        $crate::lab::LabName::$lab,
                        Self::OPTIONS,
                        $name,
                    ),)*
                    predict: None,
                }
            }
        }

        impl $crate::lab::LabOptions for $ty {
            const LAB: $crate::lab::LabName = $crate::lab::LabName::$lab;
            fn options() -> &'static [$crate::lab::OptSpec] {
                Self::OPTIONS
            }
            fn set(&mut self, name: &str, value: &str) -> Result<(), $crate::lab::LabError> {
                if name == "predict" {
                    self.predict = Some($crate::lab::options::parse_predict(Self::LAB, value)?);
                    return Ok(());
                }
                let parsed = $crate::lab::options::parse_value(Self::LAB, Self::OPTIONS, name, value)?;
                let _ = &parsed; // labs without options never read it
                match name {
                    $($name => self.$field = $crate::lab::options::OptField::from_value(&parsed),)*
                    _ => {}
                }
                Ok(())
            }
            fn get(&self, name: &str) -> Option<String> {
                match name {
                    "predict" => self.predict.map(|p| p.to_string()),
                    $($name => Some($crate::lab::options::OptField::show(&self.$field)),)*
                    _ => None,
                }
            }
            fn predict(&self) -> Option<u64> {
                self.predict
            }
        }
    };
}
pub(crate) use lab_params;

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[OptSpec] = &[
        OptSpec {
            name: "count",
            kind: OptKind::Int { min: 1, max: 10 },
            default: "5",
            help: "lab.opt.count",
        },
        OptSpec {
            name: "nodelay",
            kind: OptKind::Flag,
            default: "false",
            help: "lab.opt.nodelay",
        },
    ];

    #[test]
    fn out_of_range_names_option_and_range() {
        let err = parse_value(LabName::Sticky, SPECS, "count", "11").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("--count"), "{text}");
        assert!(text.contains("from 1 to 10"), "{text}");
    }

    #[test]
    fn unknown_option_lists_the_known_ones() {
        let text = parse_value(LabName::Sticky, SPECS, "cuont", "1")
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("--cuont") && text.contains("--count, --nodelay"),
            "{text}"
        );
    }

    #[test]
    fn flags_accept_bare_and_words() {
        assert_eq!(
            parse_value(LabName::Sticky, SPECS, "nodelay", "").unwrap(),
            OptValue::Flag(true)
        );
        assert_eq!(
            parse_value(LabName::Sticky, SPECS, "nodelay", "off").unwrap(),
            OptValue::Flag(false)
        );
        assert!(parse_value(LabName::Sticky, SPECS, "nodelay", "maybe").is_err());
    }
}
