//! Validation rules of the Files API, each a function with a typed error.
//!
//! Every rule runs on the client before the first byte is sent, and on the local
//! server when a request arrives. The error says what is wrong and where.

use crate::ApiGeneration;
use crate::batch::BatchProblem;

/// At most this many characters in a filename.
pub const MAX_FILENAME_CHARS: usize = 255;

/// The characters a filename may not contain (besides code points 0 to 31).
pub const FORBIDDEN_FILENAME_CHARS: [char; 9] = ['<', '>', ':', '"', '|', '?', '*', '\\', '/'];

/// The largest file the client lets through: 500 MiB (500 × 1024 × 1024 bytes).
///
/// The API documents "500 MB" without saying whether a megabyte is 10^6 or 2^20
/// bytes, so the client checks the larger reading and never refuses a file the
/// server could accept; the server stays the authority.
pub const MAX_FILE_SIZE_BYTES: u64 = 500 * 1024 * 1024;

/// The range of `limit` when listing.
pub const LIMIT_RANGE: std::ops::RangeInclusive<u32> = 1..=1000;

/// The range of GA `expires_in_seconds` on upload: one hour to 90 days.
pub const EXPIRES_IN_SECONDS_RANGE: std::ops::RangeInclusive<u64> = 3_600..=7_776_000;

/// At most this many ids in a GA `ids` listing.
pub const MAX_IDS: usize = 100;

/// At most this many bytes in a MIME type.
pub const MAX_MIME_TYPE_LEN: usize = 255;

/// What is wrong with a request, found before it was sent.
///
/// ```
/// use files_types::{ValidationError, validate_filename};
///
/// let err = validate_filename("a|b.txt").unwrap_err();
/// assert_eq!(err, ValidationError::FilenameForbiddenCharacter { character: '|', position: 1 });
/// assert!(err.to_string().contains("position 1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The filename is empty.
    #[error("filename is empty: it must have 1 to 255 characters")]
    FilenameEmpty,
    /// The filename has more than [`MAX_FILENAME_CHARS`] characters.
    #[error("filename has {chars} characters: at most 255 are allowed")]
    FilenameTooLong {
        /// How many characters it has.
        chars: usize,
    },
    /// The filename contains one of [`FORBIDDEN_FILENAME_CHARS`].
    #[error(
        "filename has the forbidden character {character:?} at position {position} (counted in characters from 0): none of < > : \" | ? * \\ / may appear"
    )]
    FilenameForbiddenCharacter {
        /// The character.
        character: char,
        /// Its position, in characters from 0.
        position: usize,
    },
    /// The filename contains a code point from 0 to 31.
    #[error(
        "filename has the control character U+{code_point:04X} at position {position} (counted in characters from 0): code points 0 to 31 may not appear"
    )]
    FilenameControlCharacter {
        /// The code point.
        code_point: u32,
        /// Its position, in characters from 0.
        position: usize,
    },
    /// The filename has DEL (U+007F), which the API's rule allows but no
    /// header may carry (RFC 9110 §5.5), so a multipart upload cannot send it.
    #[error(
        "filename has the control character U+{code_point:04X} at position {position} (counted in characters from 0): a multipart upload cannot carry it"
    )]
    FilenameUnsendable {
        /// The code point.
        code_point: u32,
        /// Its position, in characters from 0.
        position: usize,
    },
    /// The file is larger than [`MAX_FILE_SIZE_BYTES`].
    #[error("file is {size_bytes} bytes: at most {max_bytes} bytes may be uploaded")]
    FileTooLarge {
        /// The size of the file.
        size_bytes: u64,
        /// The largest size allowed.
        max_bytes: u64,
    },
    /// `limit` is outside [`LIMIT_RANGE`].
    #[error("limit is {limit}: it must be from 1 to 1000")]
    LimitOutOfRange {
        /// The value given.
        limit: u32,
    },
    /// `expires_in_seconds` is outside [`EXPIRES_IN_SECONDS_RANGE`].
    #[error("expires_in_seconds is {seconds}: it must be from 3600 (1 hour) to 7776000 (90 days)")]
    ExpiresInSecondsOutOfRange {
        /// The value given.
        seconds: u64,
    },
    /// More than [`MAX_IDS`] ids.
    #[error("ids has {count} entries: at most 100 are allowed")]
    TooManyIds {
        /// How many were given.
        count: usize,
    },
    /// `ids` was combined with `page` or `limit`.
    #[error("ids cannot be combined with {other}: a listing by ids is always a single page")]
    IdsExclusive {
        /// The other parameter: `page` or `limit`.
        other: &'static str,
    },
    /// A file id (or a cursor id) is empty.
    #[error("{field} is empty: a file id is required")]
    FileIdEmpty {
        /// Which parameter: `file_id`, `after_id`, `before_id`, `ids[3]`, ...
        field: String,
    },
    /// A file id is `.` or `..` (or only dots), which a URL path would resolve away.
    #[error("{field} is made of dots only, which a URL path would resolve to another route")]
    FileIdDotSegment {
        /// Which parameter.
        field: String,
    },
    /// A parameter that must have a value (`page`, `scope_id`) is empty.
    #[error("{parameter} is empty: leave it out or give it a value")]
    EmptyParameter {
        /// The parameter.
        parameter: &'static str,
    },
    /// A file id contains a character that is not safe in a URL path.
    #[error(
        "{field} has the character {character:?} at position {position}, which is not allowed in a file id (no '/', '?', '#', '%', whitespace or control characters)"
    )]
    FileIdUnsafeCharacter {
        /// Which parameter.
        field: String,
        /// The character.
        character: char,
        /// Its position, in characters from 0.
        position: usize,
    },
    /// A parameter of one API generation was used with the other.
    #[error(
        "{parameter} belongs to the {belongs_to} API generation and cannot be sent to the {used_with} generation"
    )]
    ParameterNotInGeneration {
        /// The parameter.
        parameter: &'static str,
        /// The generation that has it.
        belongs_to: ApiGeneration,
        /// The generation of the request.
        used_with: ApiGeneration,
    },
    /// The MIME type is not a usable `type/subtype`.
    #[error("mime type {mime_type:?} is invalid: {reason}")]
    MimeTypeInvalid {
        /// The MIME type given.
        mime_type: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A batch JSONL file has a bad line.
    #[error("batch JSONL, line {line}: {problem}")]
    BatchLine {
        /// The line number, from 1.
        line: usize,
        /// What is wrong with it.
        problem: BatchProblem,
    },
    /// A batch JSONL file has no request at all.
    #[error("batch JSONL has no request: at least one non-empty line is needed")]
    BatchEmpty,
}

/// Checks a filename: 1 to 255 characters, none of `< > : " | ? * \ /`, no code
/// point from 0 to 31.
///
/// ```
/// use files_types::validate_filename;
///
/// assert!(validate_filename("report 2026.pdf").is_ok());
/// assert!(validate_filename("").is_err());
/// assert!(validate_filename("a/b.pdf").is_err());
/// assert!(validate_filename("tab\there").is_err());
/// assert!(validate_filename(&"x".repeat(256)).is_err());
/// ```
pub fn validate_filename(filename: &str) -> Result<(), ValidationError> {
    if filename.is_empty() {
        return Err(ValidationError::FilenameEmpty);
    }
    let mut chars = 0;
    for (position, character) in filename.chars().enumerate() {
        chars += 1;
        if FORBIDDEN_FILENAME_CHARS.contains(&character) {
            return Err(ValidationError::FilenameForbiddenCharacter {
                character,
                position,
            });
        }
        if u32::from(character) <= 31 {
            return Err(ValidationError::FilenameControlCharacter {
                code_point: u32::from(character),
                position,
            });
        }
    }
    if chars > MAX_FILENAME_CHARS {
        return Err(ValidationError::FilenameTooLong { chars });
    }
    Ok(())
}

/// Checks a file size against [`MAX_FILE_SIZE_BYTES`].
///
/// ```
/// use files_types::{validate_file_size, MAX_FILE_SIZE_BYTES};
///
/// assert!(validate_file_size(0).is_ok());
/// assert!(validate_file_size(MAX_FILE_SIZE_BYTES).is_ok());
/// assert!(validate_file_size(MAX_FILE_SIZE_BYTES + 1).is_err());
/// ```
pub fn validate_file_size(size_bytes: u64) -> Result<(), ValidationError> {
    if size_bytes > MAX_FILE_SIZE_BYTES {
        return Err(ValidationError::FileTooLarge {
            size_bytes,
            max_bytes: MAX_FILE_SIZE_BYTES,
        });
    }
    Ok(())
}

/// Checks a page size: 1 to 1000.
///
/// ```
/// use files_types::validate_limit;
///
/// assert!(validate_limit(1).is_ok() && validate_limit(1000).is_ok());
/// assert!(validate_limit(0).is_err() && validate_limit(1001).is_err());
/// ```
pub fn validate_limit(limit: u32) -> Result<(), ValidationError> {
    if !LIMIT_RANGE.contains(&limit) {
        return Err(ValidationError::LimitOutOfRange { limit });
    }
    Ok(())
}

/// Checks a GA upload expiry: 3600 to 7776000 seconds.
///
/// ```
/// use files_types::validate_expires_in_seconds;
///
/// assert!(validate_expires_in_seconds(3_600).is_ok());
/// assert!(validate_expires_in_seconds(3_599).is_err());
/// assert!(validate_expires_in_seconds(7_776_001).is_err());
/// ```
pub fn validate_expires_in_seconds(seconds: u64) -> Result<(), ValidationError> {
    if !EXPIRES_IN_SECONDS_RANGE.contains(&seconds) {
        return Err(ValidationError::ExpiresInSecondsOutOfRange { seconds });
    }
    Ok(())
}

/// Checks a file id: non-empty, and safe to put in a URL path (no `/`, `?`, `#`,
/// whitespace or control characters, and no `%`, so that no percent-encoded
/// character can be smuggled into the path; not `.` or `..`, which a path resolves).
///
/// ```
/// use files_types::validate_file_id;
///
/// assert!(validate_file_id("file_011CNha8iCJcU1wXNR6q4V8w").is_ok());
/// assert!(validate_file_id("").is_err());
/// assert!(validate_file_id("../etc").is_err());
/// assert!(validate_file_id("..").is_err());
/// assert!(validate_file_id("a b").is_err());
/// ```
pub fn validate_file_id(file_id: &str) -> Result<(), ValidationError> {
    validate_id_field("file_id", file_id)
}

/// Checks an id given as the named parameter (`after_id`, `ids[2]`, ...): the rule
/// of [`validate_file_id`], with `field` named in the error.
///
/// ```
/// use files_types::{validate_id_field, ValidationError};
///
/// let err = validate_id_field("after_id", "").unwrap_err();
/// assert_eq!(err, ValidationError::FileIdEmpty { field: "after_id".into() });
/// ```
pub fn validate_id_field(field: &str, id: &str) -> Result<(), ValidationError> {
    if id.is_empty() {
        return Err(ValidationError::FileIdEmpty {
            field: field.to_owned(),
        });
    }
    if id.chars().all(|c| c == '.') {
        return Err(ValidationError::FileIdDotSegment {
            field: field.to_owned(),
        });
    }
    match id.chars().enumerate().find(|(_, c)| !is_id_safe(*c)) {
        Some((position, character)) => Err(ValidationError::FileIdUnsafeCharacter {
            field: field.to_owned(),
            character,
            position,
        }),
        None => Ok(()),
    }
}

fn is_id_safe(c: char) -> bool {
    !(matches!(c, '/' | '?' | '#' | '%') || c.is_whitespace() || c.is_control())
}

/// Checks a GA `ids` list: at most 100, each a valid file id.
///
/// ```
/// use files_types::validate_ids;
///
/// assert!(validate_ids(&["file_a", "file_b"]).is_ok());
/// assert!(validate_ids(&vec!["file_a"; 101]).is_err());
/// assert!(validate_ids(&["file_a", ""]).is_err());
/// ```
pub fn validate_ids<S: AsRef<str>>(ids: &[S]) -> Result<(), ValidationError> {
    if ids.len() > MAX_IDS {
        return Err(ValidationError::TooManyIds { count: ids.len() });
    }
    for (index, id) in ids.iter().enumerate() {
        validate_id_field(&format!("ids[{index}]"), id.as_ref())?;
    }
    Ok(())
}

/// Checks a MIME type: `type/subtype` (optionally with parameters), at most 255
/// bytes, and nothing that could break the multipart part header it is sent in.
///
/// ```
/// use files_types::validate_mime_type;
///
/// assert!(validate_mime_type("application/pdf").is_ok());
/// assert!(validate_mime_type("text/plain; charset=utf-8").is_ok());
/// assert!(validate_mime_type("pdf").is_err());
/// assert!(validate_mime_type("text/plain\r\nX-Evil: 1").is_err());
/// ```
pub fn validate_mime_type(mime_type: &str) -> Result<(), ValidationError> {
    let invalid = |reason| {
        Err(ValidationError::MimeTypeInvalid {
            mime_type: mime_type.to_owned(),
            reason,
        })
    };
    if mime_type.is_empty() {
        return invalid("it is empty");
    }
    if mime_type.len() > MAX_MIME_TYPE_LEN {
        return invalid("it is longer than 255 bytes");
    }
    if mime_type.chars().any(|c| c.is_control() || !c.is_ascii()) {
        return invalid("it contains control or non-ASCII characters");
    }
    let essence = mime_type.split(';').next().unwrap_or_default().trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match essence.split_once('/') {
        Some((kind, subtype)) if token(kind) && token(subtype) => Ok(()),
        _ => invalid("it is not of the form type/subtype"),
    }
}

/// Checks that a parameter is used with the generation that has it.
pub(crate) fn require_generation(
    parameter: &'static str,
    belongs_to: ApiGeneration,
    used_with: ApiGeneration,
) -> Result<(), ValidationError> {
    if belongs_to != used_with {
        return Err(ValidationError::ParameterNotInGeneration {
            parameter,
            belongs_to,
            used_with,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
