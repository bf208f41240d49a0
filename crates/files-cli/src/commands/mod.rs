//! The commands that talk to the files API, one module each, each with the
//! one signature `run(&ItsArgs, Context)` (see [`context`]).

pub mod context;
pub mod delete;
pub mod download;
pub mod list;
pub mod retrieve_metadata;
pub mod sync;
pub mod upload;
