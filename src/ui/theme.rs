//! Colour themes, read from `assets/themes/*.toml` (embedded). Panels ask for a
//! style by its role (network bits, a layer's header, a selected row …), never for
//! a colour, so the monochrome theme can carry the same meaning with bold,
//! underline, dim and reverse.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The built-in themes: names (`dark`, `high-contrast` …) and iteration come
/// from this one declaration; `--theme` and [`Theme::named`] parse from it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::VariantNames,
)]
#[strum(serialize_all = "kebab-case")]
pub enum ThemeName {
    Dark,
    Light,
    HighContrast,
    /// No colour at all: bold, underline, dim and reverse carry the meaning
    /// (`--no-color`, `NO_COLOR`).
    Mono,
}

impl ThemeName {
    pub const ALL: &'static [ThemeName] = <ThemeName as strum::VariantArray>::VARIANTS;
    pub const NAMES: &'static [&'static str] = <ThemeName as strum::VariantNames>::VARIANTS;

    /// The theme file shipped in the binary.
    fn source(self) -> &'static str {
        match self {
            ThemeName::Dark => include_str!("../../assets/themes/dark.toml"),
            ThemeName::Light => include_str!("../../assets/themes/light.toml"),
            ThemeName::HighContrast => include_str!("../../assets/themes/high-contrast.toml"),
            ThemeName::Mono => include_str!("../../assets/themes/mono.toml"),
        }
    }
}

impl PartialEq<&str> for ThemeName {
    fn eq(&self, other: &&str) -> bool {
        <&'static str>::from(*self) == *other
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ThemeError {
    #[error("unknown theme '{0}' (available: {names})", names = ThemeName::NAMES.join(", "))]
    Unknown(String),
    #[error("theme '{name}' is broken: {message}")]
    Broken { name: String, message: String },
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    mods: Vec<String>,
}

macro_rules! theme_roles {
    ($($(#[$doc:meta])* $role:ident),* $(,)?) => {
        /// Styles by role.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            pub name: ThemeName,
            $($(#[$doc])* pub $role: Style,)*
        }

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawTheme {
            $($role: StyleSpec,)*
        }

        impl Theme {
            fn from_raw(name: ThemeName, raw: RawTheme) -> Result<Theme, ThemeError> {
                Ok(Theme {
                    name,
                    $($role: style_of(name.into(), stringify!($role), &raw.$role)?,)*
                })
            }
        }
    };
}

theme_roles!(
    /// Ordinary text.
    base,
    muted,
    title,
    accent,
    border,
    border_focus,
    /// The selected row or item.
    selected,
    tab_active,
    tab_inactive,
    /// A key name in hints and help.
    key,
    hint,
    status,
    good,
    bad,
    warn,
    code,
    callout,
    bold,
    /// Network bits of an address (the prefix).
    net_bits,
    /// Host bits of an address.
    host_bits,
    /// The prefix boundary marker.
    boundary,
    layer_app,
    layer_transport,
    layer_network,
    layer_link,
    layer_phys,
    client,
    server,
    arrow,
    broadcast,
    unicast,
    multicast,
);

fn style_of(theme: &str, role: &str, spec: &StyleSpec) -> Result<Style, ThemeError> {
    let broken = |message: String| ThemeError::Broken {
        name: theme.to_string(),
        message: format!("{role}: {message}"),
    };
    let color = |text: &Option<String>| -> Result<Option<Color>, ThemeError> {
        text.as_deref()
            .map(|t| {
                t.parse::<Color>()
                    .map_err(|_| broken(format!("unknown colour '{t}'")))
            })
            .transpose()
    };
    let mut style = Style::default();
    if let Some(fg) = color(&spec.fg)? {
        style = style.fg(fg);
    }
    if let Some(bg) = color(&spec.bg)? {
        style = style.bg(bg);
    }
    for m in &spec.mods {
        let modifier = match m.as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underline" => Modifier::UNDERLINED,
            "reverse" => Modifier::REVERSED,
            "crossed" => Modifier::CROSSED_OUT,
            other => return Err(broken(format!("unknown modifier '{other}'"))),
        };
        style = style.add_modifier(modifier);
    }
    Ok(style)
}

impl Theme {
    /// A bordered block titled ` title `, its border in the focus colour while
    /// `focused` (the part of the screen that has the keyboard).
    pub fn block(&self, title: &str, focused: bool) -> ratatui::widgets::Block<'static> {
        self.block_titled(
            ratatui::text::Span::styled(format!(" {title} "), self.title),
            focused,
        )
    }

    /// [`Theme::block`] with a title styled by the caller (e.g. in the
    /// client's or the server's colour).
    pub fn block_titled(
        &self,
        title: ratatui::text::Span<'static>,
        focused: bool,
    ) -> ratatui::widgets::Block<'static> {
        ratatui::widgets::Block::bordered()
            .border_style(if focused {
                self.border_focus
            } else {
                self.border
            })
            .title(title)
    }

    /// A built-in theme by name (`dark`, `high-contrast` …).
    pub fn named(name: &str) -> Result<Theme, ThemeError> {
        let name: ThemeName = name
            .parse()
            .map_err(|_| ThemeError::Unknown(name.to_string()))?;
        Theme::load(name)
    }

    /// A built-in theme.
    pub fn load(name: ThemeName) -> Result<Theme, ThemeError> {
        let raw: RawTheme = toml::from_str(name.source()).map_err(|e| ThemeError::Broken {
            name: name.to_string(),
            message: e.message().to_string(),
        })?;
        Theme::from_raw(name, raw)
    }

    /// The theme the options ask for: monochrome wins over any name.
    pub fn choose(name: Option<ThemeName>, no_color: bool) -> Result<Theme, ThemeError> {
        if no_color {
            return Theme::load(ThemeName::Mono);
        }
        Theme::load(name.unwrap_or(ThemeName::Dark))
    }

    /// The default dark theme; the shipped file is checked by a unit test.
    pub fn fallback() -> Theme {
        Theme::load(ThemeName::Dark).unwrap_or_else(|_| Theme::plain())
    }

    fn plain() -> Theme {
        let s = Style::default();
        Theme {
            name: ThemeName::Dark,
            base: s,
            muted: s,
            title: s,
            accent: s,
            border: s,
            border_focus: s,
            selected: s.add_modifier(Modifier::REVERSED),
            tab_active: s.add_modifier(Modifier::REVERSED),
            tab_inactive: s,
            key: s,
            hint: s,
            status: s,
            good: s,
            bad: s,
            warn: s,
            code: s,
            callout: s,
            bold: s.add_modifier(Modifier::BOLD),
            net_bits: s,
            host_bits: s,
            boundary: s,
            layer_app: s,
            layer_transport: s,
            layer_network: s,
            layer_link: s,
            layer_phys: s,
            client: s,
            server: s,
            arrow: s,
            broadcast: s,
            unicast: s,
            multicast: s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_loads() {
        for name in ThemeName::ALL {
            let theme = Theme::load(*name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(theme.name, *name);
            assert_ne!(theme.net_bits, theme.host_bits, "{name}: bits must differ");
            assert_ne!(theme.selected, theme.base, "{name}: selection must show");
        }
    }

    #[test]
    fn every_theme_can_be_chosen_by_its_name() {
        for name in ThemeName::NAMES {
            let theme = Theme::named(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(theme.name.to_string(), *name);
        }
    }

    /// Every focus border comes from [`Theme::block`]: no panel styles one by hand.
    #[test]
    fn focus_borders_come_from_the_block_helper() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut files = Vec::new();
        walk(&ui, &mut files);
        assert!(files.len() > 20, "{files:?}");
        let by_hand: Vec<_> = files
            .iter()
            .filter(|f| !f.ends_with("theme.rs"))
            .filter(|f| {
                std::fs::read_to_string(f)
                    .unwrap()
                    .contains(".border_focus")
            })
            .collect();
        assert!(
            by_hand.is_empty(),
            "focus borders drawn by hand in {by_hand:?}"
        );
    }

    #[test]
    fn mono_uses_no_colour() {
        let mono = Theme::named("mono").unwrap();
        for style in [
            mono.net_bits,
            mono.host_bits,
            mono.selected,
            mono.layer_link,
            mono.bad,
        ] {
            assert!(style.fg.is_none() && style.bg.is_none(), "{style:?}");
        }
        assert!(mono.net_bits.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn unknown_theme_is_a_clear_error() {
        let err = Theme::named("neon").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown theme 'neon' (available: dark, light, high-contrast, mono)"
        );
        assert_eq!(Theme::choose(None, true).unwrap().name, "mono");
    }
}
