//! The commands that talk to the files API, one module each.

pub mod delete;
pub mod download;
pub mod download_all;
pub mod list;
pub mod retrieve_metadata;
pub mod sync;
pub mod upload;
pub mod upload_many;

pub use crate::document::from_model as to_json;
