//! Logging on stderr: [`log_level`] reads `--debug` and `ANTHROPIC_LOG`,
//! [`init`] installs the subscriber, and [`EscapingStderr`] is where its lines
//! go. Log fields carry server text (error messages in "retrying" lines, the
//! server's own log lines), and the formatter writes them as they are; this
//! writer escapes every control character and bidi override but the line ends,
//! whatever the formatter did.

use std::io::{self, Write};

use crate::output::escape::for_terminal;

/// How much the client logs on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// `ANTHROPIC_LOG=info`: retries, throttling, error answers (with their
    /// request ids), rate cuts.
    Info,
    /// `--debug` or `ANTHROPIC_LOG=debug`: also every attempt, each success
    /// with its status and request id, and the redacted request headers.
    Debug,
}

/// `--debug` wins; else `ANTHROPIC_LOG` is `debug` or `info` (any case), as
/// the official SDKs read it; any other value logs nothing, as there.
pub fn log_level(debug: bool, anthropic_log: Option<&str>) -> Option<LogLevel> {
    if debug {
        return Some(LogLevel::Debug);
    }
    match anthropic_log?.trim().to_ascii_lowercase().as_str() {
        "debug" => Some(LogLevel::Debug),
        "info" => Some(LogLevel::Info),
        _ => None,
    }
}

/// Logging on stderr: the client's requests and retries, the CLI's own
/// lines, the in-process server's (the local store) at `level`.
pub fn init(level: LogLevel) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let (client, cli, server) = match level {
        LogLevel::Debug => (LevelFilter::TRACE, LevelFilter::DEBUG, LevelFilter::INFO),
        LogLevel::Info => (LevelFilter::INFO, LevelFilter::INFO, LevelFilter::WARN),
    };
    let targets = Targets::new()
        .with_target("files_client", client)
        .with_target("files_cli", cli)
        .with_target("files_server", server);
    let _ = tracing_subscriber::fmt()
        .with_writer(|| EscapingStderr)
        .with_ansi(false)
        .with_max_level(LevelFilter::TRACE)
        .finish()
        .with(targets)
        .try_init();
}

/// Writes to stderr with controls and bidi overrides escaped (`\u{1b}`),
/// newlines kept.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EscapingStderr;

impl EscapingStderr {
    /// `bytes` as text safe for a terminal, line ends kept.
    pub(crate) fn escaped(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let mut out = String::with_capacity(text.len());
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&for_terminal(line));
        }
        out
    }
}

impl Write for EscapingStderr {
    // The formatter hands over one whole event per call, so no character is
    // split between calls.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stderr()
            .lock()
            .write_all(Self::escaped(buf).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_are_escaped_and_line_ends_kept() {
        assert_eq!(
            EscapingStderr::escaped("a \u{1b}]0;t\u{7} \u{9b}2J\u{202E}b\r\nnext\n".as_bytes()),
            "a \\u{1b}]0;t\\u{7} \\u{9b}2J\\u{202e}b\\u{d}\nnext\n"
        );
    }
}

#[cfg(test)]
mod log_level_tests {
    use super::{LogLevel, log_level};

    #[test]
    fn debug_flag_wins_and_anthropic_log_is_read_as_the_official_sdks_read_it() {
        assert_eq!(log_level(true, None), Some(LogLevel::Debug));
        assert_eq!(log_level(true, Some("info")), Some(LogLevel::Debug));
        assert_eq!(log_level(false, Some("debug")), Some(LogLevel::Debug));
        assert_eq!(log_level(false, Some(" INFO ")), Some(LogLevel::Info));
        assert_eq!(log_level(false, Some("trace")), None);
        assert_eq!(log_level(false, Some("")), None);
        assert_eq!(log_level(false, None), None);
    }
}
