//! [`report`]: a failure on stderr, `anthropic-files: error: SUMMARY` then the
//! error JSON shaped by `--transform-error` and `--format-error`.

use std::io::{IsTerminal, Write};

use crate::cli::GlobalArgs;
use crate::failure::Failure;
use crate::output::{escape, format, transform};
use crate::ui::PROGRAM;

/// The longest summary line, in characters: a longer one is cut, and the
/// error JSON after it carries the whole (bounded) message, printed once.
const MAX_SUMMARY_CHARS: usize = 300;

/// `summary` cut to [`MAX_SUMMARY_CHARS`], saying where the rest is.
fn one_line_summary(summary: String) -> String {
    match summary.char_indices().nth(MAX_SUMMARY_CHARS) {
        Some((cut, _)) => format!(
            "{}… (cut here: the whole message is below)",
            &summary[..cut]
        ),
        None => summary,
    }
}

/// Prints the failure on stderr: `anthropic-files: error: SUMMARY`, then the
/// error JSON shaped by `--transform-error` and `--format-error`.
pub fn report(global: &GlobalArgs, failure: &Failure) {
    let stderr = std::io::stderr();
    let format = global.format_error.resolve(stderr.is_terminal());
    let mut json = failure.to_json();
    if let Some(path) = &global.transform_error {
        json = transform::apply(&json, path);
    }
    let summary = one_line_summary(failure.summary());
    let mut text = format!("{PROGRAM}: error: {}\n", escape::for_terminal(&summary)).into_bytes();
    if let Failure::Batch { .. } | Failure::Interrupted { .. } = failure {
        // Each item's error was reported with its result; an interruption
        // has nothing more to say.
        let _ = std::io::stderr().write_all(&text);
        return;
    }
    let strings = format::Strings {
        raw: global.raw_output,
        terminal: stderr.is_terminal(),
    };
    let _ = format.write_value(&mut text, &json, strings);
    let mut stderr = stderr.lock();
    let _ = stderr.write_all(&text);
    let _ = stderr.flush();
}
