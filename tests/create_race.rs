//! Issue 9, item 2: a new database has one writer from its first moment.
//! Two headways started together on a path that does not exist yet: exactly
//! one creates the file, and nothing either acknowledged is lost. (Its own
//! test binary, so no other test's children hold a lock it meets.)

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::leftovers;
use rusqlite::Connection;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn integrity(db: &Path) -> String {
    Connection::open(db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn tool_file(dir: &Path, id: &str) -> PathBuf {
    let path = dir.join(format!("{id}.toml"));
    fs::write(
        &path,
        format!(
            "id = \"{id}\"\nversion = 1\ntitle = \"Tool {id}\"\narea = \"Testing\"\n\
             [[aspects]]\nid = \"a\"\ntitle = \"An aspect\"\n\
             [[aspects.statements]]\nid = \"s\"\ntext = \"A statement.\"\n"
        ),
    )
    .unwrap();
    path
}

/// A small generator, so the races can be replayed from their seed.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn two_headways_creating_one_new_file_leave_one_writer_and_lose_nothing() {
    let races: usize = std::env::var("HEADWAY_CREATE_RACES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut seed: u64 = std::env::var("HEADWAY_CREATE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_c0de);
    let dir = tempfile::tempdir().unwrap();
    let tools = [
        tool_file(dir.path(), "first"),
        tool_file(dir.path(), "second"),
    ];
    let (mut both, mut refused) = (0, 0);
    for race in 0..races {
        let db = dir.path().join(format!("race-{race}.db"));
        let delay = next(&mut seed) % 4000;
        let spawn = |tool: &Path| {
            Command::new(env!("CARGO_BIN_EXE_headway"))
                .arg("--db")
                .arg(&db)
                .args(["tools", "import"])
                .arg(tool)
                .env_remove("HEADWAY_DB")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn(&tools[0]);
        std::thread::sleep(std::time::Duration::from_micros(delay));
        let b = spawn(&tools[1]);
        let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        assert_eq!(integrity(&db), "ok", "race {race} (delay {delay} µs)");
        let mut acknowledged = 0;
        for (out, id) in outs.iter().zip(["first", "second"]) {
            let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
            match out.status.code() {
                Some(0) => {
                    assert!(stdout.contains("Imported tool"), "race {race}: {stdout}");
                    let n = count(
                        &db,
                        &format!("SELECT count(*) FROM tools WHERE tool_id = '{id}'"),
                    );
                    assert_eq!(n, 1, "race {race}: {id} was acknowledged, so it is stored");
                    acknowledged += 1;
                }
                Some(1) => {
                    assert!(
                        stderr.contains("is open in another headway"),
                        "race {race}: {stderr}"
                    );
                    assert_eq!(stderr.trim().lines().count(), 1, "race {race}: {stderr}");
                    refused += 1;
                }
                other => panic!("race {race}: exit {other:?}: {stderr}"),
            }
        }
        assert!(acknowledged >= 1, "race {race}: one of them always wins");
        if acknowledged == 2 {
            both += 1;
        }
        assert!(leftovers(dir.path()).is_empty(), "race {race}");
    }
    eprintln!("{races} races: both imported {both} times, one refused {refused} times");
    // The second start came while the first held the file at least once:
    // without that, the race was not exercised.
    assert!(refused > 0, "no race was close enough to meet the lock");
}
