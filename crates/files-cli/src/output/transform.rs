//! `--transform` and `--transform-error`: a GJSON path applied to a JSON value.

use crate::output::document::{self, Document};

/// Applies the GJSON `path` to `value` (syntax: <https://github.com/tidwall/gjson/blob/master/SYNTAX.md>):
/// the value at the path, or `null` when nothing is there. Key order is kept,
/// and every number exactly as it was written (an integer beyond 64 bits too).
/// E.g. `scope.id`, `{size_bytes,id}` (a new object, in that order), `#.id`.
pub fn apply(value: &Document, path: &str) -> Document {
    let json = document::to_json_text(value);
    let found = gjson::get(&json, path);
    if !found.exists() {
        return Document::Null;
    }
    // gjson hands back the matched JSON text; a result it built (a multipath or
    // a modifier) is JSON too. Anything unparsable is kept as its text.
    document::from_json_text(found.json()).unwrap_or_else(|| document::string(found.json()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::document::{from_json_text, to_json_text};

    fn transformed(json: &str, path: &str) -> String {
        to_json_text(&apply(&from_json_text(json).unwrap(), path))
    }

    #[test]
    fn paths_reach_into_objects_and_arrays() {
        let error = r#"{"type":"error","error":{"type":"not_found_error","message":"m"},"request_id":"req_1"}"#;
        assert_eq!(transformed(error, "error.type"), r#""not_found_error""#);
        assert_eq!(transformed(error, "request_id"), r#""req_1""#);
        assert_eq!(
            transformed(error, "error"),
            r#"{"type":"not_found_error","message":"m"}"#
        );
        let list = r#"[{"id":"a"},{"id":"b"}]"#;
        assert_eq!(transformed(list, "#.id"), r#"["a","b"]"#);
        assert_eq!(transformed(list, "#"), "2");
    }

    #[test]
    fn multipaths_keep_their_order_and_missing_paths_are_null() {
        let file = r#"{"id":"file_1","scope":{"id":"sess_1"},"size_bytes":3}"#;
        assert_eq!(transformed(file, "scope.id"), r#""sess_1""#);
        assert_eq!(
            transformed(file, "{size_bytes,id}"),
            r#"{"size_bytes":3,"id":"file_1"}"#
        );
        assert_eq!(transformed(file, "nothing.here"), "null");
    }

    #[test]
    fn integers_beyond_64_bits_come_out_exactly() {
        // The `transform` fuzz target's finding: `@this` over this document
        // gave `1.2199999999999998e25`.
        let big = "12200000000000000366680183";
        assert_eq!(transformed(big, "@this"), big);
        let file = format!(
            r#"{{"id":"file_1","size_bytes":{big},"n":[-{big},1e400,0.1000000000000000000001]}}"#
        );
        assert_eq!(transformed(&file, "@this"), file);
        assert_eq!(transformed(&file, "size_bytes"), big);
        assert_eq!(
            transformed(&file, "{n,size_bytes}"),
            format!(r#"{{"n":[-{big},1e400,0.1000000000000000000001],"size_bytes":{big}}}"#)
        );
        assert_eq!(transformed(&file, "n.0"), format!("-{big}"));
    }
}
