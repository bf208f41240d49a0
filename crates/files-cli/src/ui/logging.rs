//! Logging on stderr: [`log_level`] reads `--debug` and `ANTHROPIC_LOG`,
//! [`init`] installs the subscriber, writing through
//! [`EscapingStderr`].

use super::log_writer::EscapingStderr;

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
