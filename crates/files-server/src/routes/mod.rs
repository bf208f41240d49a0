//! The request handlers, one module per route family.

pub(crate) mod admin;
pub(crate) mod disposition;
mod extension;
pub(crate) mod file;
pub(crate) mod list;
mod min_rate;
pub(crate) mod part_headers;
pub(crate) mod query;
mod refuse;
pub(crate) mod upload;

pub(crate) use refuse::refuse_unread;
