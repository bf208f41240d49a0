//! HTTP/2 streams that make no progress are cut: hyper runs each stream as a
//! task on the server's executor, and a task is woken only when something
//! happened to it (request data, a window update, its handler waking). A
//! stream task that is not woken for the idle timeout is dropped, which resets
//! the stream and frees what it held (a download's file and permit, an answer's
//! budget), even while its connection carries other frames (PINGs, streams).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_util::task::AtomicWaker;
use tokio::time::{Instant, Sleep};

/// The executor hyper's HTTP/2 server spawns its stream tasks on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamExecutor {
    /// A stream task not polled for this long is dropped; `None` never.
    pub idle: Option<Duration>,
}

impl<F> hyper::rt::Executor<F> for StreamExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, task: F) {
        match self.idle {
            Some(idle) => {
                tokio::spawn(StallCut::new(task, idle));
            }
            None => {
                tokio::spawn(task);
            }
        }
    }
}

/// A task dropped once it has not been woken for `idle`.
struct StallCut<F> {
    task: Pin<Box<F>>,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    progress: Arc<Progress>,
}

/// Notes each time the task is woken (its progress), and passes the wake on.
#[derive(Default)]
struct Progress {
    woken: AtomicBool,
    waker: AtomicWaker,
}

impl Wake for Progress {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.waker.wake();
    }
}

impl<F> StallCut<F> {
    fn new(task: F, idle: Duration) -> Self {
        let progress = Arc::new(Progress::default());
        // The first poll counts as progress.
        progress.woken.store(true, Ordering::Relaxed);
        Self {
            task: Box::pin(task),
            idle,
            timer: Box::pin(tokio::time::sleep_until(deadline(idle))),
            progress,
        }
    }
}

fn deadline(idle: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(idle)
        .unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 24 * 3600))
}

impl<F: Future> Future for StallCut<F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.progress.waker.register(cx.waker());
        if self.progress.woken.swap(false, Ordering::AcqRel) {
            let idle = self.idle;
            self.timer.as_mut().reset(deadline(idle));
        }
        let waker = Waker::from(Arc::clone(&self.progress));
        let mut task_cx = Context::from_waker(&waker);
        if self.task.as_mut().poll(&mut task_cx).is_ready() {
            return Poll::Ready(());
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                tracing::debug!(idle = ?self.idle, "an HTTP/2 stream made no progress: reset");
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_never_woken_is_dropped_and_a_busy_one_is_not() {
        struct Flag(Arc<AtomicBool>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Relaxed);
            }
        }
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = Flag(Arc::clone(&dropped));
        let stalled = async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        };
        tokio::time::timeout(
            Duration::from_secs(10),
            StallCut::new(stalled, Duration::from_millis(50)),
        )
        .await
        .expect("a stalled task is cut");
        assert!(dropped.load(Ordering::Relaxed));

        // Woken every 10 ms for 300 ms: never idle for 50 ms, so it finishes.
        let finished = Arc::new(AtomicBool::new(false));
        let done = Arc::clone(&finished);
        let busy = async move {
            for _ in 0..30 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            done.store(true, Ordering::Relaxed);
        };
        StallCut::new(busy, Duration::from_millis(50)).await;
        assert!(finished.load(Ordering::Relaxed));
    }
}
