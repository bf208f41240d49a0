//! YAML text of a [`Document`] with bidi embeddings, overrides and isolates
//! written as escapes (`"\u202E"`), so YAML output never reorders a terminal
//! line, while every value stays exactly what the server sent.
//!
//! The YAML emitter escapes C0 and C1 controls itself but writes bidi
//! characters raw, in whatever scalar style it picked; an escape is only
//! valid in a double-quoted scalar. So each bidi character is first followed
//! by U+FEFF, which the emitter always escapes (forcing double quotes), and
//! the pair in the emitted text is then replaced by the bidi character's own
//! escape. A U+FEFF of the original value follows as its own escape, so the
//! value read back is unchanged.
//!
//! An exact number ([`number`]) is written as its JSON text, a plain scalar
//! (YAML 1.2 reads it as an integer or a float of any size): the emitter only
//! writes 64-bit numbers, so each is emitted as a placeholder integer that
//! occurs nowhere else in the text, and the placeholder is replaced.

use std::io;

use crate::output::document::Document;
use crate::output::escape::is_unsafe;
use crate::output::number;

const MARK: char = '\u{FEFF}';
const MARK_ESCAPE: &str = "\\uFEFF";

/// The first placeholder tried: 19 digits, so no two placeholders of one text
/// contain each other.
const PLACEHOLDER_BASE: u64 = 9_000_000_000_000_000_000;

/// YAML text of `value`, bidi characters escaped, exact numbers as their text.
///
/// # Errors
/// The value cannot be written as YAML (never for a document).
pub fn to_text(value: &Document) -> io::Result<String> {
    let mut texts = Vec::new();
    exact_numbers(value, &mut texts);
    if texts.is_empty() {
        return escaped(value);
    }
    // Placeholders that occur nowhere in the text without them; some window of
    // `texts.len()` placeholders is free, as each position of the text rules
    // out at most one.
    let without = escaped(&placed(value, &mut std::iter::repeat(Document::Null)))?;
    let count = texts.len() as u64;
    let free = (0..=without.len() as u64)
        .map(|window| PLACEHOLDER_BASE + window * count)
        .find(|&first| (first..first + count).all(|p| !without.contains(&p.to_string())))
        .ok_or_else(|| io::Error::other("no free number placeholder"))?;
    let mut placeholders = (free..).map(|p| Document::Number(p.into()));
    let mut text = escaped(&placed(value, &mut placeholders))?;
    for (placeholder, number) in (free..).zip(texts) {
        text = text.replacen(&placeholder.to_string(), number, 1);
    }
    Ok(text)
}

/// The texts of the exact numbers of `value`, in document order.
fn exact_numbers<'a>(value: &'a Document, texts: &mut Vec<&'a str>) {
    if let Some(text) = number::exact_text(value) {
        texts.push(text);
        return;
    }
    match value {
        Document::Sequence(items) => items.iter().for_each(|item| exact_numbers(item, texts)),
        Document::Mapping(map) => map.values().for_each(|item| exact_numbers(item, texts)),
        _ => {}
    }
}

/// `value` with its exact numbers replaced, in document order, by `with`.
fn placed(value: &Document, with: &mut impl Iterator<Item = Document>) -> Document {
    if number::exact_text(value).is_some() {
        return with.next().unwrap_or(Document::Null);
    }
    match value {
        Document::Sequence(items) => {
            Document::Sequence(items.iter().map(|item| placed(item, with)).collect())
        }
        Document::Mapping(map) => Document::Mapping(
            map.iter()
                .map(|(k, v)| (k.clone(), placed(v, with)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// YAML text of `value`, bidi characters escaped.
fn escaped(value: &Document) -> io::Result<String> {
    if !has_bidi(value) {
        return serde_norway::to_string(value).map_err(io::Error::other);
    }
    let text = serde_norway::to_string(&marked(value)).map_err(io::Error::other)?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_bidi(c)) {
        out.push_str(&rest[..at]);
        out.push_str(&format!("\\u{:04X}", u32::from(c)));
        rest = &rest[at + c.len_utf8()..];
        rest = rest.strip_prefix(MARK_ESCAPE).unwrap_or(rest);
    }
    out.push_str(rest);
    Ok(out)
}

fn is_bidi(c: char) -> bool {
    is_unsafe(c) && !c.is_control()
}

fn has_bidi(value: &Document) -> bool {
    match value {
        Document::String(text) => text.chars().any(is_bidi),
        Document::Sequence(items) => items.iter().any(has_bidi),
        Document::Mapping(map) => map.iter().any(|(k, v)| has_bidi(k) || has_bidi(v)),
        Document::Tagged(tagged) => has_bidi(&tagged.value),
        _ => false,
    }
}

/// `value` with U+FEFF after every bidi character of its strings.
fn marked(value: &Document) -> Document {
    match value {
        Document::String(text) => Document::String(
            text.chars()
                .flat_map(|c| [Some(c), is_bidi(c).then_some(MARK)])
                .flatten()
                .collect(),
        ),
        Document::Sequence(items) => Document::Sequence(items.iter().map(marked).collect()),
        Document::Mapping(map) => {
            Document::Mapping(map.iter().map(|(k, v)| (marked(k), marked(v))).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let mut map = serde_norway::Mapping::new();
        map.insert(
            Document::String(text.to_owned()),
            Document::String(text.to_owned()),
        );
        let value = Document::Sequence(vec![
            Document::String(text.to_owned()),
            Document::Mapping(map),
        ]);
        let yaml = to_text(&value).unwrap();
        assert!(!yaml.chars().any(|c| is_unsafe(c) && c != '\n'), "{yaml:?}");
        let back: Document = serde_norway::from_str(&yaml).unwrap();
        assert_eq!(back, value, "{yaml}");
    }

    #[test]
    fn bidi_characters_are_escaped_and_values_read_back_exactly() {
        for text in [
            "gift\u{202E}txt.exe",
            "\u{202E}",
            "a\u{202E}\u{FEFF}b",
            "\u{FEFF}\u{2066}x\u{2069}",
            "multi\nline\u{202D}\n",
            "\u{1b}[2J\u{9b}31m\u{202A}'quoted' \"too\"",
            "plain é 文",
        ] {
            round_trip(text);
        }
        let yaml = to_text(&Document::String("gift\u{202E}txt.exe".into())).unwrap();
        assert_eq!(yaml, "\"gift\\u202Etxt.exe\"\n");
        // C0 controls are the emitter's own escapes (docs/CLI.md quotes `"\e"`).
        let yaml = to_text(&Document::String("\u{1b}[2J".into())).unwrap();
        assert_eq!(yaml, "\"\\e[2J\"\n");
    }

    #[test]
    fn exact_numbers_are_plain_scalars_with_their_text() {
        let big = "12200000000000000366680183";
        let text = format!(
            r#"{{"a":{big},"b":["{big}",1e400,9000000000000000000,"9000000000000000001"],"c":{{"d":-0}},"e":"\u202e"}}"#
        );
        let document = crate::output::document::from_json_text(&text).unwrap();
        let yaml = to_text(&document).unwrap();
        assert_eq!(
            yaml,
            format!(
                "a: {big}\nb:\n- '{big}'\n- 1e400\n- 9000000000000000000\n- '9000000000000000001'\nc:\n  d: -0\ne: \"\\u202E\"\n"
            )
        );
    }
}
