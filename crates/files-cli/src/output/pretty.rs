//! The human-friendly `pretty` format: `key: value` lines for one object, a
//! table for a listing. Every string is escaped for the terminal (control
//! characters and bidi overrides become `\u{..}`).

use crate::output::document::{self, Document, Object};
use crate::output::escape::for_terminal;

/// The columns of a listing of files: header and field.
const FILE_COLUMNS: [(&str, &str); 5] = [
    ("ID", "id"),
    ("FILENAME", "filename"),
    ("SIZE", "size_bytes"),
    ("MIME TYPE", "mime_type"),
    ("CREATED AT", "created_at"),
];

/// One value as text, ending with a newline: an object as aligned `key: value`
/// lines (nested keys joined with `.`), a string bare, anything else as compact
/// JSON; an array one element per line.
pub fn value(value: &Document) -> String {
    match value {
        Document::Mapping(map) => {
            let mut pairs = Vec::new();
            flatten("", map, &mut pairs);
            let width = pairs.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0);
            pairs
                .iter()
                .map(|(key, text)| format!("{:<width$} {text}\n", format!("{key}:")))
                .collect()
        }
        Document::Sequence(items) => items.iter().map(self::value).collect(),
        scalar => format!("{}\n", scalar_text(scalar)),
    }
}

/// A listing as text: a table of id, filename, size, MIME type and creation time
/// when every item is a file; a table of every key when every item is an object;
/// otherwise one item per line. `No files.` when empty.
pub fn list(items: &[Document]) -> String {
    if items.is_empty() {
        return "No files.\n".to_owned();
    }
    let layout = Layout::plan(items);
    let mut out = layout.header();
    for item in items {
        out.push_str(&layout.render(item));
    }
    out
}

/// How a listing is laid out, planned from its first items (all of them for
/// [`list`]; the first batch when streaming, whose widths the later rows then
/// keep, a longer cell only pushing its own row wider).
#[derive(Debug)]
pub enum Layout {
    /// One item after the other, as [`value`] writes each.
    Lines,
    /// A table: headers, the keys of the cells, and column widths.
    Table {
        /// The header of each column.
        headers: Vec<String>,
        /// The key each column shows.
        keys: Vec<String>,
        /// The width of each column, in characters.
        widths: Vec<usize>,
    },
}

impl Layout {
    /// The layout of `items`: a table of files, a table of every key when
    /// every item is an object, else lines.
    pub fn plan(items: &[Document]) -> Self {
        let objects: Option<Vec<&Object>> = items.iter().map(Document::as_mapping).collect();
        let Some(objects) = objects.filter(|o| !o.is_empty()) else {
            return Self::Lines;
        };
        let is_file = |o: &&Object| o.contains_key("id") && o.contains_key("filename");
        let (headers, keys): (Vec<String>, Vec<String>) = if objects.iter().all(is_file) {
            FILE_COLUMNS
                .iter()
                .map(|(header, key)| ((*header).to_owned(), (*key).to_owned()))
                .unzip()
        } else {
            let mut keys: Vec<String> = Vec::new();
            for object in &objects {
                for key in object.keys() {
                    let key = key_text(key);
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
            keys.into_iter()
                .map(|key| (key.to_uppercase(), key))
                .unzip()
        };
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        for object in &objects {
            for (width, cell) in widths.iter_mut().zip(cells(&keys, object)) {
                *width = (*width).max(cell.chars().count());
            }
        }
        Self::Table {
            headers,
            keys,
            widths,
        }
    }

    /// The header line (empty for lines).
    pub fn header(&self) -> String {
        match self {
            Self::Lines => String::new(),
            Self::Table {
                headers, widths, ..
            } => line(headers, widths),
        }
    }

    /// One item: its row of the table (an item that is not an object, as
    /// [`value`] writes it).
    pub fn render(&self, item: &Document) -> String {
        match (self, item.as_mapping()) {
            (Self::Table { keys, widths, .. }, Some(object)) => line(&cells(keys, object), widths),
            _ => value(item),
        }
    }
}

/// The cells of `object` under `keys`.
fn cells(keys: &[String], object: &Object) -> Vec<String> {
    keys.iter()
        .map(|key| {
            object
                .get(key.as_str())
                .map(scalar_text)
                .unwrap_or_default()
        })
        .collect()
}

/// Left-aligned cells separated by two spaces; no trailing spaces.
fn line(cells: &[String], widths: &[usize]) -> String {
    let mut text = String::new();
    for (cell, width) in cells.iter().zip(widths) {
        text.push_str(&format!("{cell:<width$}  "));
    }
    format!("{}\n", text.trim_end())
}

/// Object entries as `(dotted key, text)` pairs, nested objects flattened.
fn flatten(prefix: &str, map: &Object, pairs: &mut Vec<(String, String)>) {
    for (key, value) in map {
        let key = key_text(key);
        let key = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Document::Mapping(inner) if !inner.is_empty() => flatten(&key, inner, pairs),
            other => pairs.push((key, scalar_text(other))),
        }
    }
}

/// A key as text (keys from JSON are always strings), escaped.
fn key_text(key: &Document) -> String {
    scalar_text(key)
}

/// A string bare; anything else as compact JSON; escaped for the terminal.
fn scalar_text(value: &Document) -> String {
    match value {
        Document::String(text) => for_terminal(text).into_owned(),
        other => for_terminal(&document::to_json_text(other)).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::document::from_json_text;

    fn docs(items: &[&str]) -> Vec<Document> {
        items.iter().map(|i| from_json_text(i).unwrap()).collect()
    }

    #[test]
    fn an_object_is_aligned_key_value_lines() {
        let text =
            value(&docs(&[r#"{"id":"file_1","scope":{"id":"s","type":"session"},"ok":true}"#])[0]);
        assert_eq!(
            text,
            "id:         file_1\nscope.id:   s\nscope.type: session\nok:         true\n"
        );
    }

    #[test]
    fn files_are_a_table() {
        let items = docs(&[
            r#"{"id":"file_1","filename":"a.txt","size_bytes":3,"mime_type":"text/plain","created_at":"2026-01-01T00:00:00Z","downloadable":false}"#,
            r#"{"id":"file_22","filename":"bb.pdf","size_bytes":1000,"mime_type":"application/pdf","created_at":"2026-01-02T00:00:00Z"}"#,
        ]);
        assert_eq!(
            list(&items),
            "ID       FILENAME  SIZE  MIME TYPE        CREATED AT\n\
             file_1   a.txt     3     text/plain       2026-01-01T00:00:00Z\n\
             file_22  bb.pdf    1000  application/pdf  2026-01-02T00:00:00Z\n"
        );
    }

    #[test]
    fn other_objects_get_their_own_columns_and_scalars_lines() {
        let items = docs(&[r#"{"id":"a","n":1}"#, r#"{"id":"b","m":null}"#]);
        assert_eq!(list(&items), "ID  N  M\na   1\nb      null\n");
        assert_eq!(list(&docs(&[r#""a""#, "2"])), "a\n2\n");
        assert_eq!(list(&[]), "No files.\n");
    }

    #[test]
    fn server_strings_cannot_reach_the_terminal_raw() {
        let items = docs(&[
            r#"{"id":"file_1","filename":"\u001b[2J\u001b]0;owned\u0007x\n.txt","size_bytes":1,"mime_type":"text/plain","created_at":"t"}"#,
        ]);
        let table = list(&items);
        let clean = |line: &str| !line.chars().any(crate::output::escape::is_unsafe);
        assert!(table.lines().all(clean), "{table:?}");
        assert!(
            table.contains("\\u{1b}[2J\\u{1b}]0;owned\\u{7}x\\u{a}.txt"),
            "{table}"
        );
        let lines = value(&docs(&[r#"{"k\u009b":["\u202e"]}"#])[0]);
        assert_eq!(lines, "k\\u{9b}: [\"\\u{202e}\"]\n");
    }
}
