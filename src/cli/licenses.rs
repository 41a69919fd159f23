//! `nettutor licenses`: nettutor's own licence and the notices of what its
//! binary embeds beyond Rust crates — the GNU Unifont glyphs of the big Chinese
//! titles, which the SIL Open Font License asks to ship with their notice.

use std::process::ExitCode;

use super::out;

/// The notice of `assets/fonts/` and the OFL's text with Unifont's copyright.
const FONT_NOTICE: &str = include_str!("../../assets/fonts/NOTICE.md");
const OFL: &str = include_str!("../../assets/fonts/OFL-1.1.txt");

/// The whole text `nettutor licenses` prints.
pub fn text() -> String {
    format!(
        "nettutor {version} is licensed under {licence}.\n\
         Its binary embeds the following third-party material.\n\n\
         {FONT_NOTICE}\n{OFL}",
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
}
