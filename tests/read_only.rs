//! Commands that only read never make a database, and leave its folder as
//! they found it: no -wal or -shm beside the file afterwards, and a log left
//! by an app that was killed is folded in, losing nothing. Every command
//! closes its database cleanly, also when its reader goes away.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const TODAY: &str = "2026-11-24";

fn headway(db: &Path, args: &[&str]) -> Output {
    common::wait_until_unlocked(db);
    Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(db)
        .args(["--today", TODAY])
        .args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file in `dir` (not below it) with its bytes.
fn folder(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The names in `dir`, for messages.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn no_log_beside(db: &Path, what: &str) {
    for suffix in ["-wal", "-shm"] {
        let side = format!("{}{suffix}", db.display());
        assert!(
            !Path::new(&side).exists(),
            "{what} left {side}: {:?}",
            names(db.parent().unwrap())
        );
    }
}

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("school.db");
    let out = headway(&db, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

/// The commands that only read, as typed after `--db FILE`.
const READS: &[&[&str]] = &[
    &["tools", "list"],
    &["find", "phonics"],
    &["export"],
    &["report", "--school", "Oakfield"],
    &["report", "--school", "Riverside", "--format", "markdown"],
    &["report", "--school", "Riverside", "--format", "ics"],
    &[
        "report", "--school", "Oakfield", "--format", "csv", "--kind", "actions",
    ],
    &[
        "report",
        "--evaluation",
        "behaviour",
        "--format",
        "markdown",
    ],
    &["report", "--across"],
    &["conflicts"],
    &["checkin", "--list"],
];

#[test]
fn a_read_of_a_missing_database_says_so_and_makes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let mut reads: Vec<&[&str]> = READS.to_vec();
    reads.push(&["backup", "copy.db"]);
    for args in reads {
        let out = headway(&db, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains("the file does not exist") && err.contains("headway demo"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            names(dir.path()).is_empty(),
            "{args:?} left {:?}",
            names(dir.path())
        );
    }
}

#[test]
fn reads_leave_the_folder_exactly_as_they_found_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    no_log_beside(&db, "demo");
    let before = folder(dir.path());
    for args in READS {
        let out = headway(&db, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(!out.stdout.is_empty(), "{args:?}");
        let after = folder(dir.path());
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>(),
            "{args:?}"
        );
        assert!(after == before, "{args:?} changed a file");
    }
}

#[test]
fn a_log_left_by_a_killed_app_is_folded_in_by_a_read_losing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("killed.db");
    common::open_to_write(&db);
    // The drill commits change after change, saying `ack N` after each; it
    // is killed part way, so its log is left beside the file.
    let mut child = {
        let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .args(["drill", "--seed", "7", "--count", "100000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut acks = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..20 {
        let line = acks.next().expect("an ack").unwrap();
        assert!(line.starts_with("ack "), "{line}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let wal = dir.path().join("killed.db-wal");
    assert!(
        fs::metadata(&wal).is_ok_and(|m| m.len() > 0),
        "a log was left"
    );
    // What the file holds, its log included, read from a copy of both.
    let elsewhere = tempfile::tempdir().unwrap();
    for name in ["killed.db", "killed.db-wal"] {
        fs::copy(dir.path().join(name), elsewhere.path().join(name)).unwrap();
    }
    let held = common::table_rows(&elsewhere.path().join("killed.db"), false);
    assert!(!held.is_empty());

    let out = headway(&db, &["export"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    no_log_beside(&db, "export");
    assert_eq!(common::table_rows(&db, false), held, "nothing was lost");
}

#[test]
fn a_read_only_file_or_folder_is_still_read_and_left_as_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&db, fs::Permissions::from_mode(0o400)).unwrap();
    let before = fs::read(&db).unwrap();
    for args in [
        &["tools", "list"][..],
        &["report", "--school", "Oakfield"][..],
    ] {
        let out = headway(&db, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        no_log_beside(&db, &format!("{args:?} of a read-only file"));
    }
    assert_eq!(fs::read(&db).unwrap(), before);
    // In a folder that may not be written, too.
    fs::set_permissions(&db, fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o500)).unwrap();
    let out = headway(&db, &["export"]);
    let listed = names(dir.path());
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(listed, ["school.db"], "a read-only folder is left as found");
}

#[test]
fn a_read_of_an_older_schema_is_refused_and_leaves_the_folder_as_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    fs::copy("tests/fixtures/schema-10.db", &db).unwrap();
    let before = folder(dir.path());
    for args in [
        &["tools", "list"][..],
        &["export"][..],
        &["find", "year"][..],
    ] {
        let out = headway(&db, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out.stderr).contains("older schema"), "{args:?}");
        assert!(folder(dir.path()) == before, "{args:?} changed the folder");
    }
}

/// Every command that opens the database, in an order that works on one
/// demo file; each leaves no -wal or -shm behind.
#[test]
fn every_command_closes_its_database_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let shared = dir.path().join("shared");
    let rollups = dir.path().join("rollups");
    fs::create_dir(&shared).unwrap();
    fs::create_dir(&rollups).unwrap();
    let copy = dir.path().join("copy.db");
    let (shared, rollups, copy) = (
        shared.to_str().unwrap(),
        rollups.to_str().unwrap(),
        copy.to_str().unwrap(),
    );
    let mut commands: Vec<Vec<&str>> = READS.iter().map(|a| a.to_vec()).collect();
    commands.extend([
        vec!["tools", "import", common::SHIPPED_TOOL],
        vec!["backup"],
        vec!["backup", copy],
        vec!["share", "--school", "Oakfield", shared],
        vec!["sync"],
        vec!["rollup", "--write", rollups],
        vec!["restore", copy, "--yes"],
    ]);
    for args in &commands {
        let out = headway(&db, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        no_log_beside(&db, &format!("{args:?}"));
    }
    // A trust's file takes the roll-ups in.
    let trust = dir.path().join("trust.db");
    common::open_to_write(&trust);
    let out = headway(&trust, &["rollup", rollups]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    no_log_beside(&trust, "rollup");
}

/// A reader that goes away, or a full disk, ends headway only after its
/// database is closed: a demo printed into `| true` leaves a clean file.
#[test]
fn a_closed_or_full_stdout_still_closes_the_database_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closed.db");
    let run = |args: &[&str], stdout: Stdio| {
        common::wait_until_unlocked(&db);
        Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .args(["--today", TODAY])
            .args(args)
            .env_remove("HEADWAY_DB")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        Stdio::from(writer)
    };
    let full = || {
        Stdio::from(
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
    };
    use std::os::unix::process::ExitStatusExt;
    let out = run(&["demo"], closed());
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGPIPE),
        "{}",
        text(&out.stderr)
    );
    no_log_beside(&db, "demo into a closed pipe");
    // The demo was made all the same.
    assert!(headway(&db, &["checkin", "--list"]).status.success());
    for args in READS {
        let out = run(args, closed());
        assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{args:?}");
        no_log_beside(&db, &format!("{args:?} into a closed pipe"));
        let out = run(args, full());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("could not be written") && err.lines().count() == 1,
            "{args:?}: {err}"
        );
        no_log_beside(&db, &format!("{args:?} into a full disk"));
    }
    let other = dir.path().join("full.db");
    let out = Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(&other)
        .args(["--today", TODAY, "demo"])
        .stdin(Stdio::null())
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    no_log_beside(&other, "demo into a full disk");
}

/// A read while the app has the file open sees what the app saved, leaves
/// the app's log alone, and the app goes on saving.
#[test]
fn a_read_beside_the_app_leaves_it_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut app = {
        let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        headway::store::Store::open(&db, headway::store::OpenMode::Write).unwrap()
    };
    app.add_school("Saved a moment ago").unwrap();
    let wal = dir.path().join("school.db-wal");
    assert!(wal.exists());
    let out = {
        let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .args(["find", "moment"])
            .env_remove("HEADWAY_DB")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Saved a moment ago"));
    assert!(wal.exists(), "the app's log is still there");
    app.add_school("Saved after the read").unwrap();
    drop(app);
    no_log_beside(&db, "the app");
    let out = headway(&db, &["find", "after the read"]);
    assert!(text(&out.stdout).contains("Saved after the read"));
}

/// Another program that reads the file while the app has it open, and
/// closes as if it were the last, must not take the app's log from under
/// it: the app keeps its locks from its first moment (a handle opened and
/// closed on the file after SQLite locked it once dropped them all), so
/// what it saves next is in the file for everyone.
#[test]
fn a_reader_closing_beside_the_running_app_leaves_its_log_and_its_saves() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let wal = dir.path().join("school.db-wal");
    let mut app = common::Session::start(&db, &[], 100, 30);
    app.wait_for("a add school");
    // Run beside the app: not waiting for its writer's lock to go.
    let beside = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("HEADWAY_DB")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    assert!(wal.exists(), "the app made its log");
    // A reader in another process that checkpoints and removes the log
    // when it thinks it is the last one: a read command that found a log.
    let out = beside(&["export"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(wal.exists(), "the app's log was taken from under it");
    // And a plain SQLite reader in another program (Python's), as
    // `sqlite3` is: it folds the log in and deletes it on close unless
    // another process holds the file.
    let plain = Command::new("python3")
        .arg("-c")
        .arg("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute('SELECT count(*) FROM schools').fetchone()[0]); c.close()")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(text(&plain.stdout).trim(), "2", "{}", text(&plain.stderr));
    assert!(
        wal.exists(),
        "a plain reader took the app's log from under it"
    );
    // What the app saves now reaches the file.
    app.send("a");
    app.wait_for("School name");
    app.type_slowly("Saved after the reader");
    app.send("\r");
    app.wait_for("Saved after the reader");
    let found = beside(&["find", "reader"]);
    assert!(
        text(&found.stdout).contains("Saved after the reader"),
        "{}",
        text(&found.stderr)
    );
    app.send("q");
    assert!(app.wait_exit());
}

/// With no --db, a read of the default database that does not exist yet
/// makes neither the file nor its folder.
#[test]
fn a_read_of_the_default_database_makes_no_folder() {
    let home = tempfile::tempdir().unwrap();
    for args in [&["tools", "list"][..], &["find", "phonics"], &["export"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_headway"))
            .args(args)
            .env("HOME", home.path())
            .env_remove("XDG_DATA_HOME")
            .env_remove("HEADWAY_DB")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        // The file is what is missing, not a folder to make by hand.
        let said = text(&out.stderr);
        assert!(said.contains("There is no headway database at"), "{said}");
        assert!(!said.contains("create it first"), "{said}");
        assert_eq!(names(home.path()), Vec::<String>::new(), "{args:?}");
    }
}
