//! `cargo xtask embedder`: an outside crate (`xtask/embedder`) uses files-client
//! and files-transport by path with `default-features = false, features =
//! ["reqwest"]` and its own `reqwest::Client`. This checks that nothing of the
//! hyper transport is in its dependency tree, then runs its upload, list and
//! delete against files-server.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::server::{self, Server};

/// Crates of the hyper transport that must not be in the embedder's tree.
const HYPER_TRANSPORT_ONLY: [&str; 2] = ["hyper-rustls", "webpki-roots"];

pub fn run(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = root.join("xtask/embedder/Cargo.toml");
    let target = server::target_dir(root);
    let tree = Command::new(&cargo)
        .args([
            "tree",
            "--quiet",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .context("cannot run cargo tree")?;
    if !tree.status.success() {
        bail!(
            "cargo tree failed: {}",
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
                "{name} is in the embedder's tree: the hyper transport leaks into `default-features = false, features = [\"reqwest\"]`"
            );
        }
    }
    println!(
        "embedder: no hyper transport crate in the tree ({} crates)",
        tree.lines().count()
    );

    let server_bin = server::build(root, false)?;
    let data = tempfile::tempdir()?;
    let server = Server::start_with(
        &server_bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            &data.path().display().to_string(),
        ],
    )?;
    let status = Command::new(&cargo)
        .args(["run", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", target.join("embedder"))
        .env("FILES_BASE_URL", &server.url)
        .status()
        .context("cannot run the embedder")?;
    drop(server);
    if !status.success() {
        bail!("the embedder failed against files-server");
    }
    Ok(())
}
