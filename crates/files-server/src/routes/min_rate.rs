//! A request body that must keep up a minimum rate, whatever else its
//! connection carries (Apache mod_reqtimeout's `body=20,MinRate=500`, nginx's
//! `client_body_timeout`): it has `timeout` to finish, extended by one second
//! for every `min_rate` bytes received. Past that, the body fails and the
//! shared flag says why, so the answer can be 408.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::time::{Instant, Sleep};

/// A body stream cut when it falls behind its deadline.
pub(crate) struct MinRate<S> {
    inner: S,
    deadline: Option<Pin<Box<Sleep>>>,
    min_rate: u64,
    /// Set once the body was cut for being too slow.
    too_slow: Arc<AtomicBool>,
}

impl<S> MinRate<S> {
    /// `inner`, cut unless it is complete within `timeout` plus one second per
    /// `min_rate` bytes; no limit when `timeout` is `None`.
    pub(crate) fn new(
        inner: S,
        timeout: Option<Duration>,
        min_rate: u64,
        too_slow: Arc<AtomicBool>,
    ) -> Self {
        let deadline = timeout.map(|t| {
            let at = Instant::now().checked_add(t).unwrap_or_else(far_future);
            Box::pin(tokio::time::sleep_until(at))
        });
        Self {
            inner,
            deadline,
            min_rate: min_rate.max(1),
            too_slow,
        }
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(30 * 365 * 24 * 3600)
}

impl<S, E> Stream for MinRate<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.too_slow.load(Ordering::Relaxed) {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(deadline) = this.deadline.as_mut() {
                    let earned = Duration::from_secs_f64(chunk.len() as f64 / this.min_rate as f64);
                    let at = deadline
                        .deadline()
                        .checked_add(earned)
                        .unwrap_or_else(far_future);
                    deadline.as_mut().reset(at);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(err))) => {
                Poll::Ready(Some(Err(std::io::Error::other(err.into()))))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this.deadline.as_mut().map(|d| d.as_mut().poll(cx)) {
                Some(Poll::Ready(())) => {
                    this.too_slow.store(true, Ordering::Relaxed);
                    Poll::Ready(Some(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "the request body arrived slower than {} bytes a second",
                            this.min_rate
                        ),
                    ))))
                }
                _ => Poll::Pending,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    #[tokio::test]
    async fn a_trickle_is_cut_and_a_steady_body_is_not() {
        // One byte every 50 ms against 200 ms plus 2 ms a byte: cut within a few
        // bytes (a loaded machine only makes the trickle slower).
        let trickle = futures_util::stream::unfold(0u32, |n| async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            (n < 200).then(|| (Ok::<_, std::io::Error>(Bytes::from_static(b"x")), n + 1))
        });
        let flag = Arc::new(AtomicBool::new(false));
        let mut body = MinRate::new(
            Box::pin(trickle),
            Some(Duration::from_millis(200)),
            500,
            Arc::clone(&flag),
        );
        let mut received = 0;
        while let Some(Ok(_)) = body.next().await {
            received += 1;
        }
        assert!(flag.load(Ordering::Relaxed), "cut for being slow");
        assert!(received < 200, "{received} bytes taken before the cut");

        // 1 KiB chunks each earn 2 s: a steady body is never cut.
        let steady = futures_util::stream::unfold(0u32, |n| async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            (n < 20).then(|| (Ok::<_, std::io::Error>(Bytes::from(vec![0u8; 1024])), n + 1))
        });
        let flag = Arc::new(AtomicBool::new(false));
        let body = MinRate::new(
            Box::pin(steady),
            Some(Duration::from_millis(200)),
            500,
            Arc::clone(&flag),
        );
        assert_eq!(body.filter_map(|c| async move { c.ok() }).count().await, 20);
        assert!(!flag.load(Ordering::Relaxed));
    }
}
