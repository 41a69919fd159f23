//! The `nettutor` binary: parse the command line and hand over to the library.
//!
//! The entry point is the C `main`, not std's: std's start-up reads
//! `/proc/self/maps` (through `pthread_getattr_np`) and sets up an alternate
//! signal stack for its stack-overflow message — about 100,000 instructions and
//! twenty system calls, a fifth of a whole `nettutor subnet 192.168.21.36/24`
//! run, which is measured against the C calculators. The arguments are still
//! read by `std::env::args_os` (std captures them on Linux before `main`). What
//! of std's start-up the program relies on is done here: SIGPIPE ignored (a
//! closed pipe is an EPIPE error the commands handle quietly), a panic ends with
//! status 101, and standard output is flushed before exit. A stack overflow is
//! a plain SIGSEGV without std's one-line message.
// The test harness brings its own `main`.
#![cfg_attr(not(test), no_main)]

#[cfg(not(test))]
mod entry {
    use std::ffi::{c_char, c_int};
    use std::io::Write as _;
    use std::process::ExitCode;

    #[unsafe(no_mangle)]
    extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        // SAFETY: setting a signal's disposition to SIG_IGN before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        }
        // The panic hook has printed the message (and restored the terminal).
        let status = std::panic::catch_unwind(nettutor::cli::main).map_or(101, status_of);
        let _ = std::io::stdout().flush();
        status
    }

    /// The number behind an `ExitCode` (std offers the comparison, not the value).
    fn status_of(code: ExitCode) -> c_int {
        (0..=u8::MAX)
            .find(|&n| ExitCode::from(n) == code)
            .map_or(1, c_int::from)
    }
}
