//! Pages and iterators over a listing.

use files_client::{
    Error, FileList, FileMetadata, ItemStream, ListParams, PageStream, ResponseMeta,
};
use futures_util::StreamExt;

use crate::Client;

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct FilePage {
    client: Client,
    inner: files_client::FilePage,
}

impl FilePage {
    pub(crate) fn new(client: Client, inner: files_client::FilePage) -> Self {
        Self { client, inner }
    }

    /// The status, headers and request id of the answer this page came in.
    pub fn response(&self) -> &ResponseMeta {
        self.inner.response()
    }

    /// The files of this page, newest first.
    pub fn data(&self) -> &[FileMetadata] {
        self.inner.data()
    }

    /// The files of this page, owned.
    pub fn into_data(self) -> Vec<FileMetadata> {
        self.inner.into_data()
    }

    /// The page as the API sent it.
    pub fn raw(&self) -> &FileList {
        self.inner.raw()
    }

    /// The parameters of the next page, or `None` on the last.
    pub fn next_page_params(&self) -> Option<ListParams> {
        self.inner.next_page_params()
    }

    /// Whether another page follows.
    pub fn has_next_page(&self) -> bool {
        self.inner.has_next_page()
    }

    /// Fetches the next page, or `None` after the last.
    ///
    /// # Errors
    /// As [`files_client::FilePage::next_page`].
    pub fn next_page(&self) -> Result<Option<FilePage>, Error> {
        let next = self.client.call(self.inner.next_page())?;
        Ok(next.map(|inner| Self::new(self.client.clone(), inner)))
    }
}

/// The next item of `stream`, waited for on this thread.
fn next_of<S, T>(client: &Client, slot: &mut Option<S>) -> Option<Result<T, Error>>
where
    S: futures_util::Stream<Item = Result<T, Error>> + Unpin,
{
    let stream = slot.as_mut()?;
    match client.wait(stream.next()) {
        Ok(Some(item)) => Some(item),
        Ok(None) => {
            *slot = None;
            None
        }
        Err(err) => Some(Err(err)),
    }
}

/// The pages of a listing, fetched as the iterator advances.
#[derive(Debug)]
#[must_use = "iterators do nothing unless advanced"]
pub struct PageIter {
    client: Client,
    pages: Option<PageStream>,
}

impl PageIter {
    pub(crate) fn new(client: Client, pages: PageStream) -> Self {
        Self {
            client,
            pages: Some(pages),
        }
    }
}

impl Iterator for PageIter {
    type Item = Result<FilePage, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let client = self.client.clone();
        next_of(&self.client, &mut self.pages)
            .map(|page| page.map(|inner| FilePage::new(client, inner)))
    }
}

/// The files of a listing across pages, fetched as the iterator advances.
#[derive(Debug)]
#[must_use = "iterators do nothing unless advanced"]
pub struct ItemIter {
    client: Client,
    items: Option<ItemStream>,
}

impl ItemIter {
    pub(crate) fn new(client: Client, items: ItemStream) -> Self {
        Self {
            client,
            items: Some(items),
        }
    }
}

impl Iterator for ItemIter {
    type Item = Result<FileMetadata, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        next_of(&self.client, &mut self.items)
    }
}
