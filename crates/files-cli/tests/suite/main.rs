//! The integration tests of `anthropic-files`, one binary: a module per feature
//! under test, each running the built binary against [`support`]'s peer (an
//! in-process files-server on 127.0.0.1) or a raw socket.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod bulk;
mod cacert;
mod commands;
mod configuration;
mod exit_codes;
mod help;
mod local_input;
mod local_store;
mod output_formats;
mod serve;
mod server_text;
#[cfg(unix)]
mod signals;
mod sync;
mod timeouts;
