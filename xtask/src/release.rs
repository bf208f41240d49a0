//! `cargo xtask release <version>`: one version for every crate, a dated changelog,
//! and `cargo package` as a dry run over the publishable crates in dependency order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, value};

pub fn release(root: &Path, version: &str, verify: bool) -> Result<()> {
    check_version(version)?;

    let manifest_path = root.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)?;
    let bumped = bump_manifest(&manifest, version)?;

    let changelog_path = root.join("CHANGELOG.md");
    let changelog = std::fs::read_to_string(&changelog_path)?;
    let dated = date_changelog(&changelog, version, &today())?;

    std::fs::write(&manifest_path, bumped)?;
    std::fs::write(&changelog_path, dated)?;
    println!("release: every crate is now {version}; CHANGELOG.md has a [{version}] section");

    let order = publish_order(root)?;
    println!(
        "release: cargo package in dependency order: {}",
        order.join(" -> ")
    );
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(root).args(["package", "--allow-dirty"]);
    if !verify {
        cargo.arg("--no-verify");
    }
    for name in &order {
        cargo.args(["--package", name]);
    }
    let status = cargo.status().context("cannot start cargo package")?;
    if !status.success() {
        bail!("cargo package failed ({status})");
    }
    println!("release: packages are in target/package; nothing was published");
    Ok(())
}

/// A version is `MAJOR.MINOR.PATCH` with an optional `-pre` part.
fn check_version(version: &str) -> Result<()> {
    let core = version.split_once('-').map_or(version, |(core, _)| core);
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(numeric) {
        bail!("`{version}` is not a version like 1.2.3 or 1.2.3-rc.1");
    }
    Ok(())
}

/// Sets `[workspace.package] version` and the version of every path dependency
/// in `[workspace.dependencies]` (our own crates), keeping the file's layout.
pub fn bump_manifest(manifest: &str, version: &str) -> Result<String> {
    let mut doc: DocumentMut = manifest.parse().context("Cargo.toml is not TOML")?;
    set_keeping_comments(&mut doc["workspace"]["package"]["version"], version);
    if let Some(deps) = doc["workspace"]["dependencies"].as_table_like_mut() {
        for (_, dep) in deps.iter_mut() {
            if let Some(table) = dep.as_table_like_mut()
                && table.contains_key("path")
            {
                match table.get_mut("version") {
                    Some(item) => set_keeping_comments(item, version),
                    None => {
                        table.insert("version", value(version));
                    }
                }
            }
        }
    }
    Ok(doc.to_string())
}

/// Replaces a string value, keeping the spaces and comments around it.
fn set_keeping_comments(item: &mut toml_edit::Item, version: &str) {
    match item.as_value_mut() {
        Some(old) => {
            let decor = old.decor().clone();
            *old = toml_edit::Value::from(version);
            *old.decor_mut() = decor;
        }
        None => *item = value(version),
    }
}

/// Moves what is under `## [Unreleased]` into a new `## [version] - date` section
/// and leaves an empty Unreleased section on top.
pub fn date_changelog(changelog: &str, version: &str, date: &str) -> Result<String> {
    const HEADING: &str = "## [Unreleased]";
    let start = changelog
        .find(HEADING)
        .context("CHANGELOG.md has no `## [Unreleased]` section")?;
    let body_start = start + HEADING.len();
    let body_end = changelog[body_start..]
        .find("\n## [")
        .map_or(changelog.len(), |i| body_start + i + 1);
    let body = changelog[body_start..body_end].trim();
    if body.is_empty() {
        bail!("the Unreleased section of CHANGELOG.md is empty: nothing to release");
    }
    if changelog.contains(&format!("## [{version}]")) {
        bail!("CHANGELOG.md already has a [{version}] section");
    }
    Ok(format!(
        "{}{HEADING}\n\n## [{version}] - {date}\n\n{body}\n\n{}",
        &changelog[..start],
        &changelog[body_end..]
    )
    .trim_end()
    .to_owned()
        + "\n")
}

/// Today's date (UTC) as YYYY-MM-DD, from the days since 1970 (civil-from-days).
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The publishable workspace crates, each after the crates it depends on.
fn publish_order(root: &Path) -> Result<Vec<String>> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("cannot start cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed");
    }
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let packages = meta["packages"].as_array().context("no packages")?;
    let publishable = |p: &serde_json::Value| p["publish"].as_array().is_none_or(|r| !r.is_empty());
    let names: BTreeSet<String> = packages
        .iter()
        .filter(|p| publishable(p))
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    for package in packages.iter().filter(|p| publishable(p)) {
        let name = package["name"].as_str().context("a package has no name")?;
        let deps = package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].is_null()) // normal dependencies; dev/build ones are stripped
            .filter_map(|d| d["name"].as_str())
            .filter(|d| names.contains(*d))
            .map(str::to_owned)
            .collect();
        graph.insert(name.to_owned(), deps);
    }
    topological(&graph)
}

fn topological(graph: &BTreeMap<String, BTreeSet<String>>) -> Result<Vec<String>> {
    let mut order = Vec::new();
    let mut done = BTreeSet::new();
    while done.len() < graph.len() {
        let ready: Vec<&String> = graph
            .iter()
            .filter(|(name, deps)| !done.contains(*name) && deps.iter().all(|d| done.contains(d)))
            .map(|(name, _)| name)
            .collect();
        if ready.is_empty() {
            bail!("the workspace crates depend on each other in a cycle");
        }
        for name in ready {
            done.insert(name.clone());
            order.push(name.clone());
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_workspace_and_path_dependency_versions_only() {
        let manifest = "[workspace.package]\nversion = \"0.1.0\" # ours\n\n[workspace.dependencies]\nfiles-types = { path = \"crates/files-types\", version = \"0.1.0\" }\nserde = { version = \"1\", features = [\"derive\"] }\n";
        let bumped = bump_manifest(manifest, "0.2.0").unwrap();
        assert!(bumped.contains("version = \"0.2.0\" # ours"), "{bumped}");
        assert!(
            bumped.contains("files-types = { path = \"crates/files-types\", version = \"0.2.0\" }"),
            "{bumped}"
        );
        assert!(bumped.contains("serde = { version = \"1\""), "{bumped}");
    }

    #[test]
    fn moves_unreleased_under_the_new_version() {
        let log = "# Changelog\n\n## [Unreleased]\n\n### Added\n- a thing\n\n## [0.1.0] - 2026-01-01\n\n- old\n";
        let dated = date_changelog(log, "0.2.0", "2026-11-21").unwrap();
        assert_eq!(
            dated,
            "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-11-21\n\n### Added\n- a thing\n\n## [0.1.0] - 2026-01-01\n\n- old\n"
        );
        assert!(
            date_changelog(&dated, "0.3.0", "x").is_err(),
            "empty Unreleased is refused"
        );
        assert!(
            date_changelog(log, "0.1.0", "x").is_err(),
            "an existing version is refused"
        );
    }

    #[test]
    fn versions_are_checked() {
        assert!(check_version("1.2.3").is_ok());
        assert!(check_version("1.2.3-rc.1").is_ok());
        assert!(check_version("1.2").is_err());
        assert!(check_version("v1.2.3").is_err());
    }

    #[test]
    fn dates_and_order() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_413), "2025-11-21");
        let graph = BTreeMap::from([
            (
                "client".to_owned(),
                BTreeSet::from(["types".to_owned(), "transport".to_owned()]),
            ),
            ("transport".to_owned(), BTreeSet::from(["types".to_owned()])),
            ("types".to_owned(), BTreeSet::new()),
        ]);
        assert_eq!(
            topological(&graph).unwrap(),
            ["types", "transport", "client"]
        );
    }
}
