//! Today's backup is taken by the app after its first frame, on its own
//! connection, and is whole even when the app is closed straight away.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Session;
use headway::store::backup::backups_of;
use headway::store::{OpenMode, Store};

/// A database whose backups folder holds no backup of today.
fn without_todays_backup(dir: &Path) -> PathBuf {
    let db = dir.join("b.db");
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    store.add_school("Oakfield Primary").unwrap();
    drop(store);
    let _ = std::fs::remove_dir_all(dir.join("backups"));
    db
}

fn wait_for_backup(db: &Path) -> Vec<PathBuf> {
    let start = Instant::now();
    loop {
        let found = backups_of(db);
        if !found.is_empty() || start.elapsed() > Duration::from_secs(15) {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_app_takes_todays_backup_after_its_first_frame() {
    let dir = tempfile::tempdir().unwrap();
    let db = without_todays_backup(dir.path());
    let mut s = Session::start(&db, &[], 80, 24);
    s.wait_for("Oakfield Primary");
    let found = wait_for_backup(&db);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].to_string_lossy().contains("daily-"));
    headway::store::backup::verify(&found[0]).unwrap();
    // Keys work while (or after) it runs, and the app quits cleanly.
    s.send("q");
    assert!(s.wait_exit());
}

#[test]
fn quitting_at_once_leaves_a_whole_backup_or_none_and_no_half_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = without_todays_backup(dir.path());
    let mut s = Session::start(&db, &[], 80, 24);
    s.wait_for("Oakfield Primary");
    s.send("q");
    assert!(s.wait_exit());
    for backup in backups_of(&db) {
        headway::store::backup::verify(&backup).unwrap();
    }
    let folder = dir.path().join("backups");
    let halves: Vec<String> = walk(&folder)
        .into_iter()
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(halves.is_empty(), "{halves:?}");
}

fn walk(folder: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(folder) {
        for e in entries.filter_map(Result::ok) {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    out
}

/// Flips the header of the page that holds `table`, a table the first
/// frame never reads, so only a check of every page can find it.
fn damage_table(db: &Path, table: &str) -> Vec<u8> {
    let (page_size, root): (i64, i64) = {
        let c = rusqlite::Connection::open(db).unwrap();
        (
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
            c.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap(),
        )
    };
    let mut bytes = std::fs::read(db).unwrap();
    let at = ((root - 1) * page_size) as usize;
    for b in &mut bytes[at..at + 12] {
        *b ^= 0xA5;
    }
    std::fs::write(db, &bytes).unwrap();
    bytes
}

#[test]
fn damage_found_after_the_first_frame_stops_every_save_and_takes_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = without_todays_backup(dir.path());
    let damaged = damage_table(&db, "action_revisions");
    let mut s = Session::start(&db, &[], 80, 24);
    // The first frame comes first; the check over every page follows it.
    s.wait_for("Oakfield Primary");
    s.wait_for("is damaged");
    s.wait_for("Nothing you type now runs as a command");
    s.send("\r");
    s.send("a");
    s.wait_for("Add a school");
    s.type_slowly("Hillside Academy");
    s.send("\r");
    s.wait_for("is damaged");
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    s.send("q");
    assert!(s.wait_exit());
    assert!(
        std::fs::read(&db).unwrap() == damaged,
        "nothing was written"
    );
    assert!(
        backups_of(&db).is_empty(),
        "no backup is taken of a damaged file"
    );
}

/// A change made while the page check still runs waits for it: a damaged
/// file is never written to, however quickly someone types after the first
/// frame.
#[test]
fn a_change_made_before_the_check_ends_waits_for_it_and_is_refused_on_damage() {
    let dir = tempfile::tempdir().unwrap();
    let db = without_todays_backup(dir.path());
    let damaged = damage_table(&db, "action_revisions");
    let mut store = Store::open_for_app(&db).unwrap();
    let job = store.upkeep_job(jiff::civil::date(2026, 11, 23)).unwrap();
    let check = std::thread::spawn(move || {
        // The check is slow to start, as on a large file.
        std::thread::sleep(Duration::from_millis(300));
        job.run()
    });
    let started = Instant::now();
    let refused = store.add_school("Typed ahead Academy").unwrap_err();
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "the change waited for the check"
    );
    assert!(refused.to_string().contains("is damaged"), "{refused}");
    assert!(check.join().unwrap().is_err(), "the check found the damage");
    drop(store);
    assert!(
        std::fs::read(&db).unwrap() == damaged,
        "nothing was written"
    );
    assert!(backups_of(&db).is_empty());
}

/// A file refused as damaged is left as it was found, the log SQLite
/// keeps beside it included: closing does not fold the log into it.
#[test]
fn a_damaged_file_with_a_log_beside_it_is_left_exactly_as_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = without_todays_backup(dir.path());
    damage_table(&db, "action_revisions");
    // Another program's change, still in the log: its connection closes
    // without folding the log in, as after a crash.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )
    .unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; INSERT INTO settings (key, value) VALUES ('left', 'in the log');",
    )
    .unwrap();
    drop(conn);
    let wal = dir.path().join("b.db-wal");
    let (file, log) = (std::fs::read(&db).unwrap(), std::fs::read(&wal).unwrap());
    assert!(!log.is_empty());
    // Commands that write check every page first (one that only reads
    // checks the pages it reads).
    for args in [
        &["tools", "import", "missing.toml"][..],
        &["tools", "import", common::SHIPPED_TOOL][..],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(&db)
        .args(["tools", "import", common::SHIPPED_TOOL])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("is damaged"));
    assert!(std::fs::read(&db).unwrap() == file, "the file is as it was");
    assert!(std::fs::read(&wal).unwrap() == log, "its log is as it was");
}

/// A copy left part way by a headway that has since ended (a power cut, a
/// closed terminal) is removed before the next backup, journal included,
/// however new it is.
#[test]
fn a_half_copy_left_by_an_ended_headway_is_removed_before_the_next_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = without_todays_backup(dir.path());
    let folder = Store::open(&db, OpenMode::Read)
        .unwrap()
        .own_backup_folder()
        .unwrap();
    std::fs::create_dir_all(&folder).unwrap();
    // No process has this number: the kernel's limit is below it.
    let ended = folder.join(".daily-2026-11-22.db.2147483646-0-1f.part");
    let journal = folder.join(".daily-2026-11-22.db.2147483646-0-1f.part-journal");
    let ours = folder.join(format!(
        ".daily-2026-11-22.db.{}-0-1f.part",
        std::process::id()
    ));
    for half in [&ended, &journal, &ours] {
        std::fs::write(half, b"half a copy").unwrap();
    }
    drop(Store::open(&db, OpenMode::Write).unwrap());
    assert!(!ended.exists(), "the ended headway's copy is gone");
    assert!(!journal.exists(), "and its journal");
    assert!(ours.exists(), "a copy of a running headway is left alone");
    assert_eq!(backups_of(&db).len(), 1, "today's backup was taken");
}

/// The page check goes table by table (the whole-file form would rebuild
/// every full-text index in memory), so it must still reach the pages of
/// each table and of the full-text indexes' own tables.
#[test]
fn damage_in_any_table_or_search_index_is_found_before_a_change() {
    for table in [
        "judgement_search_data",
        "checkin_search_idx",
        "judgements",
        "checkins_by_action",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = without_todays_backup(dir.path());
        let damaged = damage_table(&db, table);
        let tool = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/tools/behaviour-attendance.toml"
        );
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .args(["tools", "import", tool])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{table}: {err}");
        assert!(err.contains("is damaged"), "{table}: {err}");
        assert!(
            std::fs::read(&db).unwrap() == damaged,
            "{table}: left as found"
        );
    }
}

/// A search index whose entries are damaged while every page stays sound
/// (its notes are whole): backups are still taken, and the app builds the
/// index again from the notes after its first frame.
#[test]
fn a_damaged_search_index_is_built_again_from_the_notes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(&db)
        .args(["--today", "2026-11-22", "demo"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let index_check = |db: &Path| -> String {
        let c = rusqlite::Connection::open(db).unwrap();
        c.query_row("PRAGMA integrity_check(checkin_search)", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(index_check(&db), "ok");
    // Bytes inside the cells of the index's first page, its structure kept.
    let (page_size, root): (i64, i64) = {
        let c = rusqlite::Connection::open(&db).unwrap();
        (
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
            c.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'checkin_search_data'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
        )
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let at = (root * page_size - 300) as usize;
    for b in &mut bytes[at..at + 40] {
        *b ^= 0x5A;
    }
    std::fs::write(&db, &bytes).unwrap();
    assert_ne!(index_check(&db), "ok", "the index is damaged");
    let backup = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(&db)
        .arg("backup")
        .output()
        .unwrap();
    assert!(
        backup.status.success(),
        "a backup is still taken: {}",
        String::from_utf8_lossy(&backup.stderr)
    );
    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 24);
    s.wait_for("Search index built again");
    s.send("\x03");
    assert!(s.wait_exit());
    assert_eq!(index_check(&db), "ok");
}
