//! Standard output and error for the subcommands. Nothing here panics: a
//! closed pipe (`nettutor lessons list | head -1`) ends the program quietly, any
//! other write error (`>/dev/full`) is reported in one line with exit status 1.

use std::io::{self, Write};

/// Writing to standard output failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output: {}", crate::output_file::plain_reason(.0))]
pub struct StdoutError(pub io::Error);

impl StdoutError {
    /// The reader went away: not an error worth a word.
    pub fn is_closed_pipe(&self) -> bool {
        self.0.kind() == io::ErrorKind::BrokenPipe
    }
}

/// Writes `text` to stdout and flushes it (so a full device is noticed here,
/// not silently at exit).
pub fn say(text: &str) -> Result<(), StdoutError> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(StdoutError)
}

/// Bytes gathered before one write(2) by [`buffered`]: a `--split` of a /8
/// into /28s prints 1M rows (~60 MB), and 64 KiB per call is 8× fewer
/// system calls than std's default 8 KiB (the pipe takes 64 KiB at once).
pub const BUFFER_BYTES: usize = 64 * 1024;

/// Standard output, locked once and buffered by [`BUFFER_BYTES`], for
/// commands that print many lines; flush it and map errors with
/// [`StdoutError`] at the end.
pub fn buffered() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::with_capacity(BUFFER_BYTES, io::stdout().lock())
}

/// `text` and a newline.
pub fn say_line(text: &str) -> Result<(), StdoutError> {
    say(&format!("{text}\n"))
}

/// One line on stderr; if stderr itself is gone there is nobody to tell.
pub fn warn(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// The error and its causes in one line, each cause once: thiserror messages
/// often include their source already ("cannot write x: not found"), and
/// repeating it ("…: not found: not found") says nothing new.
pub fn error_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot write x.pcap: {source}")]
    struct Wrapped {
        source: io::Error,
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let err = anyhow::Error::new(Wrapped {
            source: io::Error::from(io::ErrorKind::NotFound),
        });
        assert_eq!(
            format!("{err:#}"),
            "cannot write x.pcap: entity not found: entity not found"
        );
        assert_eq!(error_line(&err), "cannot write x.pcap: entity not found");
        let ctx = err.context("export failed");
        assert_eq!(
            error_line(&ctx),
            "export failed: cannot write x.pcap: entity not found"
        );
    }
}
