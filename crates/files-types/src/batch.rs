//! The check for purpose `batch`: the content is JSONL of batch requests.
//!
//! Every non-empty line must be a JSON object with a string `custom_id` matching
//! `^[a-zA-Z0-9_-]{1,64}$`, unique in the file, and an object `params`. The check
//! streams: feed it chunks of any size and it keeps only the current line and the
//! ids seen so far.

use std::collections::HashMap;
use std::fmt;

use crate::ValidationError;

/// At most this many characters in a `custom_id`.
pub const MAX_CUSTOM_ID_CHARS: usize = 64;

/// What is wrong with one line of a batch JSONL file.
///
/// ```
/// use files_types::{validate_batch_jsonl, BatchProblem, ValidationError};
///
/// let err = validate_batch_jsonl(b"{\"custom_id\":\"a\"}\n").unwrap_err();
/// assert_eq!(err, ValidationError::BatchLine { line: 1, problem: BatchProblem::MissingParams });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchProblem {
    /// The line is not valid UTF-8.
    NotUtf8,
    /// The line is not JSON.
    NotJson {
        /// The parser's explanation.
        message: String,
    },
    /// The line is JSON but not an object.
    NotAnObject,
    /// The object has no `custom_id`.
    MissingCustomId,
    /// `custom_id` is not a string.
    CustomIdNotString,
    /// `custom_id` does not match `^[a-zA-Z0-9_-]{1,64}$`.
    CustomIdInvalid {
        /// The id given.
        custom_id: String,
    },
    /// `custom_id` was already used on an earlier line.
    DuplicateCustomId {
        /// The id given.
        custom_id: String,
        /// The line that used it first.
        first_line: usize,
    },
    /// The object has no `params`.
    MissingParams,
    /// `params` is not an object.
    ParamsNotObject,
}

impl fmt::Display for BatchProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUtf8 => f.write_str("the line is not valid UTF-8"),
            Self::NotJson { message } => write!(f, "the line is not JSON ({message})"),
            Self::NotAnObject => f.write_str("the line is not a JSON object"),
            Self::MissingCustomId => f.write_str("the request has no \"custom_id\""),
            Self::CustomIdNotString => f.write_str("\"custom_id\" is not a string"),
            Self::CustomIdInvalid { custom_id } => write!(
                f,
                "\"custom_id\" {custom_id:?} must be 1 to 64 characters of a-z, A-Z, 0-9, '_' or '-'"
            ),
            Self::DuplicateCustomId {
                custom_id,
                first_line,
            } => write!(
                f,
                "\"custom_id\" {custom_id:?} was already used on line {first_line}"
            ),
            Self::MissingParams => f.write_str("the request has no \"params\""),
            Self::ParamsNotObject => f.write_str("\"params\" is not a JSON object"),
        }
    }
}

/// Whether `custom_id` matches `^[a-zA-Z0-9_-]{1,64}$`.
///
/// ```
/// use files_types::is_valid_custom_id;
///
/// assert!(is_valid_custom_id("request-1_A"));
/// assert!(!is_valid_custom_id(""));
/// assert!(!is_valid_custom_id("has space"));
/// assert!(!is_valid_custom_id(&"a".repeat(65)));
/// ```
pub fn is_valid_custom_id(custom_id: &str) -> bool {
    (1..=MAX_CUSTOM_ID_CHARS).contains(&custom_id.len())
        && custom_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A streaming check of a batch JSONL file.
///
/// ```
/// use files_types::BatchJsonlValidator;
///
/// let mut check = BatchJsonlValidator::new();
/// check.feed(b"{\"custom_id\":\"a\",\"params\":{}}\n{\"custom_")?;
/// check.feed(b"id\":\"b\",\"params\":{}}")?;
/// assert_eq!(check.finish()?, 2);
/// # Ok::<(), files_types::ValidationError>(())
/// ```
#[derive(Debug, Default)]
pub struct BatchJsonlValidator {
    partial: Vec<u8>,
    line: usize,
    first_line_of: HashMap<String, usize>,
}

impl BatchJsonlValidator {
    /// A check that has seen nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks every line that `chunk` completes; keeps an unfinished last line.
    ///
    /// # Errors
    /// The first bad line, by number.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ValidationError> {
        let mut rest = chunk;
        while let Some(newline) = rest.iter().position(|&b| b == b'\n') {
            let (head, tail) = rest.split_at(newline);
            if self.partial.is_empty() {
                self.check_line(head)?;
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(head);
                self.check_line(&line)?;
            }
            rest = &tail[1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(())
    }

    /// Checks the last line and returns how many requests the file holds.
    ///
    /// # Errors
    /// A bad last line, or [`ValidationError::BatchEmpty`] when there was no request.
    pub fn finish(mut self) -> Result<usize, ValidationError> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.check_line(&line)?;
        }
        if self.first_line_of.is_empty() {
            return Err(ValidationError::BatchEmpty);
        }
        Ok(self.first_line_of.len())
    }

    fn check_line(&mut self, raw: &[u8]) -> Result<(), ValidationError> {
        self.line += 1;
        let line = self.line;
        let fail = |problem| Err(ValidationError::BatchLine { line, problem });
        let Ok(text) = std::str::from_utf8(raw) else {
            return fail(BatchProblem::NotUtf8);
        };
        if text.trim().is_empty() {
            return Ok(());
        }
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(err) => {
                return fail(BatchProblem::NotJson {
                    message: err.to_string(),
                });
            }
        };
        let Some(object) = value.as_object() else {
            return fail(BatchProblem::NotAnObject);
        };
        let custom_id = match object.get("custom_id") {
            None => return fail(BatchProblem::MissingCustomId),
            Some(serde_json::Value::String(id)) => id,
            Some(_) => return fail(BatchProblem::CustomIdNotString),
        };
        if !is_valid_custom_id(custom_id) {
            return fail(BatchProblem::CustomIdInvalid {
                custom_id: custom_id.clone(),
            });
        }
        match object.get("params") {
            None => return fail(BatchProblem::MissingParams),
            Some(params) if !params.is_object() => return fail(BatchProblem::ParamsNotObject),
            Some(_) => {}
        }
        if let Some(&first_line) = self.first_line_of.get(custom_id) {
            return fail(BatchProblem::DuplicateCustomId {
                custom_id: custom_id.clone(),
                first_line,
            });
        }
        self.first_line_of.insert(custom_id.clone(), line);
        Ok(())
    }
}

/// Checks a whole batch JSONL file held in memory; returns how many requests it has.
///
/// ```
/// use files_types::{validate_batch_jsonl, BatchProblem, ValidationError};
///
/// let jsonl = b"{\"custom_id\":\"a\",\"params\":{}}\n\n{\"custom_id\":\"a\",\"params\":{}}\n";
/// assert_eq!(
///     validate_batch_jsonl(jsonl).unwrap_err(),
///     ValidationError::BatchLine {
///         line: 3,
///         problem: BatchProblem::DuplicateCustomId { custom_id: "a".into(), first_line: 1 },
///     }
/// );
/// ```
///
/// # Errors
/// The first bad line, by number, or [`ValidationError::BatchEmpty`].
pub fn validate_batch_jsonl(content: &[u8]) -> Result<usize, ValidationError> {
    let mut check = BatchJsonlValidator::new();
    check.feed(content)?;
    check.finish()
}
