//! Walking an error's source chain: what the built-in transports share to map
//! their HTTP stack's errors onto [`TransportErrorKind`](crate::TransportErrorKind)s.

use std::error::Error as StdError;
use std::io;

/// The causes of `err`, itself first. Unlike [`StdError::source`], this also
/// steps *into* custom [`io::Error`]s, whose `source` skips the wrapped error.
pub(crate) fn causes<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(err), |&current| {
        if let Some(io) = current.downcast_ref::<io::Error>()
            && let Some(inner) = io.get_ref()
        {
            return Some(inner as &(dyn StdError + 'static));
        }
        current.source()
    })
}

/// Whether an [`io::Error`] of `kind` is anywhere in the chain of `err`.
pub(crate) fn has_io_kind(err: &(dyn StdError + 'static), kind: io::ErrorKind) -> bool {
    causes(err).any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == kind)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_step_into_nested_io_errors() {
        #[derive(Debug)]
        struct Inner;
        impl std::fmt::Display for Inner {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("inner")
            }
        }
        impl StdError for Inner {}
        let nested = io::Error::other(io::Error::new(io::ErrorKind::InvalidData, Inner));
        let root: &(dyn StdError + 'static) = &nested;
        assert!(causes(root).any(|c| c.is::<Inner>()));
        assert!(has_io_kind(root, io::ErrorKind::InvalidData));
        assert!(!has_io_kind(root, io::ErrorKind::TimedOut));
    }
}
