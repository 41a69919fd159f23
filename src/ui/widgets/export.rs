//! `w` on every panel: the panel's frames as a pcap file. One rule for where
//! (the panel's export folder if a test set one, else the working directory),
//! a new name rather than overwriting an earlier export (`name.pcap`,
//! `name-2.pcap`, …), and the absolute path in the answer, so the student can
//! open it in Wireshark from anywhere.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::net::pcap::{PcapFileError, write_new_pcap};

/// How many numbered names are tried before giving up.
const MAX_SUFFIX: u32 = 999;

/// The folder `w` writes into, absolute.
pub fn export_dir(configured: Option<&Path>) -> Result<PathBuf, String> {
    let dir = match configured {
        Some(dir) => dir.to_path_buf(),
        None => std::env::current_dir().map_err(|e| format!("working directory: {e}"))?,
    };
    std::path::absolute(&dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// Frames stamped from now, a millisecond apart (the order they happen in).
pub fn stamped(frames: impl IntoIterator<Item = Vec<u8>>) -> Vec<(Duration, Vec<u8>)> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    frames
        .into_iter()
        .zip(0u64..)
        .map(|(frame, i)| (now + Duration::from_millis(i), frame))
        .collect()
}

/// Writes `frames` to `stem.pcap` in the export folder (or the first free
/// `stem-N.pcap`) and returns the absolute path written.
pub fn export_pcap(
    configured: Option<&Path>,
    stem: &str,
    frames: &[(Duration, Vec<u8>)],
) -> Result<String, String> {
    let dir = export_dir(configured)?;
    for n in 1..=MAX_SUFFIX {
        let name = if n == 1 {
            format!("{stem}.pcap")
        } else {
            format!("{stem}-{n}.pcap")
        };
        let path = dir.join(name);
        match write_new_pcap(&path, frames) {
            Ok(()) => return Ok(path.display().to_string()),
            Err(PcapFileError::Write { source, .. })
                if source.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Err(format!(
        "{}: {stem}.pcap to {stem}-{MAX_SUFFIX}.pcap all exist",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::pcap::read_pcap;

    #[test]
    fn a_second_export_gets_a_new_name_and_the_first_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = export_pcap(Some(dir.path()), "demo", &stamped([vec![1u8; 60]])).unwrap();
        let second = export_pcap(Some(dir.path()), "demo", &stamped([vec![2u8; 60]])).unwrap();
        assert!(first.ends_with("demo.pcap"), "{first}");
        assert!(second.ends_with("demo-2.pcap"), "{second}");
        assert!(Path::new(&first).is_absolute());
        assert_eq!(read_pcap(Path::new(&first)).unwrap()[0].data, vec![1u8; 60]);
        assert_eq!(
            read_pcap(Path::new(&second)).unwrap()[0].data,
            vec![2u8; 60]
        );
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn a_relative_folder_is_reported_absolute() {
        let dir = export_dir(Some(Path::new("some/relative"))).unwrap();
        assert!(dir.is_absolute());
        assert!(dir.ends_with("some/relative"));
    }
}
