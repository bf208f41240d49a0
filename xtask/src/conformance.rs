//! `cargo xtask conformance`: the official Python SDK as a second, independent client
//! of files-server. Each SDK version gets a virtual environment of its own (under
//! `target/conformance/`) and a fresh server; `xtask/conformance/conformance.py`
//! drives the whole lifecycle and asserts what the SDK sees. Schemathesis runs
//! after (see `schemathesis.rs`); both use `python.rs` for their virtual
//! environments.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::python::{run_limited, venv};
use crate::server::{self, Server};

/// The SDK versions and the generation each one drives.
const SDKS: [(&str, &str); 2] = [("1.0.0", "beta"), ("2.12.0", "ga")];

/// The server's per-file limit during the run (the script's oversize case needs it).
const MAX_FILE_SIZE: &str = "1048576";

/// The admin token the conformance servers are started with (a test secret).
pub(crate) const ADMIN_TOKEN: &str = "conformance-admin-token";

/// The longest one SDK's run may take.
const RUN_LIMIT: Duration = Duration::from_secs(300);

pub fn run(root: &Path) -> Result<()> {
    let server_bin = server::build(root, false)?;
    let target = server::target_dir(root);
    let script = root.join("xtask/conformance/conformance.py");

    let mut failures = Vec::new();
    for (version, generation) in SDKS {
        let python = venv(
            &target.join("conformance").join(format!("venv-{version}")),
            version,
        )?;
        let data = target.join("conformance").join(format!("data-{version}"));
        if data.exists() {
            std::fs::remove_dir_all(&data)?;
        }
        let mut server = start_server(&server_bin, &data)?;
        println!(
            "conformance: anthropic=={version} ({generation}) against {}",
            server.url
        );
        let outcome = run_limited(
            Command::new(&python).arg(&script).args([
                "--base-url",
                &server.url,
                "--generation",
                generation,
                "--admin-token",
                ADMIN_TOKEN,
            ]),
            RUN_LIMIT,
        );
        server.stop();
        match outcome {
            Ok(true) => println!("conformance: anthropic=={version} ({generation}) passed"),
            Ok(false) => failures.push(format!("anthropic=={version} ({generation})")),
            Err(err) => failures.push(format!("anthropic=={version} ({generation}): {err:#}")),
        }
    }
    if !failures.is_empty() {
        bail!("conformance failed for {}", failures.join(", "));
    }
    println!("conformance: every SDK passed");
    crate::schemathesis::run(root, &server_bin, &target)
}

/// files-server for one SDK: the admin token and the per-file limit the script
/// expects, data in `data`.
fn start_server(bin: &Path, data: &Path) -> Result<Server> {
    let data = data.display().to_string();
    Server::start_with(
        bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--admin-token",
            ADMIN_TOKEN,
            "--max-file-size",
            MAX_FILE_SIZE,
            "--data-dir",
            &data,
        ],
    )
}
