//! The exit codes of `anthropic-files`, one per class of failure.

/// Success.
pub const SUCCESS: u8 = 0;
/// The API answered with an error status (or an answer that could not be read).
pub const API_ERROR: u8 = 1;
/// A usage error: a bad flag or argument, invalid input refused before sending
/// (a filename with a forbidden character, a limit out of range, ...), or an
/// unusable configuration. clap's own usage errors exit with this code too.
pub const USAGE: u8 = 2;
/// The API could not be reached, or the answer did not arrive: a connection
/// error, a timeout, a body cut short.
pub const NETWORK: u8 = 3;
/// A local file or directory could not be read or written (including stdout and
/// the local store).
pub const LOCAL_IO: u8 = 4;
/// Interrupted by Ctrl-C (SIGINT): 128 + 2, as shells report it.
pub const INTERRUPTED: u8 = 130;
/// Ended by SIGTERM: 128 + 15.
pub const TERMINATED: u8 = 143;
