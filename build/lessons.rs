//! The shipped lessons, checked at build time by the program's own lesson
//! checker (`src/lesson/validate.rs` and the modules it uses, compiled here
//! unchanged) and written as static data (`src/lesson/codec.rs`). A problem
//! stops the build with `lessons/FILE:LINE: message`, as `lessons check`
//! prints it. Only a panel link's argument is not parsed here (its parsers
//! need the crate's network and lab code): its panel name is checked, and the
//! argument is parsed when the program decodes the set.
#![allow(dead_code, unused_imports)]

use std::fs;
use std::path::Path;

#[path = "../src/lesson/catalog.rs"]
mod catalog;
#[path = "../src/lesson/codec.rs"]
mod codec;
#[path = "../src/lesson/error.rs"]
mod error;
#[path = "../src/lesson/model.rs"]
mod model;
#[path = "../src/lesson/panel_id.rs"]
mod panel_id;
#[path = "../src/lesson/question.rs"]
mod question;
#[path = "../src/lesson/raw.rs"]
mod raw;
#[path = "../src/lesson/validate.rs"]
mod validate;

/// The build's stand-in for `src/lesson/panel.rs`: the panel name is checked
/// by `model::validate_panel_link`; the argument is kept as written.
mod panel {
    pub use super::panel_id::PanelId;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PanelArg;

    impl PanelArg {
        pub fn parse_bilingual(
            _panel: PanelId,
            _arg: &str,
            _expect_error: bool,
        ) -> Result<PanelArg, super::error::Message> {
            Ok(PanelArg)
        }
    }
}

/// The build's stand-in for the interface string table `src/i18n.rs` reads
/// (which build.rs generates after this check): `assets/i18n/ui.toml` itself,
/// read once at the first message, so a problem is worded as the program words it.
mod ui_text {
    use std::collections::HashMap;
    use std::sync::OnceLock;

    use crate::i18n::Lang;

    type Table = HashMap<String, (&'static str, &'static str)>;

    fn table() -> &'static Table {
        static TABLE: OnceLock<Table> = OnceLock::new();
        TABLE.get_or_init(|| {
            let source = include_str!("../assets/i18n/ui.toml");
            let parsed: toml::Table = toml::from_str(source).unwrap_or_default();
            let text = |entry: &toml::Value, lang: &str| -> &'static str {
                let text = entry.get(lang).and_then(toml::Value::as_str).unwrap_or("");
                Box::leak(text.to_string().into_boxed_str())
            };
            parsed
                .iter()
                .map(|(key, entry)| (key.clone(), (text(entry, "en"), text(entry, "zh"))))
                .collect()
        })
    }

    /// The text of `key` in `lang`; an unknown key shows itself, as in the program.
    pub fn template(lang: Lang, key: &'static str) -> &'static str {
        match (table().get(key), lang) {
            (Some((en, _)), Lang::En) => en,
            (Some((_, zh)), Lang::Zh) => zh,
            (None, _) => key,
        }
    }
}

/// The lesson folder's files as (name, text), sorted, as the program reads a folder.
fn read(dir: &Path) -> Result<Vec<(String, String)>, Vec<String>> {
    let entries = fs::read_dir(dir).map_err(|e| vec![format!("{}: {e}", dir.display())])?;
    let mut files = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let name = entry.file_name().to_string_lossy().into_owned();
        match fs::read_to_string(&path) {
            Ok(text) => files.push((name, text)),
            Err(e) => return Err(vec![format!("{}: cannot read: {e}", path.display())]),
        }
    }
    files.sort();
    Ok(files)
}

/// Checks the folder `dir` (named `label` in messages) and encodes it: the
/// structure and the texts, or every problem as `label/FILE:LINE: message`.
pub fn generate(dir: &Path, label: &str) -> Result<(Vec<u8>, String), Vec<String>> {
    let files = read(dir)?;
    let set = validate::validate_files(
        label,
        files,
        catalog::Curriculum::default,
        catalog::Glossary::default,
    )
    .map_err(|errors| {
        errors
            .0
            .into_iter()
            .map(|mut e| {
                if e.file != label {
                    e.file = format!("{label}/{}", e.file);
                }
                e.to_string()
            })
            .collect::<Vec<_>>()
    })?;
    let encoded = codec::encode(&set);
    Ok((encoded.structure, encoded.texts))
}
