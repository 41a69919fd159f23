//! What a frame looks like on the cable, for the teaching view: the NIC pads it to
//! the 60-byte minimum, appends the FCS (CRC-32), and sends preamble + SFD first.
//! Captures on the sending host show none of this, which is why pcap files do not.

use std::ops::Range;

/// Smallest Ethernet frame without FCS (64 bytes with it).
pub const ETHERNET_MIN_FRAME: usize = 60;
/// Seven preamble bytes 0x55 and the start frame delimiter 0xd5.
pub const PREAMBLE_AND_SFD: [u8; 8] = [0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xd5];

/// The Ethernet frame check sequence: CRC-32 (IEEE 802.3, reflected polynomial
/// 0xedb88320, initial value and final XOR 0xffffffff) over the frame from the
/// destination MAC to the end of the padding.
pub fn ethernet_fcs(frame: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in frame {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            let lsb = crc & 1;
            crc >>= 1;
            if lsb != 0 {
                crc ^= 0xedb8_8320;
            }
        }
    }
    !crc
}

/// A frame as transmitted: preamble, SFD, frame, padding, FCS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnTheWire {
    /// All bytes in transmission order.
    pub bytes: Vec<u8>,
    pub preamble: Range<usize>,
    /// The frame as built (destination MAC … end of payload).
    pub frame: Range<usize>,
    /// Zero bytes added to reach 60 bytes (empty when not needed).
    pub padding: Range<usize>,
    pub fcs: Range<usize>,
    pub fcs_value: u32,
}

impl OnTheWire {
    /// Padded frame plus FCS, without preamble: what the receiving NIC checks.
    pub fn frame_with_fcs(&self) -> &[u8] {
        &self.bytes[self.frame.start..self.fcs.end]
    }
}

/// Pads `frame` to the minimum size and wraps it for the wire.
pub fn on_the_wire(frame: &[u8]) -> OnTheWire {
    let mut bytes = PREAMBLE_AND_SFD.to_vec();
    bytes.extend_from_slice(frame);
    let pad = ETHERNET_MIN_FRAME.saturating_sub(frame.len());
    bytes.resize(bytes.len() + pad, 0);
    let fcs_value = ethernet_fcs(&bytes[PREAMBLE_AND_SFD.len()..]);
    // The FCS goes out least significant byte first.
    bytes.extend_from_slice(&fcs_value.to_le_bytes());
    let p = PREAMBLE_AND_SFD.len();
    OnTheWire {
        preamble: 0..p,
        frame: p..p + frame.len(),
        padding: p + frame.len()..p + frame.len() + pad,
        fcs: p + frame.len() + pad..bytes.len(),
        fcs_value,
        bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value_matches_the_standard() {
        // The catalogue check value of CRC-32/ISO-HDLC over "123456789".
        assert_eq!(ethernet_fcs(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn crc_over_frame_and_fcs_leaves_the_magic_residue() {
        let wire = on_the_wire(&[0xab; 20]);
        // Running the CRC over data + its little-endian FCS gives the constant
        // 0x2144df1c (before the final inversion: 0xdebb20e3) for every frame.
        assert_eq!(ethernet_fcs(wire.frame_with_fcs()), 0x2144_df1c);
        assert_eq!(wire.padding.len(), 40);
        assert_eq!(wire.frame_with_fcs().len(), 64);
    }

    #[test]
    fn long_frames_are_not_padded() {
        let wire = on_the_wire(&[1; 100]);
        assert!(wire.padding.is_empty());
        assert_eq!(wire.bytes.len(), 8 + 100 + 4);
    }
}
