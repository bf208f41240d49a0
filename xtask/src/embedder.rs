//! `cargo xtask embedder`: outside crates (`xtask/embedder/*`), as other SDKs
//! would be, use files-client and files-transport by path with default
//! features off: one over a host's reqwest 0.13 client, one over a reqwest
//! 0.12 client, and one with a tower stack over a reqwest 0.12 client that a
//! published host SDK (anthropic-ai-sdk) shares. For each, this checks that
//! nothing of the hyper transport is in its dependency tree, then runs its
//! Files lifecycle against files-server.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::server::{self, Server};

/// Crates of the hyper transport that must not be in an embedder's tree.
const HYPER_TRANSPORT_ONLY: [&str; 2] = ["hyper-rustls", "webpki-roots"];

/// The embedders: package names in `xtask/embedder`'s workspace.
const EMBEDDERS: [&str; 3] = [
    "embedder-reqwest-0-13",
    "embedder-reqwest-0-12",
    "embedder-tower",
];

/// The admin token of the files-server the embedders run against (the tower
/// embedder queues a fault through it).
const ADMIN_TOKEN: &str = "embedder-admin";

pub fn run(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = root.join("xtask/embedder/Cargo.toml");
    let target = server::target_dir(root).join("embedder");
    for package in EMBEDDERS {
        check_tree(&cargo, &manifest, package)?;
    }

    let server_bin = server::build(root, false)?;
    let data = tempfile::tempdir()?;
    let server = Server::start_with(
        &server_bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            &data.path().display().to_string(),
            "--admin-token",
            ADMIN_TOKEN,
        ],
    )?;
    for package in EMBEDDERS {
        let status = Command::new(&cargo)
            .args(["run", "--quiet", "-p", package, "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", &target)
            .env("FILES_BASE_URL", &server.url)
            .env("FILES_ADMIN_TOKEN", ADMIN_TOKEN)
            .status()
            .with_context(|| format!("cannot run {package}"))?;
        if !status.success() {
            bail!("{package} failed against files-server");
        }
    }
    drop(server);
    Ok(())
}

/// Fails when a crate of the hyper transport is in `package`'s tree.
fn check_tree(cargo: &str, manifest: &Path, package: &str) -> Result<()> {
    let tree = Command::new(cargo)
        .args([
            "tree",
            "--quiet",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            package,
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .context("cannot run cargo tree")?;
    if !tree.status.success() {
        bail!(
            "cargo tree -p {package} failed: {}",
            String::from_utf8_lossy(&tree.stderr)
        );
    }
    let tree = String::from_utf8_lossy(&tree.stdout);
    for name in HYPER_TRANSPORT_ONLY {
        if tree
            .lines()
            .any(|line| line.starts_with(&format!("{name} v")))
        {
            bail!(
                "{name} is in {package}'s tree: the hyper transport leaks into `default-features = false`"
            );
        }
    }
    println!(
        "embedder: no hyper transport crate in {package}'s tree ({} crates)",
        tree.lines().count()
    );
    Ok(())
}
