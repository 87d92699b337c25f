//! Issue 9, items 3, 4, 10, 11 and 12: a restore brings back every committed row and never
//! replaces what it keeps; backups belong to one database; messages are
//! plain; a database's companions are private.

mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{headway_limited, leftovers, wait_until_unlocked};
use headway::store::backup::{backup_folder, backups_of};
use headway::store::{NewEvaluation, OpenMode, Store};
use rusqlite::Connection;

fn open_store(db: &Path) -> Store {
    wait_until_unlocked(db);
    Store::open(db, OpenMode::Write).unwrap()
}

fn headway(db: &Path, args: &[&str]) -> Output {
    wait_until_unlocked(db);
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

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn one_sentence(out: &Output) -> String {
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert!(!err.contains("***") && !err.contains("malformed"), "{err}");
    err
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn school_with_judgements(db: &Path, name: &str, judged: usize) -> Store {
    let mut store = open_store(db);
    let school = store.add_school(name).unwrap().id;
    let e = store
        .create_evaluation(&NewEvaluation {
            school_id: school,
            tool_id: "curriculum-sequencing".into(),
            tool_version: 1,
            scope: "Whole school".into(),
            cycle: "Autumn 2026".into(),
            attendees: String::new(),
        })
        .unwrap();
    let tool = store.tool("curriculum-sequencing", 1).unwrap();
    let keys: Vec<String> = tool.statements().map(|s| s.key(&tool.id)).collect();
    for key in keys.iter().cycle().take(judged) {
        store.set_level(e, key, Some(3)).unwrap();
    }
    store
}

#[test]
fn a_restore_brings_back_commits_still_in_the_sources_log() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.db");
    let store = school_with_judgements(&source, "Logged School", 15);
    // Copy the file and its log while the log still holds the commits.
    let copy = dir.path().join("copy.db");
    fs::copy(&source, &copy).unwrap();
    fs::copy(
        dir.path().join("source.db-wal"),
        dir.path().join("copy.db-wal"),
    )
    .unwrap();
    drop(store);
    let db = dir.path().join("target.db");
    drop(school_with_judgements(&db, "Target School", 1));
    let out = headway(&db, &["restore", copy.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM judgements WHERE level IS NOT NULL"
        ),
        count(
            &source,
            "SELECT count(*) FROM judgements WHERE level IS NOT NULL"
        )
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM schools WHERE name = 'Logged School'"
        ),
        1
    );
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_restore_of_the_database_onto_itself_is_refused_and_its_log_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let store = school_with_judgements(&db, "Live School", 5);
    let wal = dir.path().join("live.db-wal");
    let wal_before = fs::read(&wal).unwrap();
    drop(store);
    // The log of a closed database is folded in; hold one open instead.
    let store = school_with_judgements(&dir.path().join("other.db"), "Other", 1);
    drop(store);
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    for name in [&db, &link] {
        let out = headway(&db, &["restore", name.to_str().unwrap(), "--yes"]);
        assert_eq!(out.status.code(), Some(1));
        let err = one_sentence(&out);
        assert!(err.contains("is the database itself"), "{err}");
    }
    assert!(!wal_before.is_empty());
    assert_eq!(count(&db, "SELECT count(*) FROM schools"), 1);
}

#[test]
fn two_restores_in_one_second_keep_both_replaced_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "First", 1));
    let copy = dir.path().join("copy.db");
    assert!(headway(&db, &["backup", copy.to_str().unwrap()])
        .status
        .success());
    for name in ["Second", "Third"] {
        open_store(&db).add_school(name).unwrap();
        let out = headway(&db, &["restore", copy.to_str().unwrap(), "--yes"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let kept: Vec<PathBuf> = backups_of(&db)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("replaced-"))
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    let mut names: Vec<i64> = kept
        .iter()
        .map(|k| count(k, "SELECT count(*) FROM schools"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [2, 2],
        "each kept copy holds the school added before it"
    );
}

#[test]
fn a_linked_database_is_restored_at_its_target_and_a_dangling_link_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("school.db");
    drop(school_with_judgements(&real, "Linked School", 2));
    let copy = dir.path().join("copy.db");
    assert!(headway(&real, &["backup", copy.to_str().unwrap()])
        .status
        .success());
    open_store(&real).add_school("Added later").unwrap();
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = headway(&link, &["restore", copy.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(count(&real, "SELECT count(*) FROM schools"), 1);

    let dangling = dir.path().join("dangling.db");
    std::os::unix::fs::symlink(dir.path().join("gone.db"), &dangling).unwrap();
    for args in [
        &["tools", "list"][..],
        &["restore", copy.to_str().unwrap(), "--yes"][..],
    ] {
        let out = headway(&dangling, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = one_sentence(&out);
        assert!(err.contains("which does not exist"), "{err}");
    }
    assert!(!dir.path().join("gone.db").exists());
}

#[test]
fn failed_restores_and_creations_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "Big School", 10));
    // Open once to write, so today's backup exists before the limit.
    common::open_to_write(&db);
    let copy = dir.path().join("copy.db");
    assert!(headway(&db, &["backup", copy.to_str().unwrap()])
        .status
        .success());
    let before = fs::read(&db).unwrap();
    let out = headway_limited(&db, &["restore", copy.to_str().unwrap(), "--yes"], 40_000);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    one_sentence(&out);
    assert_eq!(fs::read(&db).unwrap(), before);
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );

    let fresh = dir.path().join("fresh.db");
    let out = headway_limited(&fresh, &["demo"], 20_000);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    one_sentence(&out);
    assert!(!fresh.exists());
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn backups_belong_to_one_database_whatever_sits_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    // plan.db and plan.sqlite share a name before the dot; both get a daily
    // backup of their own.
    let plan_db = dir.path().join("plan.db");
    let plan_sqlite = dir.path().join("plan.sqlite");
    for db in [&plan_db, &plan_sqlite] {
        drop(school_with_judgements(db, "Plan School", 1));
        drop(open_store(db));
    }
    let a = backups_of(&plan_db);
    let b = backups_of(&plan_sqlite);
    assert_eq!((a.len(), b.len()), (1, 1), "{a:?} {b:?}");
    assert_ne!(a, b);
    // school.db and school-old.db: a damaged school.db is pointed at its
    // own backup, never at school-old's.
    let school = dir.path().join("school.db");
    let old = dir.path().join("school-old.db");
    drop(school_with_judgements(&school, "School", 1));
    drop(open_store(&school));
    drop(school_with_judgements(&old, "Old School", 1));
    drop(open_store(&old));
    let own = backups_of(&school);
    assert_eq!(own.len(), 1);
    // Make school-old's backup the newest.
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(headway(&old, &["backup"]).status.success());
    damage(&school);
    let out = headway(&school, &["tools", "import", common::SHIPPED_TOOL]);
    assert_eq!(out.status.code(), Some(1));
    let err = one_sentence(&out);
    assert!(err.contains(&own[0].display().to_string()), "{err}");
}

/// Flips bytes in the page holding the judgements table.
fn damage(db: &Path) {
    let (page_size, root): (i64, i64) = {
        let c = Connection::open(db).unwrap();
        c.pragma_update(None, "wal_checkpoint", "TRUNCATE").ok();
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
    let mut bytes = fs::read(db).unwrap();
    let at = ((root - 1) * page_size) as usize;
    for b in &mut bytes[at..at + 12] {
        *b ^= 0xA5;
    }
    fs::write(db, &bytes).unwrap();
}

#[test]
fn a_restore_says_before_asking_when_the_backup_is_of_another_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "Mine Primary", 1));
    let other = dir.path().join("other.db");
    drop(school_with_judgements(&other, "Theirs Academy", 1));
    let copy = dir.path().join("theirs-copy.db");
    assert!(headway(&other, &["backup", copy.to_str().unwrap()])
        .status
        .success());
    wait_until_unlocked(&db);
    let mut child = Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(&db)
        .args(["restore", copy.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    let note = err.find("not a backup of").expect(&err);
    let question = err.find("[y/N]").expect(&err);
    assert!(note < question, "said before asking: {err}");
    assert!(
        err.contains("Theirs Academy") && err.contains("Mine Primary"),
        "{err}"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM schools WHERE name = 'Mine Primary'"
        ),
        1
    );
    // A backup of the same database asks without the note.
    let own = dir.path().join("own-copy.db");
    assert!(headway(&db, &["backup", own.to_str().unwrap()])
        .status
        .success());
    let out = headway(&db, &["restore", own.to_str().unwrap(), "--yes"]);
    assert!(out.status.success());
    assert!(!text(&out.stderr).contains("not a backup of"));
}

#[test]
fn plain_messages_for_cut_short_backups_and_a_backups_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "School", 3));
    let copy = dir.path().join("copy.db");
    assert!(headway(&db, &["backup", copy.to_str().unwrap()])
        .status
        .success());
    let bytes = fs::read(&copy).unwrap();
    let cut = dir.path().join("cut.db");
    fs::write(&cut, &bytes[..bytes.len() - 4096]).unwrap();
    let out = headway(&db, &["restore", cut.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let err = one_sentence(&out);
    assert!(err.contains("stops part way through"), "{err}");

    // A file where the backups folder should be.
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = dir2.path().join("h.db");
    drop(school_with_judgements(&db2, "School", 1));
    fs::write(backup_folder(&db2), "not a folder").unwrap();
    let out = headway(&db2, &["backup"]);
    assert_eq!(out.status.code(), Some(1));
    let err = one_sentence(&out);
    assert!(err.contains("is a file, not a folder"), "{err}");
    assert!(!err.contains("File exists"), "{err}");
}

#[test]
fn a_backup_that_hits_a_full_disk_says_so_without_blaming_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "School", 3));
    common::open_to_write(&db);
    let copy = dir.path().join("copy.db");
    let out = headway_limited(&db, &["backup", copy.to_str().unwrap()], 40_000);
    assert_eq!(out.status.code(), Some(1));
    let err = one_sentence(&out);
    assert!(!err.contains("refused the change"), "{err}");
    assert!(err.contains("could not be written"), "{err}");
    assert!(!copy.exists());
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_shared_database_gets_private_companions_and_is_named_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("copied-in.db");
    drop(school_with_judgements(&db, "School", 1));
    fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
    // A command that writes says so, once.
    let first = headway(&db, &["tools", "import", common::SHIPPED_TOOL]);
    assert!(first.status.success());
    assert!(
        text(&first.stderr).contains("is readable by other users"),
        "{}",
        text(&first.stderr)
    );
    let second = headway(&db, &["tools", "import", common::SHIPPED_TOOL]);
    assert!(!text(&second.stderr).contains("is readable by other users"));
    // While a headway writes, its log and shared memory are private.
    let mut store = open_store(&db);
    store.add_school("Keeps the log busy").unwrap();
    for side in ["copied-in.db-wal", "copied-in.db-shm"] {
        assert_eq!(mode(&dir.path().join(side)), 0o600, "{side}");
    }
    assert_eq!(
        mode(&db),
        0o644,
        "the database's own mode is the user's choice"
    );
}

#[test]
fn a_pipe_given_as_the_database_or_a_restore_source_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.db");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid path for the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = headway(&fifo, &["tools", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_sentence(&out).contains("not a regular file"));
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "School", 1));
    let out = headway(&db, &["restore", fifo.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_sentence(&out).contains("not a regular file"));
}

#[test]
fn a_renamed_database_keeps_its_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "School", 1));
    drop(open_store(&db));
    assert_eq!(backups_of(&db).len(), 1);
    let renamed = dir.path().join("oakfield.db");
    fs::rename(&db, &renamed).unwrap();
    assert_eq!(backups_of(&renamed).len(), 1, "found by identity, not name");
    // Today's backup exists already, so no second one is taken.
    drop(open_store(&renamed));
    assert_eq!(backups_of(&renamed).len(), 1);
}

#[test]
fn a_database_missing_a_table_is_refused_and_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.db");
    drop(school_with_judgements(&broken, "School", 1));
    Connection::open(&broken)
        .unwrap()
        .execute_batch("DROP TABLE milestones;")
        .unwrap();
    for args in [&["report"][..], &["find", "x"][..], &["export"][..]] {
        let out = headway(&broken, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = one_sentence(&out);
        assert!(err.contains("\"milestones\" is missing"), "{err}");
        assert!(!err.contains("no such table"), "{err}");
    }
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "Good School", 1));
    let out = headway(&db, &["restore", broken.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_sentence(&out).contains("is missing"));
    assert_eq!(count(&db, "SELECT count(*) FROM schools"), 1);
}

#[test]
fn a_restore_stopped_by_a_size_limit_does_not_blame_the_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "School", 3));
    let copy = dir.path().join("copy.db");
    assert!(headway(&db, &["backup", copy.to_str().unwrap()])
        .status
        .success());
    let out = headway_limited(&db, &["restore", copy.to_str().unwrap(), "--yes"], 20_000);
    assert_eq!(out.status.code(), Some(1));
    // A note may come first; the error is the last line.
    let all = text(&out.stderr);
    let err = all.trim().lines().last().unwrap_or_default().to_string();
    assert!(err.starts_with("headway: "), "{all}");
    assert!(!err.contains("damaged"), "{err}");
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn a_backup_before_a_new_version_first_writes_works_and_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    fs::copy("tests/fixtures/schema-1.db", &db).unwrap();
    // A file of an older version is backed up as it is, before any upgrade.
    let before = fs::read(&db).unwrap();
    let out = headway(&db, &["backup"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(backups_of(&db).len(), 1);
    assert_eq!(fs::read(&db).unwrap(), before, "the old file is untouched");
    let copy = dir.path().join("old-copy.db");
    assert!(headway(&db, &["backup", copy.to_str().unwrap()])
        .status
        .success());
    assert_eq!(count(&copy, "PRAGMA user_version"), 1);
    let fresh = dir.path().join("fresh.db");
    drop(school_with_judgements(&fresh, "School", 1));
    Connection::open(&fresh)
        .unwrap()
        .execute("DELETE FROM settings WHERE key = 'database_id'", [])
        .unwrap();
    let out = headway(&fresh, &["backup"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(backups_of(&fresh).len(), 1);
}

#[test]
fn a_blank_database_path_and_a_backup_to_a_stream_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_headway"))
        .current_dir(dir.path())
        .env("HEADWAY_DB", " ")
        .args(["tools", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(one_sentence(&out).contains("HEADWAY_DB is set but empty"));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "School", 1));
    let out = headway(&db, &["backup", "-"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_sentence(&out).contains("not a stream"));
}

#[test]
fn a_backup_path_follows_the_output_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    drop(school_with_judgements(&db, "School", 1));
    let other = dir.path().join("other.sqlite");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x);")
        .unwrap();
    for name in [
        "e.db-journal",
        "e.db-wal",
        "other.sqlite-journal",
        ".e.db.unsaved",
    ] {
        let target = dir.path().join(name);
        let existed = target.exists();
        let out = headway(&db, &["backup", target.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        one_sentence(&out);
        assert_eq!(target.exists(), existed, "{name}");
    }
    let inside = backup_folder(&db).join("mine.db");
    fs::create_dir_all(backup_folder(&db)).unwrap();
    let out = headway(&db, &["backup", inside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_database_missing_a_column_is_refused_and_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.db");
    drop(school_with_judgements(&broken, "School", 1));
    Connection::open(&broken)
        .unwrap()
        .execute_batch("ALTER TABLE checkins DROP COLUMN created_at;")
        .unwrap();
    let out = headway(&broken, &["export"]);
    assert_eq!(out.status.code(), Some(1));
    let err = one_sentence(&out);
    assert!(
        err.contains("\"created_at\" of its table \"checkins\" is missing"),
        "{err}"
    );
    let db = dir.path().join("school.db");
    drop(school_with_judgements(&db, "Good School", 1));
    let out = headway(&db, &["restore", broken.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_sentence(&out).contains("is missing"));
}

#[test]
fn a_restore_never_replaces_another_applications_database() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.db");
    drop(school_with_judgements(&source, "School", 1));
    let theirs = dir.path().join("theirs.db");
    Connection::open(&theirs)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (42);")
        .unwrap();
    let before = fs::read(&theirs).unwrap();
    let out = headway(&theirs, &["restore", source.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_sentence(&out).contains("another application's"));
    assert_eq!(fs::read(&theirs).unwrap(), before);
}
