//! Saving downloads with the blocking client: a 254-byte target name works, and
//! `write_to_new` never replaces a file, even with many threads racing for one
//! new name, and `write_to_unique` saves beside a taken name.

use crate::support::server;

use std::path::Path;
use std::sync::{Arc, Barrier};

use files_blocking::Error;
use files_server::ServerConfig;
use server::Server;

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn already_exists(err: &Error) -> bool {
    matches!(err, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists)
}

#[test]
fn long_names_and_racing_writers_of_one_new_name() {
    const WRITERS: usize = 8;
    let server = Server::start(ServerConfig::new());
    let client = server.builder().build().unwrap();
    let files = client.files();
    let mut contents = Vec::new();
    let mut ids = Vec::new();
    for i in 0..WRITERS {
        let content: Vec<u8> = (0..60_000u32).map(|b| (b as usize * 5 + i) as u8).collect();
        ids.push(server.generated(&format!("r{i}.bin"), content.clone()));
        contents.push(content);
    }
    let dir = tempfile::tempdir().unwrap();

    // A 254-byte name: the temporary name is shortened to fit NAME_MAX.
    let long = dir.path().join(format!("{}.bin", "a".repeat(250)));
    assert_eq!(
        files.download(&ids[0]).unwrap().write_to(&long).unwrap(),
        60_000
    );
    assert_eq!(std::fs::read(&long).unwrap(), contents[0]);
    std::fs::remove_file(&long).unwrap();
    assert_eq!(
        files
            .download(&ids[0])
            .unwrap()
            .write_to_new(&long)
            .unwrap(),
        60_000
    );
    let err = files
        .download(&ids[1])
        .unwrap()
        .write_to_new(&long)
        .unwrap_err();
    assert!(already_exists(&err), "{err:?}");
    assert_eq!(std::fs::read(&long).unwrap(), contents[0], "never replaced");
    std::fs::remove_file(&long).unwrap();

    // Racing threads: exactly one wins, with its own bytes intact.
    let target = dir.path().join("race.bin");
    let start = Arc::new(Barrier::new(WRITERS));
    let threads: Vec<_> = ids
        .iter()
        .map(|id| {
            let download = files.download(id).unwrap();
            let (start, target) = (Arc::clone(&start), target.clone());
            std::thread::spawn(move || {
                start.wait();
                download.write_to_new(&target)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for (i, thread) in threads.into_iter().enumerate() {
        match thread.join().unwrap() {
            Ok(written) => {
                assert_eq!(written, 60_000);
                winners.push(i);
            }
            Err(err) => assert!(already_exists(&err), "writer {i}: {err:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one writer wins: {winners:?}");
    assert_eq!(std::fs::read(&target).unwrap(), contents[winners[0]]);
    assert_eq!(entries(dir.path()), ["race.bin"], "no temporary file left");
    drop((files, client));
    drop(server);
}

#[test]
fn write_to_unique_saves_beside_a_taken_name_without_replacing_it() {
    let server = Server::start(ServerConfig::new());
    let client = server.builder().build().unwrap();
    let files = client.files();
    let first: Vec<u8> = (0..1000u32).map(|b| b as u8).collect();
    let second: Vec<u8> = (0..1000u32).map(|b| (b * 3) as u8).collect();
    let ids = [
        server.generated("u.bin", first.clone()),
        server.generated("u.bin", second.clone()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("u.bin");
    let (at, written) = files
        .download(&ids[0])
        .unwrap()
        .write_to_unique(&target)
        .unwrap();
    assert_eq!((at.as_path(), written), (target.as_path(), 1000));
    let (at, written) = files
        .download(&ids[1])
        .unwrap()
        .write_to_unique(&target)
        .unwrap();
    assert_eq!((at, written), (dir.path().join("u (1).bin"), 1000));
    assert_eq!(std::fs::read(&target).unwrap(), first, "never replaced");
    assert_eq!(std::fs::read(dir.path().join("u (1).bin")).unwrap(), second);
    assert_eq!(entries(dir.path()), ["u (1).bin", "u.bin"]);
}
