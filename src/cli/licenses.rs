//! `nettutor licenses`: nettutor's own licence and the notices of what its
//! binary embeds — the GNU Unifont glyphs of the big Chinese titles, which the
//! SIL Open Font License asks to ship with their notice, then the licences of
//! the Rust crates compiled in (MIT, Apache-2.0, BSD, Zlib, Unicode-3.0, MPL-2.0
//! ask a binary to carry their notice and text), and, where the binary is
//! linked statically against glibc, the GNU C Library's notice and the LGPL
//! 2.1's text.

use std::process::ExitCode;

use super::out;

/// The notice of `assets/fonts/` and the OFL's text with Unifont's copyright.
const FONT_NOTICE: &str = include_str!("../../assets/fonts/NOTICE.md");
const OFL: &str = include_str!("../../assets/fonts/OFL-1.1.txt");
/// The crates of the binary and their licence texts, written by
/// `tools/third_party_licenses.py` (tests/cli/licenses.rs fails when stale).
const THIRD_PARTY: &str = include_str!("../../assets/licenses/THIRD-PARTY.md");

/// glibc's notice (`{version}`: the version linked in) and the LGPL 2.1.
const GLIBC_NOTICE: &str = include_str!("../../assets/licenses/GLIBC.md");
const LGPL: &str = include_str!("../../assets/licenses/LGPL-2.1.txt");

/// The whole text `nettutor licenses` prints.
pub fn text() -> String {
    format!(
        "nettutor {version} is licensed under {licence}.\n\
         Its binary embeds the following third-party material.\n\n\
         {FONT_NOTICE}\n{OFL}\n{THIRD_PARTY}{glibc}",
        version = env!("CARGO_PKG_VERSION"),
        licence = env!("CARGO_PKG_LICENSE"),
        glibc = glibc_notice().unwrap_or_default(),
    )
}

/// glibc's notice, when this binary carries glibc (linked statically).
fn glibc_notice() -> Option<String> {
    #[cfg(all(target_os = "linux", target_env = "gnu", target_feature = "crt-static"))]
    {
        // SAFETY: glibc returns a pointer to its own static, NUL-terminated
        // version string.
        let version = unsafe { std::ffi::CStr::from_ptr(libc::gnu_get_libc_version()) };
        Some(format!(
            "\n{}\n{LGPL}",
            GLIBC_NOTICE.replace("{version}", &version.to_string_lossy())
        ))
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu", target_feature = "crt-static")))]
    {
        let _ = (GLIBC_NOTICE, LGPL);
        None
    }
}

pub fn run() -> anyhow::Result<ExitCode> {
    out::say(&text())?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::text;

    /// A binary with glibc inside carries its notice with the version linked
    /// in, and the LGPL 2.1 in full; one without, neither.
    #[test]
    fn a_static_glibc_binary_carries_glibcs_notice_and_the_lgpl() {
        let t = text();
        let carries = cfg!(all(
            target_os = "linux",
            target_env = "gnu",
            target_feature = "crt-static"
        ));
        assert_eq!(
            t.contains("# The GNU C Library, linked in statically"),
            carries
        );
        assert_eq!(t.contains("GNU LESSER GENERAL PUBLIC LICENSE"), carries);
        if carries {
            assert!(!t.contains("{version}"), "the version is filled in");
            assert!(t.contains("this binary's is version 2."), "glibc 2.x");
            assert!(t.contains("Version 2.1, February 1999"));
            assert!(t.trim_end().ends_with("That's all there is to it!"));
        }
    }

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
