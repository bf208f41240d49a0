//! The commands that talk to the files API, one module each.

pub mod delete;
pub mod download;
pub mod list;
pub mod retrieve_metadata;
pub mod upload;

pub use crate::document::from_model as to_json;
