//! [`BulkDisplay`]: the progress of a bulk run on a terminal (indicatif's
//! `MultiProgress`): one overall bar (files done and failed, bytes of the
//! total), and one bar per active transfer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use files_client::{BulkProgress, Progress};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ui::Ui;

/// The most transfers shown at once; the others still count in the overall bar.
const MAX_ACTIVE_BARS: usize = 8;

/// The progress of one bulk run: hidden when quiet or when stderr is not a terminal.
#[derive(Debug, Clone)]
pub struct BulkDisplay {
    multi: MultiProgress,
    overall: ProgressBar,
    active: Arc<Mutex<HashMap<usize, ProgressBar>>>,
    label: Arc<str>,
    files: usize,
    /// The client whose adaptive rate the overall bar shows once throttled.
    rate: Arc<Mutex<Option<files_client::Client>>>,
}

impl BulkDisplay {
    /// The progress display of a bulk run of `files` items (`bytes` in all, when
    /// known) for `ui`: hidden when quiet or when stderr is not a terminal.
    pub fn for_ui(ui: Ui, label: &str, files: usize, bytes: Option<u64>) -> Self {
        Self::new(label, files, bytes, ui.draw_target())
    }

    /// A display of `files` items labelled `label` (e.g. `upload`), drawn to `target`.
    pub fn new(label: &str, files: usize, bytes: Option<u64>, target: ProgressDrawTarget) -> Self {
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(ProgressBar::new(bytes.unwrap_or(0)));
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        ) {
            overall.set_style(style.progress_chars("=> "));
        }
        let display = Self {
            multi,
            overall,
            active: Arc::new(Mutex::new(HashMap::new())),
            label: Arc::from(label),
            files,
            rate: Arc::default(),
        };
        display.update(BulkProgress::default());
        display
    }

    /// Records the bulk run's progress (for the bulk stream's `on_progress`).
    pub fn update(&self, progress: BulkProgress) {
        if progress.bytes_total > 0 && self.overall.length() != Some(progress.bytes_total) {
            self.overall.set_length(progress.bytes_total);
        }
        self.overall.set_position(progress.bytes);
        self.overall.set_message(self.message(progress));
    }

    /// `upload 3/10 files, 1 failed, 2 re-queued, throttled: 95 requests/min`.
    fn message(&self, progress: BulkProgress) -> String {
        let mut message = format!("{} {}/{} files", self.label, progress.done, self.files);
        if progress.failed > 0 {
            message.push_str(&format!(", {} failed", progress.failed));
        }
        if progress.requeued > 0 {
            message.push_str(&format!(", {} re-queued", progress.requeued));
        }
        let rate = self
            .rate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .and_then(files_client::Client::send_rate);
        if let Some(per_second) = rate {
            message.push_str(&format!(
                ", throttled: {:.0} requests/min",
                per_second * 60.0
            ));
        }
        message
    }

    /// A callback for the bulk stream's `on_progress`, which also shows
    /// `client`'s adaptive send rate once the server throttles it.
    pub fn observer(
        &self,
        client: &files_client::Client,
    ) -> impl Fn(BulkProgress) + Send + Sync + 'static {
        *self.rate.lock().unwrap_or_else(PoisonError::into_inner) = Some(client.clone());
        let display = self.clone();
        move |progress| display.update(progress)
    }

    /// Shows item `index` (named `name`, of `size` bytes when known) as active;
    /// returns the callback for its own progress.
    pub fn start_item(
        &self,
        index: usize,
        name: &str,
        size: Option<u64>,
    ) -> impl Fn(Progress) + Send + Sync + 'static {
        let mut active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        let bar = if active.len() < MAX_ACTIVE_BARS && !self.overall.is_hidden() {
            let bar = self.multi.add(ProgressBar::new(size.unwrap_or(0)));
            if let Ok(style) =
                ProgressStyle::with_template("  {msg:30!} [{bar:20}] {bytes}/{total_bytes}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(crate::output::escape::for_terminal(name).into_owned());
            active.insert(index, bar.clone());
            Some(bar)
        } else {
            None
        };
        move |progress: Progress| {
            if let Some(bar) = &bar {
                if let Some(total) = progress.total {
                    bar.set_length(total);
                }
                bar.set_position(progress.bytes);
            }
        }
    }

    /// Removes item `index` from the active transfers.
    pub fn end_item(&self, index: usize) {
        let bar = self
            .active
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&index);
        if let Some(bar) = bar {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }

    /// Removes the display from the terminal.
    pub fn finish(&self) {
        let bars: Vec<ProgressBar> = self
            .active
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .map(|(_, bar)| bar)
            .collect();
        for bar in bars {
            bar.finish_and_clear();
        }
        self.overall.finish_and_clear();
        let _ = self.multi.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overall_bar_says_what_was_requeued() {
        let display = BulkDisplay::new("upload", 3, None, ProgressDrawTarget::hidden());
        let mut progress = BulkProgress::default();
        progress.done = 1;
        progress.requeued = 2;
        assert_eq!(display.message(progress), "upload 1/3 files, 2 re-queued");
    }

    #[test]
    fn the_overall_bar_counts_files_and_bytes() {
        let display = BulkDisplay::new("upload", 3, Some(300), ProgressDrawTarget::hidden());
        let mut progress = BulkProgress::default();
        progress.done = 2;
        progress.failed = 1;
        progress.bytes = 200;
        progress.bytes_total = 300;
        display.update(progress);
        assert_eq!(display.overall.position(), 200);
        assert_eq!(display.overall.length(), Some(300));
        assert_eq!(display.overall.message(), "upload 2/3 files, 1 failed");
        let report = display.start_item(0, "a.txt", Some(10));
        report(Progress::new(5, Some(10)));
        display.end_item(0);
        display.finish();
    }
}
