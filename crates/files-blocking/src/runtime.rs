//! The background runtime thread that every blocking call runs on.
//!
//! Like reqwest's blocking client: one thread per client runs a current-thread
//! tokio runtime; a call sends its future to that thread and waits for the answer
//! on a plain channel. Connections stay pooled and their background tasks keep
//! running between calls.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::thread::JoinHandle;

use files_client::Error;
use tokio::sync::mpsc::UnboundedSender;

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The message for a call made from inside an async runtime, where blocking would
/// stall (or deadlock) that runtime.
pub(crate) const IN_ASYNC_CONTEXT: &str = "files_blocking was called from inside an async runtime, where blocking \
     would stall it: use files_client::Client there (or call from tokio::task::spawn_blocking)";

pub(crate) struct RuntimeThread {
    jobs: Option<UnboundedSender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for RuntimeThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RuntimeThread")
    }
}

impl RuntimeThread {
    pub(crate) fn start() -> Result<Self, Error> {
        let (jobs, mut queue) = tokio::sync::mpsc::unbounded_channel::<Job>();
        let (ready, started) = mpsc::sync_channel::<Result<(), String>>(1);
        let thread = std::thread::Builder::new()
            .name("files-blocking-runtime".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        let _ = ready.send(Ok(()));
                        runtime
                    }
                    Err(err) => {
                        let _ = ready.send(Err(err.to_string()));
                        return;
                    }
                };
                runtime.block_on(async move {
                    while let Some(job) = queue.recv().await {
                        tokio::spawn(job);
                    }
                });
            })
            .map_err(|err| Error::Config(format!("cannot start the runtime thread: {err}")))?;
        match started.recv() {
            Ok(Ok(())) => Ok(Self {
                jobs: Some(jobs),
                thread: Some(thread),
            }),
            Ok(Err(err)) => Err(Error::Config(format!("cannot start the runtime: {err}"))),
            Err(_) => Err(Error::Config("the runtime thread stopped at start".into())),
        }
    }

    /// Runs `future` on the runtime thread and waits for its output.
    pub(crate) fn block_on<T, F>(&self, future: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(IN_ASYNC_CONTEXT.into()));
        }
        let (reply, answer) = mpsc::sync_channel(1);
        self.spawn(async move {
            let _ = reply.send(future.await);
        })?;
        answer
            .recv()
            .map_err(|_| Error::Config("the runtime thread stopped before answering".into()))
    }

    /// Starts `future` on the runtime thread without waiting.
    pub(crate) fn spawn<F>(&self, future: F) -> Result<(), Error>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.jobs
            .as_ref()
            .and_then(|jobs| jobs.send(Box::pin(future)).ok())
            .ok_or_else(|| Error::Config("the runtime thread has stopped".into()))
    }
}

impl Drop for RuntimeThread {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop; its runtime then cancels what is left.
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            // Joining from inside a runtime would block it: let the thread finish alone.
            if tokio::runtime::Handle::try_current().is_err() {
                let _ = thread.join();
            }
        }
    }
}
