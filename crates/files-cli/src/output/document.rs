//! [`Document`]: a JSON value whose object keys keep their order, so output
//! follows the API's field order (`id`, `type`, `filename`, ...).
//!
//! serde_json's own `Map` sorts keys unless its `preserve_order` feature is on,
//! and that feature would be unified into every crate of the workspace; the
//! YAML crate's value keeps insertion order. A number that is not an `i64`,
//! `u64` or `f64` that writes back as its own text is kept as that text
//! ([`number`]), so JSON output keeps every number exactly.

use serde::Serialize;

use crate::failure::Failure;
use crate::output::{json, number};

/// A JSON value with ordered object keys.
pub type Document = serde_norway::Value;

/// An object with ordered keys.
pub type Object = serde_norway::Mapping;

/// A model (or any serializable value) as a document, fields in declaration order.
///
/// # Errors
/// The value cannot be represented (never for the API's models).
pub fn from_model(model: &impl Serialize) -> Result<Document, Unrepresentable> {
    serde_norway::to_value(model).map_err(Unrepresentable)
}

/// A value [`from_model`] could not represent as a document.
#[derive(Debug)]
pub struct Unrepresentable(serde_norway::Error);

impl std::fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot represent the answer as JSON: {}", self.0)
    }
}

impl From<Unrepresentable> for Failure {
    fn from(err: Unrepresentable) -> Self {
        Self::Usage(err.to_string())
    }
}

impl std::error::Error for Unrepresentable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Parses JSON text, keeping key order and every number exactly; `None` if
/// it is not JSON.
pub fn from_json_text(text: &str) -> Option<Document> {
    number::parse(text)
}

/// The document as compact JSON text.
pub fn to_json_text(document: &Document) -> String {
    json::to_text(document, false)
}

/// The document as pretty JSON text (2-space indent).
pub fn to_pretty_json_text(document: &Document) -> String {
    json::to_text(document, true)
}

/// A string document.
pub fn string(text: impl Into<String>) -> Document {
    Document::String(text.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_survives_a_round_trip() {
        let text = r#"{"id":"file_1","type":"file","created_at":"x","size_bytes":3,"nested":{"z":null,"a":[1.5,true]}}"#;
        let document = from_json_text(text).unwrap();
        assert_eq!(to_json_text(&document), text);
    }

    #[test]
    fn models_keep_their_field_order() {
        #[derive(Serialize)]
        struct Model {
            id: &'static str,
            b: u64,
            a: Option<bool>,
        }
        let document = from_model(&Model {
            id: "x",
            b: u64::MAX,
            a: None,
        })
        .unwrap();
        assert_eq!(
            to_json_text(&document),
            format!(r#"{{"id":"x","b":{},"a":null}}"#, u64::MAX)
        );
    }
}
