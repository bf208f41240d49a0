//! [`ListWriter`]: a listing written item by item in every format, so memory
//! stays flat however many files the server lists (a listing that never
//! ends included). The text is the same as writing the whole list at once:
//! JSON and YAML arrays are opened, continued and closed around each item;
//! the `pretty` table takes its columns and widths from its first
//! [`TABLE_BATCH`] rows.
//!
//! A listing that fails midway leaves what was written: JSONL lines, or the
//! beginning of an array that was never closed (so no reader mistakes it for
//! the whole listing).

use std::io::{self, Write};

use crate::output::document::{self, Document};
use crate::output::escape;
use crate::output::format::{Format, Strings};
use crate::output::pretty::Layout;
use crate::output::yaml;

/// Rows of a `pretty` table held back to size its columns.
pub const TABLE_BATCH: usize = 1000;

/// Writes one listing, item by item.
#[derive(Debug)]
pub struct ListWriter {
    format: Format,
    strings: Strings,
    written: usize,
    /// `pretty`: rows held back until the layout is planned, then the layout.
    held: Vec<Document>,
    layout: Option<Layout>,
}

impl ListWriter {
    /// A writer of a listing in `format`.
    pub fn new(format: Format, strings: Strings) -> Self {
        Self {
            format,
            strings,
            written: 0,
            held: Vec::new(),
            layout: None,
        }
    }

    /// Whether each item should be flushed as it is written (JSONL, `-r`),
    /// for a reader following the listing line by line.
    pub fn flushes_each_item(&self) -> bool {
        self.format == Format::Jsonl || self.strings.raw
    }

    /// Writes one item.
    ///
    /// # Errors
    /// Writing to `out` failed.
    pub fn item(&mut self, out: &mut dyn Write, item: &Document) -> io::Result<()> {
        let first = self.written == 0;
        self.written += 1;
        if self.strings.raw {
            return Format::Raw.write_value(out, item, self.strings);
        }
        match self.format {
            Format::Jsonl => self.format.write_value(out, item, self.strings),
            Format::Json => {
                out.write_all(if first { b"[\n" } else { b",\n" })?;
                let text = document::to_pretty_json_text(item);
                let text = escape::json_text(&text);
                indented(out, &text, "  ", "  ")
            }
            Format::Raw => {
                out.write_all(if first { b"[" } else { b"," })?;
                let text = document::to_json_text(item);
                out.write_all(escape::json_text(&text).as_bytes())
            }
            Format::Yaml => {
                let text = yaml::to_text(item)?;
                indented(out, text.trim_end_matches('\n'), "- ", "  ")?;
                out.write_all(b"\n")
            }
            Format::Pretty => match &self.layout {
                Some(layout) => out.write_all(layout.render(item).as_bytes()),
                None => {
                    self.held.push(item.clone());
                    if self.held.len() >= TABLE_BATCH {
                        self.release(out)?;
                    }
                    Ok(())
                }
            },
        }
    }

    /// Ends the listing.
    ///
    /// # Errors
    /// Writing to `out` failed.
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.strings.raw {
            return Ok(());
        }
        let empty = self.written == 0;
        match self.format {
            Format::Jsonl => Ok(()),
            Format::Json => out.write_all(if empty { b"[]\n" } else { b"\n]\n" }),
            Format::Raw => out.write_all(if empty { b"[]\n" } else { b"]\n" }),
            Format::Yaml if empty => out.write_all(b"[]\n"),
            Format::Yaml => Ok(()),
            Format::Pretty if empty => out.write_all(b"No files.\n"),
            Format::Pretty => self.release(out),
        }
    }

    /// `pretty`: plans the layout from the held rows (once) and writes them.
    fn release(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.layout.is_none() {
            let layout = Layout::plan(&self.held);
            out.write_all(layout.header().as_bytes())?;
            self.layout = Some(layout);
        }
        if let Some(layout) = &self.layout {
            for item in self.held.drain(..) {
                out.write_all(layout.render(&item).as_bytes())?;
            }
        }
        Ok(())
    }
}

/// `text` with `first` before its first line and `rest` before the others.
fn indented(out: &mut dyn Write, text: &str, first: &str, rest: &str) -> io::Result<()> {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        let prefix = if i == 0 { first } else { rest };
        if !line.is_empty() || i == 0 {
            out.write_all(prefix.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::document::from_json_text;

    fn streamed(format: Format, items: &[Document], raw: bool) -> String {
        let strings = Strings {
            raw,
            terminal: false,
        };
        let mut out = Vec::new();
        let mut writer = ListWriter::new(format, strings);
        for item in items {
            writer.item(&mut out, item).unwrap();
        }
        writer.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn whole(format: Format, items: &[Document], raw: bool) -> String {
        let strings = Strings {
            raw,
            terminal: false,
        };
        let mut out = Vec::new();
        format.write_list(&mut out, items, strings).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn streaming_writes_what_the_whole_list_would_in_every_format() {
        let items: Vec<Document> = [
            r#"{"id":"file_1","type":"file","filename":"a\u202e.txt","size_bytes":3,"mime_type":"text/plain","created_at":"2026-01-01T00:00:00Z","downloadable":false,"scope":{"type":"session","id":"s"}}"#,
            r#"{"id":"file_22","type":"file","filename":"multi\nline: \"quoted\"","size_bytes":1000,"mime_type":"application/pdf","created_at":"2026-01-02T00:00:00Z","downloadable":true,"tags":[],"empty":{}}"#,
            r#""a bare string""#,
            r#"[1,[2,{"x":null,"n":12200000000000000366680183}]]"#,
        ]
        .iter()
        .map(|text| from_json_text(text).unwrap())
        .collect();
        for format in [
            Format::Json,
            Format::Jsonl,
            Format::Raw,
            Format::Yaml,
            Format::Pretty,
        ] {
            for raw in [false, true] {
                for n in [0, 1, 2, items.len()] {
                    let items = &items[..n];
                    assert_eq!(
                        streamed(format, items, raw),
                        whole(format, items, raw),
                        "{format:?} raw={raw} n={n}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_pretty_table_keeps_the_widths_of_its_first_batch() {
        let row = |id: &str| {
            from_json_text(&format!(
                r#"{{"id":"{id}","filename":"f","size_bytes":1,"mime_type":"m","created_at":"t"}}"#
            ))
            .unwrap()
        };
        let mut items: Vec<Document> = (0..TABLE_BATCH).map(|_| row("file_1")).collect();
        items.push(row("file_much_longer"));
        let text = streamed(Format::Pretty, &items, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), TABLE_BATCH + 2);
        assert_eq!(lines[0], "ID      FILENAME  SIZE  MIME TYPE  CREATED AT");
        assert_eq!(lines[1], "file_1  f         1     m          t");
        assert_eq!(
            lines[TABLE_BATCH + 1],
            "file_much_longer  f         1     m          t"
        );
    }
}
