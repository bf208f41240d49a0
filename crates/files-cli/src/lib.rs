//! Not a library: files-cli is the `anthropic-files` binary (`src/main.rs`).
//!
//! This target is empty unless built with `--cfg fuzzing`, as cargo-fuzz builds
//! it: then it compiles the binary's modules once more so that the fuzz targets
//! in `fuzz/` (outside the workspace) reach the parsers a peer feeds, through a
//! hidden `__fuzz` module. Nothing else builds or uses it.
#![cfg(fuzzing)]
#![doc(hidden)]
// The binary's modules, as `src/main.rs` declares them: most of what they hold
// is used only by the binary.
#![allow(dead_code, unused_imports)]

mod backend;
mod bulk;
mod cli;
mod commands;
mod failure;
mod interrupt;
mod output;
mod serve;
mod ui;
mod walk;

// Entry points for the fuzz targets (`fuzz/`, docs/FUZZING.md).
#[path = "fuzz_entry.rs"]
pub mod __fuzz;
