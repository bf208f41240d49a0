//! [`BulkResults`]: the results of a bulk run, one per item, through the
//! `--format` machinery (JSONL and `-r` stream each as it completes; the other
//! formats print the whole list at the end), and its failures listed on stderr.

use crate::failure::Failure;
use crate::output::Output;
use crate::output::document::{self, Document, Object};
use crate::output::{error_json, escape};
use crate::ui::PROGRAM;

/// The results of one bulk run.
pub struct BulkResults<'a> {
    output: &'a mut Output,
    streaming: bool,
    collected: Vec<Document>,
    /// Each failure: what failed (a path or an id) and why.
    failures: Vec<(String, Failure)>,
    total: usize,
}

impl<'a> BulkResults<'a> {
    /// Results written to `output`.
    pub fn new(output: &'a mut Output) -> Self {
        let streaming = output.streams_list_items();
        Self {
            output,
            streaming,
            collected: Vec::new(),
            failures: Vec::new(),
            total: 0,
        }
    }

    /// Records a result that is not a failure.
    ///
    /// # Errors
    /// stdout cannot be written.
    pub fn ok(&mut self, value: Document) -> Result<(), Failure> {
        self.total += 1;
        self.write(value)
    }

    /// Records the failure of `what` (a path or an id): the result is `fields`
    /// plus `error`.
    ///
    /// # Errors
    /// stdout cannot be written.
    pub fn failed(
        &mut self,
        what: impl Into<String>,
        mut fields: Object,
        failure: Failure,
    ) -> Result<(), Failure> {
        self.total += 1;
        fields.insert(document::string("error"), error_json::item(&failure));
        self.failures.push((what.into(), failure));
        self.write(Document::Mapping(fields))
    }

    /// How many results were recorded, and how many of them failed.
    pub fn counts(&self) -> (usize, usize) {
        (self.total, self.failures.len())
    }

    fn write(&mut self, value: Document) -> Result<(), Failure> {
        if self.streaming {
            self.output.list_item_now(&value)
        } else {
            self.collected.push(self.output.transformed(&value));
            Ok(())
        }
    }

    /// Writes the collected results, lists the failures on stderr, and fails
    /// when any item failed (`noun` names the items, e.g. `files`).
    ///
    /// # Errors
    /// stdout cannot be written, or some items failed.
    pub fn finish(self, noun: &str) -> Result<(), Failure> {
        if !self.streaming {
            self.output.list(&self.collected)?;
        }
        self.output.finish()?;
        if self.failures.is_empty() {
            return Ok(());
        }
        for (what, failure) in &self.failures {
            eprintln!(
                "{PROGRAM}: failed: {}: {}",
                escape::for_terminal(what),
                escape::for_terminal(&failure.summary())
            );
        }
        let failures: Vec<Failure> = self.failures.into_iter().map(|(_, f)| f).collect();
        Err(Failure::bulk(&failures, self.total, noun))
    }
}

/// An object of `(key, string)` fields.
pub fn fields<'k>(pairs: impl IntoIterator<Item = (&'k str, String)>) -> Object {
    let mut object = Object::new();
    for (key, value) in pairs {
        object.insert(document::string(key), document::string(value));
    }
    object
}
