//! Any I/O failure leaves the file either unchanged or fully committed.
//! The real binary, in a pseudo-terminal, types a rationale while a file-size
//! limit (RLIMIT_FSIZE, set on the running process) makes the write-ahead
//! log's writes fail: first at the first write of the action, then at the
//! second, and so on until the action fits. Each time the app must say what
//! happened in one line, keep the typed text on screen, leave a database that
//! passes integrity_check holding a prefix of what was typed, and save it
//! all once the limit is lifted.

mod common;

use std::path::Path;

use common::Session;
use headway::store::{NewEvaluation, OpenMode, Store};
use rusqlite::Connection;

const KEY: &str = "curriculum-sequencing/intent/purpose-stated";
const TYPED: &str = "Kept on screen";
/// One WAL frame: a 4096-byte page and its 24-byte header.
const FRAME: u64 = 4096 + 24;

fn prepared(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("io.db");
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap().id;
    let e = store
        .create_evaluation(&NewEvaluation {
            school_id: school,
            tool_id: "curriculum-sequencing".into(),
            tool_version: 1,
            scope: "English".into(),
            cycle: "Autumn 2026".into(),
            attendees: String::new(),
        })
        .unwrap();
    store.set_level(e, KEY, Some(2)).unwrap();
    drop(store);
    // Opening once more takes today's backup, so the app's own start writes
    // nothing the limit could catch.
    drop(Store::open(&db, OpenMode::Write).unwrap());
    db
}

fn set_file_limit(pid: i32, bytes: Option<u64>) {
    let value = bytes.unwrap_or(libc::RLIM_INFINITY);
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: sets a resource limit of our own child process.
    let rc = unsafe { libc::prlimit(pid, libc::RLIMIT_FSIZE, &limit, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "prlimit on the child");
}

fn stored_rationale(db: &Path) -> (String, String) {
    let conn = Connection::open(db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    let rationale: String = conn
        .query_row(
            "SELECT rationale FROM judgements WHERE statement_key = ?1",
            [KEY],
            |r| r.get(0),
        )
        .unwrap();
    (check, rationale)
}

#[test]
fn a_failing_write_at_every_point_of_an_action_loses_nothing() {
    let mut failures_seen = 0;
    for frames in 0..200u64 {
        let dir = tempfile::tempdir().unwrap();
        let db = prepared(dir.path());
        let wal = dir.path().join("io.db-wal");
        let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
        s.wait_for("Oakfield Primary");
        s.send("\x1b[B\r"); // open the evaluation: the walk, at statement 2
        s.wait_for("statement 2 of 15");
        s.send("\x1b[D"); // back to statement 1, already judged
        s.wait_for("statement 1 of 15");
        s.send("\r"); // edit its rationale: nothing written yet
        s.wait_for("Esc stop typing");
        let used = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let header = if used == 0 { 32 } else { 0 };
        set_file_limit(s.pid(), Some(used + header + frames * FRAME));
        s.type_slowly(TYPED);
        s.wait_for(TYPED);
        std::thread::sleep(std::time::Duration::from_millis(150));
        let screen = s.screen();
        let failed = screen.contains("Not saved yet, your text is kept");
        if failed {
            failures_seen += 1;
            // The message says what happened, above the keys, which stay.
            let status = screen
                .lines()
                .find(|l| l.contains('✗'))
                .unwrap_or_default()
                .to_string();
            eprintln!("{frames} frames: {}", status.trim());
            assert!(
                status.starts_with("✗"),
                "a message says what happened:\n{screen}"
            );
            assert!(
                screen
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .contains("Esc stop typing"),
                "the keys are still shown:\n{screen}"
            );
            assert!(
                screen.contains("not saved yet"),
                "the editor marks it:\n{screen}"
            );
            let (check, stored) = stored_rationale(&db);
            assert_eq!(check, "ok", "limit of {frames} frames");
            assert!(
                TYPED.starts_with(&stored),
                "a prefix was committed: {stored:?}"
            );
            assert_ne!(stored, TYPED, "not everything was saved");
        }
        // Lift the limit: the next keystroke saves everything on screen.
        set_file_limit(s.pid(), None);
        s.type_slowly(".");
        s.wait_for("Rationale saved");
        s.send("\x1b");
        s.send("\x03");
        assert!(s.wait_exit());
        let (check, stored) = stored_rationale(&db);
        assert_eq!(check, "ok");
        assert_eq!(stored, format!("{TYPED}."), "limit of {frames} frames");
        if !failed {
            eprintln!("the action fitted at {frames} frames after {failures_seen} failing limits");
            // The whole action fitted: every earlier limit failed part way.
            assert!(failures_seen > 0, "the limit never caught a write");
            return;
        }
    }
    panic!("the action never fitted under a growing limit");
}
