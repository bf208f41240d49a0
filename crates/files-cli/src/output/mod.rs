//! [`Output`]: command results on stdout, transformed and formatted, buffered.

pub mod document;
pub mod error_json;
pub mod escape;
pub mod format;
pub mod json;
pub mod list_writer;
pub mod number;
pub mod pretty;
pub mod transform;
pub mod yaml;

use std::io::{BufWriter, IsTerminal, Stdout, Write};

use crate::failure::Failure;

use self::document::Document;
use self::format::{Format, FormatChoice, Strings};
use self::list_writer::ListWriter;

/// Where a command's results go: stdout, through `--transform`, in `--format`,
/// with `-r`. Writes are buffered; call [`Output::finish`] at the end.
pub struct Output {
    out: BufWriter<Stdout>,
    format: Format,
    transform: Option<String>,
    strings: Strings,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("format", &self.format)
            .field("transform", &self.transform)
            .field("strings", &self.strings)
            .finish_non_exhaustive()
    }
}

impl Output {
    /// Results on stdout; `auto` resolved by whether stdout is a terminal.
    pub fn stdout(format: FormatChoice, transform: Option<String>, raw_output: bool) -> Self {
        let stdout = std::io::stdout();
        let terminal = stdout.is_terminal();
        Self {
            format: format.resolve(terminal),
            out: BufWriter::new(stdout),
            transform,
            strings: Strings {
                raw: raw_output,
                terminal,
            },
        }
    }

    /// Writes one result.
    ///
    /// # Errors
    /// stdout cannot be written.
    pub fn value(&mut self, value: &Document) -> Result<(), Failure> {
        let value = self.transformed(value);
        self.format
            .write_value(&mut self.out, &value, self.strings)
            .map_err(stdout_failure)
    }

    /// A result transformed by `--transform`, or as it is.
    pub fn transformed(&self, value: &Document) -> Document {
        match &self.transform {
            Some(path) => transform::apply(value, path),
            None => value.clone(),
        }
    }

    /// Writes one item of a listing right away (JSONL streaming, or `-r`), and
    /// flushes it.
    ///
    /// # Errors
    /// stdout cannot be written.
    pub fn list_item_now(&mut self, item: &Document) -> Result<(), Failure> {
        let item = self.transformed(item);
        let format = if self.strings.raw {
            Format::Raw
        } else {
            Format::Jsonl
        };
        format
            .write_value(&mut self.out, &item, self.strings)
            .map_err(stdout_failure)?;
        self.out.flush().map_err(stdout_failure)
    }

    /// Whether listing items are written as they arrive rather than collected.
    pub fn streams_list_items(&self) -> bool {
        self.format == Format::Jsonl || self.strings.raw
    }

    /// A writer of a listing in this output's format, item by item (see
    /// [`Output::list_item`]).
    pub fn start_list(&self) -> ListWriter {
        ListWriter::new(self.format, self.strings)
    }

    /// Writes one item of a listing started with [`Output::start_list`],
    /// transformed; flushed at once in JSONL and with `-r`.
    ///
    /// # Errors
    /// stdout cannot be written.
    pub fn list_item(&mut self, list: &mut ListWriter, item: &Document) -> Result<(), Failure> {
        let item = self.transformed(item);
        list.item(&mut self.out, &item).map_err(stdout_failure)?;
        if list.flushes_each_item() {
            self.out.flush().map_err(stdout_failure)?;
        }
        Ok(())
    }

    /// Ends a listing started with [`Output::start_list`].
    ///
    /// # Errors
    /// stdout cannot be written.
    pub fn end_list(&mut self, list: ListWriter) -> Result<(), Failure> {
        list.finish(&mut self.out).map_err(stdout_failure)
    }

    /// Writes a whole listing (items already transformed).
    ///
    /// # Errors
    /// stdout cannot be written.
    pub fn list(&mut self, items: &[Document]) -> Result<(), Failure> {
        self.format
            .write_list(&mut self.out, items, self.strings)
            .map_err(stdout_failure)
    }

    /// Flushes stdout.
    ///
    /// # Errors
    /// stdout cannot be written.
    pub fn finish(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(stdout_failure)
    }
}

/// A failure to write stdout.
pub fn stdout_failure(source: std::io::Error) -> Failure {
    Failure::io("cannot write to", "stdout", source)
}
