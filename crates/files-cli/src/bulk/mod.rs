//! The many-files runner the bulk commands share (`upload` of several paths,
//! `download --all-downloadable`, `delete` of several ids, `sync`): [`run`]
//! drives a bulk stream, [`display`] draws its progress, [`results`] writes one
//! result per item.

pub mod display;
pub mod results;
pub mod run;
