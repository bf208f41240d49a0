//! A multipart part's `Content-Disposition` (RFC 7578 §4.2, with RFC 6266's
//! parameter rules), parsed by us rather than by multer: parameter names are
//! case-insensitive, a quoted value is one value whatever it contains (a
//! `; name=` inside a quoted filename is part of the filename), and
//! `filename*` (RFC 8187, which RFC 7578 tells senders not to use but some do)
//! is decoded and preferred to `filename`, in either order.
//!
//! Within a quoted value `\"` and `\\` are escapes; any other backslash is kept,
//! since old browsers send Windows paths (`C:\dir\a.txt`) unescaped. Percent
//! signs are kept, `%22` too: HTML's form encoding writes a quote in a filename
//! as `%22` without escaping `%`, so `%22` may as well be the name's own text
//! (`100%22.txt`, which files-client sends as it is), and the API's filename
//! rule refuses `"`: decoding it could only refuse a valid name.

use http::HeaderMap;

/// What a part's `Content-Disposition` says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Disposition {
    /// `name`: which form field the part is; `None` when absent or the
    /// disposition type is not `form-data`.
    pub name: Option<String>,
    /// `filename*` when present and decodable, else `filename`.
    pub filename: Option<String>,
}

impl Disposition {
    /// The disposition of a part with these headers.
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        headers
            .get(http::header::CONTENT_DISPOSITION)
            .map(|value| Self::parse(&String::from_utf8_lossy(value.as_bytes())))
            .unwrap_or_default()
    }

    /// Parses a `Content-Disposition` value.
    pub(crate) fn parse(value: &str) -> Self {
        let (kind, mut rest) = value.split_once(';').unwrap_or((value, ""));
        if !kind.trim().eq_ignore_ascii_case("form-data") {
            return Self::default();
        }
        let mut name = None;
        let mut plain = None;
        let mut extended = None;
        while let Some((param, value, after)) = next_param(rest) {
            rest = after;
            let slot = match param.to_ascii_lowercase().as_str() {
                "name" => &mut name,
                "filename" => &mut plain,
                "filename*" => &mut extended,
                _ => continue,
            };
            // A repeated parameter: the first one counts.
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        let filename = extended.and_then(|v| decode_ext_value(&v)).or(plain);
        Self { name, filename }
    }
}

/// The next `name=value` after `rest` (which starts at or before a `;`), the
/// value unquoted, and what follows it.
fn next_param(rest: &str) -> Option<(String, String, &str)> {
    let rest = rest.trim_start_matches(|c: char| c == ';' || c.is_ascii_whitespace());
    if rest.is_empty() {
        return None;
    }
    let end = rest.find(['=', ';']).unwrap_or(rest.len());
    let name = rest[..end].trim().to_owned();
    let rest = &rest[end..];
    let Some(after_eq) = rest.strip_prefix('=') else {
        // A name without a value: skip it.
        return Some((name, String::new(), rest));
    };
    let after_eq = after_eq.trim_start();
    if let Some(quoted) = after_eq.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Some((name, value, &quoted[i + 1..])),
                '\\' if matches!(chars.peek(), Some((_, '"' | '\\'))) => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                c => value.push(c),
            }
        }
        // No closing quote: the value runs to the end.
        return Some((name, value, ""));
    }
    let end = after_eq.find(';').unwrap_or(after_eq.len());
    Some((name, after_eq[..end].trim().to_owned(), &after_eq[end..]))
}

/// An RFC 8187 `ext-value` (`UTF-8''%E2%82%AC.txt`); `None` when it is not one
/// or its charset is neither UTF-8 nor ISO-8859-1.
fn decode_ext_value(value: &str) -> Option<String> {
    let (charset, rest) = value.split_once('\'')?;
    let (_language, encoded) = rest.split_once('\'')?;
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut input = encoded.bytes();
    while let Some(b) = input.next() {
        if b == b'%' {
            let hex = [input.next()?, input.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.into_iter().map(char::from).collect())
    } else {
        None
    }
}

#[cfg(test)]
#[path = "disposition_tests.rs"]
mod tests;
