//! Checksums the kernel computes itself. A veth offers "hardware" transmit
//! checksumming and TCP segmentation offload, so by default a sender's TCP and
//! UDP checksums are left unfilled (CHECKSUM_PARTIAL: there is no hardware to
//! fill them) and one TCP send can pass the sender's capture point as a 64 KB
//! super-segment. A capture there would show every checksum wrong and frames
//! no wire carries. Turning transmit checksumming off on every lab interface
//! (the kernel turns TSO off with it, since TSO needs it) makes the stack fill
//! each checksum and cut each segment in software, before the capture point:
//! what the student sees in the inspector or Wireshark is what a real wire
//! would carry.

use std::io;

/// `ETHTOOL_STXCSUM` of `<linux/ethtool.h>`: set transmit checksumming.
const ETHTOOL_STXCSUM: u32 = 0x0000_0017;
/// `ETHTOOL_GTXCSUM`: read it.
const ETHTOOL_GTXCSUM: u32 = 0x0000_0016;

/// `struct ethtool_value`.
#[repr(C)]
struct EthtoolValue {
    cmd: u32,
    data: u32,
}

/// `struct ifreq` with the `ifr_data` member (the kernel reads 40 bytes).
#[repr(C)]
struct IfreqData {
    name: [libc::c_char; libc::IFNAMSIZ],
    data: *mut EthtoolValue,
    _pad: [u8; 16],
}

fn ethtool(ifname: &str, cmd: u32, data: u32) -> io::Result<u32> {
    let bytes = ifname.as_bytes();
    if bytes.len() >= libc::IFNAMSIZ || bytes.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("interface name {ifname:?}"),
        ));
    }
    let mut value = EthtoolValue { cmd, data };
    let mut req = IfreqData {
        name: [0; libc::IFNAMSIZ],
        data: &mut value,
        _pad: [0; 16],
    };
    for (dst, src) in req.name.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    // SAFETY: a plain datagram socket, closed below; the ioctl reads `req`
    // (a valid ifreq whose data points at `value`, alive for the call) and
    // writes only `value`.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let rc = libc::ioctl(fd, libc::SIOCETHTOOL as _, &mut req as *mut IfreqData);
        let err = io::Error::last_os_error();
        libc::close(fd);
        if rc < 0 {
            return Err(err);
        }
    }
    Ok(value.data)
}

/// Turns transmit checksum offload off on `ifname` in the calling thread's
/// network namespace, and reads it back: an interface that still leaves
/// checksums to "hardware" afterwards is an error (no capture of it could be
/// trusted). An interface without the feature (EOPNOTSUPP) is fine.
pub fn software_checksums(ifname: &str) -> io::Result<()> {
    match ethtool(ifname, ETHTOOL_STXCSUM, 0) {
        Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => return Ok(()),
        other => other.map(|_| ())?,
    }
    if tx_checksum_offload(ifname)? {
        return Err(io::Error::other(
            "transmit checksum offload is still on after turning it off",
        ));
    }
    Ok(())
}

/// Whether `ifname` leaves transmit checksums to "hardware" (for tests).
pub fn tx_checksum_offload(ifname: &str) -> io::Result<bool> {
    ethtool(ifname, ETHTOOL_GTXCSUM, 0).map(|on| on != 0)
}
