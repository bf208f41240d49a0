//! MIME types: a guess from a filename, and the content block a MIME type goes in.

use std::fmt;

/// The MIME type sent when nothing better is known.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// Guesses a MIME type from a filename's extension, falling back to
/// `application/octet-stream`.
///
/// ```
/// use files_types::guess_mime_type;
///
/// assert_eq!(guess_mime_type("report.pdf"), "application/pdf");
/// assert_eq!(guess_mime_type("photo.JPG"), "image/jpeg");
/// assert_eq!(guess_mime_type("notes.txt"), "text/plain");
/// assert_eq!(guess_mime_type("no-extension"), "application/octet-stream");
/// ```
pub fn guess_mime_type(filename: &str) -> String {
    mime_guess::from_path(filename)
        .first_raw()
        .unwrap_or(OCTET_STREAM)
        .to_owned()
}

/// The kind of content block a file is referenced with in a Messages request.
///
/// ```
/// use files_types::ContentBlockKind;
///
/// assert_eq!(ContentBlockKind::for_mime_type("application/pdf"), ContentBlockKind::Document);
/// assert_eq!(ContentBlockKind::for_mime_type("text/plain; charset=utf-8"), ContentBlockKind::Document);
/// assert_eq!(ContentBlockKind::for_mime_type("image/webp"), ContentBlockKind::Image);
/// assert_eq!(ContentBlockKind::for_mime_type("text/csv"), ContentBlockKind::ContainerUpload);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentBlockKind {
    /// `document`: `application/pdf` and `text/plain`.
    Document,
    /// `image`: `image/jpeg`, `image/png`, `image/gif`, `image/webp`.
    Image,
    /// `container_upload`: anything else, for code execution.
    ContainerUpload,
}

impl ContentBlockKind {
    /// The block for a MIME type; parameters (`; charset=...`) and letter case are ignored.
    pub fn for_mime_type(mime_type: &str) -> Self {
        let essence = mime_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/pdf" | "text/plain" => Self::Document,
            "image/jpeg" | "image/png" | "image/gif" | "image/webp" => Self::Image,
            _ => Self::ContainerUpload,
        }
    }

    /// The block's `type` on the wire.
    ///
    /// ```
    /// assert_eq!(files_types::ContentBlockKind::ContainerUpload.as_str(), "container_upload");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Document => "document",
            Self::Image => "image",
            Self::ContainerUpload => "container_upload",
        }
    }
}

impl fmt::Display for ContentBlockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
