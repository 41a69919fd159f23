//! Socket options that `socket2` and `nix` do not wrap (`TCP_INFO`,
//! `PACKET_STATISTICS`, `IPV6_MTU`), read with one `getsockopt` call: the
//! only place such a read is `unsafe`.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd as _, BorrowedFd};

/// Plain C data the kernel fills in: every field an integer, so all zero is
/// a valid value and any bytes the kernel writes are too.
///
/// # Safety
/// Implement only for `#[repr(C)]` structs of integers and for integers.
pub unsafe trait Plain: Copy {}

// SAFETY: each is a C struct of integer fields, or an integer.
unsafe impl Plain for libc::tcp_info {}
// SAFETY: as above.
unsafe impl Plain for libc::tpacket_stats {}
// SAFETY: as above.
unsafe impl Plain for libc::c_int {}

/// The option `name` at `level` of `fd`. Fields the kernel does not know
/// (a `T` larger than it writes) stay zero.
pub fn get<T: Plain>(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<T> {
    let mut value = MaybeUninit::<T>::zeroed();
    let mut len = libc::socklen_t::try_from(std::mem::size_of::<T>())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: the kernel writes at most `len` bytes into `value`, which is
    // that large and lives for the call; the descriptor is borrowed, so open.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_mut_ptr().cast(),
            &raw mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: zeroed above, which is a valid `T` (Plain), and what the
    // kernel wrote is a valid `T` too.
    Ok(unsafe { value.assume_init() })
}
