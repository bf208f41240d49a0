//! [`Interrupt`]: Ctrl-C (SIGINT) and SIGTERM end a command by dropping its
//! future, so what it started is cleaned up as on any failure (a download's
//! hidden `.part` file is removed, a sync's manifest lock released), and the
//! exit code says which signal it was: 130 or 143, as shells report.

use std::future::Future;

use crate::failure::Failure;
use crate::failure::exit_code;

/// Listening for the signals that interrupt a command.
pub struct Interrupt {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Interrupt {
    /// Starts listening now (a signal that arrives before this still ends
    /// the process the default way, with nothing of a command begun yet).
    /// Must be called within the runtime.
    pub fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    /// Runs `command` until it ends or a signal comes; then the command's
    /// future is dropped and the failure says which signal it was.
    ///
    /// # Errors
    /// The command's own, or [`Failure::Interrupted`].
    pub async fn run<F>(mut self, command: F) -> Result<(), Failure>
    where
        F: Future<Output = Result<(), Failure>>,
    {
        tokio::select! {
            result = command => result,
            failure = self.signalled() => Err(failure),
        }
    }

    #[cfg(unix)]
    async fn signalled(&mut self) -> Failure {
        async fn next(signal: &mut Option<tokio::signal::unix::Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            () = next(&mut self.interrupt) => Failure::Interrupted {
                signal: "SIGINT",
                code: exit_code::INTERRUPTED,
            },
            () = next(&mut self.terminate) => Failure::Interrupted {
                signal: "SIGTERM",
                code: exit_code::TERMINATED,
            },
        }
    }

    #[cfg(not(unix))]
    async fn signalled(&mut self) -> Failure {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        Failure::Interrupted {
            signal: "Ctrl-C",
            code: exit_code::INTERRUPTED,
        }
    }
}
