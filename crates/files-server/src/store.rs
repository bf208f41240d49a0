//! Durable storage: metadata in SQLite, bytes in files.
//!
//! Layout of the data directory:
//!
//! ```text
//! files-server.lock    held (flock) by the one process that owns the store
//! files.sqlite3        metadata (WAL, synchronous=FULL)
//! blobs/<file id>      the bytes of each stored file
//! tmp/                 uploads in progress; emptied at start
//! ```
//!
//! One process owns a data directory: [`Store::open`] takes an exclusive lock on
//! `files-server.lock` before it touches anything and holds it for the store's
//! lifetime, so a second server cannot clear the first one's uploads in progress
//! or reuse its sequence numbers.
//!
//! An upload is written to `tmp/`, fsynced, renamed into `blobs/` (and the directory
//! fsynced) inside the transaction that inserts its metadata. A crash before the
//! commit leaves at most an orphan blob, which is removed at the next start, so no
//! half-written or unlisted file is ever visible and every committed file survives a
//! restart. Deleting commits the metadata removal first, then removes the bytes.
//! Expired files are purged the same way (metadata, then bytes).

mod dir_lock;
pub(crate) mod disk;
mod error;
mod open;
mod readers;
mod reads;
mod records;
mod schema;
mod writes;

pub(crate) use error::StoreError;
pub(crate) use open::Store;
pub(crate) use records::{FileRecord, NewFile, Start};

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "store/counter_tests.rs"]
mod counter_tests;
