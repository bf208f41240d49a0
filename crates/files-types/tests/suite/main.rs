//! The files-types test suite, one binary: a module per feature under test.

// Test helpers outside #[test] fns may unwrap too: a failure fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod model_props;
mod timestamp_props;
mod validation_props;
