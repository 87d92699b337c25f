//! Promises about files: damaged and stray files are refused untouched and
//! point to the newest good backup; backups happen without being asked, are
//! verified, private and rotated; a restore keeps every row; every file
//! headway writes is private whatever the umask.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use headway::store::backup::{backup_folder, days_to_keep, KEEP_DAILY};
use headway::store::{OpenMode, Store, StoreError};
use jiff::civil::date;
use rusqlite::Connection;

fn headway(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("HEADWAY_DB")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A demo database, checkpointed so the whole of it is in the main file.
fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("school.db");
    assert!(headway(&db, &["--today", "2026-11-22", "demo"])
        .status
        .success());
    db
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file and folder under a database's backups folder.
fn backup_entries(db: &Path) -> Vec<std::path::PathBuf> {
    fn walk(at: &Path, out: &mut Vec<std::path::PathBuf>) {
        if let Ok(entries) = fs::read_dir(at) {
            for e in entries.filter_map(Result::ok) {
                out.push(e.path());
                if e.path().is_dir() {
                    walk(&e.path(), out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&backup_folder(db), &mut out);
    out
}

fn backup_files(db: &Path) -> Vec<std::path::PathBuf> {
    backup_entries(db)
        .into_iter()
        .filter(|p| p.is_file())
        .collect()
}

/// Every row, but the name a restored file's changes go under: a restore
/// gives it a new one, so its next changes never share names with changes
/// the file made after the backup.
fn dump(db: &Path) -> Vec<String> {
    common::table_rows(db, false)
        .into_iter()
        .filter(|r| !r.starts_with("settings: copy_id |"))
        .collect()
}

#[test]
fn a_truncated_headway_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let bytes = fs::read(&db).unwrap();
    fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
    let before = fs::read(&db).unwrap();
    for args in [&["tools", "list"][..], &["export"][..]] {
        let out = headway(&db, args);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.contains("is damaged"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert_eq!(
        fs::read(&db).unwrap(),
        before,
        "the file's bytes are unchanged"
    );
}

#[test]
fn flipped_bytes_in_a_page_are_found_and_point_to_the_newest_good_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // Opening it again takes today's backup.
    drop(Store::open(&db, OpenMode::Write).unwrap());
    assert_eq!(backup_files(&db).len(), 1, "one daily backup");
    // Damage the page that holds the judgements table.
    let (page_size, root): (i64, i64) = {
        let c = Connection::open(&db).unwrap();
        (
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
            c.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'judgements'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
        )
    };
    let mut bytes = fs::read(&db).unwrap();
    let at = ((root - 1) * page_size) as usize;
    for b in &mut bytes[at..at + 12] {
        *b ^= 0xA5;
    }
    fs::write(&db, &bytes).unwrap();
    // A command that writes checks every page first.
    let out = headway(&db, &["tools", "import", common::SHIPPED_TOOL]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("is damaged") && err.contains("headway restore"),
        "{err}"
    );
    assert!(err.contains("daily-"), "{err}");
    assert_eq!(
        fs::read(&db).unwrap(),
        bytes,
        "the damaged file is untouched"
    );
}

#[test]
fn a_write_ahead_log_without_its_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gone.db");
    let wal = dir.path().join("gone.db-wal");
    fs::write(&wal, b"not really a log, but it must not be touched").unwrap();
    let out = headway(&db, &["tools", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("write-ahead log without its database"),
        "{err}"
    );
    assert!(!db.exists());
    assert_eq!(
        fs::read(&wal).unwrap(),
        b"not really a log, but it must not be touched"
    );
}

#[test]
fn a_damaged_file_without_backups_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    drop(Store::open(&db, OpenMode::Write).unwrap());
    let bytes = fs::read(&db).unwrap();
    fs::write(&db, &bytes[..4096 + 100]).unwrap();
    match Store::open(&db, OpenMode::Write) {
        Err(e @ StoreError::Damaged { .. }) => {
            assert!(e.to_string().contains("no backup of it was found"), "{e}")
        }
        Err(e) => panic!("expected damage, got: {e}"),
        Ok(_) => panic!("a truncated file opened"),
    }
}

#[test]
fn rotation_keeps_seven_days_four_weeks_and_six_months() {
    // A backup every day for a year, up to 22 November 2026.
    let days: Vec<_> = (0..365)
        .map(|n| {
            date(2026, 11, 22)
                .checked_sub(jiff::Span::new().days(n))
                .unwrap()
        })
        .collect();
    let keep = days_to_keep(&days);
    let newest: Vec<_> = days[..KEEP_DAILY].to_vec();
    for d in &newest {
        assert!(keep.contains(d), "{d} is one of the last seven days");
    }
    // The newest of each of the last four ISO weeks (Sundays here).
    for d in [date(2026, 11, 15), date(2026, 11, 8), date(2026, 11, 1)] {
        assert!(keep.contains(&d), "{d}");
    }
    // The newest of each of the last six months.
    for d in [
        date(2026, 10, 31),
        date(2026, 9, 30),
        date(2026, 8, 31),
        date(2026, 7, 31),
        date(2026, 6, 30),
    ] {
        assert!(keep.contains(&d), "{d}");
    }
    assert!(
        !keep.contains(&date(2026, 5, 31)),
        "a seventh month is dropped"
    );
    assert!(!keep.contains(&date(2026, 11, 14)));
    assert_eq!(keep.len(), 7 + 3 + 5);
}

#[test]
fn the_daily_backup_is_private_verified_and_taken_once_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let store = Store::open(&db, OpenMode::Write).unwrap();
    assert!(
        !backup_folder(&db).exists(),
        "a new, empty file is not backed up"
    );
    let first = store.daily_backup(date(2026, 11, 22)).unwrap().unwrap();
    assert!(store.daily_backup(date(2026, 11, 22)).unwrap().is_none());
    assert_eq!(mode(&first), 0o600);
    assert_eq!(mode(&backup_folder(&db)), 0o700);
    let c = Connection::open(&first).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    // Eight more days: rotation drops what it no longer keeps.
    for day in 23..=30 {
        store.daily_backup(date(2026, 11, day)).unwrap();
    }
    let names: Vec<String> = fs::read_dir(first.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // The last seven days, and the 22nd as the newest of the week before.
    assert_eq!(names.len(), 8, "{names:?}");
    assert!(!names.iter().any(|n| n.contains("2026-11-23")), "{names:?}");
    assert!(
        names.iter().all(|n| !n.ends_with(".part")),
        "no temporary files left"
    );
}

#[test]
fn an_upgrade_is_preceded_by_a_backup_of_the_old_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    fs::copy("tests/fixtures/schema-1.db", &db).unwrap();
    drop(Store::open(&db, OpenMode::Write).unwrap());
    let before: Vec<_> = backup_files(&db)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("before-schema-2"))
        .collect();
    assert_eq!(before.len(), 1);
    let c = Connection::open(&before[0]).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1, "the copy holds the schema it had");
}

#[test]
fn a_restore_drill_keeps_every_row_and_the_replaced_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let copy = dir.path().join("copy.db");
    let out = headway(&db, &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mode(&copy), 0o600);
    let original = dump(&db);
    // Change the database after the backup, then restore it.
    {
        let mut store = Store::open(&db, OpenMode::Write).unwrap();
        store.add_school("A school added after the backup").unwrap();
    }
    assert_ne!(dump(&db), original);
    // Without --yes, anything but "y" keeps the file as it is.
    let mut refused = Command::new(env!("CARGO_BIN_EXE_headway"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "restore",
            copy.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    refused.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let refused = refused.wait_with_output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("Nothing was restored"));
    assert_ne!(dump(&db), original);

    let out = headway(&db, &["restore", copy.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("replaced is kept at"));
    assert_eq!(dump(&db), original, "every row survives the round trip");
    assert_eq!(mode(&db), 0o600);
    // The replaced file, with the school added later, is kept.
    let kept: Vec<_> = backup_files(&db)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("replaced-"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert!(dump(&kept[0])
        .iter()
        .any(|r| r.contains("A school added after the backup")));
    // And headway opens the restored file.
    assert!(headway(&db, &["tools", "list"]).status.success());
}

#[test]
fn a_restore_refuses_a_bad_backup_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = fs::read(&db).unwrap();
    let junk = dir.path().join("junk.db");
    fs::write(&junk, b"SQLite format 3\0 and then nothing useful").unwrap();
    let out = headway(&db, &["restore", junk.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr).trim().lines().count(), 1);
    assert_eq!(fs::read(&db).unwrap(), before);
}

#[test]
fn every_file_headway_writes_is_private_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("open.db");
    let csv = dir.path().join("csv");
    let report = dir.path().join("r.html");
    let export = dir.path().join("e.json");
    let copy = dir.path().join("copy.db");
    let script = format!(
        "umask 000; h={bin}; d={db}; \
         $h --db $d --today 2026-11-22 demo >/dev/null && \
         $h --db $d tools import {tool} >/dev/null && \
         $h --db $d tools list >/dev/null && \
         $h --db $d report --school oak -o {report} && \
         $h --db $d report --school oak --format csv -o {csv} >/dev/null && \
         $h --db $d export -o {export} && \
         $h --db $d backup {copy} >/dev/null",
        bin = env!("CARGO_BIN_EXE_headway"),
        db = db.display(),
        report = report.display(),
        csv = csv.display(),
        export = export.display(),
        copy = copy.display(),
        tool = common::SHIPPED_TOOL,
    );
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    for file in [&db, &report, &export, &copy, &csv.join("judgements.csv")] {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    for folder in [&csv, &backup_folder(&db)] {
        assert_eq!(mode(folder), 0o700, "{}", folder.display());
    }
    for entry in backup_entries(&db) {
        let want = if entry.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&entry), want, "{}", entry.display());
    }
    // While a headway has it open, the log and index files are private too.
    let store = Store::open(&db, OpenMode::Write).unwrap();
    let mut store = store;
    store.add_school("Keeps the log open").unwrap();
    for side in ["open.db-wal", "open.db-shm"] {
        let p = dir.path().join(side);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{side}");
        }
    }
}

#[test]
fn no_networking_crate_is_in_the_dependency_tree() {
    let lock = fs::read_to_string("Cargo.lock").unwrap();
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|n| n.trim_end_matches('"'))
        .collect();
    assert!(names.contains(&"rusqlite"), "the lock file was read");
    for banned in [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "curl-sys",
        "isahc",
        "surf",
        "h2",
        "h3",
        "quinn",
        "native-tls",
        "rustls",
        "openssl",
        "openssl-sys",
        "tokio",
        "async-std",
        "tungstenite",
        "hickory-resolver",
        "trust-dns-resolver",
        "lettre",
        "attohttpc",
        "minreq",
    ] {
        assert!(!names.contains(&banned), "{banned} is a networking crate");
    }
}
