//! `nettutor licenses`: nettutor's own licence and the notices of what its
//! binary embeds — the GNU Unifont glyphs of the big Chinese titles, which the
//! SIL Open Font License asks to ship with their notice, then the licences of
//! the Rust crates compiled in (MIT, Apache-2.0, BSD, Zlib, Unicode-3.0, MPL-2.0
//! ask a binary to carry their notice and text).

use std::process::ExitCode;

use super::out;

/// The notice of `assets/fonts/` and the OFL's text with Unifont's copyright.
const FONT_NOTICE: &str = include_str!("../../assets/fonts/NOTICE.md");
const OFL: &str = include_str!("../../assets/fonts/OFL-1.1.txt");
/// The crates of the binary and their licence texts, written by
/// `tools/third_party_licenses.py` (tests/cli/licenses.rs fails when stale).
const THIRD_PARTY: &str = include_str!("../../assets/licenses/THIRD-PARTY.md");

/// The whole text `nettutor licenses` prints.
pub fn text() -> String {
    format!(
        "nettutor {version} is licensed under {licence}.\n\
         Its binary embeds the following third-party material.\n\n\
         {FONT_NOTICE}\n{OFL}\n{THIRD_PARTY}",
        version = env!("CARGO_PKG_VERSION"),
        licence = env!("CARGO_PKG_LICENSE"),
    )
}

pub fn run() -> anyhow::Result<ExitCode> {
    out::say(&text())?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn the_binary_carries_unifonts_notice_and_the_full_ofl() {
        let t = text();
        assert!(t.contains("GNU Unifont 15.0.01"), "which font and version");
        assert!(t.contains("Copyright (C) 1998-2022 the GNU Unifont authors"));
        assert!(t.contains("SIL OPEN FONT LICENSE"));
        assert!(t.contains("Version 1.1 - 26 February 2007"));
        // The OFL's last section: its full text, not a summary.
        assert!(t.contains("OTHER DEALINGS IN THE FONT SOFTWARE."));
        assert!(t.contains("MIT OR Apache-2.0"));
    }

    #[test]
    fn the_crates_licences_follow_the_font_notice() {
        let t = text();
        assert!(t.starts_with("nettutor "), "its own licence comes first");
        let font = t.find("SIL OPEN FONT LICENSE").unwrap();
        let crates = t
            .find("# Third-party licences of the nettutor binary")
            .unwrap();
        assert!(font < crates);
        // A crate of the binary with its version, and the full texts it ships.
        assert!(t.contains("| ratatui | 0.30."));
        assert!(t.contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"));
        assert!(t.contains("Permission is hereby granted, free of charge"));
        // Crate names only: no registry path of the machine that generated it.
        for path in [".cargo/registry", "/home/", "/root/", "index.crates.io-"] {
            assert!(!t.contains(path), "{path} in the licence text");
        }
    }
}
