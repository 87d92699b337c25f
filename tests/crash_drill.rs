//! A crash loses nothing acknowledged. The real binary runs a scripted
//! sequence of judgements, typed rationales, plan edits and check-ins and is
//! killed with SIGKILL at random (seeded) moments; after each kill the file
//! must pass integrity_check and hold exactly the changes 0..=n for some n at
//! or past the last one acknowledged: nothing lost, nothing half-applied.
//!
//! 200 kills by default; set HEADWAY_CRASH_KILLS for longer runs and
//! HEADWAY_CRASH_SEED to replay a run.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use headway::drill::{apply, script};
use headway::store::{OpenMode, Store};
use rusqlite::Connection;

/// Changes each run of the binary is given; it is killed before the end.
const BATCH: usize = 60;
/// Kills before starting again on a new file, to keep files small.
const KILLS_PER_FILE: usize = 25;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator for the kill moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn dump(db: &Path) -> Vec<String> {
    common::table_rows(db, true)
}

/// Every row of the travelling tables, as stored (UUIDs and times too).
fn travelling_rows(db: &Path) -> Vec<String> {
    common::rows_of(db, headway::store::TRAVELLING)
}

/// The rows that replaying `db`'s recorded changes, in the order they were
/// made, onto a new empty file gives.
fn replayed(db: &Path, dir: &Path) -> Vec<String> {
    let fresh = dir.join("replayed.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", fresh.display()));
    }
    drop(Store::open(&fresh, OpenMode::Write).unwrap());
    let sets: Vec<Vec<u8>> = Connection::open(db)
        .unwrap()
        .prepare("SELECT changeset FROM changes ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let conn = Connection::open(&fresh).unwrap();
    for set in sets {
        headway::store::changeset::apply(&conn, &set, &mut |c| {
            panic!("a recorded change does not replay: {:?}", c.kind)
        })
        .unwrap();
    }
    drop(conn);
    travelling_rows(&fresh)
}

fn integrity(db: &Path) -> String {
    let conn = Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn sigkill_at_random_moments_loses_nothing_acknowledged() {
    let kills = env_number("HEADWAY_CRASH_KILLS", 200) as usize;
    let seed = env_number("HEADWAY_CRASH_SEED", 20_261_122);
    let mut rng = Rng(seed | 1);
    let ops = script(seed, kills * BATCH + 2);
    let mut dir = tempfile::tempdir().unwrap();
    let (mut next, mut reference) = (0usize, None::<Store>);
    let mut committed_past_ack = 0;
    for kill in 0..kills {
        if kill % KILLS_PER_FILE == 0 {
            dir = tempfile::tempdir().unwrap();
            next = 0;
            reference = Some(Store::open(&dir.path().join("ref.db"), OpenMode::Write).unwrap());
        }
        let db = dir.path().join("drill.db");
        let reference = reference.as_mut().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_headway"))
            .args(["--db", db.to_str().unwrap(), "drill"])
            .args(["--seed", &seed.to_string()])
            .args(["--from", &next.to_string(), "--count", &BATCH.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let wanted = 1 + (rng.next() % 30) as usize;
        let pause = Duration::from_micros(rng.next() % 3000);
        let mut last_ack = None;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..wanted {
            match lines.next() {
                Some(Ok(line)) => {
                    last_ack = line
                        .strip_prefix("ack ")
                        .and_then(|n| n.parse::<usize>().ok())
                }
                _ => break,
            }
        }
        std::thread::sleep(pause);
        let _ = child.kill();
        let _ = child.wait();
        drop(lines);

        assert_eq!(integrity(&db), "ok", "kill {kill} (seed {seed})");
        // Bring the reference up to the last acknowledged change, then on
        // one change at a time until it matches the crashed file.
        let must_have = last_ack.map_or(next, |a| a + 1);
        let mut applied = next;
        while applied < must_have {
            apply(reference, &ops[applied]).unwrap();
            applied += 1;
        }
        let crashed = dump(&db);
        while dump(&dir.path().join("ref.db")) != crashed {
            assert!(
                applied < next + BATCH,
                "kill {kill} (seed {seed}): the file matches no prefix of the changes \
                 from {must_have} on: a change was lost or half-applied"
            );
            apply(reference, &ops[applied]).unwrap();
            applied += 1;
        }
        // Every fifth kill, and each file's last: replaying takes a while.
        let replay_now = kill % 5 == 4 || kill % KILLS_PER_FILE == KILLS_PER_FILE - 1;
        assert!(
            !replay_now || replayed(&db, dir.path()) == travelling_rows(&db),
            "kill {kill} (seed {seed}): the recorded changes replay to the rows saved"
        );
        committed_past_ack += applied - must_have;
        next = applied;
    }
    eprintln!("{kills} kills; {committed_past_ack} changes were committed but not yet acknowledged when killed");
}
