//! `--help` (the environment, the local store, the exit codes) and the
//! shell completions.

use crate::support::text;
use predicates::str::contains;

#[test]
fn help_documents_environment_local_store_and_exit_codes() {
    let store = tempfile::tempdir().unwrap();
    let out = crate::support::bare_cmd(store.path())
        .arg("--help")
        .assert()
        .success();
    let help = text(&out.get_output().stdout);
    for needle in [
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_FILES_STORE",
        "local store",
        "Exit codes",
        "3  network error",
        "--transform",
        "--format-error",
    ] {
        assert!(help.contains(needle), "--help mentions {needle}");
    }
    crate::support::bare_cmd(store.path())
        .args(["download", "--help"])
        .assert()
        .success()
        .stdout(contains("Content-Disposition"));
}

#[test]
fn completions_are_generated() {
    let store = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        crate::support::bare_cmd(store.path())
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(contains("retrieve-metadata"));
    }
    crate::support::bare_cmd(store.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}
