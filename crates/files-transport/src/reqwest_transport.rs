//! `ReqwestTransport` over reqwest **0.13** (feature `reqwest`): the
//! transport of `reqwest_shared/` compiled against reqwest 0.13. Its docs (on
//! the type, re-exported at the crate root) hold for both versions.

// The shared code names the reqwest crate as `super::reqwest`.
#[allow(clippy::single_component_path_imports)]
use ::reqwest;

/// The reqwest version this module's transport is compiled against.
const REQWEST_VERSION: &str = "0.13";

// Compiled once per reqwest version, on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "reqwest_shared/transport.rs"]
mod shared;

pub use shared::ReqwestTransport;
