//! The runtime thread behind a blocking client, and waiting on the caller's
//! thread, as reqwest's blocking client does: the runtime thread drives the
//! connection pool, timers and I/O; each call's future is polled on the
//! caller's thread (inside the runtime's context) until it is ready.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{JoinHandle, Thread};

use files_client::Error;

/// Why a blocking call refuses to run inside an async runtime.
pub(crate) const IN_ASYNC_CONTEXT: &str = "files_blocking was called from inside an async runtime, where blocking \
     would stall it: use files_client::Client there (or call from tokio::task::spawn_blocking)";

/// One thread running a current-thread tokio runtime until dropped.
pub(crate) struct RuntimeThread {
    handle: tokio::runtime::Handle,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for RuntimeThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RuntimeThread")
    }
}

impl RuntimeThread {
    /// Starts the thread and its runtime.
    pub(crate) fn start() -> Result<Self, Error> {
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, started) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("files-blocking-runtime".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(err) => {
                        let _ = ready.send(Err(err.to_string()));
                        return;
                    }
                };
                let _ = ready.send(Ok(runtime.handle().clone()));
                runtime.block_on(async move {
                    let _ = stopped.await;
                });
            })
            .map_err(|err| Error::Misuse(format!("cannot start the runtime thread: {err}")))?;
        match started.recv() {
            Ok(Ok(handle)) => Ok(Self {
                handle,
                shutdown: Some(shutdown),
                thread: Some(thread),
            }),
            Ok(Err(err)) => Err(Error::Misuse(format!("cannot start the runtime: {err}"))),
            Err(_) => Err(Error::Misuse("the runtime thread stopped at start".into())),
        }
    }

    /// Polls `future` on this thread, inside the runtime's context, until it
    /// is ready. Refused inside an async runtime, where it would block it.
    pub(crate) fn wait<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Misuse(IN_ASYNC_CONTEXT.into()));
        }
        let _context = self.handle.enter();
        Ok(park_until_ready(future))
    }
}

impl Drop for RuntimeThread {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take()
            && tokio::runtime::Handle::try_current().is_err()
        {
            let _ = thread.join();
        }
    }
}

/// Wakes a parked thread.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` on the current thread, parking between wake-ups.
fn park_until_ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn timers_and_tasks_run_while_the_caller_waits() {
        let runtime = RuntimeThread::start().unwrap();
        let value = runtime
            .wait(async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                tokio::spawn(async { 41 }).await.unwrap() + 1
            })
            .unwrap();
        assert_eq!(value, 42);
    }

    #[test]
    fn waiting_inside_a_runtime_is_refused() {
        let runtime = RuntimeThread::start().unwrap();
        let outer = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let err = outer.block_on(async { runtime.wait(async {}).unwrap_err() });
        assert!(
            matches!(err, Error::Misuse(ref m) if m.contains("async runtime")),
            "{err}"
        );
    }
}
