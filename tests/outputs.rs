//! Issue 9, item 1: an output path never destroys anything. Reports and
//! exports are written whole beside their target and renamed into place;
//! the database, its companions, its backups, other databases and symbolic
//! links are refused; streams are written as streams.

mod common;

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{headway_limited, leftovers};

fn headway(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("school.db");
    let out = headway(&db, &["--today", "2026-11-22", "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn assert_refused(out: &Output, why: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one sentence: {err}");
    assert!(err.contains(why), "{err}");
}

#[test]
fn the_database_its_companions_and_its_backups_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    assert!(headway(&db, &["backup"]).status.success());
    let backup = headway::store::backup::backups_of(&db)
        .into_iter()
        .next()
        .expect("a backup file");
    let before = fs::read(&db).unwrap();
    let backup_before = fs::read(&backup).unwrap();
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let shm = PathBuf::from(format!("{}-shm", db.display()));
    let fresh = dir.path().join("backups").join("new.html");
    for target in [&db, &wal, &shm, &backup, &fresh] {
        let t = target.to_string_lossy();
        let out = headway(&db, &["report", "--school", "Oak", "-o", &t]);
        assert_refused(&out, "headway's own database file or backup");
        let out = headway(&db, &["export", "-o", &t]);
        assert_refused(&out, "headway's own database file or backup");
    }
    // The same file reached by another name is still the database.
    let alias = dir.path().join("alias.db");
    fs::hard_link(&db, &alias).unwrap();
    let out = headway(&db, &["export", "-o", &alias.to_string_lossy()]);
    assert_refused(&out, "headway's own database file or backup");
    assert_eq!(fs::read(&db).unwrap(), before);
    assert_eq!(fs::read(&backup).unwrap(), backup_before);
    assert!(!fresh.exists());
    assert!(headway(&db, &["tools", "list"]).status.success());
}

#[test]
fn another_database_and_a_symbolic_link_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let other = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let other_before = fs::read(&other).unwrap();
    let out = headway(&db, &["export", "-o", &other.to_string_lossy()]);
    assert_refused(&out, "is a database file");
    assert_eq!(fs::read(&other).unwrap(), other_before);

    let target = dir.path().join("target.html");
    fs::write(&target, "keep me").unwrap();
    let link = dir.path().join("link.html");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = headway(
        &db,
        &["report", "--school", "Oak", "-o", &link.to_string_lossy()],
    );
    assert_refused(&out, "symbolic link");
    assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    // A link to nowhere is refused too, not followed to create its target.
    let dangling = dir.path().join("dangling.html");
    std::os::unix::fs::symlink(dir.path().join("nowhere.html"), &dangling).unwrap();
    let out = headway(&db, &["export", "-o", &dangling.to_string_lossy()]);
    assert_refused(&out, "symbolic link");
    assert!(!dir.path().join("nowhere.html").exists());
}

#[test]
fn a_replaced_file_is_whole_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let out_file = dir.path().join("governors.html");
    fs::write(&out_file, "old report").unwrap();
    fs::set_permissions(&out_file, fs::Permissions::from_mode(0o644)).unwrap();
    let out = headway(
        &db,
        &[
            "report",
            "--school",
            "Oak",
            "-o",
            &out_file.to_string_lossy(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = fs::read_to_string(&out_file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(mode(&out_file), 0o600);
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn streams_are_written_without_a_sync_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    for target in ["-", "/dev/stdout"] {
        let out = headway(&db, &["report", "--school", "Oak", "-o", target]);
        assert!(out.status.success(), "{target}: {}", text(&out.stderr));
        assert!(text(&out.stdout).starts_with("<!DOCTYPE html>"), "{target}");
    }
    let out = headway(&db, &["export", "-o", "/dev/null"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(&db)
        .arg("export")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 8];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, as `| head -c 8` would.
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "{err}");
    // Either it finished first, or it stopped as `cat` does, by SIGPIPE.
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.code() == Some(0) || out.status.signal() == Some(libc::SIGPIPE),
        "{:?}",
        out.status
    );
}

#[test]
fn a_write_that_fails_half_way_leaves_the_old_file_whole_and_no_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // Open once to write, so today's backup exists before the limit.
    common::open_to_write(&db);
    let export = dir.path().join("export.json");
    fs::write(&export, "{\"the\": \"old export\"}").unwrap();
    let out = headway_limited(&db, &["export", "-o", &export.to_string_lossy()], 50_000);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("left as it was"), "{err}");
    assert_eq!(
        fs::read_to_string(&export).unwrap(),
        "{\"the\": \"old export\"}"
    );
    let new = dir.path().join("new.json");
    let out = headway_limited(&db, &["export", "-o", &new.to_string_lossy()], 50_000);
    assert_eq!(out.status.code(), Some(1));
    assert!(!new.exists(), "no empty or half file is left");
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn two_writers_at_once_leave_one_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let target = dir.path().join("report.html");
    for _ in 0..10 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_headway"))
                .arg("--db")
                .arg(&db)
                .args(["report", "--school", "Oak", "-o"])
                .arg(&target)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
        }
        let html = fs::read_to_string(&target).unwrap();
        assert!(html.trim_end().ends_with("</html>"));
        assert_eq!(html.matches("<!DOCTYPE html>").count(), 1);
    }
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn the_output_module_holds_the_rules_for_every_caller() {
    // The app's `R` writes through the same module as the command line,
    // so the module itself must hold the rules.
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let protected = headway::output::Protected::database(&db);
    let err = headway::output::write_text(Some(&db), &protected, "x").unwrap_err();
    assert!(err.to_string().contains("own database"), "{err}");
    let ok = dir.path().join("fine.txt");
    headway::output::write_text(Some(&ok), &protected, "fine").unwrap();
    assert_eq!(fs::read_to_string(&ok).unwrap(), "fine");
    assert_eq!(mode(&ok), 0o600);
}

#[test]
fn another_databases_log_journal_and_unsaved_text_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    // Existing or not, a log or journal beside a database is refused.
    let wal = dir.path().join("other.db-wal");
    fs::write(&wal, [0x37, 0x7f, 0x06, 0x82, 0, 0, 0, 0]).unwrap();
    for target in ["other.db-wal", "other.db-journal", "other.db-shm"] {
        let path = dir.path().join(target);
        let out = headway(&db, &["export", "-o", &path.to_string_lossy()]);
        assert_refused(&out, "is a database file");
    }
    assert_eq!(fs::read(&wal).unwrap().len(), 8);
    // A log copied under another name is known by its first bytes.
    let copied = dir.path().join("log-copy");
    fs::copy(&wal, &copied).unwrap();
    let out = headway(&db, &["export", "-o", &copied.to_string_lossy()]);
    assert_refused(&out, "is a database file");
    // Text a failed save kept for the next start, this database's or another's.
    for name in [".school.db.unsaved", ".other.db.unsaved"] {
        let path = dir.path().join(name);
        fs::write(&path, "kept text").unwrap();
        let out = headway(
            &db,
            &["report", "--school", "Oak", "-o", &path.to_string_lossy()],
        );
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "kept text", "{name}");
    }
}

#[test]
fn csv_into_a_folder_checks_every_file_first_and_never_follows_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let folder = dir.path().join("csv");
    fs::create_dir(&folder).unwrap();
    rusqlite::Connection::open(folder.join("actions.csv"))
        .unwrap()
        .execute_batch("CREATE TABLE t (x);")
        .unwrap();
    let csv = |target: &str| {
        headway(
            &db,
            &["report", "--school", "Oak", "--format", "csv", "-o", target],
        )
    };
    let out = csv(&folder.to_string_lossy());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !folder.join("judgements.csv").exists(),
        "nothing written first"
    );
    assert!(text(&out.stdout).is_empty());
    // A link to a folder, a stream and a path two folders deep are refused.
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    assert_refused(&csv(&link.to_string_lossy()), "symbolic link");
    assert!(fs::read_dir(&elsewhere).unwrap().next().is_none());
    assert_refused(&csv("-"), "is not a folder");
    let deep = dir.path().join("missing").join("deeper");
    assert_refused(&csv(&deep.to_string_lossy()), "does not exist");
    assert!(!dir.path().join("missing").exists());
    // One new folder is made, private.
    let fresh = dir.path().join("fresh");
    let out = csv(&fresh.to_string_lossy());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(fs::read_dir(&fresh).unwrap().count(), 3);
}
