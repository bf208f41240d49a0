//! [`Files`]: the files resource, call for call like the async one.

use std::io::Read;
use std::path::Path;

use bytes::Bytes;
use files_client::{DeletedFile, Error, FileMetadata, FileUpload, ListParams, RequestOptions};
use futures_util::StreamExt;

use crate::paging::{FilePage, ItemIter, PageIter};
use crate::{Client, Download};

/// The files resource: `client.files()`. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Files {
    client: Client,
    inner: files_client::Files,
}

impl Files {
    pub(crate) fn new(client: Client, inner: files_client::Files) -> Self {
        Self { client, inner }
    }

    /// The same resource with per-request overrides.
    pub fn with_options(self, options: RequestOptions) -> Self {
        Self {
            inner: self.inner.with_options(options),
            client: self.client,
        }
    }

    /// Uploads a file; see [`files_client::Files::upload`].
    ///
    /// # Errors
    /// Invalid input (before sending), a local I/O error, or an API or connection error.
    pub fn upload(&self, upload: FileUpload) -> Result<FileMetadata, Error> {
        let files = self.inner.clone();
        self.client.call(async move { files.upload(upload).await })
    }

    /// A file's metadata.
    ///
    /// # Errors
    /// As [`files_client::Files::retrieve_metadata`].
    pub fn retrieve_metadata(&self, file_id: &str) -> Result<FileMetadata, Error> {
        let (files, id) = (self.inner.clone(), file_id.to_owned());
        self.client
            .call(async move { files.retrieve_metadata(&id).await })
    }

    /// The same as [`Files::retrieve_metadata`].
    ///
    /// # Errors
    /// As [`Files::retrieve_metadata`].
    pub fn retrieve(&self, file_id: &str) -> Result<FileMetadata, Error> {
        self.retrieve_metadata(file_id)
    }

    /// Deletes a file.
    ///
    /// # Errors
    /// As [`files_client::Files::delete`].
    pub fn delete(&self, file_id: &str) -> Result<DeletedFile, Error> {
        let (files, id) = (self.inner.clone(), file_id.to_owned());
        self.client.call(async move { files.delete(&id).await })
    }

    /// One page of files.
    ///
    /// # Errors
    /// As [`files_client::Files::list`].
    pub fn list(&self, params: ListParams) -> Result<FilePage, Error> {
        let files = self.inner.clone();
        let page = self.client.call(async move { files.list(params).await })?;
        Ok(FilePage::new(self.client.clone(), page))
    }

    /// Every page from `params` on, fetched as the iterator advances.
    pub fn list_pages(&self, params: ListParams) -> PageIter {
        PageIter::new(self.client.clone(), self.inner.list_pages(params))
    }

    /// Every file from `params` on, across pages, fetched as the iterator advances.
    pub fn list_items(&self, params: ListParams) -> ItemIter {
        ItemIter::new(self.client.clone(), self.inner.list_items(params))
    }

    /// Starts a download; read it with [`std::io::Read`], [`Download::bytes`] or
    /// [`Download::write_to`].
    ///
    /// # Errors
    /// As [`files_client::Files::download`].
    pub fn download(&self, file_id: &str) -> Result<Download, Error> {
        let (files, id) = (self.inner.clone(), file_id.to_owned());
        let download = self.client.call(async move { files.download(&id).await })?;
        Ok(Download::new(self.client.clone(), download))
    }

    /// Downloads a file to `path` atomically; returns the number of bytes written.
    ///
    /// # Errors
    /// As [`files_client::Files::download_to`].
    pub fn download_to(&self, file_id: &str, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.download(file_id)?.write_to(path)
    }
}

/// An upload read from a [`std::io::Read`] (a pipe, stdin, a socket), named
/// `filename`. Like every stream it is sent at most once; with `length`, the size
/// is checked before sending and sent as `Content-Length`.
///
/// ```no_run
/// use files_blocking::{Client, reader_upload};
///
/// let client = Client::from_env()?;
/// let stdin = std::io::stdin();
/// client.files().upload(reader_upload("stdin.txt", stdin, None))?;
/// # Ok::<(), files_blocking::Error>(())
/// ```
pub fn reader_upload<R>(filename: impl Into<String>, reader: R, length: Option<u64>) -> FileUpload
where
    R: Read + Send + 'static,
{
    const CHUNK: usize = 256 * 1024;
    let chunks = futures_util::stream::try_unfold(Some(reader), |state| async move {
        let Some(mut reader) = state else {
            return Ok(None);
        };
        let (reader, chunk) = tokio::task::spawn_blocking(move || {
            let mut buffer = vec![0; CHUNK];
            let n = reader.read(&mut buffer)?;
            buffer.truncate(n);
            Ok::<_, std::io::Error>((reader, buffer))
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(if chunk.is_empty() {
            None
        } else {
            Some((Bytes::from(chunk), Some(reader)))
        })
    });
    FileUpload::stream(filename, chunks.boxed(), length)
}
