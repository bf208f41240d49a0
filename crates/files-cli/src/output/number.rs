//! Numbers of JSON text kept exactly as they were written.
//!
//! A document's number (a [`Value`], the type of `document::Document`) is an
//! `i64`, a `u64` or an `f64`, and serde_json reads any other integer
//! (`12200000000000000366680183`) as the nearest `f64`. So [`parse`] reads each
//! number's own text and keeps it as an exact number (a [`Value`] tagged
//! [`TAG`] around the text) unless the usual number writes back as exactly
//! that text. The JSON and YAML writers (`json`, `yaml`) write an exact number
//! as its text. Below `document`, which uses it.

use serde_norway::Value;
use serde_norway::value::{Tag, TaggedValue};

/// The tag of an exact number. It has a space, so no model's enum variant
/// (the only other source of tags) can be named so.
const TAG: &str = "json number";

/// An exact number of JSON text `text` (a JSON number; the caller checked).
pub fn exact(text: &str) -> Value {
    Value::Tagged(Box::new(TaggedValue {
        tag: Tag::new(TAG),
        value: Value::String(text.to_owned()),
    }))
}

/// The JSON text of `value` if it is an exact number.
pub fn exact_text(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == TAG => tagged.value.as_str(),
        _ => None,
    }
}

/// Parses JSON text, keeping key order and every number exactly; `None` if it
/// is not JSON (RFC 8259; a number of any size or precision is JSON).
pub fn parse(text: &str) -> Option<Value> {
    // serde_json reads the structure and the strings, with every number
    // replaced by `0`; each number then comes from its own text.
    let numbers = tokens(text);
    let mut zeroed = String::with_capacity(text.len());
    let mut at = 0;
    for &(start, end) in &numbers {
        if !is_json_number(&text[start..end]) {
            return None;
        }
        zeroed.push_str(&text[at..start]);
        zeroed.push('0');
        at = end;
    }
    zeroed.push_str(&text[at..]);
    let mut document: Value = serde_json::from_str(&zeroed).ok()?;
    let mut texts = numbers.iter().map(|&(start, end)| &text[start..end]);
    restore(&mut document, &mut texts);
    Some(document)
}

/// The number `text` as a document: a plain number when that writes back as
/// exactly `text`, else an exact number.
fn number(text: &str) -> Value {
    let plain: Option<serde_norway::Number> = if let Ok(n) = text.parse::<u64>() {
        Some(n.into())
    } else if let Ok(n) = text.parse::<i64>() {
        Some(n.into())
    } else {
        text.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Into::into)
    };
    match plain {
        Some(n) if serde_json::to_string(&n).is_ok_and(|written| written == text) => {
            Value::Number(n)
        }
        _ => exact(text),
    }
}

/// Puts the numbers' texts back into `value`, in document order (the order
/// serde_json read them in: keys are strings, so every number is a value).
fn restore<'a>(value: &mut Value, texts: &mut impl Iterator<Item = &'a str>) {
    match value {
        Value::Number(_) => {
            if let Some(text) = texts.next() {
                *value = number(text);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| restore(item, texts)),
        Value::Mapping(map) => map.values_mut().for_each(|item| restore(item, texts)),
        _ => {}
    }
}

/// The byte ranges of the number-like runs of `text` outside strings: a `-` or
/// a digit, and the digits, signs, points and exponent marks after it. In JSON
/// text each is exactly one number.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let number_byte = |b: u8| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E');
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && number_byte(bytes[i]) {
                    i += 1;
                }
                found.push((start, i));
            }
            _ => i += 1,
        }
    }
    found
}

/// Whether `text` is one JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    fn digits(text: &[u8]) -> (usize, &[u8]) {
        let n = text.iter().take_while(|b| b.is_ascii_digit()).count();
        (n, &text[n..])
    }
    let text = text.as_bytes();
    let text = text.strip_prefix(b"-").unwrap_or(text);
    let (n, mut rest) = digits(text);
    if n == 0 || (n > 1 && text[0] == b'0') {
        return false;
    }
    if let Some(fraction) = rest.strip_prefix(b".") {
        let (n, after) = digits(fraction);
        if n == 0 {
            return false;
        }
        rest = after;
    }
    if let Some(exponent) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let exponent = exponent
            .strip_prefix(b"+")
            .or_else(|| exponent.strip_prefix(b"-"))
            .unwrap_or(exponent);
        let (n, after) = digits(exponent);
        if n == 0 {
            return false;
        }
        rest = after;
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_beyond_64_bits_or_an_f64_keep_their_text() {
        // The input the `transform` fuzz target found.
        let big = "12200000000000000366680183";
        assert_eq!(exact_text(&parse(big).unwrap()), Some(big));
        for text in [
            "-9223372036854775809",
            "18446744073709551616",
            "1e400",
            "-0",
            "1E2",
            "0.10000000000000000000001",
            "1.0e-7",
        ] {
            assert_eq!(exact_text(&parse(text).unwrap()), Some(text), "{text}");
        }
        let document =
            parse(r#"{"a":[1,12200000000000000366680183,{"b":1e2}],"c":"1e2"}"#).unwrap();
        assert_eq!(exact_text(&document["a"][1]), Some(big));
        assert_eq!(exact_text(&document["a"][2]["b"]), Some("1e2"));
        assert_eq!(document["c"], Value::String("1e2".to_owned()));
    }

    #[test]
    fn numbers_that_write_back_as_they_were_stay_plain_numbers() {
        for (text, value) in [
            ("0", Value::Number(0_u64.into())),
            ("18446744073709551615", Value::Number(u64::MAX.into())),
            ("-9223372036854775808", Value::Number(i64::MIN.into())),
            ("1.5", Value::Number(1.5_f64.into())),
            ("-0.25", Value::Number((-0.25_f64).into())),
        ] {
            assert_eq!(parse(text), Some(value), "{text}");
        }
    }

    #[test]
    fn text_that_is_not_json_is_refused_numbers_included() {
        for text in [
            "01",
            "1.",
            ".5",
            "-",
            "--1",
            "1e",
            "1e+",
            "+1",
            "1.2.3",
            "[1 2]",
            "[1-2]",
            "0x10",
            "NaN",
            "-Infinity",
            "[1true]",
            "[e1]",
            r#"{"a":1,"a":2}"#,
            "",
            "\"\\\"",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn digits_inside_strings_and_keys_are_not_numbers() {
        let document = parse(r#"{"1e5":"-2 \" 3","k\\":[-1,"\\\"4"]}"#).unwrap();
        assert_eq!(document["1e5"], Value::String("-2 \" 3".to_owned()));
        assert_eq!(document["k\\"][0], Value::Number((-1_i64).into()));
        assert_eq!(document["k\\"][1], Value::String("\\\"4".to_owned()));
    }
}
