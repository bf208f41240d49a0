//! Pages of a listing, and lazy streams of pages and of files.

use std::pin::Pin;
use std::task::{Context, Poll};

use files_types::{FileList, FileMetadata, ListParams};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

use crate::{Error, Files};

/// One page of a listing, with what it takes to fetch the next.
#[derive(Debug, Clone)]
pub struct FilePage {
    list: FileList,
    params: ListParams,
    files: Files,
}

impl FilePage {
    /// The next page's parameters, refusing a cursor that repeats the one
    /// just used (a server that never advances would loop forever).
    fn checked_next_params(&self) -> Result<Option<ListParams>, Error> {
        let next = self.next_page_params();
        match (&next, &self.params.cursor) {
            (
                Some(ListParams {
                    cursor: Some(next_cursor),
                    ..
                }),
                Some(used),
            ) if next_cursor == used => Err(Error::PagingStalled {
                cursor: next_cursor.query_pair().1.to_owned(),
            }),
            _ => Ok(next),
        }
    }

    pub(crate) fn new(list: FileList, params: ListParams, files: Files) -> Self {
        Self {
            list,
            params,
            files,
        }
    }

    /// The files of this page, newest first.
    pub fn data(&self) -> &[FileMetadata] {
        &self.list.data
    }

    /// The files of this page, owned.
    pub fn into_data(self) -> Vec<FileMetadata> {
        self.list.data
    }

    /// The page as the API sent it (`first_id`, `last_id`, `has_more`, `next_page`).
    pub fn raw(&self) -> &FileList {
        &self.list
    }

    /// The parameters this page was fetched with.
    pub fn params(&self) -> &ListParams {
        &self.params
    }

    /// The parameters of the next page by the official rules, or `None` on the
    /// last page (see [`ListParams::next_page`]).
    pub fn next_page_params(&self) -> Option<ListParams> {
        self.params.next_page(&self.list)
    }

    /// Whether another page follows.
    pub fn has_next_page(&self) -> bool {
        self.next_page_params().is_some()
    }

    /// Fetches the next page, or `None` after the last.
    ///
    /// # Errors
    /// As [`Files::list`].
    pub async fn next_page(&self) -> Result<Option<FilePage>, Error> {
        match self.checked_next_params()? {
            Some(params) => self.files.list(params).await.map(Some),
            None => Ok(None),
        }
    }
}

/// What a page stream does next.
enum Next {
    Params(ListParams),
    Failed(Error),
    Done,
}

/// The pages of a listing, fetched one at a time as the stream is polled.
#[must_use = "streams do nothing unless polled"]
pub struct PageStream(BoxStream<'static, Result<FilePage, Error>>);

impl PageStream {
    pub(crate) fn new(files: Files, params: ListParams) -> Self {
        let pages = futures_util::stream::unfold(Next::Params(params), move |next| {
            let files = files.clone();
            async move {
                match next {
                    Next::Done => None,
                    Next::Failed(err) => Some((Err(err), Next::Done)),
                    Next::Params(params) => match files.list(params).await {
                        Err(err) => Some((Err(err), Next::Done)),
                        Ok(page) => {
                            // A stalled cursor still yields the page it came with.
                            let next = match page.checked_next_params() {
                                Ok(Some(params)) => Next::Params(params),
                                Ok(None) => Next::Done,
                                Err(err) => Next::Failed(err),
                            };
                            Some((Ok(page), next))
                        }
                    },
                }
            }
        });
        Self(pages.boxed())
    }
}

impl Stream for PageStream {
    type Item = Result<FilePage, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for PageStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageStream")
    }
}

/// The files of a listing across pages, newest first. A page is fetched only when
/// the files before it have been taken.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream(BoxStream<'static, Result<FileMetadata, Error>>);

impl ItemStream {
    pub(crate) fn new(pages: PageStream) -> Self {
        let items = pages
            .map(|page| match page {
                Ok(page) => {
                    futures_util::stream::iter(page.into_data().into_iter().map(Ok)).left_stream()
                }
                Err(err) => futures_util::stream::iter([Err(err)]).right_stream(),
            })
            .flatten();
        Self(items.boxed())
    }

    /// Stops after `max_items` files (like `ant --max-items`); no page past the one
    /// holding the last of them is fetched.
    pub fn max_items(self, max_items: usize) -> Self {
        Self(self.0.take(max_items).boxed())
    }
}

impl Stream for ItemStream {
    type Item = Result<FileMetadata, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for ItemStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ItemStream")
    }
}
