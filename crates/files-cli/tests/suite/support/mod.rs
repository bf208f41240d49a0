//! Test peer for the `anthropic-files` binary: an in-process files-server on
//! 127.0.0.1 (files-server's `test_util::BackgroundServer`) and a command
//! builder pointed at it, with the environment cleared.

#[cfg(unix)]
pub mod pty;

use std::collections::HashMap;
use std::path::Path;

use assert_cmd::Command;
use files_server::test_util::BackgroundServer;
use files_server::{GeneratedFile, ServerConfig};
use serde_json::Value;

/// The key the tests pass with --api-key.
pub const KEY: &str = "sk-ant-test-secret-4f2a";

/// A files-server running on its own runtime for one test; stopped on drop.
pub struct TestServer {
    server: BackgroundServer,
    pub base_url: String,
    /// An isolated, never-used local store: a command that wrongly falls back to
    /// the embedded default touches only this.
    pub store: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> Self {
        Self::with_config(ServerConfig::new())
    }

    pub fn with_config(config: ServerConfig) -> Self {
        let server = BackgroundServer::start(config).unwrap();
        Self {
            base_url: server.base_url().to_owned(),
            server,
            store: tempfile::tempdir().unwrap(),
        }
    }

    /// A downloadable (platform-generated) file.
    pub fn generated(&self, name: &str, content: &[u8]) -> String {
        let file = GeneratedFile::new(name, content.to_vec());
        self.server
            .block_on(self.server.server().create_generated_file(file))
            .unwrap()
            .id
    }

    /// The server's scripted faults.
    pub fn faults(&self) -> &files_server::FaultQueue {
        self.server.server().faults()
    }

    /// How many files the server stores.
    pub fn file_count(&self) -> u64 {
        self.server
            .block_on(self.server.server().file_count())
            .unwrap()
    }

    /// Every file the server stores, as `list --format json` prints them.
    pub fn listing(&self) -> Vec<Value> {
        let out = self
            .cmd()
            .args(["list", "--format", "json"])
            .assert()
            .success();
        json(&out.get_output().stdout).as_array().unwrap().clone()
    }

    /// How many stored files have each filename.
    pub fn filename_counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for file in self.listing() {
            *counts
                .entry(file["filename"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
        counts
    }

    /// The same command as [`TestServer::cmd`], as a `std::process::Command` (to spawn and kill).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = bare_std_cmd(self.store.path());
        cmd.args(["--base-url", &self.base_url, "--api-key", KEY]);
        cmd
    }

    /// `anthropic-files --base-url URL --api-key KEY`, environment cleared.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// Uploads `content` as `name` through the CLI and returns the file's id.
    pub fn upload(&self, dir: &Path, name: &str, content: &[u8]) -> String {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let out = self.cmd().arg("upload").arg(&path).assert().success();
        json(&out.get_output().stdout)["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// `anthropic-files` with no configuration from the environment, and the local
/// store (should it be used) in `store`.
pub fn bare_cmd(store: &Path) -> Command {
    Command::from_std(bare_std_cmd(store))
}

/// [`bare_cmd`], as a `std::process::Command`.
pub fn bare_std_cmd(store: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_anthropic-files"));
    for var in [
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_LOG",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "FILES_SERVER_DATA_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("ANTHROPIC_FILES_STORE", store);
    cmd
}

/// Parses JSON output.
pub fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

/// Text output.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The error JSON after the one-line summary on stderr.
pub fn error_json(stderr: &[u8]) -> (String, Value) {
    let stderr = text(stderr);
    let (summary, rest) = stderr.split_once('\n').unwrap();
    (summary.to_owned(), json(rest.as_bytes()))
}
