//! [`Failure`]: why a command failed, its exit code, its one-line summary and its
//! error JSON.

pub mod exit_code;

use std::path::{Path, PathBuf};

use files_client::Error;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The client failed: an API error, a network error, invalid input, a local
    /// file, or the configuration.
    Client(Error),
    /// A usage problem the command line itself could not catch.
    Usage(String),
    /// A local file, directory or stream could not be used.
    LocalIo {
        /// What was being done, e.g. `cannot write to`.
        operation: String,
        /// The file or stream, e.g. `out.bin` or `stdout`.
        target: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The local store or the server could not start.
    Store(String),
    /// Some items of a bulk run failed; each was reported with its result.
    Bulk {
        /// What failed, e.g. `2 of 150 files failed`.
        summary: String,
        /// The exit code: the failures' own when they agree, else 1.
        code: u8,
    },
    /// A signal ended the command; what it had started was cleaned up.
    Interrupted {
        /// `SIGINT`, `SIGTERM` or `Ctrl-C`.
        signal: &'static str,
        /// 130 or 143.
        code: u8,
    },
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Self::Client(err)
    }
}

impl Failure {
    /// A local I/O failure.
    pub fn io(
        operation: impl Into<String>,
        target: impl AsRef<Path>,
        source: std::io::Error,
    ) -> Self {
        Self::LocalIo {
            operation: operation.into(),
            target: target.as_ref().to_path_buf(),
            source,
        }
    }

    /// Whether this is a write to a closed pipe (e.g. `| head`): not worth reporting.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Self::LocalIo { source, .. } => source.kind() == std::io::ErrorKind::BrokenPipe,
            Self::Client(Error::Io { source, .. }) => {
                source.kind() == std::io::ErrorKind::BrokenPipe
            }
            _ => false,
        }
    }

    /// The exit code (see [`crate::failure::exit_code`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Client(err) => client_class(err).0,
            Self::Usage(_) => exit_code::USAGE,
            Self::LocalIo { .. } | Self::Store(_) => exit_code::LOCAL_IO,
            Self::Bulk { code, .. } | Self::Interrupted { code, .. } => *code,
        }
    }

    /// The failure of a bulk run of `total` items whose `failures` failed (each
    /// already reported): the exit code is theirs when they agree, else 1.
    pub fn bulk(failures: &[Failure], total: usize, noun: &str) -> Self {
        let mut codes = failures.iter().map(Failure::exit_code);
        let first = codes.next().unwrap_or(exit_code::API_ERROR);
        let code = if codes.all(|code| code == first) {
            first
        } else {
            exit_code::API_ERROR
        };
        Self::Bulk {
            summary: format!("{} of {total} {noun} failed", failures.len()),
            code,
        }
    }

    /// The error's `type` in the error JSON: the API's `error.type`, else
    /// `invalid_request_error`, `connection_error`, `timeout_error`, `io_error`,
    /// `configuration_error` or `decode_error`.
    pub fn error_type(&self) -> String {
        match self {
            Self::Client(err) => client_class(err).1,
            Self::Usage(_) => "invalid_request_error".to_owned(),
            Self::LocalIo { .. } | Self::Store(_) => "io_error".to_owned(),
            Self::Bulk { .. } => "bulk_error".to_owned(),
            Self::Interrupted { .. } => "interrupted".to_owned(),
        }
    }

    /// One line for stderr: for API errors the status, the error type, the
    /// message and the request id.
    pub fn summary(&self) -> String {
        match self {
            Self::Client(err) => err.to_string(),
            Self::Usage(message) | Self::Store(message) => message.clone(),
            Self::Bulk { summary, .. } => summary.clone(),
            Self::Interrupted { signal, .. } => {
                format!("interrupted by {signal}: what the command had started was cleaned up")
            }
            Self::LocalIo {
                operation,
                target,
                source,
            } => format!("{operation} {}: {source}", target.display()),
        }
    }

    /// The HTTP status, for API errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Client(err) => err.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// The message alone: the API's `error.message`, else the summary.
    pub fn message(&self) -> String {
        match self {
            Self::Client(err) => match err.api() {
                Some(api) => api.message.clone(),
                None => err.to_string(),
            },
            other => other.summary(),
        }
    }
}

/// The exit code and error type of a client error.
fn client_class(err: &Error) -> (u8, String) {
    if let Some(api) = err.api() {
        let kind = api
            .error_type
            .as_ref()
            .map_or("api_error", |kind| kind.as_str());
        return (exit_code::API_ERROR, kind.to_owned());
    }
    if err.status().is_some() {
        return (exit_code::API_ERROR, "decode_error".to_owned());
    }
    if err.is_invalid_input() {
        return (exit_code::USAGE, "invalid_request_error".to_owned());
    }
    if err.is_timeout() {
        return (exit_code::NETWORK, "timeout_error".to_owned());
    }
    if err.is_connection() {
        return (exit_code::NETWORK, "connection_error".to_owned());
    }
    match err {
        Error::Config(_) | Error::Misuse(_) => (exit_code::USAGE, "configuration_error".to_owned()),
        Error::PagingStalled { .. } | Error::CursorTooLong { .. } => {
            (exit_code::API_ERROR, "decode_error".to_owned())
        }
        Error::Io { .. } | Error::BodyTooLarge { .. } => {
            (exit_code::LOCAL_IO, "io_error".to_owned())
        }
        _ => (exit_code::API_ERROR, "api_error".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use files_client::{ApiError, ValidationError};

    use super::*;

    #[test]
    fn api_errors_keep_status_type_message_and_request_id() {
        let body = br#"{"type":"error","error":{"type":"not_found_error","message":"File not found: file_x"},"request_id":"req_1"}"#;
        let failure = Failure::from(Error::from(ApiError::from_response(
            http_status(404),
            None,
            body,
        )));
        assert_eq!(failure.exit_code(), exit_code::API_ERROR);
        assert_eq!(failure.status(), Some(404));
        assert_eq!(failure.message(), "File not found: file_x");
        let summary = failure.summary();
        assert!(
            summary.contains("404")
                && summary.contains("not_found_error")
                && summary.contains("req_1"),
            "{summary}"
        );
    }

    #[test]
    fn local_failures_have_their_own_types_and_codes() {
        let invalid = Failure::from(Error::InvalidInput(ValidationError::FilenameEmpty));
        assert_eq!(
            (invalid.exit_code(), invalid.error_type().as_str()),
            (2, "invalid_request_error")
        );
        let io = Failure::io(
            "cannot write to",
            "out.bin",
            std::io::Error::other("disk full"),
        );
        assert_eq!((io.exit_code(), io.error_type().as_str()), (4, "io_error"));
        assert_eq!(io.summary(), "cannot write to out.bin: disk full");
        let pipe = Failure::io(
            "cannot write to",
            "stdout",
            std::io::ErrorKind::BrokenPipe.into(),
        );
        assert!(pipe.is_broken_pipe());
        assert_eq!(Failure::Usage("x".into()).exit_code(), 2);
    }

    #[test]
    fn a_bulk_run_takes_its_failures_code_when_they_agree() {
        let usage = || Failure::Usage("bad".into());
        let io = || Failure::io("cannot read", "x", std::io::Error::other("gone"));
        let same = Failure::bulk(&[usage(), usage()], 5, "files");
        assert_eq!(same.exit_code(), exit_code::USAGE);
        assert_eq!(same.summary(), "2 of 5 files failed");
        assert_eq!(
            Failure::bulk(&[usage(), io()], 5, "files").exit_code(),
            exit_code::API_ERROR
        );
    }

    fn http_status(code: u16) -> http::StatusCode {
        http::StatusCode::from_u16(code).unwrap()
    }
}
