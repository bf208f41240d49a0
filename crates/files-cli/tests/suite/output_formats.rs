//! What the commands print: every `--format` for one file and for a
//! listing, and `--transform` / `--raw-output` shaping the results.

use crate::support::{TestServer, json, text};

#[test]
fn every_format_prints_one_file() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let id = server.upload(dir.path(), "a.txt", b"abc");
    let run = |format: &str| {
        let out = server
            .cmd()
            .args(["retrieve-metadata", &id, "--format", format])
            .assert()
            .success();
        text(&out.get_output().stdout)
    };

    let pretty_json = run("json");
    assert!(
        pretty_json.starts_with("{\n  \"id\": \"file_"),
        "2-space JSON in the API's order: {pretty_json}"
    );
    assert_eq!(json(pretty_json.as_bytes())["filename"], "a.txt");
    assert_eq!(
        run("auto"),
        pretty_json,
        "auto is json when stdout is not a terminal"
    );

    let jsonl = run("jsonl");
    assert_eq!(jsonl.lines().count(), 1);
    assert!(jsonl.starts_with("{\"id\":\"file_"), "{jsonl}");
    assert_eq!(json(jsonl.as_bytes()), json(pretty_json.as_bytes()));
    assert_eq!(run("raw"), jsonl, "raw is compact JSON for an object");

    let yaml = run("yaml");
    assert!(yaml.starts_with("id: file_"), "{yaml}");
    assert!(
        yaml.contains("\nfilename: a.txt\n") && yaml.contains("\nsize_bytes: 3\n"),
        "{yaml}"
    );
    let parsed: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(parsed, json(pretty_json.as_bytes()));

    let pretty = run("pretty");
    let first = pretty.lines().next().unwrap();
    assert!(first.starts_with("id:") && first.ends_with(&id), "{pretty}");
    assert!(
        pretty
            .lines()
            .any(|l| l.starts_with("filename:") && l.ends_with(" a.txt")),
        "{pretty}"
    );
}

#[test]
fn every_format_prints_a_listing() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = ["one.txt", "two.txt", "three.txt"]
        .iter()
        .map(|name| server.upload(dir.path(), name, name.as_bytes()))
        .collect();
    let newest_first: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    let run = |format: &str| {
        let out = server
            .cmd()
            .args(["list", "--format", format])
            .assert()
            .success();
        text(&out.get_output().stdout)
    };
    let ids_of = |value: &serde_json::Value| -> Vec<String> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };

    let array = run("json");
    assert!(array.starts_with("[\n  {\n    \"id\""), "{array}");
    assert_eq!(ids_of(&json(array.as_bytes())), newest_first);

    let jsonl = run("jsonl");
    let lines: Vec<serde_json::Value> = jsonl.lines().map(|l| json(l.as_bytes())).collect();
    assert_eq!(lines.len(), 3, "one line per file: {jsonl}");
    assert_eq!(lines[0]["id"], newest_first[0]);

    let raw = run("raw");
    assert_eq!(raw.lines().count(), 1, "one compact array: {raw}");
    assert_eq!(ids_of(&json(raw.as_bytes())), newest_first);

    let yaml = run("yaml");
    assert!(yaml.starts_with("- id: file_"), "{yaml}");
    let parsed: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(ids_of(&parsed), newest_first);

    let pretty = run("pretty");
    let lines: Vec<&str> = pretty.lines().collect();
    assert_eq!(lines.len(), 4, "a header and a row per file: {pretty}");
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("FILENAME") && lines[0].contains("SIZE"),
        "{pretty}"
    );
    assert!(
        lines[1].starts_with(newest_first[0]) && lines[1].contains("three.txt"),
        "{pretty}"
    );

    // An empty listing.
    let empty = TestServer::start();
    let out = empty
        .cmd()
        .args(["list", "--format", "json"])
        .assert()
        .success();
    assert_eq!(text(&out.get_output().stdout), "[]\n");
    let out = empty
        .cmd()
        .args(["list", "--format", "pretty"])
        .assert()
        .success();
    assert_eq!(text(&out.get_output().stdout), "No files.\n");
}

#[test]
fn transform_and_raw_output_shape_results() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let id = server.upload(dir.path(), "report.pdf", b"%PDF-1.4");
    let run = |args: &[&str]| {
        let out = server.cmd().args(args).assert().success();
        text(&out.get_output().stdout)
    };

    assert_eq!(
        run(&["retrieve-metadata", &id, "--transform", "filename"]),
        "\"report.pdf\"\n"
    );
    assert_eq!(
        run(&["retrieve-metadata", &id, "--transform", "filename", "-r"]),
        "report.pdf\n"
    );
    assert_eq!(
        run(&[
            "retrieve-metadata",
            &id,
            "--transform",
            "filename",
            "--raw-output"
        ]),
        "report.pdf\n"
    );
    assert_eq!(
        run(&[
            "retrieve-metadata",
            &id,
            "--transform",
            "size_bytes",
            "--format",
            "raw"
        ]),
        "8\n"
    );
    assert_eq!(
        run(&["retrieve-metadata", &id, "--transform", "no.such.field"]),
        "null\n"
    );
    assert_eq!(
        run(&[
            "retrieve-metadata",
            &id,
            "--transform",
            "{filename,size_bytes}",
            "--format",
            "jsonl"
        ]),
        "{\"filename\":\"report.pdf\",\"size_bytes\":8}\n"
    );
    // Lists: applied to each file.
    assert_eq!(run(&["list", "--transform", "id", "-r"]), format!("{id}\n"));
    assert_eq!(
        run(&["list", "--transform", "filename", "--format", "json"]),
        "[\n  \"report.pdf\"\n]\n"
    );
    assert_eq!(
        run(&["list", "--transform", "{id,mime_type}", "--format", "jsonl"]),
        format!("{{\"id\":\"{id}\",\"mime_type\":\"application/pdf\"}}\n")
    );
}
