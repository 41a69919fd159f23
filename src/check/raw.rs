//! An exercise file exactly as written (serde), with spans for error messages.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExercise {
    pub id: Spanned<String>,
    pub order: Option<i64>,
    /// tcp | udp
    pub transport: Spanned<String>,
    /// length-prefixed | line | until-close | datagram
    pub framing: Spanned<String>,
    /// How the right answer follows from a request: upper | echo-line | strftime | local-time
    pub reply: Spanned<String>,
    /// The lesson that teaches the protocol.
    pub lesson: Spanned<String>,
    /// A request used to ask "are you still serving?" after an adversarial move.
    pub probe: Spanned<String>,
    /// The program a student would write, for `check --list` and the lessons.
    pub example: Option<Spanned<String>>,
    pub title: Spanned<RawText>,
    pub protocol: Spanned<RawText>,
    #[serde(default)]
    pub property: Vec<Spanned<RawProperty>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawProperty {
    pub name: Spanned<String>,
    /// One of the checker's adversarial moves.
    #[serde(rename = "move")]
    pub action: Spanned<String>,
    /// false: reported, but only required with `--strict`.
    pub required: Option<bool>,
    pub concept: Spanned<String>,
    pub lesson: Spanned<String>,
    pub about: Spanned<RawText>,
    pub hint: Spanned<RawText>,
    #[serde(default)]
    pub messages: Vec<Spanned<String>>,
    pub piece: Option<Spanned<i64>>,
    pub pause_ms: Option<Spanned<i64>>,
    pub size: Option<Spanned<i64>>,
    pub clients: Option<Spanned<i64>>,
    pub within_ms: Option<Spanned<i64>>,
    pub count: Option<Spanned<i64>>,
    pub cut: Option<Spanned<i64>>,
    pub word: Option<Spanned<String>>,
    pub marker: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawText {
    pub en: Option<Spanned<String>>,
    pub zh: Option<Spanned<String>>,
}
