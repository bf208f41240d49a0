//! Many files at once: [`Files::upload_many`] and [`Files::delete_many`] run
//! one request per item, at most `concurrency` at a time, and yield each
//! item's result as it completes, tagged with its input index. One failure
//! never stops the others; dropping the stream cancels what is in flight and
//! starts nothing new. Rate awareness comes from the client: every task
//! shares its `429` pause, its adaptive rate and its requests-per-minute cap,
//! and each item's own retries follow the client's policy. An item that still
//! fails with a transient error (connection, timeout, 408, 409, 429, 5xx) is
//! re-queued and tried once more after the rest of the bulk run
//! ([`BulkStream::requeue`]). Memory stays bounded by the concurrency and the
//! re-queued items, whatever the number of items: the input is read lazily.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};

use files_types::{DeletedFile, FileMetadata};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

use crate::file_name::portable_file_name;
use crate::{Error, FileUpload, Files};

/// A file saved by [`Files::download_many`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SavedFile {
    /// The file's id.
    pub file_id: String,
    /// Where it was saved.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
}

/// The default number of items in flight.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The result of one item of a bulk operation.
#[derive(Debug)]
#[non_exhaustive]
pub struct BulkItem<T> {
    /// The item's position in the input, from 0.
    pub index: usize,
    /// What became of it.
    pub result: Result<T, Error>,
    /// Whether this is the result of its second try, after it was re-queued
    /// at the end of the bulk run.
    pub requeued: bool,
}

/// How a bulk run is going, reported after every change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BulkProgress {
    /// Items started so far.
    pub started: usize,
    /// Items that succeeded.
    pub done: usize,
    /// Items that failed for good.
    pub failed: usize,
    /// Items that failed with a transient error and were re-queued to be
    /// tried once more at the end of the bulk run.
    pub requeued: usize,
    /// Bytes of file content sent or received so far (an attempt that is
    /// retried counts from zero again).
    pub bytes: u64,
    /// The sizes of the items known so far (an item's size is known once it
    /// starts moving), or the total given to [`BulkStream::expected_bytes`].
    pub bytes_total: u64,
}

/// Shared counters of one bulk run.
#[derive(Default)]
struct Counters {
    started: AtomicUsize,
    done: AtomicUsize,
    failed: AtomicUsize,
    requeued: AtomicUsize,
    bytes: AtomicU64,
    bytes_total: AtomicU64,
    expected_total: Option<u64>,
    observer: Option<Arc<dyn Fn(BulkProgress) + Send + Sync>>,
}

impl Counters {
    fn report(&self) {
        if let Some(observer) = &self.observer {
            observer(BulkProgress {
                started: self.started.load(Ordering::Relaxed),
                done: self.done.load(Ordering::Relaxed),
                failed: self.failed.load(Ordering::Relaxed),
                requeued: self.requeued.load(Ordering::Relaxed),
                bytes: self.bytes.load(Ordering::Relaxed),
                bytes_total: self
                    .expected_total
                    .unwrap_or_else(|| self.bytes_total.load(Ordering::Relaxed)),
            });
        }
    }
}

/// One item's work, started when the stream gets to it: its result, and the
/// same work again when it can be repeated.
type Job<T> = Box<dyn FnOnce(Arc<Counters>) -> BoxFuture<'static, Ran<T>> + Send>;

/// What running a job gave.
struct Ran<T> {
    result: Result<T, Error>,
    again: Option<Job<T>>,
}

/// The items waiting for their second try, with their input index.
type Requeued<T> = Arc<std::sync::Mutex<Vec<(usize, Job<T>)>>>;

/// What became of one item's first try.
enum Outcome<T> {
    Finished(BulkItem<T>),
    Requeued(usize, Job<T>),
}

/// The results of a bulk operation, in completion order. Nothing starts until
/// it is polled; configure it first.
#[must_use = "streams do nothing unless polled"]
pub struct BulkStream<T> {
    state: State<T>,
}

enum State<T> {
    Pending {
        jobs: Box<dyn Iterator<Item = Job<T>> + Send>,
        concurrency: usize,
        requeue: bool,
        counters: Counters,
    },
    Running(BoxStream<'static, BulkItem<T>>),
    Taken,
}

impl<T: Send + 'static> BulkStream<T> {
    fn new(jobs: Box<dyn Iterator<Item = Job<T>> + Send>) -> Self {
        Self {
            state: State::Pending {
                jobs,
                concurrency: DEFAULT_CONCURRENCY,
                requeue: true,
                counters: Counters::default(),
            },
        }
    }

    /// At most `n` items in flight (default 4; at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        if let State::Pending { concurrency, .. } = &mut self.state {
            *concurrency = n.max(1);
        }
        self
    }

    /// Whether an item that fails with a transient error (connection,
    /// timeout, 408, 409, 429, 5xx, after its own retries) is tried once more
    /// at the end of the bulk run (default `true`). One-shot streams and readers
    /// cannot be tried again and are never re-queued. Progress counts
    /// re-queued items ([`BulkProgress::requeued`]) and the item's result
    /// says so ([`BulkItem::requeued`]).
    pub fn requeue(mut self, yes: bool) -> Self {
        if let State::Pending { requeue, .. } = &mut self.state {
            *requeue = yes;
        }
        self
    }

    /// Calls `observer` after each change: an item started, finished or
    /// failed, or moved bytes. It must be quick.
    pub fn on_progress(mut self, observer: impl Fn(BulkProgress) + Send + Sync + 'static) -> Self {
        if let State::Pending { counters, .. } = &mut self.state {
            counters.observer = Some(Arc::new(observer));
        }
        self
    }

    /// The bulk run's total size, when the caller knows it ahead (the sizes of
    /// the files to upload): [`BulkProgress::bytes_total`] reports it.
    pub fn expected_bytes(mut self, total: u64) -> Self {
        if let State::Pending { counters, .. } = &mut self.state {
            counters.expected_total = Some(total);
        }
        self
    }

    fn start(&mut self) {
        let (jobs, concurrency, requeue, counters) =
            match std::mem::replace(&mut self.state, State::Taken) {
                State::Pending {
                    jobs,
                    concurrency,
                    requeue,
                    counters,
                } => (jobs, concurrency, requeue, counters),
                other => {
                    self.state = other;
                    return;
                }
            };
        let counters = Arc::new(counters);
        let queue: Requeued<T> = Arc::default();
        let first_counters = Arc::clone(&counters);
        let first = futures_util::stream::iter(jobs.enumerate())
            .map(move |(index, job)| {
                let counters = Arc::clone(&first_counters);
                async move {
                    counters.started.fetch_add(1, Ordering::Relaxed);
                    counters.report();
                    let ran = job(Arc::clone(&counters)).await;
                    match ran.again {
                        Some(again)
                            if requeue && ran.result.as_ref().is_err_and(Error::is_transient) =>
                        {
                            counters.requeued.fetch_add(1, Ordering::Relaxed);
                            counters.report();
                            Outcome::Requeued(index, again)
                        }
                        _ => Outcome::Finished(finish(&counters, index, ran.result, false)),
                    }
                }
            })
            .buffer_unordered(concurrency);
        let parked = Arc::clone(&queue);
        let first = first.filter_map(move |outcome| {
            let item = match outcome {
                Outcome::Finished(item) => Some(item),
                Outcome::Requeued(index, job) => {
                    lock(&parked).push((index, job));
                    None
                }
            };
            std::future::ready(item)
        });
        // The re-queued items, once every other item has finished.
        let second = futures_util::stream::once(async move {
            let jobs = std::mem::take(&mut *lock(&queue));
            futures_util::stream::iter(jobs)
                .map(move |(index, job)| {
                    let counters = Arc::clone(&counters);
                    async move {
                        tracing::debug!(index, "trying a re-queued item again");
                        let ran = job(Arc::clone(&counters)).await;
                        finish(&counters, index, ran.result, true)
                    }
                })
                .buffer_unordered(concurrency)
        })
        .flatten();
        self.state = State::Running(first.chain(second).boxed());
    }
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Counts an item's final result and wraps it.
fn finish<T>(
    counters: &Counters,
    index: usize,
    result: Result<T, Error>,
    requeued: bool,
) -> BulkItem<T> {
    let finished = if result.is_ok() {
        &counters.done
    } else {
        &counters.failed
    };
    finished.fetch_add(1, Ordering::Relaxed);
    counters.report();
    BulkItem {
        index,
        result,
        requeued,
    }
}

impl<T: Send + 'static> Stream for BulkStream<T> {
    type Item = BulkItem<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.start();
        match &mut self.state {
            State::Running(stream) => stream.as_mut().poll_next(cx),
            _ => Poll::Ready(None),
        }
    }
}

impl<T> std::fmt::Debug for BulkStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Pending { .. } => "pending",
            State::Running(_) => "running",
            State::Taken => "taken",
        };
        f.debug_struct("BulkStream").field("state", &state).finish()
    }
}

/// Counts an item's byte progress into the bulk run: an attempt that restarts
/// from zero takes its earlier bytes back out.
fn byte_observer(counters: &Arc<Counters>) -> impl Fn(crate::Progress) + Send + Sync + 'static {
    let counters = Arc::clone(counters);
    let last = AtomicU64::new(0);
    let sized = std::sync::atomic::AtomicBool::new(false);
    move |progress| {
        if let Some(total) = progress.total
            && !sized.swap(true, Ordering::Relaxed)
        {
            counters.bytes_total.fetch_add(total, Ordering::Relaxed);
        }
        let previous = last.swap(progress.bytes, Ordering::Relaxed);
        if progress.bytes >= previous {
            counters
                .bytes
                .fetch_add(progress.bytes - previous, Ordering::Relaxed);
        } else {
            counters
                .bytes
                .fetch_sub(previous - progress.bytes, Ordering::Relaxed);
        }
        counters.report();
    }
}

impl Files {
    /// Uploads many files, at most [`BulkStream::concurrency`] at a time (4
    /// by default), yielding each result as it completes with its input
    /// index. One failure never stops the others; dropping the stream cancels
    /// what is in flight and starts nothing new; every task shares the
    /// client's `429` pause and requests-per-minute cap.
    ///
    /// ```
    /// use files_client::{Client, FileUpload};
    /// use futures_util::StreamExt;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = files_server::FilesServer::start(Default::default()).await?;
    /// let client = Client::builder().api_key("sk-ant-...").base_url(server.base_url()).build()?;
    /// let uploads = (0..10).map(|i| FileUpload::bytes(format!("note-{i}.txt"), format!("note {i}")));
    /// let mut results = client.files().upload_many(uploads).concurrency(8);
    /// let mut stored = 0;
    /// while let Some(item) = results.next().await {
    ///     let file = item.result?;
    ///     assert_eq!(file.filename, format!("note-{}.txt", item.index));
    ///     stored += 1;
    /// }
    /// assert_eq!(stored, 10);
    /// # server.shutdown().await;
    /// # Ok(()) }
    /// ```
    pub fn upload_many<I>(&self, uploads: I) -> BulkStream<FileMetadata>
    where
        I: IntoIterator<Item = FileUpload>,
        I::IntoIter: Send + 'static,
    {
        let files = self.clone();
        let jobs = uploads
            .into_iter()
            .map(move |upload| upload_job(files.clone(), upload));
        BulkStream::new(Box::new(jobs))
    }

    /// Deletes many files, at most [`BulkStream::concurrency`] at a time,
    /// yielding each result as it completes with its input index.
    pub fn delete_many<I>(&self, file_ids: I) -> BulkStream<DeletedFile>
    where
        I: IntoIterator,
        I::Item: Into<String>,
        I::IntoIter: Send + 'static,
    {
        let files = self.clone();
        let jobs = file_ids
            .into_iter()
            .map(move |id| delete_job(files.clone(), id.into()));
        BulkStream::new(Box::new(jobs))
    }

    /// Downloads many files into `dir`, at most [`BulkStream::concurrency`] at
    /// a time: each under the name the server gives it, else its id, both
    /// made portable by [`portable_file_name`](crate::portable_file_name)
    /// (else `download`), written atomically (temporary file,
    /// fsync, no-clobber move) and never over an existing file: a taken name
    /// becomes `name (1).ext`, `name (2).ext`, … A failed or cancelled item
    /// leaves nothing behind.
    pub fn download_many<I>(&self, file_ids: I, dir: impl AsRef<Path>) -> BulkStream<SavedFile>
    where
        I: IntoIterator,
        I::Item: Into<String>,
        I::IntoIter: Send + 'static,
    {
        let files = self.clone();
        let dir = dir.as_ref().to_path_buf();
        let jobs = file_ids
            .into_iter()
            .map(move |id| download_job(files.clone(), id.into(), dir.clone()));
        BulkStream::new(Box::new(jobs))
    }
}

fn upload_job(files: Files, upload: FileUpload) -> Job<FileMetadata> {
    Box::new(move |counters: Arc<Counters>| {
        let again = upload
            .try_clone()
            .map(|copy| upload_job(files.clone(), copy));
        let upload = upload.observe_progress(byte_observer(&counters));
        Box::pin(async move {
            let result = files.upload(upload).await;
            Ran { result, again }
        })
    })
}

fn delete_job(files: Files, id: String) -> Job<DeletedFile> {
    Box::new(move |_counters: Arc<Counters>| {
        let again = Some(delete_job(files.clone(), id.clone()));
        Box::pin(async move {
            let result = files.delete(&id).await;
            Ran { result, again }
        })
    })
}

fn download_job(files: Files, file_id: String, dir: PathBuf) -> Job<SavedFile> {
    Box::new(move |counters: Arc<Counters>| {
        let again = Some(download_job(files.clone(), file_id.clone(), dir.clone()));
        Box::pin(async move {
            let result = download_one(&files, file_id, &dir, &counters).await;
            Ran { result, again }
        })
    })
}

async fn download_one(
    files: &Files,
    file_id: String,
    dir: &Path,
    counters: &Arc<Counters>,
) -> Result<SavedFile, Error> {
    let download = files.download(&file_id).await?;
    let name = download
        .filename()
        .map(str::to_owned)
        .or_else(|| portable_file_name(&file_id))
        .unwrap_or_else(|| "download".to_owned());
    let observer = byte_observer(counters);
    let total = download.content_length();
    let (path, bytes) = download
        .on_progress(move |progress| observer(crate::Progress { total, ..progress }))
        .write_to_unique(dir.join(name))
        .await?;
    Ok(SavedFile {
        file_id,
        path,
        bytes,
    })
}
