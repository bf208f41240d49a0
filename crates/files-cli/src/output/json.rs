//! JSON text of a document (a [`Value`]), compact or pretty: serde_json's own
//! formatters and string escapes, with an exact number ([`number`]) written as
//! its text. Below `document`, which uses it.

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use serde_norway::Value;

use crate::output::number;

/// `value` as JSON text: compact, or pretty (2-space indent) as serde_json
/// writes it.
pub fn to_text(value: &Value, pretty: bool) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every piece written is UTF-8.
    let _ = if pretty {
        write(&mut out, &mut PrettyFormatter::new(), value)
    } else {
        write(&mut out, &mut CompactFormatter, value)
    };
    String::from_utf8(out).unwrap_or_default()
}

fn write(out: &mut Vec<u8>, format: &mut impl Formatter, value: &Value) -> io::Result<()> {
    if let Some(text) = number::exact_text(value) {
        return out.write_all(text.as_bytes());
    }
    match value {
        Value::Null => format.write_null(out),
        Value::Bool(b) => format.write_bool(out, *b),
        // serde_json's number text (a non-finite float is `null`).
        Value::Number(n) => serde_json::to_writer(out, n).map_err(io::Error::other),
        Value::String(text) => serde_json::to_writer(out, text).map_err(io::Error::other),
        Value::Sequence(items) => {
            format.begin_array(out)?;
            for (i, item) in items.iter().enumerate() {
                format.begin_array_value(out, i == 0)?;
                write(out, format, item)?;
                format.end_array_value(out)?;
            }
            format.end_array(out)
        }
        Value::Mapping(map) => {
            let entries = map.iter().map(|(key, value)| (key_text(key), value));
            object(out, format, entries)
        }
        // A tag from a model's enum variant: `{"!Variant": value}`, as
        // serde_norway serializes it.
        Value::Tagged(tagged) => {
            let entry = (tagged.tag.to_string(), &tagged.value);
            object(out, format, std::iter::once(entry))
        }
    }
}

fn object<'a>(
    out: &mut Vec<u8>,
    format: &mut impl Formatter,
    entries: impl Iterator<Item = (String, &'a Value)>,
) -> io::Result<()> {
    format.begin_object(out)?;
    for (i, (key, value)) in entries.enumerate() {
        format.begin_object_key(out, i == 0)?;
        serde_json::to_writer(&mut *out, &key).map_err(io::Error::other)?;
        format.end_object_key(out)?;
        format.begin_object_value(out)?;
        write(out, format, value)?;
        format.end_object_value(out)?;
    }
    format.end_object(out)
}

/// An object key as a string: a string as it is, anything else (never from
/// JSON or the API's models) as its compact JSON text.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        other => to_text(other, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::number;

    #[test]
    fn text_is_what_serde_json_writes_in_both_layouts() {
        // Keys in order: serde_json's own map sorts them.
        let text =
            r#"{"e":{},"id":"f\u0001\"é","n":[1,-2,1.5,null,true,[],{}],"o":{"a":{"b":[{}]}}}"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let document = number::parse(text).unwrap();
        assert_eq!(
            to_text(&document, false),
            serde_json::to_string(&value).unwrap()
        );
        assert_eq!(
            to_text(&document, true),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn exact_numbers_are_written_as_their_text() {
        let text = r#"{"big":12200000000000000366680183,"list":[1e400,-0]}"#;
        let document = number::parse(text).unwrap();
        assert_eq!(to_text(&document, false), text);
        assert_eq!(
            to_text(&document, true),
            "{\n  \"big\": 12200000000000000366680183,\n  \"list\": [\n    1e400,\n    -0\n  ]\n}"
        );
    }
}
