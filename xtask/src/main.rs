//! Project chores for anthropic-files, run as `cargo xtask <command>`.
//!
//! - `codegen [--check]`: generate `crates/files-types/src/generated.rs` from
//!   `docs/openapi/files.yaml`; with `--check`, fail when the committed file drifts.
//! - `ci`: run exactly what `.ci/run` runs.
//! - `conformance`: the official Python SDK (two versions) against files-server,
//!   then Schemathesis with `docs/openapi/files.yaml` (both generations).
//! - `embedder`: outside crates with files-client over a host's own reqwest
//!   0.13 client, a reqwest 0.12 client, and a tower stack beside
//!   anthropic-ai-sdk (default features off) against files-server, with no
//!   crate of the hyper transport in their trees.
//! - `soak [--long]`: concurrent clients against files-server (release with `--long`), a
//!   `kill -9` in the middle, a restart, and a check that nothing acknowledged was lost.
//! - `fuzz [--long] [--seconds N] [TARGET...]`: the cargo-fuzz targets in
//!   `fuzz/`, a short fixed time each (CI), or ten minutes each with `--long`;
//!   see docs/FUZZING.md.
//! - `fuzz-seeds`: the chosen seeds of the structure-aware fuzz targets,
//!   encoded as `arbitrary` decodes them (docs/FUZZING.md).
//! - `bench [--quick]`: benchmarks side by side with curl and the Python SDK.
//! - `bench-rate`: bulk uploads under a server's rate limit and through faults.
//! - `release <version> [--no-verify]`: bump every crate's version, move the
//!   Unreleased section of CHANGELOG.md under the new version, and run
//!   `cargo package` as a dry run in dependency order.

mod bench;
mod codegen;
mod conformance;
mod embedder;
mod fuzz;
mod fuzz_seeds;
mod hostile;
mod python;
mod release;
mod schemathesis;
mod server;
mod soak;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]                generate files-types' wire models from docs/openapi/files.yaml
  ci                               run exactly what .ci/run runs
  conformance                      drive files-server with the official Python SDK (1.0.0 beta, 2.12.0 GA), then Schemathesis
  embedder                         outside crates over reqwest 0.13, 0.12 and tower (no hyper transport) against files-server
  soak [--long]                    concurrent clients, kill -9, restart, verify nothing acknowledged was lost
  fuzz [--long] [--seconds N] [T]  run every fuzz target (or T) for 10 s each, 10 min with --long; see docs/FUZZING.md
  fuzz-seeds                       write the structure-aware fuzz targets' chosen seeds into fuzz/corpus/
  bench [--quick]                  benchmarks against curl and the Python SDK; writes docs/BENCHMARKS.md
  bench-rate                       bulk uploads under a rate limit and through faults; writes docs/BENCHMARKS.md
  hostile [--quick]                issue 18's figures against a release files-server: half-open and slow
                                   connections, stalled HTTP/2 streams, upload cost at a million files
  release <version> [--no-verify]  bump versions, date the changelog, cargo package in dependency order";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let root = workspace_root()?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen::write(&root),
        ["codegen", "--check"] => codegen::check(&root),
        ["ci"] => ci(&root),
        ["conformance"] => conformance::run(&root),
        ["embedder"] => embedder::run(&root),
        ["soak"] => soak::run(&root, false),
        ["soak", "--long"] => soak::run(&root, true),
        ["fuzz", rest @ ..] => fuzz::main(&root, rest),
        ["fuzz-seeds"] => fuzz_seeds::run(&root),
        ["bench"] => bench::run(&root, false),
        ["bench", "--quick"] => bench::run(&root, true),
        ["bench-rate"] => bench::rate::run(&root),
        ["hostile"] => hostile::run(&root, false),
        ["hostile", "--quick"] => hostile::run(&root, true),
        ["release", version] => release::release(&root, version, true),
        ["release", version, "--no-verify"] => release::release(&root, version, false),
        ["help" | "--help" | "-h"] | [] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown arguments {args:?}\n\n{USAGE}"),
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .context("xtask has no parent directory")
}

/// `.ci/run` is the single list of CI steps; `cargo xtask ci` runs that list.
fn ci(root: &std::path::Path) -> Result<()> {
    let status = Command::new("bash")
        .arg(root.join(".ci/run"))
        .current_dir(root)
        .status()
        .context("cannot start bash .ci/run")?;
    if !status.success() {
        bail!(".ci/run failed ({status})");
    }
    Ok(())
}
