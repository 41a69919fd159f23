//! Standard output and error for the subcommands. Nothing here panics: a
//! closed pipe (`nettutor lessons list | head -1`) ends the program quietly, any
//! other write error (`>/dev/full`) is reported in one line with exit status 1.

use std::io::{self, Write};

use crate::i18n::Lang;

/// Writing to standard output failed.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct StdoutError(pub io::Error);

impl StdoutError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        crate::i18n::tf(
            lang,
            "out.err.stdout",
            &[("reason", &crate::output_file::reason_in(&self.0, lang))],
        )
    }

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

/// The error and its causes in one line, each cause once, in `lang`:
/// thiserror messages often include their source already ("cannot write x:
/// not found"), and repeating it ("…: not found: not found") says nothing
/// new. Which causes are shown is decided on the English texts (so both
/// languages show the same causes); each is then said in `lang` when it is one
/// of nettutor's own errors ([`localized`]). A cause of another kind (a
/// library's) stays as it is.
pub fn error_line(err: &anyhow::Error, lang: Lang) -> String {
    let separator = match lang {
        Lang::En => ": ",
        Lang::Zh => "：",
    };
    let mut english = String::new();
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if english.contains(&text) {
            continue;
        }
        if !english.is_empty() {
            english.push_str(": ");
            line.push_str(separator);
        }
        english.push_str(&text);
        match lang {
            Lang::En => line.push_str(&text),
            Lang::Zh => line.push_str(&localized(cause, lang).unwrap_or(text)),
        }
    }
    line
}

/// `cause` in `lang`, when it is an error type that can say itself in both
/// languages.
pub fn localized(cause: &(dyn std::error::Error + 'static), lang: Lang) -> Option<String> {
    macro_rules! try_types {
        ($($ty:ty),* $(,)?) => {
            $(
                if let Some(e) = cause.downcast_ref::<$ty>() {
                    return Some(e.message(lang));
                }
            )*
        };
    }
    try_types!(
        crate::output_file::OutputError,
        crate::class::gradebook::GradeBookError,
        crate::store::StoreError,
        crate::quiz::results::ResultsPathError,
        crate::quiz::results::ReadError,
        crate::quiz::UnknownTopic,
        crate::net::subnet::SubnetError,
        crate::net::pcap::PcapFileError,
        crate::lab::LabError,
        crate::lab::capture::CaptureError,
        crate::lesson::LessonErrors,
        crate::class::live::client::ClientError,
        StdoutError,
    );
    if let Some(e) = cause.downcast_ref::<crate::vnet::VnetError>() {
        return Some(super::net::vnet_message(e, lang));
    }
    if let Some(e) = cause.downcast_ref::<io::Error>() {
        return Some(crate::output_file::io_text(e, lang));
    }
    if let Some(e) = cause.downcast_ref::<rusqlite::Error>() {
        return Some(crate::class::gradebook::sqlite_text(e, lang));
    }
    None
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
        assert_eq!(
            error_line(&err, Lang::En),
            "cannot write x.pcap: entity not found"
        );
        let ctx = err.context("export failed");
        assert_eq!(
            error_line(&ctx, Lang::En),
            "export failed: cannot write x.pcap: entity not found"
        );
    }

    #[test]
    fn the_line_is_in_the_language_asked_for() {
        let pipe = anyhow::Error::new(StdoutError(io::Error::from_raw_os_error(libc::EPIPE)));
        assert_eq!(
            error_line(&pipe, Lang::En),
            "cannot write to standard output: Broken pipe"
        );
        // The io error inside is a source the message already said: once.
        assert_eq!(error_line(&pipe, Lang::Zh), "无法写入标准输出：管道已断开");
        let exists = anyhow::Error::new(crate::output_file::OutputError::Exists {
            path: "r.csv".into(),
        })
        .context("导出失败");
        assert_eq!(
            error_line(&exists, Lang::Zh),
            "导出失败：r.csv 已存在；已有的文件从不覆盖（请给出一个新文件名）"
        );
        // A cause nettutor does not know stays as it is.
        let other = anyhow::Error::new(Wrapped {
            source: io::Error::from_raw_os_error(libc::ENOENT),
        });
        assert_eq!(
            error_line(&other, Lang::Zh),
            "cannot write x.pcap: No such file or directory (os error 2)"
        );
    }
}
