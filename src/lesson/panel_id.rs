//! The panels a lesson step can open, by name. Compiled into build.rs too (the
//! build-time lesson check), so it depends on nothing else of the crate.

/// The sections a lesson step can open.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::VariantNames,
)]
#[strum(serialize_all = "kebab-case")]
pub enum PanelId {
    Lessons,
    Osi,
    Lan,
    Handshake,
    Subnet,
    Labs,
    Quiz,
    Glossary,
    /// The student's recent `nettutor check` reports.
    Check,
}

impl PanelId {
    pub const ALL: &'static [PanelId] = <PanelId as strum::VariantArray>::VARIANTS;

    /// Every name, in the same order.
    pub const NAMES: &'static [&'static str] = <PanelId as strum::VariantNames>::VARIANTS;

    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<PanelId> {
        PanelId::ALL.iter().copied().find(|p| p.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        PanelId::NAMES.to_vec()
    }
}
