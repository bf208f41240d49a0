//! [`Ui`]: what goes to stderr besides errors: notices and progress bars.

pub mod log_writer;
pub mod logging;

use std::io::IsTerminal;

use files_client::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The program's name, as it prefixes every line on stderr.
pub const PROGRAM: &str = "anthropic-files";

/// Notices and progress bars on stderr.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    quiet: bool,
    stderr_is_terminal: bool,
}

impl Ui {
    /// Notices unless `quiet`; progress bars too, and only when stderr is a terminal.
    pub fn new(quiet: bool) -> Self {
        Self {
            quiet,
            stderr_is_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Prints `anthropic-files: MESSAGE` on stderr, unless quiet, with control
    /// characters and bidi overrides escaped (messages may quote the server).
    pub fn notice(&self, message: &str) {
        if !self.quiet {
            eprintln!(
                "{PROGRAM}: {}",
                crate::output::escape::for_terminal(message)
            );
        }
    }

    /// Asks `question` on a terminal and reads a yes (`y` or `yes`) from stdin.
    pub fn confirm(&self, question: &str) -> bool {
        eprint!(
            "{PROGRAM}: {} [y/N] ",
            crate::output::escape::for_terminal(question)
        );
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }

    /// Whether questions can be asked: stdin and stderr are terminals.
    pub fn interactive(&self) -> bool {
        self.stderr_is_terminal && std::io::stdin().is_terminal()
    }

    /// Where progress bars draw: stderr, or nowhere when quiet or when stderr
    /// is not a terminal.
    pub fn draw_target(&self) -> ProgressDrawTarget {
        if self.quiet || !self.stderr_is_terminal {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        }
    }

    /// A progress bar for a transfer of `total` bytes (when known), labelled
    /// `label`; hidden when quiet or when stderr is not a terminal.
    pub fn transfer_bar(&self, label: &str, total: Option<u64>) -> TransferBar {
        TransferBar::new(label, total, self.draw_target())
    }
}

/// A progress bar driven by the client's progress reports (the real bytes).
#[derive(Debug, Clone)]
pub struct TransferBar {
    bar: ProgressBar,
}

impl TransferBar {
    /// A bar drawn to `target`.
    pub fn new(label: &str, total: Option<u64>, target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(total, target);
        let template = if total.is_some() {
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}"
        } else {
            "{msg} {bytes} {bytes_per_sec}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_owned());
        Self { bar }
    }

    /// Records a progress report: bytes so far (from zero again after a retry)
    /// and the total when known.
    pub fn update(&self, progress: Progress) {
        if let Some(total) = progress.total
            && self.bar.length() != Some(total)
        {
            self.bar.set_length(total);
        }
        self.bar.set_position(progress.bytes);
    }

    /// A callback for the client's `on_progress`.
    pub fn callback(&self) -> impl Fn(Progress) + Send + Sync + 'static {
        let bar = self.clone();
        move |progress| bar.update(progress)
    }

    /// The bytes recorded so far.
    #[cfg(test)]
    fn position(&self) -> u64 {
        self.bar.position()
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_follows_the_real_bytes_and_restarts_after_a_retry() {
        let bar = TransferBar::new("upload", None, ProgressDrawTarget::hidden());
        let report = bar.callback();
        report(Progress::new(100, Some(300)));
        assert_eq!(bar.position(), 100);
        assert_eq!(bar.bar.length(), Some(300));
        report(Progress::new(300, Some(300)));
        assert_eq!(bar.position(), 300);
        report(Progress::new(10, Some(300)));
        assert_eq!(bar.position(), 10);
        bar.finish();
    }

    #[test]
    fn quiet_or_no_terminal_hides_the_bar() {
        let ui = Ui {
            quiet: true,
            stderr_is_terminal: true,
        };
        assert!(ui.transfer_bar("x", Some(1)).bar.is_hidden());
        let ui = Ui {
            quiet: false,
            stderr_is_terminal: false,
        };
        assert!(ui.transfer_bar("x", Some(1)).bar.is_hidden());
    }
}
