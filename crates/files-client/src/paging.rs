//! Pages of a listing, and lazy streams of pages and of files.

use std::pin::Pin;
use std::task::{Context, Poll};

use files_types::{FileList, FileMetadata, ListParams};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

use crate::cursor_guard::CursorGuard;
use crate::{Error, Files, ResponseMeta};

/// One page of a listing, with what it takes to fetch the next.
///
/// The next page follows the cursor this page carries, whichever generation the
/// client speaks: `next_page` is sent back as `page`; else, while `has_more`,
/// `last_id` as `after_id` (or `first_id` as `before_id` when walking
/// backwards). A cursor the listing has already used ends it with
/// [`Error::PagingStalled`]; one longer than [`MAX_CURSOR_BYTES`](crate::MAX_CURSOR_BYTES)
/// with [`Error::CursorTooLong`].
#[derive(Debug, Clone)]
pub struct FilePage {
    list: FileList,
    meta: ResponseMeta,
    params: ListParams,
    chain: Chain,
}

/// What a page shares with the pages of its listing, and its place in it.
#[derive(Debug, Clone)]
struct Chain {
    files: Files,
    guard: CursorGuard,
    depth: u64,
}

impl Chain {
    /// Fetches the page `params` names as the one after this chain's page.
    async fn fetch_next(&self, params: ListParams) -> Result<FilePage, Error> {
        let (list, meta) = self.files.fetch_page(&params).await?;
        Ok(FilePage {
            list,
            meta,
            params,
            chain: Self {
                files: self.files.clone(),
                guard: self.guard.clone(),
                depth: self.depth + 1,
            },
        })
    }
}

impl FilePage {
    /// The first page of a listing: its own guard, which every later page shares.
    pub(crate) fn first(
        list: FileList,
        meta: ResponseMeta,
        params: ListParams,
        files: Files,
    ) -> Result<Self, Error> {
        let guard = CursorGuard::new();
        if let Some(cursor) = params.get_cursor() {
            guard.admit(cursor, 0)?;
        }
        Ok(Self {
            list,
            meta,
            params,
            chain: Chain {
                files,
                guard,
                depth: 0,
            },
        })
    }

    /// The next page's parameters, admitted by the listing's guard.
    fn checked_next_params(&self) -> Result<Option<ListParams>, Error> {
        let Some(next) = self.next_page_params() else {
            return Ok(None);
        };
        if let Some(cursor) = next.get_cursor() {
            self.chain.guard.admit(cursor, self.chain.depth + 1)?;
        }
        Ok(Some(next))
    }

    /// The status, headers and request id of the answer this page came in.
    pub fn response(&self) -> &ResponseMeta {
        &self.meta
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

    /// The parameters of the next page by the cursor this page carries, or
    /// `None` on the last page (see [`ListParams::next_page`]).
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
    /// An API or connection error, [`Error::PagingStalled`] or
    /// [`Error::CursorTooLong`]. The server's cursor is never checked as input:
    /// it is sent back as it came.
    pub async fn next_page(&self) -> Result<Option<FilePage>, Error> {
        match self.checked_next_params()? {
            Some(params) => self.chain.fetch_next(params).await.map(Some),
            None => Ok(None),
        }
    }
}

/// What a page stream does next.
enum Next {
    First(Files, ListParams),
    After(Chain, ListParams),
    Failed(Error),
    Done,
}

impl Next {
    /// What follows `page`: its next page, the end, or a stalled cursor (which
    /// still yields the page it came with).
    fn after(page: &FilePage) -> Self {
        match page.checked_next_params() {
            Ok(Some(params)) => Self::After(page.chain.clone(), params),
            Ok(None) => Self::Done,
            Err(err) => Self::Failed(err),
        }
    }
}

/// The pages of a listing, fetched one at a time as the stream is polled.
#[must_use = "streams do nothing unless polled"]
pub struct PageStream(BoxStream<'static, Result<FilePage, Error>>);

impl PageStream {
    pub(crate) fn new(files: Files, params: ListParams) -> Self {
        let pages = futures_util::stream::unfold(Next::First(files, params), |next| async move {
            let fetched = match next {
                Next::Done => return None,
                Next::Failed(err) => return Some((Err(err), Next::Done)),
                Next::First(files, params) => files.list(params).await,
                Next::After(chain, params) => chain.fetch_next(params).await,
            };
            match fetched {
                Err(err) => Some((Err(err), Next::Done)),
                Ok(page) => {
                    let next = Next::after(&page);
                    Some((Ok(page), next))
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
