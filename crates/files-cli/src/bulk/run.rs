//! [`BulkRun`]: what the bulk commands (`upload` of several paths, `download
//! --all-downloadable`, `delete` of several ids) share: the progress display,
//! one result per item as the bulk stream yields it, and the summary line at
//! the end (`uploaded 3 of 4 files (55 B) in 34.1ms; 1 failed`).

use std::path::Path;
use std::time::Instant;

use files_client::BulkStream;
use futures_util::StreamExt;

use crate::bulk::display::BulkDisplay;
use crate::bulk::results::{BulkResults, fields};
use crate::failure::Failure;
use crate::output::document::Document;
use crate::ui::Ui;

/// One bulk command's run, from its progress display to its summary.
pub struct BulkRun<'a> {
    results: BulkResults<'a>,
    display: BulkDisplay,
    ui: Ui,
    started: Instant,
    /// Whether the summary counts bytes (`Some` total given to [`BulkRun::new`]).
    counts_bytes: bool,
    /// Bytes moved by the items that succeeded.
    bytes: u64,
}

impl<'a> BulkRun<'a> {
    /// A run of `items` items labelled `label` (e.g. `upload`), `bytes` in all
    /// when known, writing to `results`; its summary counts the time since
    /// `started`.
    pub fn new(
        ui: Ui,
        results: BulkResults<'a>,
        label: &str,
        items: usize,
        bytes: Option<u64>,
        started: Instant,
    ) -> Self {
        Self {
            display: BulkDisplay::for_ui(ui, label, items, bytes),
            results,
            ui,
            started,
            counts_bytes: bytes.is_some(),
            bytes: 0,
        }
    }

    /// The progress display (for the bulk stream's `on_progress`, and the
    /// items' own progress).
    pub fn display(&self) -> &BulkDisplay {
        &self.display
    }

    /// Records every item of `stream` as it completes. `names` are the items'
    /// names by input index (a failure's result is `{key: name, error}`); `ok`
    /// makes the result of a success, given the item's name, and says how many
    /// bytes it moved.
    ///
    /// # Errors
    /// stdout cannot be written, or `ok` failed.
    pub async fn record_all<T: Send + 'static>(
        &mut self,
        mut stream: BulkStream<T>,
        key: &str,
        names: &[String],
        mut ok: impl FnMut(T, String) -> Result<(Document, u64), Failure>,
    ) -> Result<(), Failure> {
        while let Some(item) = stream.next().await {
            self.display.end_item(item.index);
            let name = names.get(item.index).cloned().unwrap_or_default();
            match item.result {
                Ok(value) => {
                    let (result, bytes) = ok(value, name)?;
                    self.bytes += bytes;
                    self.results.ok(result)?;
                }
                Err(err) => self
                    .results
                    .failed(name.clone(), fields([(key, name)]), err.into())?,
            }
        }
        Ok(())
    }

    /// Clears the display, prints the summary (`{done} N of M files (BYTES)
    /// into DIR in TIME; K failed`, the bytes when counted, `into` when given)
    /// and finishes the results.
    ///
    /// # Errors
    /// stdout cannot be written, or some items failed.
    pub fn finish(self, done: &str, into: Option<&Path>) -> Result<(), Failure> {
        self.display.finish();
        let (total, failed) = self.results.counts();
        let mut summary = format!("{done} {} of {total} files", total - failed);
        if self.counts_bytes {
            summary += &format!(" ({})", indicatif::HumanBytes(self.bytes));
        }
        if let Some(dir) = into {
            summary += &format!(" into {}", dir.display());
        }
        summary += &format!(" in {:.1?}", self.started.elapsed());
        if failed > 0 {
            summary += &format!("; {failed} failed");
        }
        self.ui.notice(&summary);
        self.results.finish("files")
    }
}
