//! [`Files`]: the files resource, call for call like the async one.

use files_client::{DeletedFile, Error, FileMetadata, FileUpload, ListParams, RequestOptions};

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

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn inner(&self) -> &files_client::Files {
        &self.inner
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
        self.client.call(self.inner.upload(upload))
    }

    /// A file's metadata.
    ///
    /// # Errors
    /// As [`files_client::Files::retrieve_metadata`].
    pub fn retrieve_metadata(&self, file_id: &str) -> Result<FileMetadata, Error> {
        self.client.call(self.inner.retrieve_metadata(file_id))
    }

    /// Deletes a file.
    ///
    /// # Errors
    /// As [`files_client::Files::delete`].
    pub fn delete(&self, file_id: &str) -> Result<DeletedFile, Error> {
        self.client.call(self.inner.delete(file_id))
    }

    /// One page of files.
    ///
    /// # Errors
    /// As [`files_client::Files::list`].
    pub fn list(&self, params: ListParams) -> Result<FilePage, Error> {
        let page = self.client.call(self.inner.list(params))?;
        Ok(FilePage::new(self.client.clone(), page))
    }

    /// Every page from `params` on, fetched as the iterator advances.
    pub fn list_pages(&self, params: ListParams) -> PageIter {
        PageIter::new(self.client.clone(), self.inner.list_pages(params))
    }

    /// Every file from `params` on, across pages, fetched as the iterator
    /// advances; cap it with [`Iterator::take`]: no page past the one holding
    /// the last file taken is fetched.
    pub fn list_items(&self, params: ListParams) -> ItemIter {
        ItemIter::new(self.client.clone(), self.inner.list_items(params))
    }

    /// Starts a download; read it with [`std::io::Read`], [`Download::bytes`] or
    /// [`Download::write_to`].
    ///
    /// # Errors
    /// As [`files_client::Files::download`].
    pub fn download(&self, file_id: &str) -> Result<Download, Error> {
        let download = self.client.call(self.inner.download(file_id))?;
        Ok(Download::new(self.client.clone(), download))
    }
}
