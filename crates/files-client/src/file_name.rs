//! [`portable_file_name`]: the one rule for every name the server chooses
//! (a download's `Content-Disposition` filename, and the file id used when
//! there is none) before it becomes a local file name.

/// The longest name kept, in UTF-8 bytes: under every common file system's
/// 255 (bytes on Linux and macOS, UTF-16 units on Windows), with room left
/// for the ` (n)` a taken name gets.
pub const MAX_FILE_NAME_BYTES: usize = 200;

/// Characters Windows refuses in a name; `:` is also the path separator of
/// macOS's Finder and would make `C:x` a drive-relative path on Windows.
const FORBIDDEN: &[char] = &['<', '>', ':', '"', '|', '?', '*'];

/// Device names Windows reserves whatever the extension (`NUL.txt` is `NUL`),
/// compared without case; COM and LPT with a superscript digit too.
const RESERVED: &[&str] = &["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

/// A name chosen by the server, made safe to join to a directory on Linux,
/// macOS and Windows alike; `None` when nothing usable is left.
///
/// * Only the last path component is kept (`/` and `\` both separate).
/// * Control characters (C0, DEL, C1) and the bidi embeddings, overrides
///   and isolates (U+202A–U+202E, U+2066–U+2069), which disguise a name,
///   are dropped.
/// * `< > : " | ? *` become `_`.
/// * Leading and trailing white space (any Unicode space, such as U+3000,
///   which would hide in a listing) and trailing dots are trimmed (Windows
///   drops trailing spaces and dots); `.` and `..` are refused.
/// * A reserved Windows device name (`CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`,
///   `LPT1`–`LPT9`, any case, any extension) gets a leading `_`.
/// * At most [`MAX_FILE_NAME_BYTES`], cut at a character boundary, keeping
///   a short extension.
///
/// ```
/// use files_client::portable_file_name;
///
/// assert_eq!(portable_file_name("../../etc/passwd").as_deref(), Some("passwd"));
/// assert_eq!(portable_file_name(r"..\..\x").as_deref(), Some("x"));
/// assert_eq!(portable_file_name("C:x.txt").as_deref(), Some("C_x.txt"));
/// assert_eq!(portable_file_name("gift\u{202E}txt.exe").as_deref(), Some("gifttxt.exe"));
/// assert_eq!(portable_file_name("nul.txt").as_deref(), Some("_nul.txt"));
/// assert_eq!(portable_file_name("notes. . ").as_deref(), Some("notes"));
/// assert_eq!(portable_file_name(".."), None);
/// ```
#[must_use]
pub fn portable_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|&c| !is_disguising(c))
        .map(|c| if FORBIDDEN.contains(&c) { '_' } else { c })
        .collect();
    let clean = clean
        .trim_start_matches(char::is_whitespace)
        .trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    if clean.is_empty() {
        return None;
    }
    let mut clean = clean.to_owned();
    if is_reserved(&clean) {
        clean.insert(0, '_');
    }
    Some(truncate(clean))
}

/// Control characters and the bidi characters that reorder a line.
fn is_disguising(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether the part before the first dot (and any trailing spaces) is a
/// reserved Windows device name.
fn is_reserved(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches(' ');
    let upper = stem.to_uppercase();
    if RESERVED.contains(&upper.as_str()) {
        return true;
    }
    let mut chars = upper.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let digit = chars.next();
    (prefix == "COM" || prefix == "LPT")
        && chars.next().is_none()
        && matches!(digit, Some('0'..='9' | '¹' | '²' | '³'))
}

/// `name` cut to [`MAX_FILE_NAME_BYTES`], keeping an extension of up to 16
/// bytes.
fn truncate(name: String) -> String {
    if name.len() <= MAX_FILE_NAME_BYTES {
        return name;
    }
    let extension = name
        .rfind('.')
        .filter(|&dot| dot > 0 && name.len() - dot <= 16)
        .map_or("", |dot| &name[dot..]);
    let mut cut = MAX_FILE_NAME_BYTES - extension.len();
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = name[..cut].trim_end_matches([' ', '.']);
    format!("{stem}{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portable(name: &str) -> Option<String> {
        portable_file_name(name)
    }

    #[test]
    fn only_the_last_component_of_either_separator_is_kept() {
        assert_eq!(portable("a/b/c.txt").as_deref(), Some("c.txt"));
        assert_eq!(
            portable(r"C:\Users\x\evil.txt").as_deref(),
            Some("evil.txt")
        );
        assert_eq!(portable(r"..\..\x").as_deref(), Some("x"));
        assert_eq!(portable(r"\\server\share\y").as_deref(), Some("y"));
        assert_eq!(portable("dir/"), None);
        for dots in [".", "..", "...", " . ", "a/..", r"a\.", ""] {
            assert_eq!(portable(dots), None, "{dots:?}");
        }
    }

    #[test]
    fn windows_drive_and_stream_colons_and_forbidden_characters_are_replaced() {
        assert_eq!(portable("C:x.txt").as_deref(), Some("C_x.txt"));
        assert_eq!(portable("c:").as_deref(), Some("c_"));
        assert_eq!(
            portable("file.txt:stream").as_deref(),
            Some("file.txt_stream")
        );
        assert_eq!(portable("a<b>c\"d|e?f*g").as_deref(), Some("a_b_c_d_e_f_g"));
        // The fallback file id gets the same rule.
        assert_eq!(portable(r"file_01:..\..\x").as_deref(), Some("x"));
        assert_eq!(portable("file_01:x").as_deref(), Some("file_01_x"));
    }

    #[test]
    fn reserved_device_names_get_a_prefix_whatever_the_case_and_extension() {
        for (name, want) in [
            ("CON", "_CON"),
            ("con", "_con"),
            ("NUL.txt", "_NUL.txt"),
            ("aux.tar.gz", "_aux.tar.gz"),
            ("Com1", "_Com1"),
            ("LPT9.log", "_LPT9.log"),
            ("COM¹", "_COM¹"),
            ("nul .txt", "_nul .txt"),
            ("CONIN$", "_CONIN$"),
        ] {
            assert_eq!(portable(name).as_deref(), Some(want), "{name}");
        }
        for fine in [
            "CONSOLE",
            "COM10",
            "LPT",
            "nullable.txt",
            "icon.png",
            "xCON",
        ] {
            assert_eq!(portable(fine).as_deref(), Some(fine), "{fine}");
        }
    }

    #[test]
    fn trailing_dots_and_spaces_and_leading_spaces_are_trimmed() {
        assert_eq!(portable("report.pdf. ").as_deref(), Some("report.pdf"));
        assert_eq!(portable("  name ").as_deref(), Some("name"));
        assert_eq!(portable(".hidden").as_deref(), Some(".hidden"));
        // Trimming happens after dropping controls: no control can protect a dot.
        assert_eq!(portable("x.\u{7}").as_deref(), Some("x"));
    }

    /// Found by the `content_disposition_download` fuzz target: a control
    /// character in front of an ideographic space left the space leading.
    #[test]
    fn surrounding_unicode_white_space_is_trimmed_too() {
        assert_eq!(
            portable("\u{0}\u{3000}\u{FFFD}").as_deref(),
            Some("\u{FFFD}")
        );
        assert_eq!(
            portable("\u{A0}a b.txt\u{3000}\u{2029}").as_deref(),
            Some("a b.txt")
        );
        assert_eq!(portable("\u{3000}.\u{A0}"), None);
    }

    #[test]
    fn controls_and_bidi_characters_are_dropped() {
        assert_eq!(
            portable("\u{1b}[31mgift\u{202E}txt.exe").as_deref(),
            Some("[31mgifttxt.exe")
        );
        assert_eq!(portable("\u{2066}\u{2069}\u{9b}\u{7f}"), None);
        assert_eq!(
            portable("a\u{200F}b é 文").as_deref(),
            Some("a\u{200F}b é 文")
        );
        // macOS: a `:` shows as `/` in Finder; it is replaced.
        assert_eq!(portable("a:b").as_deref(), Some("a_b"));
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(300));
        let cut = portable(&long).unwrap();
        assert!(cut.len() <= MAX_FILE_NAME_BYTES, "{}", cut.len());
        assert!(cut.ends_with("é.pdf"), "{cut}");
        let no_ext = "x".repeat(1000);
        assert_eq!(portable(&no_ext).unwrap().len(), MAX_FILE_NAME_BYTES);
    }
}
