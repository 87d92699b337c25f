//! The store on real temporary files: creation, round trips, history,
//! reopening, and refusing files that are not ours without touching them.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use headway::domain::evaluation::TextField;
use headway::store::{ImportOutcome, OpenMode, Store, StoreError, SCHEMA_VERSION};

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("headway.db");
    (dir, path)
}

fn open(path: &Path) -> Store {
    Store::open(path, OpenMode::Write).unwrap()
}

fn evaluation(store: &mut Store) -> i64 {
    let school = store.add_school("Oakfield Primary").unwrap();
    common::add_evaluation(store, school.id, "curriculum-sequencing", "English")
}

const KEY: &str = "curriculum-sequencing/intent/purpose-stated";

#[test]
fn a_new_database_is_private_migrated_and_has_the_shipped_tools() {
    let (_dir, path) = temp();
    let store = open(&path);
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(
        store.latest_tools().unwrap().len(),
        headway::shipped::TOOLS.len()
    );
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(app, headway::store::APPLICATION_ID);
    assert_eq!(journal, "wal");
    let loose: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND strict = 0 AND type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(loose, 0, "every table is STRICT");
}

#[test]
fn judgements_round_trip_through_a_reopen() {
    let (_dir, path) = temp();
    let mut store = open(&path);
    let id = evaluation(&mut store);
    store.set_level(id, KEY, Some(2)).unwrap();
    store
        .set_text(
            id,
            KEY,
            TextField::Rationale,
            "Leaders disagree — é ŵ 中文 🎉",
            true,
        )
        .unwrap();
    store
        .set_text(id, KEY, TextField::Evidence, "Book look", true)
        .unwrap();
    let other = "curriculum-sequencing/intent/local-context";
    store.set_deferred(id, other, true).unwrap();
    store
        .set_text(id, other, TextField::DeferNote, "Ask the new head", true)
        .unwrap();
    drop(store);
    let store = open(&path);
    let j = store.judgements(id).unwrap();
    assert_eq!(j[KEY].level, Some(2));
    assert_eq!(j[KEY].rationale, "Leaders disagree — é ŵ 中文 🎉");
    assert_eq!(j[KEY].evidence, "Book look");
    assert!(j[other].deferred);
    assert_eq!(j[other].defer_note, "Ask the new head");
    let e = store.evaluation(id).unwrap();
    assert_eq!(
        (e.scope.as_str(), e.cycle.as_str()),
        ("English", "Autumn 2026")
    );
}

#[test]
fn overwritten_values_are_kept_as_history() {
    let (_dir, path) = temp();
    let mut store = open(&path);
    let id = evaluation(&mut store);
    store.set_level(id, KEY, Some(2)).unwrap();
    store.set_level(id, KEY, Some(3)).unwrap();
    store
        .set_text(id, KEY, TextField::Rationale, "first", true)
        .unwrap();
    // Typing on in the same editing session replaces no history.
    store
        .set_text(id, KEY, TextField::Rationale, "first draft", false)
        .unwrap();
    // A new session over a saved value keeps the value it replaces.
    store
        .set_text(id, KEY, TextField::Rationale, "second", true)
        .unwrap();
    store.set_deferred(id, KEY, true).unwrap();
    let h = store.history(id, Some(KEY)).unwrap();
    let got: Vec<(&str, &str)> = h
        .iter()
        .map(|r| (r.field.as_str(), r.old_value.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("level", "2"),
            ("rationale", "first draft"),
            ("level", "3"),
            ("deferred", "0"),
        ]
    );
    let j = store.judgements(id).unwrap();
    assert_eq!((j[KEY].level, j[KEY].deferred), (None, true));
    assert_eq!(j[KEY].rationale, "second", "deferring keeps the rationale");
}

#[test]
fn setting_the_same_value_writes_no_history() {
    let (_dir, path) = temp();
    let mut store = open(&path);
    let id = evaluation(&mut store);
    store.set_level(id, KEY, Some(2)).unwrap();
    store.set_level(id, KEY, Some(2)).unwrap();
    store
        .set_text(id, KEY, TextField::Rationale, "same", true)
        .unwrap();
    store
        .set_text(id, KEY, TextField::Rationale, "same", true)
        .unwrap();
    assert!(store.history(id, Some(KEY)).unwrap().is_empty());
}

#[test]
fn duplicate_school_names_are_refused_clearly() {
    let (_dir, path) = temp();
    let mut store = open(&path);
    store.add_school("Oakfield Primary").unwrap();
    let err = store.add_school("oakfield primary").unwrap_err();
    assert!(err.to_string().contains("already here"), "{err}");
    assert_eq!(store.schools().unwrap().len(), 1);
}

#[test]
fn listings_report_progress() {
    let (_dir, path) = temp();
    let mut store = open(&path);
    let id = evaluation(&mut store);
    store.set_level(id, KEY, Some(4)).unwrap();
    store
        .set_deferred(id, "curriculum-sequencing/intent/local-context", true)
        .unwrap();
    let l = store.evaluation_listings().unwrap();
    assert_eq!(l.len(), 1);
    assert_eq!(
        (
            l[0].progress.judged,
            l[0].progress.deferred,
            l[0].progress.left
        ),
        (1, 1, 13)
    );
}

const TOOL_V1: &str = r#"id = "my-tool"
version = 1
title = "Mine"
area = "Test"
[[aspects]]
id = "a"
title = "A"
[[aspects.statements]]
id = "s"
text = "One statement."
"#;

#[test]
fn tool_import_keeps_versions_and_refuses_conflicts() {
    let (_dir, path) = temp();
    let mut store = open(&path);
    assert_eq!(
        store.import_tool(TOOL_V1).unwrap(),
        ImportOutcome::Added {
            id: "my-tool".into(),
            version: 1
        }
    );
    // The same content again changes nothing, even with other formatting.
    let reformatted = TOOL_V1.replace("title = \"Mine\"", "title   =   \"Mine\" # same");
    assert_eq!(
        store.import_tool(&reformatted).unwrap(),
        ImportOutcome::AlreadyPresent {
            id: "my-tool".into(),
            version: 1
        }
    );
    // Same version, other content: refused.
    let changed = TOOL_V1.replace("One statement.", "Changed statement.");
    let err = store.import_tool(&changed).unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("raise `version`"), "{err}");
    // A higher version sits beside the first.
    let v2 = changed.replace("version = 1", "version = 2");
    store.import_tool(&v2).unwrap();
    let versions: Vec<u32> = store
        .all_tools()
        .unwrap()
        .into_iter()
        .filter(|t| t.id == "my-tool")
        .map(|t| t.version)
        .collect();
    assert_eq!(versions, vec![1, 2]);
    assert_eq!(
        store.tool("my-tool", 1).unwrap().aspects[0].statements[0].text,
        "One statement."
    );
    // Going back below the newest is refused.
    let err = store
        .import_tool(&TOOL_V1.replace("One statement.", "Other."))
        .unwrap_err();
    assert!(err.to_string().contains("already stored"), "{err}");
    // An invalid file is refused with its problems.
    assert!(
        matches!(store.import_tool("id = 1"), Err(StoreError::InvalidTool(p)) if !p.is_empty())
    );
}

fn assert_refused_untouched(path: &Path, bytes: &[u8], expect: fn(&StoreError) -> bool) {
    fs::write(path, bytes).unwrap();
    let err = Store::open(path, OpenMode::Write).err().expect("refused");
    assert!(expect(&err), "unexpected error: {err}");
    assert_eq!(fs::read(path).unwrap(), bytes, "file left byte for byte");
    let folder: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(folder.len(), 1, "no -wal or -shm files were made");
}

#[test]
fn foreign_files_are_refused_and_left_untouched() {
    let (_dir, path) = temp();
    assert_refused_untouched(&path, b"", |e| matches!(e, StoreError::Empty(_)));
    assert_refused_untouched(&path, b"hello, this is a text file\n", |e| {
        matches!(e, StoreError::NotSqlite(_))
    });
    let random: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert_refused_untouched(&path, &random, |e| matches!(e, StoreError::NotSqlite(_)));
}

#[test]
fn another_applications_sqlite_file_is_refused_untouched() {
    let (_dir, path) = temp();
    let other = tempfile::tempdir().unwrap();
    let other_path = other.path().join("other.db");
    let conn = rusqlite::Connection::open(&other_path).unwrap();
    conn.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');")
        .unwrap();
    drop(conn);
    let bytes = fs::read(&other_path).unwrap();
    assert_refused_untouched(&path, &bytes, |e| matches!(e, StoreError::Foreign(_)));
}

#[test]
fn a_file_from_a_newer_headway_is_refused_untouched() {
    let (dir, path) = temp();
    drop(open(&path));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    let bytes = fs::read(&path).unwrap();
    fs::remove_file(&path).unwrap();
    let _ = dir;
    assert_refused_untouched(&path, &bytes, |e| {
        matches!(e, StoreError::TooNew { .. }) && e.to_string().contains("newer headway")
    });
}

#[test]
fn a_second_writer_is_refused() {
    let (_dir, path) = temp();
    let _first = open(&path);
    let err = Store::open(&path, OpenMode::Write)
        .err()
        .expect("second writer refused");
    assert!(matches!(err, StoreError::Locked(_)), "{err}");
    assert!(err.to_string().contains("open in another headway"));
    // Readers (exports) still work beside the writer.
    Store::open(&path, OpenMode::Read).unwrap();
}

#[test]
fn bad_paths_give_clear_errors() {
    let (dir, path) = temp();
    let missing = dir.path().join("no/such/folder/x.db");
    assert!(matches!(
        Store::open(&missing, OpenMode::Write),
        Err(StoreError::MissingFolder(_))
    ));
    assert!(matches!(
        Store::open(dir.path(), OpenMode::Write),
        Err(StoreError::IsDirectory(_))
    ));
    assert!(matches!(
        Store::open(&path, OpenMode::Read),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn read_only_files_and_folders_are_refused() {
    let (dir, path) = temp();
    drop(open(&path));
    let before = fs::read(&path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    let err = Store::open(&path, OpenMode::Write)
        .err()
        .expect("read-only refused");
    assert!(matches!(err, StoreError::ReadOnlyFile(_)), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();

    let ro = dir.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o500)).unwrap();
    let err = Store::open(&ro.join("new.db"), OpenMode::Write)
        .err()
        .expect("refused");
    assert!(matches!(err, StoreError::ReadOnlyFolder(_)), "{err}");
    assert!(!ro.join("new.db").exists());
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o700)).unwrap();
}

/// A file made before the shipped tools suggested action titles takes the
/// titles on its next open, since nothing judged differs; a tool the user
/// imported is never changed.
#[test]
fn shipped_tools_stored_earlier_take_the_new_action_titles() {
    use headway::store::{OpenMode, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    drop(Store::open(&db, OpenMode::Write).unwrap());
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let source: String = conn
            .query_row(
                "SELECT source FROM tools WHERE tool_id = 'curriculum-sequencing' AND version = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let old: String = source
            .lines()
            .filter(|l| !l.starts_with("draft = "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(old, source, "the shipped tool has draft titles");
        conn.execute(
            "UPDATE tools SET source = ?1 WHERE tool_id = 'curriculum-sequencing'",
            [&old],
        )
        .unwrap();
    }
    let store = Store::open(&db, OpenMode::Write).unwrap();
    let tool = store.tool("curriculum-sequencing", 1).unwrap();
    assert!(tool.aspects[0].statements[0].draft.is_some());
}
