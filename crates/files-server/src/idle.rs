//! The idle timeout: a connection that carries no byte either way for a while is
//! closed, whatever the protocol (an idle HTTP/2 connection, a stalled body, a
//! TLS handshake that stops halfway).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// A stream that fails with [`io::ErrorKind::TimedOut`] once it has been idle
/// (no byte read or written) for its timeout while waiting to read or write.
#[derive(Debug)]
pub(crate) struct IdleTimeout<T> {
    inner: T,
    timeout: Duration,
    last_activity: Instant,
    timer: Pin<Box<Sleep>>,
}

impl<T> IdleTimeout<T> {
    pub(crate) fn new(inner: T, timeout: Duration) -> Self {
        let now = Instant::now();
        Self {
            inner,
            timeout,
            last_activity: now,
            timer: Box::pin(tokio::time::sleep_until(deadline(now, timeout))),
        }
    }

    /// Called when the inner stream is pending: arms the timer at the end of the
    /// idle time and fails once it is over.
    fn check_idle(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        let deadline = deadline(self.last_activity, self.timeout);
        if self.timer.deadline() != deadline {
            self.timer.as_mut().reset(deadline);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("connection idle for {:?}", self.timeout),
            )),
            Poll::Pending => Ok(()),
        }
    }

    /// A write's outcome: bytes written are activity; a pending write is idle
    /// time.
    fn after_write(
        &mut self,
        cx: &mut Context<'_>,
        written: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        match written {
            Poll::Ready(result) => {
                if matches!(result, Ok(n) if n > 0) {
                    self.last_activity = Instant::now();
                }
                Poll::Ready(result)
            }
            Poll::Pending => match self.check_idle(cx) {
                Ok(()) => Poll::Pending,
                Err(err) => Poll::Ready(Err(err)),
            },
        }
    }
}

/// `from + timeout`, saturated: a timeout too large for the clock is a deadline
/// about thirty years away (as tokio's own timers do), never a panic.
fn deadline(from: Instant, timeout: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    from.checked_add(timeout)
        .or_else(|| from.checked_add(FAR))
        .unwrap_or(from)
}

impl<T: AsyncRead + Unpin> AsyncRead for IdleTimeout<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    this.last_activity = Instant::now();
                }
                Poll::Ready(result)
            }
            Poll::Pending => match this.check_idle(cx) {
                Ok(()) => Poll::Pending,
                Err(err) => Poll::Ready(Err(err)),
            },
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.after_write(cx, written)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.after_write(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_silent_peer_times_out_and_a_talking_one_does_not() {
        let (mut near, far) = tokio::io::duplex(64);
        let mut far = IdleTimeout::new(far, Duration::from_millis(100));
        let mut buf = [0u8; 8];
        tokio::io::AsyncWriteExt::write_all(&mut near, b"hi")
            .await
            .unwrap();
        assert_eq!(far.read(&mut buf).await.unwrap(), 2);
        let err = far.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_timeout_too_large_for_the_clock_waits_instead_of_panicking() {
        let (mut near, far) = tokio::io::duplex(64);
        let mut far = IdleTimeout::new(far, Duration::MAX);
        let mut buf = [0u8; 8];
        tokio::io::AsyncWriteExt::write_all(&mut near, b"hi")
            .await
            .unwrap();
        assert_eq!(far.read(&mut buf).await.unwrap(), 2);
        // Silence: the read still waits (the timer was armed without a panic).
        let waited = tokio::time::timeout(Duration::from_millis(100), far.read(&mut buf)).await;
        assert!(waited.is_err(), "{waited:?}");
    }
}
