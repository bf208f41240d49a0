//! Many files at once, as iterators: each item's result as it completes, with
//! its input index (see [`files_client::BulkStream`] for the guarantees).

use files_client::{
    BulkItem, BulkProgress, BulkStream, DeletedFile, FileMetadata, FileUpload, SavedFile,
};
use futures_util::StreamExt;

use crate::{Client, Files};

/// The results of a bulk operation, in completion order; nothing starts until
/// the first call to `next`. Dropping it cancels what is in flight.
#[must_use = "iterators do nothing unless advanced"]
#[derive(Debug)]
pub struct BulkIter<T> {
    client: Client,
    stream: Option<BulkStream<T>>,
}

impl<T: Send + 'static> BulkIter<T> {
    fn new(client: Client, stream: BulkStream<T>) -> Self {
        Self {
            client,
            stream: Some(stream),
        }
    }

    fn map_stream(mut self, f: impl FnOnce(BulkStream<T>) -> BulkStream<T>) -> Self {
        self.stream = self.stream.take().map(f);
        self
    }

    /// At most `n` items in flight (default 4).
    pub fn concurrency(self, n: usize) -> Self {
        self.map_stream(|stream| stream.concurrency(n))
    }

    /// Calls `observer` after each change of the bulk run.
    pub fn on_progress(self, observer: impl Fn(BulkProgress) + Send + Sync + 'static) -> Self {
        self.map_stream(|stream| stream.on_progress(observer))
    }

    /// Whether an item that failed transiently is tried once more at the end
    /// (default `true`; see [`files_client::BulkStream::requeue`]).
    pub fn requeue(self, yes: bool) -> Self {
        self.map_stream(|stream| stream.requeue(yes))
    }

    /// The bulk run's total size, when known ahead.
    pub fn expected_bytes(self, total: u64) -> Self {
        self.map_stream(|stream| stream.expected_bytes(total))
    }
}

impl<T: Send + 'static> Iterator for BulkIter<T> {
    type Item = BulkItem<T>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = self.stream.as_mut()?;
        match self.client.wait(stream.next()) {
            Ok(Some(item)) => Some(item),
            Ok(None) | Err(_) => {
                self.stream = None;
                None
            }
        }
    }
}

impl Files {
    /// Uploads many files, at most 4 at a time by default (see
    /// [`files_client::Files::upload_many`]).
    pub fn upload_many<I>(&self, uploads: I) -> BulkIter<FileMetadata>
    where
        I: IntoIterator<Item = FileUpload>,
        I::IntoIter: Send + 'static,
    {
        BulkIter::new(self.client().clone(), self.inner().upload_many(uploads))
    }

    /// Deletes many files (see [`files_client::Files::delete_many`]).
    pub fn delete_many<I>(&self, file_ids: I) -> BulkIter<DeletedFile>
    where
        I: IntoIterator,
        I::Item: Into<String>,
        I::IntoIter: Send + 'static,
    {
        BulkIter::new(self.client().clone(), self.inner().delete_many(file_ids))
    }

    /// Downloads many files into `dir`, never over an existing file (see
    /// [`files_client::Files::download_many`]).
    pub fn download_many<I>(
        &self,
        file_ids: I,
        dir: impl AsRef<std::path::Path>,
    ) -> BulkIter<SavedFile>
    where
        I: IntoIterator,
        I::Item: Into<String>,
        I::IntoIter: Send + 'static,
    {
        BulkIter::new(
            self.client().clone(),
            self.inner().download_many(file_ids, dir),
        )
    }
}
