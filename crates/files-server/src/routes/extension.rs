//! The customary extension of a MIME type, for a GA upload that has no filename
//! (`unnamed.txt`, not mime_guess's alphabetically first `unnamed.asm`).

/// Extensions people expect, where mime_guess knows several.
const CUSTOMARY: &[(&str, &str)] = &[
    ("application/epub+zip", "epub"),
    ("application/gzip", "gz"),
    ("application/javascript", "js"),
    ("application/json", "json"),
    ("application/msword", "doc"),
    ("application/octet-stream", "bin"),
    ("application/pdf", "pdf"),
    ("application/postscript", "ps"),
    ("application/rtf", "rtf"),
    ("application/vnd.ms-excel", "xls"),
    ("application/vnd.ms-powerpoint", "ppt"),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    ("application/x-7z-compressed", "7z"),
    ("application/x-ndjson", "ndjson"),
    ("application/x-sh", "sh"),
    ("application/x-tar", "tar"),
    ("application/x-yaml", "yaml"),
    ("application/xml", "xml"),
    ("application/yaml", "yaml"),
    ("application/zip", "zip"),
    ("audio/mp4", "m4a"),
    ("audio/mpeg", "mp3"),
    ("audio/ogg", "ogg"),
    ("audio/wav", "wav"),
    ("audio/x-wav", "wav"),
    ("image/bmp", "bmp"),
    ("image/gif", "gif"),
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/svg+xml", "svg"),
    ("image/tiff", "tiff"),
    ("image/webp", "webp"),
    ("image/x-icon", "ico"),
    ("text/css", "css"),
    ("text/csv", "csv"),
    ("text/html", "html"),
    ("text/javascript", "js"),
    ("text/markdown", "md"),
    ("text/plain", "txt"),
    ("text/tab-separated-values", "tsv"),
    ("text/x-c", "c"),
    ("text/x-markdown", "md"),
    ("text/x-python", "py"),
    ("text/xml", "xml"),
    ("text/yaml", "yaml"),
    ("video/mp4", "mp4"),
    ("video/mpeg", "mpeg"),
    ("video/quicktime", "mov"),
    ("video/webm", "webm"),
];

/// The customary extension (without the dot) of `mime_type`, parameters and
/// case ignored: the table above, else the one mime_guess knows that is named
/// like the subtype (`x-` and `+suffix` aside), else the shortest it knows.
pub(crate) fn customary_extension(mime_type: &str) -> Option<String> {
    let essence = mime_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if let Some((_, ext)) = CUSTOMARY.iter().find(|(mime, _)| *mime == essence) {
        return Some((*ext).to_owned());
    }
    let known = mime_guess::get_mime_extensions_str(&essence)?;
    let subtype = essence.split('/').nth(1).unwrap_or_default();
    let subtype = subtype.strip_prefix("x-").unwrap_or(subtype);
    let subtype = subtype.split('+').next().unwrap_or(subtype);
    known
        .iter()
        .find(|ext| ext.eq_ignore_ascii_case(subtype))
        .or_else(|| known.iter().min_by_key(|ext| (ext.len(), **ext)))
        .map(|ext| (*ext).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mime_type_gets_its_customary_extension() {
        for (mime, ext) in [
            ("text/plain", "txt"),
            ("text/plain; charset=utf-8", "txt"),
            ("TEXT/PLAIN", "txt"),
            ("application/octet-stream", "bin"),
            ("image/jpeg", "jpg"),
            ("text/markdown", "md"),
            ("application/xml", "xml"),
            ("text/html", "html"),
            ("text/csv", "csv"),
            ("application/pdf", "pdf"),
            ("application/json", "json"),
            ("image/png", "png"),
            ("text/javascript", "js"),
            (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "docx",
            ),
            // Not in the table: named like the subtype.
            ("application/wasm", "wasm"),
            ("text/x-rust", "rs"),
        ] {
            assert_eq!(customary_extension(mime).as_deref(), Some(ext), "{mime}");
        }
        assert_eq!(customary_extension("application/x-unknown-thing"), None);
    }
}
