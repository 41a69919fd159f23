//! Classic pcap files (LINKTYPE_ETHERNET) through the pcap-file crate: an atomic
//! writer (temp file in the same directory, then rename) and a reader.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

use crate::i18n::{Lang, tf};

/// The snap length we declare: larger than any frame we build.
pub const SNAPLEN: u32 = 65_535;

/// One captured frame: time since the Unix epoch and the bytes (no FCS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedFrame {
    pub timestamp: Duration,
    pub data: Vec<u8>,
}

/// Why a pcap file could not be written or read (texts: `pcap.err.*` in
/// `assets/i18n/ui.toml`; `Display` gives the English one).
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum PcapFileError {
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Format {
        path: PathBuf,
        detail: String,
    },
    NotEthernet {
        path: PathBuf,
        link: DataLink,
    },
    /// The path is not a file we may replace (a device, a FIFO, a folder…).
    Output(#[from] crate::output_file::OutputError),
    FrameTooLong {
        index: usize,
        len: usize,
    },
}

impl PcapFileError {
    /// The message in `lang`, one line, naming the file.
    pub fn message(&self, lang: Lang) -> String {
        use crate::output_file::io_text;
        let shown = |p: &Path| p.display().to_string();
        match self {
            PcapFileError::Write { path, source } => tf(
                lang,
                "pcap.err.write",
                &[("path", &shown(path)), ("reason", &io_text(source, lang))],
            ),
            PcapFileError::Read { path, source } => tf(
                lang,
                "pcap.err.read",
                &[("path", &shown(path)), ("reason", &io_text(source, lang))],
            ),
            PcapFileError::Format { path, detail } => tf(
                lang,
                "pcap.err.format",
                &[("path", &shown(path)), ("detail", detail)],
            ),
            PcapFileError::NotEthernet { path, link } => tf(
                lang,
                "pcap.err.not_ethernet",
                &[("path", &shown(path)), ("link", &format!("{link:?}"))],
            ),
            PcapFileError::Output(e) => e.message(lang),
            PcapFileError::FrameTooLong { index, len } => tf(
                lang,
                "pcap.err.too_long",
                &[
                    ("index", &index.to_string()),
                    ("len", &len.to_string()),
                    ("snaplen", &SNAPLEN.to_string()),
                ],
            ),
        }
    }
}

/// Writes `frames` as a classic little-endian, microsecond pcap file.
/// The file appears complete or not at all (see `crate::output_file`: a device,
/// FIFO or folder is refused, a symlink followed).
pub fn write_pcap(path: &Path, frames: &[(Duration, Vec<u8>)]) -> Result<(), PcapFileError> {
    write_atomically(path, frames, true)
}

/// Like [`write_pcap`], but never replaces a file: when `path` exists the error
/// is `Write` with an `AlreadyExists` source (checked at the rename, so two
/// writers cannot both win).
pub fn write_new_pcap(path: &Path, frames: &[(Duration, Vec<u8>)]) -> Result<(), PcapFileError> {
    write_atomically(path, frames, false)
}

fn write_atomically(
    path: &Path,
    frames: &[(Duration, Vec<u8>)],
    replace: bool,
) -> Result<(), PcapFileError> {
    let write_err = |source: std::io::Error| PcapFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    for (index, (_, data)) in frames.iter().enumerate() {
        if data.len() > SNAPLEN as usize {
            return Err(PcapFileError::FrameTooLong {
                index,
                len: data.len(),
            });
        }
    }
    let bytes = pcap_bytes(frames).map_err(write_err)?;
    if replace {
        // Refuses devices, FIFOs and folders; follows symlinks.
        crate::output_file::write_atomic(path, &bytes)?;
        return Ok(());
    }
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".nettutor-")
        .suffix(".pcap.tmp")
        .tempfile_in(&dir)
        // tempfile's error repeats the temporary path; report only the cause.
        .map_err(|e| write_err(plain_io_error(&e)))?;
    {
        let mut out = BufWriter::new(temp.as_file());
        out.write_all(&bytes).map_err(write_err)?;
        out.flush().map_err(write_err)?;
    }
    temp.as_file().sync_all().map_err(write_err)?;
    // A new name only: nothing existing (a device node included) is replaced.
    temp.persist_noclobber(path)
        .map_err(|e| write_err(plain_io_error(&e.error)))?;
    Ok(())
}

fn plain_io_error(e: &std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::from(e.kind()),
    }
}

/// The bytes of a pcap file holding `frames`.
pub fn pcap_bytes(frames: &[(Duration, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    let header = PcapHeader {
        snaplen: SNAPLEN,
        datalink: DataLink::ETHERNET,
        ts_resolution: TsResolution::MicroSecond,
        endianness: Endianness::Little,
        ..PcapHeader::default()
    };
    let mut writer = PcapWriter::with_header(Vec::new(), header).map_err(std::io::Error::other)?;
    for (timestamp, data) in frames {
        let packet = PcapPacket::new(*timestamp, data.len() as u32, data);
        writer
            .write_packet(&packet)
            .map_err(std::io::Error::other)?;
    }
    Ok(writer.into_writer())
}

/// Reads every frame of a classic pcap file with Ethernet link type.
pub fn read_pcap(path: &Path) -> Result<Vec<CapturedFrame>, PcapFileError> {
    let file = File::open(path).map_err(|source| PcapFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let format_err = |e: pcap_file::PcapError| PcapFileError::Format {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let mut reader = PcapReader::new(BufReader::new(file)).map_err(format_err)?;
    let link = reader.header().datalink;
    if link != DataLink::ETHERNET {
        return Err(PcapFileError::NotEthernet {
            path: path.to_path_buf(),
            link,
        });
    }
    let mut frames = Vec::new();
    while let Some(packet) = reader.next_packet() {
        let packet = packet.map_err(format_err)?;
        frames.push(CapturedFrame {
            timestamp: packet.timestamp,
            data: packet.data.into_owned(),
        });
    }
    Ok(frames)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_classic_little_endian_ethernet() {
        let bytes = pcap_bytes(&[(Duration::new(1, 2_000), vec![0xaa; 3])]).unwrap();
        // Magic a1b2c3d4 written little-endian, version 2.4, snaplen, linktype 1.
        assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(&bytes[4..8], &[2, 0, 4, 0]);
        assert_eq!(&bytes[16..20], &SNAPLEN.to_le_bytes());
        assert_eq!(&bytes[20..24], &[1, 0, 0, 0]);
        // Record: ts_sec 1, ts_usec 2, incl_len 3, orig_len 3, data.
        assert_eq!(
            &bytes[24..40],
            &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0]
        );
        assert_eq!(&bytes[40..], &[0xaa; 3]);
    }
}
