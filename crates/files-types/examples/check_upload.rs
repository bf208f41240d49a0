//! Checks a file the way the client checks it before uploading: the filename, the
//! size, the MIME type and the content block it would be referenced with; with
//! `--batch`, that the content is JSONL of batch requests (streamed, line numbers
//! in errors).
//!
//! ```text
//! cargo run -p files-types --example check_upload -- PATH [--batch]
//! cargo run -p files-types --example check_upload          # checks built-in samples
//! ```

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use files_types::{
    BatchJsonlValidator, FileContentBlock, FileMetadata, UploadParams, ValidationError,
    validate_batch_jsonl, validate_file_size, validate_filename,
};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let batch = args.iter().any(|a| a == "--batch");
    match args.iter().find(|a| !a.starts_with("--")) {
        Some(path) => match check_path(Path::new(path), batch) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("refused: {err}");
                ExitCode::FAILURE
            }
        },
        None => {
            samples();
            ExitCode::SUCCESS
        }
    }
}

fn check_path(path: &Path, batch: bool) -> Result<(), Box<dyn std::error::Error>> {
    let params = UploadParams::new();
    let filename = params
        .resolve_filename(path)
        .ok_or("the path has no file name")?;
    validate_filename(&filename)?;
    let size = std::fs::metadata(path)?.len();
    validate_file_size(size)?;
    let mime_type = params.resolve_mime_type(&filename);
    println!("filename   {filename}");
    println!("size       {size} bytes");
    println!("mime type  {mime_type}");
    if batch {
        let mut check = BatchJsonlValidator::new();
        let mut file = std::fs::File::open(path)?;
        let mut chunk = vec![0; 64 * 1024];
        loop {
            let n = file.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            check.feed(&chunk[..n])?;
        }
        println!("batch      {} requests", check.finish()?);
    }
    let file = FileMetadata::new("file_<id>", &filename, &mime_type, size, "");
    println!(
        "block      {}",
        serde_json::to_string(&FileContentBlock::for_file(&file))?
    );
    Ok(())
}

fn samples() {
    println!("No PATH given: checking samples.\n");
    for name in [
        "report.pdf",
        "chart.png",
        "data.csv",
        "notes?.txt",
        "a\tb",
        "",
    ] {
        let verdict = validate_filename(name).map(|()| {
            let mime = UploadParams::new().resolve_mime_type(name);
            let file = FileMetadata::new("file_<id>", name, &mime, 0, "");
            let block = FileContentBlock::for_file(&file);
            format!("ok, {mime} -> {}", block.kind())
        });
        print_verdict(&format!("{name:?}"), verdict);
    }
    for size in [1024, 524_288_000, 524_288_001] {
        print_verdict(
            &format!("{size} bytes"),
            validate_file_size(size).map(|()| "ok".to_owned()),
        );
    }
    let jsonl = b"{\"custom_id\":\"r1\",\"params\":{}}\n{\"custom_id\":\"r1\",\"params\":{}}\n";
    print_verdict(
        "batch with a repeated custom_id",
        validate_batch_jsonl(jsonl).map(|n| format!("ok, {n} requests")),
    );
}

fn print_verdict(what: &str, verdict: Result<String, ValidationError>) {
    match verdict {
        Ok(ok) => println!("{what:<34} {ok}"),
        Err(err) => println!("{what:<34} refused: {err}"),
    }
}
