//! The filename of a download, from its `Content-Disposition` header.

use crate::file_name::portable_file_name;

/// The filename a `Content-Disposition` value names (`filename*` in UTF-8 first,
/// else `filename`), made portable by [`portable_file_name`], so it can never
/// point outside the directory it is saved in, on any platform. `None` when there is no usable name.
pub(crate) fn filename_from_content_disposition(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for param in split_params(value).into_iter().skip(1) {
        let Some((name, raw)) = param.split_once('=') else {
            continue;
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "filename*" => extended = decode_extended(raw.trim()),
            "filename" => plain = Some(unquote(raw.trim())),
            _ => {}
        }
    }
    portable_file_name(&extended.or(plain)?)
}

/// Splits on `;` outside quoted strings.
fn split_params(value: &str) -> Vec<String> {
    let mut params = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' if quoted => {
                current.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ';' if !quoted => params.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    params.push(current);
    params
}

fn unquote(raw: &str) -> String {
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        None => raw.to_owned(),
    }
}

/// RFC 5987: `charset'language'percent-encoded`; UTF-8 and ASCII are understood.
fn decode_extended(raw: &str) -> Option<String> {
    let mut parts = raw.splitn(3, '\'');
    let charset = parts.next()?.to_ascii_lowercase();
    let _language = parts.next()?;
    let encoded = parts.next()?;
    if charset != "utf-8" && charset != "us-ascii" {
        return None;
    }
    let bytes: Vec<u8> = percent_decode(encoded.as_bytes())?;
    String::from_utf8(bytes).ok()
}

fn percent_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' {
            let hex = input.get(i + 1..i + 3)?;
            let value = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(value);
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `content_disposition_download` fuzz target's input: the name it
    /// gives has no surrounding white space of any kind.
    #[test]
    fn a_name_never_starts_with_unicode_white_space() {
        assert_eq!(
            filename_from_content_disposition(";FILENAME=\u{0}\u{3000}\u{FFFD}").as_deref(),
            Some("\u{FFFD}")
        );
    }

    #[test]
    fn quoted_semicolons_and_escapes() {
        assert_eq!(
            filename_from_content_disposition(r#"attachment; filename="a;b \"c\".txt""#).as_deref(),
            // Unquoted, then made portable: `"` is not allowed on Windows.
            Some("a;b _c_.txt")
        );
        assert_eq!(
            filename_from_content_disposition("attachment; filename=plain.txt").as_deref(),
            Some("plain.txt")
        );
        assert_eq!(
            filename_from_content_disposition("attachment; filename*=UTF-8''%ZZ"),
            None
        );
        assert_eq!(
            filename_from_content_disposition(r#"attachment; filename="C:\\dir\\x.txt""#)
                .as_deref(),
            Some("x.txt")
        );
    }
}
