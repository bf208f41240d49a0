//! The upload rules the client applies on top of files-types': the size limit
//! (the contract's, or the one the client was configured with), and the
//! filename and MIME type checks.

use files_types::{
    MAX_FILE_SIZE_BYTES, UploadParams, ValidationError, validate_file_size, validate_filename,
    validate_mime_type,
};

/// The size rule: the contract's ([`validate_file_size`]) unless the client was
/// configured with another limit.
pub(super) fn check_size(size: u64, max_bytes: u64) -> Result<(), ValidationError> {
    if max_bytes == MAX_FILE_SIZE_BYTES {
        return validate_file_size(size);
    }
    if size > max_bytes {
        return Err(ValidationError::FileTooLarge {
            size_bytes: size,
            max_bytes,
        });
    }
    Ok(())
}

/// Checks the filename and MIME type; returns the MIME type to send. Beyond
/// the API's rule, DEL is refused: the part header the name is framed in
/// cannot carry it (found by the `content_disposition_part` fuzz target; a
/// server reading the header refuses the whole body).
pub(crate) fn check_name(params: &UploadParams, filename: &str) -> Result<String, ValidationError> {
    validate_filename(filename)?;
    if let Some(position) = filename.chars().position(|c| c == '\u{7f}') {
        return Err(ValidationError::FilenameUnsendable {
            code_point: 0x7f,
            position,
        });
    }
    let mime_type = params.resolve_mime_type(filename);
    validate_mime_type(&mime_type)?;
    Ok(mime_type)
}
