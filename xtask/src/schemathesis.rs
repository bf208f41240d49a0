//! Schemathesis (an independent OpenAPI fuzzer, from PyPI) against files-server
//! with the project's own `docs/openapi/files.yaml`, once per API generation
//! (the document describes both on the same paths), time-boxed. Any server error
//! (5xx), schema violation, undocumented status or content type fails the run.
//! Run by `cargo xtask conformance` after the SDK checks; the tool gets a
//! virtual environment of its own under `target/conformance/`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::python::{run_limited, venv_with};
use crate::server::Server;

/// The Schemathesis release the project is checked with.
const VERSION: &str = "4.32.5";

/// Each generation's time budget, and the hard limit on its process.
const BUDGET_SECONDS: &str = "25";
const PROCESS_LIMIT: Duration = Duration::from_secs(180);

/// The checks that must pass: no 5xx, every answer as documented.
const CHECKS: &str = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance,unsupported_method,allow_header_conformance";

/// The headers of each generation.
const GENERATIONS: [(&str, &[&str]); 2] = [
    (
        "beta",
        &[
            "anthropic-version: 2023-06-01",
            "anthropic-beta: files-api-2025-04-14",
        ],
    ),
    ("ga", &["anthropic-version: 2026-10-21"]),
];

pub fn run(root: &Path, server_bin: &Path, target: &Path) -> Result<()> {
    let python = venv_with(
        &target.join("conformance").join("venv-schemathesis"),
        "schemathesis",
        VERSION,
    )?;
    let schemathesis = python.with_file_name("schemathesis");
    let schema = root.join("docs/openapi/files.yaml");
    let mut failures = Vec::new();
    for (generation, headers) in GENERATIONS {
        let data = target
            .join("conformance")
            .join(format!("data-schemathesis-{generation}"));
        if data.exists() {
            std::fs::remove_dir_all(&data)?;
        }
        let data = data.display().to_string();
        let mut server = Server::start_with(
            server_bin,
            &[
                "--listen",
                "127.0.0.1:0",
                "--uploads-downloadable",
                "--max-file-size",
                "1048576",
                "--data-dir",
                &data,
            ],
        )?;
        println!(
            "conformance: schemathesis {VERSION} ({generation}) against {}",
            server.url
        );
        let mut command = Command::new(&schemathesis);
        command
            .current_dir(target.join("conformance"))
            .arg("run")
            .arg(&schema)
            .args(["--url", &server.url])
            .args(["--header", "x-api-key: sk-schemathesis"])
            .args(["--checks", CHECKS])
            .args(["--max-time", BUDGET_SECONDS])
            .args(["--workers", "2", "--seed", "1", "--request-timeout", "30"])
            .args(["--report", "junit", "--report-dir"])
            .arg(
                target
                    .join("conformance")
                    .join(format!("schemathesis-{generation}")),
            );
        for header in headers {
            command.args(["--header", header]);
        }
        let outcome = run_limited(&mut command, PROCESS_LIMIT);
        server.stop();
        match outcome {
            Ok(true) => println!("conformance: schemathesis ({generation}) passed"),
            Ok(false) => failures.push(generation.to_owned()),
            Err(err) => failures.push(format!("{generation}: {err:#}")),
        }
    }
    if !failures.is_empty() {
        bail!("schemathesis found problems ({})", failures.join(", "));
    }
    Ok(())
}
