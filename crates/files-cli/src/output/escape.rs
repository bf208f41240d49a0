//! Server-provided text made safe for a terminal: control characters and bidi
//! overrides become visible escapes, so an answer can never move the cursor,
//! recolour the screen, retitle the window or reorder what a line appears to say.
//!
//! Human output (the `pretty` format, summaries, notices, saved-file names) is
//! escaped with [`for_terminal`]. JSON output keeps exact values: [`json_text`]
//! only writes the same characters as JSON `\u` escapes.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 controls (tab and newline
/// included), DEL, C1 controls, and the bidi embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069).
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as a Rust-style escape
/// (`\u{1b}`); borrowed when there is none.
pub(crate) fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text as serde_json wrote it (which escapes C0 controls already), with DEL,
/// C1 controls and bidi overrides written as `\uXXXX` escapes too: the decoded
/// values are exactly the same, and the text is safe on a terminal. These
/// characters only ever occur inside JSON strings, where the escape is valid.
pub(crate) fn json_text(json: &str) -> Cow<'_, str> {
    // C0 controls are left alone: serde_json escaped those in strings, and the
    // rest are the layout's own newlines and spaces.
    let unsafe_in_json = |c: char| c >= '\u{7f}' && is_unsafe(c);
    if !json.chars().any(unsafe_in_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_in_json(c) {
            // All of them are in the basic multilingual plane: one \u escape each.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_become_visible_escapes() {
        assert_eq!(for_terminal("plain é 文"), "plain é 文");
        assert!(matches!(for_terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(
            for_terminal("\u{1b}[31mred\u{7}\n\t\u{7f}\u{9b}x"),
            "\\u{1b}[31mred\\u{7}\\u{a}\\u{9}\\u{7f}\\u{9b}x"
        );
        assert_eq!(
            for_terminal("invoice\u{202E}fdp.exe\u{2066}\u{2069}"),
            "invoice\\u{202e}fdp.exe\\u{2066}\\u{2069}"
        );
        // Marks that only hint direction are harmless and kept.
        assert_eq!(for_terminal("a\u{200F}b"), "a\u{200F}b");
    }

    #[test]
    fn json_keeps_exact_values() {
        let value = serde_json::json!({"k\u{7f}": "\u{1b}\u{9b}\u{202E}x\u{2069}"});
        let text = serde_json::to_string(&value).unwrap();
        let escaped = json_text(&text);
        assert_eq!(
            escaped, r#"{"k\u007f":"\u001b\u009b\u202ex\u2069"}"#,
            "no raw control or override left"
        );
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(
            json_text(&pretty).lines().count(),
            3,
            "the layout's newlines stay"
        );
    }
}
