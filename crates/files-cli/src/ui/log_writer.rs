//! [`EscapingStderr`]: where `--debug`'s log lines go. Log fields carry server
//! text (error messages in "retrying" lines, the server's own log lines), and
//! the formatter writes them as they are; this writer escapes every control
//! character and bidi override but the line ends, whatever the formatter did.

use std::io::{self, Write};

use crate::output::escape::for_terminal;

/// Writes to stderr with controls and bidi overrides escaped (`\u{1b}`),
/// newlines kept.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EscapingStderr;

impl EscapingStderr {
    /// `bytes` as text safe for a terminal, line ends kept.
    pub(crate) fn escaped(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let mut out = String::with_capacity(text.len());
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&for_terminal(line));
        }
        out
    }
}

impl Write for EscapingStderr {
    // The formatter hands over one whole event per call, so no character is
    // split between calls.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stderr()
            .lock()
            .write_all(Self::escaped(buf).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_are_escaped_and_line_ends_kept() {
        assert_eq!(
            EscapingStderr::escaped("a \u{1b}]0;t\u{7} \u{9b}2J\u{202E}b\r\nnext\n".as_bytes()),
            "a \\u{1b}]0;t\\u{7} \\u{9b}2J\\u{202e}b\\u{d}\nnext\n"
        );
    }
}
