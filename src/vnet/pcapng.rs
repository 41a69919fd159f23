//! The lab's capture as a pcapng file: one interface per capture point, named
//! `HOST:IFNAME` (so `tshark -Y 'frame.interface_name == "C:eth0"'` picks the
//! frames C's interface saw), nanosecond timestamps, written atomically
//! through `crate::output_file` like the project's classic pcap files.

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use pcap_file::DataLink;
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};

use super::capture::Frame;
use crate::net::pcap::{PcapFileError, SNAPLEN};

/// The bytes of a pcapng file holding `frames` (oldest first), one interface
/// per distinct capture point in order of first appearance.
pub fn pcapng_bytes(frames: &[Frame]) -> Result<Vec<u8>, pcap_file::PcapError> {
    let mut points: Vec<&str> = Vec::new();
    for f in frames {
        if !points.contains(&f.point.as_str()) {
            points.push(&f.point);
        }
    }
    let mut writer = PcapNgWriter::new(Vec::new())?;
    for point in &points {
        writer.write_pcapng_block(InterfaceDescriptionBlock {
            linktype: DataLink::ETHERNET,
            snaplen: SNAPLEN,
            options: vec![
                InterfaceDescriptionOption::IfName(Cow::Borrowed(point)),
                // Timestamps in nanoseconds (10^-9).
                InterfaceDescriptionOption::IfTsResol(9),
            ],
        })?;
    }
    for f in frames {
        let interface_id = points
            .iter()
            .position(|p| *p == f.point)
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or_default();
        writer.write_pcapng_block(EnhancedPacketBlock {
            interface_id,
            timestamp: Duration::from_nanos(f.ts_ns),
            original_len: u32::try_from(f.data.len()).unwrap_or(u32::MAX),
            data: Cow::Borrowed(&f.data),
            options: Vec::new(),
        })?;
    }
    Ok(writer.into_inner())
}

/// Writes `frames` to `path` as pcapng; the file appears complete or not at all.
pub fn write_pcapng(path: &Path, frames: &[Frame]) -> Result<(), PcapFileError> {
    let bytes = pcapng_bytes(frames).map_err(|e| PcapFileError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    crate::output_file::write_atomic(path, &bytes)?;
    Ok(())
}
